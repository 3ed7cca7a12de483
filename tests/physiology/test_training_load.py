"""Behaviour of physiology.training_load with hand-computed expectations (science.md §8)."""

from __future__ import annotations

import dataclasses
import doctest
import json
import math
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import physiology
import physiology.training_load
import pytest
from physiology import InsufficientDataError
from physiology.training_load import (
    DEFAULT_TRAINING_SETTINGS,
    AdviceKind,
    AdviceReason,
    HeartRateProfile,
    HrSource,
    LoadMethod,
    LoadSeed,
    SessionRecord,
    Sex,
    SrpeCalibration,
    TrainingLoad,
    TrainingSettings,
    TrainingWindow,
    WindowReason,
    banister_trimp,
    daily_advice,
    daily_load,
    fit_srpe_calibration,
    fitness_fatigue,
    heart_rate_profile,
    load_for_target_form,
    merge_sessions,
    session_load,
    session_rpe,
    srpe_pairs,
    suggested_load_range,
    supercompensation_window,
    tanaka_max_hr_bpm,
    training_history,
    trimp_weight,
)

D0 = date(2026, 3, 1)
TZ = ZoneInfo("Europe/Amsterdam")
PROFILE = HeartRateProfile(
    hr_rest_bpm=60.0,
    hr_max_bpm=160.0,
    sex=Sex.MALE,
    hr_rest_source=HrSource.CONFIGURED,
    hr_max_source=HrSource.CONFIGURED,
)

# Hand values, reserve 100 bpm (rest 60, max 160), HR 110 -> HRr = 0.5:
#   male   0.5 * 0.64 * e^(1.92 * 0.5) = 0.32 * 2.6116965 = 0.8357429 per minute
#   female 0.5 * 0.86 * e^(1.67 * 0.5) = 0.43 * 2.3048144 = 0.9910702 per minute
MALE_HALF = 0.32 * math.exp(0.96)
FEMALE_HALF = 0.43 * math.exp(0.835)


def test_doctests_pass():
    result = doctest.testmod(physiology.training_load)
    assert result.failed == 0
    assert result.attempted >= 6


def test_public_names_are_exported_from_the_package():
    for name in (
        "banister_trimp",
        "fitness_fatigue",
        "supercompensation_window",
        "daily_advice",
        "merge_sessions",
        "SessionDetector",
        "detect_sessions",
        "TrainingLoad",
    ):
        assert name in physiology.__all__
        assert hasattr(physiology, name)


# --------------------------------------------------------------------------- TRIMP


def test_banister_trimp_one_hour_at_half_reserve_male():
    trimp = banister_trimp([(3600.0, 110.0)], hr_rest_bpm=60, hr_max_bpm=160, sex="male")
    assert trimp == pytest.approx(60 * MALE_HALF)
    assert trimp == pytest.approx(50.1446, abs=1e-4)


def test_banister_trimp_female_constants():
    trimp = banister_trimp([(3600.0, 110.0)], hr_rest_bpm=60, hr_max_bpm=160, sex="female")
    assert trimp == pytest.approx(60 * FEMALE_HALF)
    assert trimp == pytest.approx(59.4642, abs=1e-4)


def test_banister_trimp_unspecified_sex_is_the_mean_of_both_curves():
    trimp = banister_trimp([(3600.0, 110.0)], hr_rest_bpm=60, hr_max_bpm=160, sex="unspecified")
    assert trimp == pytest.approx(60 * (MALE_HALF + FEMALE_HALF) / 2)
    assert trimp == pytest.approx(54.8044, abs=1e-4)


def test_banister_trimp_accepts_the_enum():
    assert banister_trimp(
        [(60.0, 110.0)], hr_rest_bpm=60, hr_max_bpm=160, sex=Sex.FEMALE
    ) == pytest.approx(FEMALE_HALF)


def test_banister_trimp_clips_the_reserve_ratio():
    # below rest -> HRr 0 -> 0; above max -> HRr 1 -> 0.64 * e^1.92 = 4.365413 per minute
    assert banister_trimp([(600.0, 40.0)], hr_rest_bpm=60, hr_max_bpm=160, sex="male") == 0.0
    above = banister_trimp([(60.0, 200.0)], hr_rest_bpm=60, hr_max_bpm=160, sex="male")
    assert above == pytest.approx(0.64 * math.exp(1.92))
    assert above == pytest.approx(4.365413, abs=1e-6)


def test_banister_trimp_sums_samples_per_minute():
    # 30 s at HRr 0.5 + 30 s at HRr 1.0 = 0.5 * 0.8357429 + 0.5 * 4.365413
    trimp = banister_trimp(
        [(30.0, 110.0), (30.0, 160.0)], hr_rest_bpm=60, hr_max_bpm=160, sex="male"
    )
    assert trimp == pytest.approx(0.5 * MALE_HALF + 0.5 * 0.64 * math.exp(1.92))


def test_stream_trimp_exceeds_the_average_hr_estimate_for_intervals():
    # 30 min at HRr 0.9 + 30 min at HRr 0.3 versus 60 min at the mean HRr 0.6
    stream = banister_trimp(
        [(1800.0, 150.0), (1800.0, 90.0)], hr_rest_bpm=60, hr_max_bpm=160, sex="male"
    )
    mean = banister_trimp([(3600.0, 120.0)], hr_rest_bpm=60, hr_max_bpm=160, sex="male")
    assert stream > mean * 1.15


def test_banister_trimp_without_samples_is_unknown_not_zero():
    with pytest.raises(InsufficientDataError) as err:
        banister_trimp([], hr_rest_bpm=60, hr_max_bpm=160, sex="male")
    assert (err.value.needed, err.value.got) == (1, 0)


