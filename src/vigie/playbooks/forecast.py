"""Renewal forecast as of D: ARR renewing by month and quarter, expected ARR lost, GRR and NRR.

Renewals are the subscriptions covering D whose term ends within the horizon.
Each renewal's churn probability comes from the churn model's latest prediction
dated at or before D when the renewal falls inside that prediction's horizon
(a 90-day probability says nothing about a renewal in nine months); otherwise
from history: the share of scored accounts in the same band that stopped paying within a year,
counted on scores dated at least a year and 30 days before D (so every outcome, late renewals
included, is known by D) of the accounts that were paying then, falling back to the whole
portfolio's rate for accounts without a band. With neither
(no model, less than a year of scores) a renewal has no probability: its ARR is reported as
such and the GRR is unknown, never a reassuring 100 %.
Bands are those of one scorecard (the one asked for, else the most recently scored).
Forecast GRR = (ARR at D - expected ARR lost - expected contraction) / ARR at D, and
NRR = GRR + expected expansion, both over the horizon: expansion and contraction are the
past year's rates (ARR gained, resp. lost by downgrades, by accounts active a year ago and
at D, divided by their ARR a year ago) times the horizon's share of a year.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd
from ibis import _

from vigie.engine.history import pick_scorecard, stored_snapshots
from vigie.engine.scoring import SNAPSHOTS
from vigie.engine.state import OPEN_END, account_state, dates_table
from vigie.errors import PlaybookError
from vigie.predict.labels import DEFAULT_HORIZON, LATE_RENEWAL_DAYS, revenue_stops
from vigie.predict.store import PREDICTIONS, model_dir
from vigie.scorecard.compile import DIGITS
from vigie.workspace import Workspace

YEAR = 365
PERIOD_COLUMNS = ["period", "renewals", "accounts", "arr_renewing", "expected_arr_lost"]


@dataclass(frozen=True)
class Forecast:
    as_of: dt.date
    arr: float
    renewals: pd.DataFrame
    """One row per renewing subscription with its account's probability and source."""
    by_month: pd.DataFrame
    by_quarter: pd.DataFrame
    expected_arr_lost: float
    """Over the renewals with a probability."""
    arr_without_probability: float
    """ARR renewing with no probability at all (no model, no year of scores): when > 0, the
    GRR and NRR are unknown (NaN), not 100 %."""
    expansion_rate: float
    """Past year's, per year (see module docstring); the forecast applies months / 12 of it."""
    contraction_rate: float
    grr: float
    nrr: float
    model: str | None = None
    """The churn model whose predictions were read (None: none dated at or before D)."""

    @property
    def rates_text(self) -> str:
        """'GRR 91.2%, NRR 93.0%', or n/a when some ARR renewing has no probability."""
        if self.grr != self.grr:
            return "GRR n/a, NRR n/a"
        return f"GRR {self.grr:.1%}, NRR {self.nrr:.1%}"


def _scores(workspace: Workspace, scorecard: str | None) -> ir.Table | None:
    """Stored scores of one scorecard (`scorecard`, else the most recently scored; none when
    nothing was scored): bands of two scorecards scored on the same dates must not mix."""
    unscored = SNAPSHOTS not in workspace.con.list_tables() or (
        workspace.con.table(SNAPSHOTS).count().execute() == 0
    )
    if scorecard is None and unscored:
        return None
    snaps = stored_snapshots(workspace)
    return snaps.filter(snaps.scorecard == pick_scorecard(snaps, scorecard, "the forecast"))


def _band_rates(
    workspace: Workspace, snaps: ir.Table | None, as_of: dt.date
) -> tuple[pd.DataFrame, float | None]:
    """Churn-within-a-year rate per band, from scores dated a year and 30 days or more before
    D, of the accounts paying then: a holding company scored by roll-up, or an account without
    a contract, cannot stop paying and would dilute the rate."""
    if snaps is None:
        return pd.DataFrame(columns=["band", "band_rate"]), None
    # a year for the outcome, and the late-renewal grace after it: whether a term ending just
    # before D stopped revenue must not read renewals starting after D
    snaps = snaps.filter(snaps.as_of <= as_of - dt.timedelta(days=YEAR + LATE_RENEWAL_DAYS))
    snaps = snaps.select("account_id", "as_of", "band").distinct()
    subs = workspace.table("subscriptions")
    snaps = snaps.semi_join(
        subs,
        [
            snaps.account_id == subs.account_id,
            subs.start_date <= snaps.as_of,
            subs.end_date.fill_null(OPEN_END) > snaps.as_of,  # no OR: see uncovered_ends
        ],
    )
    stops = revenue_stops(workspace)
    churned = snaps.semi_join(
        stops,
        [
            snaps.account_id == stops.account_id,
            stops.stop_date > snaps.as_of,
            stops.stop_date <= snaps.as_of + ibis.interval(days=YEAR),
        ],
    ).mutate(churned=1)
    flagged = snaps.left_join(churned, ["account_id", "as_of", "band"]).select(
        "band", churned=_.churned.fill_null(0)
    )
    rates = flagged.group_by("band").agg(band_rate=_.churned.mean(), n=_.count()).to_pandas()
    n = rates["n"].sum()
    overall = float((rates["band_rate"] * rates["n"]).sum() / n) if n else None
    return rates[["band", "band_rate"]], overall


