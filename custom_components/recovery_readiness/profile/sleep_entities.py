"""The entities of a person's sleep: last night, averages, debt, regularity, bedtimes, naps.

Each reads the `ProfileReport`'s sleep state (`report.SleepState`), which `sleep.SleepTracker`
publishes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import time
from typing import Any, Final

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import UnitOfTime

from ..binary_sensor import RecoveryBinarySensorDescription
from ..physiology.sleep import Nap, SleepSummary
from ..report import ProfileReport
from ..sensor import RecoverySensorDescription, no_attributes

NAP_RATINGS: Final = ("short", "sweet_spot", "long")
"""Enum states of the last-nap rating: below, inside, above the 20-40 min sweet spot."""


def _nap_rating(nap: Nap | None) -> str | None:
    if nap is None:
        return None
    if nap.sweet_spot:
        return "sweet_spot"
    return "short" if nap.duration_min < 30.0 else "long"  # noqa: PLR2004  (sweet-spot middle)


def _nap_attributes(r: ProfileReport) -> Mapping[str, Any] | None:
    nap = r.sleep.last_nap
    if nap is None:
        return None
    return {
        "start": nap.start.isoformat(),
        "end": nap.end.isoformat(),
        "sweet_spot": nap.sweet_spot,
    }


def _last_night_attributes(r: ProfileReport) -> Mapping[str, Any] | None:
    night = r.sleep.last_night
    if night is None:
        return None
    return {
        "night_of": night.night_of.isoformat(),
        "time_in_bed_h": round(night.time_in_bed_h, 2),
        "awakenings": night.awakenings,
        "work_night": night.work_night,
    }


def _summary_value[T](r: ProfileReport, read: Callable[[SleepSummary], T | None]) -> T | None:
    summary = r.sleep.summary
    return None if summary is None else read(summary)


def _clock(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def _window_attributes(r: ProfileReport) -> Mapping[str, Any] | None:
    window = r.sleep.window
    if window is None:
        return None
    return {
        "night_of": window.night_of.isoformat(),
        "recommended_bedtime": window.bedtime.isoformat(),
        "window_start": window.start.isoformat(),
        "window_end": window.end.isoformat(),
    }


def _in_bed_attributes(r: ProfileReport) -> Mapping[str, Any] | None:
    since = r.sleep.in_bed_since
    return None if since is None else {"since": since.isoformat()}


_HOURS: Final = SensorEntityDescription(
    key="",
    device_class=SensorDeviceClass.DURATION,
    native_unit_of_measurement=UnitOfTime.HOURS,
    state_class=SensorStateClass.MEASUREMENT,
    suggested_display_precision=2,
)
_MINUTES: Final = SensorEntityDescription(
    key="",
    device_class=SensorDeviceClass.DURATION,
    native_unit_of_measurement=UnitOfTime.MINUTES,
    state_class=SensorStateClass.MEASUREMENT,
    suggested_display_precision=0,
)


def _duration(
    unit: SensorEntityDescription,
    key: str,
    value_fn: Callable[[ProfileReport], float | None],
    attrs_fn: Callable[[ProfileReport], Mapping[str, Any] | None] = no_attributes,
) -> RecoverySensorDescription[ProfileReport]:
    """A duration sensor in hours or minutes (device class, unit, precision from ``unit``)."""
    return RecoverySensorDescription(
        key=key,
        translation_key=key,
        device_class=unit.device_class,
        native_unit_of_measurement=unit.native_unit_of_measurement,
        state_class=unit.state_class,
        suggested_display_precision=unit.suggested_display_precision,
        value_fn=value_fn,
        attrs_fn=attrs_fn,
    )


SENSORS: Final[tuple[RecoverySensorDescription[ProfileReport], ...]] = (
    _duration(
        _HOURS,
        "last_sleep_duration",
        lambda r: None if r.sleep.last_night is None else r.sleep.last_night.duration_h,
        _last_night_attributes,
    ),
    RecoverySensorDescription(
        key="last_bedtime",
        translation_key="last_bedtime",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda r: None if r.sleep.last_night is None else r.sleep.last_night.bedtime,
    ),
    RecoverySensorDescription(
        key="last_wake_time",
        translation_key="last_wake_time",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda r: None if r.sleep.last_night is None else r.sleep.last_night.wake_time,
    ),
    _duration(_HOURS, "average_sleep_duration", lambda r: r.sleep.average_sleep_h),
    _duration(_HOURS, "sleep_debt", lambda r: r.sleep.sleep_debt_h),
    RecoverySensorDescription(
        key="sleep_regularity_index",
        translation_key="sleep_regularity_index",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda r: _summary_value(r, lambda s: s.sri),
    ),
    _duration(
        _MINUTES,
        "bedtime_variability",
        lambda r: _summary_value(r, lambda s: s.bedtime_sd_min),
    ),
    _duration(
        _MINUTES,
        "wake_time_variability",
        lambda r: _summary_value(r, lambda s: s.wake_time_sd_min),
    ),
    _duration(_HOURS, "social_jetlag", lambda r: _summary_value(r, lambda s: s.social_jetlag_h)),
    RecoverySensorDescription(
        key="usual_bedtime",
        translation_key="usual_bedtime",
        value_fn=lambda r: _clock(_summary_value(r, lambda s: s.usual_bedtime)),
    ),
    RecoverySensorDescription(
        key="usual_wake_time",
        translation_key="usual_wake_time",
        value_fn=lambda r: _clock(_summary_value(r, lambda s: s.usual_wake_time)),
    ),
    RecoverySensorDescription(
        key="recommended_bedtime",
        translation_key="recommended_bedtime",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda r: r.sleep.recommended_bedtime,
    ),
    _duration(
        _MINUTES,
        "last_nap",
        lambda r: None if r.sleep.last_nap is None else r.sleep.last_nap.duration_min,
        _nap_attributes,
    ),
    RecoverySensorDescription(
        key="last_nap_rating",
        translation_key="last_nap_rating",
        device_class=SensorDeviceClass.ENUM,
        options=list(NAP_RATINGS),
        value_fn=lambda r: _nap_rating(r.sleep.last_nap),
    ),
)

BINARY_SENSORS: Final[tuple[RecoveryBinarySensorDescription[ProfileReport], ...]] = (
    RecoveryBinarySensorDescription(
        key="in_bed",
        translation_key="in_bed",
        is_on_fn=lambda r: r.sleep.in_bed,
        attrs_fn=_in_bed_attributes,
    ),
    RecoveryBinarySensorDescription(
        key="bedtime_window",
        translation_key="bedtime_window",
        is_on_fn=lambda r: r.sleep.window_on,
        attrs_fn=_window_attributes,
    ),
)