@pytest.mark.parametrize(
    ("samples", "rest", "hr_max", "sex"),
    [
        ([(60.0, 100.0)], 60.0, 60.0, "male"),
        ([(60.0, 100.0)], 0.0, 160.0, "male"),
        ([(60.0, 100.0)], 60.0, math.inf, "male"),
        ([(-1.0, 100.0)], 60.0, 160.0, "male"),
        ([(60.0, math.nan)], 60.0, 160.0, "male"),
        ([(60.0, 100.0)], 60.0, 160.0, "other"),
        ([(True, 100.0)], 60.0, 160.0, "male"),
    ],
)
def test_banister_trimp_rejects_bad_input(samples, rest, hr_max, sex):
    with pytest.raises(ValueError, match=r"."):
        banister_trimp(samples, hr_rest_bpm=rest, hr_max_bpm=hr_max, sex=sex)


def test_trimp_weight_clips_and_never_uses_the_wrong_power_form():
    assert trimp_weight(-0.5, "male") == 0.0
    assert trimp_weight(2.0, "male") == pytest.approx(0.64 * math.exp(1.92))
    # the mistaken 0.64 ** (1.92 * x) form would give a value below 1 per minute here
    assert trimp_weight(1.0, "male") > 4.0


# --------------------------------------------------------------------------- HR profile


def test_tanaka_max_hr():
    assert tanaka_max_hr_bpm(40) == 180.0
    assert tanaka_max_hr_bpm(20.5) == pytest.approx(193.65)
    with pytest.raises(ValueError, match="age_years"):
        tanaka_max_hr_bpm(3)


def test_profile_prefers_the_morning_baseline_and_the_configured_max():
    p = heart_rate_profile(
        sex="female",
        morning_rest_bpm=52.0,
        configured_rest_bpm=60.0,
        configured_max_bpm=185.0,
        age_years=40,
    )
    assert (p.hr_rest_bpm, p.hr_rest_source) == (52.0, HrSource.MORNING_BASELINE)
    assert (p.hr_max_bpm, p.hr_max_source) == (185.0, HrSource.CONFIGURED)
    assert not p.hr_max_estimated
    assert p.sex is Sex.FEMALE
    assert p.hr_at_reserve_bpm(0.5) == pytest.approx(118.5)


def test_profile_falls_back_to_configured_rest_and_tanaka_max_labelled_estimated():
    p = heart_rate_profile(configured_rest_bpm=60.0, age_years=40)
    assert (p.hr_rest_bpm, p.hr_rest_source) == (60.0, HrSource.CONFIGURED)
    assert (p.hr_max_bpm, p.hr_max_source) == (180.0, HrSource.ESTIMATED_TANAKA)
    assert p.hr_max_estimated
    assert p.sex is Sex.UNSPECIFIED


@pytest.mark.parametrize(
    ("kwargs", "got"),
    [
        ({}, 0),
        ({"configured_rest_bpm": 60.0}, 1),
        ({"configured_max_bpm": 180.0}, 1),
    ],
)
def test_profile_without_anchors_is_unknown(kwargs, got):
    with pytest.raises(InsufficientDataError) as err:
        heart_rate_profile(**kwargs)
    assert (err.value.needed, err.value.got) == (2, got)


def test_profile_rejects_rest_at_or_above_max():
    with pytest.raises(ValueError, match="hr_rest_bpm"):
        heart_rate_profile(configured_rest_bpm=190.0, configured_max_bpm=180.0)


# --------------------------------------------------------------------------- records and loads


def _record(**kwargs: object) -> SessionRecord:
    base: dict[str, object] = {
        "start": datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
        "duration_s": 3600.0,
        "source": "strap",
    }
    base.update(kwargs)
    return SessionRecord(**base)  # type: ignore[arg-type]


def test_session_record_validates():
    with pytest.raises(ValueError, match="timezone-aware"):
        _record(start=datetime(2026, 3, 1, 9, 0))  # noqa: DTZ001
    with pytest.raises(TypeError, match="datetime"):
        _record(start=date(2026, 3, 1))
    with pytest.raises(ValueError, match="duration_s"):
        _record(duration_s=0.0)
    with pytest.raises(ValueError, match="CR-10"):
        _record(rpe=11.0)
    with pytest.raises(ValueError, match="avg_hr_bpm"):
        _record(avg_hr_bpm=math.nan)
    r = _record()
    assert r.end == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert not r.has_stream
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.sport = "x"  # type: ignore[misc]


def test_session_rpe_is_rating_times_minutes():
    assert session_rpe(6, 45 * 60) == 270.0
    with pytest.raises(ValueError, match="rpe"):
        session_rpe(12, 60)
    with pytest.raises(ValueError, match="rpe"):
        session_rpe(5, -1)


def test_session_load_from_the_stream():
    rec = _record(hr_samples=((1800.0, 110.0), (1800.0, 110.0)), avg_hr_bpm=150.0, rpe=5.0)
    load = session_load(rec, profile=PROFILE)
    assert load.method is LoadMethod.STREAM
    assert load.trimp == pytest.approx(60 * MALE_HALF)
    assert not load.is_estimate
    assert load.srpe_au == 300.0


def test_stream_load_with_an_estimated_max_is_labelled_estimate():
    profile = dataclasses.replace(PROFILE, hr_max_source=HrSource.ESTIMATED_TANAKA)
    load = session_load(_record(hr_samples=((60.0, 110.0),)), profile=profile)
    assert load.method is LoadMethod.STREAM
    assert load.is_estimate


def test_session_load_from_the_average_is_an_estimate():
    load = session_load(_record(avg_hr_bpm=110.0), profile=PROFILE)
    assert load.method is LoadMethod.AVERAGE_HR_ESTIMATE
    assert load.trimp == pytest.approx(60 * MALE_HALF)
    assert load.is_estimate


def test_session_load_from_rpe_default_and_calibrated():
    rec = _record(rpe=5.0, avg_hr_bpm=110.0)
    default = session_load(rec, profile=None)
    assert default.method is LoadMethod.SRPE_DEFAULT
    assert default.trimp == pytest.approx(0.4 * 300.0)
    cal = SrpeCalibration(trimp_per_au=0.5, pairs=6, fitted=True)
    calibrated = session_load(rec, profile=None, calibration=cal)
    assert calibrated.method is LoadMethod.SRPE_CALIBRATED
    assert calibrated.trimp == pytest.approx(150.0)
    assert calibrated.is_estimate


