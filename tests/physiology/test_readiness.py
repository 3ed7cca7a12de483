"""Behaviour of physiology.readiness with hand-computed expectations (science.md §5, §6)."""

from __future__ import annotations

import dataclasses
import doctest
import json
import math
import types
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import physiology
import physiology.readiness
import pytest
from physiology import InsufficientDataError
from physiology.readiness import (
    CONTRIBUTOR_KEYS,
    REASON_KEYS,
    REASON_PLACEHOLDERS,
    BaselineRules,
    BaselineStatus,
    ContributorStatus,
    HrvBaseline,
    Readiness,
    ReadinessLevel,
    ReadinessSettings,
    Recommendation,
    RhrBaseline,
    SleepInputs,
    coefficient_of_variation_pct,
    daily_values,
    hrv_baseline,
    normal_range,
    readiness,
    rhr_baseline,
)
from physiology.sleep import SleepEpisode, summarize_nights

AMS = ZoneInfo("Europe/Amsterdam")
DAY = date(2026, 3, 1)

# Hand-computed vector: x[d-k] = 3.9 for odd k, 4.1 for even k (k = 1..14), x[d] = 4.0.
#   60-day window d-60..d-1: 7 x 3.9 + 7 x 4.1 -> mean 4.0, SS = 14 * 0.01 = 0.14,
#   SD (ddof 1) = sqrt(0.14 / 13) = 0.10377490433255416, normal = 4.0 -/+ 0.05188745216627708.
#   7-day window d-6..d: 4.1 3.9 4.1 3.9 4.1 3.9 4.0 -> mean 28.0 / 7 = 4.0,
#   SS = 6 * 0.01 = 0.06, SD = sqrt(0.06 / 6) = 0.1, CV7 = 100 * 0.1 / 4.0 = 2.5 %.
SD14 = math.sqrt(0.14 / 13)


def hand_series(today: float | None = 4.0) -> dict[date, float]:
    series = {DAY - timedelta(days=k): (3.9 if k % 2 else 4.1) for k in range(1, 15)}
    if today is not None:
        series[DAY] = today
    return series


def make_hrv(
    *,
    mean7: float | None = 4.0,
    today: float | None = 4.0,
    mu: float | None = 4.0,
    sd: float | None = 0.1,
    day: date = DAY,
    count_7d: int = 7,
    count_60d: int = 60,
    cls: type[HrvBaseline | RhrBaseline] = HrvBaseline,
) -> HrvBaseline | RhrBaseline:
    """A baseline built by hand: normal = mu -/+ 0.5 sd, statuses from the same rule."""
    low = high = None
    if mu is not None and sd is not None:
        low, high = mu - 0.5 * sd, mu + 0.5 * sd
    classify = physiology.readiness._classify
    return cls(
        day=day,
        today_value=today,
        rolling_mean_7d=mean7,
        cv_7d_pct=None,
        mean_60d=mu,
        sd_60d=sd,
        normal_low=low,
        normal_high=high,
        status=classify(mean7, low, high),
        today_status=classify(today, low, high),
        count_7d=count_7d,
        count_60d=count_60d,
    )


def make_rhr(**kwargs: float | None) -> RhrBaseline:
    values: dict[str, float | None] = {"mean7": 50.0, "today": 50.0, "mu": 50.0, "sd": 2.0}
    values.update(kwargs)
    baseline = make_hrv(cls=RhrBaseline, **values)  # type: ignore[arg-type]
    assert isinstance(baseline, RhrBaseline)
    return baseline


GOOD_SLEEP = SleepInputs(target_sleep_h=8.0, last_night_h=8.0, sleep_debt_h=0.0, sri=85.0)


def keys(result: Readiness) -> list[str]:
    return [r.key for r in result.reasons]


# --------------------------------------------------------------------------- helpers


def test_normal_range_hand_computed():
    values = [3.9, 4.1] * 7
    mean, sd, low, high = normal_range(values)
    assert mean == pytest.approx(4.0)
    assert sd == pytest.approx(SD14)
    assert (low, high) == (pytest.approx(4.0 - 0.5 * SD14), pytest.approx(4.0 + 0.5 * SD14))


