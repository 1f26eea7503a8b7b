"""Churn and downsell labels on hand-built subscription histories."""

from __future__ import annotations

import datetime as dt

import pytest
from predict_helpers import put

from vigie.errors import PredictionError
from vigie.predict.labels import data_end, labelled_dates, labels_frame
from vigie.workspace import Workspace

D = dt.date


def _sub(sid: str, account: str, start: dt.date, end: dt.date | None, arr: float = 100.0) -> dict:
    return {
        "subscription_id": sid,
        "account_id": account,
        "start_date": start,
        "end_date": end,
        "arr": arr,
    }


@pytest.fixture
def book(workspace: Workspace) -> Workspace:
    return _fill(workspace)


def _fill(workspace: Workspace) -> Workspace:
    put(workspace, "accounts", [{"account_id": a, "name": a} for a in "ABCDE"])
    put(
        workspace,
        "subscriptions",
        [
            # A renews on 2024-07-01: never churns.
            _sub("a1", "A", D(2023, 7, 1), D(2024, 7, 1)),
            _sub("a2", "A", D(2024, 7, 1), D(2025, 7, 1)),
            # B's revenue stops on 2024-07-01.
            _sub("b1", "B", D(2023, 7, 1), D(2024, 7, 1)),
            # C stops on 2024-07-01 and comes back on 2024-09-01 (re-activation).
            _sub("c1", "C", D(2023, 7, 1), D(2024, 7, 1)),
            _sub("c2", "C", D(2024, 9, 1), D(2025, 9, 1)),
            # D renews on 2024-07-01 with 40 % less ARR (downsell).
            _sub("d1", "D", D(2023, 7, 1), D(2024, 7, 1), arr=100.0),
            _sub("d2", "D", D(2024, 7, 1), D(2025, 7, 1), arr=60.0),
            # E has overlapping terms: the first ends inside the second (no stop).
            _sub("e1", "E", D(2023, 7, 1), D(2024, 7, 1)),
            _sub("e2", "E", D(2024, 6, 1), None),
        ],
    )
    put(
        workspace,
        "usage_events",
        [{"account_id": "A", "event": "login", "occurred_at": dt.datetime(2025, 6, 30)}],
    )
    return workspace


def _labels(ws: Workspace, dates: list[dt.date], target: str = "churn") -> dict:
    frame = labels_frame(ws, dates, horizon=90, target=target)
    return {(r.account_id, r.as_of): bool(r.label) for r in frame.itertuples()}


def test_churn_labels_follow_renewals_stops_and_reactivation(book: Workspace) -> None:
    dates = [D(2024, 3, 1), D(2024, 4, 2), D(2024, 7, 1), D(2024, 8, 1), D(2024, 10, 1)]
    labels = _labels(book, dates)
    # 2024-03-01 + 90 days = 2024-05-30: the stop on 2024-07-01 is beyond the horizon.
    assert labels[("B", D(2024, 3, 1))] is False
    # 2024-04-02 + 90 = 2024-07-01: the stop day is inside (D, D + 90].
    assert labels[("B", D(2024, 4, 2))] is True
    assert labels[("C", D(2024, 4, 2))] is True
    assert labels[("A", D(2024, 4, 2))] is False
    assert labels[("D", D(2024, 4, 2))] is False
    assert labels[("E", D(2024, 4, 2))] is False
    # Not active on its stop day or in the gap: no label at all.
    assert ("B", D(2024, 7, 1)) not in labels
    assert ("C", D(2024, 8, 1)) not in labels
    # Re-activated C is labelled again, and does not churn.
    assert labels[("C", D(2024, 10, 1))] is False
    assert labels[("A", D(2024, 7, 1))] is False


def test_recorded_churn_outcome_counts_without_subscriptions(book: Workspace) -> None:
    put(book, "accounts", [{"account_id": "F", "name": "F"}])
    put(book, "subscriptions", [_sub("f1", "F", D(2023, 1, 1), None)])
    put(book, "outcomes", [{"account_id": "F", "occurred_at": D(2024, 5, 1), "kind": "churn"}])
    assert _labels(book, [D(2024, 3, 1), D(2024, 1, 1)]) == {
        ("F", D(2024, 3, 1)): True,
        ("F", D(2024, 1, 1)): False,
    }


def test_downsell_target(book: Workspace) -> None:
    labels = _labels(book, [D(2024, 4, 2)], target="downsell")
    assert labels == {
        ("A", D(2024, 4, 2)): False,
        ("B", D(2024, 4, 2)): False,  # churned: not a downsell
        ("C", D(2024, 4, 2)): False,
        ("D", D(2024, 4, 2)): True,
        ("E", D(2024, 4, 2)): False,
    }


def test_dates_whose_horizon_passes_the_data_are_refused(book: Workspace) -> None:
    # The latest fact is dated 2025-06-30: 2025-05-01 + 90 days is not observed yet.
    with pytest.raises(PredictionError, match="not known yet"):
        labels_frame(book, [D(2024, 4, 2), D(2025, 5, 1)])