def test_vendor_load_is_carried_but_never_on_our_scale():
    rec = _record(vendor_load=180.0, vendor_load_unit="garmin_load", vendor_name="garmin")
    load = session_load(rec, profile=PROFILE)
    assert load.method is LoadMethod.NONE
    assert load.trimp is None
    assert (load.vendor_load, load.vendor_load_unit, load.vendor_name) == (
        180.0,
        "garmin_load",
        "garmin",
    )


def test_daily_load_sums_per_local_date_and_skips_unknown_loads():
    # 23:30 UTC on 1 March is 00:30 on 2 March in Amsterdam (UTC+1)
    late = _record(start=datetime(2026, 3, 1, 23, 30, tzinfo=UTC), avg_hr_bpm=110.0)
    morning = _record(start=datetime(2026, 3, 2, 7, 0, tzinfo=UTC), avg_hr_bpm=110.0)
    unknown = _record(start=datetime(2026, 3, 3, 7, 0, tzinfo=UTC), vendor_load=99.0)
    loads = daily_load([late, morning, unknown], tz=TZ, profile=PROFILE)
    assert loads == {date(2026, 3, 2): pytest.approx(120 * MALE_HALF)}


# --------------------------------------------------------------------------- sRPE calibration


def test_fit_srpe_calibration_through_the_origin():
    # k = sum(x*y) / sum(x^2): x = 100, 200, 300, 400, 500; y = 0.6 x
    pairs = [(x, 0.6 * x) for x in (100.0, 200.0, 300.0, 400.0, 500.0)]
    cal = fit_srpe_calibration(pairs)
    assert cal == SrpeCalibration(trimp_per_au=pytest.approx(0.6), pairs=5, fitted=True)


def test_fit_srpe_calibration_with_noise_by_hand():
    # sRPE 100..500 in steps of 100 against TRIMP 55, 130, 170, 250, 290:
    # sum xy = 5500 + 26000 + 51000 + 100000 + 145000 = 327500; sum x^2 = 550000
    pairs = [(100.0, 55.0), (200.0, 130.0), (300.0, 170.0), (400.0, 250.0), (500.0, 290.0)]
    assert fit_srpe_calibration(pairs).trimp_per_au == pytest.approx(327500 / 550000)


def test_fit_srpe_calibration_uses_the_default_until_enough_pairs():
    pairs = [(100.0, 80.0)] * 4 + [(0.0, 30.0)] * 3  # zero-sRPE pairs do not count
    cal = fit_srpe_calibration(pairs)
    assert cal == SrpeCalibration(trimp_per_au=0.4, pairs=4, fitted=False)
    custom = TrainingSettings(srpe_min_pairs=2, srpe_default_trimp_per_au=0.3)
    assert fit_srpe_calibration(pairs, settings=custom).trimp_per_au == pytest.approx(0.8)
    assert fit_srpe_calibration([], settings=custom).trimp_per_au == 0.3


def test_fit_srpe_calibration_rejects_negative_values():
    with pytest.raises(ValueError, match="must be >= 0"):
        fit_srpe_calibration([(-1.0, 2.0)])


def test_srpe_pairs_use_only_sessions_with_a_stream_and_an_rpe():
    with_both = _record(rpe=5.0, hr_samples=((3600.0, 110.0),))
    average_only = _record(rpe=5.0, avg_hr_bpm=110.0)
    no_rpe = _record(hr_samples=((3600.0, 110.0),))
    pairs = srpe_pairs([with_both, average_only, no_rpe], profile=PROFILE)
    assert pairs == [(300.0, pytest.approx(60 * MALE_HALF))]


# --------------------------------------------------------------------------- merging


def test_merge_sessions_keeps_the_stream_and_borrows_missing_fields():
    t = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    strap = _record(start=t, hr_samples=((3600.0, 110.0),), avg_hr_bpm=110.0, source="strap")
    garmin = _record(
        start=t + timedelta(minutes=2),
        duration_s=3540.0,
        avg_hr_bpm=140.0,
        vendor_load=150.0,
        vendor_load_unit="garmin_load",
        vendor_name="garmin",
        sport="running",
        source="garmin_connect",
        source_id="123",
    )
    manual = _record(start=t, rpe=6.0, source="manual")
    merged = merge_sessions([garmin, manual, strap])
    assert len(merged) == 1
    (one,) = merged
    assert one.source == "strap"
    assert one.hr_samples == ((3600.0, 110.0),)
    assert one.avg_hr_bpm == 110.0  # the winner keeps its own values
    assert one.rpe == 6.0
    assert (one.vendor_load, one.vendor_load_unit, one.vendor_name) == (
        150.0,
        "garmin_load",
        "garmin",
    )
    assert one.sport == "running"
    assert one.source_id == "123"
    assert one.merged_from == ("garmin_connect", "manual")


def test_merge_sessions_keeps_separate_sessions_apart():
    t = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    a = _record(start=t, duration_s=3600.0, avg_hr_bpm=120.0, source="a")
    # overlaps a by 20 min, less than half of the shorter (60 min) -> separate
    b = _record(start=t + timedelta(minutes=40), duration_s=3600.0, rpe=4.0, source="b")
    c = _record(start=t + timedelta(hours=5), duration_s=1800.0, source="c")
    merged = merge_sessions([c, b, a])
    assert [m.source for m in merged] == ["a", "b", "c"]
    assert all(m.merged_from == () for m in merged)


def test_merge_sessions_ranks_average_over_rpe_over_nothing_then_duration():
    t = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    nothing = _record(start=t, source="x")
    rpe = _record(start=t, rpe=3.0, source="y")
    avg = _record(start=t, avg_hr_bpm=100.0, source="z")
    assert merge_sessions([nothing, rpe, avg])[0].source == "z"
    assert merge_sessions([nothing, rpe])[0].source == "y"
    longer = _record(start=t, duration_s=4000.0, source="w")
    assert merge_sessions([nothing, longer])[0].source == "w"


