"""CSM sentiment (record, refuse, history), divergence in both directions, resolutions kept, risk type."""

from __future__ import annotations

import datetime as dt
import json

import ibis
import pandas as pd
import pyarrow as pa
import pytest
from signals_helpers import accounts, logs_interactions
from typer.testing import CliRunner

from vigie.cli import app
from vigie.engine.scoring import SCHEMAS, SNAPSHOTS
from vigie.errors import ReviewError, SentimentError, UnknownAccountError, VigieError
from vigie.review import resolve_review, review_history, review_queue, stale_scores
from vigie.sentiment import record_sentiment, sentiment_history
from vigie.signals.config import load_config
from vigie.signals.risk import risk_types
from vigie.workspace import Workspace

D, T = dt.date, dt.datetime
AS_OF = D(2025, 6, 2)


def _bands(ws, bands: dict[str, tuple[float, str]]) -> None:
    """The same stored snapshot 3 days before AS_OF and on 2025-06-28."""
    rows = [
        {
            "account_id": a,
            "as_of": day,
            "scorecard": "saas-standard",
            "scorecard_version": "v",
            "score": score,
            "band": band,
        }
        for a, (score, band) in bands.items()
        for day in (AS_OF - dt.timedelta(days=3), D(2025, 6, 28))
    ]
    frame = pd.DataFrame(rows)
    schema = SCHEMAS[SNAPSHOTS]
    for col in schema.names:
        if col not in frame:
            frame[col] = None
    ws.con.create_table(SNAPSHOTS, schema=schema)
    ws.con.insert(
        SNAPSHOTS,
        ibis.memtable(pa.Table.from_pandas(frame[list(schema.names)], schema=schema.to_pyarrow())),
    )


@pytest.fixture
def book(ws):
    accounts(ws, ["HIDDEN", "WORRIED", "AGREED", "UNRATED"])
    logs_interactions(ws, "HIDDEN")
    _bands(
        ws,
        {
            "HIDDEN": (40.0, "red"),
            "WORRIED": (85.0, "green"),
            "AGREED": (60.0, "yellow"),
            "UNRATED": (30.0, "red"),
        },
    )
    record_sentiment(ws, "HIDDEN", "green", ["other"], "all fine", "ann", T(2025, 1, 5))
    record_sentiment(
        ws, "WORRIED", "red", ["competitor", "budget"], "trialling X", "bo", T(2025, 5, 30)
    )
    record_sentiment(ws, "AGREED", "yellow", [], None, "bo", T(2025, 5, 1))
    # Rated after AS_OF: unknown at AS_OF.
    record_sentiment(ws, "AGREED", "red", [], None, "bo", T(2025, 6, 3))
    return ws


def test_sentiment_is_validated_and_kept_as_history(book) -> None:
    with pytest.raises(SentimentError, match="'purple' is not one of green, yellow, red"):
        record_sentiment(book, "HIDDEN", "purple")
    with pytest.raises(SentimentError, match="Unknown reason"):
        record_sentiment(book, "HIDDEN", "red", ["moon_phase"])
    with pytest.raises(UnknownAccountError):
        record_sentiment(book, "NOPE", "red")
    with pytest.raises(SentimentError, match="2,000 characters at most"):  # as on the web
        record_sentiment(book, "HIDDEN", "red", comment="x" * 2001)
    history = sentiment_history(book, "AGREED")
    assert list(history["rating"]) == ["red", "yellow"]
    assert list(sentiment_history(book, "WORRIED")["reasons"].iloc[0]) == ["competitor", "budget"]
    # any case, as imports take it
    row = record_sentiment(book, "HIDDEN", "Red ", ["Budget"])
    assert (row["rating"], list(row["reasons"])) == ("red", ["budget"])
    root = str(book.root)
    book.close()
    alone = CliRunner().invoke(app, ["sentiment", "HIDDEN", "-w", root, "--comment", "x"])
    assert isinstance(alone.exception, VigieError) and "go with --rating" in str(alone.exception)


def test_divergence_in_both_directions_enters_the_queue(book) -> None:
    queue = review_queue(book, AS_OF)
    assert list(queue["account_id"]) == ["HIDDEN", "WORRIED"]
    hidden, worried = queue.iloc[0], queue.iloc[1]
    assert (hidden["colour"], hidden["rating"], hidden["direction"]) == (
        "red",
        "green",
        "data worse than CSM",
    )
    assert hidden["stale"]  # rated 148 days before AS_OF, stale after 90
    assert (worried["direction"], worried["reasons"], worried["stale"]) == (
        "CSM worse than data",
        ["competitor", "budget"],
        False,
    )


