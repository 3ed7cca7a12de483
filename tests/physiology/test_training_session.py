"""Session detection, HRR60 and cool-down on synthetic 1-Hz HR streams (science.md §8)."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import pytest
from physiology.training_load import (
    HeartRateProfile,
    HrSource,
    LoadMethod,
    Sex,
    TrainingSettings,
    banister_trimp,
    session_load,
)
from physiology.training_session import (
    DetectedSession,
    SessionDetector,
    SessionEnd,
    detect_sessions,
)

# rest 50, max 190: reserve 140; session threshold 50 % HRR = 120 bpm; easy 60 % HRR = 134 bpm
REST, MAX = 50.0, 190.0
Stream = list[tuple[float, float]]


def _segment(stream: Stream, seconds: int, hr: object) -> None:
    """Append ``seconds`` 1-Hz samples; ``hr`` is a number or a function of the index."""
    t0 = stream[-1][0] + 1.0 if stream else 0.0
    for i in range(seconds):
        value = hr(i) if callable(hr) else hr
        stream.append((t0 + i, float(value)))  # type: ignore[arg-type]


def _warm_up(stream: Stream) -> None:
    _segment(stream, 600, lambda i: 70 + 45 * i / 600)  # 70 -> 115 bpm, below 120


def _detect(stream: Stream, **kwargs: object) -> tuple[DetectedSession, ...]:
    settings = TrainingSettings(**kwargs)  # type: ignore[arg-type]
    return detect_sessions(stream, hr_rest_bpm=REST, hr_max_bpm=MAX, settings=settings)


def _without(stream: Stream, first: float, last: float) -> Stream:
    return [(t, hr) for t, hr in stream if not first <= t <= last]


def _hard_then_stop(stream: Stream, hard_s: int = 2400) -> None:
    """Warm-up, ``hard_s`` at 165 bpm, then -0.75 bpm/s for 80 s (to 105) and 105 for 520 s."""
    _warm_up(stream)
    _segment(stream, hard_s, 165)
    _segment(stream, 80, lambda i: 165 - 0.75 * (i + 1))
    _segment(stream, 520, 105)


def test_warm_up_hard_cool_down_and_stop_with_the_strap_on():
    s: Stream = []
    _warm_up(s)  # t 0..599
    _segment(s, 2400, 165)  # t 600..2999 hard
    _segment(s, 360, 127)  # t 3000..3359 cool-down at 55 % HRR (< 134)
    _segment(s, 40, lambda i: 127 - (i + 1))  # t 3360..3399: stop, strap on, -1 bpm/s
    _segment(s, 260, 87)  # t 3400..3659
    (session,) = _detect(s)
    assert session.start_t_s == 600.0
    # level = highest 10-s centred mean of the last 180 s above 120 bpm = 127 (cool-down);
    # end = latest sample >= 127 - 3 = 124: 127 - (i + 1) >= 124 -> i = 2 -> t = 3362
    assert session.end_t_s == 3362.0
    # end HR = mean of t 3352..3362 = (8 * 127 + 126 + 125 + 124) / 11 = 1391 / 11 = 126.4545
    assert session.end_hr_bpm == pytest.approx(1391 / 11)
    # HR 60 s later = centred mean of t 3417..3427 = 87 -> HRR60 = 39.4545
    assert session.hrr60_bpm == pytest.approx(1391 / 11 - 87)
    # the final 300 s (3062..3361) are all below 134 bpm -> cooled down
    assert session.cooled_down is True
    assert session.ended_by is SessionEnd.HR_DROPPED
    assert session.max_hr_bpm == 165.0
    assert session.duration_s == 2762.0
    assert (session.gap_s, session.gap_count) == (0.0, 0)
    # time-weighted mean over t 600..3362 (each sample 1 s): 2400 x 165, 360 x 127, 126..124
    assert session.avg_hr_bpm == pytest.approx((2400 * 165 + 360 * 127 + 375) / 2763)
    assert sum(d for d, _ in session.hr_samples) == pytest.approx(2763.0)


def test_stop_from_a_high_hr_is_no_cool_down():
    s: Stream = []
    _hard_then_stop(s)  # hard t 600..2999, falling from t 3000
    (session,) = _detect(s)
    # level 165; latest sample >= 162: 165 - 0.75 (i + 1) >= 162 -> i = 3 -> t = 3003
    assert session.end_t_s == 3003.0
    # end HR = mean of t 2993..3003 = (7 * 165 + 164.25 + 163.5 + 162.75 + 162) / 11
    #        = 1807.5 / 11 = 164.318; 60 s later (t 3063, i = 63, linear): 165 - 0.75 * 64 = 117
    # HRR60 = 47.32 (the exact drop from the stop at 165 would be 45)
    assert session.hrr60_bpm == pytest.approx(1807.5 / 11 - 117)
    assert session.cooled_down is False


def test_noisy_stop_is_found_within_seconds():
    rng = random.Random(7)  # noqa: S311  (reproducible synthetic noise, not crypto)
    for _ in range(5):
        s: Stream = []
        _hard_then_stop(s)
        noisy = [(t, hr + rng.gauss(0.0, 2.0)) for t, hr in s]
        (session,) = _detect(noisy)
        assert 2990.0 <= session.end_t_s <= 3006.0
        assert session.hrr60_bpm == pytest.approx(45.0, abs=5.0)
        assert session.cooled_down is False


def test_a_two_minute_gap_is_stitched():
    s: Stream = []
    _hard_then_stop(s)
    gapped = _without(s, 1801.0, 1920.0)  # 1800 -> 1921: dt 121 s
    (session,) = _detect(gapped)
    assert (session.gap_s, session.gap_count) == (121.0, 1)
    assert session.start_t_s == 600.0
    assert session.end_t_s == 3003.0
    assert session.hrr60_bpm is not None
    # the sample before the gap counts 5 s (the cap), the gap time adds no load
    full = _detect(s)[0]
    assert sum(d for d, _ in session.hr_samples) == pytest.approx(
        sum(d for d, _ in full.hr_samples) - 121 + 5
    )
    gap_trimp = banister_trimp(session.hr_samples, hr_rest_bpm=REST, hr_max_bpm=MAX, sex="male")
    full_trimp = banister_trimp(full.hr_samples, hr_rest_bpm=REST, hr_max_bpm=MAX, sex="male")
    assert gap_trimp < full_trimp


def test_a_ten_minute_gap_closes_the_session_at_the_last_sample():
    s: Stream = []
    _hard_then_stop(s, hard_s=2700)  # hard t 600..3299
    gapped = _without(s, 1801.0, 2400.0)  # 1800 -> 2401: dt 601 s > 300 s
    first, second = _detect(gapped)
    assert (first.start_t_s, first.end_t_s) == (600.0, 1800.0)
    assert first.ended_by is SessionEnd.STRAP_GAP
    assert first.hrr60_bpm is None
    assert first.cooled_down is None
    assert (first.gap_s, first.gap_count) == (0.0, 0)
    assert second.start_t_s == 2401.0
    assert second.ended_by is SessionEnd.HR_DROPPED
    assert second.cooled_down is False


def test_gap_during_a_dip_closes_with_what_was_seen():
    s: Stream = []
    _warm_up(s)
    _segment(s, 1200, 165)  # t 600..1799
    _segment(s, 30, 100)  # t 1800..1829 dip
    s.append((2500.0, 160.0))  # strap back after 11 min
    first, *_ = _detect(s)
    assert first.ended_by is SessionEnd.STRAP_GAP
    assert first.end_t_s == 1799.0
    assert first.hrr60_bpm is None  # only 30 s of recovery were seen
    assert first.cooled_down is False


def test_short_dips_stay_inside_long_dips_split():
    s: Stream = []
    _warm_up(s)
    _segment(s, 900, 165)
    _segment(s, 45, 100)
    _segment(s, 900, 165)
    _segment(s, 300, 80)
    (one,) = _detect(s)
    assert one.duration_s == pytest.approx(900 + 45 + 900 - 1)
    s = []
    _warm_up(s)
    _segment(s, 900, 165)
    _segment(s, 90, 100)
    _segment(s, 900, 165)
    _segment(s, 300, 80)
    first, second = _detect(s)
    assert first.end_t_s == 1499.0
    assert first.hrr60_bpm == 65.0
    assert second.start_t_s == 1590.0


def test_a_dip_longer_than_the_tolerance_but_shorter_than_hrr_window_splits():
    # dip tolerance 30 s, HRR window 60 s: HR back above after 40 s starts a new session
    s: Stream = []
    _warm_up(s)
    _segment(s, 900, 165)
    _segment(s, 40, 100)
    _segment(s, 900, 165)
    _segment(s, 300, 80)
    first, second = _detect(s, dip_tolerance_s=30.0)
    assert first.ended_by is SessionEnd.HR_DROPPED
    assert first.hrr60_bpm is None  # the 40-s tail is shorter than 60 s
    assert second.start_t_s == 1540.0


def test_too_short_efforts_are_not_sessions():
    s: Stream = []
    _warm_up(s)
    _segment(s, 300, 165)
    _segment(s, 300, 80)
    _segment(s, 599, 150)  # 598 s observed: one second short
    _segment(s, 120, 80)
    assert _detect(s) == ()


def test_stream_ending_during_exercise_ends_honestly():
    s: Stream = []
    _warm_up(s)
    _segment(s, 1200, 165)
    (session,) = _detect(s)
    assert session.ended_by is SessionEnd.STREAM_END
    assert session.end_t_s == 1799.0
    assert session.hrr60_bpm is None
    assert session.cooled_down is None


def test_strap_taken_off_right_after_the_stop_gives_no_hrr60():
    s: Stream = []
    _warm_up(s)
    _segment(s, 1200, 165)  # t 600..1799
    _segment(s, 20, lambda i: 160 - 2 * i)  # t 1800..1819
    s.append((1940.0, 90.0))  # 121-s stitched gap in the tail
    _segment(s, 120, 85)
    (session,) = _detect(s)
    assert session.ended_by is SessionEnd.HR_DROPPED
    assert session.hrr60_bpm is None
    assert session.cooled_down is False
    assert (session.gap_s, session.gap_count) == (0.0, 0)  # the tail's gap is not the session's


def test_easy_session_has_no_cool_down_verdict():
    s: Stream = []
    _warm_up(s)
    _segment(s, 1800, 125)  # 53.6 % HRR: a session, never >= 134
    _segment(s, 300, 80)
    (session,) = _detect(s)
    assert session.cooled_down is None
    assert session.hrr60_bpm == 45.0


def test_incremental_feeding_equals_batch_and_reports_on_the_closing_sample():
    s: Stream = []
    _warm_up(s)
    _segment(s, 900, 165)
    _segment(s, 200, 80)
    _segment(s, 900, 160)
    detector = SessionDetector(hr_rest_bpm=REST, hr_max_bpm=MAX)
    assert detector.session_threshold_bpm == 120.0
    assert detector.easy_threshold_bpm == 134.0
    closed_at: list[float] = []
    found: list[DetectedSession] = []
    for t, hr in s:
        out = detector.feed(t, hr)
        if out:
            closed_at.append(t)
        found.extend(out)
    assert detector.in_session
    found.extend(detector.finish())
    assert not detector.in_session
    assert detector.finish() == ()
    assert tuple(found) == detect_sessions(s, hr_rest_bpm=REST, hr_max_bpm=MAX)
    assert len(found) == 2
    # first session's last hard sample 1499; the 66th second below the threshold closes it
    # (closing waits for HRR60 + half the 10-s smoothing window: 65 s)
    assert closed_at == [1565.0]


def test_detector_rejects_bad_samples():
    detector = SessionDetector(hr_rest_bpm=REST, hr_max_bpm=MAX)
    detector.feed(0.0, 100.0)
    with pytest.raises(ValueError, match="increasing"):
        detector.feed(0.0, 100.0)
    with pytest.raises(ValueError, match="finite"):
        detector.feed(1.0, math.nan)
    with pytest.raises(ValueError, match="hr_rest_bpm"):
        SessionDetector(hr_rest_bpm=200.0, hr_max_bpm=MAX)


def test_detected_session_to_record_and_load():
    s: Stream = []
    _warm_up(s)
    _segment(s, 1800, 150)
    _segment(s, 300, 80)
    (session,) = _detect(s)
    t0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    rec = session.to_record(t0=t0, sport="running", source_id="strap-1")
    assert rec.start == t0 + timedelta(seconds=600)
    assert rec.duration_s == session.duration_s
    assert rec.source == "strap"
    assert rec.hr_samples == session.hr_samples
    assert rec.hrr60_bpm == session.hrr60_bpm
    assert rec.cooled_down is session.cooled_down
    profile = HeartRateProfile(
        hr_rest_bpm=REST,
        hr_max_bpm=MAX,
        sex=Sex.MALE,
        hr_rest_source=HrSource.CONFIGURED,
        hr_max_source=HrSource.CONFIGURED,
    )
    load = session_load(rec, profile=profile)
    assert load.method is LoadMethod.STREAM
    # 1800 s at 150 bpm: HRr = 100/140; 30 min * 0.714286 * 0.64 * e^(1.371429) = 54.048
    assert load.trimp == pytest.approx(54.048, abs=0.01)
    with pytest.raises(ValueError, match="timezone-aware"):
        session.to_record(t0=datetime(2026, 3, 1))  # noqa: DTZ001


@pytest.mark.parametrize(("t_s", "hr_bpm"), [(math.inf, 100.0), (1.0, True), (True, 100.0)])
def test_detector_rejects_non_numbers(t_s, hr_bpm):
    detector = SessionDetector(hr_rest_bpm=REST, hr_max_bpm=MAX)
    with pytest.raises(ValueError, match="finite"):
        detector.feed(t_s, hr_bpm)