def _bands_at(snaps: ir.Table | None, as_of: dt.date) -> pd.DataFrame:
    """Each account's band on its latest score dated at or before D."""
    if snaps is None:
        return pd.DataFrame(columns=["account_id", "band"])
    snaps = snaps.filter(snaps.as_of <= as_of)
    return snaps.group_by("account_id").agg(band=snaps.band.argmax(snaps.as_of)).to_pandas()


def _model_probabilities(
    workspace: Workspace, as_of: dt.date, model: str | None
) -> tuple[pd.DataFrame, str | None]:
    """Each account's latest prediction dated <= D, with the last day its horizon covers, from
    one model: `model`, else the one that predicted last (by name on a tie), so that several
    churn models predicting on one date do not mix."""
    empty = pd.DataFrame(columns=["account_id", "model_p", "covers_until"])
    if PREDICTIONS not in workspace.con.list_tables():
        if model is not None:
            raise PlaybookError(f"No churn predictions yet: run `vigie predict --model {model}`.")
        return empty, None
    t = workspace.con.table(PREDICTIONS).filter(lambda t: t.as_of <= as_of)
    made = t.group_by("model").agg(last=t.as_of.max()).order_by(ibis.desc("last"), "model")
    found = made.to_pandas()
    if model is not None and model not in set(found["model"]):
        listed = ", ".join(found["model"]) or "none"
        raise PlaybookError(
            f"Model {model!r} has no prediction dated on or before {as_of}; models that do: "
            f"{listed}."
        )
    if found.empty:
        return empty, None
    model = model or str(found["model"].iloc[0])
    t = t.filter(t.model == model)
    latest = (
        t.group_by("account_id")
        .agg(model_p=t.probability.argmax(t.as_of), made=t.as_of.max())
        .to_pandas()
    )
    days = dt.timedelta(days=_horizon(workspace, model))
    latest["covers_until"] = (pd.to_datetime(latest["made"]) + days).dt.date
    return latest[["account_id", "model_p", "covers_until"]], model


def _probabilities(
    renewals: pd.DataFrame, overall: float | None, as_of: dt.date, end: dt.date
) -> pd.Series:
    """Each renewal's chance of losing its ARR within the horizon.

    A term as long as the horizon or longer renews once in it: the model's probability when
    its horizon covers the renewal, else the band's yearly rate. A shorter term (monthly)
    renews again and again: its account may stop at any of those renewals, so the chance is
    that of stopping within the horizon: the model's over the days it covers, then the
    band's yearly rate over the remaining days (1 - (1 - rate) ^ (days / 365)).
    """
    rate = renewals["band_rate"].fillna(overall if overall is not None else float("nan"))
    once = renewals["model_p"].fillna(rate).astype(float)
    horizon = (end - as_of).days
    terms = pd.to_datetime(renewals["end_date"]) - pd.to_datetime(renewals["start_date"])
    recurring = terms.dt.days < horizon
    covers = (pd.to_datetime(renewals["covers_until"]) - pd.Timestamp(as_of)).dt.days
    covered = covers.where(renewals["model_p"].notna(), 0).clip(0, horizon).fillna(0)
    later = 1 - (1 - rate.astype(float)) ** ((horizon - covered) / YEAR)
    kept = (1 - renewals["model_p"].astype(float).fillna(0)) * (1 - later.fillna(0))
    unknown = renewals["model_p"].isna() & rate.isna()
    over_horizon = (1 - kept).where(~unknown)
    return over_horizon.where(recurring, once).astype(float)


def _horizon(workspace: Workspace, model: str) -> int:
    """The model's horizon from its stored metadata (the default when the artefact is gone)."""
    metadata = model_dir(workspace, model) / "metadata.json"
    if not metadata.is_file():
        return DEFAULT_HORIZON
    return int(json.loads(metadata.read_text(encoding="utf-8"))["horizon_days"])


