"""Workouts reported by another integration's entity: presets that map its attributes to a session.

The profile option ``workout_source`` names an entity whose state changes when a new workout is
reported (Garmin Connect's ``sensor.<name>_last_activity`` holds the raw activity as
attributes); ``workout_preset`` says which attributes hold what. Every value is checked
(hostile input): a workout without a start or a positive duration is ignored, HR outside
20-250 bpm is dropped. A workout is identified by the source's id, else by its start, so a
repeated state (restart, attribute refresh) is ingested once.

Presets (attribute names read from each integration's code):
    ``garmin_connect`` (cyberjunky/home-assistant-garmin_connect, ``last_activity`` sensor: the
    attributes are Garmin Connect's activity summary): ``activityId``, ``startTimeGMT`` (UTC
    without a zone) or ``startTimeLocal``, ``duration`` (s), ``averageHR``, ``maxHR``,
    ``activityType.typeKey``, ``activityTrainingLoad`` (Garmin's own load, shown only).
    ``polar`` (Aohzan/hass-polar, ``last_exercise`` sensor: state = the start time as Polar
    AccessLink sends it, local without a zone): ``duration`` (ISO 8601, ``PT1H2M3S``),
    ``heart_rate.average`` / ``heart_rate.maximum``, ``sport``, ``training_load`` (Polar's
    cardio load, shown only); no id, so the start identifies it.
    ``generic``: ``id``, ``start`` (ISO 8601), ``duration_s`` or ``duration_min``,
    ``avg_hr_bpm``, ``max_hr_bpm``, ``sport``, ``rpe`` — for a template sensor or a script.

Not mapped (no single entity holds one workout's start, duration and HR): WHOOP
(prankstr/hassio-whoop ``sensor.py``: HR and strain are separate sensors without a workout id),
Withings (home-assistant/core ``components/withings/sensor.py``: one sensor per workout value,
no start) and Strava (craibo/ha_strava ``sensor.py``: date, time and HR are separate sensors).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.util import dt as dt_util

from ..physiology.training_load import CR10_MAX, SessionRecord

MIN_HR_BPM: Final = 20.0
MAX_HR_BPM: Final = 250.0
MAX_DURATION_S: Final = 24 * 3600.0
"""A reported workout longer than a day is not believed."""


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkoutPreset:
    """Which attributes of a workout entity hold what (first present name wins)."""

    source: str
    id_attrs: tuple[str, ...] = ()
    start_utc_attrs: tuple[str, ...] = ()
    """Start without a zone meaning UTC (or with a zone)."""
    start_local_attrs: tuple[str, ...] = ()
    """Start without a zone meaning HA's local time (or with a zone)."""
    duration_s_attrs: tuple[str, ...] = ()
    duration_min_attrs: tuple[str, ...] = ()
    avg_hr_attrs: tuple[str, ...] = ()
    max_hr_attrs: tuple[str, ...] = ()
    sport_attrs: tuple[str, ...] = ()
    rpe_attrs: tuple[str, ...] = ()
    vendor_load_attrs: tuple[str, ...] = ()
    vendor_load_unit: str | None = None
    vendor_name: str | None = None
    start_from_state: bool = False
    """The entity's state is the start (local without a zone, or with a zone)."""


PRESETS: Final[Mapping[str, WorkoutPreset]] = {
    "garmin_connect": WorkoutPreset(
        source="garmin_connect",
        id_attrs=("activityId",),
        start_utc_attrs=("startTimeGMT",),
        start_local_attrs=("startTimeLocal",),
        duration_s_attrs=("duration", "elapsedDuration"),
        avg_hr_attrs=("averageHR",),
        max_hr_attrs=("maxHR",),
        sport_attrs=("activityType",),
        vendor_load_attrs=("activityTrainingLoad",),
        vendor_load_unit="garmin_training_load",
        vendor_name="Garmin",
    ),
    "polar": WorkoutPreset(
        source="polar",
        start_from_state=True,
        duration_s_attrs=("duration",),
        avg_hr_attrs=("heart_rate.average",),
        max_hr_attrs=("heart_rate.maximum",),
        sport_attrs=("sport",),
        vendor_load_attrs=("training_load",),
        vendor_load_unit="polar_cardio_load",
        vendor_name="Polar",
    ),
    "generic": WorkoutPreset(
        source="entity",
        id_attrs=("id",),
        start_local_attrs=("start",),
        duration_s_attrs=("duration_s",),
        duration_min_attrs=("duration_min",),
        avg_hr_attrs=("avg_hr_bpm",),
        max_hr_attrs=("max_hr_bpm",),
        sport_attrs=("sport",),
        rpe_attrs=("rpe",),
    ),
}
DEFAULT_PRESET: Final = "garmin_connect"


