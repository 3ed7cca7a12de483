"""One model of a person's state: what entities, events, `get_readiness` and voice all read.

The profile's parts (sleep, measurement, readiness) publish their frozen states; the profile
combines them into one `ProfileReport` per change. Every number a user sees is computed once,
here or in `physiology`, so an entity, a reason text, an event and an action response cannot
disagree. Missing is None (unknown), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from .physiology.breathing import BreathingSegment
from .physiology.readiness import HrvBaseline, Readiness, RhrBaseline
from .physiology.sleep import Nap, SleepNight, SleepSummary
from .physiology.training_load import (
    DailyAdvice,
    HeartRateProfile,
    LoadRange,
    SessionLoad,
    SessionRecord,
    TrainingLoad,
    WindowAssessment,
)
from .store.measurements import StoredMeasurement


def event_base(profile: str, name: str) -> dict[str, Any]:
    """The person keys of every event: ``profile`` (entry id), ``name``, ``entry_id`` (alias)."""
    return {"profile": profile, "name": name, "entry_id": profile}


def rounded(value: float | None, digits: int = 2) -> float | None:
    """``value`` rounded to ``digits``; None (unknown) stays None."""
    return None if value is None else round(value, digits)


# ---------------------------------------------------------------------- sleep


@dataclass(frozen=True, slots=True, kw_only=True)
class BedtimeWindow:
    """The bedtime window of one night (aware local datetimes)."""

    night_of: date
    bedtime: datetime
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class SleepState:
    """What the sleep part publishes; replaced, never mutated.

    ``sleep_debt_h`` is the summary's 14-night debt (`physiology.sleep.SUMMARY_NIGHTS`), the
    same number the readiness score and its reason use; ``average_sleep_h`` is over the last 7
    nights (`physiology.sleep.RECENT_NIGHTS`).
    """

    summary: SleepSummary | None = None
    last_night: SleepNight | None = None
    last_nap: Nap | None = None
    average_sleep_h: float | None = None
    sleep_debt_h: float | None = None
    in_bed: bool | None = None
    in_bed_since: datetime | None = None
    window: BedtimeWindow | None = None
    window_on: bool = False

    @property
    def recommended_bedtime(self) -> datetime | None:
        """Recommended bedtime of the coming (or current) night."""
        return None if self.window is None else self.window.bedtime


# ---------------------------------------------------------------------- measurement


class MeasurementState(StrEnum):
    """The measurement's phase, as the progress sensor shows it."""

    IDLE = "idle"
    WAITING_FOR_CONTACT = "waiting_for_contact"
    STABILISING = "stabilising"
    MEASURING = "measuring"
    DONE = "done"
    REJECTED = "rejected"


