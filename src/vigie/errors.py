"""Exceptions Vigie raises.

`VigieError` and its subclasses are problems the user can fix (a bad file, a
bad scorecard, an unknown account): the CLI prints their message as one
paragraph and exits with code 2. Anything else is a bug and keeps its
traceback.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


class VigieError(Exception):
    """A problem with the user's input or setup, with a message saying how to fix it."""

    exit_code = 2


class TextFileError(VigieError):
    """A user's YAML or TOML file (scorecard, mapping, settings) that is not UTF-8 text."""


class WorkspaceError(VigieError):
    """The workspace is missing, unreadable or of an unsupported schema version."""


class BackendUnavailableError(WorkspaceError):
    """The workspace's database server cannot be reached (down, refusing, wrong address)."""


class UnknownTableError(VigieError):
    """A table name that is not part of the canonical schema."""


class UnknownAccountError(VigieError):
    """An account id that is not in the workspace."""


@dataclass(frozen=True)
class Problem:
    """One bad value in an input file, located precisely enough to fix by hand."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.column is not None:
            where += f" column {self.column!r}"
        value = "" if self.value is None else f" (value {self.value!r})"
        return f"{where}: {self.reason}{value}"


class ImportValidationError(VigieError):
    """An import was refused; nothing was written. Carries every problem found."""

    def __init__(self, table: str, problems: list[Problem], total: int | None = None) -> None:
        self.table = table
        self.problems = problems
        self.total = len(problems) if total is None else total
        shown = "\n".join(f"  {p}" for p in problems[:SHOWN_PROBLEMS])
        more = ""
        if self.total > SHOWN_PROBLEMS:
            more = f"\n  ... and {self.total - SHOWN_PROBLEMS} more"
            shown = f"{_kinds(problems, self.total)}\nThe first {SHOWN_PROBLEMS}:\n{shown}"
        super().__init__(
            f"Import into {table!r} refused: {self.total} problem(s) found, nothing was written.\n"
            f"{shown}{more}"
        )


SHOWN_PROBLEMS = 50


def _kinds(problems: list[Problem], total: int) -> str:
    """Problems counted by column and reason, most frequent first: past the first lines, a
    thousand rows naming one unknown account are one fix, not a thousand."""
    counts = Counter((p.column, p.reason) for p in problems)
    width = len(f"{max(counts.values()):,}")
    lines = [
        f"  {n:>{width},} x {'' if column is None else f'column {column!r}: '}{reason}"
        for (column, reason), n in counts.most_common()
    ]
    listed = "" if total == len(problems) else f" (counted over the {len(problems):,} listed)"
    return "By kind" + listed + ":\n" + "\n".join(lines)


class MappingError(VigieError):
    """A column mapping file (--map) is malformed or refers to missing columns."""


@dataclass(frozen=True)
class ScorecardProblem:
    """One problem in a scorecard YAML, located by its path in the YAML and its line."""

    path: str
    """Dotted path such as `dimensions.usage.measures.logins.grade` ("" for the whole file)."""
    line: int | None
    """1-based line in the YAML source, when known."""
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "line ?"
        path = f" {self.path}" if self.path else ""
        return f"{where}{path}: {self.message}"


class ScorecardError(VigieError):
    """A scorecard was refused (never half-applied). Carries every problem found."""

    def __init__(self, source: str, problems: list[ScorecardProblem]) -> None:
        self.source = source
        self.problems = problems
        listed = "\n".join(f"  {source}: {p}" for p in problems)
        super().__init__(f"Scorecard {source} refused: {len(problems)} problem(s).\n{listed}")


class SimulationError(VigieError):
    """Bad parameters for the demo portfolio simulator (`vigie simulate`)."""


class ImportOptionError(VigieError):
    """An import option (--delimiter, --encoding) that cannot be used."""


class ImportModeError(VigieError):
    """An import mode or option that cannot apply (e.g. upsert into a table without a key)."""


class OverrideError(VigieError):
    """A manual score override that cannot be recorded as given (no reason, past expiry, ...)."""


class SignalConfigError(VigieError):
    """A signals configuration YAML was refused (never half-applied), with each problem's line."""


class SentimentError(VigieError):
    """A CSM sentiment that cannot be recorded as given (unknown rating or reason, no account)."""


class ReviewError(VigieError):
    """A review-queue resolution that cannot be recorded (bad decision, missing reason or expiry)."""


class WebUserError(VigieError):
    """A web user or API token that cannot be created or found as asked."""


class WorkspaceBusyError(VigieError):
    """The workspace's DuckDB file is locked by another process (a CLI write); retry shortly."""


class PredictionError(VigieError):
    """Churn training, prediction or backtest cannot run as asked (too few dates, unknown model...)."""


class PlaybookError(VigieError):
    """A playbook file, worklist, action or forecast request cannot be honoured as given."""


class AlertError(VigieError):
    """An alert config, channel or run that cannot be honoured as given."""


class ToneError(VigieError):
    """Tone scoring, its intent-phrase config or `vigie tone train` cannot run as given."""
