"""Workout sources whose values are spread over sibling sensors of one device (Strava, WHOOP).

The source integrations are stood in for by registry entries with their unique ids and states
as their code writes them (craibo/ha_strava ``sensor.py``, prankstr/hassio-whoop ``sensor.py``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.recovery_readiness.const import (
    CONF_ENTRY_KIND,
    CONF_PERSON_ID,
    DOMAIN,
    EVENT_SESSION_COMPLETED,
    KIND_PERSON,
)
from custom_components.recovery_readiness.profile import ProfileRuntime

PERSON_ID = "person-sam"
OPTIONS = {
    "morning_start": "00:00:00",
    "morning_end": "00:00:01",
    "sex": "female",
    "rest_hr_bpm": 52.0,
    "max_hr_bpm": 188.0,
}


def _device_entities(
    hass: HomeAssistant,
    domain: str,
    device: str,
    unique_ids: dict[str, str],
    source_entry: MockConfigEntry | None = None,
) -> dict[str, str]:
    """Registry entries of one device of another integration: ``key -> entity id``."""
    if source_entry is None:
        source_entry = MockConfigEntry(domain=domain, title=domain)
        source_entry.add_to_hass(hass)
    device_entry = dr.async_get(hass).async_get_or_create(
        config_entry_id=source_entry.entry_id, identifiers={(domain, device)}
    )
    registry = er.async_get(hass)
    return {
        key: registry.async_get_or_create(
            "sensor",
            domain,
            unique_id,
            config_entry=source_entry,
            device_id=device_entry.id,
            suggested_object_id=f"{device}_{key}",
        ).entity_id
        for key, unique_id in unique_ids.items()
    }


async def _setup(hass: HomeAssistant, **options: Any) -> ProfileRuntime:
    person = MockConfigEntry(
        domain=DOMAIN,
        title="Sam",
        unique_id=PERSON_ID,
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: PERSON_ID},
        options=OPTIONS | options,
    )
    person.add_to_hass(hass)
    assert await hass.config_entries.async_setup(person.entry_id)
    await hass.async_block_till_done()
    runtime: ProfileRuntime = person.runtime_data
    return runtime


def _last_session(hass: HomeAssistant) -> Any:
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{PERSON_ID}_last_session"
    )
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    return state


def _strava(hass: HomeAssistant, ids: dict[str, str], activity: int, start: datetime) -> None:
    """ha_strava's Recent Activity device for one activity (its sensors' states/attributes)."""
    tag = {"activity_id": str(activity)}
    hass.states.async_set(ids["main"], f"Run {activity}", tag | {"sport_type": "Run"})
    hass.states.async_set(ids["date"], start.strftime("%Y-%m-%d %H:%M:%S"), tag)
    hass.states.async_set(
        ids["elapsed_time"], str(1800 + 600 * activity), tag | {"unit_of_measurement": "s"}
    )
    hass.states.async_set(ids["average_heartrate"], str(140 + activity), tag)
    hass.states.async_set(ids["max_heartrate"], str(165 + activity), tag)


async def test_strava_activity_is_read_from_its_device_siblings(hass: HomeAssistant) -> None:
    ids = _device_entities(
        hass,
        "ha_strava",
        "strava_recent",
        {
            "main": "strava_42_recent_recent",
            "date": "strava_42_recent_date",
            "elapsed_time": "strava_42_recent_elapsed_time",
            "average_heartrate": "strava_42_recent_average_heartrate",
            "max_heartrate": "strava_42_recent_max_heartrate",
            "distance": "strava_42_recent_distance",
        },
    )
    local = dt_util.as_local(dt_util.utcnow()).replace(microsecond=0, tzinfo=None)
    first = local - timedelta(hours=30)
    _strava(hass, ids, 1, first)
    runtime = await _setup(hass, workout_source=ids["main"], workout_preset="strava")
    await hass.async_block_till_done()
    [one] = runtime.training.sessions
    assert one.start == dt_util.as_utc(first.replace(tzinfo=dt_util.get_default_time_zone()))
    assert (one.duration_s, one.avg_hr_bpm, one.max_hr_bpm) == (2400.0, 141.0, 166.0)
    assert (one.sport, one.source, one.source_id) == ("run", "strava", "1")

    # A new activity: the main sensor is written first, the siblings right after in the same
    # refresh. The values are read once all are written: nothing of activity 1 is mixed in.
    second = local - timedelta(hours=5)
    _strava(hass, ids, 2, second)
    await hass.async_block_till_done()
    assert len(runtime.training.sessions) == 2
    last = _last_session(hass)
    assert dt_util.parse_datetime(last.state) == dt_util.as_utc(
        second.replace(tzinfo=dt_util.get_default_time_zone())
    )
    assert (last.attributes["duration_min"], last.attributes["avg_hr_bpm"]) == (50.0, 142.0)
    assert last.attributes["source"] == "strava"

    # The main sensor names activity 3 while the siblings still hold activity 2: nothing is
    # read until they agree; then activity 3's own values are used (elapsed time in minutes).
    third = local - timedelta(hours=2)
    hass.states.async_set(ids["main"], "Run 3", {"activity_id": "3", "sport_type": "Run"})
    await hass.async_block_till_done()
    assert len(runtime.training.sessions) == 2
    tag = {"activity_id": "3"}
    hass.states.async_set(ids["date"], third.strftime("%Y-%m-%d %H:%M:%S"), tag)
    hass.states.async_set(ids["elapsed_time"], "40", tag | {"unit_of_measurement": "min"})
    hass.states.async_set(ids["average_heartrate"], "150", tag)
    hass.states.async_set(ids["max_heartrate"], "171", tag)
    await hass.async_block_till_done()
    assert len(runtime.training.sessions) == 2  # only the main sensor is followed: retry timer
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=6))
    await hass.async_block_till_done()
    assert len(runtime.training.sessions) == 3
    newest = max(runtime.training.sessions, key=lambda s: s.start)
    assert (newest.source_id, newest.duration_s, newest.avg_hr_bpm) == ("3", 2400.0, 150.0)


def _strava_device(
    hass: HomeAssistant, account: MockConfigEntry, athlete: int, index: int
) -> dict[str, str]:
    """ha_strava's *Recent Activity* device ``index`` (0 = the newest) of one account."""
    prefix = f"strava_{athlete}_recent" + ("" if index == 0 else f"_{index + 1}")
    keys = ("recent", "date", "elapsed_time", "average_heartrate", "max_heartrate")
    ids = _device_entities(
        hass,
        "ha_strava",
        prefix,
        {key: f"{prefix}_{key}" for key in keys},
        source_entry=account,
    )
    ids["main"] = ids.pop("recent")
    return ids