RUNNING_STATES = frozenset(
    {MeasurementState.WAITING_FOR_CONTACT, MeasurementState.STABILISING, MeasurementState.MEASURING}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasurementStatus:
    """Where the current (or last) measurement stands."""

    state: MeasurementState = MeasurementState.IDLE
    progress_pct: float | None = None
    reason: str | None = None
    """Why it was rejected or paused: a reason key (e.g. ``contact_lost``)."""
    started_at: datetime | None = None
    trigger: str | None = None
    """``auto``, ``button`` or ``action``."""

    @property
    def running(self) -> bool:
        """Waiting for contact, stabilising or measuring."""
        return self.state in RUNNING_STATES


# ---------------------------------------------------------------------- readiness


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadinessState:
    """Baselines and readiness of one local day, from the measurements and sleep."""

    day: date | None = None
    readiness: Readiness | None = None
    hrv: HrvBaseline | None = None
    rhr: RhrBaseline | None = None
    today: StoredMeasurement | None = None
    last: StoredMeasurement | None = None


# ---------------------------------------------------------------------- breathing


class BreathingState(StrEnum):
    """The guided-breathing session, as the session sensor shows it.

    ``resting``: the pacer has ended and the minute after it is being recorded (strap only).
    """

    IDLE = "idle"
    RUNNING = "running"
    RESTING = "resting"
    DONE = "done"


@dataclass(frozen=True, slots=True, kw_only=True)
class ResonanceResult:
    """The person's stored resonance pace (largest HR oscillation of the assessment)."""

    breaths_per_min: float
    assessed_at: datetime
    lf_power_by_pace: tuple[tuple[float, float], ...] = ()
    """(pace breaths/min, LF power ms²) of every analysed pace, fastest first."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BreathingStatus:
    """Where the current (or last) guided-breathing session stands; None = unknown.

    ``coherence`` is the live coherence ratio (last 64 s of beats, McCraty et al. 2009) while
    the session runs, and the ratio of the whole session's averaged spectrum once it is over;
    ``coherence_max`` is the highest live value. ``strap`` says whether HRV figures were
    measured throughout (linked strap connected at the start and never lost); ``hrv_note``
    says why not (``no_strap``, ``strap_lost``) or that too few beats came (``too_few_beats``).
    """

    state: BreathingState = BreathingState.IDLE
    mode: str | None = None
    """``pace`` or ``resonance`` (the assessment protocol)."""
    breaths_per_min: float | None = None
    minutes: float | None = None
    started_at: datetime | None = None
    elapsed_s: float | None = None
    remaining_s: float | None = None
    trigger: str | None = None
    stopped: bool = False
    strap: bool | None = None
    hrv_note: str | None = None
    coherence: float | None = None
    coherence_max: float | None = None
    before: BreathingSegment | None = None
    during: BreathingSegment | None = None
    after: BreathingSegment | None = None
    resonance: ResonanceResult | None = None
    """The stored resonance pace (also the default pace when known)."""
    assessment_reason: str | None = None
    """Why the last assessment chose no pace (``insufficient_data``), else None."""

    @property
    def running(self) -> bool:
        """The pacer is running."""
        return self.state is BreathingState.RUNNING


def _segment_dict(s: BreathingSegment | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "rmssd_ms": round(s.rmssd_ms, 2),
        "mean_hr_bpm": round(s.mean_hr_bpm, 1),
        "duration_s": round(s.duration_s, 1),
        "artifact_ratio": round(s.artifact_ratio, 4),
    }


def breathing_dict(b: BreathingStatus) -> dict[str, Any]:
    """The breathing part of the completed event and of `get_readiness` (rounded, None kept)."""
    resonance = b.resonance
    return {
        "state": b.state.value,
        "mode": b.mode,
        "breaths_per_min": b.breaths_per_min,
        "minutes": b.minutes,
        "duration_s": rounded(b.elapsed_s, 1),
        "stopped": b.stopped,
        "strap": b.strap,
        "hrv_note": b.hrv_note,
        "coherence": rounded(b.coherence, 3),
        "coherence_max": rounded(b.coherence_max, 3),
        "before": _segment_dict(b.before),
        "during": _segment_dict(b.during),
        "after": _segment_dict(b.after),
        "resonance_breaths_per_min": None if resonance is None else resonance.breaths_per_min,
        "resonance_assessed_at": None if resonance is None else resonance.assessed_at.isoformat(),
    }


# ---------------------------------------------------------------------- training


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingState:
    """Sessions, training load, window and advice of one local day (`profile.training`).

    ``load`` is None without any session (unknown, never 0); ``window`` and ``suggested`` are
    None when they cannot be known (no session before today, no fitness yet).
    """

    day: date | None = None
    sessions: int = 0
    last_session: SessionRecord | None = None
    last_load: SessionLoad | None = None
    load: TrainingLoad | None = None
    window: WindowAssessment | None = None
    advice: DailyAdvice | None = None
    suggested: LoadRange | None = None
    hr_profile: HeartRateProfile | None = None
    recording: bool = False
    """A session is being recorded from the strap now (detected or started by hand)."""

    def as_dict(self) -> dict[str, Any]:
        """The training part of the `get_readiness` response."""
        last, load = self.last_session, self.last_load
        return {
            "sessions": self.sessions,
            "recording": self.recording,
            "last_session": None if last is None else session_summary(last, load),
            "training_load": None if self.load is None else self.load.as_dict(),
            "window": None if self.window is None else self.window.as_dict(),
            "advice": None if self.advice is None else self.advice.as_dict(),
            "suggested_load_trimp": None
            if self.suggested is None
            else {
                "low": round(self.suggested.low_trimp, 1),
                "high": round(self.suggested.high_trimp, 1),
            },
            "hr_max_estimated": None
            if self.hr_profile is None
            else self.hr_profile.hr_max_estimated,
        }


def session_summary(s: SessionRecord, load: SessionLoad | None) -> dict[str, Any]:
    """A session's figures, as entities, events and responses show them."""
    return {
        "start": s.start.isoformat(),
        "duration_min": round(s.duration_s / 60.0, 1),
        "sport": s.sport,
        "source": s.source,
        "trimp": None if load is None else rounded(load.trimp, 1),
        "load_method": None if load is None else load.method.value,
        "load_is_estimate": None if load is None else load.is_estimate,
        "avg_hr_bpm": rounded(s.avg_hr_bpm, 1),
        "max_hr_bpm": rounded(s.max_hr_bpm, 1),
        "hrr60_bpm": rounded(s.hrr60_bpm, 1),
        "cooled_down": s.cooled_down,
        "rpe": s.rpe,
        "vendor_load": s.vendor_load,
        "vendor_load_unit": s.vendor_load_unit,
        "merged_from": list(s.merged_from),
    }


# ---------------------------------------------------------------------- the report


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileReport:
    """A person's whole state at one moment; replaced, never mutated."""

    profile: str
    """The profile's config entry id."""
    name: str
    sleep: SleepState = SleepState()
    readiness: ReadinessState = ReadinessState()
    measurement: MeasurementStatus = MeasurementStatus()
    breathing: BreathingStatus = BreathingStatus()
    training: TrainingState = TrainingState()

    def readiness_response(self) -> dict[str, Any]:
        """The `get_readiness` response (reason texts are added by the caller)."""
        r = self.readiness
        report: dict[str, Any] = {
            "profile": self.profile,
            "name": self.name,
            "day": None if r.day is None else r.day.isoformat(),
        }
        if r.readiness is not None:
            report |= r.readiness.as_dict()
        report["hrv_baseline"] = None if r.hrv is None else r.hrv.as_dict()
        report["resting_hr_baseline"] = None if r.rhr is None else r.rhr.as_dict()
        today = r.today
        report["today"] = (
            None
            if today is None
            else {
                "measured_at": today.measured_at.isoformat(),
                "ln_rmssd": today.ln_rmssd,
                "rmssd_ms": today.rmssd_ms,
                "resting_hr_bpm": today.hr_bpm,
                "artifact_ratio": today.artifact_ratio,
            }
        )
        report["sleep"] = {
            "last_night_h": rounded(
                None if self.sleep.last_night is None else self.sleep.last_night.duration_h
            ),
            "average_sleep_h": rounded(self.sleep.average_sleep_h),
            "sleep_debt_h": rounded(self.sleep.sleep_debt_h),
        }
        report["measurement"] = {
            "state": self.measurement.state.value,
            "progress_pct": self.measurement.progress_pct,
            "reason": self.measurement.reason,
        }
        report["breathing"] = breathing_dict(self.breathing)
        report["training"] = self.training.as_dict()
        return report

    def breathing_completed_event(self, assessment: dict[str, Any] | None) -> dict[str, Any]:
        """The ``breathing_completed`` event: the session's figures (None = not measured)."""
        b = self.breathing
        return (
            event_base(self.profile, self.name)
            | breathing_dict(b)
            | {"assessment": assessment, "assessment_reason": b.assessment_reason}
        )

    def measurement_completed_event(
        self, measurement: StoredMeasurement | None, reason: str | None
    ) -> dict[str, Any]:
        """The ``measurement_completed`` event: the result and the readiness it led to."""
        m, result = measurement, self.readiness.readiness
        return event_base(self.profile, self.name) | {
            "quality": "accepted" if m is not None else "rejected",
            "reason": reason,
            "ln_rmssd": None if m is None else round(m.ln_rmssd, 4),
            "rmssd_ms": None if m is None else round(m.rmssd_ms, 2),
            "resting_hr_bpm": None if m is None or m.hr_bpm is None else round(m.hr_bpm, 1),
            "artifact_ratio": (
                None if m is None or m.artifact_ratio is None else round(m.artifact_ratio, 4)
            ),
            "readiness_score": None if result is None else result.score,
            "readiness_level": None
            if result is None or result.level is None
            else result.level.value,
            "recommendation": None
            if result is None or result.recommendation is None
            else result.recommendation.value,
        }

    def session_completed_event(self, session: SessionRecord, load: SessionLoad) -> dict[str, Any]:
        """The ``session_completed`` event: the session's figures and the load after it."""
        t = self.training.load
        return (
            event_base(self.profile, self.name)
            | session_summary(session, load)
            | {
                "acute_load": None if t is None else round(t.atl, 1),
                "chronic_load": None if t is None else round(t.ctl, 1),
            }
        )
