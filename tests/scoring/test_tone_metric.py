"""The `tone` metric: hand-computed averages on a small `texts` table, point in time, validation.

D = 2024-03-01; a 30-day window is [2024-01-31, 2024-03-01) (2024 is a leap year).
Contacts come from the scoring fixture: C1 is A1's champion; C2 was A2's champion
(left 2024-02-15); C3 is A2's undated decision maker; C4 becomes A3's champion ON D.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pyarrow as pa
import pytest
from scoring_data import spark_view, to_arrow
from typer.testing import CliRunner

from vigie.cli.app import app, console
from vigie.engine.explain import suggestions
from vigie.engine.scoring import score
from vigie.errors import ScorecardError
from vigie.scorecard.compile import compile_sql
from vigie.scorecard.spec import load_scorecard
from vigie.tone.store import TEXTS_SCHEMA, TEXTS_TABLE
from vigie.workspace import Workspace

D = dt.date(2024, 3, 1)
NA = None

# text_id, account, source, contact, direction, written_at, language, tone
TEXTS = [
    ("t1", "A1", "interaction", "C1", "inbound", "2024-02-10 09:00", "en", 0.6),
    ("t2", "A1", "ticket", None, "inbound", "2024-02-20 09:00", "fr", -0.2),
    ("t3", "A1", "interaction", "C1", "outbound", "2024-02-25 09:00", "en", 0.9),
    ("t4", "A1", "survey", "C1", "inbound", "2024-03-01 00:00", "en", -1.0),  # on D: not yet
    ("t5", "A1", "interaction", "C1", "inbound", "2024-01-30 23:59", "en", -0.8),  # 31 days back
    ("t6", "A1", "interaction", None, "inbound", "2024-02-28 09:00", "other", None),  # no tone
    ("t7", "A1", "sentiment", None, "internal", "2024-02-15 09:00", "en", -0.3),
    ("t8", "A1", "interaction", "C2", "inbound", "2024-02-12 09:00", "en", 0.0),  # A2's contact
    ("t9", "A1", "ticket", None, "inbound", "2024-01-31 00:00", "en", 0.5),  # window's first day
    ("u1", "A2", "interaction", "C3", "inbound", "2024-02-01 09:00", "fr", -0.4),
    ("u2", "A2", "interaction", "C2", "inbound", "2024-02-05 09:00", "en", 0.2),
    ("v1", "A3", "survey", "C4", "inbound", "2024-02-20 09:00", "en", 0.8),
]

CARD = """
name: tone-kinds
bands: [{name: good, min: 50}, {name: low, min: 0}]
metrics:
  inbound_30d: {tone: texts, direction: inbound, window: 30d}
dimensions:
  voice:
    weight: 1
    measures:
      all_30d: {metric: {tone: texts, window: 30d}, grade: {linear: [[-1, 0], [1, 100]]}}
      inbound_30d: {metric: {tone: texts, direction: inbound, window: 30d}, grade: {linear: [[-1, 0], [1, 100]]}}
      inbound_90d: {metric: {tone: texts, direction: inbound}, grade: {linear: [[-1, 0], [1, 100]]}}
      tickets_surveys: {metric: {tone: texts, source: [ticket, survey], window: 30d}, grade: {linear: [[-1, 0], [1, 100]]}}
      champion: {metric: {tone: texts, contact_role: champion, window: 30d}, grade: {linear: [[-1, 0], [1, 100]]}}
      decision_maker: {metric: {tone: texts, contact_role: decision_maker, window: 30d}, grade: {linear: [[-1, 0], [1, 100]]}}
      key_people: {metric: {tone: texts, contact_role: [champion, decision_maker], window: 30d}, grade: {linear: [[-1, 0], [1, 100]]}}
      any_contact: {metric: {tone: texts, contact_role: any, window: 30d}, grade: {linear: [[-1, 0], [1, 100]]}}
      three_or_more: {metric: {tone: texts, window: 30d, min_texts: 3}, grade: {linear: [[-1, 0], [1, 100]]}}
      inbound_change: {metric: {change: inbound_30d}, grade: {linear: [[-100, 0], [100, 100]]}}
