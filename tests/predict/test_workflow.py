"""Train, store, reload, predict, backtest and tune on a small simulated book; the CLI doors."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from predict_helpers import copy_book
from typer.testing import CliRunner

from vigie.cli import app
from vigie.errors import PredictionError, VigieError
from vigie.predict.labels import labelled_dates
from vigie.predict.predict import backtest_model, predict
from vigie.predict.report import render
from vigie.predict.store import PREDICTIONS, model_dir, predictions_table
from vigie.predict.train import ChurnModel, fit, load_model, train
from vigie.scorecard import load_scorecard
from vigie.scorecard.spec import load_scorecard as load_card
from vigie.workspace import Workspace

runner = CliRunner()
CARD = load_scorecard("saas-standard")


@pytest.fixture(scope="module")
def trained(book: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """A copy of the book with a logistic model trained on fortnightly dates."""
    ws = copy_book(book, tmp_path_factory.mktemp("trained"))
    train(ws, CARD, labelled_dates(ws, 90, every=14), "logistic", 90)
    yield ws
    ws.close()


def test_artefact_holds_model_and_metadata(trained: Workspace) -> None:
    folder = trained.root / "models" / "churn-logistic"
    assert {p.name for p in folder.iterdir()} == {
        "model.joblib",
        "metadata.json",
        "scorecard.json",
    }
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["scorecard_version"] == CARD.version
    assert "score" in meta["features"] and "renewal_within_horizon" in meta["features"]
    assert set(meta["versions"]) >= {"scikit-learn", "lightgbm", "python"}
    dates = {
        k: [dt.date.fromisoformat(v[0]), dt.date.fromisoformat(v[1])]
        for k, v in meta["dates"].items()
    }
    assert dates["train"][1] + dt.timedelta(days=90) <= dates["calibration"][0]
    assert dates["calibration"][1] + dt.timedelta(days=90) <= dates["test"][0]
    test = meta["metrics"]["test"]
    assert 0.5 < test["roc_auc"] <= 1 and test["churners"] > 0 and test["brier"] < 0.25


def test_reloaded_model_gives_the_same_probabilities(trained: Workspace) -> None:
    model = load_model(trained, "churn-logistic")
    assert model.card.version == CARD.version
    first = predict(trained, "churn-logistic", dt.date(2025, 9, 1), persist=False)
    again = predict(trained, "churn-logistic", dt.date(2025, 9, 1), persist=False)
    pd.testing.assert_frame_equal(first, again)
    assert first["probability"].between(0, 1).all()


def test_predict_writes_and_replaces_its_rows(trained: Workspace) -> None:
    day = dt.date(2025, 10, 6)
    frame = predict(trained, "churn-logistic", day)
    predict(trained, "churn-logistic", day)
    predict(trained, "churn-logistic", day + dt.timedelta(days=7))
    stored = trained.con.table(PREDICTIONS).to_pandas()
    assert len(stored[pd.to_datetime(stored["as_of"]).dt.date == day]) == len(frame)
    assert stored["as_of"].nunique() == 2
    assert not stored.duplicated(["account_id", "as_of", "model"]).any()
    top = frame.iloc[0]
    assert top["driver_1"] and top["driver_1_contribution"] > 0
    assert set(frame["risk_band"]) <= {"low", "medium", "high"}


def test_a_downsell_model_never_feeds_the_churn_risk(book: Path, tmp_path: Path) -> None:
    with copy_book(book, tmp_path) as ws:
        train(ws, CARD, labelled_dates(ws, 90, every=28), "logistic", 90, name="drop")
        # the book is too small for downsell labels: relabel the stored model's target
        meta = model_dir(ws, "drop") / "metadata.json"
        meta.write_text(json.dumps({**json.loads(meta.read_text()), "target": "downsell"}))
        assert load_model(ws, "drop").target == "downsell"
        frame = predict(ws, "drop", dt.date(2025, 10, 6))
        assert PREDICTIONS not in ws.con.list_tables()
        stored = ws.con.table(predictions_table("downsell")).to_pandas()
        assert len(stored) == len(frame) and set(stored["model"]) == {"drop"}
        # its backtest speaks of downsells, not churn
        results = backtest_model(ws, "drop", labelled_dates(ws, 90, every=28))
        assert [r.target for r in results] == ["downsell", "downsell"]
        page = render(list(results))
        assert "Downsellers caught in riskiest 10 %" in page and "Churn" not in page


def test_unknown_model_is_a_user_error(trained: Workspace) -> None:
    with pytest.raises(PredictionError, match=r"No model 'nope'.*models here: churn-logistic\."):
        load_model(trained, "nope")


def test_backtest_model_warns_on_training_dates(trained: Workspace) -> None:
    dates = labelled_dates(trained, 90, every=28)
    model_result, card_result = backtest_model(trained, "churn-logistic", dates)
    assert "optimistic" in model_result.extra["warning"]
    assert model_result.rows == card_result.rows
    assert card_result.univariate is not None and model_result.brier is not None


@pytest.mark.parametrize("kind", ["logistic", "gbm"])
def test_drivers_name_the_feature_that_raises_risk(kind: str) -> None:
    rng = np.random.default_rng(3)
    n = 2000
    x = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "x": x,
            "noise": rng.normal(size=n) * 0.1,
            "segment": "smb",
            "label": rng.random(n) < 1 / (1 + np.exp(-(3 * x - 2))),
        }
    )
    pipeline, calibrated = fit(kind, ["x", "noise"], frame[:1000], frame[1000:])
    model = ChurnModel("m", kind, 90, CARD, pipeline, calibrated, {"features": ["x", "noise"]})
    risky = pd.DataFrame({"x": [3.0, 2.5], "noise": [0.0, 0.0], "segment": ["smb", "smb"]})
    names, values = model.drivers(risky, top=2)
    assert list(names[:, 0]) == ["x", "x"]
    assert (values[:, 0] > 0).all()


def test_cli_train_predict_backtest(book: Path, tmp_path: Path) -> None:
    ws = copy_book(book, tmp_path)
    ws.close()
    w = ["-w", str(ws.root)]
    done = runner.invoke(app, ["train", *w, "--every", "14d", "--name", "m1", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["name"] == "m1"
    shown = runner.invoke(app, ["predict", *w, "--model", "m1", "--as-of", "2025-09-01"])
    assert shown.exit_code == 0, shown.output
    assert "riskiest accounts as of 2025-09-01" in shown.output
    assert "hindsight" not in shown.stderr  # after m1's calibration dates + 90 days
    early = runner.invoke(app, ["predict", *w, "--model", "m1", "--as-of", "2025-05-01"])
    # m1 was calibrated on outcomes up to mid-July 2025: as of May, that is hindsight
    assert "predictions as of 2025-05-01 use hindsight" in " ".join(early.stderr.split())
    with Workspace.open(ws.root) as opened:
        oldest = opened.table("usage_events").occurred_at.min().to_pyarrow().as_py().date()
    day = oldest + dt.timedelta(days=10)  # its 90-day windows are mostly before the data
    too_early = runner.invoke(app, ["predict", *w, "--model", "m1", "--as-of", str(day)])
    said = " ".join(too_early.stderr.split())
    assert f"the oldest usage event is {oldest}, 10 days before {day}" in said
    assert "hindsight" not in said  # no training could avoid it: not the advice to give
    report = tmp_path / "report.html"
    args = ["backtest", *w, "--model", "m1", "--scorecard", "saas-standard", "--every", "14d"]
    result = runner.invoke(app, [*args, "--html", str(report), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert [b["kind"] for b in payload["backtests"]] == ["model", "scorecard"]
    assert "would be" in payload["tuning"]["sentence"]
    assert report.stat().st_size > 1_000_000  # plotly.js is inlined
    bad = runner.invoke(app, ["backtest", *w, "--horizon", "three months"])
    assert isinstance(bad.exception, VigieError)


def test_cli_tune_writes_a_valid_new_version(book: Path, tmp_path: Path) -> None:
    ws = copy_book(book, tmp_path)
    ws.close()
    target = tmp_path / "tuned.yaml"
    args = ["scorecard", "tune", "saas-standard", "-w", str(ws.root), "--every", "14d"]
    result = runner.invoke(app, [*args, "--write", str(target)])
    assert result.exit_code == 0, result.output
    tuned = load_card(target)
    assert tuned.name == CARD.name and tuned.version != CARD.version
    assert sum(d.weight for d in tuned.dimensions.values()) == pytest.approx(100, abs=0.05)
    assert all(not s.weights for s in tuned.segments)
    assert all(m.weight > 0 for _, _, m in tuned.measures())
    assert "instead of" in result.output
