"""Morning measurement: beat timing, gaps, window, verdict."""

from __future__ import annotations

import math

import pytest
from physiology.artifacts import correct_rr
from physiology.hrv import time_domain
from physiology.measurement import (
    Beat,
    BeatTimer,
    MeasurementPhase,
    MeasurementSession,
    MeasurementSettings,
    RejectionReason,
    evaluate_measurement,
)


def _smooth(n: int, base: float = 1000.0) -> list[float]:
    """A breathing-like RR series without artefacts (see test_artifacts)."""
    return [
        round(base + 40 * math.sin(2 * math.pi * i / 4.7) + 15 * math.sin(2 * math.pi * i / 23), 1)
        for i in range(n)
    ]


def _stream(rr_ms, *, t0: float = 100.0, delay_s: float = 0.0):
    """One notification per beat, received ``delay_s`` after the beat (strap delivery)."""
    t = t0
    for rr in rr_ms:
        t += rr / 1000.0
        yield t + delay_s, [rr]


def _timed(rr_ms, *, t0: float = 0.0, gap_at: int | None = None) -> list[Beat]:
    t = t0
    beats = []
    for i, rr in enumerate(rr_ms):
        t += rr / 1000.0
        beats.append(Beat(t_s=t, rr_ms=rr, after_gap=i == gap_at))
    return beats


# --- BeatTimer ----------------------------------------------------------------------------------


def test_first_notification_anchors_its_last_beat_at_the_receive_time():
    timer = BeatTimer()
    beats = timer.add(10.0, [1000.0, 500.0])
    assert [b.t_s for b in beats] == [9.5, 10.0]
    assert not any(b.after_gap for b in beats)


def test_later_beats_follow_the_running_sum_not_the_receive_time():
    timer = BeatTimer()
    timer.add(10.0, [1000.0])
    # delivered 1.5 s late: the beat still closes at 10 + 1 s
    (beat,) = timer.add(12.5, [1000.0])
    assert beat.t_s == 11.0
    assert not beat.after_gap


def test_notification_without_rr_is_not_a_gap():
    timer = BeatTimer()
    timer.add(10.0, [1500.0])
    assert timer.add(11.0, []) == ()
    (beat,) = timer.add(12.0, [1500.0])
    assert beat.t_s == 11.5
    assert not beat.after_gap


def test_lag_growing_beyond_two_seconds_declares_lost_beats():
    timer = BeatTimer()
    timer.add(10.0, [1000.0])
    timer.add(11.0, [1000.0])
    # predicted 12.0, received 14.5: lag 2.5 s > max(2 s, 2 x 1 s) -> gap, re-anchored
    (beat,) = timer.add(14.5, [1000.0])
    assert beat.after_gap
    assert beat.t_s == 14.5


def test_constant_delivery_delay_is_not_a_gap():
    timer = BeatTimer()
    beats = [b for t, rr in _stream([1000.0] * 30, delay_s=3.0) for b in timer.add(t, rr)]
    assert not any(b.after_gap for b in beats)


def test_disconnect_starts_a_new_segment_after_a_gap():
    timer = BeatTimer()
    timer.disconnect()  # before any beat: nothing to break
    timer.add(10.0, [1000.0])
    timer.disconnect()
    first, second = timer.add(30.0, [1000.0, 1000.0])
    assert first.after_gap
    assert not second.after_gap
    assert (first.t_s, second.t_s) == (29.0, 30.0)


def test_receive_time_must_not_go_backwards():
    timer = BeatTimer()
    timer.add(10.0, [1000.0])
    with pytest.raises(ValueError, match="backwards"):
        timer.add(9.0, [1000.0])


def test_invalid_rr_is_rejected():
    with pytest.raises(ValueError, match="finite and positive"):
        BeatTimer().add(1.0, [math.nan])


# --- settings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"analysis_s": 59.0},
        {"analysis_s": 301.0},
        {"stabilisation_s": -1.0},
        {"max_artifact_ratio": 1.5},
        {"min_successive": 0},
    ],
)
def test_settings_outside_their_ranges_are_rejected(kwargs):
    with pytest.raises(ValueError, match="must be"):
        MeasurementSettings(**kwargs)


def test_default_protocol_is_60_s_stabilisation_and_120_s_analysis():
    s = MeasurementSettings()
    assert (s.stabilisation_s, s.analysis_s, s.max_artifact_ratio) == (60.0, 120.0, 0.05)