def _periods(renewals: pd.DataFrame, column: str) -> pd.DataFrame:
    grouped = renewals.groupby(column).agg(
        renewals=("subscription_id", "count"),
        accounts=("account_id", "nunique"),
        arr_renewing=("arr", "sum"),
        expected_arr_lost=("expected_arr_lost", "sum"),
    )
    return grouped.reset_index().rename(columns={column: "period"})[PERIOD_COLUMNS]


def _retention_rates(workspace: Workspace, as_of: dt.date) -> tuple[float, float]:
    """Past year's expansion and contraction rates of the accounts active a year ago and at D:
    ARR gained, resp. lost without churning, over their ARR a year ago."""
    before = as_of - dt.timedelta(days=YEAR)
    state = account_state(workspace, dates_table([before, as_of]))
    state = state.filter(state.active).select("account_id", "as_of", "arr").to_pandas()
    state["as_of"] = pd.to_datetime(state["as_of"]).dt.date
    wide = state.pivot_table(index="account_id", columns="as_of", values="arr").dropna()
    if wide.empty or before not in wide or wide[before].sum() == 0:
        return 0.0, 0.0
    change = wide[as_of] - wide[before]
    base = wide[before].sum()
    return float(change.clip(lower=0).sum() / base), float((-change).clip(lower=0).sum() / base)


def forecast(
    workspace: Workspace,
    as_of: dt.date,
    months: int = 12,
    scorecard: str | None = None,
    model: str | None = None,
) -> Forecast:
    """The renewal forecast over the `months` after D (see module docstring); probabilities
    from the churn model `model` (default: the one that predicted last)."""
    if months < 1:
        raise PlaybookError(f"--months must be at least 1 (got {months}).")
    end = (pd.Timestamp(as_of) + pd.DateOffset(months=months)).date()
    subs = workspace.table("subscriptions")
    covering = subs.filter(
        subs.start_date <= as_of, subs.end_date.isnull() | (subs.end_date > as_of)
    )
    arr = float(covering.arr.sum().fill_null(0).execute())
    renewing = covering.filter(covering.end_date <= end).select(
        "subscription_id", "account_id", "start_date", "end_date", "arr"
    )
    renewals = renewing.to_pandas()
    for column in ("start_date", "end_date"):
        renewals[column] = pd.to_datetime(renewals[column]).dt.date
    snaps = _scores(workspace, scorecard)
    rates, overall = _band_rates(workspace, snaps, as_of)
    predicted, model = _model_probabilities(workspace, as_of, model)
    renewals = renewals.merge(predicted, on="account_id", how="left")
    outside = ~(pd.to_datetime(renewals["end_date"]) <= pd.to_datetime(renewals["covers_until"]))
    renewals.loc[outside, "model_p"] = None
    renewals = renewals.merge(_bands_at(snaps, as_of), on="account_id", how="left")
    renewals = renewals.merge(rates, on="band", how="left")
    renewals["probability"] = _probabilities(renewals, overall, as_of, end).round(DIGITS)
    renewals["source"] = "none"
    renewals.loc[renewals["band_rate"].notna(), "source"] = "band_history"
    renewals.loc[renewals["band_rate"].isna() & (overall is not None), "source"] = "history"
    renewals.loc[renewals["model_p"].notna(), "source"] = "model"
    renewals["expected_arr_lost"] = renewals["arr"] * renewals["probability"]
    ends = pd.to_datetime(renewals["end_date"])
    renewals["month"] = ends.dt.strftime("%Y-%m")
    renewals["quarter"] = ends.dt.year.astype(str) + "-Q" + ends.dt.quarter.astype(str)
    renewals = renewals.sort_values(["end_date", "account_id"], ignore_index=True)
    lost = float(renewals["expected_arr_lost"].sum())
    unknown = float(renewals.loc[renewals["source"] == "none", "arr"].sum())
    expansion, contraction = _retention_rates(workspace, as_of)
    share_of_year = months / 12
    grr = (arr - lost) / arr - contraction * share_of_year if arr and not unknown else float("nan")
    return Forecast(
        as_of=as_of,
        arr=arr,
        renewals=renewals.drop(columns=["model_p", "covers_until", "band_rate"]),
        model=model,
        by_month=_periods(renewals, "month"),
        by_quarter=_periods(renewals, "quarter"),
        expected_arr_lost=lost,
        arr_without_probability=unknown,
        expansion_rate=expansion,
        contraction_rate=contraction,
        grr=grr,
        nrr=grr + expansion * share_of_year,
    )
