"""The card's per-day series as pure functions of the daily values and sleep episodes."""

from __future__ import annotations

import math
import statistics
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from custom_components.recovery_readiness.physiology.sleep import SleepEpisode, SleepRules
from custom_components.recovery_readiness.profile.history_series import (
    days_ending,
    hrv_series,
    resting_hr_series,
    sleep_nights,
)

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 3, 30)  # the morning after the spring DST night


def test_days_end_today_oldest_first():
    assert days_ending(TODAY, 3) == [date(2026, 3, 28), date(2026, 3, 29), TODAY]


def test_hrv_series_keeps_gaps_unknown_and_bands_from_the_days_before():
    daily = {TODAY - timedelta(days=i): 4.0 + 0.1 * (i % 3) for i in range(1, 21) if i != 5}
    series = hrv_series(daily, TODAY, 25)
    by_day = {d["day"]: d for d in series}
    gap = by_day[(TODAY - timedelta(days=5)).isoformat()]
    assert gap["ln_rmssd"] is None
    assert gap["rmssd_ms"] is None
    today = by_day[TODAY.isoformat()]
    before = [daily[d] for d in sorted(daily)]
    mean, sd = statistics.fmean(before), statistics.stdev(before)
    assert today["normal_low"] == round(mean - 0.5 * sd, 4)
    assert today["normal_high_ms"] == round(math.exp(mean + 0.5 * sd), 2)
    last7 = [daily[TODAY - timedelta(days=i)] for i in range(1, 7) if i != 5]
    assert today["mean_7d"] == round(statistics.fmean(last7), 4)
    assert today["status"] in {"below", "within", "above"}
    # 25 days back there is nothing: unknown, and no band without 14 earlier days.
    assert series[0]["mean_7d"] is None
    assert series[0]["normal_low"] is None
    assert series[0]["status"] == "insufficient_data"


def test_resting_hr_series_in_bpm():
    daily = {TODAY - timedelta(days=i): 50.0 + i % 2 for i in range(16)}
    [today] = resting_hr_series(daily, TODAY, 1)
    assert today["hr_bpm"] == 50.0
    before = [daily[TODAY - timedelta(days=i)] for i in range(1, 16)]
    assert today["normal_high_bpm"] == round(
        statistics.fmean(before) + 0.5 * statistics.stdev(before), 2
    )


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMS)


def test_sleep_nights_in_the_window_with_local_times_and_real_durations():
    episodes = [
        SleepEpisode(_at(date(2026, 3, 26), 23), _at(date(2026, 3, 27), 7)),  # outside: 3 days
        SleepEpisode(_at(date(2026, 3, 28), 23), _at(date(2026, 3, 29), 7)),  # DST: 7 h
        SleepEpisode(_at(date(2026, 3, 29), 22, 30), _at(TODAY, 6, 45)),
        SleepEpisode(_at(TODAY, 13), _at(TODAY, 13, 30)),  # a nap, not a night
    ]
    nights = sleep_nights(
        episodes, tz=AMS, today=TODAY, days=2, target_sleep_h=8.0, rules=SleepRules()
    )
    assert nights == [
        {
            "night_of": "2026-03-28",
            "bedtime": "2026-03-28T23:00:00+01:00",
            "wake_time": "2026-03-29T07:00:00+02:00",
            "duration_h": 7.0,
            "time_in_bed_h": 7.0,
            "target_h": 8.0,
        },
        {
            "night_of": "2026-03-29",
            "bedtime": "2026-03-29T22:30:00+02:00",
            "wake_time": "2026-03-30T06:45:00+02:00",
            "duration_h": 8.25,
            "time_in_bed_h": 8.25,
            "target_h": 8.0,
        },
    ]
