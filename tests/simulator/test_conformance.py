"""Every simulated table obeys the canonical schema, and the importer accepts every file."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from vigie.io import import_files
from vigie.schema import TABLES, ColumnType
from vigie.simulate import Portfolio, simulate, write
from vigie.simulate.tables import arrow_schema
from vigie.workspace import Workspace

from .conftest import END

END_TIME = dt.datetime(END.year, END.month, END.day)


def _table(portfolio: Portfolio, usage: pa.Table, name: str) -> pa.Table:
    return usage if name == "usage_events" else portfolio.tables[name]


@pytest.mark.parametrize("name", list(TABLES))
def test_columns_and_types_are_canonical(portfolio: Portfolio, usage: pa.Table, name: str) -> None:
    assert _table(portfolio, usage, name).schema == arrow_schema(name)


@pytest.mark.parametrize("name", list(TABLES))
def test_values_follow_the_schema_rules(portfolio: Portfolio, usage: pa.Table, name: str) -> None:
    table = _table(portfolio, usage, name)
    spec = TABLES[name]
    accounts = portfolio.tables["accounts"]["account_id"]
    if name != "actions":
        assert table.num_rows > 0
    for column in spec.columns:
        values = table[column.name]
        if column.required:
            assert values.null_count == 0, column.name
        present = pc.drop_null(values)
        if column.allowed:
            flat = pc.list_flatten(present) if column.type == ColumnType.STRING_LIST else present
            assert pc.all(pc.is_in(flat, pa.array(column.allowed))).as_py() is not False, (
                column.name
            )
        if column.non_negative and len(present):
            assert pc.min(present).as_py() >= 0, column.name
        if column.references:
            assert pc.all(pc.is_in(present, accounts)).as_py() is not False, column.name
        if (column.not_future or column.name == spec.time_column) and len(present):
            limit = END_TIME if column.type == ColumnType.TIMESTAMP else END
            assert pc.max(present).as_py() < limit, column.name
    for start, end in spec.ordered:
        both = table.filter(pc.is_valid(table[end]))
        assert pc.all(pc.greater_equal(both[end], both[start])).as_py() is not False, (start, end)
    if spec.primary_key:
        counts = table.group_by(list(spec.primary_key)).aggregate([([], "count_all")])
        assert counts.num_rows == table.num_rows, f"duplicate {spec.primary_key}"


def test_usage_is_aggregated_but_realistic(portfolio: Portfolio, usage: pa.Table) -> None:
    events = set(pc.unique(usage["event"]).to_pylist())
    assert {"login", "report_run", "dashboard_view", "export", "api_call"} <= events
    logins = usage.filter(pc.equal(usage["event"], "login")).num_rows
    per_user_day = pc.sum(usage["quantity"]).as_py() / logins
    assert 5 <= per_user_day <= 30


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_the_importer_accepts_every_file(tmp_path: Path, fmt: str) -> None:
    book = simulate(accounts=40, months=6, seed=3, end=END)
    rows = write(book, tmp_path / "files", fmt)
    now = dt.datetime(END.year, END.month, END.day, tzinfo=dt.UTC)
    with Workspace.init(tmp_path / "ws") as ws:
        for name in TABLES:  # accounts first: the others reference it
            report = import_files(ws, name, [tmp_path / "files" / f"{name}.{fmt}"], now=now)
            assert report.inserted == rows[name], name
        assert ws.table("usage_events").count().execute() == rows["usage_events"]


def test_csv_uses_iso_times_and_pipe_joined_lists(tmp_path: Path) -> None:
    book = simulate(accounts=100, months=12, seed=5, end=END)
    write(book, tmp_path, "csv")
    lines = (tmp_path / "sentiments.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == '"account_id","author","rated_at","rating","reasons","comment"'
    assert re.search(r',"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d",', lines[1])
    reasons = book.tables["sentiments"]["reasons"].to_pylist()
    joined = next("|".join(r) for r in reasons if r and len(r) > 1)
    assert any(f',"{joined}",' in line for line in lines)