def test_normal_range_raises_below_its_minimum():
    with pytest.raises(InsufficientDataError) as info:
        normal_range([4.0] * 13)
    assert (info.value.metric, info.value.needed, info.value.got) == ("normal_range", 14, 13)
    with pytest.raises(ValueError, match="swc_factor"):
        normal_range([4.0] * 14, swc_factor=-0.1)


def test_coefficient_of_variation_hand_computed_and_minimum():
    assert coefficient_of_variation_pct([4.1, 3.9, 4.1, 3.9, 4.1, 3.9, 4.0]) == pytest.approx(2.5)
    with pytest.raises(InsufficientDataError):
        coefficient_of_variation_pct([4.0, 4.1])
    with pytest.raises(ValueError, match="positive mean"):
        coefficient_of_variation_pct([-1.0, 0.0, 0.5])


# --------------------------------------------------------------------------- baselines


def test_hrv_baseline_hand_computed_vector():
    b = hrv_baseline(hand_series(), DAY)
    assert b.day == DAY
    assert b.today_value == 4.0
    assert b.rolling_mean_7d == pytest.approx(4.0)
    assert b.cv_7d_pct == pytest.approx(2.5)
    assert b.mean_60d == pytest.approx(4.0)
    assert b.sd_60d == pytest.approx(SD14)
    assert b.normal_low == pytest.approx(4.0 - 0.05188745216627708)
    assert b.normal_high == pytest.approx(4.0 + 0.05188745216627708)
    assert b.status is BaselineStatus.WITHIN
    assert b.today_status is BaselineStatus.WITHIN
    assert (b.count_7d, b.count_60d) == (7, 14)
    assert b.deviation_7d_sd == pytest.approx(0.0)


def test_hrv_baseline_today_is_excluded_from_the_normal_range():
    # A very low value today drags the 7-day mean (4.0 -> (24 + 3.3) / 7 = 3.9) but not the range.
    b = hrv_baseline(hand_series(today=3.3), DAY)
    assert b.mean_60d == pytest.approx(4.0)
    assert b.rolling_mean_7d == pytest.approx(3.9)
    assert b.status is BaselineStatus.BELOW
    assert b.today_status is BaselineStatus.BELOW
    assert b.deviation_today_sd == pytest.approx(-0.7 / SD14)


def test_hrv_baseline_above_and_inclusive_bounds():
    series = hand_series(today=None)
    # 7-day window without today: 4.1 3.9 4.1 3.9 4.1 3.9 -> mean exactly 4.0 -> within.
    assert hrv_baseline(series, DAY).status is BaselineStatus.WITHIN
    high = hrv_baseline(hand_series(today=4.7), DAY)  # (24 + 4.7) / 7 = 4.1 > 4.0519
    assert high.status is BaselineStatus.ABOVE
    # Inclusive bounds: with a zero-width range (swc 0) a mean equal to the baseline mean is within.
    flat = hrv_baseline(series, DAY, rules=BaselineRules(swc_factor=0.0))
    assert flat.normal_low == flat.normal_high == pytest.approx(4.0)
    assert flat.status is BaselineStatus.WITHIN


def test_hrv_baseline_the_day_the_fourteenth_value_arrives():
    first = date(2026, 1, 1)
    series = {first + timedelta(days=i): 4.0 + 0.1 * (i % 2) for i in range(14)}
    day13 = hrv_baseline(series, first + timedelta(days=13))  # the 14th value is today's
    assert day13.count_60d == 13
    assert day13.status is BaselineStatus.INSUFFICIENT_DATA
    assert day13.normal_low is day13.normal_high is day13.mean_60d is day13.sd_60d is None
    assert day13.rolling_mean_7d is not None
    assert day13.cv_7d_pct is not None
    day14 = hrv_baseline(series, first + timedelta(days=14))  # no value today, 14 before it
    assert day14.count_60d == 14
    assert day14.status is not BaselineStatus.INSUFFICIENT_DATA
    assert day14.today_value is None
    assert day14.today_status is BaselineStatus.INSUFFICIENT_DATA
    assert day14.mean_60d == pytest.approx(4.05)
    # 7-day window d-6..d holds days 8..13: 4.0 4.1 4.0 4.1 4.0 4.1 -> 4.05.
    assert day14.rolling_mean_7d == pytest.approx(4.05)


