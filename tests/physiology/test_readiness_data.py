"""physiology.readiness against the Welltory worked example (science.md §5.5, data README).

The file is read in place from ../shared/data and never copied; the tests skip when it is absent.

Procedure of science.md §5.5 (reproduced exactly): rows of ``hrv_measurements.csv`` labelled
``time_of_day == "morning"``; the day is the date of ``measurement_datetime`` as written; RMSSD is
recomputed from ``rr_data``; the day's value is ln of the day's *mean* morning RMSSD (an
illustration choice of the worked example — the project rule takes the first valid one, see
``daily_values``); every calendar day from the first to the last morning day is evaluated.
"""

from __future__ import annotations

import csv
import itertools
import math
import statistics
from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from physiology.readiness import BaselineStatus, hrv_baseline

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.shared_data

USER = "295ed96279"


def _rmssd_ms(rr: list[int]) -> float:
    diffs = [b - a for a, b in itertools.pairwise(rr)]
    return math.sqrt(sum(d * d for d in diffs) / len(diffs))


@pytest.fixture(scope="module")
def morning_series(shared_data: Path) -> dict[str, dict[date, float]]:
    path = shared_data / "welltory" / "hrv_measurements.csv"
    if not path.is_file():
        pytest.skip(f"missing shared data file: {path.name}")
    per_day: dict[str, dict[date, list[float]]] = defaultdict(lambda: defaultdict(list))
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["time_of_day"] != "morning":
                continue
            day = date.fromisoformat(row["measurement_datetime"][:10])
            rr = [int(v) for v in row["rr_data"].split(",")]
            per_day[row["user_code"]][day].append(_rmssd_ms(rr))
    return {
        user: {day: math.log(statistics.fmean(values)) for day, values in sorted(days.items())}
        for user, days in per_day.items()
    }


def _states(series: dict[date, float]) -> dict[BaselineStatus, int]:
    counts = dict.fromkeys(BaselineStatus, 0)
    day, last = min(series), max(series)
    while day <= last:
        counts[hrv_baseline(series, day).status] += 1
        day += timedelta(days=1)
    return counts


def test_welltory_worked_example_states(morning_series):
    series = morning_series[USER]
    assert len(series) == 142
    counts = _states(series)
    assert counts[BaselineStatus.WITHIN] == 116
    assert counts[BaselineStatus.ABOVE] == 26
    assert counts[BaselineStatus.BELOW] == 8
    assert sum(counts.values()) - counts[BaselineStatus.INSUFFICIENT_DATA] == 150


def test_welltory_worked_example_last_day(morning_series):
    series = morning_series[USER]
    last = max(series)
    assert last == date(2020, 6, 18)
    b = hrv_baseline(series, last)
    assert b.today_value == pytest.approx(4.0177, abs=5e-5)
    assert b.rolling_mean_7d == pytest.approx(3.9043, abs=5e-5)
    assert b.mean_60d == pytest.approx(3.9830, abs=5e-5)
    assert b.cv_7d_pct == pytest.approx(6.99, abs=5e-3)


def test_welltory_multi_week_users_are_the_documented_seventeen(morning_series):
    multi_week = {user for user, series in morning_series.items() if len(series) >= 14}
    assert len(multi_week) == 17
    assert len({u for u, s in morning_series.items() if len(s) >= 30}) == 9
    for user in multi_week:  # every evaluable day classifies; no exception on real gaps
        counts = _states(morning_series[user])
        assert (
            sum(counts.values()) == (max(morning_series[user]) - min(morning_series[user])).days + 1
        )
