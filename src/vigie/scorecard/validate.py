"""Scorecard validation: every problem at once, each with its YAML path and line.

A CS-ops person fixes a scorecard from this list, so it must be complete (not
the first error only) and point at the exact line. Shape errors come from the
pydantic models in `spec.py`, translated to YAML paths; the rules that need
context (tables, columns, referenced metrics, ordered bounds, known events)
are checked here on the round-trip YAML tree, which keeps line numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import sqlglot
from pydantic import ValidationError

from vigie.engine.state import ACCOUNT_COLUMNS, STATE_COLUMNS
from vigie.errors import ScorecardError, ScorecardProblem
from vigie.io.sql import expression_columns
from vigie.schema import TABLES, ColumnType
from vigie.scorecard.metrics import INTERVAL_ENDS
from vigie.scorecard.spec import (
    CONTACT_ROLES,
    GRADE_MODELS,
    METRIC_MODELS,
    TEXT_DIRECTIONS,
    TEXT_SOURCES,
    Scorecard,
    parse_yaml,
    yaml_to_plain,
)
from vigie.workspace import Workspace

Path = tuple[str | int, ...]

TABLE_KINDS = ("count", "sum", "distinct", "average", "days_since", "exists", "latest", "nps")
WINDOWED_KINDS = ("count", "sum", "distinct", "average", "nps", "tone")
TONE_FILTERS = {"source": TEXT_SOURCES, "direction": TEXT_DIRECTIONS, "contact_role": CONTACT_ROLES}
"""The `tone` metric's filters and the values each accepts."""
REFERENCE_KINDS = ("ratio", "change", "slope", "percentile")
NUMERIC = (ColumnType.INTEGER, ColumnType.FLOAT, ColumnType.BOOLEAN)
SPECIAL_CONDITIONS = {"active": tuple(INTERVAL_ENDS), "late": ("invoices",)}
"""Conditions that are not columns: `active` (interval contains D), `late` (overdue at D)."""
ACCOUNT_ATTRIBUTES = (*(c for c in STATE_COLUMNS if c != "active"), *ACCOUNT_COLUMNS)
"""What `{attribute: NAME}`, `among:` and segment `when:` can name: the account's state at D."""
TEXT_ATTRIBUTES = (
    "plan",
    *(c for c in ACCOUNT_COLUMNS if TABLES["accounts"].column(c).type == ColumnType.STRING),
)


def validate_scorecard(
    text: str, source: str, workspace: Workspace | None = None
) -> list[ScorecardProblem]:
    """Every problem of a scorecard's YAML text, in line order (empty list: it is valid).

    With a workspace, event names used on usage_events are also checked against
    the events that occur there (when the table has rows).
    """
    return _checked(text, source, workspace)[1]


def build_scorecard(text: str, source: str, workspace: Workspace | None = None) -> Scorecard:
    """The scorecard of a YAML text that validates, else ScorecardError with every problem.

    The text is parsed and the models built once, for the checks and the result alike.
    """
    card, problems = _checked(text, source, workspace)
    if problems or card is None:
        raise ScorecardError(source, problems)
    return card


def _checked(
    text: str, source: str, workspace: Workspace | None
) -> tuple[Scorecard | None, list[ScorecardProblem]]:
    try:
        tree = parse_yaml(text, source)
    except ScorecardError as exc:
        return None, exc.problems
    if not isinstance(tree, dict):
        return None, [
            ScorecardProblem("", 1, "a scorecard is a YAML mapping with name, bands and dimensions")
        ]
    try:
        card, problems = Scorecard.model_validate(yaml_to_plain(tree)), []
    except ValidationError as exc:
        card, problems = None, _shape_problems(tree, exc)
    problems += _Checker(tree, _known_values(workspace)).run()
    unique = {(p.line or 0, p.path, p.message): p for p in problems}
    return card, [unique[k] for k in sorted(unique)]


# --- YAML locations --------------------------------------------------------------------------------


def _line(tree: Any, path: Path) -> int | None:
    """1-based line of the deepest node of `path` found in the round-trip tree (1 for a
    missing top-level key: the file as a whole)."""
    node, line = tree, None
    for key in path:
        try:
            if isinstance(node, dict) and key in node:
                line = node.lc.key(key)[0]
            elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
                line = node.lc.item(key)[0]
            else:
                break
        except (AttributeError, KeyError, TypeError):  # plain (non round-trip) node
            break
        node = node[key]
    return 1 if line is None else line + 1


