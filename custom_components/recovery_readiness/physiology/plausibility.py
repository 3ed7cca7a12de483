"""Plausible ranges of a morning measurement: what may enter a person's history at all.

A value outside these ranges is not a physiological extreme but an error (a unit mix-up, a
corrupt export, a typo); it would shift the baselines and normal ranges for months. The
history import rejects such a row with one of the reason keys below.

Ranges (inclusive):

* RMSSD 3-300 ms. Short-term resting RMSSD in healthy adults is 19-75 ms (Nunan D. et al.
  2010, Pacing Clin Electrophysiol 33:1407, normative review); endurance athletes' morning
  values reach about 200 ms (Plews D. J. et al. 2013, Sports Med 43:773). Project default: a
  wide margin on both sides, so only impossible values are refused.
* Resting heart rate 25-150 bpm. The lowest resting rates reported in trained athletes are
  about 27-30 bpm; a resting (morning, lying) rate above 150 bpm is not a resting rate.
  Project default.
* Recording length at most 30 min. A morning measurement is 1-5 min (Task Force 1996,
  Circulation 93:1043: 5-min short-term standard; Esco & Flatt 2014: 60 s suffice); 30 min
  leaves room for a settling period. Project default. The minimum (60 s and 60 successive
  differences) is `hrv.MIN_DURATION_S` / `hrv.MIN_SUCCESSIVE_DIFFERENCES`.
* Date from 2000-01-01 up to today. Project default: consumer RR recording started after
  2000; a later date than today is a typo or a wrong clock.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Final

__all__ = [
    "EARLIEST_DATE",
    "MAX_RECORDING_S",
    "REASON_DATE_IN_FUTURE",
    "REASON_DATE_TOO_OLD",
    "REASON_IMPLAUSIBLE_HR",
    "REASON_IMPLAUSIBLE_RMSSD",
    "REASON_RECORDING_TOO_LONG",
    "RESTING_HR_BPM_RANGE",
    "RMSSD_MS_RANGE",
    "check_date",
    "check_measurement",
]

RMSSD_MS_RANGE: Final = (3.0, 300.0)
"""Plausible RMSSD, ms (project default around Nunan et al. 2010 and Plews et al. 2013)."""
RESTING_HR_BPM_RANGE: Final = (25.0, 150.0)
"""Plausible resting heart rate, bpm (project default)."""
MAX_RECORDING_S: Final = 30 * 60.0
"""Longest recording accepted as one morning measurement, s (project default)."""
EARLIEST_DATE: Final = date(2000, 1, 1)
"""Earliest date of a stored measurement or sleep episode (project default)."""

REASON_IMPLAUSIBLE_RMSSD: Final = "implausible_rmssd"
REASON_IMPLAUSIBLE_HR: Final = "implausible_hr"
REASON_RECORDING_TOO_LONG: Final = "recording_too_long"
REASON_DATE_TOO_OLD: Final = "date_too_old"
REASON_DATE_IN_FUTURE: Final = "date_in_future"


def _within(value: float, bounds: tuple[float, float]) -> bool:
    return math.isfinite(value) and bounds[0] <= value <= bounds[1]


def check_measurement(
    *, rmssd_ms: float, hr_bpm: float | None, duration_s: float | None
) -> str | None:
    """Return the reason key a measurement is implausible, or None when it is plausible.

    A missing heart rate or length (None) is unknown and passes; a known one must be in range.
    """
    if not _within(rmssd_ms, RMSSD_MS_RANGE):
        return REASON_IMPLAUSIBLE_RMSSD
    if hr_bpm is not None and not _within(hr_bpm, RESTING_HR_BPM_RANGE):
        return REASON_IMPLAUSIBLE_HR
    if duration_s is not None and not (math.isfinite(duration_s) and duration_s <= MAX_RECORDING_S):
        return REASON_RECORDING_TOO_LONG
    return None


def check_date(day: date, *, today: date) -> str | None:
    """Return the reason key a measurement's (local) date is implausible, or None."""
    if day < EARLIEST_DATE:
        return REASON_DATE_TOO_OLD
    if day > today:
        return REASON_DATE_IN_FUTURE
    return None
