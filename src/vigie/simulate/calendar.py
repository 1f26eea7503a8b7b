"""The simulated time axis: month boundaries, days, weekly rhythm and holidays.

Everything the simulator draws is dated on this axis, so "nothing on or after
`end`" and "weekdays >> weekends" are decided in one place.
"""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np

HISTORY_MONTHS = 96
"""How far before the window month boundaries exist (tenure of older customers)."""
FUTURE_MONTHS = 40
"""How far after `end` they exist (end dates of terms running today)."""

REGIONS = ("na", "eu", "apac")
REGION_UTC_HOUR = np.array([14.0, 8.0, 1.0])
"""Hour (UTC) when each region's working day starts."""

WEEKDAY_FACTOR = np.array([1.0, 1.0, 1.0, 0.97, 0.9, 0.09, 0.05])
"""Relative activity Monday..Sunday."""


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = pycalendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Calendar:
    """Month k of the window runs from `bound(k)` to `bound(k + 1)`; `bound(months)` is `end`."""

    end: date
    months: int

    @cached_property
    def bounds(self) -> np.ndarray:
        ks = range(-HISTORY_MONTHS, self.months + FUTURE_MONTHS + 1)
        return np.array([add_months(self.end, k - self.months) for k in ks], dtype="datetime64[D]")

    def bound(self, k: np.ndarray | int) -> np.ndarray:
        """First day of month index `k` (negative: before the window)."""
        return self.bounds[np.asarray(k) + HISTORY_MONTHS]

    @property
    def start(self) -> np.datetime64:
        return self.bound(0)

    @property
    def end64(self) -> np.datetime64:
        return np.datetime64(self.end, "D")

    def month_days(self, k: int) -> np.ndarray:
        """Every day of month index `k`."""
        return np.arange(self.bound(k), self.bound(k + 1), dtype="datetime64[D]")

    def month_of(self, days: np.ndarray) -> np.ndarray:
        """Month index of each day (window months only)."""
        window = self.bound(np.arange(self.months + 1))
        return np.searchsorted(window, days, side="right") - 1


def weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday .. 6 = Sunday (1970-01-01 was a Thursday)."""
    return (days.astype("datetime64[D]").astype(np.int64) + 3) % 7


def holiday_factor(days: np.ndarray, region: np.ndarray, seasonal: np.ndarray) -> np.ndarray:
    """Activity factor [accounts, days]: late-December slump everywhere, August in Europe.

    `seasonal` accounts (schools, agencies) dip much deeper in both periods.
    """
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    year_end = ((month == 12) & (dom >= 22)) | ((month == 1) & (dom <= 2))
    august = month == 8
    factor = np.ones((region.size, days.size))
    factor[:, year_end] = 0.3
    eu = region == REGIONS.index("eu")
    factor[np.ix_(eu, august)] = 0.55
    factor[np.ix_(seasonal, year_end)] = 0.1
    factor[np.ix_(seasonal, august)] = 0.2
    return factor
