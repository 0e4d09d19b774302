"""The demo's measurements: for each success measure the data files give a trajectory (demo/data/
impact.yaml, `trend`), this module turns it into dated values, the same every time for the same dates.

A trajectory is a share of the way from the baseline to the target (0: at the baseline, 1: target
reached) that moves from the day the use case went live to its latest measurement. Its last value is
chosen so that the product's own rule (governance.selectors.kpi_progress_of) reads the trend the files
declare: "on_track" keeps pace with the time elapsed towards the target date, "ahead" has passed the
target, "at_risk" lags by more than the tolerance but less than half, "off_track" lags by more than
half (or falls back below the baseline), "flat" has not moved from the baseline. The values before it
carry seeded noise, as real measurements do.
"""

from __future__ import annotations

import calendar
import datetime
import math
import random
from decimal import Decimal

from governance.choices import KpiFrequency

TRENDS = ("ahead", "on_track", "at_risk", "off_track", "flat")
# Noise on the values before the latest, as a share of the way from baseline to target.
DEFAULT_NOISE = 0.04
# How far the latest value keeps from the rule's thresholds, so rounding never tips it over.
MARGIN = 0.02
# The smallest step a value is rounded to, as a share of the way from baseline to target.
ROUNDING_SHARE = 200


class TrajectoryError(ValueError):
    """A trend that the measure's dates cannot show (say which measure and what to change)."""


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The last day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def period_ends(frequency: str, first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The ends of the periods of `frequency` that fall between `first` and `last` (both included):
    Sundays, month ends, quarter ends or year ends."""
    if first > last:
        return []
    if frequency == KpiFrequency.WEEKLY:
        day = first + datetime.timedelta(days=(6 - first.weekday()) % 7)
        days = []
        while day <= last:
            days.append(day)
            day += datetime.timedelta(days=7)
        return days
    step = {KpiFrequency.MONTHLY: 1, KpiFrequency.QUARTERLY: 3, KpiFrequency.YEARLY: 12}[frequency]
    day = add_months(first, 0)
    while day.month % step:
        day = add_months(day, 1)
    days = []
    while day <= last:
        days.append(day)
        day = add_months(day, step)
    return days


def expected_share(*, start: datetime.date, latest: datetime.date, target_date: datetime.date) -> float:
    """The share of the time to the target date elapsed at the latest measurement, as the rule reads it."""
    span = (target_date - start).days
    elapsed = (min(latest, target_date) - start).days
    return 1.0 if span <= 0 else max(0.0, min(1.0, elapsed / span))


def final_progress(trend: str, expected: float, tolerance: float, rng: random.Random, where: str) -> float:
    """The share of the way covered by the latest value, for the rule to read `trend`."""
    if trend == "ahead":
        return rng.uniform(1.03, 1.15)
    if trend == "on_track":
        return min(1.0 - MARGIN, max(expected, 0.1) * rng.uniform(1.0, 1.15))
    if trend == "at_risk":
        low, high = expected / 2, expected - tolerance
        if high - low < 2 * MARGIN:
            raise TrajectoryError(
                f"{where}: trend 'at_risk' needs more of the time to its target date elapsed (only "
                f"{expected:.0%} is): bring target_in_months nearer"
            )
        return (low + high) / 2
    if trend == "off_track":
        return min(0.3 * expected - 0.05, expected / 2 - MARGIN)
    if trend == "flat":
        return rng.uniform(0.0, 0.02)
    raise TrajectoryError(f"{where}: trend {trend!r} is not one of: {', '.join(TRENDS)}")


def _shape(trend: str, x: float, final: float, expected: float) -> float:
    """The share of the way covered at `x` (0: went live, 1: latest measurement)."""
    if trend == "ahead":
        return final * (1 - (1 - x) ** 2.2)
    if trend == "at_risk":
        return final * x**0.6  # a good start, then a stall
    if trend == "off_track":
        return final * x + 0.3 * max(expected, 0.3) * math.sin(math.pi * x)  # early gains lost
    return final * x**0.9


def decimals_for(baseline: Decimal, target: Decimal) -> int:
    """Decimals a value is given with: fine enough that rounding moves its progress by at most 1/400."""
    step = abs(target - baseline) / ROUNDING_SHARE
    return max(0, min(4, math.ceil(-math.log10(step)))) if step > 0 else 4


def series(
    *,
    baseline: Decimal,
    target: Decimal,
    unit: str,
    trend: str,
    dates: list[datetime.date],
    live_from: datetime.date,
    start: datetime.date,
    target_date: datetime.date,
    tolerance: float,
    rng: random.Random,
    noise: float = DEFAULT_NOISE,
    where: str = "",
) -> list[Decimal]:
    """The value measured on each of `dates` (oldest first)."""
    if not dates:
        return []
    latest = dates[-1]
    expected = expected_share(start=start, latest=latest, target_date=target_date)
    final = final_progress(trend, expected, tolerance, rng, where)
    span = max(1, (latest - live_from).days)
    places = decimals_for(baseline, target)
    low, high = _bounds(baseline, target, unit)
    values = []
    for index, day in enumerate(dates):
        x = max(0.0, min(1.0, (day - live_from).days / span))
        # The latest value is exactly where the rule reads the trend; the ones before wander.
        share = final if index == len(dates) - 1 else _shape(trend, x, final, expected) + rng.gauss(0, noise)
        value = baseline + (target - baseline) * Decimal(repr(share))
        if low is not None:
            value = max(low, value)
        if high is not None:
            value = min(high, value)
        values.append(round(value, places))
    return values


def _bounds(baseline: Decimal, target: Decimal, unit: str) -> tuple[Decimal | None, Decimal | None]:
    """A share stays between 0 and 100; a count or an amount that starts and aims above zero stays there."""
    if unit == "%":
        return Decimal(0), Decimal(100)
    if baseline >= 0 and target >= 0:
        return Decimal(0), None
    return None, None
