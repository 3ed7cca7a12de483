"""Properties of physiology.readiness that hold for any input."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from physiology.readiness import (
    CONTRIBUTOR_KEYS,
    REASON_KEYS,
    REASON_PLACEHOLDERS,
    BaselineStatus,
    Recommendation,
    SleepInputs,
    hrv_baseline,
    readiness,
    rhr_baseline,
)

DAY = date(2026, 6, 1)

history = st.dictionaries(
    st.integers(0, 70).map(lambda k: DAY - timedelta(days=k)),
    st.floats(2.0, 6.0),
    max_size=71,
)
rhr_history = st.dictionaries(
    st.integers(0, 70).map(lambda k: DAY - timedelta(days=k)),
    st.floats(35.0, 90.0),
    max_size=71,
)
maybe = st.one_of(st.none(), st.floats(0.0, 14.0))
sleep_inputs = st.one_of(
    st.none(),
    st.builds(
        SleepInputs,
        target_sleep_h=st.floats(5.0, 10.0),
        last_night_h=maybe,
        sleep_debt_h=st.one_of(st.none(), st.floats(0.0, 40.0)),
        sri=st.one_of(st.none(), st.floats(-100.0, 100.0)),
    ),
)


@given(x=history)
def test_baseline_status_is_insufficient_exactly_when_a_minimum_is_missing(x):
    b = hrv_baseline(x, DAY)
    insufficient = b.count_7d < 3 or b.count_60d < 14
    assert (b.status is BaselineStatus.INSUFFICIENT_DATA) == insufficient
    if not insufficient:
        assert b.normal_low is not None
        assert b.normal_high is not None
        assert b.normal_low <= b.normal_high


@given(x=history, r=rhr_history, sleep=sleep_inputs, use_hrv=st.booleans(), use_rhr=st.booleans())
def test_readiness_is_well_formed_for_any_input(x, r, sleep, use_hrv, use_rhr):
    result = readiness(
        day=DAY,
        hrv=hrv_baseline(x, DAY) if use_hrv else None,
        rhr=rhr_baseline(r, DAY) if use_rhr else None,
        sleep=sleep,
    )
    json.dumps(result.as_dict())
    assert tuple(c.key for c in result.contributors) == CONTRIBUTOR_KEYS
    assert "training_load" in result.missing_inputs
    assert all(reason.key in REASON_KEYS for reason in result.reasons)
    for reason in result.reasons:
        assert set(reason.placeholders_dict()) == REASON_PLACEHOLDERS[reason.key]
    present = [c for c in result.contributors if c.sub_score is not None]
    if not present:
        assert result.score is result.level is result.recommendation is None
        return
    assert result.score is not None
    assert 0 <= result.score <= 100
    assert min(c.sub_score for c in present) - 0.5 <= result.score  # type: ignore[type-var]
    assert result.score <= max(c.sub_score for c in present) + 0.5  # type: ignore[type-var]
    assert sum(c.effective_weight for c in present) == pytest.approx(1.0)
    if use_hrv and hrv_baseline(x, DAY).status is BaselineStatus.BELOW:
        order = list(Recommendation)
        assert order.index(result.recommendation) <= order.index(Recommendation.EASY)  # type: ignore[arg-type]
