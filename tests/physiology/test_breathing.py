"""Guided breathing: pacer, coherence ratio and the resonance assessment on synthetic RR."""

from __future__ import annotations

import math
import random

import pytest
from physiology import (
    BreathPhase,
    InsufficientDataError,
    coherence,
    pacer,
    pacer_phase,
    protocol_step_at,
    recent_window,
    resonance_assessment,
    resonance_protocol,
    session_plan,
    session_summary,
    split_rr_by_protocol,
)
from physiology.breathing import (
    MAX_BREATHS_PER_MIN,
    MIN_BREATHS_PER_MIN,
    RESONANCE_PACES_BPM,
)


def synth_rr(
    freq_hz: float,
    *,
    duration_s: float = 300.0,
    amp_ms: float = 50.0,
    noise_ms: float = 0.0,
    mean_ms: float = 900.0,
    seed: int = 1,
) -> list[float]:
    """RR modulated sinusoidally in time: RR_i = mean + amp sin(2 pi f t_i) + noise."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    t = 0.0
    out: list[float] = []
    while t < duration_s:
        rr = mean_ms + amp_ms * math.sin(2 * math.pi * freq_hz * t) + rng.gauss(0.0, noise_ms)
        out.append(rr)
        t += rr / 1000.0
    return out


def white_rr(*, duration_s: float = 300.0, sd_ms: float = 40.0, seed: int = 3) -> list[float]:
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    out: list[float] = []
    t = 0.0
    while t < duration_s:
        rr = 900.0 + rng.gauss(0.0, sd_ms)
        out.append(rr)
        t += rr / 1000.0
    return out


# --- pacer ----------------------------------------------------------------------------------


def test_pacer_default_exhale_longer():
    p = pacer(6.0)
    assert (p.cycle_s, p.inhale_s, p.exhale_s) == (10.0, 4.0, 6.0)
    assert p.breath_hz == pytest.approx(0.1)
    assert p.exhale_s > p.inhale_s


def test_pacer_durations_for_resonance_paces():
    for bpm in RESONANCE_PACES_BPM:
        p = pacer(bpm, inhale_share=0.5)
        assert p.cycle_s == pytest.approx(60.0 / bpm)
        assert p.inhale_s == pytest.approx(p.exhale_s)
        assert p.inhale_s + p.exhale_s == pytest.approx(p.cycle_s)
    p = pacer(5.5)
    assert p.inhale_s == pytest.approx(0.4 * 60 / 5.5)  # 4.364 s
    assert p.exhale_s == pytest.approx(0.6 * 60 / 5.5)  # 6.545 s


@pytest.mark.parametrize("bpm", [2.9, 12.1, 0.0, -6.0, math.nan, math.inf])
def test_pacer_rejects_implausible_paces(bpm):
    with pytest.raises(ValueError, match="breaths_per_min"):
        pacer(bpm)


@pytest.mark.parametrize("share", [0.0, 1.0, -0.1, 1.5, math.nan])
def test_pacer_rejects_bad_inhale_share(share):
    with pytest.raises(ValueError, match="inhale_share"):
        pacer(6.0, inhale_share=share)


def test_pacer_accepts_the_bounds():
    assert pacer(MIN_BREATHS_PER_MIN).cycle_s == 20.0
    assert pacer(MAX_BREATHS_PER_MIN).cycle_s == 5.0


def test_pacer_phase_timeline():
    p = pacer(6.0)  # 4 s in, 6 s out
    s = pacer_phase(p, 0.0)
    assert (s.phase, s.breath_index, s.phase_left_s, s.phase_progress) == (
        BreathPhase.INHALE,
        0,
        4.0,
        0.0,
    )
    s = pacer_phase(p, 3.0)
    assert s.phase is BreathPhase.INHALE
    assert s.phase_left_s == pytest.approx(1.0)
    s = pacer_phase(p, 4.0)
    assert (s.phase, s.phase_duration_s, s.phase_left_s) == (BreathPhase.EXHALE, 6.0, 6.0)
    s = pacer_phase(p, 13.0)
    assert (s.phase, s.breath_index) == (BreathPhase.INHALE, 1)
    assert s.phase_left_s == pytest.approx(1.0)
    s = pacer_phase(p, 19.0)
    assert (s.phase, s.breath_index) == (BreathPhase.EXHALE, 1)
    assert s.phase_elapsed_s == pytest.approx(5.0)
    assert s.phase_left_s == pytest.approx(1.0)
    assert s.phase_progress == pytest.approx(5.0 / 6.0)
    s = pacer_phase(p, 20.0)
    assert (s.phase, s.breath_index, s.phase_elapsed_s) == (BreathPhase.INHALE, 2, 0.0)


def test_pacer_phase_rejects_negative_time():
    with pytest.raises(ValueError, match="elapsed_s"):
        pacer_phase(pacer(6.0), -0.1)


def test_session_plan_whole_breaths():
    plan = session_plan(pacer(6.0), minutes=5)
    assert (plan.breath_count, plan.total_s) == (30, 300.0)
    plan = session_plan(pacer(5.5), minutes=5)  # 27.5 breaths -> 28
    assert plan.breath_count == 28
    assert plan.total_s == pytest.approx(28 * 60 / 5.5)
    assert session_plan(pacer(4.5), minutes=0.1).breath_count == 1
    with pytest.raises(ValueError, match="minutes"):
        session_plan(pacer(6.0), minutes=0)


# --- coherence ------------------------------------------------------------------------------


@pytest.mark.parametrize("freq_hz", [0.1, 0.075])
def test_coherence_peak_and_high_score_at_breathing_frequency(freq_hz):
    c = coherence(synth_rr(freq_hz, noise_ms=5.0))
    assert abs(c.peak_hz - freq_hz) <= 0.01
    assert c.score > 3.0
    assert c.peak_power_ms2 < c.total_power_ms2
    assert c.lf_power_ms2 <= c.total_power_ms2
    # amplitude 50 ms around 900 ms: HR swings 60000/850 - 60000/950 = 7.43 bpm
    assert c.hr_oscillation_bpm == pytest.approx(7.43, abs=1.0)
    # 300 s -> about 599 samples at 2 Hz -> 8 segments = 128 + 7 x 64 = 576 samples = 288 s
    assert c.segment_count == 8
    assert c.analysed_s == 288.0


def test_coherence_peak_power_of_a_sinusoid():
    # Power of A sin(...) is A**2 / 2 = 1250 ms² (interpolation and taper lose a few %);
    # the 0.030-Hz window holds most of it.
    c = coherence(synth_rr(0.1), correct_artifacts=False)
    assert c.total_power_ms2 == pytest.approx(1250.0, rel=0.1)
    assert 0.8 < c.peak_power_ms2 / c.total_power_ms2 < 0.95
    assert c.score == pytest.approx(c.peak_power_ms2 / (c.total_power_ms2 - c.peak_power_ms2))


def test_coherence_of_irregular_noise_is_low():
    c = coherence(white_rr())
    assert c.score < 0.5
    assert coherence(synth_rr(0.1, noise_ms=5.0)).score > 10 * c.score


def test_coherence_needs_64_seconds():
    with pytest.raises(InsufficientDataError) as err:
        coherence([1000.0] * 60)
    assert err.value.needed == 128
    with pytest.raises(InsufficientDataError):
        coherence([1000.0])
    with pytest.raises(InsufficientDataError):
        coherence([], correct_artifacts=False)
    # 66 beats of 1 s: beat times 1..66 s span 65 s -> enough.
    c = coherence(synth_rr(0.1, duration_s=66.0, mean_ms=1000.0))
    assert c.segment_count == 1
    assert c.analysed_s == 64.0


def test_coherence_rejects_invalid_input():
    with pytest.raises(ValueError, match="finite and positive"):
        coherence([1000.0] * 70 + [math.nan], correct_artifacts=False)
    with pytest.raises(ValueError, match="no variability"):
        coherence([1000.0] * 100, correct_artifacts=False)
    with pytest.raises(ValueError, match="breaths_per_min"):
        coherence(synth_rr(0.1), breaths_per_min=20.0)


def test_coherence_artifact_correction_restores_the_score():
    rr = synth_rr(0.1, duration_s=120.0, noise_ms=5.0)
    broken = list(rr)
    broken[60] = rr[60] * 0.6  # premature beat ...
    broken[61] = rr[61] + rr[60] * 0.4  # ... and its compensatory pause
    clean = coherence(rr)
    raw = coherence(broken, correct_artifacts=False)
    fixed = coherence(broken)
    assert fixed.artifact_count >= 2
    assert raw.score < clean.score
    assert fixed.score == pytest.approx(clean.score, rel=0.15)


def test_coherence_uses_the_most_recent_window():
    # 25 s of noise followed by 68 s of 0.1-Hz breathing (< 96 s: one segment, the tail).
    rr = white_rr(duration_s=25.0) + synth_rr(0.1, duration_s=68.0)
    c = coherence(rr)
    assert c.segment_count == 1
    assert abs(c.peak_hz - 0.1) <= 0.01


def test_recent_window_is_exactly_one_segment():
    rr = white_rr(duration_s=30.0) + synth_rr(0.1, duration_s=200.0, noise_ms=3.0)
    tail = recent_window(rr)
    assert tail == tuple(rr[-len(tail) :])
    assert sum(tail[1:]) >= 64_000.0 > sum(tail[2:])
    c = coherence(tail)
    assert c.segment_count == 1
    assert abs(c.peak_hz - 0.1) <= 0.01
    assert recent_window([1000.0] * 10) == (1000.0,) * 10
    with pytest.raises(InsufficientDataError):
        coherence(recent_window([1000.0] * 10))
    with pytest.raises(ValueError, match="window_s"):
        recent_window(rr, window_s=0.0)


def test_coherence_hr_oscillation_needs_two_beats_per_breath():
    # Uncorrected 6-s intervals at 12 breaths/min: every 5-s breath holds at most one beat.
    rr = [6000.0 + 100.0 * math.sin(i) for i in range(14)]
    with pytest.raises(InsufficientDataError, match="hr_oscillation_bpm"):
        coherence(rr, breaths_per_min=12.0, correct_artifacts=False)


def test_coherence_hr_oscillation_follows_the_pace():
    rr = synth_rr(0.1, noise_ms=2.0)
    with_pace = coherence(rr, breaths_per_min=6.0)
    assert with_pace.hr_oscillation_bpm == pytest.approx(7.43, abs=0.5)
    assert with_pace.mean_hr_bpm == pytest.approx(60000 / 900, rel=0.01)


# --- resonance assessment -------------------------------------------------------------------


def test_resonance_protocol_schedule():
    steps = resonance_protocol()
    assert [s.breaths_per_min for s in steps] == [6.5, 6.0, 5.5, 5.0, 4.5]
    assert [(s.start_s, s.end_s) for s in steps][:2] == [(0.0, 120.0), (120.0, 240.0)]
    assert steps[-1].end_s == 600.0
    assert protocol_step_at(steps, 0.0).breaths_per_min == 6.5
    assert protocol_step_at(steps, 119.99).breaths_per_min == 6.5
    assert protocol_step_at(steps, 120.0).breaths_per_min == 6.0
    assert protocol_step_at(steps, 599.9).breaths_per_min == 4.5
    assert protocol_step_at(steps, 600.0) is None
    with pytest.raises(ValueError, match="elapsed_s"):
        protocol_step_at(steps, -1.0)


@pytest.mark.parametrize(
    ("paces", "step_s"),
    [((), 120.0), ((6.0, 6.0), 120.0), ((6.0, 20.0), 120.0), ((6.0, 5.0), 30.0)],
)
def test_resonance_protocol_rejects_bad_settings(paces, step_s):
    with pytest.raises(ValueError):  # noqa: PT011 - several messages
        resonance_protocol(paces, step_s=step_s)


def _protocol_recording(amps: dict[float, float], *, noise_ms: float = 8.0) -> list[float]:
    """One continuous recording through the protocol, each pace with its own amplitude."""
    rng = random.Random(7)  # noqa: S311 - synthetic data
    out: list[float] = []
    t = 0.0
    for step in resonance_protocol():
        f = step.breaths_per_min / 60.0
        while t < step.end_s:
            amp = amps[step.breaths_per_min]
            rr = 900.0 + amp * math.sin(2 * math.pi * f * (t - step.start_s))
            rr += rng.gauss(0.0, noise_ms)
            out.append(rr)
            t += rr / 1000.0
    return out


def test_split_rr_by_protocol_assigns_beats_to_steps():
    rr = [1000.0] * 610
    parts = split_rr_by_protocol(rr, resonance_protocol())
    assert list(parts) == [6.5, 6.0, 5.5, 5.0, 4.5]
    # beat i closes at i+1 s: step 0 holds t = 1..119 (119 beats), the others 120 each.
    assert [len(v) for v in parts.values()] == [119, 120, 120, 120, 120]
    settled = split_rr_by_protocol(rr, resonance_protocol(), settle_s=20.0)
    assert [len(v) for v in settled.values()] == [100, 100, 100, 100, 100]
    with pytest.raises(ValueError, match="settle_s"):
        split_rr_by_protocol(rr, resonance_protocol(), settle_s=-1.0)


@pytest.mark.parametrize("best", RESONANCE_PACES_BPM)
def test_assessment_picks_the_pace_with_the_largest_oscillation(best):
    amps = dict.fromkeys(RESONANCE_PACES_BPM, 30.0)
    amps[best] = 60.0
    rr = _protocol_recording(amps)
    result = resonance_assessment(split_rr_by_protocol(rr, resonance_protocol()))
    assert result.resonance_breaths_per_min == best
    assert [p.breaths_per_min for p in result.points] == list(RESONANCE_PACES_BPM)
    assert all(p.peak_matches_pace for p in result.points)
    assert result.skipped_breaths_per_min == ()
    assert result.tied_breaths_per_min == (best,)


def test_assessment_breaks_lf_ties_by_peak_to_trough_hr():
    # Same series for two paces except that 5.0 has a larger HR swing inside one cycle at an
    # equal LF power: give 5.0 a slightly larger amplitude (< 5 % more power).
    amps = dict.fromkeys(RESONANCE_PACES_BPM, 20.0)
    amps[5.5] = 50.0
    amps[5.0] = 50.8
    rr = _protocol_recording(amps, noise_ms=0.0)
    result = resonance_assessment(split_rr_by_protocol(rr, resonance_protocol()))
    assert set(result.tied_breaths_per_min) == {5.5, 5.0}
    assert result.resonance_breaths_per_min == 5.0
    strict = resonance_assessment(split_rr_by_protocol(rr, resonance_protocol()), tie_tolerance=0.0)
    lf = {p.breaths_per_min: p.coherence.lf_power_ms2 for p in strict.points}
    assert strict.resonance_breaths_per_min == max(lf, key=lf.__getitem__)


def test_assessment_skips_short_paces_and_needs_two():
    amps = dict.fromkeys(RESONANCE_PACES_BPM, 40.0)
    parts = split_rr_by_protocol(_protocol_recording(amps), resonance_protocol())
    parts[6.5] = parts[6.5][:30]
    result = resonance_assessment(parts)
    assert result.skipped_breaths_per_min == (6.5,)
    assert len(result.points) == 4
    with pytest.raises(InsufficientDataError):
        resonance_assessment({6.0: parts[6.0], 5.0: parts[5.0][:10]})
    with pytest.raises(ValueError, match="tie_tolerance"):
        resonance_assessment(parts, tie_tolerance=1.0)
    with pytest.raises(ValueError, match="breaths_per_min"):
        resonance_assessment({15.0: parts[6.0], 6.0: parts[6.0]})


# --- before / during / after ----------------------------------------------------------------


def test_session_summary_reuses_time_domain():
    before = white_rr(duration_s=120.0, sd_ms=20.0)
    during = synth_rr(0.1, duration_s=300.0, amp_ms=80.0, noise_ms=5.0)
    summary = session_summary(before_rr_ms=before, during_rr_ms=during, after_rr_ms=before[:30])
    assert summary.before is not None
    assert summary.during is not None
    assert summary.after is None  # 30 beats: too little data, unknown rather than 0
    assert summary.during.mean_hr_bpm == pytest.approx(60000 / 900, rel=0.01)
    assert summary.during.ln_rmssd == pytest.approx(math.log(summary.during.rmssd_ms))
    assert summary.before.artifact_ratio <= 0.05
    with pytest.raises(ValueError, match="minimums"):
        session_summary(
            before_rr_ms=before, during_rr_ms=during, after_rr_ms=before, min_successive=0
        )