def test_merge_sessions_is_transitive_and_handles_other_time_zones():
    t = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    a = _record(start=t, duration_s=3600.0, source="a")
    b = _record(start=(t + timedelta(minutes=20)).astimezone(TZ), duration_s=3600.0, source="b")
    c = _record(start=t + timedelta(minutes=50), duration_s=3600.0, source="c")
    # a-b overlap 40 min, b-c overlap 50 min, a-c only 10 min: one group through b
    assert len(merge_sessions([a, b, c])) == 1


def test_merge_sessions_joins_two_groups_bridged_by_a_later_session():
    t = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    # a 10:00-12:00 and b 11:30-13:00 overlap 30 min < half of the shorter (45): two groups;
    # c 11:40-12:20 (after both started) overlaps a by 20 min (>= half of its 40) and b by
    # 40 min: it bridges the two groups
    long_a = _record(start=t, duration_s=7200.0, sport="cycling", source="a")
    b = _record(start=t + timedelta(minutes=90), duration_s=5400.0, source="b")
    c = _record(start=t + timedelta(minutes=100), duration_s=2400.0, source="c")
    assert len(merge_sessions([long_a, b])) == 2
    (one,) = merge_sessions([long_a, b, c])
    assert one.source == "a"
    assert one.sport == "cycling"
    assert set(one.merged_from) == {"b", "c"}


# --------------------------------------------------------------------------- fitness-fatigue


def test_fitness_fatigue_first_days_by_hand():
    # day 0: CTL = 0 + (100 - 0)/42 = 2.380952; ATL = 100/7 = 14.285714; TSB = 0 - 0 = 0
    first = fitness_fatigue({D0: 100.0}, D0)
    assert first.ctl == pytest.approx(100 / 42)
    assert first.atl == pytest.approx(100 / 7)
    assert first.tsb == 0.0
    assert first.load == 100.0
    # day 1 (no training): CTL = 2.380952 * 41/42 = 2.324263; ATL = 14.285714 * 6/7 = 12.244898
    # TSB = yesterday's CTL - ATL = 2.380952 - 14.285714 = -11.904762
    second = fitness_fatigue({D0: 100.0}, D0 + timedelta(days=1))
    assert second.ctl == pytest.approx(2.324263, abs=1e-6)
    assert second.atl == pytest.approx(12.244898, abs=1e-6)
    assert second.tsb == pytest.approx(-11.904762, abs=1e-6)
    assert (second.ctl_yesterday, second.atl_yesterday) == (first.ctl, first.atl)
    assert second.load == 0.0
    assert second.history_days == 2
    assert second.form_pct == pytest.approx(100 * -11.904762 / 2.380952, abs=1e-4)
    assert first.form_pct is None  # no fitness entering the first day


def test_fitness_fatigue_constant_load_converges():
    loads = {D0 + timedelta(days=i): 50.0 for i in range(400)}
    r = fitness_fatigue(loads, D0 + timedelta(days=399))
    assert r.ctl == pytest.approx(50.0, abs=0.01)
    assert r.atl == pytest.approx(50.0, abs=1e-9)
    assert r.acwr == pytest.approx(1.0)


def test_fitness_fatigue_seed_replaces_the_start_at_zero():
    # seed at the end of D0: CTL 50, ATL 60. D0+1 without training:
    # CTL = 50 * 41/42 = 48.809524; ATL = 60 * 6/7 = 51.428571; TSB = 50 - 60 = -10
    seed = LoadSeed(day=D0, ctl=50.0, atl=60.0)
    r = fitness_fatigue({D0: 500.0}, D0 + timedelta(days=1), seed=seed)
    assert r.ctl == pytest.approx(48.809524, abs=1e-6)
    assert r.atl == pytest.approx(51.428571, abs=1e-6)
    assert r.tsb == pytest.approx(-10.0)
    assert r.history_days == 1
    assert fitness_fatigue({}, D0 + timedelta(days=1), seed=seed).ctl == r.ctl


def test_fitness_fatigue_acwr_by_hand():
    # 21 days at 10 then 7 days at 40: acute = 40, chronic = (210 + 280)/28 = 17.5
    loads = {D0 + timedelta(days=i): (10.0 if i < 21 else 40.0) for i in range(28)}
    r = fitness_fatigue(loads, D0 + timedelta(days=27))
    assert r.acwr == pytest.approx(40 / 17.5)
    assert fitness_fatigue(loads, D0 + timedelta(days=26)).acwr is None
    zero = {D0 + timedelta(days=i): 0.0 for i in range(30)}
    assert fitness_fatigue(zero, D0 + timedelta(days=29)).acwr is None


def test_fitness_fatigue_without_history_is_unknown():
    with pytest.raises(InsufficientDataError):
        fitness_fatigue({}, D0)
    with pytest.raises(InsufficientDataError):
        fitness_fatigue({D0: 10.0}, D0 - timedelta(days=1))


@pytest.mark.parametrize(
    "loads",
    [{D0: -1.0}, {D0: math.nan}, {datetime(2026, 3, 1, tzinfo=UTC): 1.0}],
)
def test_fitness_fatigue_rejects_bad_loads(loads):
    with pytest.raises((ValueError, TypeError)):
        fitness_fatigue(loads, D0 + timedelta(days=1))


def test_load_seed_validates():
    with pytest.raises(ValueError, match=">= 0"):
        LoadSeed(day=D0, ctl=-1.0, atl=0.0)
    with pytest.raises(TypeError):
        LoadSeed(day="2026-03-01", ctl=1.0, atl=0.0)  # type: ignore[arg-type]


