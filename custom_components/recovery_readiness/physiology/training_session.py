"""Workout sessions from a heart-rate stream: detection, HRR60 and cool-down (science.md §8).

Standard library only, no I/O, no clock: samples ``(t_s, hr_bpm)`` carry their own monotonic
time. :class:`SessionDetector` is fed one sample at a time (live strap) and returns the sessions
each sample closes; :func:`detect_sessions` runs it over a whole stream (import, tests,
benchmarks). Both give identical results. Thresholds are shares of the heart-rate reserve
(Karvonen): ``HR_at(r) = HR_rest + r * (HR_max - HR_rest)``. Defaults live in
:class:`.training_load.TrainingSettings`.

Detection (project defaults, configurable)
    * A session **starts** at the first sample at or above ``session_hrr_ratio`` (50 % HRR;
      ACSM moderate intensity is 40-59 % HRR, 50 % keeps everyday walking out).
    * It continues through **dips** below that threshold of up to ``dip_tolerance_s`` (60 s,
      counted in observed samples, so gap time is not dip time) ...
    * ... and through **gaps** in the stream (``dt > max_sample_interval_s``, 5 s: strap
      disconnect) of up to ``stitch_gap_s`` (5 min): the parts are stitched, gap time adds no
      load (unknown HR) and is reported as ``gap_s``. A longer gap closes the session at its
      last sample before the gap (``ended_by = strap_gap``).
    * It is kept only with at least ``min_session_s`` (10 min) of observed time from its start
      to its last sample above the threshold.

End of exercise
    HR takes minutes to fall below 50 % HRR after a hard stop, so the last sample above the
    threshold is too late to be "the end". The end of exercise is the **latest sample within
    ``end_tolerance_bpm`` (3 bpm) of the highest level in the last ``end_search_s`` (180 s)
    before HR fell below the threshold**, the level being the highest ``hr_smoothing_s``
    (10 s) centred mean HR (so one noisy beat does not set it): the stop after a hard finish,
    the last steady sample after a cool-down. A 1-Hz strap with ~2 bpm noise puts the end
    within a few seconds of the stop. When the stream stops while HR is still above the
    threshold (gap or end of stream), the session ends honestly at its last sample.

HRR60 (shown, never scored)
    ``HRR60 = HR(end of exercise) - HR(end + 60 s)``, where the first is the mean of the
    ``hr_smoothing_s`` (10 s) up to the end and the second the 10-s centred mean around end +
    60 s (1-Hz strap HR is noisy); only when the strap stayed on (no gap) for those 60 s, else
    ``None`` (Cole et al. 1999:
    <= 12 bpm was abnormal after a clinical exercise test). In athletes HRR is ambiguous: it
    speeds up with fitness **and** with functional overreaching (Aubry et al. 2015; Bellenger
    et al. 2016, 2017), and depends on the preceding intensity and posture (Lamberts et al.
    2010), so it is displayed as a trend, not used in any score.

Cool-down
    ``cooled_down = True`` when at least ``cool_down_min_easy_s`` (3 min) of the final
    ``cool_down_window_s`` (5 min) before the end of exercise were below ``easy_hrr_ratio``
    (60 % HRR) — a light-to-moderate cool-down of >= 5 min as recommended (ACSM's Guidelines,
    10th ed. 2018; Van Hooren & Peake 2018). ``False`` when the session had a hard part
    (>= ``hard_part_min_s`` at or above 60 % HRR before that window) and ended from a high HR.
    ``None`` when there was no hard part, or when the stream stopped during exercise (we do
    not know what came next). A walking cool-down below 50 % HRR lies after the detected end
    and is not seen: the rule recognises easy *exercise* (e.g. jogging, spinning) only.

References:
    Cole C.R. et al. (1999). Heart-rate recovery immediately after exercise as a predictor of
    mortality. N Engl J Med 341(18):1351-1357.
    Aubry A. et al. (2015). The development of functional overreaching is associated with a
    faster heart rate recovery in endurance athletes. PLoS One 10(10):e0139754.
    Bellenger C.R. et al. (2016). Monitoring athletic training status through autonomic heart
    rate regulation: a systematic review and meta-analysis. Sports Med 46(10):1461-1486 (HRR
    rises both with improved performance and with short-term fatigue).
    Bellenger C.R. et al. (2017). The effect of functional overreaching on parameters of
    autonomic heart rate regulation. Eur J Appl Physiol 117(3):541-550.
    Lamberts R.P. et al. (2010). Heart rate recovery as a guide to monitor fatigue and predict
    changes in performance parameters. Scand J Med Sci Sports 20(3):449-457.
    Van Hooren B., Peake J.M. (2018). Sports Med 48(7):1575-1595.
    American College of Sports Medicine (2018). ACSM's Guidelines for Exercise Testing and
    Prescription, 10th ed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from .training_load import (
    DEFAULT_TRAINING_SETTINGS,
    SessionRecord,
    TrainingSettings,
    _check_hr_range,
    _require_aware,
    _require_finite,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["DetectedSession", "SessionDetector", "SessionEnd", "detect_sessions"]


class SessionEnd(StrEnum):
    """Why a detected session closed."""

    HR_DROPPED = "hr_dropped"
    """HR stayed below the session threshold for longer than the dip tolerance."""
    STRAP_GAP = "strap_gap"
    """The stream stopped for longer than ``stitch_gap_s`` (strap disconnected or taken off)."""
    STREAM_END = "stream_end"
    """:meth:`SessionDetector.finish` was called while the session was open."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DetectedSession:
    """One workout found in the HR stream.

    Attributes:
        start_t_s: time of the first sample at or above the session threshold, s.
        end_t_s: end of exercise (module docstring), s.
        duration_s: ``end_t_s - start_t_s`` (gaps included).
        gap_s: time inside the session without samples (stitched gaps), s.
        gap_count: number of stitched gaps.
        hr_samples: ``(duration_s, hr_bpm)`` pairs from start to end, each sample's duration
            being the time to the next sample capped at ``max_sample_interval_s`` (the input
            of :func:`.training_load.banister_trimp`).
        avg_hr_bpm: time-weighted mean HR of ``hr_samples``.
        max_hr_bpm: highest HR of ``hr_samples``.
        end_hr_bpm: mean HR of the ``hr_smoothing_s`` (10 s) up to the end of exercise.
        hrr60_bpm: heart-rate recovery after 60 s, ``None`` when the strap did not stay on.
        cooled_down: cool-down verdict, ``None`` when unknown or not applicable.
        ended_by: why the session closed.
    """

    start_t_s: float
    end_t_s: float
    duration_s: float
    gap_s: float
    gap_count: int
    hr_samples: tuple[tuple[float, float], ...]
    avg_hr_bpm: float
    max_hr_bpm: float
    end_hr_bpm: float
    hrr60_bpm: float | None
    cooled_down: bool | None
    ended_by: SessionEnd

    def to_record(
        self,
        *,
        t0: datetime,
        sport: str = "unknown",
        source: str = "strap",
        source_id: str | None = None,
    ) -> SessionRecord:
        """Return the normalised :class:`.training_load.SessionRecord`.

        ``t0`` is the aware instant of ``t_s = 0`` on the stream's time axis.
        """
        _require_aware(t0, "t0")
        return SessionRecord(
            start=t0 + timedelta(seconds=self.start_t_s),
            duration_s=self.duration_s,
            sport=sport,
            source=source,
            hr_samples=self.hr_samples,
            avg_hr_bpm=self.avg_hr_bpm,
            max_hr_bpm=self.max_hr_bpm,
            source_id=source_id,
            hrr60_bpm=self.hrr60_bpm,
            cooled_down=self.cooled_down,
        )


