"""Physiology: HRV, sleep, training load and readiness from plain numbers.

Standard library only, no I/O, no clock, no Home Assistant. Every metric's docstring states its
formula and its reference (see README "The readiness model"). Too little data raises
:class:`InsufficientDataError`; the integration shows such a metric as unknown, never as 0.
"""

from .artifacts import ArtifactKind, RrCorrection, classify_rr, correct_rr
from .errors import InsufficientDataError
from .hrv import HrvSummary, time_domain
from .measurement import (
    Beat,
    BeatTimer,
    MeasurementPhase,
    MeasurementProgress,
    MeasurementSession,
    MeasurementSettings,
    MorningMeasurement,
    RejectionReason,
    evaluate_measurement,
)
from .readiness import (
    BaselineStatus,
    Contributor,
    ContributorStatus,
    HrvBaseline,
    Readiness,
    ReadinessLevel,
    Reason,
    Recommendation,
    RhrBaseline,
    SleepInputs,
    daily_values,
    hrv_baseline,
    rhr_baseline,
)
from .sleep import (
    Nap,
    SleepEpisode,
    SleepNight,
    SleepRules,
    SleepSummary,
    recommended_bedtime,
    sleep_regularity_index,
    summarize_nights,
)

__all__ = [
    "ArtifactKind",
    "BaselineStatus",
    "Beat",
    "BeatTimer",
    "Contributor",
    "ContributorStatus",
    "HrvBaseline",
    "HrvSummary",
    "InsufficientDataError",
    "MeasurementPhase",
    "MeasurementProgress",
    "MeasurementSession",
    "MeasurementSettings",
    "MorningMeasurement",
    "Nap",
    "Readiness",
    "ReadinessLevel",
    "Reason",
    "Recommendation",
    "RejectionReason",
    "RhrBaseline",
    "RrCorrection",
    "SleepEpisode",
    "SleepInputs",
    "SleepNight",
    "SleepRules",
    "SleepSummary",
    "classify_rr",
    "correct_rr",
    "daily_values",
    "evaluate_measurement",
    "hrv_baseline",
    "recommended_bedtime",
    "rhr_baseline",
    "sleep_regularity_index",
    "summarize_nights",
    "time_domain",
]