# --- evaluate_measurement -------------------------------------------------------------------


def test_window_discards_the_stabilisation_period_and_analyses_the_next_120_s():
    rr = _smooth(200)  # ~200 s of 1-s beats
    beats = _timed(rr)
    m = evaluate_measurement(beats)
    assert m.accepted
    assert m.rejection is None
    # window (60, 180]: the beats whose closing time falls in it, by hand
    inside = [b.rr_ms for b in beats if 60.0 < b.t_s <= 180.0]
    expected = time_domain(inside)
    assert m.beat_count == len(inside)
    assert m.rmssd_ms == pytest.approx(expected.rmssd_ms)
    assert m.ln_rmssd == pytest.approx(math.log(expected.rmssd_ms))
    assert m.hr_bpm == pytest.approx(60000 / (sum(inside) / len(inside)))
    assert m.duration_s == pytest.approx(sum(inside) / 1000)
    assert m.artifact_ratio == 0.0
    assert m.hrv == expected


def test_configured_five_minute_window():
    beats = _timed(_smooth(400))
    m = evaluate_measurement(beats, settings=MeasurementSettings(analysis_s=300.0))
    assert m.accepted
    assert 299.0 < m.duration_s <= 300.0


def test_missed_beat_in_the_window_is_corrected_and_accepted():
    clean = _smooth(200)
    k = 120
    rr = [*clean[:k], clean[k] + clean[k + 1], *clean[k + 2 :]]
    m = evaluate_measurement(_timed(rr))
    assert m.accepted
    assert m.artifact_ratio == pytest.approx(1 / m.beat_count)
    # the window's NN: the split beat has no differences: 3 pairs fewer than N - 1 (+1 beat)
    assert m.hrv is not None
    assert m.hrv.successive_count == m.beat_count + 1 - 1 - 3


def test_more_than_five_percent_artefacts_is_rejected_with_the_ratio():
    clean = _smooth(220)
    rr = list(clean)
    for k in range(70, 170, 12):  # 9 missed beats in a ~118-beat window
        rr[k] = rr[k] * 2
    m = evaluate_measurement(_timed(rr))
    assert not m.accepted
    assert m.rejection is RejectionReason.TOO_MANY_ARTIFACTS
    assert m.artifact_ratio is not None
    assert m.artifact_ratio > 0.05
    assert m.rmssd_ms is None
    assert m.ln_rmssd is None


def test_too_few_beats_is_rejected_not_zero():
    # 60-s window at 1.5 s per beat: 40 intervals, 39 differences < 60
    beats = _timed(_smooth(100, base=1500.0))
    m = evaluate_measurement(beats, settings=MeasurementSettings(analysis_s=60.0))
    assert m.rejection is RejectionReason.TOO_FEW_BEATS
    assert m.rmssd_ms is None
    assert m.artifact_ratio == 0.0


def test_gap_inside_the_window_rejects():
    beats = _timed(_smooth(200), gap_at=100)
    m = evaluate_measurement(beats)
    assert m.rejection is RejectionReason.GAP_IN_WINDOW


def test_gap_during_stabilisation_is_harmless():
    beats = _timed(_smooth(200), gap_at=30)
    m = evaluate_measurement(beats)
    assert m.accepted
    # only the segment after the gap is corrected and analysed
    assert m.beat_count == sum(1 for b in beats if 60.0 < b.t_s <= 180.0)


def test_unfinished_window_is_incomplete():
    m = evaluate_measurement(_timed(_smooth(150)))
    assert m.rejection is RejectionReason.INCOMPLETE
    assert evaluate_measurement([]).rejection is RejectionReason.INCOMPLETE


def test_window_without_any_beat_is_too_few_beats():
    beats = [Beat(t_s=1.0, rr_ms=1000.0), Beat(t_s=200.0, rr_ms=1000.0, after_gap=True)]
    # the only gap starts before and ends after the window: no data at all inside
    m = evaluate_measurement([beats[0], Beat(t_s=200.0, rr_ms=1000.0)])
    assert m.rejection is RejectionReason.TOO_FEW_BEATS
    assert evaluate_measurement(beats).rejection is RejectionReason.GAP_IN_WINDOW


