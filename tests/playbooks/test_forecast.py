"""Forecast sums reconcile with the subscriptions; probabilities from the model or history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pytest
from playbook_helpers import load
from typer.testing import CliRunner

from vigie.cli.app import app
from vigie.engine.scoring import SCHEMAS, SNAPSHOTS
from vigie.errors import VigieError
from vigie.playbooks.forecast import forecast
from vigie.predict.predict import SCHEMA as PREDICTION_SCHEMA
from vigie.predict.store import PREDICTIONS
from vigie.workspace import Workspace

D = dt.date(2024, 6, 1)
S = D - dt.timedelta(days=500)  # history: scores whose one-year outcome is known by D


def days(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


def table(ws: Workspace, name: str, rows: list[dict], schema: ibis.Schema) -> None:
    frame = pd.DataFrame(rows)
    for col in schema.names:
        if col not in frame:
            frame[col] = None
    ws.con.create_table(name, ibis.memtable(frame[list(schema.names)], schema=schema))


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = Workspace.init(tmp_path / "ws")
    subs = [  # (subscription, account, start, end, arr)
        ("a", "A", days(-400), days(20), 1000.0),  # renews in June, model says 0.5
        ("b", "B", days(-400), days(50), 2000.0),  # renews in July, red band
        ("c", "C", days(-400), days(100), 500.0),  # renews in September, green band
        ("x", "X", days(-400), days(400), 100.0),  # beyond the 12-month horizon
        ("o1", "O", days(-900), days(-100), 3000.0),  # grew 3000 -> 4000: expansion
        ("o2", "O", days(-100), None, 4000.0),
        ("e", "E", days(-900), days(-10), 700.0),  # ended before D
        ("f", "F", days(10), None, 900.0),  # starts after D
        ("h1", "H1", days(-900), S + dt.timedelta(days=100), 100.0),  # red, churned
        ("h2", "H2", days(-900), days(-10), 100.0),  # red, stayed the year
        ("g1", "G1", days(-900), days(-100), 100.0),  # green, stayed the year
    ]
    ids = sorted({s[1] for s in subs})
    load(workspace, "accounts", [{"account_id": a, "name": a} for a in ids])
    load(
        workspace,
        "subscriptions",
        [
            {"subscription_id": s, "account_id": a, "start_date": b, "end_date": e, "arr": arr}
            for s, a, b, e, arr in subs
        ],
    )
    snaps = [("H1", S, "red"), ("H2", S, "red"), ("G1", S, "green")]
    snaps += [("B", days(-1), "red"), ("C", days(-1), "green")]
    table(
        workspace,
        SNAPSHOTS,
        [{"account_id": a, "as_of": d, "scorecard": "t", "band": b} for a, d, b in snaps],
        SCHEMAS[SNAPSHOTS],
    )
    table(
        workspace,
        PREDICTIONS,
        [{"account_id": "A", "as_of": days(-1), "model": "m", "probability": 0.5},
         {"account_id": "A", "as_of": days(5), "model": "m", "probability": 0.9},  # after D
         {"account_id": "C", "as_of": days(-1), "model": "m", "probability": 0.9}],  # C renews
        # at day 100, beyond the 90-day horizon of a prediction made at day -1
        PREDICTION_SCHEMA,
    )  # fmt: skip
    yield workspace
    workspace.close()


def test_renewals_reconcile_with_subscriptions(ws: Workspace) -> None:
    f = forecast(ws, D)
    assert f.arr == 1000 + 2000 + 500 + 100 + 4000
    assert list(f.renewals["subscription_id"]) == ["a", "b", "c"]
    assert f.by_month[["period", "arr_renewing"]].values.tolist() == [
        ["2024-06", 1000.0], ["2024-07", 2000.0], ["2024-09", 500.0],
    ]  # fmt: skip
    assert f.by_quarter[["period", "arr_renewing"]].values.tolist() == [
        ["2024-Q2", 1000.0], ["2024-Q3", 2500.0],
    ]  # fmt: skip
    assert f.by_month["arr_renewing"].sum() == f.by_quarter["arr_renewing"].sum() == 3500


def test_expected_loss_from_model_then_band_history(ws: Workspace) -> None:
    f = forecast(ws, D)
    got = f.renewals.set_index("account_id")[["probability", "source"]]
    assert got.loc["A"].tolist() == [0.5, "model"]  # the prediction dated after D is ignored
    assert got.loc["B"].tolist() == [0.5, "band_history"]  # one of two red accounts churned
    assert got.loc["C"].tolist() == [0.0, "band_history"]  # outside the model's horizon
    assert f.expected_arr_lost == 500 + 1000
    assert f.by_month["expected_arr_lost"].sum() == pytest.approx(f.expected_arr_lost)
    assert f.grr == pytest.approx((7600 - 1500) / 7600)
    # Accounts active a year ago and at D: A, B, C, X (3600) and O (3000 -> 4000).
    assert f.expansion_rate == pytest.approx(1000 / 6600)
    assert f.nrr == pytest.approx(f.grr + 1000 / 6600)


def test_band_rates_count_only_accounts_paying_at_the_score_date(ws: Workspace) -> None:
    """A holding company scored by roll-up and an account without a contract, both red a
    year ago, cannot stop paying: counted, they would turn red's 1 in 2 into 1 in 4."""
    load(ws, "accounts", [{"account_id": a, "name": a} for a in ("HOLDING", "NO_CONTRACT")])
    rows = [{"account_id": a, "as_of": S, "scorecard": "t", "band": "red"}
            for a in ("HOLDING", "NO_CONTRACT")]  # fmt: skip
    frame = pd.DataFrame(rows).reindex(columns=SCHEMAS[SNAPSHOTS].names)
    ws.con.insert(SNAPSHOTS, ibis.memtable(frame, schema=SCHEMAS[SNAPSHOTS]))
    got = forecast(ws, D).renewals.set_index("account_id")
    assert got.loc["B", ["probability", "source"]].tolist() == [0.5, "band_history"]