async def test_strava_older_recent_activity_devices_are_history(hass: HomeAssistant) -> None:
    account = MockConfigEntry(domain="ha_strava", title="Strava: Sam")
    account.add_to_hass(hass)
    devices = [_strava_device(hass, account, 42, index) for index in range(3)]
    other = MockConfigEntry(domain="ha_strava", title="Strava: Kim")
    other.add_to_hass(hass)
    kim = _strava_device(hass, other, 77, 1)  # another athlete's account: never read
    local = dt_util.as_local(dt_util.utcnow()).replace(microsecond=0, tzinfo=None)
    starts = {
        3: local - timedelta(hours=5),
        2: local - timedelta(days=2),
        1: local - timedelta(days=5),
    }
    for ids, activity in zip(devices, (3, 2, 1), strict=True):
        _strava(hass, ids, activity, starts[activity])
    _strava(hass, kim, 99, local - timedelta(days=1))
    completed = async_capture_events(hass, EVENT_SESSION_COMPLETED)
    runtime = await _setup(hass, workout_source=devices[0]["main"], workout_preset="strava")
    await hass.async_block_till_done()
    assert sorted(s.source_id for s in runtime.training.sessions) == ["1", "2", "3"]
    older = next(s for s in runtime.training.sessions if s.source_id == "1")
    assert (older.duration_s, older.avg_hr_bpm) == (1800 + 600 * 1, 141.0)
    # The newest is announced; the older two are history (imported without an event).
    assert [e.data["source"] for e in completed] == ["strava"]
    chronic = hass.states.get("sensor.sam_chronic_training_load")
    assert chronic is not None
    assert float(chronic.state) > 0

    # Strava lists a new activity: every device moves one down. One new session, one event.
    starts[4] = local - timedelta(hours=2)
    for ids, activity in zip(devices, (4, 3, 2), strict=True):
        _strava(hass, ids, activity, starts[activity])
    await hass.async_block_till_done()
    assert sorted(s.source_id for s in runtime.training.sessions) == ["1", "2", "3", "4"]
    assert len(completed) == 2