def test_hrv_baseline_days_without_a_measurement_are_skipped_not_filled():
    series = hand_series(today=None)
    # Leave only two values in d-6..d: d-6 (4.1) and d-1 (3.9).
    for k in (2, 3, 4, 5):
        del series[DAY - timedelta(days=k)]
    b = hrv_baseline(series, DAY)
    assert b.count_7d == 2
    assert b.rolling_mean_7d is None
    assert b.cv_7d_pct is None
    assert b.status is BaselineStatus.INSUFFICIENT_DATA
    assert b.count_60d == 10
    series[DAY] = 4.0  # a third value in the week: (4.1 + 3.9 + 4.0) / 3
    b = hrv_baseline(series, DAY, rules=BaselineRules(min_normal_values=10))
    assert b.count_7d == 3
    assert b.rolling_mean_7d == pytest.approx(4.0)
    assert b.cv_7d_pct == pytest.approx(100 * 0.1 / 4.0)
    assert b.status is BaselineStatus.WITHIN


def test_hrv_baseline_window_edges():
    series = {DAY - timedelta(days=k): 4.0 for k in range(1, 14)}  # 13 values d-13..d-1
    series[DAY - timedelta(days=60)] = 4.0  # the oldest day of the window counts
    series[DAY - timedelta(days=61)] = 100.0  # one day too old: ignored
    series[DAY + timedelta(days=1)] = float("nan")  # the future is not read (not even validated)
    b = hrv_baseline(series, DAY)
    assert b.count_60d == 14
    assert b.mean_60d == pytest.approx(4.0)
    assert b.sd_60d == 0.0
    assert b.status is BaselineStatus.WITHIN
    assert b.deviation_7d_sd == 0.0
    series[DAY] = 3.9
    b = hrv_baseline(series, DAY)
    assert b.deviation_today_sd == -math.inf  # flat baseline, different value
    assert b.today_status is BaselineStatus.BELOW


def test_hrv_baseline_empty_history():
    b = hrv_baseline({}, DAY)
    assert b.status is BaselineStatus.INSUFFICIENT_DATA
    assert (b.count_7d, b.count_60d, b.today_value) == (0, 0, None)
    assert b.deviation_7d_sd is None


def test_hrv_baseline_rejects_bad_input():
    with pytest.raises(TypeError, match="date"):
        hrv_baseline(hand_series(), datetime(2026, 3, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="finite"):
        hrv_baseline({DAY: float("nan")}, DAY)
    with pytest.raises(TypeError, match="key"):
        hrv_baseline({datetime(2026, 3, 1, 7, tzinfo=UTC): 4.0}, DAY)  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="min_normal_values"):
        BaselineRules(min_normal_values=1)
    with pytest.raises(ValueError, match="min_rolling_values"):
        BaselineRules(min_rolling_values=8)
    with pytest.raises(ValueError, match=">= 1"):
        BaselineRules(rolling_days=0)
    with pytest.raises(ValueError, match="swc_factor"):
        BaselineRules(swc_factor=math.inf)


def test_rhr_baseline_same_rules_in_bpm():
    series = {DAY - timedelta(days=k): (49.0 if k % 2 else 51.0) for k in range(1, 15)}
    series[DAY] = 56.0
    b = rhr_baseline(series, DAY)
    assert isinstance(b, RhrBaseline)
    assert b.mean_60d == pytest.approx(50.0)
    assert b.sd_60d == pytest.approx(math.sqrt(14 / 13))
    assert b.rolling_mean_7d == pytest.approx((3 * 51 + 3 * 49 + 56) / 7)
    assert b.status is BaselineStatus.ABOVE
    assert b.today_status is BaselineStatus.ABOVE
    d = b.as_dict()
    assert d["rolling_mean_7d_bpm"] == b.rolling_mean_7d
    assert d["normal_high_bpm"] == b.normal_high
    assert d["status"] == "above"
    assert d["day"] == "2026-03-01"
    with pytest.raises(ValueError, match="> 0"):
        rhr_baseline({DAY: 0.0}, DAY)


