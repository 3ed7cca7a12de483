"""Properties of physiology.breathing that hold for any input."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from physiology.breathing import (
    PEAK_BAND_HZ,
    BreathPhase,
    coherence,
    pacer,
    pacer_phase,
    resonance_protocol,
    session_plan,
    split_rr_by_protocol,
)

paces = st.floats(3.0, 12.0)
shares = st.floats(0.05, 0.95)


@given(paces, shares)
def test_pacer_durations_add_up(bpm, share):
    p = pacer(bpm, inhale_share=share)
    assert p.inhale_s + p.exhale_s == pytest.approx(p.cycle_s)
    assert p.cycle_s == pytest.approx(60.0 / bpm)
    assert p.inhale_s / p.cycle_s == pytest.approx(share)
    assert (p.exhale_s > p.inhale_s) == (share < 0.5) or share == pytest.approx(0.5)


@given(paces, shares, st.floats(0.0, 3600.0))
def test_pacer_phase_is_consistent(bpm, share, elapsed):
    p = pacer(bpm, inhale_share=share)
    s = pacer_phase(p, elapsed)
    assert 0.0 < s.phase_left_s <= s.phase_duration_s + 1e-9
    assert s.phase_elapsed_s + s.phase_left_s == pytest.approx(s.phase_duration_s)
    assert 0.0 <= s.phase_progress < 1.0 + 1e-12
    offset = 0.0 if s.phase is BreathPhase.INHALE else p.inhale_s
    rebuilt = s.breath_index * p.cycle_s + offset + s.phase_elapsed_s
    assert rebuilt == pytest.approx(elapsed, abs=1e-6)


@given(paces, st.floats(0.05, 60.0))
def test_session_plan_covers_the_request_with_whole_breaths(bpm, minutes):
    plan = session_plan(pacer(bpm), minutes=minutes)
    assert plan.total_s == pytest.approx(plan.breath_count * plan.pace.cycle_s)
    assert plan.total_s >= minutes * 60.0 - 1e-6
    assert plan.total_s - plan.pace.cycle_s < minutes * 60.0 + 1e-6 or plan.breath_count == 1


@settings(max_examples=40, deadline=None)
@given(
    st.floats(0.05, 0.25),
    st.floats(20.0, 120.0),
    st.floats(0.0, 2 * math.pi),
    st.floats(700.0, 1100.0),
    st.floats(66.0, 200.0),
)
def test_a_pure_oscillation_is_found_and_coherent(freq, amp, phase, mean, duration):
    rr: list[float] = []
    t = 0.0
    while t < duration:
        v = mean + amp * math.sin(2 * math.pi * freq * t + phase)
        rr.append(v)
        t += v / 1000.0
    c = coherence(rr, correct_artifacts=False)
    assert abs(c.peak_hz - freq) <= 0.01
    assert c.score > 2.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(600.0, 1200.0), min_size=110, max_size=300))
def test_coherence_figures_are_well_formed(rr):
    try:
        c = coherence(rr, correct_artifacts=False)
    except ValueError as err:  # the analysed tail may be constant
        assert "no variability" in str(err)  # noqa: PT017
        return
    assert PEAK_BAND_HZ[0] <= c.peak_hz <= PEAK_BAND_HZ[1]
    assert 0.0 <= c.peak_power_ms2 <= c.total_power_ms2
    assert 0.0 <= c.lf_power_ms2 <= c.total_power_ms2 * (1 + 1e-12)
    assert c.score >= 0.0
    assert c.hr_oscillation_bpm >= 0.0
    assert c.segment_count >= 1
    assert c.analysed_s == 64.0 + 32.0 * (c.segment_count - 1)


@given(st.lists(st.floats(300.0, 2000.0), max_size=800), st.floats(0.0, 60.0))
def test_split_keeps_order_and_never_invents_beats(rr, settle):
    parts = split_rr_by_protocol(rr, resonance_protocol(), settle_s=settle)
    flat = [v for values in parts.values() for v in values]
    assert len(flat) <= len(rr)
    it = iter(rr)
    assert all(any(v == w for w in it) for v in flat)  # a subsequence of the input