def test_custom_time_constants():
    s = TrainingSettings(ctl_days=2.0, atl_days=1.0)
    r = fitness_fatigue({D0: 10.0}, D0, settings=s)
    assert (r.ctl, r.atl) == (5.0, 10.0)


# --------------------------------------------------------------------------- history


def test_training_history_hard_day_has_an_absolute_floor_for_beginners():
    # CTL entering D0-5 is about 1 (one 50 on D0-10): the floor of 100 decides -> 150 is hard
    loads = {D0 - timedelta(days=10): 50.0, D0 - timedelta(days=5): 150.0, D0 - timedelta(3): 60.0}
    loads[D0] = 500.0  # today's own load is not looked at
    h = training_history(loads, D0)
    assert h.last_session_day == D0 - timedelta(days=3)
    assert h.days_since_last_session == 3
    assert h.last_hard_day == D0 - timedelta(days=5)
    assert h.days_since_hard_session == 5
    assert h.training_days_recent == 3
    assert not h.hard_session_yesterday


def test_training_history_hard_is_relative_to_ctl_for_trained_people():
    # 60 days at 80 -> CTL = 80 * (1 - (41/42)^60) = 61.17 at the end of D0-11. Threshold =
    # 2 * CTL entering the day: D0-10 2 * 62.9 = 125.8 -> 110 is not hard although above the
    # floor; D0-8 2 * 60.84 = 121.7 -> 140 is hard; D0-1 2 * 54.28 = 108.6 -> 105 is not.
    loads = {D0 - timedelta(days=70 - i): 80.0 for i in range(60)}
    loads[D0 - timedelta(days=10)] = 110.0
    loads[D0 - timedelta(days=8)] = 140.0
    loads[D0 - timedelta(days=1)] = 105.0
    h = training_history(loads, D0)
    assert h.last_hard_day == D0 - timedelta(days=8)
    assert h.days_since_last_session == 1
    assert not h.hard_session_yesterday


def test_training_history_hard_yesterday_and_sparse_count():
    loads = {D0 - timedelta(days=1): 120.0, D0 - timedelta(days=20): 30.0}
    h = training_history(loads, D0)
    assert h.hard_session_yesterday
    assert h.days_since_hard_session == 1
    assert h.training_days_recent == 1


def test_training_history_with_a_seed_uses_its_ctl_for_earlier_days():
    seed = LoadSeed(day=D0 - timedelta(days=5), ctl=100.0, atl=100.0)
    # D0-6 (before the seed): 150 < 2 * 100 -> not hard; CTL entering D0-2 decayed over D0-4
    # and D0-3: 100 * (41/42)^2 = 95.29 -> threshold 190.6: 195 is hard, 185 is not
    loads = {D0 - timedelta(days=6): 150.0, D0 - timedelta(days=2): 195.0}
    h = training_history(loads, D0, seed=seed)
    assert h.last_hard_day == D0 - timedelta(days=2)
    loads[D0 - timedelta(days=2)] = 185.0
    assert training_history(loads, D0, seed=seed).last_hard_day is None


def test_training_history_empty():
    h = training_history({}, D0)
    assert h.days_since_last_session is None
    assert h.days_since_hard_session is None
    assert h.training_days_recent == 0


# --------------------------------------------------------------------------- window


def _window(**kwargs: object):
    base: dict[str, object] = {
        "days_since_hard_session": 2,
        "days_since_last_session": 1,
        "tsb": -5.0,
        "ctl": 50.0,
        "readiness_score": 80.0,
        "hrv_below_normal": False,
    }
    base.update(kwargs)
    return supercompensation_window(**base)  # type: ignore[arg-type]


def test_window_overreaching_needs_low_form_and_low_hrv():
    # form = 100 * -16 / 50 = -32 % <= -30 %
    w = _window(tsb=-16.0, hrv_below_normal=True)
    assert w.state is TrainingWindow.OVERREACHING
    assert w.reasons == (WindowReason.FORM_VERY_LOW, WindowReason.HRV_BELOW_NORMAL)
    assert w.form_pct == pytest.approx(-32.0)
    alone = _window(tsb=-16.0, hrv_below_normal=None)
    assert alone.state is TrainingWindow.RECOVERING
    assert alone.reasons == (WindowReason.FORM_VERY_LOW,)
    edge = _window(tsb=-15.0, hrv_below_normal=True)  # exactly -30 % counts
    assert edge.state is TrainingWindow.OVERREACHING


def test_window_detraining_after_the_gap():
    w = _window(days_since_hard_session=12, days_since_last_session=8)
    assert w.state is TrainingWindow.DETRAINING
    assert w.reasons == (WindowReason.NO_TRAINING_FOR_DAYS,)
    assert _window(days_since_hard_session=12, days_since_last_session=7).state is (
        TrainingWindow.WINDOW_CLOSING
    )


@pytest.mark.parametrize(
    ("days_hard", "state", "reason"),
    [
        (0, TrainingWindow.RECOVERING, WindowReason.HARD_SESSION_RECENT),
        (1, TrainingWindow.RECOVERING, WindowReason.HARD_SESSION_RECENT),
        (2, TrainingWindow.READY, WindowReason.RECOVERED),
        (3, TrainingWindow.READY, WindowReason.RECOVERED),
        (4, TrainingWindow.WINDOW_CLOSING, WindowReason.HARD_SESSION_LONG_AGO),
        (None, TrainingWindow.WINDOW_CLOSING, WindowReason.NO_HARD_SESSION),
    ],
)
def test_window_follows_days_since_the_hard_session(days_hard, state, reason):
    w = _window(days_since_hard_session=days_hard, days_since_last_session=0)
    assert w.state is state
    assert w.reasons == (reason,)


def test_window_not_recovered_by_readiness_or_hrv():
    low = _window(readiness_score=60.0)
    assert low.state is TrainingWindow.RECOVERING
    assert low.reasons == (WindowReason.READINESS_LOW,)
    hrv = _window(days_since_hard_session=1, hrv_below_normal=True, readiness_score=50.0)
    assert hrv.reasons == (
        WindowReason.HARD_SESSION_RECENT,
        WindowReason.HRV_BELOW_NORMAL,
        WindowReason.READINESS_LOW,
    )


