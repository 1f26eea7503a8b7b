"""Exports as tools really write them: Windows line ends, tabs, two-digit years, late JSON
keys, recodes to empty, unusual option spellings, and a replace that would orphan rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers_import import FILES, NOW, rows, snapshot

from vigie.errors import ImportModeError, ImportOptionError, ImportValidationError, MappingError
from vigie.io import import_files
from vigie.workspace import Workspace


def _write(path: Path, text: str, newline: str = "\n") -> Path:
    path.write_bytes(text.replace("\n", newline).encode())
    return path


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_malformed_rows_are_located_after_blank_lines_and_windows_line_ends(
    ws: Workspace, tmp_path: Path, newline: str
) -> None:
    csv = "account_id,name,segment\nA10,Ten,smb\n\nA11,Eleven,smb,extra\nA12,Twelve,smb\n"
    path = _write(tmp_path / "accounts.csv", csv, newline)
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "accounts", [path], mode="upsert", now=NOW)
    [problem] = caught.value.problems
    assert (problem.line, problem.value) == (4, "A11,Eleven,smb,extra")


def test_a_two_digit_year_read_with_percent_capital_y_is_refused(
    ws: Workspace, tmp_path: Path
) -> None:
    path = _write(tmp_path / "accounts.csv", "account_id,name,customer_since\nA10,Ten,11/23/26\n")
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "accounts", [path], date_format="%m/%d/%Y", now=NOW)
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (2, "customer_since")
    assert "before 1900" in problem.reason and "%y" in problem.reason
    import_files(ws, "accounts", [path], date_format="%m/%d/%y", now=NOW)
    assert str(rows(ws, "SELECT customer_since FROM accounts WHERE account_id = 'A10'")[0][0]) == (
        "2026-11-23"
    )


def test_tabs_and_non_breaking_spaces_around_values_are_trimmed(
    ws: Workspace, tmp_path: Path
) -> None:
    csv = "account_id,user_id,event,occurred_at\nA1\t,\u00a0u1,login\t,2024-05-01 08:00:00\n"
    import_files(ws, "usage_events", [_write(tmp_path / "events.csv", csv)], now=NOW)
    assert rows(ws, "SELECT account_id, user_id, event FROM usage_events") == [
        ("A1", "u1", "login")
    ]


def test_a_recode_to_null_empties_the_value(ws: Workspace, tmp_path: Path) -> None:
    csv = "ticket_id,account_id,opened_at,csat\nT1,A1,2024-05-01 08:00:00,Offered\n"
    mapping = _write(tmp_path / "map.yaml", "values:\n  csat: {Offered: null}\n")
    import_files(
        ws, "tickets", [_write(tmp_path / "t.csv", csv)], mapping=mapping, now=NOW, keep_text=False
    )
    assert rows(ws, "SELECT ticket_id, csat FROM tickets") == [("T1", None)]


def test_values_recode_each_item_of_a_list(ws: Workspace, tmp_path: Path) -> None:
    csv = (
        "account_id,author,rated_at,rating,reasons\n"
        "A1,ann,2024-05-01 08:00,red,Budget cuts | Lost champion\n"
        "A2,ann,2024-05-01 08:00,yellow,Unknown|BUDGET CUTS\n"
    )
    mapping = _write(
        tmp_path / "map.yaml",
        "values:\n  reasons: {Budget cuts: budget, Lost champion: champion_left, Unknown: null}\n",
    )
    import_files(ws, "sentiments", [_write(tmp_path / "s.csv", csv)], mapping=mapping, now=NOW)
    assert rows(ws, "SELECT account_id, reasons FROM sentiments ORDER BY 1") == [
        ("A1", ["budget", "champion_left"]),
        ("A2", ["budget"]),
    ]


def test_json_keys_first_seen_late_in_the_file_are_kept(ws: Workspace, tmp_path: Path) -> None:
    lines = [{"account_id": "A1", "event": "login", "occurred_at": "2024-05-01"}] * 25_000
    lines.append({**lines[0], "user_id": "u9", "quantity": 4})
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines))
    import_files(ws, "usage_events", [path], now=NOW)
    assert rows(ws, "SELECT user_id, quantity FROM usage_events WHERE user_id IS NOT NULL") == [
        ("u9", 4.0)
    ]


def test_an_api_page_wrapping_its_records_in_one_key(ws: Workspace, tmp_path: Path) -> None:
    """Stripe's list object and HubSpot's `results`: the records are under one key."""
    page = {
        "object": "list",
        "has_more": False,
        "data": [
            {"id": "A10", "name": "Ten"},
            {"id": "A11", "name": "Eleven", "$segment": "smb", 'say "hi"': 1},
        ],
    }
    path = tmp_path / "customers.json"
    path.write_text(json.dumps(page))
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns: {account_id: id, segment: $segment}\n")
    import_files(ws, "accounts", [path], mapping=mapping, now=NOW)
    assert rows(
        ws, "SELECT account_id, name, segment FROM accounts WHERE account_id LIKE 'A1_'"
    ) == [
        ("A10", "Ten", None),
        ("A11", "Eleven", "smb"),
    ]


def test_delimiter_and_encoding_spellings(ws: Workspace, tmp_path: Path) -> None:
    path = _write(tmp_path / "accounts.tsv", "account_id\tname\nA10\tTen\n")
    import_files(ws, "accounts", [path], delimiter="tab", encoding="UTF8", now=NOW)
    assert rows(ws, "SELECT name FROM accounts WHERE account_id = 'A10'") == [("Ten",)]
    with pytest.raises(ImportOptionError, match="one character"):
        import_files(ws, "accounts", [path], delimiter=";;", now=NOW)
    with pytest.raises(ImportOptionError, match="not a text encoding"):
        import_files(ws, "accounts", [path], encoding="utf-9", now=NOW)


def test_a_replace_that_would_orphan_other_tables_changes_nothing(
    ws: Workspace, tmp_path: Path
) -> None:
    import_files(ws, "usage_events", [FILES / "usage_events.csv"], now=NOW)
    before = snapshot(ws)
    only_a1 = _write(tmp_path / "accounts.csv", "account_id,name\nA1,Acme\n")
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "accounts", [only_a1], mode="replace", now=NOW)
    [problem] = caught.value.problems
    assert (problem.column, problem.value) == ("account_id", "A2")
    assert "row(s) of usage_events refer to account_id values missing" in problem.reason
    assert snapshot(ws) == before


def test_an_expr_failing_on_one_value_names_its_key_and_the_line(
    ws: Workspace, tmp_path: Path
) -> None:
    csv = _write(tmp_path / "acc.csv", "account_id,name,ARR\nA10,Ten,100\nA11,Eleven,N/A\n")
    mapping = _write(
        tmp_path / "map.yaml", 'columns:\n  arr: {expr: "CAST(\\"ARR\\" AS DOUBLE)"}\n'
    )
    before = snapshot(ws)
    with pytest.raises(MappingError) as caught:
        import_files(ws, "accounts", [csv], mapping=mapping, now=NOW)
    message = str(caught.value)
    assert f"{mapping}:2 key 'columns.arr': the expr fails at {csv}:3" in message
    assert "N/A" in message and "strptime" in message and "silently" in message
    assert snapshot(ws) == before


def test_inclusive_end_dates_are_flagged_by_the_import_and_its_dry_run(
    ws: Workspace, tmp_path: Path
) -> None:
    """2024-01-01..2024-12-31 then 2025-01-01..: each renewal would read as a one-day stop."""
    header = "subscription_id,account_id,start_date,end_date,arr\n"
    inclusive = header + "S1,A1,2024-01-01,2024-12-31,100\nS2,A1,2025-01-01,2025-12-31,100\n"
    path = _write(tmp_path / "s.csv", inclusive)
    before = snapshot(ws)
    dry = import_files(ws, "subscriptions", [path], dry_run=True, now=NOW)
    assert snapshot(ws) == before  # a dry run warns the same, and writes nothing
    report = import_files(ws, "subscriptions", [path], now=NOW)
    assert dry.warnings == report.warnings
    [warning] = report.warnings
    assert warning.startswith("1 subscription(s) end the day before the account's next one")
    assert "S1: end_date 2024-12-31, next start 2025-01-01" in warning
    exclusive = inclusive.replace("2024-12-31", "2025-01-01")
    path = _write(tmp_path / "s2.csv", exclusive)
    dry = import_files(ws, "subscriptions", [path], mode="replace", dry_run=True, now=NOW)
    assert dry.warnings == ()  # the rows it would replace no longer count
    report = import_files(ws, "subscriptions", [path], mode="replace", now=NOW)
    assert report.warnings == ()


def test_a_status_that_contradicts_the_dates_is_flagged(ws: Workspace, tmp_path: Path) -> None:
    """Exports of today's status: 'cancelled' without an end date still runs by its dates."""
    path = _write(
        tmp_path / "s.csv",
        "subscription_id,account_id,start_date,end_date,arr,status\n"
        "K1,A1,2024-01-01,,100,cancelled\nK2,A2,2024-01-01,2024-03-01,100,ended\n"
        "K3,A3,2024-01-01,,100,active\n",
    )
    [dry] = import_files(ws, "subscriptions", [path], dry_run=True, now=NOW).warnings
    [warning] = import_files(ws, "subscriptions", [path], now=NOW).warnings
    assert dry == warning
    assert warning.startswith("1 subscription(s) have status ended or cancelled but run past")
    assert "K1: cancelled, end_date none" in warning


