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
    ``garmin_connect_recent``: the same integration's ``last_activities`` sensor, whose
    attribute ``last_activities`` lists the last 10 activity summaries (same keys): a new
    profile gets those as history, and two activities between two polls are both seen.
    ``polar`` (Aohzan/hass-polar, ``last_exercise`` sensor: state = the start time as Polar
    AccessLink sends it, local without a zone): ``duration`` (ISO 8601, ``PT1H2M3S``),
    ``heart_rate.average`` / ``heart_rate.maximum``, ``sport``, ``training_load`` (Polar's
    cardio load, shown only); no id, so the start identifies it.
    ``generic``: ``id``, ``start`` (ISO 8601), ``duration_s`` or ``duration_min``,
    ``avg_hr_bpm``, ``max_hr_bpm``, ``sport``, ``rpe`` — for a template sensor or a script.
    ``strava`` (craibo/ha_strava ``sensor.py``, the *Recent Activity* device): the source is the
    device's main sensor (attributes ``activity_id``, ``sport_type``); the start, elapsed time and
    heart rate are sibling sensors of the same device (unique ids ending in ``_date``,
    ``_elapsed_time``, ``_average_heartrate``, ``_max_heartrate``), each carrying the same
    ``activity_id`` attribute. Values are combined only when every sibling names the source's
    activity, so one workout's start is never paired with another's heart rate. The further
    *Recent Activity 2…N* devices of the same Strava account (unique ids
    ``strava_<athlete>_recent_<n>_recent``, as many as ha_strava is set to show) are read the
    same way as history. ha_strava releases before 4.0 fired ``ha_strava_activities_update``
    with the last 10 activities (``id``, ``date`` local, ``elapsed_time``,
    ``average_heartrate``, ``max_heartrate``, ``sport_type``); that event is read too. From
    4.0 (its coordinator) the event is no longer fired, so the entities are what counts.
    ``whoop`` (prankstr/hassio-whoop ``sensor.py``): the source is *Last Workout Overview*
    (state = ``score_state``; attributes ``id``, ``start``, ``end`` in UTC, ``sport_name``); the
    average and maximum HR and the strain are sibling sensors of the same device (unique ids
    ending in ``_latest_workout_score_average_heart_rate``, ``…_max_heart_rate``,
    ``…_strain``). They carry no workout id, but all are written from one coordinator refresh,
    so they are read after that refresh has finished, and only once WHOOP has scored the
    workout (``SCORED``; ``UNSCORABLE`` has no HR) so the HR is not missed for good.

Not mapped: Withings (home-assistant/core ``components/withings/sensor.py``): one sensor per
workout value and no start time, so a workout cannot be placed in time.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_call_later, async_track_state_change_event
from homeassistant.util import dt as dt_util

from ..physiology.training_load import CR10_MAX, SessionRecord

MIN_HR_BPM: Final = 20.0
MAX_HR_BPM: Final = 250.0
MAX_DURATION_S: Final = 24 * 3600.0
"""A reported workout longer than a day is not believed."""
MAX_LISTED: Final = 50
"""A list of workouts is read up to its last 50 entries (Garmin lists 10)."""
SIBLING_RETRY_S: Final = 5.0
SIBLING_RETRIES: Final = 12
"""Sibling sensors get this many ``SIBLING_RETRY_S`` chances to agree (one minute)."""


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
    end_utc_attrs: tuple[str, ...] = ()
    """End without a zone meaning UTC; gives the duration when no duration attribute is set."""
    siblings: tuple[tuple[str, str], ...] = ()
    """``(attribute, unique id suffix)``: values read from other sensors of the source's device."""
    match_attr: str | None = None
    """An attribute every sibling must share with the source (the activity id), else wait."""
    ready_states: tuple[str, ...] = ()
    """When set, the source's state must be one of these before the workout is read."""
    list_attr: str | None = None
    """The attribute holding a list of workouts (each read with this preset), not one."""
    more_sources: str | None = None
    """A pattern for the unique ids of further workout entities of the source's config entry
    (older workouts, each on its own device with its own siblings), read as history."""
    list_event: str | None = None
    """A bus event whose data lists workouts (``list_attr`` of ``list_event_preset``)."""
    list_event_preset: WorkoutPreset | None = None


