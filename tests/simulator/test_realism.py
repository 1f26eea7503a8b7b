"""The simulated book behaves like a real one: churn rates, lead signals, calendar, stories."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from vigie.simulate import Portfolio
from vigie.simulate.model import ARCHETYPES

from .conftest import END, truth


def _days(values: pa.ChunkedArray) -> np.ndarray:
    return values.to_numpy().astype("datetime64[D]")


def test_every_archetype_is_present(portfolio: Portfolio) -> None:
    found = {attrs["archetype"] for attrs in truth(portfolio).values()}
    assert found == set(ARCHETYPES)


def test_annual_churn_per_segment_is_plausible(big_book: Portfolio) -> None:
    accounts = big_book.tables["accounts"].to_pandas()
    churn = big_book.tables["outcomes"].to_pandas().query("kind == 'churn'")
    start = np.datetime64(END) - np.timedelta64(730, "D")
    since = np.maximum(accounts["customer_since"].to_numpy().astype("datetime64[D]"), start)
    stop = dict(zip(churn["account_id"], churn["occurred_at"], strict=True))
    until = accounts["account_id"].map(stop).fillna(END).to_numpy().astype("datetime64[D]")
    accounts["years"] = (until - since).astype(np.int64) / 365
    accounts["churned"] = accounts["account_id"].isin(stop)
    by_segment = accounts.groupby("segment")[["churned", "years"]].sum()
    rate = by_segment["churned"] / by_segment["years"]
    assert 0.12 <= rate["smb"] <= 0.32
    assert 0.03 <= rate["enterprise"] <= 0.12
    assert rate["smb"] > rate["mid-market"] > rate["enterprise"]


def test_accounts_show_todays_contract_from_subscriptions(portfolio: Portfolio) -> None:
    accounts = portfolio.tables["accounts"].to_pandas().set_index("account_id")
    subs = portfolio.tables["subscriptions"].to_pandas().sort_values(["account_id", "start_date"])
    running = subs[subs["status"] == "active"].set_index("account_id")
    assert running.index.is_unique
    churned = set(
        portfolio.tables["outcomes"]
        .filter(pc.equal(pc.field("kind"), "churn"))["account_id"]
        .to_pylist()
    )
    assert churned.isdisjoint(running.index)
    assert set(running.index) | churned == set(accounts.index)
    assert (accounts.loc[running.index, "arr"] == running["arr"]).all()
    assert (accounts.loc[running.index, "seats"] == running["seats"]).all()
    assert (accounts.loc[running.index, "renewal_date"] == running["end_date"]).all()
    assert (accounts.loc[list(churned), "arr"] == 0).all()
    # Renewals follow without gaps: each term starts the day the previous one ends.
    same = subs["account_id"].eq(subs["account_id"].shift())
    assert (subs["start_date"][same] == subs["end_date"].shift()[same]).all()


def _before(times: np.ndarray, accounts: np.ndarray, when: dict[str, np.datetime64], days: int):
    """Mask of facts in the `days` before each account's date, and of facts earlier than that."""
    date = np.array([when.get(a, np.datetime64("NaT")) for a in accounts], dtype="datetime64[D]")
    recent = (times < date) & (times >= date - days)
    return recent, times < date - days


def test_churners_usage_falls_before_churn_far_more_than_renewers(
    portfolio: Portfolio, usage: pa.Table
) -> None:
    outcomes = portfolio.tables["outcomes"].to_pandas()
    start = np.datetime64(END) - np.timedelta64(548, "D")
    logins = usage.filter(pc.equal(usage["event"], "login"))
    accounts = logins["account_id"].to_numpy()
    days = _days(logins["occurred_at"])

    def falling_share(kind: str) -> float:
        rows = outcomes[outcomes["kind"] == kind].drop_duplicates("account_id", keep="last")
        when = dict(
            zip(
                rows["account_id"],
                rows["occurred_at"].to_numpy().astype("datetime64[D]"),
                strict=True,
            )
        )
        recent, earlier = _before(days, accounts, when, 90)
        falls = []
        for account, date in when.items():  # a handful of accounts: a test, not the hot path
            history = (date - start).astype(int) - 90
            if history < 60:
                continue
            mine = accounts == account
            before = (recent & mine).sum() / 90
            baseline = (earlier & mine & (days >= start)).sum() / history
            falls.append(before < 0.7 * baseline)
        return float(np.mean(falls))

    assert falling_share("churn") >= 0.4
    assert falling_share("renewal") <= 0.15


