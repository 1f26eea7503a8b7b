"""Files as CRM and spreadsheet tools write them: Windows-1252 and UTF-16 text, gzipped CSV,
JSON arrays, headers in another case, and "N/A" for no value."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import tempfile
from pathlib import Path

import pytest
from helpers_import import NOW, rows, snapshot

from vigie.errors import ImportOptionError, ImportValidationError, MappingError, Problem
from vigie.io import import_files
from vigie.workspace import Workspace

EXCEL_CSV = "account_id,name\r\nA10,Café Crème\r\nA11,€uro “Ltd”\r\n"


@pytest.fixture(autouse=True)
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary copies go to a folder of their own, so the tests can see none is left."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def names(ws: Workspace) -> list[tuple[str, str]]:
    return rows(ws, "SELECT account_id, name FROM accounts WHERE length(account_id) = 3 ORDER BY 1")


def only_problem(ws: Workspace, path: Path) -> Problem:
    """The one problem that refuses importing `path` into accounts."""
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "accounts", [path], now=NOW)
    [problem] = caught.value.problems
    return problem


def test_a_windows_1252_file_is_read_as_such_with_a_warning(
    ws: Workspace, tmp_path: Path, private_temp: Path
) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(EXCEL_CSV.encode("cp1252"))
    report = import_files(ws, "accounts", [path], now=NOW)
    assert names(ws) == [("A10", "Café Crème"), ("A11", "€uro “Ltd”")]
    [warning] = report.warnings
    assert "not UTF-8 (line 2, byte 0xE9); read as Windows-1252" in warning
    assert list(private_temp.iterdir()) == []


def test_a_named_encoding_is_read_without_a_warning(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes("account_id,name\nA10,Café Crème\n".encode("mac-roman"))
    report = import_files(ws, "accounts", [path], encoding="Mac-Roman", now=NOW)
    assert (names(ws), report.warnings) == ([("A10", "Café Crème")], ())


def test_a_utf16_file_with_a_byte_order_mark_needs_no_option(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"  # Excel's "Unicode text": UTF-16, tab-separated
    path.write_bytes("account_id\tname\nA10\tZoë\n".encode("utf-16"))
    import_files(ws, "accounts", [path], now=NOW)
    assert names(ws) == [("A10", "Zoë")]


def test_text_that_is_neither_utf8_nor_windows_1252_is_refused_with_its_line(
    ws: Workspace, tmp_path: Path, private_temp: Path
) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(b"account_id,name\nA10,Ten\nA11,\x81x\n")
    before = snapshot(ws)
    problem = only_problem(ws, path)
    assert "line 3 is not UTF-8 (byte 0x81), and the file is not Windows-1252" in problem.reason
    with pytest.raises(ImportValidationError, match="--encoding cp1252"):
        import_files(ws, "accounts", [path], encoding="utf-8", now=NOW)
    with pytest.raises(ImportOptionError, match="not a text encoding Vigie knows"):
        import_files(ws, "accounts", [path], encoding="klingon", now=NOW)
    assert snapshot(ws) == before
    assert list(private_temp.iterdir()) == []


def test_malformed_rows_of_a_converted_file_keep_their_lines(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes((EXCEL_CSV + "A12,Twelve,extra\r\n").encode("cp1252"))
    problem = only_problem(ws, path)
    assert (problem.line, problem.value) == (4, "A12,Twelve,extra")


def test_gzipped_csv_and_json_lines(ws: Workspace, tmp_path: Path, private_temp: Path) -> None:
    csv = tmp_path / "accounts.csv.gz"
    csv.write_bytes(gzip.compress("account_id,name\nA10,Ten\n".encode("cp1252")))
    lines = tmp_path / "accounts.jsonl.gz"
    lines.write_bytes(gzip.compress(b'{"account_id": "A11", "name": "Eleven"}\n'))
    import_files(ws, "accounts", [csv, lines], now=NOW)
    assert names(ws) == [("A10", "Ten"), ("A11", "Eleven")]
    assert list(private_temp.iterdir()) == []


def test_a_json_array_of_objects(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "accounts.json"
    records = [{"account_id": "A10", "name": "Ten"}, {"account_id": "A11", "name": "Eleven"}]
    path.write_text(json.dumps(records))
    import_files(ws, "accounts", [path], now=NOW)
    assert names(ws) == [("A10", "Ten"), ("A11", "Eleven")]
    bad = tmp_path / "bad.json"
    bad.write_text('{"account_id": ')
    with pytest.raises(
        ImportValidationError, match=r"bad\.json:1: not valid JSON: Expecting value"
    ):
        import_files(ws, "accounts", [bad], now=NOW)


def test_headers_match_whatever_their_case_and_separators(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text("Account ID,NAME,Customer-Since,Account_Owner\nA10,Ten,2024-02-01,Ann\n")
    report = import_files(ws, "accounts", [path], now=NOW)
    assert rows(ws, "SELECT name, customer_since FROM accounts WHERE account_id = 'A10'") == [
        ("Ten", dt.date(2024, 2, 1))
    ]
    assert report.attribute_columns == {str(path): ("Account_Owner",)}


def test_two_headers_alike_match_neither(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text("Account ID,account-id,name\nA10,A11,Ten\n")
    with pytest.raises(ImportValidationError, match=r"account_id.*missing required column"):
        import_files(ws, "accounts", [path], now=NOW)


def test_no_value_words_are_empty_in_typed_columns_only(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text(
        "account_id,name,industry,arr,seats,customer_since\n"
        "A10,Ten,NA,N/A,#N/A,NULL\n"
        "A11,Eleven,EMEA,nan,none,n/a\n"
    )
    import_files(ws, "accounts", [path], now=NOW)
    got = rows(
        ws,
        "SELECT account_id, industry, arr, seats, customer_since FROM accounts "
        "WHERE length(account_id) = 3 ORDER BY 1",
    )
    assert got == [("A10", "NA", None, None, None), ("A11", "EMEA", None, None, None)]


def test_a_report_footer_is_skipped_with_a_note(ws: Workspace, tmp_path: Path) -> None:
    """A Salesforce report export ends with totals, a confidentiality line and a copyright:
    one field per line after the rows. They are not rows; a one-field line among the rows is."""
    path = tmp_path / "report.csv"
    path.write_text(
        '"account_id","name","segment"\n"A10","Ten","smb"\n"A11","Eleven","smb"\n""\n""\n'
        '"Grand Totals (2 records)"\n""\n"Confidential Information - Do Not Distribute"\n'
        '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\n'
    )
    report = import_files(ws, "accounts", [path], now=NOW)
    assert report.inserted == 2
    [note] = report.warnings
    assert note == (
        f"{path}: the lines from 4 on hold one field each after the rows, like a report's "
        "footer, and were skipped ('Grand Totals (2 records)')."
    )
    inside = tmp_path / "inside.csv"
    inside.write_text('account_id,name,segment\nA12,Twelve,smb\n"Subtotal"\nA13,Thirteen,smb\n')
    problem = only_problem(ws, inside)
    assert problem.line == 3
    assert "the row has 1 field(s), the header 3: a footer, a totals line" in problem.reason


def test_an_offset_after_a_space_is_read(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text(
        "ticket_id,account_id,opened_at\n"
        "T1,A1,2024-05-01 10:00:00 +0200\n"
        "T2,A1,2024-05-01T10:00:00 -05:00\n"
    )
    import_files(ws, "tickets", [path], now=NOW, keep_text=False)
    assert rows(ws, "SELECT ticket_id, opened_at FROM tickets ORDER BY 1") == [
        ("T1", dt.datetime(2024, 5, 1, 8)),
        ("T2", dt.datetime(2024, 5, 1, 15)),
    ]


def test_numbers_as_spreadsheets_write_them(ws: Workspace, tmp_path: Path) -> None:
    us = tmp_path / "us.csv"
    us.write_text(
        'account_id,name,arr,seats\nA10,Ten,"$120,000.50","1,000"\nA14,Fourteen,$950,3\n'
        'A15,Fifteen,"USD 12,000.00",2\nA16,Sixteen,99.5 EUR,1\nA17,Seventeen,US$ 10,1\n'
    )
    import_files(ws, "accounts", [us], now=NOW)
    eu = tmp_path / "eu.csv"
    eu.write_text(
        "account_id;name;arr;seats\nA11;Onze;1.200;12\nA12;Douze;950,50;3\n"
        "A13;Treize;12 500,00 €;1.000\n"
    )
    mapping = tmp_path / "eu.yaml"
    mapping.write_text('decimal: ","\n')
    import_files(ws, "accounts", [eu], mapping=mapping, now=NOW)
    got = rows(ws, "SELECT account_id, arr, seats FROM accounts WHERE length(account_id) = 3")
    assert sorted(got) == [
        ("A10", 120000.5, 1000),
        ("A11", 1200.0, 12),
        ("A12", 950.5, 3),
        ("A13", 12500.0, 1000),
        ("A14", 950.0, 3),
        ("A15", 12000.0, 2),
        ("A16", 99.5, 1),
        ("A17", 10.0, 1),
    ]


def test_a_decimal_comma_without_its_setting_is_refused(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "eu.csv"
    path.write_text('account_id,name,arr\nA10,Ten,"1,5"\n')
    with pytest.raises(ImportValidationError, match=r"not a number such as 1234.5 \(value '1,5'\)"):
        import_files(ws, "accounts", [path], now=NOW)
    path.write_text('account_id,name,arr\nA10,Ten,"120 000 €"\n')  # reported as written
    with pytest.raises(ImportValidationError, match=r"\(value '120 000 €'\)"):
        import_files(ws, "accounts", [path], now=NOW)
    mapping = tmp_path / "bad.yaml"
    mapping.write_text("decimal: ';'\n")
    with pytest.raises(MappingError, match="'decimal': must be"):
        import_files(ws, "accounts", [path], mapping=mapping, now=NOW)


def test_an_excel_separator_line_names_the_delimiter(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_text("sep=;\r\naccount_id;name;arr\r\nA10;Ten, Inc;100\r\nA11;Eleven;lots\r\n")
    problem = only_problem(ws, path)
    assert (problem.line, problem.value) == (4, "lots")
    path.write_text("sep=;\r\naccount_id;name;arr\r\nA10;Ten, Inc;100\r\nA11;Eleven;1;2\r\n")
    problem = only_problem(ws, path)
    assert problem.line == 4 and "the row has 4 fields, the header 3" in problem.reason
    path.write_text("sep=;\r\naccount_id;name;arr\r\nA10;Ten, Inc;100\r\n")
    import_files(ws, "accounts", [path], now=NOW)
    assert names(ws) == [("A10", "Ten, Inc")]


def test_unix_times_and_a_local_time_zone(ws: Workspace, tmp_path: Path) -> None:
    """Stripe and analytics exports write Unix seconds or milliseconds; a CRM in Paris writes
    local time without an offset."""
    path = tmp_path / "events.csv"
    path.write_text(
        "account_id,event,occurred_at\n"
        "A1,s,1704067200\nA1,ms,1704067200123\nA1,local,2024-07-01 10:00\n"
        "A1,offset,2024-07-01 10:00+00:00\nA1,z,2024-07-01T11:00Z\nA1,utc,2024-07-01 12:00:00 UTC\n"
    )
    import_files(ws, "usage_events", [path], timezone="Europe/Paris", now=NOW)
    got = rows(ws, "SELECT event, occurred_at FROM usage_events ORDER BY occurred_at")
    assert got == [
        ("s", dt.datetime(2024, 1, 1)),
        ("ms", dt.datetime(2024, 1, 1, 0, 0, 0, 123000)),
        ("local", dt.datetime(2024, 7, 1, 8)),  # 10:00 in Paris in summer is 08:00 UTC
        ("offset", dt.datetime(2024, 7, 1, 10)),
        ("z", dt.datetime(2024, 7, 1, 11)),  # an explicit zone is not local time
        ("utc", dt.datetime(2024, 7, 1, 12)),
    ]
    invoices = tmp_path / "inv.csv"
    invoices.write_text(
        "invoice_id,account_id,amount,issued_at,due_date\nI1,A1,10,1704067200,01/02/2024\n"
    )
    mapping = tmp_path / "inv.yaml"
    mapping.write_text('date_format: "%d/%m/%Y"\ntimezone: America/New_York\n')
    import_files(ws, "invoices", [invoices], mapping=mapping, now=NOW)
    assert rows(ws, "SELECT issued_at, due_date FROM invoices") == [
        (dt.date(2024, 1, 1), dt.date(2024, 2, 1))  # dates are not shifted by the zone
    ]
    with pytest.raises(ImportOptionError, match="'Paris' is not a time zone"):
        import_files(ws, "usage_events", [path], timezone="Paris", now=NOW)


def test_spreadsheet_serial_dates(ws: Workspace, tmp_path: Path) -> None:
    """A sheet column that lost its date format shows days since 1899-12-30 (45292 is
    2024-01-01), the fraction being the local time of day."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["invoice_id", "account_id", "amount", "issued_at", "due_date"])
    book.active.append(["I1", "A1", 10, 45292, 45322.0])
    book.save(tmp_path / "inv.xlsx")
    import_files(ws, "invoices", [tmp_path / "inv.xlsx"], now=NOW)
    assert rows(ws, "SELECT issued_at, due_date FROM invoices") == [
        (dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    ]
    path = tmp_path / "events.csv"
    path.write_text("account_id,event,occurred_at\nA1,login,45292.4166666667\n")
    import_files(ws, "usage_events", [path], timezone="Europe/Paris", now=NOW)
    assert rows(ws, "SELECT occurred_at FROM usage_events WHERE event = 'login'") == [
        (dt.datetime(2024, 1, 1, 9),)  # 10:00 in Paris in winter
    ]


def test_rows_of_empty_fields_are_not_rows(ws: Workspace, tmp_path: Path) -> None:
    """Google Sheets and Excel write ',,,' for an empty row of a sheet."""
    path = tmp_path / "sheet.csv"
    path.write_text("account_id,name,segment\r\nA10,Ten,smb\r\n,,\r\n , ,\r\nA11,,mid\r\n")
    problem = only_problem(ws, path)
    assert (problem.line, problem.column) == (5, "name")
    path.write_text("account_id,name,segment\r\nA10,Ten,smb\r\n,,\r\nA11,Eleven,mid\r\n,,\r\n")
    report = import_files(ws, "accounts", [path], now=NOW)
    assert (report.rows_read, report.inserted) == (2, 2)
    assert names(ws) == [("A10", "Ten"), ("A11", "Eleven")]