def test_window_with_fewer_than_three_intervals_is_too_few_beats():
    beats = [Beat(t_s=1.0, rr_ms=1000.0), Beat(t_s=61.0 + 1, rr_ms=1000.0)]
    beats.append(Beat(t_s=181.0, rr_ms=1000.0))
    m = evaluate_measurement(beats, settings=MeasurementSettings(min_successive=1))
    assert m.rejection is RejectionReason.TOO_FEW_BEATS


# --- MeasurementSession -------------------------------------------------------------------


def test_session_moves_through_its_phases_and_accepts():
    session = MeasurementSession()
    assert session.progress().phase is MeasurementPhase.WAITING
    assert session.progress().remaining_s == 180.0
    phases = []
    for t, rr in _stream(_smooth(200)):
        phases.append(session.add(t, rr).phase)
    assert phases[0] is MeasurementPhase.STABILISING
    assert MeasurementPhase.ANALYSING in phases
    assert phases[-1] is MeasurementPhase.COMPLETE
    progress = session.progress()
    assert progress.remaining_s == 0.0
    assert progress.gap_count == 0
    result = session.result()
    assert result.accepted
    assert session.result() is result  # final once complete
    expected = evaluate_measurement(session.beats)
    assert result == expected


def test_session_reports_elapsed_and_remaining_time():
    session = MeasurementSession()
    for t, rr in _stream([1000.0] * 90):
        session.add(t, rr)
    p = session.progress()
    assert p.phase is MeasurementPhase.ANALYSING
    assert p.elapsed_s == pytest.approx(90.0)
    assert p.remaining_s == pytest.approx(90.0)
    assert p.beat_count == 90
    assert session.result().rejection is RejectionReason.INCOMPLETE


def test_session_ignores_beats_after_completion():
    session = MeasurementSession()
    stream = list(_stream(_smooth(250)))
    for t, rr in stream:
        session.add(t, rr)
    assert session.progress().beat_count < 250
    assert session.disconnect().phase is MeasurementPhase.COMPLETE


def test_disconnect_while_analysing_rejects_at_once():
    session = MeasurementSession()
    for t, rr in _stream(_smooth(100)):
        session.add(t, rr)
    progress = session.disconnect()
    assert progress.phase is MeasurementPhase.COMPLETE
    assert session.result().rejection is RejectionReason.GAP_IN_WINDOW


def test_disconnect_during_stabilisation_is_honoured_as_a_gap_but_accepted():
    session = MeasurementSession(settings=MeasurementSettings(analysis_s=120.0))
    rr = _smooth(230)
    stream = list(_stream(rr))
    for t, v in stream[:20]:
        session.add(t, v)
    session.disconnect()
    for t, v in stream[30:]:  # back 10 beats later, still before the window opens
        session.add(t, v)
    assert session.progress().gap_count == 1
    result = session.result()
    assert result.accepted
    assert session.beats[20].after_gap


def test_session_rejects_a_window_with_a_beat_loss():
    session = MeasurementSession()
    stream = list(_stream(_smooth(220)))
    for t, rr in stream[:100] + stream[110:]:  # ten beats lost inside the window
        session.add(t, rr)
    assert session.progress().gap_count == 1
    assert session.result().rejection is RejectionReason.GAP_IN_WINDOW


def test_session_uses_the_artefact_correction_of_the_whole_segment():
    clean = _smooth(200)
    rr = [*clean[:100], clean[100] + clean[101], *clean[102:]]
    session = MeasurementSession()
    for t, v in _stream(rr):
        session.add(t, v)
    result = session.result()
    assert result.accepted
    c = correct_rr([b.rr_ms for b in session.beats])
    assert c.missed_count == 1
    assert result.artifact_ratio == pytest.approx(1 / result.beat_count)


def test_segment_too_short_to_correct_is_too_few_beats():
    # the window's segment holds two intervals (61 s and 181 s): correct_rr needs three
    beats = [
        Beat(t_s=1.0, rr_ms=1000.0),
        Beat(t_s=61.0, rr_ms=1000.0, after_gap=True),
        Beat(t_s=181.0, rr_ms=1000.0),
        Beat(t_s=300.0, rr_ms=1000.0, after_gap=True),
    ]
    m = evaluate_measurement(beats, settings=MeasurementSettings(min_successive=1))
    assert m.rejection is RejectionReason.TOO_FEW_BEATS
    assert m.artifact_ratio is None


def test_session_exposes_its_settings():
    settings = MeasurementSettings(analysis_s=240.0)
    assert MeasurementSession(settings=settings).settings is settings
    assert MeasurementSession().progress().remaining_s == 180.0
