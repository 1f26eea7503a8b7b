"""What every signal family shares: the run context, the output columns, window helpers.

A family is a function `(ctx) -> ibis table` with the columns of `SIGNAL_SCHEMA`,
one row per firing (account, as_of, kind). `ctx.grid` holds every account
active at each as-of date with its state at that date (from subscriptions);
facts count for D only when dated before D.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir

from vigie.engine.state import account_state
from vigie.signals.config import SignalConfig
from vigie.workspace import Workspace

KEYS = ["account_id", "as_of"]
SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}
SIGNAL_SCHEMA = ibis.schema(
    {
        "account_id": "string",
        "as_of": "date",
        "kind": "string",
        "severity": "string",
        "value": "float64",
        "baseline": "float64",
        "evidence": "string",
    }
)


@dataclass
class Context:
    """One signals run: workspace, settings, the as-of dates and shared tables built once."""

    workspace: Workspace
    config: SignalConfig
    dates: ir.Table
    memo: dict[str, ir.Table] = field(default_factory=dict)

    def kept(self, key: str, build: Callable[[], ir.Table]) -> ir.Table:
        """Build a shared table once per run (the same expression object is reused)."""
        if key not in self.memo:
            self.memo[key] = build()
        return self.memo[key]

    @property
    def grid(self) -> ir.Table:
        """Accounts active at each as-of date, with their state at that date."""

        def build() -> ir.Table:
            state = account_state(self.workspace, self.dates)
            return state.filter(state.active)

        return self.kept("grid", build)

    def table(self, name: str) -> ir.Table:
        return self.workspace.table(name)


def day(column: ir.Value) -> ir.Value:
    """The calendar day of a fact (timestamps are UTC)."""
    return column.date() if column.type().is_timestamp() else column


def between(joined: ir.Table, fact_day: ir.Value, start_days: int, end_days: int = 0) -> Any:
    """Fact day in [D - start_days, D - end_days): a window ending `end_days` before D."""
    as_of = joined.as_of
    return (fact_day >= as_of - ibis.interval(days=start_days)) & (
        fact_day < as_of - ibis.interval(days=end_days)
    )


def text(value: ir.Value, digits: int = 0) -> ir.StringValue:
    """A number as text for evidence (`digits` decimals)."""
    if digits == 0:
        return value.round(0).cast("int64").cast("string")
    return value.round(digits).cast("string")


def number(value: float) -> ir.FloatingValue:
    """A threshold as a double on every backend: PostgreSQL reads a bare `90.0` as numeric,
    which reaches Arrow as Decimal objects and fails the float column."""
    return ibis.literal(str(float(value))).cast("float64")


def emit(
    table: ir.Table,
    kind: str,
    severity: ir.Value | str,
    value: ir.Value,
    baseline: ir.Value | None,
    evidence: ir.Value,
) -> ir.Table:
    """Rows of `table` as signal rows of `kind`."""
    sev = ibis.literal(severity) if isinstance(severity, str) else severity
    base = ibis.null().cast("float64") if baseline is None else baseline.cast("float64")
    return table.select(
        account_id=table.account_id,
        as_of=table.as_of,
        kind=ibis.literal(kind),
        severity=sev.cast("string"),
        value=value.cast("float64"),
        baseline=base,
        evidence=evidence.cast("string"),
    )