def test_hrv_baseline_as_dict_is_json_friendly():
    d = hrv_baseline(hand_series(), DAY).as_dict()
    json.dumps(d)
    assert set(d) >= {"rolling_mean_7d", "normal_low", "normal_high", "cv_7d_pct", "status"}


# --------------------------------------------------------------------------- daily values


def at(day: int, hh: int, mm: int = 0, tz: ZoneInfo = AMS) -> datetime:
    return datetime(2026, 3, day, hh, mm, tzinfo=tz)


def test_daily_values_first_valid_morning_measurement_counts():
    measurements = [
        (at(2, 7, 30), 4.3),  # later the same morning: ignored
        (at(2, 6, 50), None),  # rejected first try: skipped
        (at(2, 7, 0), 4.1),  # first valid one: counts
        (at(2, 3, 59), 4.9),  # before the window
        (at(2, 12, 0), 5.0),  # end of the window is exclusive
        (at(3, 4, 0), 3.8),  # start of the window is inclusive
        (at(3, 9, 0), float("nan")),  # not finite: skipped
        (at(4, 20, 0), 4.0),  # evening only: day absent
    ]
    assert daily_values(measurements, tz=AMS) == {date(2026, 3, 2): 4.1, date(2026, 3, 3): 3.8}


def test_daily_values_reads_the_local_date_and_clock():
    # 05:30 UTC is 06:30 in Amsterdam (winter): inside the window, date 2 March.
    utc = datetime(2026, 3, 2, 5, 30, tzinfo=UTC)
    assert daily_values([(utc, 4.0)], tz=AMS) == {date(2026, 3, 2): 4.0}
    # 23:30 UTC on 1 March is 00:30 on 2 March locally: outside the morning window.
    assert daily_values([(datetime(2026, 3, 1, 23, 30, tzinfo=UTC), 4.0)], tz=AMS) == {}
    window = {"morning_start": time(0), "morning_end": time(1)}
    late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert daily_values([(late, 4.0)], tz=AMS, **window) == {date(2026, 3, 2): 4.0}
    # "First" is by instant, not by input order, across zones.
    early = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 07:00 local
    earlier = at(2, 6, 45)  # 05:45 UTC
    assert daily_values([(early, 4.2), (earlier, 4.4)], tz=AMS) == {date(2026, 3, 2): 4.4}


def test_daily_values_rejects_bad_input():
    with pytest.raises(ValueError, match="aware"):
        daily_values([(datetime(2026, 3, 2, 7), 4.0)], tz=AMS)  # noqa: DTZ001
    with pytest.raises(ValueError, match="before"):
        daily_values([], tz=AMS, morning_start=time(12), morning_end=time(4))
    with pytest.raises(TypeError, match="tzinfo"):
        daily_values([], tz="Europe/Amsterdam")  # type: ignore[arg-type]


def test_daily_values_feeds_hrv_baseline():
    measurements = []
    for k in range(1, 15):
        day = DAY - timedelta(days=k)
        morning = datetime(day.year, day.month, day.day, 7, tzinfo=AMS)
        measurements.append((morning, 3.9 if k % 2 else 4.1))
        measurements.append((morning + timedelta(minutes=10), 9.9))  # second try: ignored
    measurements.append((datetime(2026, 3, 1, 7, tzinfo=AMS), 4.0))
    daily = daily_values(measurements, tz=AMS)
    assert daily == hand_series()
    assert hrv_baseline(daily, DAY).cv_7d_pct == pytest.approx(2.5)


# --------------------------------------------------------------------------- readiness


