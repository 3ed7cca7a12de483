"""Properties of physiology.training_load and training_session that hold for any input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from physiology.training_load import (
    DEFAULT_TRAINING_SETTINGS,
    AdviceKind,
    LoadSeed,
    SessionRecord,
    TrainingWindow,
    banister_trimp,
    daily_advice,
    fitness_fatigue,
    load_for_target_form,
    merge_sessions,
    supercompensation_window,
    trimp_weight,
)
from physiology.training_session import SessionDetector, detect_sessions

D0 = date(2026, 1, 1)
hr = st.floats(30.0, 220.0)
sample = st.tuples(st.floats(0.0, 600.0), hr)
samples = st.lists(sample, min_size=1, max_size=40)
loads = st.dictionaries(
    st.integers(0, 120).map(lambda k: D0 + timedelta(days=k)), st.floats(0.0, 400.0), min_size=1
)


@given(samples, samples, st.sampled_from(["male", "female", "unspecified"]))
def test_trimp_is_additive_and_non_negative(a, b, sex):
    kw = {"hr_rest_bpm": 55.0, "hr_max_bpm": 185.0, "sex": sex}
    both = banister_trimp(a + b, **kw)
    assert both == pytest.approx(banister_trimp(a, **kw) + banister_trimp(b, **kw))
    assert both >= 0.0


@given(st.floats(-1.0, 2.0), st.floats(-1.0, 2.0))
def test_trimp_weight_is_monotone_and_unspecified_lies_between(x, y):
    lo, hi = min(x, y), max(x, y)
    for sex in ("male", "female", "unspecified"):
        assert trimp_weight(lo, sex) <= trimp_weight(hi, sex)
    m, f, u = (trimp_weight(x, s) for s in ("male", "female", "unspecified"))
    assert min(m, f) <= u <= max(m, f)


@given(loads, st.integers(0, 150))
def test_fitness_fatigue_stays_within_the_loads(daily, offset):
    day = min(daily) + timedelta(days=offset)
    r = fitness_fatigue(daily, day)
    top = max(daily.values())
    assert -1e-9 <= r.ctl <= top + 1e-9
    assert -1e-9 <= r.atl <= top + 1e-9
    assert r.tsb == r.ctl_yesterday - r.atl_yesterday
    seeded = fitness_fatigue(
        daily, day, seed=LoadSeed(day=min(daily) - timedelta(days=1), ctl=0.0, atl=0.0)
    )
    assert (seeded.ctl, seeded.atl, seeded.tsb, seeded.acwr) == (r.ctl, r.atl, r.tsb, r.acwr)


@given(st.floats(1.0, 150.0), st.floats(0.0, 200.0), st.floats(-30.0, -10.0))
def test_suggested_load_lands_on_the_target_form(ctl, atl, pct):
    load = load_for_target_form(ctl=ctl, atl=atl, target_form_pct=pct)
    seed = LoadSeed(day=D0, ctl=ctl, atl=atl)
    r = fitness_fatigue({D0 + timedelta(days=1): load}, D0 + timedelta(days=2), seed=seed)
    assert r.form_pct is not None
    if load > 0:
        assert r.form_pct == pytest.approx(pct, abs=1e-6)
    else:
        assert r.form_pct <= pct + 1e-9  # even resting leaves form below the band


days = st.integers(0, 30)
maybe_bool = st.one_of(st.none(), st.booleans())
maybe_score = st.one_of(st.none(), st.floats(0.0, 100.0))


@given(
    last=days,
    hard_extra=st.one_of(st.none(), days),
    tsb=st.one_of(st.none(), st.floats(-80.0, 50.0)),
    ctl=st.one_of(st.none(), st.floats(0.0, 150.0)),
    score=maybe_score,
    hrv_low=maybe_bool,
)
def test_window_rules_hold(*, last, hard_extra, tsb, ctl, score, hrv_low):
    hard = None if hard_extra is None else last + hard_extra
    w = supercompensation_window(
        days_since_hard_session=hard,
        days_since_last_session=last,
        tsb=tsb,
        ctl=ctl,
        readiness_score=score,
        hrv_below_normal=hrv_low,
    )
    assert w.reasons
    if w.state is TrainingWindow.OVERREACHING:
        assert hrv_low is True
        assert w.form_pct is not None
        assert w.form_pct <= DEFAULT_TRAINING_SETTINGS.overreaching_form_pct
    if w.state is TrainingWindow.READY:
        assert hard is not None
        assert 2 <= hard <= 3
        assert hrv_low is not True
    if last > DEFAULT_TRAINING_SETTINGS.detraining_gap_days:
        assert w.state in {TrainingWindow.DETRAINING, TrainingWindow.OVERREACHING}


@given(
    window=st.one_of(st.none(), st.sampled_from(TrainingWindow)),
    score=maybe_score,
    measured=st.booleans(),
    debt=st.one_of(st.none(), st.floats(0.0, 20.0)),
    hard_yesterday=st.booleans(),
    no_cool_down=st.booleans(),
    hrv_low=maybe_bool,
    recent=st.one_of(st.none(), st.integers(0, 14)),
)
def test_advice_never_hard_without_a_morning_measurement(
    *, window, score, measured, debt, hard_yesterday, no_cool_down, hrv_low, recent
):
    a = daily_advice(
        window=window,
        readiness_score=score,
        has_morning_measurement=measured,
        sleep_debt_h=debt,
        hard_session_yesterday=hard_yesterday,
        last_session_no_cool_down=no_cool_down,
        hrv_below_normal=hrv_low,
        training_days_recent=recent,
    )
    if not measured:
        assert not a.hard_training_allowed
    if a.capped:
        assert a.kind is AdviceKind.TRAIN
        assert not a.hard_training_allowed
    if a.hard_training_allowed:
        assert a.kind in {AdviceKind.TRAIN, AdviceKind.TRAIN_TO_CATCH_WINDOW}
    assert a.kind is not AdviceKind.COOL_DOWN
    assert a.kind not in a.also
    assert len(set(a.reasons)) == len(a.reasons)


steps = st.lists(
    st.tuples(st.sampled_from([1.0, 1.0, 1.0, 2.0, 30.0, 200.0, 700.0]), st.floats(-15.0, 15.0)),
    min_size=0,
    max_size=800,
)


@settings(max_examples=60, deadline=None)
@given(steps, st.floats(60.0, 180.0))
def test_detection_incremental_equals_batch_and_sessions_are_ordered(walk, start_hr):
    stream: list[tuple[float, float]] = []
    t, value = 0.0, start_hr
    for dt, dh in walk:
        t += dt
        value = min(200.0, max(40.0, value + dh))
        stream.append((t, value))
    batch = detect_sessions(stream, hr_rest_bpm=50.0, hr_max_bpm=190.0)
    detector = SessionDetector(hr_rest_bpm=50.0, hr_max_bpm=190.0)
    live = [found for point in stream for found in detector.feed(*point)]
    live.extend(detector.finish())
    assert tuple(live) == batch
    previous_end = -1.0
    for s in batch:
        assert s.start_t_s > previous_end
        assert s.end_t_s >= s.start_t_s
        assert all(
            0.0 <= d <= DEFAULT_TRAINING_SETTINGS.max_sample_interval_s for d, _ in s.hr_samples
        )
        assert s.max_hr_bpm >= s.avg_hr_bpm - 1e-9
        previous_end = s.end_t_s


records = st.lists(
    st.builds(
        SessionRecord,
        start=st.integers(0, 48 * 60).map(
            lambda m: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=m)
        ),
        duration_s=st.floats(600.0, 3 * 3600.0),
        source=st.sampled_from(["strap", "garmin", "manual"]),
        avg_hr_bpm=st.one_of(st.none(), st.floats(90.0, 170.0)),
        rpe=st.one_of(st.none(), st.floats(0.0, 10.0)),
        sport=st.sampled_from(["unknown", "running"]),
    ),
    max_size=12,
)


@given(records)
def test_merge_accounts_for_every_input_and_sorts(items):
    merged = merge_sessions(items)
    assert len(merged) <= len(items)
    assert list(merged) == sorted(merged, key=lambda m: m.start)
    assert sum(1 + len(m.merged_from) for m in merged) == len(items)