def _strava_activity(activity: int, start: datetime, avg_hr: float) -> dict[str, Any]:
    """One activity as ha_strava before 4.0 put it in ``ha_strava_activities_update``."""
    return {
        "id": activity,
        "title": f"Run {activity}",
        "activity_type": "run",
        "sport_type": "Run",
        "date": start,
        "elapsed_time": 3000,
        "moving_time": 2900,
        "average_heartrate": avg_hr,
        "max_heartrate": -1.0,
    }


async def test_strava_activities_event_of_older_releases_is_read(hass: HomeAssistant) -> None:
    ids = _device_entities(hass, "ha_strava", "strava_recent", {"main": "strava_5_recent_recent"})
    completed = async_capture_events(hass, EVENT_SESSION_COMPLETED)
    runtime = await _setup(hass, workout_source=ids["main"], workout_preset="strava")
    local = dt_util.as_local(dt_util.utcnow()).replace(microsecond=0, tzinfo=None)
    activities: list[Any] = [
        _strava_activity(3, local - timedelta(hours=2), 151.0),
        _strava_activity(2, local - timedelta(days=2), -1.0),  # no HR (ha_strava writes -1)
        _strava_activity(1, local - timedelta(days=4), 143.0),
        {"id": 0, "date": "yesterday", "elapsed_time": 3000},  # no readable start
        {"id": -1, "date": local - timedelta(days=6), "elapsed_time": -1},  # no duration
        "not an activity",
    ]
    hass.bus.async_fire("ha_strava_activities_update", {"activities": activities})
    await hass.async_block_till_done()
    sessions = {s.source_id: s for s in runtime.training.sessions}
    assert sorted(sessions) == ["1", "2", "3"]
    assert sessions["3"].start == dt_util.as_utc(
        (local - timedelta(hours=2)).replace(tzinfo=dt_util.get_default_time_zone())
    )
    assert (sessions["3"].avg_hr_bpm, sessions["3"].max_hr_bpm) == (151.0, None)
    assert (sessions["2"].avg_hr_bpm, sessions["2"].sport) == (None, "run")
    assert len(completed) == 1  # the one of the last day

    hass.bus.async_fire("ha_strava_activities_update", {"activities": activities[:2]})
    hass.bus.async_fire("ha_strava_activities_update", {"activities": "x"})
    await hass.async_block_till_done()
    assert len(runtime.training.sessions) == 3
    assert len(completed) == 1


async def test_strava_siblings_that_never_agree_are_left_out(hass: HomeAssistant) -> None:
    ids = _device_entities(
        hass,
        "ha_strava",
        "strava_recent",
        {
            "main": "strava_7_recent_recent",
            "date": "strava_7_recent_date",
            "elapsed_time": "strava_7_recent_elapsed_time",
            "average_heartrate": "strava_7_recent_average_heartrate",
            "max_heartrate": "strava_7_recent_max_heartrate",
        },
    )
    start = dt_util.as_local(dt_util.utcnow()).replace(microsecond=0, tzinfo=None)
    _strava(hass, ids, 5, start - timedelta(hours=3))
    # The heart-rate sensors are stuck on another activity.
    hass.states.async_set(ids["average_heartrate"], "190", {"activity_id": "4"})
    hass.states.async_set(ids["max_heartrate"], "199", {"activity_id": "4"})
    runtime = await _setup(hass, workout_source=ids["main"], workout_preset="strava")
    assert runtime.training.sessions == ()
    for _ in range(13):  # one minute of retries
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=6))
        await hass.async_block_till_done()
    [session] = runtime.training.sessions
    assert session.duration_s == 1800 + 600 * 5
    assert (session.avg_hr_bpm, session.max_hr_bpm) == (None, None)  # never another's HR