def test_many_rows_of_unknown_accounts_name_the_missing_ids(ws: Workspace, tmp_path: Path) -> None:
    lines = [f"{'ZZ' if i % 3 else 'YY'},u1,login,2024-05-01 08:00:00" for i in range(1500)]
    path = _write(tmp_path / "e.csv", "account_id,user_id,event,occurred_at\n" + "\n".join(lines))
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "usage_events", [path], now=NOW)
    assert caught.value.total == 1500
    reason = caught.value.problems[0].reason
    assert reason.endswith("(the 1,500 rows name 2 unknown account_ids: 'ZZ', 'YY')")


def test_appending_the_same_file_again_is_flagged(ws: Workspace, tmp_path: Path) -> None:
    """usage_events has no key: the rows of a file appended twice would all count twice."""
    first = import_files(ws, "usage_events", [FILES / "usage_events.csv"], now=NOW)
    assert first.warnings == ()
    for dry_run in (True, False):
        again = import_files(
            ws, "usage_events", [FILES / "usage_events.csv"], now=NOW, dry_run=dry_run
        )
        [warning] = again.warnings
        assert warning.startswith("The same file was already imported into usage_events")
    other = _write(tmp_path / "new.csv", "account_id,event,occurred_at\nA1,login,2024-06-01\n")
    assert import_files(ws, "usage_events", [other], now=NOW).warnings == ()


