"""The canonical data model: every table Vigie imports, with its columns and rules.

This module is the single source of truth for table and column names, types,
keys and allowed values. Import validation, workspace creation, the simulator,
`vigie schema` and docs/data-model.md are all derived from it.

Point-in-time rule: columns marked `current=True` describe the account *today*
(an account's `renewal_date`, a subscription's `status`). Anything computed as
of a past date must derive those facts from dated rows instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import ibis
import ibis.expr.datatypes as dt

from vigie.errors import UnknownTableError

SCHEMA_VERSION = 2


class ColumnType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"
    DATE = "date"
    TIMESTAMP = "timestamp"
    STRING_LIST = "string_list"
    JSON = "json"

    @property
    def ibis_type(self) -> dt.DataType:
        return _IBIS_TYPES[self]


_IBIS_TYPES: dict[ColumnType, dt.DataType] = {
    ColumnType.STRING: dt.string,
    ColumnType.INTEGER: dt.int64,
    ColumnType.FLOAT: dt.float64,
    ColumnType.BOOLEAN: dt.boolean,
    ColumnType.DATE: dt.date,
    ColumnType.TIMESTAMP: dt.Timestamp(scale=6),  # microseconds on every backend
    ColumnType.STRING_LIST: dt.Array(dt.string),
    # JSON is kept as text so the same table works on DuckDB, Spark and PostgreSQL.
    ColumnType.JSON: dt.string,
}


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    description: str
    required: bool = False
    allowed: tuple[str, ...] | None = None
    """For strings and string lists: the only values accepted."""
    non_negative: bool = False
    references: str | None = None
    """Foreign key as "table.column"."""
    not_future: bool = False
    """A fact that cannot be dated after the moment of import."""
    current: bool = False
    """Describes today's state: never read it when computing as of a past date."""
    default: Any = None
    """Value used when an optional column is absent from the file."""
    free_text: bool = False
    """Words people wrote: scored for tone at import, dropped by `--no-text`."""


@dataclass(frozen=True)
class RowRule:
    """A rule on one column that depends on the row (e.g. its range depends on `kind`)."""

    column: str
    broken: str
    """SQL over the row's canonical columns: true when the rule is broken."""
    reason: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    ordered: tuple[tuple[str, str], ...] = ()
    """Pairs (start, end): end must not be before start."""
    rules: tuple[RowRule, ...] = ()
    time_column: str | None = None
    """The column that dates each fact, used for point-in-time filtering."""
    extra_columns_to: str | None = None
    """Where unknown columns of an imported file go (a JSON column), if anywhere."""
    column_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_names", tuple(c.name for c in self.columns))

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def ibis_schema(self) -> ibis.Schema:
        return ibis.schema({c.name: c.type.ibis_type for c in self.columns})


def _col(name: str, type_: ColumnType, description: str, **kwargs: Any) -> Column:
    return Column(name=name, type=type_, description=description, **kwargs)


S, INT, F, B = ColumnType.STRING, ColumnType.INTEGER, ColumnType.FLOAT, ColumnType.BOOLEAN
D, TS, L, J = ColumnType.DATE, ColumnType.TIMESTAMP, ColumnType.STRING_LIST, ColumnType.JSON
ACCOUNT_FK = "accounts.account_id"

