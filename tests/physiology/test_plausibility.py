"""Plausible ranges of a morning measurement: bounds inclusive, unknown passes, reasons."""

from __future__ import annotations

from datetime import date

import pytest
from physiology.plausibility import (
    EARLIEST_DATE,
    MAX_RECORDING_S,
    RESTING_HR_BPM_RANGE,
    RMSSD_MS_RANGE,
    check_date,
    check_measurement,
)


@pytest.mark.parametrize(
    ("rmssd_ms", "hr_bpm", "duration_s", "reason"),
    [
        (RMSSD_MS_RANGE[0], RESTING_HR_BPM_RANGE[0], 60.0, None),
        (RMSSD_MS_RANGE[1], RESTING_HR_BPM_RANGE[1], MAX_RECORDING_S, None),
        (42.0, None, None, None),  # unknown heart rate and length are not implausible
        (2.99, 50.0, 120.0, "implausible_rmssd"),
        (300.01, 50.0, 120.0, "implausible_rmssd"),
        (float("nan"), 50.0, 120.0, "implausible_rmssd"),
        (1e308, 50.0, 120.0, "implausible_rmssd"),
        (42.0, 24.9, 120.0, "implausible_hr"),
        (42.0, 10000.0, 120.0, "implausible_hr"),
        (42.0, float("inf"), 120.0, "implausible_hr"),
        (42.0, 50.0, MAX_RECORDING_S + 1, "recording_too_long"),
        (42.0, 50.0, 7 * 3600.0, "recording_too_long"),
        (42.0, 50.0, float("nan"), "recording_too_long"),
    ],
)
def test_measurement_ranges(
    rmssd_ms: float, hr_bpm: float | None, duration_s: float | None, reason: str | None
) -> None:
    assert check_measurement(rmssd_ms=rmssd_ms, hr_bpm=hr_bpm, duration_s=duration_s) == reason


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (EARLIEST_DATE, None),
        (date(2026, 6, 1), None),
        (date(1999, 12, 31), "date_too_old"),
        (date(1, 1, 1), "date_too_old"),
        (date(2026, 6, 2), "date_in_future"),
        (date(9999, 12, 31), "date_in_future"),
    ],
)
def test_date_range(day: date, reason: str | None) -> None:
    assert check_date(day, today=date(2026, 6, 1)) == reason
