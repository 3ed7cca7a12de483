"""Physiology: HRV, sleep, training load and readiness from plain numbers.

Standard library only, no I/O, no clock, no Home Assistant. Every metric's docstring states its
formula and its reference (see README "The readiness model"). Too little data raises
:class:`InsufficientDataError`; the integration shows such a metric as unknown, never as 0.
"""

from .errors import InsufficientDataError
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
    "InsufficientDataError",
    "Nap",
    "SleepEpisode",
    "SleepNight",
    "SleepRules",
    "SleepSummary",
    "recommended_bedtime",
    "sleep_regularity_index",
    "summarize_nights",
]