def test_champions_leave_before_churn_far_more_often(big_book: Portfolio) -> None:
    contacts = big_book.tables["contacts"].to_pandas()
    champions_left = contacts[contacts["is_champion"] & contacts["ended_at"].notna()]
    outcomes = big_book.tables["outcomes"].to_pandas()

    def share_with_departure(kind: str) -> float:
        rows = outcomes[outcomes["kind"] == kind].drop_duplicates("account_id")
        joined = rows.merge(champions_left, on="account_id", how="left")
        gap = (pd.to_datetime(joined["occurred_at"]) - pd.to_datetime(joined["ended_at"])).dt.days
        left = joined[(gap > 0) & (gap <= 180)]["account_id"].nunique()
        return left / len(rows)

    churn, renewal = share_with_departure("churn"), share_with_departure("renewal")
    assert churn >= 0.3
    assert churn > 4 * renewal


def test_weekends_and_holidays_dip(portfolio: Portfolio, usage: pa.Table) -> None:
    attrs = truth(portfolio)
    logins = usage.filter(pc.equal(usage["event"], "login"))
    days = _days(logins["occurred_at"])
    weekday = (days.astype(np.int64) + 3) % 7
    per_day = np.bincount(weekday, minlength=7) / np.bincount(
        (np.unique(days).astype(np.int64) + 3) % 7, minlength=7
    )
    assert per_day[5:].max() < 0.15 * per_day[:5].min()

    region = np.array([attrs[a]["region"] for a in logins["account_id"].to_pylist()])
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    workday = weekday < 5

    year = days.astype("datetime64[Y]").astype(np.int64) + 1970

    def august_vs_june(where: np.ndarray) -> float:
        """Logins per working day, August vs June of the same year."""
        per_day = []
        for m in (8, 6):
            chosen = workday & (month == m) & (year == 2025)
            per_day.append((where & chosen).sum() / np.unique(days[chosen]).size)
        return per_day[0] / per_day[1]

    assert august_vs_june(region == "eu") < 0.75
    assert august_vs_june(region == "na") > 0.85
    dom = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    late_december = workday & (month == 12) & (dom >= 22)
    early_december = workday & (month == 12) & (dom <= 15)
    ratio = (late_december.sum() / np.unique(days[late_december]).size) / (
        early_december.sum() / np.unique(days[early_december]).size
    )
    assert ratio < 0.5


def test_happy_low_usage_accounts_answer_high_nps_but_use_little(
    portfolio: Portfolio, usage: pa.Table
) -> None:
    attrs = truth(portfolio)
    kind = {a: v["archetype"] for a, v in attrs.items()}
    surveys = portfolio.tables["surveys"].to_pandas().query("kind == 'nps'")
    surveys["archetype"] = surveys["account_id"].map(kind)
    nps = surveys.groupby("archetype")["score"].mean()
    assert nps["happy_low_usage"] >= 8.0
    seats = portfolio.tables["subscriptions"].to_pandas().groupby("account_id")["seats"].max()
    logins = usage.filter(pc.equal(usage["event"], "login")).to_pandas()
    per_seat = logins.groupby("account_id").size() / seats
    by_kind = per_seat.groupby(per_seat.index.map(kind)).median()
    assert by_kind["happy_low_usage"] < 0.5 * by_kind["steady"]


def test_recovered_accounts_had_a_qbr_after_their_drop_and_stayed(portfolio: Portfolio) -> None:
    attrs = truth(portfolio)
    recovered = [a for a, v in attrs.items() if v["archetype"] == "recovered"]
    assert recovered
    talks = portfolio.tables["interactions"].to_pandas()
    qbr = talks[(talks["kind"] == "qbr") & talks["account_id"].isin(recovered)]
    assert set(qbr["account_id"]) == set(recovered)
    churned = portfolio.tables["outcomes"].to_pandas().query("kind == 'churn'")["account_id"]
    assert not set(recovered) & set(churned)
    assert np.mean([attrs[a]["latent_health_end"] for a in recovered]) > 0.5


def test_silent_churners_look_fine_until_the_end(portfolio: Portfolio, usage: pa.Table) -> None:
    attrs = truth(portfolio)
    silent = {a for a, v in attrs.items() if v["archetype"] == "silent_churner"}
    assert silent
    assert all(
        attrs[a]["churn_driver"] in {"champion_left", "budget", "strategic_shift"} for a in silent
    )
    assert np.mean([attrs[a]["latent_health_end"] for a in silent]) > 0.55
    declining = [a for a, v in attrs.items() if v["archetype"] == "declining_churner"]
    assert np.mean([attrs[a]["latent_health_end"] for a in declining]) < 0.35


def test_end_default_is_first_day_of_this_month() -> None:
    from vigie.simulate import default_end

    today = dt.datetime.now(dt.UTC).date()
    assert default_end() == today.replace(day=1)