def test_resolutions_are_kept_and_hold_while_the_disagreement_is_the_same(book) -> None:
    resolve_review(book, "WORRIED", "csm", AS_OF, reason="CSM heard it first-hand", author="lead")
    with pytest.raises(ReviewError, match="needs a reason"):
        resolve_review(book, "HIDDEN", "override", AS_OF, rating="yellow", until=D(2025, 7, 1))
    with pytest.raises(ReviewError, match="expiry"):
        resolve_review(book, "HIDDEN", "override", AS_OF, reason="r", rating="yellow")
    resolve_review(
        book, "HIDDEN", "override", AS_OF, reason="migration", rating="yellow", until=D(2025, 7, 1)
    )
    assert review_queue(book, AS_OF).empty
    assert review_queue(book, AS_OF - dt.timedelta(days=1))["account_id"].tolist() == [
        "HIDDEN",
        "WORRIED",
    ]
    kept = review_history(book)
    assert set(zip(kept["account_id"], kept["decision"], strict=True)) == {
        ("WORRIED", "csm"),
        ("HIDDEN", "override"),
    }
    # The override lapses on its expiry; a new sentiment reopens a `csm` decision.
    record_sentiment(book, "WORRIED", "red", [], "still worried", "bo", T(2025, 6, 20))
    # AGREED's red of 2025-06-03 is known by then too: yellow band, red CSM.
    later = review_queue(book, D(2025, 7, 1))
    assert later["account_id"].tolist() == ["AGREED", "HIDDEN", "WORRIED"]
    with pytest.raises(ReviewError, match="not in the review queue"):
        resolve_review(book, "AGREED", "data", AS_OF)


def test_risk_type_from_signals_with_evidence(book) -> None:
    signals = pd.DataFrame(
        [
            {
                "account_id": "HIDDEN",
                "as_of": AS_OF,
                "kind": "no_touch",
                "severity": "medium",
                "evidence": "quiet",
            },
            {
                "account_id": "HIDDEN",
                "as_of": AS_OF,
                "kind": "usage_drop",
                "severity": "high",
                "evidence": "halved",
            },
            {
                "account_id": "HIDDEN",
                "as_of": AS_OF,
                "kind": "stale_sentiment",
                "severity": "low",
                "evidence": "old",
            },
            {
                "account_id": "WORRIED",
                "as_of": AS_OF,
                "kind": "late_payment",
                "severity": "medium",
                "evidence": "late",
            },
            {
                "account_id": "WORRIED",
                "as_of": AS_OF,
                "kind": "escalations",
                "severity": "medium",
                "evidence": "esc",
            },
            {
                "account_id": "WORRIED",
                "as_of": AS_OF,
                "kind": "score_trend",
                "severity": "high",
                "evidence": "down",
            },
        ]
    )
    risks = risk_types(book, signals, [AS_OF]).set_index("account_id")
    # relationship 2 + 1 ties usage 3: relationship is listed first in RISK_TYPES.
    assert (risks.loc["HIDDEN", "risk_type"], risks.loc["HIDDEN", "points"]) == ("relationship", 3)
    assert risks.loc["HIDDEN", "evidence"] == "quiet; old"
    # commercial 2 = support 2: commercial wins the tie; score_trend does not vote.
    assert (risks.loc["WORRIED", "risk_type"], risks.loc["WORRIED", "evidence"]) == (
        "commercial",
        "late",
    )


def test_cli_sentiment_and_review(book) -> None:
    runner = CliRunner()
    root = str(book.root)
    book.close()
    result = runner.invoke(
        app,
        [
            "sentiment",
            "UNRATED",
            "--rating",
            "green",
            "--reason",
            "other",
            "--comment",
            "fine",
            "-w",
            root,
        ],
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["review", "-w", root, "--as-of", "2025-06-02", "--json"])
    assert result.exit_code == 0, result.output
    assert "HIDDEN" in result.output and "WORRIED" in result.output
    result = runner.invoke(
        app,
        ["review", "resolve", "WORRIED", "--decision", "data", "--as-of", "2025-06-02", "-w", root],
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["review", "resolve", "WORRIED", "--decision", "maybe", "-w", root])
    assert isinstance(result.exception, ReviewError)


def _dimensions(ws, scorecard: str, bands: tuple[tuple[str, float, str], ...]) -> None:
    from vigie.engine.scoring import DIMENSIONS

    rows = [
        {"account_id": "UNRATED", "as_of": AS_OF, "scorecard": scorecard,
         "scorecard_version": "v", "dimension": dim, "score": score, "band": band}
        for dim, score, band in bands
    ]  # fmt: skip
    book = ws
    schema = SCHEMAS[DIMENSIONS]
    frame = pd.DataFrame(rows)
    for col in schema.names:
        if col not in frame:
            frame[col] = None
    book.con.create_table(DIMENSIONS, schema=schema)
    arrow = pa.Table.from_pandas(frame[list(schema.names)], schema=schema.to_pyarrow())
    book.con.insert(DIMENSIONS, ibis.memtable(arrow))


NO_SIGNALS = pd.DataFrame(columns=["account_id", "as_of", "kind", "severity", "evidence"])