SEVERITIES = ("low", "medium", "high", "critical")
SURVEY_KINDS = ("nps", "csat", "ces")
INTERACTION_KINDS = ("meeting", "call", "email", "qbr", "event")
DIRECTIONS = ("inbound", "outbound")
SENTIMENT_RATINGS = ("green", "yellow", "red")
SENTIMENT_REASONS = (
    "champion_left",
    "strategic_shift",
    "competitor",
    "budget",
    "silent_dissatisfaction",
    "other",
)
OUTCOME_KINDS = ("churn", "renewal", "downsell", "expansion")
SUBSCRIPTION_STATUSES = ("active", "ended", "cancelled")
ACTION_STATUSES = ("open", "done", "dismissed")

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "accounts",
            "Customer accounts. Columns marked current describe today, not the past.",
            (
                _col("account_id", S, "Unique account id.", required=True),
                _col("name", S, "Account name.", required=True),
                _col("segment", S, "Segment such as smb, mid-market, enterprise."),
                _col("industry", S, "Industry."),
                _col("plan", S, "Current plan.", current=True),
                _col("csm", S, "Customer success manager who owns the account."),
                _col(
                    "arr", F, "Current annual recurring revenue.", non_negative=True, current=True
                ),
                _col("currency", S, "ISO currency code of arr.", default="USD"),
                _col("customer_since", D, "Date the account first became a customer."),
                _col("renewal_date", D, "Next renewal date as of today.", current=True),
                _col("seats", INT, "Licensed seats today.", non_negative=True, current=True),
                _col(
                    "parent_account_id", S, "Parent account for hierarchies.", references=ACCOUNT_FK
                ),
                _col("attributes", J, "Other columns of the imported file, as a JSON object."),
            ),
            primary_key=("account_id",),
            extra_columns_to="attributes",
        ),
        Table(
            "subscriptions",
            "Dated contract periods: the source of ARR, plan, seats and renewal at any date.",
            (
                _col("subscription_id", S, "Unique subscription id.", required=True),
                _col("account_id", S, "Account.", required=True, references=ACCOUNT_FK),
                _col("start_date", D, "First day covered.", required=True),
                _col("end_date", D, "Day the term ends (exclusive); empty for open-ended."),
                _col(
                    "arr",
                    F,
                    "Annual recurring revenue of this term.",
                    required=True,
                    non_negative=True,
                ),
                _col("plan", S, "Plan of this term."),
                _col("seats", INT, "Licensed seats in this term.", non_negative=True),
                _col("status", S, "Status today.", allowed=SUBSCRIPTION_STATUSES, current=True),
            ),
            primary_key=("subscription_id",),
            ordered=(("start_date", "end_date"),),
            time_column="start_date",
        ),
        Table(
            "outcomes",
            "Explicit business outcomes, when the team records them.",
            (
                _col("account_id", S, "Account.", required=True, references=ACCOUNT_FK),
                _col("occurred_at", D, "Date of the outcome.", required=True, not_future=True),
                _col("kind", S, "Outcome kind.", required=True, allowed=OUTCOME_KINDS),
                _col("arr_change", F, "ARR gained (positive) or lost (negative)."),
            ),
            primary_key=("account_id", "occurred_at", "kind"),
            time_column="occurred_at",
        ),
        Table(
            "usage_events",
            "Product usage: one row per event (or per aggregated count). The big table.",
            (
                _col("account_id", S, "Account.", required=True, references=ACCOUNT_FK),
                _col("user_id", S, "User who acted."),
                _col("event", S, "Event name: login or a feature name.", required=True),
                _col("occurred_at", TS, "When it happened (UTC).", required=True, not_future=True),
                _col("quantity", F, "Count or amount.", non_negative=True, default=1.0),
            ),
            time_column="occurred_at",
        ),
        Table(
            "tickets",
            "Support tickets.",
            (
                _col("ticket_id", S, "Unique ticket id.", required=True),
                _col("account_id", S, "Account.", required=True, references=ACCOUNT_FK),
                _col("opened_at", TS, "Opened (UTC).", required=True, not_future=True),
                _col("closed_at", TS, "Closed (UTC); empty while open.", not_future=True),
                _col("severity", S, "Severity.", allowed=SEVERITIES, default="medium"),
                _col("escalated", B, "Escalated beyond first-line support.", default=False),
                _col("topic", S, "Topic or category."),
                _col(
                    "csat", F, "Satisfaction rating given on the ticket (1-5).", non_negative=True
                ),
                _col("subject", S, "Ticket subject line.", free_text=True),
                _col("description", S, "What the customer wrote when opening it.", free_text=True),
            ),
            primary_key=("ticket_id",),
            ordered=(("opened_at", "closed_at"),),
            time_column="opened_at",
        ),
        Table(
            "surveys",
            "Survey answers: NPS (0-10), CSAT, CES.",
            (
                _col("response_id", S, "Unique answer id.", required=True),
                _col("account_id", S, "Account.", required=True, references=ACCOUNT_FK),
                _col("contact_id", S, "Contact who answered."),
                _col("kind", S, "Survey kind.", required=True, allowed=SURVEY_KINDS),
                _col("score", F, "Answer score.", required=True, non_negative=True),
                _col("answered_at", TS, "When answered (UTC).", required=True, not_future=True),
                _col("comment", S, "Free-text comment.", free_text=True),
            ),
            primary_key=("response_id",),
            rules=(
                RowRule(
                    "score",
                    "kind = 'nps' AND (score > 10 OR score <> floor(score))",
                    "an NPS answer is a whole number from 0 to 10",
                ),
            ),
            time_column="answered_at",
        ),
        Table(
            "contacts",
            "People at the customer, with their role and tenure.",
            (
                _col("contact_id", S, "Unique contact id.", required=True),
                _col("account_id", S, "Account.", required=True, references=ACCOUNT_FK),
                _col("name", S, "Full name."),
                _col("email", S, "Email address."),
                _col("role", S, "Job title or role."),
                _col("is_champion", B, "Internal champion of the product.", default=False),
                _col("is_decision_maker", B, "Signs or approves the renewal.", default=False),
                _col("started_at", D, "First day as a contact.", not_future=True),
                _col("ended_at", D, "Day the person left; empty while present.", not_future=True),
            ),
            primary_key=("contact_id",),
            ordered=(("started_at", "ended_at"),),
            time_column="started_at",
        ),
        Table(
            "interactions",
            "Meetings, calls, emails, QBRs and events with the customer.",
            (
                _col("interaction_id", S, "Unique interaction id.", required=True),
                _col("account_id", S, "Account.", required=True, references=ACCOUNT_FK),
                _col("kind", S, "Interaction kind.", required=True, allowed=INTERACTION_KINDS),
                _col("occurred_at", TS, "When (UTC).", required=True, not_future=True),
                _col("direction", S, "Who initiated it.", allowed=DIRECTIONS),
                _col("responded", B, "Whether the customer responded."),
                _col("contact_id", S, "Contact involved."),
                _col("notes", S, "Notes, summary or email body of the exchange.", free_text=True),
            ),
            primary_key=("interaction_id",),
            time_column="occurred_at",
        ),
        Table(
            "invoices",
            "Invoices and their payment.",
            (
                _col("invoice_id", S, "Unique invoice id.", required=True),
                _col("account_id", S, "Account.", required=True, references=ACCOUNT_FK),
                _col("amount", F, "Amount invoiced.", required=True, non_negative=True),
                _col("issued_at", D, "Issue date.", required=True, not_future=True),
                _col("due_date", D, "Payment due date.", required=True),
                _col("paid_at", D, "Payment date; empty while unpaid.", not_future=True),
            ),
            primary_key=("invoice_id",),
            ordered=(("issued_at", "due_date"), ("issued_at", "paid_at")),
            time_column="issued_at",
        ),
        Table(
            "sentiments",
            "CSM sentiment recorded after interactions: the human layer.",
            (
                _col("account_id", S, "Account.", required=True, references=ACCOUNT_FK),
                _col("author", S, "CSM who rated.", required=True),
                _col("rated_at", TS, "When rated (UTC).", required=True, not_future=True),
                _col("rating", S, "Colour given.", required=True, allowed=SENTIMENT_RATINGS),
                _col("reasons", L, "Reasons, separated by '|'.", allowed=SENTIMENT_REASONS),
                _col("comment", S, "Free-text comment.", free_text=True),
            ),
            primary_key=("account_id", "author", "rated_at"),
            time_column="rated_at",
        ),
        Table(
            "ratings",
            "Hand-rated measure values (for example responsiveness 0-2).",
            (
                _col("account_id", S, "Account.", required=True, references=ACCOUNT_FK),
                _col("measure", S, "Measure name in the scorecard.", required=True),
                _col("value", F, "Rated value.", required=True),
                _col("rated_at", TS, "When rated (UTC).", required=True, not_future=True),
                _col("author", S, "Who rated."),
            ),
            primary_key=("account_id", "measure", "rated_at"),
            time_column="rated_at",
        ),
        Table(
            "actions",
            "Actions taken or recommended on accounts.",
            (
                _col("action_id", S, "Unique action id.", required=True),
                _col("account_id", S, "Account.", required=True, references=ACCOUNT_FK),
                _col("playbook", S, "Playbook that recommended it."),
                _col("reason", S, "Why the action exists."),
                _col("owner", S, "Who must do it."),
                _col("created_at", TS, "Created (UTC).", required=True, not_future=True),
                _col("due_at", TS, "Due (UTC)."),
                _col("status", S, "Status.", required=True, allowed=ACTION_STATUSES),
                _col("completed_at", TS, "Completed or dismissed (UTC).", not_future=True),
                _col("outcome", S, "What happened."),
                _col("notes", S, "Free-text notes."),
            ),
            primary_key=("action_id",),
            ordered=(("created_at", "completed_at"),),
            time_column="created_at",
        ),
    )
}