def _dotted(path: Path) -> str:
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


# --- shape errors from pydantic ------------------------------------------------------------------


def _shape_problems(tree: dict[str, Any], exc: ValidationError) -> list[ScorecardProblem]:
    """Pydantic's errors, re-addressed to the YAML: union and kind tags are dropped from paths."""
    by_path: dict[Path, list[dict[str, Any]]] = defaultdict(list)
    for err in exc.errors():
        by_path[_yaml_path(tree, err)].append(err)
    return [
        ScorecardProblem(_dotted(path), _line(tree, path), _message(path, errs))
        for path, errs in by_path.items()
        if not _other_branch(path, errs, by_path)
    ]


def _other_branch(path: Path, errs: list[dict[str, Any]], by_path: dict[Path, Any]) -> bool:
    """A union's mismatch with the forms the value does not take (`missing: {points: 150}`
    is not 'renormalize' or 'zero'), when an error inside the value says what is wrong."""
    wrong_form = all(
        e["type"] in ("literal_error", "enum") or e["type"].endswith("_type") for e in errs
    )
    return wrong_form and any(len(p) > len(path) and p[: len(path)] == path for p in by_path)


def _yaml_path(tree: Any, err: dict[str, Any]) -> Path:
    """The part of pydantic's `loc` that exists in the YAML, plus a missing key's name.

    pydantic adds tags to `loc` for unions (`'str'`, `'Range'`) and for kinds
    (`metric.count.window`: `count` names the kind); those are skipped.
    """
    loc, node, path, tag_done = err["loc"], tree, [], False
    for i, key in enumerate(loc):
        last = i == len(loc) - 1
        at_union = path[-1:] in (["metric"], ["grade"]) or path[-2:-1] in (["metrics"], ["grades"])
        kinds = (_kind(node, METRIC_MODELS), _kind(node, GRADE_MODELS))
        kind_tag = at_union and not (last or tag_done) and key in kinds
        tag_done = kind_tag
        if (isinstance(node, dict) and key in node and not kind_tag) or (
            isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)
        ):
            node = node[key]
            path.append(key)
        elif last and err["type"] in ("missing", "extra_forbidden"):
            path.append(key)
    return tuple(path)


def _message(path: Path, errs: list[dict[str, Any]]) -> str:
    err = errs[0]
    key = path[-1] if path else ""
    if err["type"] == "string_pattern_mismatch" and key in ("window", "max_age"):
        return f"a window is a number of days or weeks such as 28d or 4w (got {err['input']!r})"
    if err["type"] == "string_pattern_mismatch" and key == "name":
        return f"a name uses letters, digits, '-', '_' and '.' only (got {err['input']!r})"
    if err["type"] == "missing":
        return f"required key {key!r} is missing"
    if err["type"] == "extra_forbidden":
        return f"unknown key {key!r}"
    if err["type"] in ("unknown_metric_kind", "unknown_grade_kind"):
        got = err["input"]
        keys = f"keys {', '.join(map(str, got))}" if isinstance(got, dict) else repr(got)
        return f"{err['msg']} (got {keys or 'no key'})"
    if len(errs) > 1 and key == "missing":
        return f"must be renormalize, zero or {{points: P}} with P in 0..100 (got {err['input']!r})"
    if len(errs) > 1 and len(path) > 1 and path[-2] in ("where", "when"):
        return (
            f"a condition is a value, a list of values or {{min: x, max: y}} (got {err['input']!r})"
        )
    messages = list(dict.fromkeys(e["msg"].removeprefix("Value error, ") for e in errs))
    return " or ".join(messages) + f" (got {err['input']!r})"


# --- rules that need context ---------------------------------------------------------------------


NAMED_BY_THE_BOOK = (
    ("usage_events", "event"),
    ("ratings", "measure"),
    ("subscriptions", "plan"),
    *(("accounts", c) for c in ("segment", "industry", "csm", "currency")),
)
"""Columns whose values the book names (not a fixed list): checked against a workspace."""