def _get(attrs: Mapping[str, Any], name: str) -> Any:
    """An attribute; ``a.b`` reads key ``b`` of a mapping attribute ``a``."""
    value: Any = attrs
    for part in name.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _first(attrs: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    return next(
        (value for n in names if (value := _get(attrs, n)) is not None and value != ""), None
    )


_ISO_DURATION: Final = re.compile(
    r"^PT(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?$"
)


def _seconds(value: Any) -> float | None:
    """Seconds from a number, a numeric string or an ISO 8601 time duration (``PT1H2M``)."""
    if isinstance(value, str) and (match := _ISO_DURATION.match(value.strip().upper())):
        if not any(match.groupdict().values()):
            return None
        h, m, sec = (float(match.group(k) or 0.0) for k in ("h", "m", "s"))
        return h * 3600.0 + m * 60.0 + sec
    return _number(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _hr(value: Any) -> float | None:
    hr = _number(value)
    return hr if hr is not None and MIN_HR_BPM <= hr <= MAX_HR_BPM else None


def _instant(value: Any, *, utc: bool) -> datetime | None:
    if isinstance(value, datetime):
        parsed: datetime | None = value
    elif isinstance(value, str):
        parsed = dt_util.parse_datetime(value.strip().replace(" ", "T", 1))
    else:
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt_util.UTC if utc else dt_util.get_default_time_zone())
    return dt_util.as_utc(parsed)


def _sport(value: Any) -> str:
    if isinstance(value, Mapping):
        value = value.get("typeKey")
    if isinstance(value, str) and value.strip():
        return value.strip().casefold()[:64]
    return "unknown"


def workout_from_attributes(
    preset: WorkoutPreset, attrs: Mapping[str, Any], *, now: datetime, state: str | None = None
) -> SessionRecord | None:
    """The session an entity's state and attributes describe, or None when they describe none."""
    start = (
        _instant(_first(attrs, preset.start_utc_attrs), utc=True)
        or _instant(_first(attrs, preset.start_local_attrs), utc=False)
        or (_instant(state, utc=False) if preset.start_from_state else None)
    )
    duration_s = _seconds(_first(attrs, preset.duration_s_attrs))
    if duration_s is None and (minutes := _number(_first(attrs, preset.duration_min_attrs))):
        duration_s = minutes * 60.0
    if start is None or duration_s is None or not 0 < duration_s <= MAX_DURATION_S:
        return None
    if start + timedelta(seconds=duration_s) > now + timedelta(minutes=5):
        return None  # a workout that has not ended yet (or a wrong clock): not believed
    rpe = _number(_first(attrs, preset.rpe_attrs))
    raw_id = _first(attrs, preset.id_attrs)
    vendor_load = _number(_first(attrs, preset.vendor_load_attrs))
    return SessionRecord(
        start=start,
        duration_s=duration_s,
        sport=_sport(_first(attrs, preset.sport_attrs)),
        source=preset.source,
        avg_hr_bpm=_hr(_first(attrs, preset.avg_hr_attrs)),
        max_hr_bpm=_hr(_first(attrs, preset.max_hr_attrs)),
        rpe=rpe if rpe is not None and 0 <= rpe <= CR10_MAX else None,
        source_id=None if raw_id is None else str(raw_id)[:64],
        vendor_load=vendor_load if vendor_load is not None and vendor_load >= 0 else None,
        vendor_load_unit=preset.vendor_load_unit if vendor_load is not None else None,
        vendor_name=preset.vendor_name if vendor_load is not None else None,
    )