def get_table(name: str) -> Table:
    """The canonical table called `name`, or a user error listing the valid names."""
    try:
        return TABLES[name]
    except KeyError:
        raise UnknownTableError(
            f"Unknown table {name!r}. Canonical tables: {', '.join(TABLES)}."
        ) from None


def schema_as_dict(table: Table) -> dict[str, Any]:
    """A JSON-friendly description of one table (for `vigie schema --json`)."""
    return {
        "name": table.name,
        "description": table.description,
        "primary_key": list(table.primary_key),
        "time_column": table.time_column,
        "ordered": [list(pair) for pair in table.ordered],
        "rules": [{"column": r.column, "rule": r.reason} for r in table.rules],
        "columns": [
            {
                "name": c.name,
                "type": c.type.value,
                "required": c.required,
                "description": c.description,
                "allowed": list(c.allowed) if c.allowed else None,
                "non_negative": c.non_negative,
                "references": c.references,
                "not_future": c.not_future,
                "current": c.current,
                "free_text": c.free_text,
                "default": c.default,
            }
            for c in table.columns
        ],
    }


def column_rules(column: Column, markdown: bool = False) -> list[str]:
    """What a value of `column` must be, and its default: `vigie schema` and data-model.md."""
    code = (lambda text: f"`{text}`") if markdown else str
    note = (lambda text: f"*{text}*") if markdown else str
    rules = []
    if column.allowed:
        rules.append("one of " + ", ".join(code(v) for v in column.allowed))
    if column.non_negative:
        rules.append(">= 0")
    if column.references:
        rules.append(f"references {code(column.references)}")
    if column.not_future:
        rules.append("not in the future")
    if column.current:
        rules.append(note("current"))
    if column.free_text:
        rules.append(note("free text"))
    if column.default is not None:
        rules.append(f"default {code(column.default)}")
    return rules