def _known_values(workspace: Workspace | None) -> dict[tuple[str, str], frozenset[str]]:
    """The values present in the workspace for NAMED_BY_THE_BOOK (empty tables: not checked)."""
    if workspace is None:
        return {}
    found = {}
    for table, column in NAMED_BY_THE_BOOK:
        values = workspace.table(table).select(column).distinct().to_pyarrow()
        if names := frozenset(v for v in values.column(column).to_pylist() if v is not None):
            found[table, column] = names
    return found


def _kind(node: Any, kinds: tuple[str, ...] | Any) -> str | None:
    present = [k for k in kinds if k in node] if isinstance(node, dict) else []
    return present[0] if len(present) == 1 else None


def _items(node: Any) -> Iterator[tuple[Any, Any]]:
    return iter(node.items()) if isinstance(node, dict) else iter(())


COUNTING_KINDS = (
    "count", "sum", "distinct", "ratio", "days_since", "average", "nps", "change", "slope",
    "percentile",
)  # fmt: skip
"""Metric kinds that always give a number (a `categorical` grade of words never matches)."""


def _numeric_text(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Checker:
    """Walks the YAML tree once; each `_check_*` method adds problems with paths."""

    def __init__(self, tree: dict[str, Any], known: dict[tuple[str, str], frozenset[str]]) -> None:
        self.tree = tree
        self.known = known
        self.problems: list[ScorecardProblem] = []
        metrics = tree.get("metrics")
        self.named = dict(metrics) if isinstance(metrics, dict) else {}
        scale = tree.get("scale", 100)
        self.scale = scale if _number(scale) and scale > 0 else 100

    def add(self, path: Path, message: str) -> None:
        self.problems.append(ScorecardProblem(_dotted(path), _line(self.tree, path), message))

    def run(self) -> list[ScorecardProblem]:
        self._check_bands(("bands",))
        for name, metric in _items(self.named):
            self._check_metric(("metrics", name), metric)
        self._check_metric_cycles()
        for dim_name, dim in _items(self.tree.get("dimensions")):
            for m_name, measure in _items(dim.get("measures") if isinstance(dim, dict) else None):
                if isinstance(measure, dict):
                    path = ("dimensions", dim_name, "measures", m_name)
                    self._check_metric((*path, "metric"), measure.get("metric"))
                    self._check_grade((*path, "grade"), measure.get("grade"), measure.get("metric"))
                    if isinstance(measure.get("suggest"), dict):
                        self._check_suggest((*path, "suggest"), measure)
        segments = self.tree.get("segments")
        for i, segment in enumerate(segments if isinstance(segments, list) else []):
            if isinstance(segment, dict):
                self._check_segment(("segments", i), segment, segments[:i])
        return self.problems

    # bands ---------------------------------------------------------------------------------------

    def _check_bands(self, path: Path) -> None:
        bands = self.tree
        for key in path:
            bands = bands.get(key) if isinstance(bands, dict) else bands[key]
        if not isinstance(bands, list):
            return
        seen: set[str] = set()
        previous: tuple[float, int] | None = None
        for i, band in enumerate(bands):
            if not isinstance(band, dict):
                continue
            name = band.get("name")
            if name in seen:
                self.add((*path, i, "name"), f"duplicate band name {name!r}")
            seen.add(name)
            side = "above" if "above" in band else "min"
            bound = band.get(side)
            if not _number(bound):
                continue
            if bound < 0 or bound > self.scale or (side == "above" and bound >= self.scale):
                self.add(
                    (*path, i, side),
                    f"bound {bound} is outside the scale 0..{self.scale:g}: no score can reach it",
                )
            edge = (bound, 1 if side == "above" else 0)  # `above: 50` sits just over `min: 50`
            if previous is not None and edge >= previous:
                self.add(
                    (*path, i, side),
                    f"bands go from high to low: bound {bound} must be below the band before it",
                )
            previous = edge

    # metrics -------------------------------------------------------------------------------------

    def _check_metric(self, path: Path, metric: Any) -> None:
        kind = _kind(metric, METRIC_MODELS)
        if kind is None:
            return  # reported by the shape check
        if kind in TABLE_KINDS:
            self._check_table_metric(path, kind, metric)
        elif kind in REFERENCE_KINDS:
            refs = metric[kind] if kind == "ratio" else [metric[kind]]
            for i, ref in enumerate(refs if isinstance(refs, list) else []):
                ref_path = (*path, kind, i) if kind == "ratio" else (*path, kind)
                self._check_reference(ref_path, kind, ref)
            if kind == "percentile" and metric.get("among", "segment") not in ACCOUNT_ATTRIBUTES:
                self.add(
                    (*path, "among"), f"unknown account field {metric['among']!r}; {_fields()}"
                )
        elif kind == "attribute" and metric[kind] not in ACCOUNT_ATTRIBUTES:
            self.add((*path, kind), f"unknown account attribute {metric[kind]!r}; {_fields()}")
        elif kind == "tone":
            self._check_tone(path, metric)
        elif kind == "sql" and isinstance(metric[kind], str):
            self._check_sql((*path, kind), metric[kind])

    def _check_sql(self, path: Path, expression: str) -> None:
        """The expression must parse and read only fields of the account's row at D."""
        try:
            unknown = [c for c in expression_columns(expression) if c not in ACCOUNT_ATTRIBUTES]
        except sqlglot.errors.ParseError as exc:
            self.add(path, f"not a valid SQL expression: {str(exc).splitlines()[0]}")
            return
        if unknown:
            names = ", ".join(map(repr, unknown))
            self.add(path, f"the SQL reads unknown account field(s) {names}; {_fields()}")

    def _check_tone(self, path: Path, metric: dict[str, Any]) -> None:
        """Each filter value must be one the texts table can hold (a typo would match nothing)."""
        for key, allowed in TONE_FILTERS.items():
            wanted = metric.get(key)
            for value in wanted if isinstance(wanted, list) else [wanted]:
                if value is not None and value not in allowed:
                    self.add(
                        (*path, key),
                        f"{value!r} never occurs as a text's {key}; allowed: {', '.join(allowed)}",
                    )

    def _check_reference(self, path: Path, kind: str, ref: Any) -> None:
        if ref not in self.named:
            known = ", ".join(map(str, self.named)) or "none defined"
            self.add(
                path,
                f"{kind} refers to undefined metric {ref!r}; define it under `metrics:` ({known})",
            )
        elif (
            kind in ("change", "slope")
            and _kind(self.named[ref], METRIC_MODELS) not in WINDOWED_KINDS
        ):
            self.add(
                path,
                f"{kind} needs a windowed metric ({', '.join(WINDOWED_KINDS)}); {ref!r} is not",
            )

    def _check_table_metric(self, path: Path, kind: str, metric: dict[str, Any]) -> None:
        table_name = metric[kind]
        table = TABLES.get(table_name) if isinstance(table_name, str) else None
        if table is None:
            self.add(
                (*path, kind),
                f"unknown table {table_name!r}; canonical tables: {', '.join(TABLES)}",
            )
            return
        if table.time_column is None:
            self.add(
                (*path, kind), f"table {table.name!r} has no date; use {{attribute: NAME}} instead"
            )
        column = metric.get("column")
        if isinstance(column, str):
            if column not in table.column_names:
                self.add((*path, "column"), _unknown_column(table.name, column))
            elif kind in ("sum", "average") and table.column(column).type not in NUMERIC:
                self.add(
                    (*path, "column"),
                    f"{kind} needs a numeric column; {table.name}.{column} is text",
                )
        for key, condition in _items(metric.get("where")):
            self._check_condition((*path, "where", key), table.name, key, condition)

    def _check_condition(self, path: Path, table: str, key: Any, condition: Any) -> None:
        if key in SPECIAL_CONDITIONS:
            if table not in SPECIAL_CONDITIONS[key]:
                tables = " and ".join(SPECIAL_CONDITIONS[key])
                self.add(path, f"`{key}: true` only applies to {tables}")
            elif condition is not True:
                self.add(path, f"`{key}` only takes true")
            return
        schema = TABLES[table]
        if key not in schema.column_names:
            self.add(path, _unknown_column(table, key))
            return
        column = schema.column(key)
        values = condition if isinstance(condition, list) else [condition]
        if isinstance(condition, dict):
            if column.type not in (ColumnType.INTEGER, ColumnType.FLOAT):
                self.add(
                    path, f"{{min, max}} needs a numeric column; {table}.{key} is {column.type}"
                )
            return
        for value in values:
            if column.type is ColumnType.BOOLEAN and not isinstance(value, bool):
                self.add(path, f"{table}.{key} is true/false, not {value!r}")
            elif column.allowed and value not in column.allowed:
                self.add(
                    path,
                    f"{value!r} never occurs in {table}.{key}; allowed: {', '.join(column.allowed)}",
                )
        self._check_known(
            path, table, key, values, "the measures reading it are 0 or missing for every account"
        )

    def _check_known(
        self, path: Path, table: str, key: str, values: list[Any], consequence: str
    ) -> None:
        """Values the book names (NAMED_BY_THE_BOOK) that never occur in the workspace: a list
        (premium features...) may name some nobody has used yet, so it is flagged only when none
        of them occurs, which is a typo, another spelling or the wrong workspace."""
        known = self.known.get((table, key))
        if known is None or any(v in known for v in values):
            return
        listed = ", ".join(sorted(known)[:12])
        for value in values:
            self.add(
                path,
                f"{key} {value!r} never occurs in this workspace's {table} ({key}s: {listed}): "
                f"{consequence}",
            )

    def _check_metric_cycles(self) -> None:
        def refs(metric: Any) -> list[Any]:
            kind = _kind(metric, METRIC_MODELS)
            if kind == "ratio":
                return list(metric[kind]) if isinstance(metric[kind], list) else []
            return [metric[kind]] if kind in REFERENCE_KINDS else []

        for start in self.named:
            stack, seen = [start], set()
            while stack:
                name = stack.pop()
                for ref in refs(self.named.get(name)):
                    if ref == start:
                        self.add(
                            ("metrics", start),
                            f"metric {start!r} refers back to itself through {name!r}",
                        )
                        stack = []
                        break
                    if ref in self.named and ref not in seen:
                        seen.add(ref)
                        stack.append(ref)

    # grades --------------------------------------------------------------------------------------

    def _check_grade(self, path: Path, grade: Any, metric: Any) -> None:
        kind = _kind(grade, GRADE_MODELS)
        if kind in ("bands", "linear"):
            self._check_steps(path, kind, grade[kind])
            output = self._output(metric)
            if output != "number":
                self.add(
                    (*path, kind),
                    f"{kind} grading needs a number; this metric gives {output}: use categorical",
                )
        elif kind == "categorical":
            for value, points in _items(grade[kind]):
                self._check_points((*path, kind, value), points)
            if "default" in grade:
                self._check_points((*path, "default"), grade["default"])
            output = self._output(metric)
            for value, _ in _items(grade[kind]):
                if output == "true/false" and value not in (True, False, "true", "false"):
                    self.add(
                        (*path, kind, value), f"{value!r} never occurs: exists gives true or false"
                    )
                elif (
                    _kind(metric, METRIC_MODELS) in COUNTING_KINDS
                    and not _number(value)
                    and not _numeric_text(value)
                ):
                    self.add(
                        (*path, kind, value),
                        f"{value!r} never occurs: this metric gives a number (grade numbers with "
                        "bands or linear)",
                    )

    def _check_suggest(self, path: Path, measure: dict[str, Any]) -> None:
        """`from` names a numeric metric under `metrics:`; bands ascend; values fit the grade."""
        suggest = measure["suggest"]
        source = suggest.get("from")
        if source is not None and source not in self.named:
            known = ", ".join(map(str, self.named)) or "none defined"
            self.add(
                (*path, "from"),
                f"suggest refers to undefined metric {source!r}; define it under `metrics:` ({known})",
            )
        elif source is not None and self._output(self.named[source]) != "number":
            self.add(
                (*path, "from"), f"suggest needs a metric that gives a number; {source!r} does not"
            )
        if self._output(measure.get("metric")) != "number":
            self.add(path, "suggest needs a measure whose metric gives a number (a rating)")
        grade = measure.get("grade")
        points = grade.get("points") if isinstance(grade, dict) else None
        top = points.get("max") if isinstance(points, dict) else None
        previous = None
        steps = suggest.get("bands")
        for i, step in enumerate(steps if isinstance(steps, list) else []):
            if not (isinstance(step, list) and len(step) == 2 and all(map(_number, step))):
                continue  # reported by the shape check
            bound, value = step
            if previous is not None and bound <= previous:
                self.add(
                    (*path, "bands", i),
                    f"band bounds must be strictly ascending: {bound} comes after {previous}",
                )
            if _number(top) and not 0 <= value <= top:
                self.add(
                    (*path, "bands", i),
                    f"a suggested rating must be on the measure's 0..{top:g} scale, got {value}",
                )
            previous = bound

    def _check_steps(self, path: Path, kind: str, steps: Any) -> None:
        previous = None
        for i, step in enumerate(steps if isinstance(steps, list) else []):
            if not (isinstance(step, list) and len(step) == 2 and all(map(_number, step))):
                continue  # reported by the shape check
            x, points = step
            self._check_points((*path, kind, i), points)
            if previous is not None and x <= previous:
                what = "x values" if kind == "linear" else "band bounds"
                self.add(
                    (*path, kind, i),
                    f"{what} must be strictly ascending: {x} comes after {previous}",
                )
            previous = x

    def _check_points(self, path: Path, points: Any) -> None:
        if _number(points) and not 0 <= points <= 100:
            self.add(path, f"points must be between 0 and 100, got {points}")

    def _output(self, metric: Any) -> str:
        """What a metric gives: a number, true/false or text (for grading compatibility)."""
        kind = _kind(metric, METRIC_MODELS)
        if kind == "exists":
            return "true/false"
        if kind == "attribute" and metric[kind] in TEXT_ATTRIBUTES:
            return "text"
        if kind == "latest":
            table, column = TABLES.get(metric.get("latest")), metric.get("column")
            if table and column in table.column_names and table.column(column).type not in NUMERIC:
                return "text"
        return "number"

    # segments ------------------------------------------------------------------------------------

    def _check_segment(self, path: Path, segment: dict[str, Any], before: list[Any]) -> None:
        if segment.get("name") in [s.get("name") for s in before if isinstance(s, dict)]:
            self.add((*path, "name"), f"duplicate segment name {segment.get('name')!r}")
        for key, condition in _items(segment.get("when")):
            if key not in ACCOUNT_ATTRIBUTES:
                self.add((*path, "when", key), f"unknown account field {key!r}; {_fields()}")
            elif key in TEXT_ATTRIBUTES:
                self._check_known(
                    (*path, "when", key),
                    "subscriptions" if key == "plan" else "accounts",
                    key,
                    condition if isinstance(condition, list) else [condition],
                    "no account falls in this segment",
                )
        self._check_bands((*path, "bands"))
        dims = self.tree.get("dimensions") if isinstance(self.tree.get("dimensions"), dict) else {}
        for key, weight in _items(segment.get("weights")):
            if not self._target_exists(dims, key, allow_dimension=True):
                self.add(
                    (*path, "weights", key), f"no dimension or dimension.measure called {key!r}"
                )
            if not _number(weight) or weight <= 0:
                self.add(
                    (*path, "weights", key), f"weights must be positive numbers, got {weight!r}"
                )
        for key, grade in _items(segment.get("grades")):
            if not self._target_exists(dims, key, allow_dimension=False):
                self.add(
                    (*path, "grades", key), f"no measure called {key!r} (write dimension.measure)"
                )
                continue
            dim, measure = key.split(".", 1)
            self._check_grade(
                (*path, "grades", key), grade, dims[dim]["measures"][measure].get("metric")
            )

    @staticmethod
    def _target_exists(dims: dict[str, Any], key: Any, allow_dimension: bool) -> bool:
        if not isinstance(key, str):
            return False
        dim, _, measure = key.partition(".")
        if not isinstance(dims.get(dim), dict):
            return False
        if not measure:
            return allow_dimension
        measures = dims[dim].get("measures")
        return isinstance(measures, dict) and isinstance(measures.get(measure), dict)


def _unknown_column(table: str, column: Any) -> str:
    return f"unknown column {column!r} for table {table}; columns: {', '.join(TABLES[table].column_names)}"


def _fields() -> str:
    return "known fields: " + ", ".join(ACCOUNT_ATTRIBUTES)