def test_window_says_when_readiness_is_unknown():
    w = _window(readiness_score=None, hrv_below_normal=None, tsb=None, ctl=None)
    assert w.state is TrainingWindow.READY
    assert w.reasons == (WindowReason.RECOVERED, WindowReason.READINESS_UNKNOWN)
    assert w.form_pct is None
    assert _window(ctl=0.0).form_pct is None


def test_window_needs_a_session_and_consistent_days():
    with pytest.raises(InsufficientDataError):
        _window(days_since_hard_session=None, days_since_last_session=None)
    with pytest.raises(ValueError, match="more recent"):
        _window(days_since_hard_session=1, days_since_last_session=3)
    with pytest.raises(ValueError, match="whole number"):
        _window(days_since_last_session=-1)
    with pytest.raises(ValueError, match="whole number"):
        _window(days_since_last_session=1.5)
    with pytest.raises(ValueError, match="finite"):
        _window(readiness_score=math.nan)


def test_window_from_a_constructed_history():
    # a trained person: 200 days of 60/day (CTL ~ 59.5), a 200 day four days ago, easy since
    loads = {D0 - timedelta(days=204 - i): 60.0 for i in range(200)}
    loads[D0 - timedelta(days=4)] = 200.0
    for k in (3, 2, 1):
        loads[D0 - timedelta(days=k)] = 30.0
    h = training_history(loads, D0)
    tl = fitness_fatigue(loads, D0)
    w = supercompensation_window(
        days_since_hard_session=h.days_since_hard_session,
        days_since_last_session=h.days_since_last_session,
        tsb=tl.tsb,
        ctl=tl.ctl_yesterday,
        readiness_score=85.0,
        hrv_below_normal=False,
    )
    assert h.days_since_hard_session == 4
    assert tl.form_reliable
    assert w.state is TrainingWindow.WINDOW_CLOSING


def test_form_is_unreliable_while_ctl_ramps_up_from_zero():
    # 56 days of a steady 60: CTL = 60 * (1 - (41/42)^56) = 44.5 while ATL ~ 60, so form is
    # about -35 % of CTL for steady training: an artefact of starting at 0, not fatigue.
    loads = {D0 - timedelta(days=56 - i): 60.0 for i in range(56)}
    tl = fitness_fatigue(loads, D0)
    assert tl.form_pct is not None
    assert tl.form_pct < -30.0
    assert not tl.form_reliable
    longer = {D0 - timedelta(days=84 - i): 60.0 for i in range(84)}
    assert fitness_fatigue(longer, D0).form_reliable
    seeded = fitness_fatigue({}, D0, seed=LoadSeed(day=D0 - timedelta(days=1), ctl=5, atl=5))
    assert seeded.form_reliable


# --------------------------------------------------------------------------- advice


def _advice(**kwargs: object):
    base: dict[str, object] = {
        "window": TrainingWindow.READY,
        "readiness_score": 82.0,
        "has_morning_measurement": True,
        "training_days_recent": 5,
    }
    base.update(kwargs)
    return daily_advice(**base)  # type: ignore[arg-type]


def test_advice_train_when_ready_with_a_measurement():
    a = _advice()
    assert a.kind is AdviceKind.TRAIN
    assert a.reasons == (AdviceReason.READY,)
    assert a.hard_training_allowed
    assert not a.capped
    assert a.also == ()


def test_advice_catch_the_window():
    a = _advice(window=TrainingWindow.WINDOW_CLOSING)
    assert a.kind is AdviceKind.TRAIN_TO_CATCH_WINDOW
    assert a.hard_training_allowed


def test_advice_without_morning_measurement_never_hard():
    a = _advice(window=TrainingWindow.WINDOW_CLOSING, has_morning_measurement=False)
    assert a.kind is AdviceKind.TRAIN
    assert a.capped
    assert not a.hard_training_allowed
    assert a.reasons == (AdviceReason.WINDOW_CLOSING, AdviceReason.NO_MEASUREMENT_TODAY)


def test_advice_unknown_readiness_caps_hard_training():
    a = _advice(readiness_score=None)
    assert a.kind is AdviceKind.TRAIN
    assert a.capped
    assert AdviceReason.READINESS_UNKNOWN in a.reasons


@pytest.mark.parametrize(
    ("kwargs", "kind", "first_reason"),
    [
        ({"window": TrainingWindow.OVERREACHING}, AdviceKind.REST, AdviceReason.OVERREACHING),
        ({"readiness_score": 30.0}, AdviceKind.REST, AdviceReason.READINESS_VERY_LOW),
        (
            {"window": TrainingWindow.RECOVERING},
            AdviceKind.ACTIVE_RECOVERY,
            AdviceReason.RECOVERING,
        ),
        ({"readiness_score": 45.0}, AdviceKind.ACTIVE_RECOVERY, AdviceReason.READINESS_LOW),
        (
            {"window": TrainingWindow.RECOVERING, "sleep_debt_h": 3.0},
            AdviceKind.NAP,
            AdviceReason.RECOVERING,
        ),
        (
            {"window": TrainingWindow.RECOVERING, "hard_session_yesterday": True},
            AdviceKind.PROTEIN,
            AdviceReason.RECOVERING,
        ),
        ({"hrv_below_normal": True}, AdviceKind.BREATHING, AdviceReason.HRV_BELOW_NORMAL),
        (
            {"window": TrainingWindow.DETRAINING},
            AdviceKind.BUILD_MORE,
            AdviceReason.DETRAINING,
        ),
        ({"window": None}, AdviceKind.BUILD_MORE, AdviceReason.NO_TRAINING_HISTORY),
        ({"training_days_recent": 1}, AdviceKind.BUILD_MORE, AdviceReason.TRAINING_SPARSE),
    ],
)
def test_advice_rules(kwargs, kind, first_reason):
    a = _advice(**kwargs)
    assert a.kind is kind
    assert a.reasons[0] is first_reason
    assert not a.hard_training_allowed
    assert not a.capped


