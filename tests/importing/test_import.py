"""Formats, mappings, modes and atomicity of `import_files` on a DuckDB workspace."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers_import import FILES, NOW, rows, snapshot

from vigie.errors import ImportModeError, ImportOptionError, ImportValidationError, MappingError
from vigie.io import ImportMode, import_files
from vigie.workspace import Workspace


def test_semicolon_bom_quotes_crlf_and_day_first_dates(ws: Workspace) -> None:
    report = import_files(
        ws, "accounts", [FILES / "accounts_fr.csv"], date_format="%d/%m/%Y", now=NOW
    )
    assert (report.rows_read, report.inserted) == (3, 3)
    assert report.attribute_columns == {str(FILES / "accounts_fr.csv"): ("Region",)}
    assert rows(
        ws,
        "SELECT account_id, name, arr, currency, customer_since, renewal_date, attributes "
        "FROM accounts WHERE account_id LIKE 'F%' ORDER BY account_id",
    ) == [
        (
            "F1",
            "Dupont; Fils",
            1200.5,
            "USD",
            dt.date(2020, 12, 25),
            dt.date(2025, 2, 1),
            '{"Region":"EU"}',
        ),
        (
            "F2",
            "Ateliers\r\nRéunis",
            900.0,
            "USD",
            dt.date(2021, 1, 31),
            None,
            '{"Region":"Sud; Est"}',
        ),
        ("F3", "Zeta", None, "USD", None, None, None),
    ]


def test_line_numbers_count_line_breaks_inside_quoted_values(ws: Workspace) -> None:
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "accounts", [FILES / "accounts_fr.csv"], now=NOW)  # no --date-format
    assert [(p.line, p.column, p.value) for p in caught.value.problems] == [
        (2, "customer_since", "25/12/2020"),
        (2, "renewal_date", "01/02/2025"),
        (3, "customer_since", "31/01/2021"),  # F2 starts on line 3 and spans lines 3-4
    ]


def test_line_numbers_stay_exact_in_a_large_file_read_in_parallel(
    ws: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "events.csv"
    bad = {1, 150_001, 299_999}  # record numbers across several DuckDB row groups
    lines = ["account_id,event,occurred_at,quantity"]
    lines += [f"A1,login,2024-01-01 00:00:00,{'x' if i in bad else 1}" for i in range(1, 300_001)]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "usage_events", [path], now=NOW)
    assert [p.line for p in caught.value.problems] == [i + 1 for i in sorted(bad)]


def test_timestamps_with_offsets_are_stored_in_utc_and_extra_columns_ignored(
    ws: Workspace,
) -> None:
    report = import_files(ws, "tickets", [FILES / "tickets.csv"], now=NOW)
    assert report.ignored_columns == {str(FILES / "tickets.csv"): ("Internal Note",)}
    assert rows(ws, "SELECT * FROM tickets ORDER BY ticket_id") == [
        (
            "T1",
            "A1",
            dt.datetime(2024, 1, 3, 9, 30),
            dt.datetime(2024, 1, 4, 8, 0),
            "high",
            True,
            "billing",
            None,
            None,
            None,
        ),
        (
            "T2",
            "A2",
            dt.datetime(2024, 2, 1, 8, 0),
            None,
            "critical",
            False,
            None,
            None,
            None,
            None,
        ),
    ]


def test_defaults_fill_absent_columns_and_empty_cells(ws: Workspace) -> None:
    import_files(ws, "usage_events", [FILES / "usage_events.csv"], now=NOW)
    assert rows(ws, "SELECT user_id, quantity FROM usage_events ORDER BY user_id") == [
        ("u1", 1.0),
        ("u2", 3.0),
        ("u3", 1.0),
    ]


def test_jsonl_with_lists_and_pipe_separated_reasons(ws: Workspace) -> None:
    import_files(ws, "sentiments", [FILES / "sentiments.jsonl"], now=NOW)
    assert rows(ws, "SELECT account_id, rating, reasons, comment FROM sentiments ORDER BY 1") == [
        ("A1", "red", ["champion_left", "budget"], "CFO left"),
        ("A2", "green", None, None),  # an empty list is no value
        ("A3", "yellow", ["competitor", "other"], None),
    ]


def test_parquet_with_native_types(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "sentiments.parquet"
    table = pa.table(
        {
            "account_id": ["A1", "A2", "A3"],
            "author": ["ann", "bob", "cy"],
            "rated_at": pa.array(
                [dt.datetime(2024, 3, 1, 10), dt.datetime(2024, 3, 2), dt.datetime(2024, 3, 3)],
                pa.timestamp("us", tz="UTC"),
            ),
            "rating": ["red", "green", "purple"],
            "reasons": [["budget"], [], None],
        }
    )
    pq.write_table(table, path)
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "sentiments", [path], now=NOW)
    assert [(p.line, p.column, p.value) for p in caught.value.problems] == [(3, "rating", "purple")]
    pq.write_table(table.slice(0, 2), path)
    import_files(ws, "sentiments", [path], now=NOW)
    assert rows(ws, "SELECT account_id, rated_at, reasons FROM sentiments ORDER BY 1") == [
        ("A1", dt.datetime(2024, 3, 1, 10), ["budget"]),
        ("A2", dt.datetime(2024, 3, 2), None),
    ]


def _workbook(path: Path, sheet_rows: list[list[object]], title: str = "Sheet1") -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in sheet_rows:
        sheet.append(row)
    workbook.save(path)


def test_xlsx_typed_cells_and_sheet_row_numbers(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "subs.xlsx"
    header = ["subscription_id", "account_id", "start_date", "end_date", "arr", "seats"]
    _workbook(
        path,
        [
            header,
            ["S1", "A1", dt.datetime(2024, 1, 1), dt.datetime(2025, 1, 1), 1200.0, 10],
            [None, None, None, None, None, None],
            ["S2", "A2", dt.datetime(2024, 6, 1), dt.datetime(2024, 5, 1), 300, 2.0],
        ],
    )
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "subscriptions", [path], now=NOW)
    assert [(p.line, p.column) for p in caught.value.problems] == [(4, "end_date")]
    other = tmp_path / "two.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["not", "this"])
    data = workbook.create_sheet("Subs")
    for row in (header, ["S1", "A1", dt.date(2024, 1, 1), None, 1200.5, 10]):
        data.append(row)
    workbook.save(other)
    import_files(ws, "subscriptions", [other], sheet="Subs", now=NOW)
    assert rows(
        ws, "SELECT subscription_id, start_date, end_date, arr, seats FROM subscriptions"
    ) == [("S1", dt.date(2024, 1, 1), None, 1200.5, 10)]


def test_a_title_above_the_header_is_skipped_with_a_warning(ws: Workspace, tmp_path: Path) -> None:
    """Reports saved from Excel or a CRM start with a title and a blank line."""
    path = tmp_path / "report.xlsx"
    _workbook(
        path,
        [
            ["Subscriptions by owner"],
            [None],
            ["subscription_id", "account_id", "start_date", "arr"],
            ["S1", "A1", dt.datetime(2024, 1, 1), "lots"],
        ],
    )
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "subscriptions", [path], now=NOW)
    assert [(p.line, p.column) for p in caught.value.problems] == [(4, "arr")]
    csv = tmp_path / "report.csv"
    csv.write_text('"Accounts, EMEA"\nAs of 2024-05-01\n\naccount_id;name\nA10;Ten\nA11;\n')
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "accounts", [csv], now=NOW)
    assert [(p.line, p.column) for p in caught.value.problems] == [(6, "name")]
    csv.write_text('"Accounts, EMEA"\nAs of 2024-05-01\n\naccount_id;name\nA10;Ten\n')
    [warning] = import_files(ws, "accounts", [csv], now=NOW).warnings
    assert "the header is line 4; the line(s) above it look like a title" in warning
    assert "'Accounts, EMEA'" in warning
    two_cells = tmp_path / "two.csv"  # a title in two cells, then the header
    two_cells.write_text(
        "Accounts report,generated 2025-06-01\n\naccount_id,name,segment\nA12,Twelve,smb\n"
    )
    import_files(ws, "accounts", [two_cells], now=NOW)
    assert rows(ws, "SELECT name FROM accounts WHERE account_id = 'A12'") == [("Twelve",)]
    extra = tmp_path / "extra.csv"  # a data row with a field too many does not move the header
    extra.write_text("account_id,name\nA13,Thirteen\nA14,Fourteen, Inc\n")
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "accounts", [extra], now=NOW)
    [problem] = caught.value.problems
    assert problem.line == 3 and "the row has 3 fields, the header 2" in problem.reason
    assert rows(ws, "SELECT name FROM accounts WHERE account_id = 'A10'") == [("Ten",)]


def test_crm_mapping_renames_derives_and_recodes(ws: Workspace) -> None:
    report = import_files(
        ws, "accounts", [FILES / "crm_accounts.csv"], mapping=FILES / "crm_accounts.yaml", now=NOW
    )
    assert report.attribute_columns == {str(FILES / "crm_accounts.csv"): ("Country",)}
    assert rows(
        ws,
        "SELECT account_id, name, arr, csm, currency, segment, attributes FROM accounts "
        "WHERE account_id LIKE 'SF-%' ORDER BY 1",
    ) == [
        ("SF-0011", "Acme Corp", 120000.0, "Ann", "EUR", "enterprise", '{"Country":"FR"}'),
        ("SF-0012", "Beta Ltd", 9500.0, "Bob", "EUR", "enterprise", '{"Country":"UK"}'),
    ]


def test_mapping_date_format_and_value_recoding(ws: Workspace) -> None:
    import_files(
        ws, "tickets", [FILES / "crm_tickets.csv"], mapping=FILES / "crm_tickets.yaml", now=NOW
    )
    assert rows(ws, "SELECT ticket_id, opened_at, closed_at, severity, escalated FROM tickets") == [
        ("T-1", dt.datetime(2024, 1, 3, 9, 30), dt.datetime(2024, 1, 4, 10), "critical", True),
        ("T-2", dt.datetime(2024, 1, 5, 14), None, "medium", False),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("columns: [a, b]\n", r"map.yaml:1 key 'columns': must map canonical column names"),
        ("colums:\n  name: Company\n", r"map.yaml:1 key 'colums': unknown key"),
        (
            "columns:\n  nom: Company\n",
            r"map.yaml:2 key 'columns.nom': accounts has no column 'nom'",
        ),
        ("columns:\n  name: {value: x, expr: y}\n", r"map.yaml:2 key 'columns.name': give a file"),
        (
            "columns:\n  name: {expr: 'trim('}\n",
            r"map.yaml:2 key 'columns.name': expr is not valid",
        ),
        ("values:\n  segment: [a]\n", r"map.yaml:2 key 'values.segment': must map file values"),
        ("columns: {name: [\n", r"map.yaml is not valid YAML"),
    ],
)
def test_mapping_file_is_validated(ws: Workspace, tmp_path: Path, text: str, message: str) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text(text)
    with pytest.raises(MappingError, match=message):
        import_files(ws, "accounts", [FILES / "accounts.csv"], mapping=mapping, now=NOW)


def test_mapping_expr_that_duckdb_cannot_bind_is_a_mapping_error(
    ws: Workspace, tmp_path: Path
) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  name: {expr: 'no_such_function(\"name\")'}\n")
    before = snapshot(ws)
    with pytest.raises(MappingError, match=r"key 'columns\.name': the expr cannot be computed on"):
        import_files(ws, "accounts", [FILES / "accounts_more2.csv"], mapping=mapping, now=NOW)
    assert snapshot(ws) == before


def test_references_satisfied_by_the_same_import(ws: Workspace) -> None:
    """B3's parent C1 is in the second file; C2's parent B2 in the first."""
    files = [FILES / "accounts_more.csv", FILES / "accounts_more2.csv"]
    report = import_files(ws, "accounts", files, now=NOW)
    assert report.inserted == 5
    assert rows(
        ws,
        "SELECT account_id, parent_account_id, attributes FROM accounts "
        "WHERE account_id IN ('B1', 'B2', 'B3', 'C2') ORDER BY 1",
    ) == [
        ("B1", None, '{"Tier":"gold","Owner Email":"ann@example.com"}'),
        ("B2", "B1", '{"Tier":"silver"}'),
        ("B3", "C1", '{"Owner Email":"bob@example.com"}'),
        ("C2", "B2", None),
    ]


def test_upsert_is_idempotent_and_updates_by_key(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,name,arr\nA1,Acme Renamed,130000\nA4,Delta,10\n")
    first = import_files(ws, "accounts", [path], mode="upsert", now=NOW)
    after_first = snapshot(ws)
    second = import_files(ws, "accounts", [path], mode=ImportMode.UPSERT, now=NOW)
    assert (first.inserted, first.updated) == (1, 1)
    assert (second.inserted, second.updated) == (0, 2)
    assert snapshot(ws) == after_first
    assert rows(ws, "SELECT account_id, name, arr, seats FROM accounts ORDER BY 1") == [
        ("A1", "Acme Renamed", 130000.0, 250),  # seats: not in the file, kept
        ("A2", "Beta", 9000.0, 12),
        ("A3", "Gamma", 40000.0, 80),
        ("A4", "Delta", 10.0, None),
    ]


def test_a_partial_upsert_changes_only_the_columns_its_file_gives(
    ws: Workspace, tmp_path: Path
) -> None:
    """A CSM reassignment sheet (account_id, name, csm) must not blank segment, ARR, seats or
    customer_since; a column the file gives with an empty cell is emptied."""
    sheet = tmp_path / "reassign.csv"
    sheet.write_text("account_id,name,csm,seats\nA1,Acme,zoe,\nA9,Newco,zoe,\n")
    report = import_files(ws, "accounts", [sheet], mode="upsert", now=NOW)
    assert (report.inserted, report.updated) == (1, 1)
    assert rows(
        ws,
        "SELECT account_id, segment, arr, seats, customer_since::VARCHAR, csm FROM accounts "
        "WHERE account_id IN ('A1', 'A9') ORDER BY 1",
    ) == [
        ("A1", "enterprise", 120000.0, None, "2021-03-01", "zoe"),
        ("A9", None, None, None, None, "zoe"),  # a new row: what the file gives, nothing else
    ]


def test_append_adds_and_replace_replaces(ws: Workspace) -> None:
    import_files(ws, "usage_events", [FILES / "usage_events.csv"], now=NOW)
    import_files(ws, "usage_events", [FILES / "usage_events.csv"], now=NOW)
    assert rows(ws, "SELECT count(*) FROM usage_events") == [(6,)]
    report = import_files(ws, "usage_events", [FILES / "usage_events.csv"], mode="replace", now=NOW)
    assert (report.inserted, report.deleted) == (3, 6)
    assert rows(ws, "SELECT count(*) FROM usage_events") == [(3,)]


def test_replace_needs_references_to_the_same_table_inside_the_files(ws: Workspace) -> None:
    import_files(
        ws, "accounts", [FILES / "accounts_more.csv", FILES / "accounts_more2.csv"], now=NOW
    )
    before = snapshot(ws)
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "accounts", [FILES / "accounts_more2.csv"], mode="replace", now=NOW)
    assert [(p.line, p.column, p.value) for p in caught.value.problems] == [
        (3, "parent_account_id", "B2")
    ]
    assert snapshot(ws) == before


def test_dry_run_reports_and_writes_nothing(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,name\nA1,Acme\nA9,Nine\n")
    before = snapshot(ws)
    report = import_files(ws, "accounts", [path], mode="upsert", dry_run=True, now=NOW)
    assert (report.dry_run, report.rows_read, report.inserted, report.updated) == (True, 2, 1, 1)
    assert snapshot(ws) == before
    assert ws.con.con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary"
    ).fetchone() == (0,)


def test_upsert_into_a_table_without_key_is_refused(ws: Workspace) -> None:
    with pytest.raises(ImportModeError, match="usage_events has no primary key"):
        import_files(ws, "usage_events", [FILES / "usage_events.csv"], mode="upsert")


def test_report_as_json(ws: Workspace) -> None:
    report = import_files(ws, "tickets", [FILES / "tickets.csv"], now=NOW).to_dict()
    assert json.loads(json.dumps(report))["ignored_columns"] == {
        str(FILES / "tickets.csv"): ["Internal Note"]
    }


def test_skip_unknown_accounts_leaves_out_trial_accounts_and_names_them(
    ws: Workspace, tmp_path: Path
) -> None:
    """A product-usage export holds trials and internal accounts the CRM does not: with the
    option they are left out and named; without it nothing is written."""
    events = tmp_path / "events.csv"
    events.write_text(
        "account_id,event,occurred_at\nA1,login,2024-06-01\ntrial-9,login,2024-06-01\n"
        "trial-9,login,2024-06-02\nA2,login,2024-06-02\ninternal,export,2024-06-03\n"
    )
    with pytest.raises(ImportValidationError):
        import_files(ws, "usage_events", [events], now=NOW)
    dry = import_files(ws, "usage_events", [events], skip_unknown_accounts=True, dry_run=True)
    assert (dry.rows_read, dry.skipped_unknown, dry.inserted) == (5, 3, 2)
    assert rows(ws, "SELECT count(*) FROM usage_events") == [(0,)]
    report = import_files(ws, "usage_events", [events], skip_unknown_accounts=True, now=NOW)
    assert (report.skipped_unknown, report.inserted, report.skipped) == (3, 2, 0)
    assert report.warnings[-1] == (
        "3 usage_events row(s) skipped: their account_id is not in accounts (2 id(s): "
        "'trial-9' (2), 'internal' (1)). Import those accounts first if they are customers."
    )
    assert rows(ws, "SELECT account_id FROM usage_events ORDER BY 1") == [("A1",), ("A2",)]
    assert report.to_dict()["skipped_unknown"] == 3


def test_skip_unknown_accounts_still_refuses_an_id_written_another_way(
    ws: Workspace, tmp_path: Path
) -> None:
    """`a1 ` is A1 mistyped, not a trial: skipping it would drop a customer's tickets."""
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(
        "ticket_id,account_id,opened_at,severity\nT1,a1 ,2024-06-01,high\nT2,gone,2024-06-01,low\n"
    )
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "tickets", [tickets], skip_unknown_accounts=True, now=NOW)
    [problem] = caught.value.problems
    assert (problem.line, problem.reason) == (
        2,
        "unknown account_id: not in accounts nor in this import (did you mean 'A1'?)",
    )
    with pytest.raises(ImportOptionError, match="tables whose rows name an account"):
        import_files(ws, "accounts", [FILES / "accounts.csv"], skip_unknown_accounts=True)