def test_fixed_list_values_in_any_case_and_short_booleans(ws: Workspace, tmp_path: Path) -> None:
    """Salesforce writes 'Call' and 'High', Excel and many exports write Y/N or t/f."""
    csv = (
        "ticket_id,account_id,opened_at,severity,escalated\n"
        "T1,A1,2024-05-01 08:00:00,High,Y\nT2,A1,2024-05-02 08:00:00,CRITICAL,f\n"
    )
    import_files(ws, "tickets", [_write(tmp_path / "t.csv", csv)], now=NOW, keep_text=False)
    assert rows(ws, "SELECT severity, escalated FROM tickets ORDER BY ticket_id") == [
        ("high", True),
        ("critical", False),
    ]


def test_a_mapping_where_skips_rows_and_keeps_line_numbers(ws: Workspace, tmp_path: Path) -> None:
    """Stripe-style invoices: drafts and voided ones are not invoices a customer owes."""
    csv = _write(
        tmp_path / "stripe.csv",
        "id,Customer,Amount,Created,Due,Status\n"
        "in_1,A1,100,2024-01-01,2024-01-31,paid\n"
        "in_2,A1,oops,2024-02-01,2024-03-02,draft\n"
        "in_3,A2,200,2024-02-01,2024-03-02,void\n"
        "in_4,A2,bad,2024-03-01,2024-03-31,open\n",
    )
    mapping = _write(
        tmp_path / "stripe.yaml",
        "columns:\n  invoice_id: id\n  account_id: Customer\n  amount: Amount\n"
        "  issued_at: Created\n  due_date: Due\n"
        "where: \"Status NOT IN ('draft', 'void')\"\n",
    )
    with pytest.raises(ImportValidationError) as caught:  # skipped rows are not checked
        import_files(ws, "invoices", [csv], mapping=mapping, now=NOW)
    [problem] = caught.value.problems
    assert (problem.line, problem.value) == (5, "bad")
    _write(csv, csv.read_text().replace(",bad,", ",300,"))
    report = import_files(ws, "invoices", [csv], mapping=mapping, now=NOW)
    assert (report.rows_read, report.skipped, report.inserted) == (4, 2, 2)
    assert report.ignored_columns == {}
    assert rows(ws, "SELECT invoice_id, amount FROM invoices ORDER BY 1") == [
        ("in_1", 100.0),
        ("in_4", 300.0),
    ]


