"""Same seed and end date give byte-identical files; another seed gives another book."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigie.schema import TABLES
from vigie.simulate import simulate, write

from .conftest import END


def _files(out: Path, seed: int, fmt: str) -> dict[str, bytes]:
    write(simulate(accounts=40, months=6, seed=seed, end=END), out, fmt)
    return {name: (out / f"{name}.{fmt}").read_bytes() for name in TABLES}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_seed_same_bytes(tmp_path: Path, fmt: str) -> None:
    assert _files(tmp_path / "a", 1, fmt) == _files(tmp_path / "b", 1, fmt)


def test_another_seed_another_book(tmp_path: Path) -> None:
    first, second = _files(tmp_path / "a", 1, "csv"), _files(tmp_path / "b", 2, "csv")
    changed = [name for name in TABLES if first[name] != second[name]]
    assert set(changed) == set(TABLES) - {"actions"}


def test_only_the_canonical_files_are_left(tmp_path: Path) -> None:
    write(simulate(accounts=10, months=3, seed=1, end=END), tmp_path, "parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{t}.parquet" for t in TABLES)
