"""The card's per-day series as pure functions of the daily values and sleep episodes."""

from __future__ import annotations

import itertools
import math
import statistics
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.recovery_readiness.physiology.sleep import SleepEpisode, SleepRules
from custom_components.recovery_readiness.physiology.training_load import LoadSeed
from custom_components.recovery_readiness.profile.breathing import resonance_steps
from custom_components.recovery_readiness.profile.history_series import (
    breathing_plan,
    days_ending,
    hrv_series,
    resting_hr_series,
    sleep_nights,
    training_days,
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


def test_training_days_follow_the_load_model_and_keep_days_without_a_session_unknown():
    loads = {TODAY - timedelta(days=2): 84.0, TODAY: 42.0}
    days = training_days(loads, TODAY, 4, seed=None)
    assert [d["load_trimp"] for d in days] == [None, 84.0, None, 42.0]
    assert days[0]["ctl"] is None  # before the first modelled day: unknown
    ctl, atl = 84.0 / 42, 84.0 / 7
    assert (days[1]["ctl"], days[1]["atl"], days[1]["tsb"]) == (2.0, 12.0, 0.0)
    ctl2, atl2 = ctl * 41 / 42, atl * 6 / 7  # a modelled day without a session counts as 0
    assert days[2]["ctl"] == round(ctl2, 1)
    assert days[2]["tsb"] == round(ctl - atl, 1)
    assert days[3]["ctl"] == round(ctl2 + (42.0 - ctl2) / 42, 1)
    assert days[3]["atl"] == round(atl2 + (42.0 - atl2) / 7, 1)


def test_training_days_start_from_a_seed():
    seed = LoadSeed(day=TODAY - timedelta(days=2), ctl=50.0, atl=70.0)
    days = training_days({}, TODAY, 3, seed=seed)
    assert days[0]["ctl"] is None
    assert (days[1]["ctl"], days[1]["atl"], days[1]["tsb"]) == (
        round(50 * 41 / 42, 1),
        round(70 * 6 / 7, 1),
        -20.0,
    )


def test_breathing_plan_of_the_resonance_protocol():
    plan, total_s = breathing_plan(resonance_steps())
    assert [p["breaths_per_min"] for p in plan] == [6.5, 6.0, 5.5, 5.0, 4.5]
    for step, following in itertools.pairwise(plan):
        cycle_s = 60 / step["breaths_per_min"]
        assert step["inhale_s"] == round(0.4 * cycle_s, 3)
        assert step["inhale_s"] + step["exhale_s"] == pytest.approx(cycle_s, abs=2e-3)
        assert following["start_s"] == pytest.approx(step["start_s"] + step["breaths"] * cycle_s)
    last = plan[-1]
    assert total_s == round(last["start_s"] + last["breaths"] * 60 / 4.5, 1)