def test_readiness_everything_normal_is_ready_and_hard():
    r = readiness(day=DAY, hrv=make_hrv(), rhr=make_rhr(), sleep=GOOD_SLEEP)
    assert r.score == 100
    assert r.level is ReadinessLevel.READY
    assert r.recommendation is Recommendation.HARD
    assert keys(r) == ["all_within_normal"]
    assert r.missing_inputs == ("training_load",)
    assert r.weight_coverage_ratio == pytest.approx(0.85)
    assert [c.key for c in r.contributors] == list(CONTRIBUTOR_KEYS)
    present = [c for c in r.contributors if c.sub_score is not None]
    assert sum(c.effective_weight for c in present) == pytest.approx(1.0)
    assert r.contributor("hrv_status").effective_weight == pytest.approx(0.30 / 0.85)
    load = r.contributor("training_load")
    assert (load.status, load.effective_weight, load.sub_score) == (
        ContributorStatus.MISSING,
        0.0,
        None,
    )


def test_without_todays_measurement_a_normal_baseline_never_earns_hard():
    r = readiness(day=DAY, hrv=make_hrv(today=None), rhr=make_rhr(), sleep=GOOD_SLEEP)
    assert r.score is not None
    assert r.score >= 80  # the band alone would say ready / hard
    assert r.level is ReadinessLevel.MODERATE
    assert r.recommendation is Recommendation.MODERATE
    assert "no_measurement_today" in keys(r)


def test_readiness_weights_renormalise_over_present_inputs_hand_computed():
    # HRV 7-day mean 1 SD below (sub 100 - 40 = 60), today on the mean (100), no RHR, no load,
    # sleep 6 h of 8 (100 - 20 * 2 = 60), debt 3 h (100 - 15 = 85), SRI 60 (100 * 20 / 40 = 50).
    sleep = SleepInputs(target_sleep_h=8.0, last_night_h=6.0, sleep_debt_h=3.0, sri=60.0)
    r = readiness(day=DAY, hrv=make_hrv(mean7=3.9, today=4.0), sleep=sleep)
    subs = {c.key: c.sub_score for c in r.contributors}
    assert subs == {
        "hrv_status": 60.0,
        "hrv_today": 100.0,
        "resting_hr": None,
        "last_night_sleep": 60.0,
        "sleep_debt": 85.0,
        "sleep_regularity": 50.0,
        "training_load": None,
    }
    # (0.30*60 + 0.10*100 + 0.15*60 + 0.10*85 + 0.05*50) / 0.70 = 48.0 / 0.70 = 68.571...
    assert r.score == 69
    assert r.weight_coverage_ratio == pytest.approx(0.70)
    assert r.missing_inputs == ("resting_hr", "training_load")
    # HRV below caps at low / easy even though the score band says moderate.
    assert r.level is ReadinessLevel.LOW
    assert r.recommendation is Recommendation.EASY
    # Reasons: worst sub-score first (ties keep contributor order).
    assert keys(r) == ["irregular_sleep", "hrv_below_normal", "short_sleep"]
    assert r.contributor("sleep_regularity").status is ContributorStatus.FAIR
    assert r.contributor("sleep_debt").status is ContributorStatus.GOOD


def test_readiness_hrv_below_and_today_below_means_active_recovery():
    r = readiness(day=DAY, hrv=make_hrv(mean7=3.9, today=3.85), rhr=make_rhr(), sleep=GOOD_SLEEP)
    assert r.contributor("hrv_today").sub_score == pytest.approx(40.0)
    assert r.level is ReadinessLevel.LOW
    assert r.recommendation is Recommendation.ACTIVE_RECOVERY
    assert keys(r)[:2] == ["hrv_today_below_normal", "hrv_below_normal"]
    placeholders = r.reasons[1].placeholders_dict()
    assert placeholders == {
        "rmssd_7d_ms": round(math.exp(3.9), 1),
        "normal_low_ms": round(math.exp(3.95), 1),
        "normal_high_ms": round(math.exp(4.05), 1),
    }