def test_advice_rest_lists_both_reasons_and_recovery_extras():
    a = _advice(
        window=TrainingWindow.OVERREACHING,
        readiness_score=20.0,
        sleep_debt_h=2.0,
        hard_session_yesterday=True,
        hrv_below_normal=True,
    )
    assert a.kind is AdviceKind.REST
    assert a.reasons == (
        AdviceReason.OVERREACHING,
        AdviceReason.READINESS_VERY_LOW,
        AdviceReason.HRV_BELOW_NORMAL,
        AdviceReason.SLEEP_DEBT,
        AdviceReason.HARD_SESSION_YESTERDAY,
    )
    assert a.also == (AdviceKind.NAP, AdviceKind.PROTEIN, AdviceKind.BREATHING)


def test_advice_cool_down_reminder_only_on_training_days():
    a = _advice(last_session_no_cool_down=True, hard_session_yesterday=True, sleep_debt_h=1.0)
    assert a.kind is AdviceKind.TRAIN
    assert a.also == (AdviceKind.COOL_DOWN, AdviceKind.PROTEIN)
    assert AdviceReason.NO_COOL_DOWN_LAST_SESSION in a.reasons
    rest = _advice(window=TrainingWindow.RECOVERING, last_session_no_cool_down=True)
    assert AdviceKind.COOL_DOWN not in rest.also


def test_advice_build_more_without_measurement_says_so_and_sparse_is_listed():
    a = _advice(
        window=TrainingWindow.DETRAINING, training_days_recent=0, has_morning_measurement=False
    )
    assert a.kind is AdviceKind.BUILD_MORE
    assert a.reasons == (
        AdviceReason.DETRAINING,
        AdviceReason.TRAINING_SPARSE,
        AdviceReason.NO_MEASUREMENT_TODAY,
    )
    assert not a.capped


def test_advice_rejects_non_finite_numbers():
    with pytest.raises(ValueError, match="finite"):
        _advice(readiness_score=math.inf)
    with pytest.raises(ValueError, match="finite"):
        _advice(sleep_debt_h=math.nan)


# --------------------------------------------------------------------------- suggested load


def test_load_for_target_form_by_hand():
    # ctl = atl = 50, p = -0.2, a = 1/42, b = 1/7:
    # L = (1.2 * 50 * 41/42 - 50 * 6/7) / (1/7 - 1/42 - 0.2/42) = 15.714286 / 0.1142857 = 137.5
    load = load_for_target_form(ctl=50.0, atl=50.0, target_form_pct=-20.0)
    assert load == pytest.approx(137.5)
    # check with the model: tomorrow's form is -20 % of tomorrow's CTL entering the day
    tomorrow = fitness_fatigue(
        {D0: 0.0, D0 + timedelta(days=1): load},
        D0 + timedelta(days=2),
        seed=LoadSeed(day=D0, ctl=50.0, atl=50.0),
    )
    assert tomorrow.form_pct == pytest.approx(-20.0)


def test_load_for_target_form_clips_at_zero_and_validates():
    assert load_for_target_form(ctl=10.0, atl=90.0, target_form_pct=-10.0) == 0.0
    with pytest.raises(ValueError, match="cannot be reached"):
        load_for_target_form(ctl=10.0, atl=10.0, target_form_pct=-600.0)
    with pytest.raises(ValueError, match=">= 0"):
        load_for_target_form(ctl=-1.0, atl=10.0, target_form_pct=-10.0)


def test_suggested_load_range():
    tl = TrainingLoad(
        day=D0,
        load=0.0,
        ctl=50.0,
        atl=50.0,
        ctl_yesterday=50.0,
        atl_yesterday=50.0,
        tsb=0.0,
        acwr=None,
        history_days=100,
        form_reliable=True,
    )
    r = suggested_load_range(tl)
    assert r.low_trimp == pytest.approx(load_for_target_form(ctl=50, atl=50, target_form_pct=-10))
    assert r.high_trimp == pytest.approx(load_for_target_form(ctl=50, atl=50, target_form_pct=-30))
    assert r.low_trimp < 137.5 < r.high_trimp
    assert (r.target_form_low_pct, r.target_form_high_pct) == (-30.0, -10.0)
    with pytest.raises(InsufficientDataError):
        suggested_load_range(dataclasses.replace(tl, ctl_yesterday=0.0))


# --------------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    "kwargs",
    [
        {"ctl_days": 0.0},
        {"ctl_days": 0.5},
        {"acwr_chronic_days": 5},
        {"session_hrr_ratio": 0.7},
        {"ready_after_days": 5},
        {"target_form_low_pct": 0.0},
        {"cool_down_min_easy_s": 400.0},
        {"merge_min_overlap_ratio": 0.0},
        {"dip_tolerance_s": -1.0},
        {"hrr_s": math.nan},
        {"acwr_chronic_days": 28.5},
        {"detraining_gap_days": True},
    ],
)
def test_settings_reject_nonsense(kwargs):
    with pytest.raises((ValueError, TypeError), match=r"."):
        TrainingSettings(**kwargs)


def test_default_settings_are_frozen_and_documented():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_TRAINING_SETTINGS.ctl_days = 1.0  # type: ignore[misc]
    doc = TrainingSettings.__doc__ or ""
    for item in dataclasses.fields(TrainingSettings):
        assert item.name in doc, item.name