"""

EXPECTED = {
    # t1 .6, t2 -.2, t3 .9, t7 -.3, t8 0, t9 .5: 1.5 / 6
    "all_30d": {"A1": 0.25, "A2": -0.1, "A3": 0.8},
    "inbound_30d": {"A1": 0.9 / 4, "A2": -0.1, "A3": 0.8},  # t1 t2 t8 t9
    "inbound_90d": {"A1": 0.1 / 5, "A2": -0.1, "A3": 0.8},  # + t5
    "tickets_surveys": {"A1": 0.15, "A2": NA, "A3": 0.8},  # t2 t9 (t4 is on D)
    "champion": {"A1": 0.75, "A2": 0.2, "A3": NA},  # t8's C2 is not A1's; C4 starts on D
    "decision_maker": {"A1": NA, "A2": -0.4, "A3": NA},  # C3 has no start date: known
    "key_people": {"A1": 0.75, "A2": -0.1, "A3": NA},
    "any_contact": {"A1": 0.75, "A2": -0.1, "A3": NA},
    "three_or_more": {"A1": 0.25, "A2": NA, "A3": NA},
    # A1: the 30 days before the window hold t5 (-0.8): 100 x (0.225 - -0.8) / |-0.8|, a rise
    "inbound_change": {"A1": 128.125, "A2": NA, "A3": NA},
}


def texts_arrow(rows: list[tuple]) -> pa.Table:
    keys = ("text_id", "account_id", "source", "contact_id", "direction", "written_at")
    records = []
    for row in rows:
        record = dict(zip((*keys, "language", "tone"), row, strict=True))
        source, source_id = record["source"], record["text_id"]
        record |= {
            "text_id": f"{source}:{source_id}",
            "source_id": source_id,
            "written_at": dt.datetime.fromisoformat(record["written_at"]),
            "scorer": "default",
            "intents": [],
            "intent_phrases": [],
            "excerpt": f"text {source_id}",
        }
        records.append(record)
    return pa.Table.from_pylist(records, schema=TEXTS_SCHEMA.to_pyarrow())


def put_texts(workspace: Workspace, rows: list[tuple]) -> None:
    if workspace.con.name == "pyspark":
        spark_view(workspace.con, TEXTS_TABLE, texts_arrow(rows))
    else:
        workspace.con.create_table(TEXTS_TABLE, texts_arrow(rows), overwrite=True)


def raw_values(workspace: Workspace) -> dict[tuple[str, str], float]:
    measures = score(workspace, load_scorecard(CARD), [D], persist=False).measures
    return {(r.measure, r.account_id): r.raw_value for r in measures.itertuples()}


def test_tone_values_by_hand(ws: Workspace) -> None:
    put_texts(ws, TEXTS)
    try:
        got = raw_values(ws)
    finally:
        if ws.con.name == "pyspark":
            ws.con.drop_view(TEXTS_TABLE, force=True)
    for measure, by_account in EXPECTED.items():
        for account, want in by_account.items():
            raw = got[(measure, account)]
            if want is None:
                assert math.isnan(raw), (measure, account, raw)
            else:
                assert raw == pytest.approx(want), (measure, account, raw)


def test_texts_on_or_after_d_change_nothing(duck: Workspace) -> None:
    put_texts(duck, TEXTS)
    before = raw_values(duck)
    later = []
    for day in (D, D + dt.timedelta(days=9)):
        for row in TEXTS:
            moved = (f"{row[0]}-{day}", *row[1:5], f"{day} 00:00", row[6], -1.0)
            later.append(moved)
    put_texts(duck, TEXTS + later)
    after = raw_values(duck)
    assert after.keys() == before.keys()
    for key, value in before.items():
        assert after[key] == pytest.approx(value, nan_ok=True), key


def test_no_texts_table_gives_missing_values(duck: Workspace) -> None:
    got = raw_values(duck)
    assert all(math.isnan(got[(m, a)]) for m in EXPECTED for a in ("A1", "A2", "A3"))


def test_tone_compiles_to_duckdb_sql(duck: Workspace) -> None:
    put_texts(duck, TEXTS)
    sql = compile_sql(duck, load_scorecard(CARD), D)
    assert '"texts"' in sql and "AVG" in sql.upper()


@pytest.mark.parametrize(
    ("metric", "line", "message"),
    [
        ("{tone: texts, source: tickets}", "source", "'tickets' never occurs as a text's source"),
        (
            "{tone: texts, direction: [inbound, incoming]}",
            "direction",
            "'incoming' never occurs as a text's direction; allowed: inbound, outbound, internal",
        ),
        (
            "{tone: texts, contact_role: ceo}",
            "contact_role",
            "allowed: champion, decision_maker, any",
        ),
        ("{tone: texts, min_texts: 0}", "min_texts", "greater than or equal to 1"),
        ("{tone: tickets}", "tone", "Input should be 'texts'"),
        ("{tone: texts, window: 3m}", "window", "a window is a number of days or weeks"),
    ],
)
def test_bad_tone_metric_is_refused_with_its_line(metric: str, line: str, message: str) -> None:
    text = f"""name: bad
