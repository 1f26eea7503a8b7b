"""Helpers shared by the tone tests: CSV files and rows of the `texts` table."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vigie.workspace import Workspace

NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def write_csv(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def texts(workspace: Workspace, columns: str = "text_id, language, intents, excerpt") -> list[Any]:
    return workspace.con.con.execute(f"SELECT {columns} FROM texts ORDER BY text_id").fetchall()