def test_results_serialise_to_json():
    tl = fitness_fatigue({D0: 100.0}, D0 + timedelta(days=1))
    assert not tl.form_reliable  # so form is not passed to the window
    w = supercompensation_window(
        days_since_hard_session=1, days_since_last_session=1, tsb=None, ctl=None
    )
    a = daily_advice(window=w.state, readiness_score=None, has_morning_measurement=False)
    load = session_load(_record(rpe=4.0, vendor_load=9.0, vendor_name="polar"), profile=None)
    payload = {
        "load": tl.as_dict(),
        "window": w.as_dict(),
        "advice": a.as_dict(),
        "session": load.as_dict(),
    }
    decoded = json.loads(json.dumps(payload))
    assert decoded["load"]["day"] == "2026-03-02"
    assert decoded["load"]["tsb"] == pytest.approx(-11.904762, abs=1e-6)
    assert decoded["window"] == {
        "state": "recovering",
        "reasons": ["hard_session_recent"],
        "days_since_hard_session": 1,
        "days_since_last_session": 1,
        "form_pct": None,
    }
    assert decoded["advice"]["kind"] == "active_recovery"
    assert decoded["session"]["method"] == "srpe_default"
    assert decoded["session"]["vendor_name"] == "polar"


def test_pipeline_from_strap_stream_to_advice():
    from physiology.training_session import detect_sessions  # noqa: PLC0415

    # 90 days of a 70-TRIMP routine, then this morning's strap run merged with the watch copy
    loads = {D0 - timedelta(days=k): 70.0 for k in range(2, 92) if k % 7 not in {0, 3}}
    stream = [(float(t), 80.0) for t in range(300)]
    stream += [(float(t), 150.0) for t in range(300, 300 + 3600)]  # 60 min at 90 % HRR
    stream += [(float(t), 70.0) for t in range(3900, 4200)]
    (found,) = detect_sessions(stream, hr_rest_bpm=60.0, hr_max_bpm=160.0)
    t0 = datetime(2026, 2, 28, 6, 0, tzinfo=UTC)  # yesterday 07:00 in Amsterdam
    strap = found.to_record(t0=t0, sport="running")
    watch = _record(start=strap.start, duration_s=3600.0, source="garmin_connect", avg_hr_bpm=149.0)
    sessions = merge_sessions([watch, strap])
    assert [s.source for s in sessions] == ["strap"]
    day_loads = daily_load(sessions, tz=TZ, profile=PROFILE)
    yesterday = D0 - timedelta(days=1)
    # 60 min at HRr 0.9: 60 * 0.9 * 0.64 * e^(1.728) = 194.6 (+ the end sample's second)
    assert day_loads[yesterday] == pytest.approx(60 * 0.9 * 0.64 * math.exp(1.728), rel=1e-3)
    loads.update(day_loads)
    tl = fitness_fatigue(loads, D0)
    history = training_history(loads, D0)
    assert history.hard_session_yesterday
    window = supercompensation_window(
        days_since_hard_session=history.days_since_hard_session,
        days_since_last_session=history.days_since_last_session,
        tsb=tl.tsb if tl.form_reliable else None,
        ctl=tl.ctl_yesterday if tl.form_reliable else None,
        readiness_score=78.0,
        hrv_below_normal=False,
    )
    assert window.state is TrainingWindow.RECOVERING
    advice = daily_advice(
        window=window.state,
        readiness_score=78.0,
        has_morning_measurement=True,
        hard_session_yesterday=history.hard_session_yesterday,
        last_session_no_cool_down=found.cooled_down is False,
        training_days_recent=history.training_days_recent,
    )
    assert advice.kind is AdviceKind.PROTEIN
    assert advice.reasons == (AdviceReason.RECOVERING, AdviceReason.HARD_SESSION_YESTERDAY)


@pytest.mark.parametrize("seeded", [False, True])
def test_fitness_fatigue_days_is_fitness_fatigue_of_each_day(seeded: bool) -> None:
    loads = {date(2026, 1, 1) + timedelta(days=3 * i): 40.0 + 7 * (i % 5) for i in range(20)}
    seed = (
        physiology.training_load.LoadSeed(day=date(2025, 12, 20), ctl=30.0, atl=35.0)
        if seeded
        else None
    )
    first, last = date(2025, 12, 25), date(2026, 3, 10)
    series = physiology.training_load.fitness_fatigue_days(loads, first, last, seed=seed)
    shown_from = first if seeded else date(2026, 1, 1)  # the seed models from 2025-12-21
    assert [t.day for t in series] == [
        shown_from + timedelta(days=i) for i in range((last - shown_from).days + 1)
    ]
    for t in series:
        assert t == physiology.training_load.fitness_fatigue(loads, t.day, seed=seed)
    assert physiology.training_load.fitness_fatigue_days({}, first, last) == []


def test_daily_load_shares_weights_and_equals_each_sessions_own_trimp() -> None:
    """`daily_load` computes each HR value's weight once; every term stays what it was."""
    profile = heart_rate_profile(
        sex="unspecified", configured_rest_bpm=48.0, configured_max_bpm=191.0
    )
    start = datetime(2026, 3, 2, 6, tzinfo=UTC)
    sessions = [
        SessionRecord(  # a stored session: seconds per whole bpm
            start=start,
            duration_s=3000.0,
            source="strap",
            hr_samples=tuple((30.0 + i, 100.0 + i) for i in range(80)),
        ),
        SessionRecord(  # a fresh one: 1 Hz with fractional HR, repeated values, below rest
            start=start + timedelta(hours=3),
            duration_s=900.0,
            source="strap",
            hr_samples=tuple((1.0, 40.0 + (i * 7.3) % 150) for i in range(900)),
        ),
        SessionRecord(
            start=start + timedelta(days=1), duration_s=2400.0, source="garmin", avg_hr_bpm=151.0
        ),
    ]
    daily = daily_load(sessions, tz=UTC, profile=profile)
    own = [
        banister_trimp(
            s.hr_samples or [(s.duration_s, s.avg_hr_bpm or 0.0)],
            hr_rest_bpm=48.0,
            hr_max_bpm=191.0,
            sex="unspecified",
        )
        for s in sessions
    ]
    assert daily == {date(2026, 3, 2): own[0] + own[1], date(2026, 3, 3): own[2]}
    assert [session_load(s, profile=profile).trimp for s in sessions] == own