def test_readiness_hrv_below_and_rhr_elevated_means_active_recovery():
    r = readiness(day=DAY, hrv=make_hrv(mean7=3.94), rhr=make_rhr(today=52.0), sleep=GOOD_SLEEP)
    assert r.contributor("resting_hr").sub_score == pytest.approx(60.0)  # 1 SD above
    assert r.recommendation is Recommendation.ACTIVE_RECOVERY
    assert "rhr_elevated" in keys(r)


def test_readiness_rhr_elevated_alone_caps_at_moderate():
    r = readiness(day=DAY, hrv=make_hrv(), rhr=make_rhr(today=51.5), sleep=GOOD_SLEEP)
    assert r.score is not None
    assert r.score >= 80
    assert r.level is ReadinessLevel.MODERATE
    assert r.recommendation is Recommendation.MODERATE
    reason = r.reasons[0]
    assert reason.key == "rhr_elevated"
    assert reason.placeholders_dict() == {"rhr_bpm": 51.5, "normal_high_bpm": 51.0}


def test_readiness_a_poor_contributor_caps_at_moderate():
    sleep = SleepInputs(target_sleep_h=8.0, last_night_h=4.0, sleep_debt_h=0.0, sri=85.0)
    r = readiness(day=DAY, hrv=make_hrv(), rhr=make_rhr(), sleep=sleep)
    assert r.contributor("last_night_sleep").status is ContributorStatus.POOR
    assert r.score == round((0.70 * 100 + 0.15 * 20) / 0.85)  # 85.9 -> 86
    assert r.level is ReadinessLevel.MODERATE
    assert r.recommendation is Recommendation.MODERATE


def test_readiness_without_strap_answers_from_sleep_and_says_so():
    r = readiness(day=DAY, sleep=GOOD_SLEEP)
    assert r.score == 100
    assert r.missing_inputs == ("hrv_status", "hrv_today", "resting_hr", "training_load")
    assert keys(r) == ["no_strap_data"]
    assert r.weight_coverage_ratio == pytest.approx(0.30)
    empty = readiness(day=DAY, hrv=hrv_baseline({}, DAY), rhr=rhr_baseline({}, DAY), sleep=None)
    assert keys(empty) == ["no_strap_data", "no_sleep_data"]


def test_readiness_without_sleep_answers_from_the_strap_and_says_so():
    r = readiness(day=DAY, hrv=make_hrv(), rhr=make_rhr())
    assert r.score == 100
    assert r.missing_inputs == (
        "last_night_sleep",
        "sleep_debt",
        "sleep_regularity",
        "training_load",
    )
    assert keys(r) == ["no_sleep_data"]


def test_readiness_with_nothing_known_is_unknown_not_zero():
    r = readiness(day=DAY)
    assert r.score is None
    assert r.level is None
    assert r.recommendation is None
    assert r.missing_inputs == CONTRIBUTOR_KEYS
    assert r.weight_coverage_ratio == 0.0
    assert keys(r) == ["no_strap_data", "no_sleep_data"]
    assert r.as_dict()["score"] is None
    with pytest.raises(KeyError):
        r.contributor("mood")


def test_readiness_calibrating_and_gaps_are_reported():
    calibrating = make_hrv(mu=None, sd=None, count_60d=5, count_7d=5)
    r = readiness(day=DAY, hrv=calibrating, sleep=GOOD_SLEEP)
    assert r.contributor("hrv_status").status is ContributorStatus.MISSING
    assert r.reasons[0].key == "hrv_calibrating"
    assert r.reasons[0].placeholders_dict() == {"days": 5, "needed": 14}
    gappy = make_hrv(mean7=None, today=None, count_7d=1)
    r = readiness(day=DAY, hrv=gappy, sleep=SleepInputs(target_sleep_h=7.5))
    assert keys(r) == ["few_recent_measurements", "no_measurement_today", "no_sleep_last_night"]
    assert r.score is None
    no_today = readiness(day=DAY, hrv=make_hrv(today=None), sleep=GOOD_SLEEP)
    assert keys(no_today) == ["no_measurement_today"]
    assert no_today.contributor("hrv_today").status is ContributorStatus.MISSING
    assert no_today.score == 100


