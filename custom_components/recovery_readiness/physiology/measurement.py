"""The morning HRV measurement: beat timing, stabilisation, analysis window, verdict.

A chest strap delivers notifications ``(receive time, RR values)``. This module turns them into
timed beats (:class:`BeatTimer`), discards a stabilisation period, analyses a fixed window with
artefact correction and time-domain HRV, and returns a verdict with its reason
(:func:`evaluate_measurement`). :class:`MeasurementSession` bundles both for a live stream and
reports progress. Everything is deterministic: times are passed in (monotonic seconds), never
read from a clock.

Protocol (science.md §4, project default): discard the first 60 s; analyse 120 s (configurable
60-300 s); reject when more than 5 % of the window's intervals are artefacts, when fewer than 60
successive differences remain, or when a gap (disconnect or lost beats) falls inside the window.

References:
    Bourdillon N. et al. (2017). Minimal window duration for accurate HRV recording in
    athletes. Front Neurosci 11:456 (1 min stabilisation + 2 min analysis for RMSSD).
    Esco M.R., Flatt A.A. (2014). J Sports Sci Med 13(3):535-541 (60-s minimum).
    Plews D.J. et al. (2013). Sports Med 43(9):773-781 (lnRMSSD as the readiness variable).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from .artifacts import correct_rr
from .errors import InsufficientDataError
from .hrv import MIN_DURATION_S, MIN_SUCCESSIVE_DIFFERENCES, HrvSummary, time_domain

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "DEFAULT_ANALYSIS_S",
    "DEFAULT_STABILISATION_S",
    "GAP_LAG_MEDIAN_FACTOR",
    "GAP_LAG_MIN_S",
    "MAX_ANALYSIS_S",
    "MAX_ARTIFACT_RATIO",
    "MIN_ANALYSIS_S",
    "Beat",
    "BeatTimer",
    "MeasurementPhase",
    "MeasurementProgress",
    "MeasurementSession",
    "MeasurementSettings",
    "MorningMeasurement",
    "RejectionReason",
    "evaluate_measurement",
]

DEFAULT_STABILISATION_S: Final = 60.0
"""Discarded settling time, s (Bourdillon et al. 2017: 1 min stabilisation)."""
DEFAULT_ANALYSIS_S: Final = 120.0
"""Analysed window, s (Bourdillon et al. 2017: 2 min suffice for RMSSD)."""
MIN_ANALYSIS_S: Final = 60.0
"""Shortest configurable window, s (Esco & Flatt 2014: 60 s)."""
MAX_ANALYSIS_S: Final = 300.0
"""Longest configurable window, s (Task Force 1996 short-term standard, 5 min)."""
MAX_ARTIFACT_RATIO: Final = 0.05
"""Reject above 5 % artefacts in the window (project default, science.md §3.4)."""
GAP_LAG_MIN_S: Final = 2.0
"""Lag growth, s, that always declares lost beats (project default, science.md §1)."""
GAP_LAG_MEDIAN_FACTOR: Final = 2.0
"""...or this many median RR intervals, whichever is larger (science.md §1)."""
_RECENT_RR_BEATS: Final = 31
_MS_PER_S: Final = 1000.0


class MeasurementPhase(StrEnum):
    """Where a measurement stands."""

    WAITING = "waiting"
    """No beat yet."""
    STABILISING = "stabilising"
    """Beats arrive but fall in the discarded stabilisation period."""
    ANALYSING = "analysing"
    """Beats fill the analysis window."""
    COMPLETE = "complete"
    """The window is full (or broken by a gap): :meth:`MeasurementSession.result` is final."""


class RejectionReason(StrEnum):
    """Why a measurement was rejected."""

    GAP_IN_WINDOW = "gap_in_window"
    """A disconnect or lost beats fall inside the analysis window."""
    TOO_MANY_ARTIFACTS = "too_many_artifacts"
    """More than ``max_artifact_ratio`` of the window's intervals are artefacts."""
    TOO_FEW_BEATS = "too_few_beats"
    """Fewer successive differences or less NN time than the minimum."""
    INCOMPLETE = "incomplete"
    """The stream ended before the analysis window was full."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Beat:
    """One RR interval placed in time.

    Attributes:
        t_s: time of the beat that closes the interval, s, on the receive-time axis.
        rr_ms: the interval, ms.
        after_gap: ``True`` when beats were lost (or the strap reconnected) right before it.
    """

    t_s: float
    rr_ms: float
    after_gap: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasurementSettings:
    """Protocol settings of a morning measurement (science.md §4).

    Attributes:
        stabilisation_s: discarded settling time at the start, s (>= 0).
        analysis_s: analysed window after it, s (60-300).
        max_artifact_ratio: reject when the window's artefact ratio is above this (0-1).
        min_successive: minimum successive differences in the window (>= 1).
        min_duration_s: minimum analysed NN time, s.
    """

    stabilisation_s: float = DEFAULT_STABILISATION_S
    analysis_s: float = DEFAULT_ANALYSIS_S
    max_artifact_ratio: float = MAX_ARTIFACT_RATIO
    min_successive: int = MIN_SUCCESSIVE_DIFFERENCES
    min_duration_s: float = MIN_DURATION_S

    def __post_init__(self) -> None:
        """Reject settings outside their documented ranges."""
        if not self.stabilisation_s >= 0.0:
            msg = f"stabilisation_s must be >= 0, got {self.stabilisation_s}"
            raise ValueError(msg)
        if not MIN_ANALYSIS_S <= self.analysis_s <= MAX_ANALYSIS_S:
            msg = f"analysis_s must be {MIN_ANALYSIS_S}-{MAX_ANALYSIS_S} s, got {self.analysis_s}"
            raise ValueError(msg)
        if not 0.0 <= self.max_artifact_ratio <= 1.0:
            msg = f"max_artifact_ratio must be 0-1, got {self.max_artifact_ratio}"
            raise ValueError(msg)
        if self.min_successive < 1:
            msg = f"min_successive must be >= 1, got {self.min_successive}"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasurementProgress:
    """Progress of a running measurement.

    Attributes:
        phase: current phase.
        elapsed_s: time from the opening of the first interval to the latest beat, s.
        remaining_s: time until the analysis window is full, s (0 when complete).
        beat_count: intervals received so far.
        gap_count: gaps (disconnects, lost beats) so far.
    """

    phase: MeasurementPhase
    elapsed_s: float
    remaining_s: float
    beat_count: int
    gap_count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class MorningMeasurement:
    """Outcome of one morning measurement.

    The HRV values are set only when the measurement is accepted; a rejected measurement has
    ``rejection`` set and ``None`` values (shown as unknown, never 0).

    Attributes:
        accepted: the window passed every quality rule.
        rejection: why it did not, else ``None``.
        ln_rmssd: ln(RMSSD in ms) of the window.
        rmssd_ms: RMSSD of the window, ms.
        hr_bpm: resting heart rate, 60000 / MeanNN of the window (science.md §6).
        artifact_ratio: corrected intervals / intervals in the window (0-1), ``None`` when the
            window could not be corrected (gap, incomplete, fewer than 3 intervals).
        duration_s: observed RR time inside the window, s.
        beat_count: RR intervals inside the window.
        hrv: full time-domain summary of the window (accepted measurements only).
    """

    accepted: bool
    rejection: RejectionReason | None
    ln_rmssd: float | None
    rmssd_ms: float | None
    hr_bpm: float | None
    artifact_ratio: float | None
    duration_s: float
    beat_count: int
    hrv: HrvSummary | None


def _validated_rr(rr_ms: Sequence[float]) -> list[float]:
    values = [float(v) for v in rr_ms]
    for v in values:
        if not (math.isfinite(v) and v > 0.0):
            msg = f"RR intervals must be finite and positive, got {v}"
            raise ValueError(msg)
    return values


class BeatTimer:
    """Place streamed RR intervals in time and declare gaps (science.md §1, project default).

    Beat times are a running sum of RR anchored to the first notification of a connection: the
    last RR of that notification closes at its receive time. Notification receive time is never
    a beat time otherwise (BLE delivery jitter; some straps deliver RR seconds late).

    A gap is declared on every :meth:`disconnect` (the next beat is ``after_gap``) and when the
    lag ``receive time - predicted time of the notification's last beat`` grows above its
    running minimum by more than ``max(GAP_LAG_MIN_S, GAP_LAG_MEDIAN_FACTOR * median RR)``
    (median over the last 31 intervals): beats were lost, and the timer re-anchors at that
    notification. A constant delivery delay does not count, and a notification without RR is
    not a gap by itself (below 60 bpm many carry none); lag is only evaluated on notifications
    that carry RR.
    """

    def __init__(self) -> None:
        """Start with no connection and no beats."""
        self._last_beat_t_s: float | None = None
        self._min_lag_s = 0.0
        self._last_receive_t_s = -math.inf
        self._recent_rr_ms: deque[float] = deque(maxlen=_RECENT_RR_BEATS)
        self._gap_pending = False
        self._beats_seen = False

    def disconnect(self) -> None:
        """Record a disconnect: the next beat starts a new segment after a gap."""
        self._last_beat_t_s = None
        if self._beats_seen:
            self._gap_pending = True

    def add(self, receive_t_s: float, rr_ms: Sequence[float]) -> tuple[Beat, ...]:
        """Place one notification's RR values (oldest first) in time and return them as beats.

        Raises:
            ValueError: if ``receive_t_s`` goes backwards or an RR value is not a finite
                positive number.
        """
        if not receive_t_s >= self._last_receive_t_s:
            msg = f"receive times must not go backwards: {receive_t_s} < {self._last_receive_t_s}"
            raise ValueError(msg)
        self._last_receive_t_s = receive_t_s
        values = _validated_rr(rr_ms)
        if not values:
            return ()
        total_s = math.fsum(values) / _MS_PER_S
        after_gap = self._gap_pending
        if self._last_beat_t_s is None:  # first notification of a connection: the anchor
            start_t_s = receive_t_s - total_s
            self._min_lag_s = 0.0
        else:
            lag_s = receive_t_s - (self._last_beat_t_s + total_s)
            if lag_s - self._min_lag_s > self._lag_threshold_s():  # beats were lost
                after_gap = True
                start_t_s = receive_t_s - total_s
                self._min_lag_s = 0.0
            else:
                start_t_s = self._last_beat_t_s
                self._min_lag_s = min(self._min_lag_s, lag_s)
        beats: list[Beat] = []
        elapsed_ms = 0.0
        for k, rr in enumerate(values):
            elapsed_ms += rr
            beats.append(
                Beat(
                    t_s=start_t_s + elapsed_ms / _MS_PER_S, rr_ms=rr, after_gap=after_gap and k == 0
                )
            )
        self._last_beat_t_s = beats[-1].t_s
        self._recent_rr_ms.extend(values)
        self._gap_pending = False
        self._beats_seen = True
        return tuple(beats)

    def _lag_threshold_s(self) -> float:
        ordered = sorted(self._recent_rr_ms)
        median_ms = ordered[len(ordered) // 2]
        return max(GAP_LAG_MIN_S, GAP_LAG_MEDIAN_FACTOR * median_ms / _MS_PER_S)


def _window_bounds(beats: Sequence[Beat], settings: MeasurementSettings) -> tuple[float, float]:
    start_s = beats[0].t_s - beats[0].rr_ms / _MS_PER_S
    window_start_s = start_s + settings.stabilisation_s
    return window_start_s, window_start_s + settings.analysis_s


def _rejected(
    reason: RejectionReason,
    *,
    duration_s: float = 0.0,
    beat_count: int = 0,
    artifact_ratio: float | None = None,
) -> MorningMeasurement:
    return MorningMeasurement(
        accepted=False,
        rejection=reason,
        ln_rmssd=None,
        rmssd_ms=None,
        hr_bpm=None,
        artifact_ratio=artifact_ratio,
        duration_s=duration_s,
        beat_count=beat_count,
        hrv=None,
    )


def evaluate_measurement(
    beats: Sequence[Beat], *, settings: MeasurementSettings | None = None
) -> MorningMeasurement:
    """Evaluate a morning measurement from timed beats.

    Window: the measurement starts when the first interval opens
    (``t0 = beats[0].t_s - beats[0].rr_ms / 1000``); intervals closing in
    ``(t0 + stabilisation_s, t0 + stabilisation_s + analysis_s]`` are analysed.

    Procedure:
        1. Incomplete when no beat closes at or after the window end.
        2. Rejected (gap) when a segment break falls inside the window: a beat with
           ``after_gap`` whose interval opens after the window start while the beat before it
           closed before the window end.
        3. Artefact correction (:func:`~.artifacts.correct_rr`) on the whole segment that holds
           the window (stabilisation beats give the 91-beat statistics context); the window's
           artefact ratio = corrected input intervals / input intervals in the window.
           Rejected when above ``max_artifact_ratio`` (default 5 %, science.md §3.4).
        4. :func:`~.hrv.time_domain` on the window's corrected NN with the correction's
           breaks (no difference touches an interpolated or split value). Rejected (too few
           beats) on :class:`InsufficientDataError` (default M >= 60, >= 60 s).

    Result: lnRMSSD, RMSSD, resting HR = 60000 / MeanNN, artefact ratio, observed duration.

    Args:
        beats: timed beats, oldest first (e.g. from :class:`BeatTimer`).
        settings: protocol settings (defaults: 60 s + 120 s, 5 %, M >= 60).

    Returns:
        The :class:`MorningMeasurement`.

    References:
        Bourdillon N. et al. (2017). Front Neurosci 11:456. Lipponen J.A., Tarvainen M.P.
        (2019). J Med Eng Technol 43(3):173-181. Plews D.J. et al. (2013). Sports Med
        43(9):773-781. science.md §3.4, §4, §6.
    """
    settings = settings or MeasurementSettings()
    if not beats:
        return _rejected(RejectionReason.INCOMPLETE)
    window_start_s, window_end_s = _window_bounds(beats, settings)
    inside = [i for i, b in enumerate(beats) if window_start_s < b.t_s <= window_end_s]
    observed_s = math.fsum(beats[i].rr_ms for i in inside) / _MS_PER_S
    problem = _window_problem(beats, inside, window_start_s, window_end_s)
    if problem is not None:
        return _rejected(problem, duration_s=observed_s, beat_count=len(inside))
    return _analyse_window(beats, inside, settings=settings, observed_s=observed_s)


def _window_problem(
    beats: Sequence[Beat], inside: Sequence[int], window_start_s: float, window_end_s: float
) -> RejectionReason | None:
    """Return why the window cannot be analysed (incomplete, gap, empty), else ``None``."""
    if beats[-1].t_s < window_end_s:
        return RejectionReason.INCOMPLETE
    for i in range(1, len(beats)):
        opens_s = beats[i].t_s - beats[i].rr_ms / _MS_PER_S
        if beats[i].after_gap and opens_s > window_start_s and beats[i - 1].t_s < window_end_s:
            return RejectionReason.GAP_IN_WINDOW
    if not inside:
        return RejectionReason.TOO_FEW_BEATS
    return None


def _analyse_window(
    beats: Sequence[Beat],
    inside: Sequence[int],
    *,
    settings: MeasurementSettings,
    observed_s: float,
) -> MorningMeasurement:
    """Correct the segment holding the window, apply the artefact rule, compute HRV."""
    first, last = inside[0], inside[-1]
    seg_start = max((i for i in range(first + 1) if beats[i].after_gap), default=0)
    seg_end = next((i for i in range(last + 1, len(beats)) if beats[i].after_gap), len(beats))
    try:
        correction = correct_rr([b.rr_ms for b in beats[seg_start:seg_end]])
    except InsufficientDataError:
        return _rejected(
            RejectionReason.TOO_FEW_BEATS, duration_s=observed_s, beat_count=len(inside)
        )
    lo, hi = first - seg_start, last - seg_start
    flagged = sum(1 for i in correction.artifact_indices if lo <= i <= hi)
    ratio = flagged / len(inside)
    if ratio > settings.max_artifact_ratio:
        return _rejected(
            RejectionReason.TOO_MANY_ARTIFACTS,
            duration_s=observed_s,
            beat_count=len(inside),
            artifact_ratio=ratio,
        )
    keep = [k for k, src in enumerate(correction.source_indices) if lo <= src <= hi]
    nn = [correction.nn_ms[k] for k in keep]
    breaks = [b - keep[0] for b in correction.breaks if keep[0] < b <= keep[-1]]
    try:
        summary = time_domain(
            nn,
            breaks=breaks,
            min_successive=settings.min_successive,
            min_duration_s=settings.min_duration_s,
        )
    except InsufficientDataError:
        return _rejected(
            RejectionReason.TOO_FEW_BEATS,
            duration_s=observed_s,
            beat_count=len(inside),
            artifact_ratio=ratio,
        )
    return MorningMeasurement(
        accepted=True,
        rejection=None,
        ln_rmssd=summary.ln_rmssd,
        rmssd_ms=summary.rmssd_ms,
        hr_bpm=summary.hr_bpm,
        artifact_ratio=ratio,
        duration_s=observed_s,
        beat_count=len(inside),
        hrv=summary,
    )


class MeasurementSession:
    """A live morning measurement: feed notifications, read progress, take the result.

    Usage (the integration's coordinator)::

        session = MeasurementSession(settings=MeasurementSettings(analysis_s=180))
        # on every 0x2A37 notification (rr converted to ms, receive time monotonic, s):
        progress = session.add(receive_t_s, rr_ms)
        # on every disconnect of the strap:
        progress = session.disconnect()
        if progress.phase is MeasurementPhase.COMPLETE:
            outcome = session.result()

    Per-notification work is O(length of the notification); the analysis runs once, in
    :meth:`result`. A disconnect while the window is filling completes the measurement at once
    as rejected (gap in window); a disconnect during stabilisation is harmless if the strap is
    back before the window starts.
    """

    def __init__(self, *, settings: MeasurementSettings | None = None) -> None:
        """Create an empty session with the given protocol settings."""
        self._settings = settings or MeasurementSettings()
        self._timer = BeatTimer()
        self._beats: list[Beat] = []
        self._gap_count = 0
        self._broken = False
        self._result: MorningMeasurement | None = None

    @property
    def settings(self) -> MeasurementSettings:
        """The protocol settings."""
        return self._settings

    @property
    def beats(self) -> tuple[Beat, ...]:
        """The timed beats received so far."""
        return tuple(self._beats)

    def add(self, receive_t_s: float, rr_ms: Sequence[float]) -> MeasurementProgress:
        """Add one notification (receive time in monotonic s, RR in ms, oldest first).

        Beats after completion are ignored.

        Raises:
            ValueError: if the receive time goes backwards or an RR value is invalid.
        """
        if self.progress().phase is MeasurementPhase.COMPLETE:
            return self.progress()
        new = self._timer.add(receive_t_s, rr_ms)
        self._gap_count += sum(1 for b in new if b.after_gap)
        self._beats.extend(new)
        return self.progress()

    def disconnect(self) -> MeasurementProgress:
        """Record a strap disconnect (the next beats start after a gap)."""
        phase = self.progress().phase
        if phase is MeasurementPhase.ANALYSING:
            self._broken = True
        if phase is not MeasurementPhase.COMPLETE:
            self._timer.disconnect()
        return self.progress()

    def progress(self) -> MeasurementProgress:
        """Return the phase, elapsed and remaining time, beats and gaps so far."""
        if not self._beats:
            return MeasurementProgress(
                phase=MeasurementPhase.WAITING,
                elapsed_s=0.0,
                remaining_s=self._settings.stabilisation_s + self._settings.analysis_s,
                beat_count=0,
                gap_count=self._gap_count,
            )
        window_start_s, window_end_s = _window_bounds(self._beats, self._settings)
        start_s = window_start_s - self._settings.stabilisation_s
        last_s = self._beats[-1].t_s
        if self._broken or last_s >= window_end_s:
            phase = MeasurementPhase.COMPLETE
        elif last_s > window_start_s:
            phase = MeasurementPhase.ANALYSING
        else:
            phase = MeasurementPhase.STABILISING
        remaining = 0.0 if phase is MeasurementPhase.COMPLETE else window_end_s - last_s
        return MeasurementProgress(
            phase=phase,
            elapsed_s=last_s - start_s,
            remaining_s=remaining,
            beat_count=len(self._beats),
            gap_count=self._gap_count,
        )

    def result(self) -> MorningMeasurement:
        """Evaluate the measurement (cached once complete); see :func:`evaluate_measurement`.

        Before completion this returns a rejection with reason ``INCOMPLETE``.
        """
        if self._result is not None:
            return self._result
        if self._broken:
            outcome = _rejected(RejectionReason.GAP_IN_WINDOW)
        else:
            outcome = evaluate_measurement(self._beats, settings=self._settings)
        if self.progress().phase is MeasurementPhase.COMPLETE:
            self._result = outcome
        return outcome
