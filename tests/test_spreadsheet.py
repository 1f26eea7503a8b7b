"""Exports opened in a spreadsheet never run text from the CRM as a formula."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from vigie.spreadsheet import csv_text, inert, write_xlsx

ROWS = pd.DataFrame(
    {
        "account_id": ["A1", "A2", "A3", "A4", "A5"],
        "name": ['=HYPERLINK("http://x","Renew")', "+33 1 23", "-lead", "@SUM(A1)", "Café Crème"],
        "arr": [-1200.0, 5.0, None, 0.0, 9.5],
        "csm": [None, "ann", "\tbob", "=1+1", "Zoé"],
    }
)


def test_text_a_spreadsheet_would_run_gets_a_leading_quote() -> None:
    out = inert(ROWS)
    assert out["name"].tolist() == [
        '\'=HYPERLINK("http://x","Renew")',
        "'+33 1 23",
        "'-lead",
        "'@SUM(A1)",
        "Café Crème",
    ]
    assert out["csm"].tolist()[1:] == ["ann", "'\tbob", "'=1+1", "Zoé"]
    assert pd.isna(out["csm"].iloc[0])
    assert out["arr"].tolist()[:2] == [-1200.0, 5.0]  # numbers are numbers, negative or not
    assert ROWS["name"].iloc[0].startswith("=")  # the caller's frame is left alone


def test_csv_and_xlsx_hold_the_inert_text() -> None:
    assert "'@SUM(A1)" in csv_text(ROWS) and ",-1200.0," in csv_text(ROWS)
    buffer = io.BytesIO()
    write_xlsx(ROWS, buffer, "accounts")
    sheet = openpyxl.load_workbook(buffer)["accounts"]
    cells = [c.value for c in sheet["B"][1:]]
    assert cells[0] == '\'=HYPERLINK("http://x","Renew")'
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)  # no formula
    assert sheet["C2"].value == -1200