def test_dimensions_in_low_bands_vote_for_their_risk_type(book) -> None:
    _dimensions(
        book,
        "saas-standard",
        (("support", 20.0, "red"), ("usage", 60.0, "yellow"), ("relationship", 90.0, "green"),
         ("custom", 0.0, "red")),
    )  # fmt: skip
    risks = risk_types(book, NO_SIGNALS, [AS_OF + dt.timedelta(days=3)])
    # red support (2 points) beats yellow usage (1); green and unknown dimensions do not vote.
    assert risks[["account_id", "risk_type", "points", "evidence"]].to_dict("records") == [
        {"account_id": "UNRATED", "risk_type": "support", "points": 2.0,
         "evidence": "support dimension red (20)"}
    ]  # fmt: skip


CUSTOM_CARD = """
name: our-card
bands: [{name: fine, min: 60}, {name: shaky, min: 30}, {name: bad, min: 0}]
dimensions:
  relationship:
    weight: 1
    measures:
      tenure: {metric: {attribute: tenure_days}, grade: {linear: [[0, 0], [365, 100]]}}
"""


def test_a_custom_scorecard_votes_with_its_own_bands(book, tmp_path) -> None:
    """A scorecard saved in the workspace, or named by a file in the signals config."""
    _dimensions(book, "our-card", (("relationship", 10.0, "bad"), ("usage", 40.0, "shaky")))
    (book.root / "scorecards").mkdir()
    (book.root / "scorecards" / "our-card.yaml").write_text(CUSTOM_CARD)
    day = [AS_OF + dt.timedelta(days=3)]
    expected = [{"account_id": "UNRATED", "risk_type": "relationship", "points": 2.0}]
    columns = ["account_id", "risk_type", "points"]
    risks = risk_types(book, NO_SIGNALS, day, scorecard="our-card")
    assert risks[columns].to_dict("records") == expected
    assert risks["evidence"].iloc[0] == "relationship dimension bad (10)"
    file = tmp_path / "card.yaml"
    file.write_text(CUSTOM_CARD)
    config = load_config().model_copy(
        update={
            "score_direction": load_config().score_direction.model_copy(
                update={"scorecard": str(file)}
            )
        }
    )
    assert risk_types(book, NO_SIGNALS, day, config)[columns].to_dict("records") == expected
    assert risk_types(book, NO_SIGNALS, day).empty  # saas-standard's scores: none stored


def test_cli_risk(book) -> None:
    root = str(book.root)
    book.close()
    result = CliRunner().invoke(app, ["risk", "-w", root, "--as-of", "2025-06-02", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["account_id"]: r["risk_type"] for r in json.loads(result.output)}
    # Every account has no meaningful interaction on record: relationship risk, at least.
    assert set(rows) == {"HIDDEN", "WORRIED", "AGREED", "UNRATED"}
    assert set(rows.values()) == {"relationship"}
    with Workspace.open(root) as ws:  # a read: the stored signals are left as they were
        assert "signals" not in ws.con.list_tables() or ws.table("signals").count().execute() == 0


def test_cli_sentiment_import_is_all_or_nothing(book, tmp_path) -> None:
    root = str(book.root)
    book.close()
    good = tmp_path / "good.csv"
    good.write_text(
        "account_id,author,rated_at,rating,reasons,comment\n"
        "UNRATED,cy,2025-05-01T09:00:00,yellow,budget|competitor,cuts\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "account_id,author,rated_at,rating,reasons,comment\n"
        "UNRATED,cy,2025-05-02T09:00:00,green,,\n"
        "UNRATED,cy,2025-05-03T09:00:00,purple,,\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(app, ["sentiment", "--import", str(good), "-w", root])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["sentiment", "--import", str(bad), "-w", root])
    assert isinstance(result.exception, VigieError)
    result = runner.invoke(app, ["sentiment", "UNRATED", "-w", root, "--json"])
    rows = json.loads(result.output)
    assert [(r["rating"], r["reasons"]) for r in rows] == [("yellow", ["budget", "competitor"])]


def test_without_a_recent_score_the_queue_says_which_date_to_use(book) -> None:
    """Bands are read from scores of the 7 days up to D; the latest here is 2025-05-30."""
    day = D(2025, 6, 20)
    assert review_queue(book, day).empty
    with pytest.raises(ReviewError, match=r"the latest is 2025-05-30; .* --as-of 2025-05-30"):
        resolve_review(book, "HIDDEN", "data", day)
    assert stale_scores(book, AS_OF) is None


def test_cli_sentiment_records_and_imports_with_json(book, tmp_path) -> None:
    root = str(book.root)
    book.close()
    runner = CliRunner()
    args = ["sentiment", "UNRATED", "--rating", "red", "--reason", "budget", "-w", root, "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert (row["account_id"], row["rating"], row["reasons"]) == ("UNRATED", "red", ["budget"])
    good = tmp_path / "s.csv"
    good.write_text("account_id,author,rated_at,rating\nUNRATED,cy,2025-05-01T09:00:00,yellow\n")
    result = runner.invoke(app, ["sentiment", "--import", str(good), "-w", root, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["inserted"] == 1
