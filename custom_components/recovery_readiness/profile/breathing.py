"""Guided breathing of one person: the pacer's phase events, live coherence, HRV around it.

Rules (README "Guided breathing"):
- A session starts on request (button, `start_breathing` action) at a pace of 3-12
  breaths/min (default: the person's stored resonance pace, else 6) for whole breaths of about
  the requested minutes (`physiology.breathing.session_plan`), or as the resonance assessment
  (6.5, 6.0, 5.5, 5.0 and 4.5 breaths/min, 2 minutes each). `stop_breathing` ends it early.
- Every inhale and exhale fires ``recovery_readiness_breathing_phase`` with its duration, so a
  light can follow it; the phases are events, never entity state (recorder load).
- With the linked strap connected at the start: the minute of beats before the session, the
  session's beats and the minute after it give RMSSD and mean HR before / during / after
  (`session_summary`); live coherence is computed every 5 s on the last 64 s of beats
  (`coherence(recent_window(...))`, McCraty et al. 2009). The strap lost (disconnect, lost
  contact, a broken beat stream) mid-session: the pacer runs on, HRV collection stops and the
  session says so (``strap: false``, ``hrv_note: strap_lost``). Without a strap the pacer runs
  alone (``hrv_note: no_strap``) and ends at once, without the minute after.
- The end fires ``recovery_readiness_breathing_completed`` with the figures; the assessment
  stores the chosen pace (on disk before the event says so) and it becomes the default pace.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.components.button import ButtonEntityDescription
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from ..const import EVENT_BREATHING_PHASE, LOGGER
from ..physiology.breathing import (
    RESONANCE_STEP_S,
    UPDATE_S,
    BreathPhase,
    ResonanceAssessment,
    coherence,
    pacer,
    recent_window,
    resonance_assessment,
    resonance_protocol,
    session_plan,
    session_summary,
)
from ..physiology.errors import InsufficientDataError
from ..report import (
    BreathingState,
    BreathingStatus,
    ProfileReport,
    ResonanceResult,
    event_base,
)
from ..sensor import RecoverySensorDescription
from ..store.breathing import BreathingStore
from ..strap_entry import BeatBatch

DEFAULT_BREATHS_PER_MIN: Final = 6.0
"""Default pace without a stored resonance pace: 6/min, the population's typical resonance
(0.1 Hz; Lehrer et al. 2000, Vaschillo et al. 2002)."""
DEFAULT_MINUTES: Final = 5.0
MIN_MINUTES: Final = 1.0
MAX_MINUTES: Final = 60.0
SEGMENT_S: Final = 60.0
"""The minute before and the minute after a session whose RMSSD and mean HR are reported;
60-s RMSSD agrees with 5-min RMSSD at rest (Esco & Flatt 2014; Munoz et al. 2015)."""
SEGMENT_MIN_S: Final = 50.0
"""A part is measured with at least 50 s of analysed beats (project choice: a few lost beats
of the minute are tolerated), else it is None."""
SEGMENT_MIN_DIFFERENCES: Final = 40
"""... and at least 40 successive differences (a minute at >= 41 bpm; project choice)."""
MODE_PACE: Final = "pace"
MODE_RESONANCE: Final = "resonance"


class BreathingError(Exception):
    """A request the session cannot follow; ``key`` is the translated exception key."""

    def __init__(self, key: str) -> None:
        """Keep the translation key."""
        super().__init__(key)
        self.key = key


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedPhase:
    """One inhale or exhale of a session, relative to its start.

    Attributes:
        offset_s: when it begins, s after the session start.
        phase: inhale or exhale.
        duration_s: its length, s (the light's transition time).
        breath_index: 0-based breath number over the whole session.
        breaths_per_min: the pace it belongs to.
    """

    offset_s: float
    phase: BreathPhase
    duration_s: float
    breath_index: int
    breaths_per_min: float


def plan_phases(
    steps: tuple[tuple[float, float, int], ...],
) -> tuple[tuple[PlannedPhase, ...], float]:
    """Lay out the phases of ``steps`` = (start s, breaths/min, whole breaths); and the total s.

    Each step starts with an inhale at its own start (`pacer` durations), so a pace change never
    cuts a breath; offsets are computed from the step start, never summed (no drift).
    """
    phases: list[PlannedPhase] = []
    total_s = 0.0
    breath = 0
    for start_s, bpm, count in steps:
        pace = pacer(bpm)
        for i in range(count):
            base = start_s + i * pace.cycle_s
            phases.append(
                PlannedPhase(
                    offset_s=base,
                    phase=BreathPhase.INHALE,
                    duration_s=pace.inhale_s,
                    breath_index=breath,
                    breaths_per_min=bpm,
                )
            )
            phases.append(
                PlannedPhase(
                    offset_s=base + pace.inhale_s,
                    phase=BreathPhase.EXHALE,
                    duration_s=pace.exhale_s,
                    breath_index=breath,
                    breaths_per_min=bpm,
                )
            )
            breath += 1
        total_s = start_s + count * pace.cycle_s
    return tuple(phases), total_s


def pace_steps(breaths_per_min: float, minutes: float) -> tuple[tuple[float, float, int], ...]:
    """One pace for whole breaths of about ``minutes`` (`session_plan`)."""
    plan = session_plan(pacer(breaths_per_min), minutes=minutes)
    return ((0.0, float(breaths_per_min), plan.breath_count),)


def resonance_steps() -> tuple[tuple[float, float, int], ...]:
    """The assessment protocol: each pace for whole breaths of its 2 minutes."""
    return tuple(
        (
            step.start_s,
            step.breaths_per_min,
            session_plan(pacer(step.breaths_per_min), minutes=RESONANCE_STEP_S / 60.0).breath_count,
        )
        for step in resonance_protocol()
    )


def assessment_dict(a: ResonanceAssessment) -> dict[str, Any]:
    """The assessment's figures for the completed event (rounded)."""
    return {
        "resonance_breaths_per_min": a.resonance_breaths_per_min,
        "tied_breaths_per_min": list(a.tied_breaths_per_min),
        "skipped_breaths_per_min": list(a.skipped_breaths_per_min),
        "paces": [
            {
                "breaths_per_min": p.breaths_per_min,
                "lf_power_ms2": round(p.coherence.lf_power_ms2, 1),
                "hr_oscillation_bpm": round(p.coherence.hr_oscillation_bpm, 2),
                "coherence": round(p.coherence.score, 3),
                "peak_hz": round(p.coherence.peak_hz, 4),
                "peak_matches_pace": p.peak_matches_pace,
            }
            for p in a.points
        ],
    }


def _score(rr_ms: list[float]) -> float | None:
    """The coherence ratio of ``rr_ms``; None with too little data or no variability."""
    try:
        score = coherence(rr_ms).score
    except (InsufficientDataError, ValueError):
        return None
    return score if math.isfinite(score) else None


class BreathingRunner:
    """Runs one person's guided-breathing sessions on HA's clock and the strap's beats."""

    def __init__(  # noqa: PLR0913  (keyword-only wiring of one part)
        self,
        hass: HomeAssistant,
        *,
        profile: str,
        name: str,
        store: BreathingStore,
        strap_connected: Callable[[], bool],
        on_status: Callable[[], None],
        on_completed: Callable[[dict[str, Any] | None], None],
    ) -> None:
        """Bind to the person; nothing runs until `async_start`."""
        self.hass = hass
        self._profile = profile
        self._name = name
        self._store = store
        self._strap_connected = strap_connected
        self._on_status = on_status
        self._on_completed = on_completed
        self.status = BreathingStatus()
        self._recent: deque[tuple[float, float]] = deque()
        self._before: list[float] = []
        self._during: list[float] = []
        self._after: list[float] = []
        self._by_pace: dict[float, list[float]] = {}
        self._phases: tuple[PlannedPhase, ...] = ()
        self._total_s = 0.0
        self._next = 0
        self._start = dt_util.utcnow()
        self._unsub: CALLBACK_TYPE | None = None
        self._last_coherence_t: float | None = None

    async def async_load(self) -> None:
        """Read the stored resonance pace."""
        self.status = replace(self.status, resonance=await self._store.async_load())

    @property
    def default_breaths_per_min(self) -> float:
        """The stored resonance pace, else 6 breaths/min."""
        r = self.status.resonance
        return DEFAULT_BREATHS_PER_MIN if r is None else r.breaths_per_min

    # ------------------------------------------------------------------ control

    @callback
    def async_start(
        self,
        *,
        breaths_per_min: float | None,
        minutes: float,
        resonance: bool,
        trigger: str,
    ) -> None:
        """Start a session now (``resonance``: the assessment protocol).

        Raises:
            BreathingError: ``breathing_already_running`` while a session runs or rests.
        """
        if self.status.state in (BreathingState.RUNNING, BreathingState.RESTING):
            msg = "breathing_already_running"
            raise BreathingError(msg)
        if resonance:
            steps = resonance_steps()
        else:
            steps = pace_steps(breaths_per_min or self.default_breaths_per_min, minutes)
        self._phases, self._total_s = plan_phases(steps)
        strap = self._strap_connected()
        self._before = [rr for _, rr in self._recent] if strap else []
        self._during, self._after = [], []
        self._by_pace = {bpm: [] for _, bpm, _ in steps}
        self._last_coherence_t = None
        self._start = dt_util.utcnow()
        self._next = 0
        self.status = BreathingStatus(
            state=BreathingState.RUNNING,
            mode=MODE_RESONANCE if resonance else MODE_PACE,
            breaths_per_min=steps[0][1],
            minutes=round(self._total_s / 60.0, 2),
            started_at=self._start,
            elapsed_s=0.0,
            remaining_s=round(self._total_s, 1),
            trigger=trigger,
            strap=strap,
            hrv_note=None if strap else "no_strap",
            resonance=self.status.resonance,
        )
        LOGGER.debug(
            "%s: breathing started (%s, %.1f min, strap %s)", self._name, trigger, minutes, strap
        )
        self._run_phase(self._start)

    @callback
    def async_stop(self) -> None:
        """End the session now (the minute after is still recorded when the strap is there).

        Raises:
            BreathingError: ``breathing_not_running`` when no session runs.
        """
        if self.status.state is BreathingState.RUNNING:
            self._end_pacer(dt_util.utcnow(), stopped=True)
        elif self.status.state is BreathingState.RESTING:
            self._finish()
        else:
            msg = "breathing_not_running"
            raise BreathingError(msg)

    @callback
    def async_cancel(self) -> None:
        """Unload: cancel the timer (an unfinished session is dropped, nothing is stored)."""
        self._cancel_timer()

    def _cancel_timer(self) -> None:
        if self._unsub is not None:
            self._unsub()
            self._unsub = None

    def _schedule(self, offset_s: float, action: Callable[[datetime], None]) -> None:
        self._cancel_timer()
        self._unsub = async_track_point_in_utc_time(
            self.hass, action, self._start + timedelta(seconds=offset_s)
        )

    # ------------------------------------------------------------------ the pacer

    @callback
    def _on_timer(self, now: datetime) -> None:
        self._unsub = None
        self._run_phase(now)

    def _run_phase(self, now: datetime) -> None:
        """Announce the next planned phase; after the last one, end the pacer."""
        if self._next >= len(self._phases):
            self._end_pacer(now, stopped=False)
            return
        phase = self._phases[self._next]
        self._next += 1
        self.status = replace(
            self.status,
            breaths_per_min=phase.breaths_per_min,
            elapsed_s=round(phase.offset_s, 1),
            remaining_s=round(self._total_s - phase.offset_s, 1),
        )
        self.hass.bus.async_fire(
            EVENT_BREATHING_PHASE,
            event_base(self._profile, self._name)
            | {
                "phase": phase.phase.value,
                "duration_s": round(phase.duration_s, 3),
                "breath_index": phase.breath_index,
                "breaths_per_min": phase.breaths_per_min,
                "elapsed_s": round(phase.offset_s, 3),
                "remaining_s": round(self._total_s - phase.offset_s, 3),
            },
        )
        self._on_status()
        following = (
            self._phases[self._next].offset_s if self._next < len(self._phases) else self._total_s
        )
        self._schedule(following, self._on_timer)

    def _end_pacer(self, now: datetime, *, stopped: bool) -> None:
        self._cancel_timer()
        elapsed = (
            self._total_s
            if not stopped
            else min(self._total_s, max(0.0, (now - self._start).total_seconds()))
        )
        self.status = replace(
            self.status,
            elapsed_s=round(elapsed, 1),
            remaining_s=0.0,
            stopped=stopped,
            coherence=_score(self._during) if self.status.strap else None,
        )
        if not self.status.strap:
            self._finish()
            return
        self.status = replace(self.status, state=BreathingState.RESTING)
        self._on_status()
        self._unsub = async_track_point_in_utc_time(
            self.hass, self._on_rest_over, now + timedelta(seconds=SEGMENT_S)
        )

    @callback
    def _on_rest_over(self, _now: datetime) -> None:
        self._unsub = None
        self._finish()

    def _finish(self) -> None:
        """Summarise (and assess) the session, store a new resonance pace, then report."""
        self._cancel_timer()
        measured = bool(self._before or self._during or self._after)
        summary = (
            session_summary(
                before_rr_ms=self._before,
                during_rr_ms=self._during,
                after_rr_ms=self._after,
                min_successive=SEGMENT_MIN_DIFFERENCES,
                min_duration_s=SEGMENT_MIN_S,
            )
            if measured
            else None
        )
        assessment: ResonanceAssessment | None = None
        reason: str | None = None
        if self.status.mode == MODE_RESONANCE:
            try:
                assessment = resonance_assessment(self._by_pace)
            except (InsufficientDataError, ValueError):
                reason = "insufficient_data"
        note = self.status.hrv_note
        if self.status.strap and (summary is None or summary.during is None):
            note = "too_few_beats"  # connected, but too few beats arrived (strap not worn?)
        self.status = replace(
            self.status,
            state=BreathingState.DONE,
            hrv_note=note,
            before=None if summary is None else summary.before,
            during=None if summary is None else summary.during,
            after=None if summary is None else summary.after,
            assessment_reason=reason,
        )
        self.hass.async_create_task(self._async_report(assessment))

    async def _async_report(self, assessment: ResonanceAssessment | None) -> None:
        if assessment is not None:
            result = ResonanceResult(
                breaths_per_min=assessment.resonance_breaths_per_min,
                assessed_at=dt_util.utcnow(),
                lf_power_by_pace=tuple(
                    (p.breaths_per_min, round(p.coherence.lf_power_ms2, 1))
                    for p in assessment.points
                ),
            )
            await self._store.async_save(result)
            self.status = replace(self.status, resonance=result)
            LOGGER.info("%s: resonance pace %.1f/min", self._name, result.breaths_per_min)
        self._on_completed(None if assessment is None else assessment_dict(assessment))

    # ------------------------------------------------------------------ the strap

    @callback
    def on_connection(self, connected: bool) -> None:  # noqa: FBT001  (a callback's argument)
        """The linked strap went away: HRV collection stops, the pacer runs on."""
        if not connected:
            self._recent.clear()
            self._strap_lost()

    def _strap_lost(self) -> None:
        state = self.status.state
        if not self.status.strap or state not in (BreathingState.RUNNING, BreathingState.RESTING):
            return
        LOGGER.info("%s: strap lost during breathing; the pacer runs on", self._name)
        self.status = replace(self.status, strap=False, hrv_note="strap_lost", coherence=None)
        self._after = []
        if state is BreathingState.RESTING:
            self._finish()
        else:
            self._on_status()

    @callback
    def on_beats(self, batch: BeatBatch) -> None:
        """One notification's RR intervals (event loop, ~1 Hz)."""
        rr_ms = [v for v in batch.rr_ms if v > 0]
        broken = batch.after_gap or len(rr_ms) != len(batch.rr_ms)
        if batch.sensor_contact is False or broken:
            # The stream is not continuous across this point: never join beats around it.
            self._recent.clear()
            self._strap_lost()
            if batch.sensor_contact is False:
                return
        t = batch.t_s
        self._recent.extend((t, v) for v in rr_ms)
        while self._recent and t - self._recent[0][0] > SEGMENT_S:
            self._recent.popleft()
        if not self.status.strap:
            return
        if self.status.state is BreathingState.RESTING:
            self._after.extend(rr_ms)
        elif self.status.state is BreathingState.RUNNING:
            self._during.extend(rr_ms)
            if self.status.mode == MODE_RESONANCE and self.status.breaths_per_min is not None:
                self._by_pace.setdefault(self.status.breaths_per_min, []).extend(rr_ms)
            self._update_coherence(t)

    def _update_coherence(self, t_s: float) -> None:
        """Live coherence of the last 64 s of the session's beats, every `UPDATE_S` s."""
        if self._last_coherence_t is not None and t_s - self._last_coherence_t < UPDATE_S:
            return
        self._last_coherence_t = t_s
        score = _score(_tail(self._during))
        if score is None:
            return
        best = self.status.coherence_max
        self.status = replace(
            self.status, coherence=score, coherence_max=score if best is None else max(best, score)
        )
        self._on_status()


_TAIL_BEATS: Final = 400
"""More beats than 64 s can hold (64 s at 220 bpm is 235 beats)."""


def _tail(rr_ms: list[float]) -> list[float]:
    """The last 64 s of beats (`recent_window`) without copying the whole session."""
    return list(recent_window(rr_ms[-_TAIL_BEATS:]))


# ---------------------------------------------------------------------- entities

SESSION_UNRECORDED: Final = frozenset({"elapsed_s", "remaining_s"})
"""Attributes that change with every phase: kept out of the recorder."""


def _session_attrs(r: ProfileReport) -> Mapping[str, Any]:
    b = r.breathing
    return {
        "mode": b.mode,
        "breaths_per_min": b.breaths_per_min,
        "minutes": b.minutes,
        "elapsed_s": b.elapsed_s,
        "remaining_s": b.remaining_s,
        "strap": b.strap,
        "hrv_note": b.hrv_note,
        "trigger": b.trigger,
        "started_at": None if b.started_at is None else b.started_at.isoformat(),
    }


def _coherence_attrs(r: ProfileReport) -> Mapping[str, Any]:
    return {
        "coherence_max": None
        if r.breathing.coherence_max is None
        else round(r.breathing.coherence_max, 3)
    }


def _resonance_attrs(r: ProfileReport) -> Mapping[str, Any]:
    res = r.breathing.resonance
    return {
        "assessed_at": None if res is None else res.assessed_at.isoformat(),
        "lf_power_by_pace": None
        if res is None
        else {f"{p:g}": lf for p, lf in res.lf_power_by_pace},
    }


SENSORS: Final[tuple[RecoverySensorDescription[ProfileReport], ...]] = (
    RecoverySensorDescription(
        key="breathing_session",
        translation_key="breathing_session",
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in BreathingState],
        value_fn=lambda r: r.breathing.state.value,
        attrs_fn=_session_attrs,
        unrecorded_attributes=SESSION_UNRECORDED,
    ),
    RecoverySensorDescription(
        key="breathing_coherence",
        translation_key="breathing_coherence",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda r: (
            None if r.breathing.coherence is None else round(r.breathing.coherence, 3)
        ),
        attrs_fn=_coherence_attrs,
    ),
    RecoverySensorDescription(
        key="resonance_pace",
        translation_key="resonance_pace",
        suggested_display_precision=1,
        value_fn=lambda r: (
            None if r.breathing.resonance is None else r.breathing.resonance.breaths_per_min
        ),
        attrs_fn=_resonance_attrs,
    ),
)

START_BUTTON: Final = ButtonEntityDescription(
    key="start_breathing", translation_key="start_breathing"
)
"""Starts a guided-breathing session at the default pace for the default minutes."""