def test_band_rates_read_no_renewal_starting_after_d(ws: Workspace) -> None:
    """R, red 370 days before D, ends a term 10 days before D: whether it stopped paying
    depends on a renewal up to 30 days late, after D. Booking one must not move the forecast."""
    load(ws, "accounts", [{"account_id": "R", "name": "R"}])
    term = {"subscription_id": "r1", "account_id": "R", "start_date": days(-800), "arr": 100.0}
    load(ws, "subscriptions", [{**term, "end_date": days(-10)}])
    row = {"account_id": "R", "as_of": days(-370), "scorecard": "t", "band": "red"}
    frame = pd.DataFrame([row]).reindex(columns=SCHEMAS[SNAPSHOTS].names)
    ws.con.insert(SNAPSHOTS, ibis.memtable(frame, schema=SCHEMAS[SNAPSHOTS]))
    before = forecast(ws, D).renewals.set_index("account_id").loc["B", "probability"]
    load(ws, "subscriptions", [{**term, "subscription_id": "r2", "start_date": days(5)}])
    assert forecast(ws, D).renewals.set_index("account_id").loc["B", "probability"] == before


def test_a_monthly_contract_may_stop_at_any_renewal_of_the_horizon(ws: Workspace) -> None:
    """M pays monthly (a term of 30 days, renewing 12 times in the year): its 90-day model
    probability covers 89 days of the 365; the red band's yearly rate (1 in 2) the rest. An
    annual contract (B) renews once: its probability stays the band's."""
    load(ws, "accounts", [{"account_id": "M", "name": "M"}])
    load(ws, "subscriptions", [{"subscription_id": "m", "account_id": "M",
                                "start_date": days(-20), "end_date": days(10), "arr": 1200.0}])  # fmt: skip
    for name, rows in (
        (SNAPSHOTS, [{"account_id": "M", "as_of": days(-1), "scorecard": "t", "band": "red"}]),
        (PREDICTIONS, [{"account_id": "M", "as_of": days(-1), "model": "m", "probability": 0.1}]),
    ):
        schema = SCHEMAS[SNAPSHOTS] if name == SNAPSHOTS else PREDICTION_SCHEMA
        frame = pd.DataFrame(rows).reindex(columns=schema.names)
        ws.con.insert(name, ibis.memtable(frame, schema=schema))
    f = forecast(ws, D)
    got = f.renewals.set_index("account_id")
    expected = 1 - (1 - 0.1) * (1 - 0.5) ** ((365 - 89) / 365)
    assert got.loc["M", "probability"] == pytest.approx(expected)  # 0.467, not 0.1
    assert got.loc["M", "source"] == "model" and f.model == "m"
    assert got.loc["B", "probability"] == 0.5


def test_predictions_of_one_model_only(ws: Workspace) -> None:
    """Two churn models predicting on the same date must not mix: the forecast reads one."""
    rows = [{"account_id": "A", "as_of": days(-1), "model": "another", "probability": 0.2}]
    frame = pd.DataFrame(rows).reindex(columns=PREDICTION_SCHEMA.names)
    ws.con.insert(PREDICTIONS, ibis.memtable(frame, schema=PREDICTION_SCHEMA))
    f = forecast(ws, D)
    assert f.model == "another"  # predicted on the same day; first by name
    assert f.renewals.set_index("account_id").loc["A", "probability"] == 0.2
    assert f.renewals.set_index("account_id").loc["C", "source"] == "band_history"


