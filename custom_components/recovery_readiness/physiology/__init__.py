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
    "Beat",
    "BeatTimer",
    "HrvSummary",
    "InsufficientDataError",
    "MeasurementPhase",
    "MeasurementProgress",
    "MeasurementSession",
    "MeasurementSettings",
    "MorningMeasurement",
    "Nap",
    "RejectionReason",
    "RrCorrection",
    "SleepEpisode",
    "SleepNight",
    "SleepRules",
    "SleepSummary",
    "classify_rr",
    "correct_rr",
    "evaluate_measurement",
    "recommended_bedtime",
    "sleep_regularity_index",
    "summarize_nights",
    "time_domain",
]