def test_a_bad_mapping_where_is_refused_with_its_line(ws: Workspace, tmp_path: Path) -> None:
    csv = _write(tmp_path / "acc.csv", "account_id,name,Stage\nA10,Ten,Customer\n")
    before = snapshot(ws)
    for where, reason in [
        ("\"Type\" = 'x'", "acc.csv has no column 'Type'"),
        ('Stage = "Customer"', "no column 'Customer'.* a text value is written in single quotes"),
        ("Stage = ", "expr is not valid SQL"),
        ("CAST(Stage AS INTEGER) > 1", "the expr fails at"),
    ]:
        mapping = _write(
            tmp_path / "map.yaml", f"columns:\n  name: name\nwhere: {json.dumps(where)}\n"
        )
        with pytest.raises(MappingError, match=f"map.yaml:3 key 'where'.*{reason}"):
            import_files(ws, "accounts", [csv], mapping=mapping, now=NOW)
    assert snapshot(ws) == before


def test_an_overlapping_export_is_flagged_then_replaced_by_its_days(
    ws: Workspace, tmp_path: Path
) -> None:
    """Weekly usage exports overlapping by a day: appending counts the overlap twice (warned);
    replace-period swaps the days the file covers and keeps the others."""
    header = "account_id,event,occurred_at\n"
    week1 = _write(
        tmp_path / "w1.csv",
        header
        + "A1,login,2024-06-01 09:00\nA1,login,2024-06-07 10:00\nA2,login,2024-06-07 23:00\n",
    )
    week2 = _write(
        tmp_path / "w2.csv",
        header
        + "A1,login,2024-06-07 10:00\nA2,login,2024-06-07 23:00\nA1,login,2024-06-08 08:00\n",
    )
    assert import_files(ws, "usage_events", [week1], now=NOW).warnings == ()
    [dry] = import_files(ws, "usage_events", [week2], now=NOW, dry_run=True).warnings
    [warning] = import_files(ws, "usage_events", [week2], now=NOW).warnings
    assert dry.startswith("2 of the rows to append to usage_events are dated within the period")
    assert "would count twice" in dry and "to repair" not in dry  # nothing written yet
    assert warning.startswith("2 of the rows appended to usage_events are dated within the period")
    assert "now count twice" in warning
    assert "--mode replace-period" in warning
    report = import_files(ws, "usage_events", [week2], mode="replace-period", now=NOW)
    assert (report.deleted, report.inserted) == (5, 3)  # every row of June 7 and 8, none of June 1
    assert rows(ws, "SELECT account_id, occurred_at::VARCHAR FROM usage_events ORDER BY 2, 1") == [
        ("A1", "2024-06-01 09:00:00"),
        ("A1", "2024-06-07 10:00:00"),
        ("A2", "2024-06-07 23:00:00"),
        ("A1", "2024-06-08 08:00:00"),
    ]
    with pytest.raises(ImportModeError, match="replace-period is for tables without a key"):
        import_files(ws, "tickets", [week1], mode="replace-period", now=NOW)