def test_readiness_hrv_above_normal_is_reported_but_not_rewarded():
    r = readiness(day=DAY, hrv=make_hrv(mean7=4.2, today=4.3), rhr=make_rhr(), sleep=GOOD_SLEEP)
    assert r.contributor("hrv_status").sub_score == 100.0
    assert r.score == 100
    assert keys(r) == ["hrv_above_normal"]
    assert r.recommendation is Recommendation.HARD


def test_readiness_bands():
    settings = ReadinessSettings()
    for score, level, rec in [
        (100, ReadinessLevel.READY, Recommendation.HARD),
        (80, ReadinessLevel.READY, Recommendation.HARD),
        (79, ReadinessLevel.MODERATE, Recommendation.MODERATE),
        (65, ReadinessLevel.MODERATE, Recommendation.MODERATE),
        (64, ReadinessLevel.LOW, Recommendation.EASY),
        (50, ReadinessLevel.LOW, Recommendation.EASY),
        (49, ReadinessLevel.LOW, Recommendation.ACTIVE_RECOVERY),
        (35, ReadinessLevel.LOW, Recommendation.ACTIVE_RECOVERY),
        (34, ReadinessLevel.REST, Recommendation.REST),
        (0, ReadinessLevel.REST, Recommendation.REST),
    ]:
        assert physiology.readiness._band(score, settings) == (level, rec)


def test_readiness_very_poor_sleep_gives_rest():
    sleep = SleepInputs(target_sleep_h=8.0, last_night_h=3.0, sleep_debt_h=25.0, sri=30.0)
    r = readiness(day=DAY, sleep=sleep)
    assert r.score == 0
    assert r.level is ReadinessLevel.REST
    assert r.recommendation is Recommendation.REST
    assert keys(r) == ["short_sleep", "sleep_debt", "irregular_sleep", "no_strap_data"]


class Load:
    def __init__(self, ctl: float | None, tsb: float | None) -> None:
        self.ctl = ctl
        self.tsb = tsb


def test_readiness_training_load_provisional_rule():
    # TSB = -30 % of CTL: 100 - 2 * (30 - 10) = 60.
    r = readiness(
        day=DAY, hrv=make_hrv(), rhr=make_rhr(), sleep=GOOD_SLEEP, training_load=Load(50, -15)
    )
    load = r.contributor("training_load")
    assert (load.sub_score, load.value, load.unit) == (60.0, -15, "tsb")
    assert r.missing_inputs == ()
    assert r.weight_coverage_ratio == pytest.approx(1.0)
    assert r.score == round(0.85 * 100 + 0.15 * 60)
    assert keys(r) == ["high_training_load"]
    assert r.reasons[0].placeholders_dict() == {"tsb": -15.0, "ctl": 50.0}
    fresh = readiness(day=DAY, sleep=GOOD_SLEEP, training_load=Load(50, 5))
    assert fresh.contributor("training_load").sub_score == 100.0
    for unknown in (Load(0, 0), Load(None, 3), Load(40, None)):
        r = readiness(day=DAY, sleep=GOOD_SLEEP, training_load=unknown)
        assert "training_load" in r.missing_inputs


def test_readiness_reads_a_sleep_summary():
    tz = AMS
    episodes = []
    for k in range(1, 15):
        night = DAY - timedelta(days=k)
        bed = datetime(night.year, night.month, night.day, 23, tzinfo=tz)
        episodes.append(SleepEpisode(bed, bed + timedelta(hours=7)))
    summary = summarize_nights(episodes, tz=tz, today=DAY, target_sleep_h=8.0)
    assert summary.last_night_record is not None
    r = readiness(day=DAY, hrv=make_hrv(), rhr=make_rhr(), sleep=summary)
    night = r.contributor("last_night_sleep")
    assert night.value == pytest.approx(7.0)
    assert night.sub_score == 80.0
    assert r.contributor("sleep_debt").value == pytest.approx(14.0)
    assert r.contributor("sleep_debt").sub_score == 30.0
    assert r.contributor("sleep_regularity").sub_score == 100.0  # identical nights: SRI 100
    with pytest.raises(ValueError, match="sleep summary"):
        readiness(day=DAY + timedelta(days=1), sleep=summary)