def data_model_markdown() -> str:
    """docs/data-model.md, generated so the docs cannot drift from the code."""
    lines = [
        "# Data model",
        "",
        "<!-- Generated from src/vigie/schema.py by `vigie schema --markdown`; do not edit. -->",
        "",
        f"Schema version {SCHEMA_VERSION}. All timestamps are UTC; ids are strings.",
        "Columns marked *current* describe today: point-in-time computations never read them",
        "and derive the state at a past date from dated rows (subscriptions) instead.",
        "Columns marked *free text* are scored for tone and churn-intent phrases at import",
        "(see docs/tone.md) and are dropped, keeping only those numbers, by `vigie import --no-text`.",
        "",
    ]
    for table in TABLES.values():
        lines += [f"## `{table.name}`", "", table.description, ""]
        if table.primary_key:
            lines.append(f"Primary key: `{', '.join(table.primary_key)}`.")
        if table.time_column:
            lines.append(f"Dated by `{table.time_column}`.")
        for start, end in table.ordered:
            lines.append(f"`{end}` must not be before `{start}`.")
        for rule in table.rules:
            lines.append(f"`{rule.column}`: {rule.reason}.")
        if table.extra_columns_to:
            lines.append(
                f"Extra columns of an imported file are kept in `{table.extra_columns_to}`."
            )
        lines += ["", "| column | type | required | rules | description |", "|---|---|---|---|---|"]
        for c in table.columns:
            lines.append(
                f"| `{c.name}` | {c.type.value} | {'yes' if c.required else ''} "
                f"| {'; '.join(column_rules(c, markdown=True))} | {c.description} |"
            )
        lines.append("")
    return "\n".join(lines)