def test_an_upsert_moving_a_contact_to_another_account_warns(ws: Workspace, tmp_path: Path) -> None:
    header = "contact_id,account_id,name,is_champion,started_at\n"
    first = _write(
        tmp_path / "c1.csv", header + "51,A1,Ann,yes,2024-01-01\n52,A2,Bob,no,2024-01-01\n"
    )
    import_files(ws, "contacts", [first], now=NOW, keep_text=False)
    moved = _write(
        tmp_path / "c2.csv", header + "51,A2,Ann,yes,2024-01-01\n52,A2,Bob,no,2024-01-01\n"
    )
    for dry_run in (True, False):
        report = import_files(
            ws, "contacts", [moved], mode="upsert", now=NOW, dry_run=dry_run, keep_text=False
        )
        [warning] = report.warnings
        assert warning.startswith("1 contact(s) move to another account (e.g. 51: A1 -> A2)")
        assert "end the old row (ended_at)" in warning


def test_a_datetime_format_also_reads_dates_written_without_the_time(
    ws: Workspace, tmp_path: Path
) -> None:
    """Gainsight-style: one column with date and time, another with the date alone."""
    csv = _write(
        tmp_path / "t.csv",
        "ticket_id,account_id,opened_at,closed_at\nT1,A1,6/14/2024 2:05 PM,6/15/2024\n",
    )
    import_files(ws, "tickets", [csv], date_format="%m/%d/%Y %I:%M %p", now=NOW, keep_text=False)
    assert rows(ws, "SELECT opened_at::VARCHAR, closed_at::VARCHAR FROM tickets") == [
        ("2024-06-14 14:05:00", "2024-06-15 00:00:00")
    ]


def test_replace_period_replaces_the_hours_an_export_holds_not_whole_days(
    ws: Workspace, tmp_path: Path
) -> None:
    """A week exported from Los Angeles runs from 08:00 UTC to 07:59 UTC: reloading it must
    keep the stored hours of its first and last UTC days that it does not hold."""
    header = "account_id,event,occurred_at\n"
    utc_week = _write(
        tmp_path / "utc.csv",
        header
        + "A1,login,2024-06-02 03:00\nA1,login,2024-06-05 12:00\nA2,login,2024-06-09 06:00\n",
    )
    import_files(ws, "usage_events", [utc_week], now=NOW)
    la_week = _write(  # the same week cut in Los Angeles time: 2024-06-02 08:00 to 06-09 07:59 UTC
        tmp_path / "la.csv",
        header + "A1,login,2024-06-02 01:00 -0700\nA1,login,2024-06-05 05:00 -0700\n"
        "A2,login,2024-06-08 23:00 -0700\n",
    )
    report = import_files(ws, "usage_events", [la_week], mode="replace-period", now=NOW)
    assert (report.deleted, report.inserted) == (2, 3)  # 06-02 08:00 to 06-09 06:00 UTC
    assert rows(ws, "SELECT occurred_at::VARCHAR FROM usage_events ORDER BY 1") == [
        ("2024-06-02 03:00:00",),  # before the LA week: kept, not lost
        ("2024-06-02 08:00:00",),
        ("2024-06-05 12:00:00",),
        ("2024-06-09 06:00:00",),
    ]