def test_a_date_whose_late_renewal_grace_passes_the_data_is_refused(book: Workspace) -> None:
    """Data ends 2025-07-01. As of 2025-03-20 + 90 days = 2025-06-18, a term ending 2025-06-15
    may still be renewed up to 2025-07-15, after the export: its churn is not known yet."""
    with pytest.raises(PredictionError, match=r"\+ 30 for a late renewal.*up to 2025-03-02"):
        labels_frame(book, [D(2025, 3, 20)], horizon=90)
    assert labelled_dates(book, horizon=90, start=D(2024, 1, 1))[-1] == D(2025, 3, 2)
    assert labels_frame(book, [D(2025, 3, 2)], horizon=90)["as_of"].nunique() == 1


def test_unknown_target_is_refused(book: Workspace) -> None:
    with pytest.raises(PredictionError, match="Unknown target"):
        labels_frame(book, [D(2024, 4, 2)], target="expansion")


def test_a_renewal_booked_after_the_export_does_not_move_the_end_of_the_data(
    book: Workspace,
) -> None:
    """Otherwise every term ending before the booking would look churned (not renewed yet):
    the data ends with its activity (usage up to 2025-06-30), whatever the starts booked."""
    put(book, "subscriptions", [_sub("a3", "A", D(2025, 9, 1), D(2026, 9, 1))])
    assert data_end(book, today=D(2025, 7, 15)) == D(2025, 7, 1)
    assert data_end(book, today=D(2025, 9, 1)) == D(2025, 7, 1)


def test_a_book_of_subscriptions_alone_ends_with_the_latest_start_until_today(
    workspace: Workspace,
) -> None:
    put(workspace, "accounts", [{"account_id": "A", "name": "A"}])
    put(
        workspace,
        "subscriptions",
        [_sub("a1", "A", D(2024, 1, 1), None), _sub("a2", "A", D(2025, 1, 1), None)],
    )
    assert data_end(workspace, today=D(2024, 6, 1)) == D(2024, 1, 2)
    assert data_end(workspace, today=D(2025, 6, 1)) == D(2025, 1, 2)


def test_late_renewals_free_terms_and_rounding_are_not_churn_or_downsell(
    workspace: Workspace,
) -> None:
    put(workspace, "accounts", [{"account_id": a, "name": a} for a in "FGHIJK"])
    put(
        workspace,
        "subscriptions",
        [
            # F renews two weeks late: a late renewal, not a churn (no label in the gap)
            _sub("f1", "F", D(2023, 7, 1), D(2024, 7, 1)),
            _sub("f2", "F", D(2024, 7, 15), D(2025, 7, 15)),
            # G: a free trial that ends without converting: no revenue was lost
            _sub("g1", "G", D(2024, 5, 1), D(2024, 7, 1), arr=0.0),
            # H: a paid plan that ends into a free one: its revenue stops
            _sub("h1", "H", D(2023, 7, 1), D(2024, 7, 1)),
            _sub("h2", "H", D(2024, 7, 1), None, arr=0.0),
            # I renews 50 cents lower (rounding), J a dollar lower on 100: no downsell for I
            _sub("i1", "I", D(2023, 7, 1), D(2024, 7, 1), arr=100.0),
            _sub("i2", "I", D(2024, 7, 1), D(2025, 7, 1), arr=99.5),
            _sub("j1", "J", D(2023, 7, 1), D(2024, 7, 1), arr=100.0),
            _sub("j2", "J", D(2024, 7, 1), D(2025, 7, 1), arr=98.0),
            # K's core renews two weeks late while its add-on runs on: no downsell either
            _sub("k1", "K", D(2023, 7, 1), D(2024, 8, 25), arr=1000.0),
            _sub("k2", "K", D(2024, 9, 8), D(2025, 9, 8), arr=1000.0),
            _sub("kadd", "K", D(2023, 7, 1), None, arr=100.0),
        ],
    )
    put(
        workspace,
        "usage_events",
        [{"account_id": "F", "event": "login", "occurred_at": dt.datetime(2025, 6, 30)}],
    )
    day = D(2024, 6, 1)
    assert _labels(workspace, [day, D(2024, 7, 5)]) == {
        ("F", day): False, ("G", day): False, ("H", day): True, ("I", day): False,
        ("J", day): False, ("K", day): False, ("H", D(2024, 7, 5)): False,
        ("I", D(2024, 7, 5)): False, ("J", D(2024, 7, 5)): False, ("K", D(2024, 7, 5)): False,
    }  # fmt: skip
    assert _labels(workspace, [day], target="downsell") == {
        ("F", day): False, ("G", day): False, ("H", day): False, ("I", day): False,
        ("J", day): True, ("K", day): False,  # K's D + 90 (08-30) falls in its late renewal
    }  # fmt: skip


@pytest.mark.postgres
def test_labels_are_the_same_on_postgres(book: Workspace, postgres_con, tmp_path) -> None:
    """The late-renewal rule once compiled to LEFT SEMI JOIN, which PostgreSQL refuses: every
    command reading labels (train, backtest, forecast) failed there."""
    pg = _fill(Workspace.from_connection(tmp_path / "pg", postgres_con))
    dates = [D(2024, 3, 1), D(2024, 4, 2), D(2024, 7, 1), D(2024, 10, 1)]
    assert _labels(pg, dates) == _labels(book, dates)
    assert _labels(pg, dates, "downsell") == _labels(book, dates, "downsell")