def _mean_hr(buf: list[tuple[float, float]], t_lo: float, t_hi: float, i_hint: int) -> float:
    """Mean HR of the samples with ``t_lo <= t <= t_hi``; ``buf[i_hint]`` when there are none."""
    i = i_hint
    while i > 0 and buf[i - 1][0] >= t_lo:
        i -= 1
    j = i_hint
    while j + 1 < len(buf) and buf[j + 1][0] <= t_hi:
        j += 1
    values = [hr for t, hr in buf[i : j + 1] if t_lo <= t <= t_hi]
    return math.fsum(values) / len(values) if values else buf[i_hint][1]


class SessionDetector:
    """Incremental session detector: feed ``(t_s, hr_bpm)`` samples in time order.

    Memory is bounded by the open session (a 2-h session at 1 Hz holds 7,200 samples); between
    sessions nothing is kept. Each sample costs O(1) except the one that closes a session
    (O(session length)).
    """

    __slots__ = (
        "_buf",
        "_dip_s",
        "_easy_bpm",
        "_gap_count",
        "_gap_s",
        "_i_above",
        "_last_t",
        "_on_bpm",
        "_settings",
    )

    def __init__(
        self,
        *,
        hr_rest_bpm: float,
        hr_max_bpm: float,
        settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
    ) -> None:
        """Set the thresholds from the person's resting and max HR."""
        _check_hr_range(hr_rest_bpm, hr_max_bpm)
        reserve = hr_max_bpm - hr_rest_bpm
        self._settings = settings
        self._on_bpm = hr_rest_bpm + settings.session_hrr_ratio * reserve
        self._easy_bpm = hr_rest_bpm + settings.easy_hrr_ratio * reserve
        self._buf: list[tuple[float, float]] = []
        self._i_above = -1
        self._dip_s = 0.0
        self._gap_s = 0.0
        self._gap_count = 0
        self._last_t: float | None = None

    @property
    def session_threshold_bpm(self) -> float:
        """HR at ``session_hrr_ratio`` of the reserve."""
        return self._on_bpm

    @property
    def easy_threshold_bpm(self) -> float:
        """HR at ``easy_hrr_ratio`` of the reserve."""
        return self._easy_bpm

    @property
    def in_session(self) -> bool:
        """``True`` while a candidate session is open."""
        return bool(self._buf)

    def feed(self, t_s: float, hr_bpm: float) -> tuple[DetectedSession, ...]:
        """Add one sample; return the sessions it closed (usually none).

        Raises:
            ValueError: for a non-finite value or a time not after the previous sample.
        """
        if (
            type(t_s) is bool
            or type(hr_bpm) is bool
            or not (math.isfinite(t_s) and math.isfinite(hr_bpm))
        ):
            _require_finite(t_s, "t_s")
            _require_finite(hr_bpm, "hr_bpm")
        s = self._settings
        if self._last_t is not None and not t_s > self._last_t:
            msg = f"samples must be in increasing time order, got {t_s} after {self._last_t}"
            raise ValueError(msg)
        dt = t_s - self._last_t if self._last_t is not None else 0.0
        self._last_t = t_s
        closed: list[DetectedSession] = []
        above = hr_bpm >= self._on_bpm
        if self._buf:
            if dt > s.stitch_gap_s:
                closed.extend(self._close(SessionEnd.STRAP_GAP))
            elif above and self._dip_s > s.dip_tolerance_s:
                closed.extend(self._close(SessionEnd.HR_DROPPED))
            else:
                if dt > s.max_sample_interval_s:
                    self._gap_s += dt
                    self._gap_count += 1
                self._buf.append((t_s, hr_bpm))
                if above:
                    self._i_above = len(self._buf) - 1
                    self._dip_s = 0.0
                else:
                    self._dip_s += min(dt, s.max_sample_interval_s)
                    if self._dip_s > max(s.dip_tolerance_s, s.hrr_s + s.hr_smoothing_s / 2):
                        closed.extend(self._close(SessionEnd.HR_DROPPED))
                return tuple(closed)
        if above:
            self._buf = [(t_s, hr_bpm)]
            self._i_above = 0
            self._dip_s = self._gap_s = 0.0
            self._gap_count = 0
        return tuple(closed)

    def finish(self) -> tuple[DetectedSession, ...]:
        """Close the open session at the end of the stream (if it qualifies)."""
        return tuple(self._close(SessionEnd.STREAM_END)) if self._buf else ()

    # ------------------------------------------------------------------ internals

    def _close(self, reason: SessionEnd) -> list[DetectedSession]:
        buf, i_above = self._buf, self._i_above
        gap_s, gap_count = self._gap_s, self._gap_count
        self._buf = []
        self._i_above = -1
        self._dip_s = self._gap_s = 0.0
        self._gap_count = 0
        s = self._settings
        cap = s.max_sample_interval_s
        n = len(buf)
        durations = [min(buf[i + 1][0] - buf[i][0], cap) for i in range(n - 1)] + [0.0]
        if math.fsum(durations[:i_above]) < s.min_session_s:
            return []
        has_tail = i_above < n - 1
        i_end = self._exercise_end(buf, i_above) if has_tail else i_above
        # Gaps after the end of exercise belong to the tail, not to the session.
        for i in range(i_end, n - 1):
            dt = buf[i + 1][0] - buf[i][0]
            if dt > cap:
                gap_s -= dt
                gap_count -= 1
        start_t, end_t = buf[0][0], buf[i_end][0]
        samples = tuple((durations[i], buf[i][1]) for i in range(i_end + 1))
        weight = math.fsum(d for d, _ in samples)
        avg = math.fsum(d * hr for d, hr in samples) / weight
        return [
            DetectedSession(
                start_t_s=start_t,
                end_t_s=end_t,
                duration_s=end_t - start_t,
                gap_s=gap_s,
                gap_count=gap_count,
                hr_samples=samples,
                avg_hr_bpm=avg,
                max_hr_bpm=max(hr for _, hr in samples),
                end_hr_bpm=self._end_hr(buf, i_end),
                hrr60_bpm=self._hrr(buf, i_end) if has_tail else None,
                cooled_down=self._cooled_down(buf, durations, i_end) if has_tail else None,
                ended_by=reason,
            )
        ]

    def _exercise_end(self, buf: list[tuple[float, float]], i_above: int) -> int:
        s = self._settings
        half = s.hr_smoothing_s / 2.0
        t_above = buf[i_above][0]
        i_first = i_above
        while i_first > 0 and buf[i_first - 1][0] >= t_above - s.end_search_s:
            i_first -= 1
        indices = range(i_first, i_above + 1)
        level = max(_mean_hr(buf, buf[i][0] - half, buf[i][0] + half, i) for i in indices)
        near = [i for i in indices if buf[i][1] >= level - s.end_tolerance_bpm]
        return near[-1] if near else max(indices, key=lambda i: buf[i][1])

    def _end_hr(self, buf: list[tuple[float, float]], i_end: int) -> float:
        t_end = buf[i_end][0]
        return _mean_hr(buf, t_end - self._settings.hr_smoothing_s, t_end, i_end)

    def _hrr(self, buf: list[tuple[float, float]], i_end: int) -> float | None:
        s = self._settings
        target = buf[i_end][0] + s.hrr_s
        for j in range(i_end + 1, len(buf)):
            if buf[j][0] - buf[j - 1][0] > s.max_sample_interval_s:
                return None
            if buf[j][0] >= target:
                half = s.hr_smoothing_s / 2.0
                after = _mean_hr(buf, target - half, target + half, j)
                return self._end_hr(buf, i_end) - after
        return None

    def _cooled_down(
        self, buf: list[tuple[float, float]], durations: list[float], i_end: int
    ) -> bool | None:
        s = self._settings
        window_start = buf[i_end][0] - s.cool_down_window_s
        easy_s = hard_before_s = 0.0
        for i in range(i_end):
            t, hr = buf[i]
            if t >= window_start:
                if hr < self._easy_bpm:
                    easy_s += durations[i]
            elif hr >= self._easy_bpm:
                hard_before_s += durations[i]
        if hard_before_s < s.hard_part_min_s:
            return None
        return easy_s >= s.cool_down_min_easy_s


def detect_sessions(
    samples: Iterable[tuple[float, float]],
    *,
    hr_rest_bpm: float,
    hr_max_bpm: float,
    settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
) -> tuple[DetectedSession, ...]:
    """Return every session in a whole stream of ``(t_s, hr_bpm)`` samples (batch form).

    Same rules and results as feeding :class:`SessionDetector` and calling
    :meth:`SessionDetector.finish` at the end.
    """
    detector = SessionDetector(hr_rest_bpm=hr_rest_bpm, hr_max_bpm=hr_max_bpm, settings=settings)
    found: list[DetectedSession] = []
    for t_s, hr_bpm in samples:
        found.extend(detector.feed(t_s, hr_bpm))
    found.extend(detector.finish())
    return tuple(found)