def test_readiness_rejects_mismatched_days_and_bad_settings():
    with pytest.raises(ValueError, match="hrv baseline"):
        readiness(day=DAY, hrv=make_hrv(day=DAY - timedelta(days=1)))
    with pytest.raises(TypeError, match="date"):
        readiness(day=datetime(2026, 3, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="weights"):
        ReadinessSettings(
            weight_hrv_status=0,
            weight_hrv_today=0,
            weight_resting_hr=0,
            weight_last_night_sleep=0,
            weight_sleep_debt=0,
            weight_sleep_regularity=0,
            weight_training_load=0,
        )
    with pytest.raises(ValueError, match="weights"):
        ReadinessSettings(weight_sleep_debt=-0.1)
    with pytest.raises(ValueError, match="bands"):
        ReadinessSettings(ready_min=60)
    with pytest.raises(ValueError, match="sri_full"):
        ReadinessSettings(sri_zero=80)
    with pytest.raises(ValueError, match="finite"):
        ReadinessSettings(points_per_sd=math.nan)
    with pytest.raises(ValueError, match="target_sleep_h"):
        SleepInputs(target_sleep_h=0)
    with pytest.raises(ValueError, match=">= 0"):
        SleepInputs(target_sleep_h=8, last_night_h=-1)
    with pytest.raises(ValueError, match="finite"):
        SleepInputs(target_sleep_h=8, sri=math.inf)


def test_readiness_as_dict_is_json_friendly_with_unit_suffixes():
    r = readiness(day=DAY, hrv=make_hrv(mean7=3.9), rhr=make_rhr(), sleep=GOOD_SLEEP)
    d = r.as_dict()
    json.dumps(d)
    assert d["day"] == "2026-03-01"
    assert d["level"] == "low"
    assert d["recommendation"] == "easy"
    contributor = d["contributors"][0]  # type: ignore[index]
    assert set(contributor) == {
        "key",
        "status",
        "sub_score",
        "weight_ratio",
        "effective_weight_ratio",
        "value",
        "unit",
    }
    assert d["reasons"][0]["key"] == "hrv_below_normal"  # type: ignore[index]


def test_results_are_frozen_slotted_keyword_only():
    r = readiness(day=DAY)
    for cls in (Readiness, HrvBaseline, RhrBaseline, SleepInputs, ReadinessSettings):
        params = dataclasses.fields(cls)
        assert all(f.kw_only for f in params), cls
        assert hasattr(cls, "__slots__"), cls
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.score = 5  # type: ignore[misc]


def test_reason_keys_and_placeholders_are_listed():
    assert frozenset(REASON_PLACEHOLDERS) == REASON_KEYS
    for key in ("hrv_below_normal", "rhr_elevated", "short_sleep", "sleep_debt"):
        assert key in REASON_KEYS
    assert {"irregular_sleep", "no_strap_data", "no_sleep_data"} <= REASON_KEYS


def test_public_names_are_exported_from_the_package():
    for name in ("hrv_baseline", "rhr_baseline", "daily_values", "Readiness", "HrvBaseline"):
        assert getattr(physiology, name) is getattr(physiology.readiness, name)
    # The function readiness() is not re-exported: it would shadow the submodule attribute.
    assert isinstance(physiology.readiness, types.ModuleType)


def test_doctests():
    result = doctest.testmod(physiology.readiness)
    assert result.attempted >= 4
    assert result.failed == 0


def test_sleep_alone_never_earns_hard_training():
    r = readiness(
        day=date(2026, 1, 1),
        sleep=SleepInputs(target_sleep_h=8.0, last_night_h=8.5, sleep_debt_h=0.0, sri=90.0),
    )
    assert r.score == 100
    assert r.level is ReadinessLevel.MODERATE
    assert r.recommendation is Recommendation.MODERATE
    assert "hrv_status" in r.missing_inputs