_GARMIN_CONNECT: Final = WorkoutPreset(
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
)

PRESETS: Final[Mapping[str, WorkoutPreset]] = {
    "garmin_connect": _GARMIN_CONNECT,
    "garmin_connect_recent": replace(_GARMIN_CONNECT, list_attr="last_activities"),
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
    "strava": WorkoutPreset(
        source="strava",
        more_sources=r"_recent_\d+_recent$",
        list_event="ha_strava_activities_update",
        list_event_preset=WorkoutPreset(
            source="strava",
            id_attrs=("id",),
            start_local_attrs=("date",),
            duration_s_attrs=("elapsed_time",),
            avg_hr_attrs=("average_heartrate",),
            max_hr_attrs=("max_heartrate",),
            sport_attrs=("sport_type", "activity_type"),
            list_attr="activities",
        ),
        id_attrs=("activity_id",),
        start_local_attrs=("date",),
        duration_s_attrs=("elapsed_time",),
        avg_hr_attrs=("average_heartrate",),
        max_hr_attrs=("max_heartrate",),
        sport_attrs=("sport_type",),
        siblings=(
            ("date", "_date"),
            ("elapsed_time", "_elapsed_time"),
            ("average_heartrate", "_average_heartrate"),
            ("max_heartrate", "_max_heartrate"),
        ),
        match_attr="activity_id",
    ),
    "whoop": WorkoutPreset(
        source="whoop",
        id_attrs=("id",),
        start_utc_attrs=("start",),
        end_utc_attrs=("end",),
        avg_hr_attrs=("average_heart_rate",),
        max_hr_attrs=("max_heart_rate",),
        sport_attrs=("sport_name",),
        vendor_load_attrs=("strain",),
        vendor_load_unit="whoop_strain",
        vendor_name="WHOOP",
        siblings=(
            ("average_heart_rate", "_latest_workout_score_average_heart_rate"),
            ("max_heart_rate", "_latest_workout_score_max_heart_rate"),
            ("strain", "_latest_workout_score_strain"),
        ),
        ready_states=("SCORED", "UNSCORABLE"),
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
    if preset.ready_states and state not in preset.ready_states:
        return None
    duration_s = _seconds(_first(attrs, preset.duration_s_attrs))
    if (
        duration_s is None
        and start is not None
        and (end := _instant(_first(attrs, preset.end_utc_attrs), utc=True)) is not None
    ):
        duration_s = (end - start).total_seconds()
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


_DURATION_UNITS_S: Final[Mapping[str, float]] = {"s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}


def _sibling_value(state: State) -> Any:
    """A sibling sensor's value; durations in another display unit are turned into seconds."""
    factor = _DURATION_UNITS_S.get(str(state.attributes.get("unit_of_measurement", "")))
    if factor is not None and (number := _number(state.state)) is not None:
        return number * factor
    return state.state


def sibling_entities(hass: HomeAssistant, preset: WorkoutPreset, source: str) -> dict[str, str]:
    """``attribute -> entity id`` of the preset's siblings on the source entity's device."""
    registry = er.async_get(hass)
    entry = registry.async_get(source)
    if not preset.siblings or entry is None or entry.device_id is None:
        return {}
    found: dict[str, str] = {}
    for sibling in er.async_entries_for_device(registry, entry.device_id):
        if sibling.entity_id == source:
            continue
        for attr, suffix in preset.siblings:
            if attr not in found and str(sibling.unique_id).endswith(suffix):
                found[attr] = sibling.entity_id
    return found


def more_source_entities(hass: HomeAssistant, preset: WorkoutPreset, source: str) -> list[str]:
    """Entity ids of the preset's further workout entities in the source's config entry.

    For ha_strava: the *Recent Activity 2…N* devices' main sensors (unique ids
    ``strava_<athlete>_recent_<n>_recent``) next to the *Recent Activity* one picked as source.
    """
    registry = er.async_get(hass)
    entry = registry.async_get(source)
    if preset.more_sources is None or entry is None or entry.config_entry_id is None:
        return []
    pattern = re.compile(preset.more_sources)
    return sorted(
        other.entity_id
        for other in er.async_entries_for_config_entry(registry, entry.config_entry_id)
        if other.entity_id != source
        and other.domain == entry.domain
        and pattern.search(str(other.unique_id))
    )


def source_attributes(
    hass: HomeAssistant, preset: WorkoutPreset, source: State, siblings: Mapping[str, str]
) -> tuple[dict[str, Any], bool]:
    """The source's attributes with its siblings' values; and whether they are all consistent.

    Not consistent (the caller tries again later) when a sibling the registry knows has no
    value yet, or names another activity than the source (``match_attr``); such a sibling's
    value is left out.
    """
    attrs = dict(source.attributes)
    key = attrs.get(preset.match_attr) if preset.match_attr else None
    complete = not preset.match_attr or key is not None
    for attr, entity_id in siblings.items():
        state = hass.states.get(entity_id)
        if state is None or state.state in {STATE_UNKNOWN, STATE_UNAVAILABLE, ""}:
            complete = False
            continue
        if preset.match_attr and (
            key is None or str(state.attributes.get(preset.match_attr)) != str(key)
        ):
            complete = False
            continue
        attrs[attr] = _sibling_value(state)
    return attrs, complete


class WorkoutSourceFollower:
    """Hands the workout source's state and attributes to ``ingest`` whenever it changes.

    A preset with sibling sensors (Strava, WHOOP) is read after the source's integration has
    written all of them: one loop turn after a change, and again every ``SIBLING_RETRY_S``
    while a sibling has no value yet or names another activity (at most ``SIBLING_RETRIES``
    times; then what is consistent is used). The state at start-up is read too.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        preset: WorkoutPreset,
        source: str,
        ingest: Callable[[str, Mapping[str, Any]], None],
    ) -> None:
        """Follow ``source`` read with ``preset``."""
        self._hass = hass
        self._preset = preset
        self._source = source
        self._ingest = ingest
        self._retry: CALLBACK_TYPE | None = None

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Read the current state, then follow changes; returns the stop callback."""
        self._read(0)
        unsub = async_track_state_change_event(self._hass, [self._source], self._on_change)

        @callback
        def _stop() -> None:
            unsub()
            self._cancel()

        return _stop

    def _cancel(self) -> None:
        if self._retry is not None:
            self._retry()
            self._retry = None

    def _later(self, delay_s: float, attempt: int) -> None:
        self._cancel()
        if delay_s <= 0:  # after the other writes of the same refresh (one loop turn later)
            task = self._hass.async_create_task(self._next_turn(attempt))

            @callback
            def _cancel_task() -> None:
                task.cancel()

            self._retry = _cancel_task
            return

        @callback
        def _fire(_now: datetime) -> None:
            self._read(attempt)

        self._retry = async_call_later(self._hass, delay_s, _fire)

    async def _next_turn(self, attempt: int) -> None:
        await asyncio.sleep(0)
        self._read(attempt)

    @callback
    def _on_change(self, event: Event[EventStateChangedData]) -> None:
        if (state := event.data["new_state"]) is None:
            return
        if self._preset.siblings:
            self._later(0, 0)
        else:
            self._ingest(state.state, state.attributes)

    @callback
    def _read(self, attempt: int) -> None:
        self._retry = None
        if (state := self._hass.states.get(self._source)) is None:
            return
        if not self._preset.siblings:
            self._ingest(state.state, state.attributes)
            return
        siblings = sibling_entities(self._hass, self._preset, self._source)
        attrs, complete = source_attributes(self._hass, self._preset, state, siblings)
        if complete or attempt >= SIBLING_RETRIES:
            self._ingest(state.state, attrs)
        else:
            self._later(SIBLING_RETRY_S, attempt + 1)


def workouts_from_list(
    preset: WorkoutPreset, attrs: Mapping[str, Any], *, now: datetime
) -> list[SessionRecord]:
    """The sessions of a list preset's attribute (at most the last ``MAX_LISTED``)."""
    items = attrs.get(preset.list_attr) if preset.list_attr else None
    if not isinstance(items, list):
        return []
    return [
        record
        for item in items[-MAX_LISTED:]
        if isinstance(item, Mapping)
        and (record := workout_from_attributes(preset, item, now=now)) is not None
    ]
