"""Tables handed to spreadsheets (CSV and XLSX exports), with text that would run made inert.

CRM fields are free text: an account named `=HYPERLINK("http://evil", "Renew")` or
`@SUM(A1:A9)` becomes a live formula when a CSM opens the export in Excel or LibreOffice
(CSV injection). Such cells get a leading `'`, as OWASP advises; numbers and dates are kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

import pandas as pd

FORMULA_START = r"^[=+\-@\t\r]"
"""What spreadsheets read as the start of a formula (or of a cell that becomes one)."""


def inert(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell a spreadsheet would run prefixed by `'`."""
    columns = {}
    for name, column in frame.items():
        if pd.api.types.infer_dtype(column, skipna=True) != "string":
            continue
        risky = column.str.contains(FORMULA_START, regex=True, na=False)
        if risky.any():
            columns[name] = column.where(~risky, "'" + column.astype("string"))
    return frame.assign(**columns) if columns else frame


def csv_text(frame: pd.DataFrame) -> str:
    return inert(frame).to_csv(index=False)


def write_xlsx(frame: pd.DataFrame, target: Path | IO[bytes], sheet: str) -> None:
    inert(frame).to_excel(target, index=False, sheet_name=sheet)
