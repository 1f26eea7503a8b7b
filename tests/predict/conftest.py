"""A small simulated book, built once per session through the real import path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from vigie.demo import build_demo

BOOK_END = dt.date(2026, 1, 1)


@pytest.fixture(scope="session")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """80 accounts over 24 months ending 2026-01-01 (enough churn in every time slice)."""
    folder = tmp_path_factory.mktemp("book") / "ws"
    built = build_demo(folder, accounts=80, months=24, seed=3, end=BOOK_END)
    built.workspace.close()
    return folder
