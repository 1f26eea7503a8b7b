"""Malformed inputs: every problem is reported with file, line, column, value and reason,
and no table changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_import import FILES, NOW, snapshot

from vigie.errors import ImportValidationError, MappingError
from vigie.io import import_files
from vigie.workspace import Workspace

BAD = FILES / "bad"

# file -> expected problems as (line, column, reason fragment, value)
CASES: dict[str, list[tuple[int | None, str | None, str, str | None]]] = {
    "accounts_missing_name.csv": [(None, "name", "missing required column", None)],
    "accounts_bad_arr.csv": [(2, "arr", "not a number", "12k")],
    "accounts_negative_seats.csv": [(2, "seats", "must not be negative", "-3")],
    "accounts_bad_date.csv": [(2, "customer_since", "not a date", "2021-13-01")],
    "accounts_duplicate.csv": [
        (4, "account_id", "duplicate account_id: already in this import at", "A9")
    ],
    "accounts_existing.csv": [(2, "account_id", "already in accounts; use --mode upsert", "A1")],
    "accounts_unknown_parent.csv": [
        (2, "parent_account_id", "unknown account_id: not in accounts nor in this import", "ZZ")
    ],
    "accounts_empty_name.csv": [(2, "name", "required value is empty", None)],
    "accounts_fractional_seats.csv": [(2, "seats", "not a whole number", "2.5")],
    "accounts_bad_attributes.csv": [(2, "attributes", "not a JSON object", "[1, 2]")],
    "subscriptions_end_before_start.csv": [
        (2, "end_date", "is before start_date (2024-01-01)", "2023-12-31")
    ],
    "subscriptions_unknown_account.csv": [(2, "account_id", "unknown account_id", "NOPE")],
    "subscriptions_near_miss.csv": [  # the id as the CRM wrote it, another way
        (
            2,
            "account_id",
            "unknown account_id: not in accounts nor in this import (did you mean 'A1'?)",
            "a1",
        ),
        (3, "account_id", "unknown account_id: not in accounts nor in this import", "A2 x"),
        (4, "account_id", "(did you mean 'A3'?)", "0A3"),
    ],
    "subscriptions_bad_status.csv": [
        (2, "status", "not one of: active, ended, cancelled", "paused")
    ],
    "tickets_bad_severity.csv": [
        (2, "severity", "not one of: low, medium, high, critical", "urgent")
    ],
    "tickets_bad_boolean.csv": [(2, "escalated", "true/false, yes/no, y/n, t/f or 1/0", "maybe")],
    "tickets_future.csv": [(2, "opened_at", "is in the future", "2031-01-01 10:00:00")],
    "tickets_bad_timestamp.csv": [(2, "opened_at", "not a timestamp", "yesterday")],
    "sentiments_bad_reason.csv": [(2, "reasons", "not one of: champion_left", "price")],
    "sentiments_bad_rating.csv": [(2, "rating", "not one of: green, yellow, red", "blue")],
    "surveys_negative_score.csv": [(2, "score", "must not be negative", "-1")],
    "surveys_nps_out_of_range.csv": [  # a 0-100 satisfaction or 7.5 is not an NPS answer
        (3, "score", "an NPS answer is a whole number from 0 to 10", "11"),
        (4, "score", "an NPS answer is a whole number from 0 to 10", "7.5"),
        (6, "score", "an NPS answer is a whole number from 0 to 10", "75"),
    ],
    "invoices_paid_before_issued.csv": [(2, "paid_at", "is before issued_at", "2024-01-15")],
    "outcomes_future.csv": [(2, "occurred_at", "is in the future", "2030-06-01")],
    "accounts_too_many_fields.csv": [
        (3, None, "malformed CSV row: the row has 4 fields, the header 3", "A10,Ten,smb,extra")
    ],
    "accounts_unterminated_quote.csv": [(3, None, "malformed CSV row", 'A10,"Ten,smb')],
    "accounts_empty.csv": [(None, None, "the file is empty", None)],
    "accounts_duplicate_header.csv": [(1, "name", "appears twice in the header", None)],
    "accounts_multiline_then_bad.csv": [(5, "arr", "not a number", "lots")],
    "usage_events_several.csv": [
        (2, "quantity", "must not be negative", "-2"),
        (3, "account_id", "unknown account_id", "ZZ"),
        (4, "event", "required value is empty", None),
    ],
    "contacts_ended_before_started.csv": [(2, "ended_at", "is before started_at", "2024-04-01")],
    "ratings_duplicate_key.csv": [
        (3, "account_id, measure, rated_at", "duplicate account_id, measure, rated_at", None)
    ],
    "actions_completed_before_created.csv": [(2, "completed_at", "is before created_at", None)],
    "accounts.doc": [(None, None, "unsupported file type '.doc'", None)],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_file_is_refused_with_every_problem_located(ws: Workspace, name: str) -> None:
    table = name.split("_")[0] if not name.startswith("usage_events") else "usage_events"
    table = table.removesuffix(".doc")
    before = snapshot(ws)
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, table, [BAD / name], now=NOW)
    problems = caught.value.problems
    assert len(problems) == caught.value.total == len(CASES[name]), problems
    for problem, (line, column, reason, value) in zip(problems, CASES[name], strict=True):
        assert problem.file == str(BAD / name)
        assert (problem.line, problem.column) == (line, column), problem
        assert reason in problem.reason, problem
        if value is not None:
            assert problem.value == value, problem
    assert f"{BAD / name}" in str(caught.value)
    assert snapshot(ws) == before


def test_problems_in_several_files_are_all_reported(ws: Workspace) -> None:
    before = snapshot(ws)
    files = [BAD / "accounts_bad_arr.csv", BAD / "accounts_negative_seats.csv", FILES / "nope.csv"]
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "accounts", files, mode="upsert", now=NOW)
    assert [(p.file, p.line, p.column) for p in caught.value.problems] == [
        (str(files[0]), 2, "arr"),
        (str(files[1]), 2, "account_id"),
        (str(files[1]), 2, "seats"),
        (str(files[2]), None, None),
    ]
    duplicate = caught.value.problems[1]
    assert duplicate.reason == f"duplicate account_id: already in this import at {files[0]}:2"
    assert caught.value.problems[3].reason == "file not found"
    assert snapshot(ws) == before
    with pytest.raises(ImportValidationError) as folder:
        import_files(ws, "accounts", [FILES], mode="upsert", now=NOW)
    assert folder.value.problems[0].reason.startswith("this is a folder")


def test_all_problems_are_counted_but_samples_are_capped(ws: Workspace, tmp_path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("account_id,name,arr\n" + "".join(f"X{i},n,bad\n" for i in range(1200)))
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "accounts", [path], now=NOW)
    assert caught.value.total == 1200
    assert len(caught.value.problems) == 1000
    assert caught.value.problems[-1].line == 1001
    assert "... and 1150 more" in str(caught.value)
    assert "By kind (counted over the 1,000 listed):\n  1,000 x column 'arr': not a number" in str(
        caught.value
    )


def test_a_long_list_of_problems_starts_with_their_kinds(ws: Workspace, tmp_path) -> None:
    """Sixty rows naming two unknown accounts and one bad number are three fixes, said first."""
    path = tmp_path / "events.csv"
    rows = [f"{'X1' if i % 3 else 'X2'},2024-10-01,login,{'x' if i == 7 else 1}" for i in range(60)]
    path.write_text("account_id,occurred_at,event,quantity\n" + "\n".join(rows) + "\n")
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "usage_events", [path], now=NOW)
    head = str(caught.value).splitlines()[1:5]
    assert head == [
        "By kind:",
        "  60 x column 'account_id': unknown account_id: not in accounts nor in this import",
        "   1 x column 'quantity': not a number such as 1234.5",
        "The first 50:",
    ]


def test_mapping_naming_a_missing_column_is_refused(ws: Workspace, tmp_path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  account_id: Account ID\n  name: Company\n")
    before = snapshot(ws)
    with pytest.raises(
        MappingError, match=r"map.yaml:3 key 'columns.name': .* no column 'Company'"
    ):
        import_files(ws, "accounts", [FILES / "crm_accounts.csv"], mapping=mapping)
    assert snapshot(ws) == before


def test_malformed_json_names_its_line_without_sql(ws: Workspace, tmp_path: Path) -> None:
    lines = tmp_path / "bad.jsonl"
    lines.write_text('{"account_id":"A1","name":"x"}\n\n{"account_id":"A2","name":\n{"a":1}\n')
    array = tmp_path / "bad.json"
    array.write_text('[{"account_id":"A1","name":"x"},\n {"account_id":"A2" "name":"y"}]\n')
    for path, line, reason in [
        (lines, 3, "not valid JSON: Expecting value at character 28"),
        (array, 2, "not valid JSON: Expecting ',' delimiter at character 21"),
    ]:
        with pytest.raises(ImportValidationError) as caught:
            import_files(ws, "accounts", [path], now=NOW)
        [problem] = caught.value.problems
        assert (problem.line, problem.reason) == (line, reason)
        assert "SELECT" not in str(caught.value)