bands: [{{name: ok, min: 0}}]
dimensions:
  voice:
    weight: 1
    measures:
      tone:
        metric: {metric}
        grade: {{linear: [[-1, 0], [1, 100]]}}
"""
    with pytest.raises(ScorecardError) as err:
        load_scorecard(text)
    problems = err.value.problems
    assert len(problems) == 1, problems
    assert problems[0].line == 8
    assert problems[0].path == f"dimensions.voice.measures.tone.metric.{line}"
    assert message in problems[0].message


def test_suggestion_is_validated() -> None:
    text = """name: bad
bands: [{name: good, min: 50}, {name: low, min: 0}]
metrics:
  events: {exists: tickets}
dimensions:
  voice:
    weight: 1
    measures:
      feedback:
        metric: {latest: ratings, column: value, where: {measure: feedback}}
        grade: {points: {max: 2}}
        suggest: {from: customer_tone, bands: [[-1, 0], [0.3, 1], [0.2, 3]]}
      other:
        metric: {latest: ratings, column: value, where: {measure: other}}
        grade: {points: {max: 2}}
        suggest: {from: events, bands: [[0, 1]], when: now}
"""
    with pytest.raises(ScorecardError) as err:
        load_scorecard(text)
    found = {(p.line, p.path, p.message) for p in err.value.problems}
    path = "dimensions.voice.measures"
    assert found == {
        (
            12,
            f"{path}.feedback.suggest.from",
            "suggest refers to undefined metric 'customer_tone'; define it under `metrics:` (events)",
        ),
        (
            12,
            f"{path}.feedback.suggest.bands[2]",
            "band bounds must be strictly ascending: 0.2 comes after 0.3",
        ),
        (
            12,
            f"{path}.feedback.suggest.bands[2]",
            "a suggested rating must be on the measure's 0..2 scale, got 3",
        ),
        (
            16,
            f"{path}.other.suggest.from",
            "suggest needs a metric that gives a number; 'events' does not",
        ),
        (16, f"{path}.other.suggest.when", "unknown key 'when'"),
    }


# --- starter-8's feedback suggestion and `vigie explain` -------------------------------------------


def rate(workspace: Workspace, rows: list[tuple[str, str, float, str]]) -> None:
    frame = pd.DataFrame(rows, columns=["account_id", "measure", "value", "rated_at"])
    frame["author"] = "csm"
    workspace.con.insert("ratings", to_arrow("ratings", frame.astype(str)))


def test_starter8_suggests_feedback_from_tone_beside_the_hand_rating(duck: Workspace) -> None:
    put_texts(duck, TEXTS)
    rate(
        duck, [("A1", "satisfaction", 2.0, "2024-02-01 10:00"), ("A1", "satisfaction", 0.0, str(D))]
    )
    card = load_scorecard("starter-8")
    got = suggestions(duck, card, "A1", D)
    row = got.iloc[0].to_dict()
    # A1's inbound texts of the last 90 days: t1 .6, t2 -.2, t5 -.8, t8 0, t9 .5 -> 0.02: "some tension".
    # The rating of 0 made on D is not known yet: the hand value at D is 2.
    assert row == {
        "dimension": "satisfaction",
        "measure": "satisfaction",
        "hand": 2.0,
        "source": "customer_tone",
        "source_value": pytest.approx(0.02),
        "suggested": 1.0,
        "rule": "customer_tone below -0.05: 0, >= -0.05: 1, >= 0.25: 2",
    }
    # A2 (-0.1 over 2 texts, never rated): suggests a clear complaint; A3 has 1 text: none.
    a2, a3 = (suggestions(duck, card, a, D).iloc[0] for a in ("A2", "A3"))
    assert (math.isnan(a2.hand), a2.suggested) == (True, 0.0)
    assert math.isnan(a3.source_value) and math.isnan(a3.suggested)
    # The suggestion never enters the score: satisfaction is A1's hand rating, 2 -> 100 points.
    scored = score(duck, card, [D], persist=False).measures
    mine = scored[(scored.account_id == "A1") & (scored.measure == "satisfaction")].iloc[0]
    assert (mine.raw_value, mine.points) == (2.0, 100.0)


def test_cli_explain_as_of_shows_texts_flags_and_suggestion(
    duck: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [*TEXTS, ("w1", "A1", "ticket", None, "inbound", "2024-02-27 09:00", "fr", -0.7)]
    arrow = texts_arrow(rows)
    flags = [["competitor"] if t == "ticket:w1" else [] for t in arrow["text_id"].to_pylist()]
    phrases = [["un concurrent"] if f else [] for f in flags]
    excerpts = [
        None if t == "ticket:t2" else e
        for t, e in zip(arrow["text_id"].to_pylist(), arrow["excerpt"].to_pylist(), strict=True)
    ]
    arrow = arrow.set_column(
        arrow.schema.get_field_index("intents"), "intents", pa.array(flags, pa.list_(pa.string()))
    )
    arrow = arrow.set_column(
        arrow.schema.get_field_index("intent_phrases"),
        "intent_phrases",
        pa.array(phrases, pa.list_(pa.string())),
    )
    arrow = arrow.set_column(
        arrow.schema.get_field_index("excerpt"), "excerpt", pa.array(excerpts, pa.string())
    )
    duck.con.create_table(TEXTS_TABLE, arrow, overwrite=True)
    rate(duck, [("A1", "satisfaction", 2.0, "2024-02-01 10:00")])
    root = str(duck.root)
    args = ["explain", "A1", "--as-of", str(D), "-w", root, "-s", "starter-8"]
    out = CliRunner().invoke(app, [*args, "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    texts = [(t["text_id"], t["band"], t["intents"], t["excerpt"]) for t in data["texts"]]
    # newest first; t4 (written on D) is not shown; t6 has no tone
    assert texts[:4] == [
        ("interaction:t6", "no tone", [], "text t6"),
        ("ticket:w1", "negative", ["competitor"], "text w1"),
        ("interaction:t3", "positive", [], "text t3"),
        ("ticket:t2", "negative", [], None),
    ]
    # w1 (-0.7) takes A1's inbound tone over 90 days to (0.1 - 0.7) / 6 = -0.1: a complaint
    assert [(s["measure"], s["hand"], s["suggested"]) for s in data["suggestions"]] == [
        ("satisfaction", 2.0, 0.0)
    ]
    monkeypatch.setattr(console, "width", 200)
    shown = CliRunner().invoke(app, args)
    assert shown.exit_code == 0, shown.output
    assert "competitor ('un concurrent')" in shown.output
    assert "(text not kept)" in shown.output
    assert "negative -0.70" in shown.output
    assert "satisfaction.satisfaction" in shown.output and "customer_tone = " in shown.output
    refused = CliRunner().invoke(app, [*args, "--from", "2024-02-01"])
    assert refused.exit_code != 0