def test_amounts_in_several_currencies_are_imported_with_a_warning(
    ws: Workspace, tmp_path: Path
) -> None:
    header = "subscription_id,account_id,start_date,arr\n"
    mixed = _write(
        tmp_path / "contracts.csv",
        header + 'S1,A1,2024-01-01,"EUR 4,500.00"\nS2,A2,2024-01-01,"USD 12,000.00"\n'
        "S3,A2,2024-02-01,$950\nS4,A1,2024-03-01,100\n",
    )
    [warning] = import_files(ws, "subscriptions", [mixed], now=NOW, dry_run=True).warnings
    assert warning.startswith("subscriptions.arr is written in several currencies (EUR: 1, USD: 2")
    assert rows(ws, "SELECT count(*) FROM subscriptions") == [(0,)]
    one = _write(tmp_path / "usd.csv", header + "S6,A1,2024-01-01,$950\nS7,A2,2024-01-01,USD 10\n")
    assert import_files(ws, "subscriptions", [one], now=NOW).warnings == ()


def test_ids_that_differ_only_by_case_are_two_accounts_with_a_warning(
    ws: Workspace, tmp_path: Path
) -> None:
    more = _write(tmp_path / "more.csv", "account_id,name\na1,Acme again\nB7,Bravo\nb7,bravo\n")
    [warning] = import_files(ws, "accounts", [more], now=NOW).warnings
    assert warning.startswith("2 account_id value(s) differ from another only by case (e.g. 'a1'")
    assert rows(ws, "SELECT count(*) FROM accounts WHERE lower(account_id) IN ('a1', 'b7')") == [
        (4,)
    ]
    other = _write(tmp_path / "other.csv", "account_id,name\nC1,Charlie\n")
    assert import_files(ws, "accounts", [other], now=NOW).warnings == ()


def test_amounts_written_with_dots_as_thousands_warn_without_decimal_comma(
    ws: Workspace, tmp_path: Path
) -> None:
    """A European export: 48.000 and 1.250 are forty-eight thousand and one thousand two
    hundred and fifty, which the default reading takes for 48 and 1.25."""
    eu = _write(tmp_path / "eu.csv", "account_id;name;arr\nE1;Eins;48.000\nE2;Zwei;1.250\n")
    [warning] = import_files(ws, "accounts", [eu], now=NOW, dry_run=True).warnings
    assert warning.startswith("accounts.arr: 2 value(s) are written like 48.000 or 1.250")
    mapping = _write(tmp_path / "eu.yaml", 'decimal: ","\n')
    report = import_files(ws, "accounts", [eu], mapping=mapping, now=NOW)
    assert report.warnings == ()
    assert rows(ws, "SELECT arr FROM accounts WHERE account_id LIKE 'E%' ORDER BY 1") == [
        (1250.0,),
        (48000.0,),
    ]
    us = _write(tmp_path / "us.csv", "account_id,name,arr\nU1,One,1.250\nU2,Two,99.50\n")
    assert import_files(ws, "accounts", [us], now=NOW).warnings == ()  # 99.50: a decimal point


def test_nul_characters_are_dropped_from_text(ws: Workspace, tmp_path: Path) -> None:
    """A NUL byte in a CRM note imported on DuckDB, then broke the same import on PostgreSQL."""
    path = tmp_path / "accounts.csv"
    path.write_bytes(b"account_id,name\nN1,Nul\x00 Corp\n")
    import_files(ws, "accounts", [path], now=NOW)
    assert rows(ws, "SELECT name FROM accounts WHERE account_id = 'N1'") == [("Nul Corp",)]