async def test_whoop_workout_is_read_once_scored(hass: HomeAssistant) -> None:
    ids = _device_entities(
        hass,
        "whoop",
        "whoop_user",
        {
            "main": "abc_whoop_workout_overview",
            "average_heart_rate": "abc_latest_workout_score_average_heart_rate",
            "max_heart_rate": "abc_latest_workout_score_max_heart_rate",
            "strain": "abc_latest_workout_score_strain",
        },
    )
    start = (dt_util.utcnow() - timedelta(hours=4)).replace(microsecond=0)
    attrs = {
        "id": "8f2c",
        "start": start.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "end": (start + timedelta(minutes=48)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "sport_name": "running",
    }
    hass.states.async_set(ids["main"], "PENDING_SCORE", attrs)
    runtime = await _setup(hass, workout_source=ids["main"], workout_preset="whoop")
    assert runtime.training.sessions == ()  # not scored yet: the HR would be missed for good

    hass.states.async_set(ids["main"], "SCORED", attrs)
    hass.states.async_set(ids["average_heart_rate"], "147")
    hass.states.async_set(ids["max_heart_rate"], "176")
    hass.states.async_set(ids["strain"], "12.4")
    await hass.async_block_till_done()
    [session] = runtime.training.sessions
    assert (session.start, session.duration_s) == (start, 48 * 60.0)
    assert (session.avg_hr_bpm, session.max_hr_bpm, session.sport) == (147.0, 176.0, "running")
    assert (session.vendor_load, session.vendor_name, session.source_id) == (12.4, "WHOOP", "8f2c")
    last = _last_session(hass)
    assert last.attributes["source"] == "whoop"
    assert last.attributes["vendor_load"] == pytest.approx(12.4)

    hass.states.async_set(ids["main"], "SCORED", attrs | {"updated_at": "x"})
    await hass.async_block_till_done()
    assert len(runtime.training.sessions) == 1  # the same workout once


def _garmin(activity_id: int, start: datetime, minutes: float, avg_hr: int) -> dict[str, Any]:
    """One of Garmin Connect's activity summaries (the keys the ``last_activities`` list holds)."""
    return {
        "activityId": activity_id,
        "startTimeGMT": start.strftime("%Y-%m-%d %H:%M:%S"),
        "duration": minutes * 60.0,
        "averageHR": avg_hr,
        "maxHR": avg_hr + 20,
        "activityType": {"typeKey": "running"},
    }


async def test_garmins_last_activities_are_history_and_the_new_one_an_event(
    hass: HomeAssistant,
) -> None:
    now = dt_util.utcnow().replace(microsecond=0)
    listed = [
        _garmin(11, now - timedelta(days=5, hours=2), 50, 150),
        _garmin(12, now - timedelta(days=3, hours=2), 40, 140),
        _garmin(13, now - timedelta(hours=3), 45, 155),
        {"activityId": 14, "duration": "garbage"},  # no start: not a workout
    ]
    hass.states.async_set("sensor.sam_last_activities", "4", {"last_activities": listed})
    completed = async_capture_events(hass, EVENT_SESSION_COMPLETED)
    runtime = await _setup(
        hass, workout_source="sensor.sam_last_activities", workout_preset="garmin_connect_recent"
    )
    await hass.async_block_till_done()
    assert sorted(s.source_id for s in runtime.training.sessions) == ["11", "12", "13"]
    # Only the workout of the last day is announced; the older ones are history.
    assert [e.data["start"] for e in completed] == [(now - timedelta(hours=3)).isoformat()]
    chronic = hass.states.get("sensor.sam_chronic_training_load")
    assert chronic is not None
    assert float(chronic.state) > 0

    # The next poll lists one more (and drops the oldest): one new session, one event.
    newer = [*listed[1:3], _garmin(15, now - timedelta(minutes=50), 30, 160)]
    hass.states.async_set("sensor.sam_last_activities", "3", {"last_activities": newer})
    await hass.async_block_till_done()
    assert sorted(s.source_id for s in runtime.training.sessions) == ["11", "12", "13", "15"]
    assert len(completed) == 2
    hass.states.async_set("sensor.sam_last_activities", "3", {"last_activities": "x"})
    await hass.async_block_till_done()
    assert len(runtime.training.sessions) == 4