def test_cli_forecast_names_its_model_and_refuses_one_without_predictions(ws: Workspace) -> None:
    root = str(ws.root)
    ws.close()
    base = ["forecast", "-w", root, "--as-of", str(D)]
    out = CliRunner().invoke(app, base)
    assert out.exit_code == 0 and "(model m)" in " ".join(out.output.split())
    later = ["forecast", "-w", root, "--as-of", str(days(200))]  # m's predictions: 200 days old
    stale = " ".join(CliRunner().invoke(app, later).output.split())
    assert "No renewal took a probability from m" in stale
    refused = CliRunner().invoke(app, [*base, "--model", "churn-gbm"])
    assert isinstance(refused.exception, VigieError)
    assert "models that do: m." in str(refused.exception)


def test_without_model_or_a_year_of_scores_the_grr_is_unknown(ws: Workspace) -> None:
    ws.con.drop_table(PREDICTIONS)
    snaps = ws.con.table(SNAPSHOTS)
    recent = snaps.filter(snaps.as_of > D - dt.timedelta(days=365)).to_pyarrow()
    ws.con.create_table(SNAPSHOTS, recent, overwrite=True)  # less than a year of scores
    f = forecast(ws, D)
    assert set(f.renewals["source"]) == {"none"}
    assert f.arr_without_probability == 3500
    assert f.expected_arr_lost == 0 and np.isnan(f.grr) and np.isnan(f.nrr)


def test_downgrades_count_and_rates_apply_over_the_horizon(ws: Workspace) -> None:
    """K went 1000 -> 600 in the past year: contraction lowers GRR and NRR; a six-month
    forecast applies half a year of the past year's expansion and contraction."""
    load(ws, "accounts", [{"account_id": "K", "name": "K"}])
    load(
        ws,
        "subscriptions",
        [
            {"subscription_id": "k1", "account_id": "K", "start_date": days(-900),
             "end_date": days(-100), "arr": 1000.0},
            {"subscription_id": "k2", "account_id": "K", "start_date": days(-100), "arr": 600.0},
        ],
    )  # fmt: skip
    f = forecast(ws, D, months=6)
    # active a year ago and at D: A, B, C, X (3600), O (3000 -> 4000), K (1000 -> 600)
    assert (f.expansion_rate, f.contraction_rate) == pytest.approx((1000 / 7600, 400 / 7600))
    assert f.grr == pytest.approx((8200 - 1500) / 8200 - 400 / 7600 / 2)
    assert f.nrr == pytest.approx(f.grr + 1000 / 7600 / 2)


def test_bands_come_from_one_scorecard(ws: Workspace) -> None:
    """A second scorecard scored on the same dates calls B green and has other history."""
    other = [("H1", S, "green"), ("H2", S, "red"), ("G1", S, "red"), ("B", days(-1), "green")]
    rows = [{"account_id": a, "as_of": d, "scorecard": "u", "band": b} for a, d, b in other]
    table(ws, "more", rows, SCHEMAS[SNAPSHOTS])
    ws.con.insert(SNAPSHOTS, ws.con.table("more"))
    got = forecast(ws, D, scorecard="t").renewals.set_index("account_id")
    assert got.loc["B", ["band", "probability"]].tolist() == ["red", 0.5]
    got = forecast(ws, D, scorecard="u").renewals.set_index("account_id")
    assert got.loc["B", ["band", "probability"]].tolist() == ["green", 1.0]  # H1 churned
    with pytest.raises(VigieError, match="stored: t, u"):
        forecast(ws, D, scorecard="v")


def test_cli_forecast_warns_when_currencies_mix(ws: Workspace) -> None:
    """ARR totals add amounts as imported: EUR and USD accounts make them meaningless."""
    root = str(ws.root)
    ws.con.raw_sql("UPDATE accounts SET currency = 'USD'")
    ws.close()
    runner = CliRunner()
    same = runner.invoke(app, ["forecast", "-w", root, "--as-of", str(D)])
    assert same.exit_code == 0, same.output
    assert "several currencies" not in same.stderr
    with Workspace.open(root) as again:
        again.con.raw_sql("UPDATE accounts SET currency = 'EUR' WHERE account_id = 'A'")
    mixed = runner.invoke(app, ["forecast", "-w", root, "--as-of", str(D)])
    said = " ".join(mixed.stderr.split())
    assert "accounts are in several currencies (EUR: 1, USD: " in said
    assert "no subscriptions are imported" not in said
    with Workspace.open(root) as again:
        again.con.raw_sql("DELETE FROM subscriptions")
    bare = runner.invoke(app, ["forecast", "-w", root, "--as-of", str(D)])
    assert "no subscriptions are imported" in " ".join(bare.stderr.split())  # ARR 0, not a word
