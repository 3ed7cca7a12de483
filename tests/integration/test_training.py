"""Training load end to end: the emulated strap streams workouts, a Garmin-like entity reports
one, sessions are logged by hand; entities, events, readiness and a restart are checked.

HR anchors in these tests: resting 50 bpm, max 190 bpm (configured), male Banister curve, so
the session threshold (50 % HRR) is 120 bpm and "easy" (below 60 % HRR) is below 134 bpm.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import voluptuous as vol
from emulated import encode_hrm
from emulated.strap import EmulatedStrap
from homeassistant.components import bluetooth
from homeassistant.const import CONF_ADDRESS, EVENT_HOMEASSISTANT_STOP
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
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
    CONF_STRAP_ENTRY_ID,
    DOMAIN,
    EVENT_ADVICE,
    EVENT_SESSION_COMPLETED,
    EVENT_TRAINING_STATUS_CHANGED,
    KIND_PERSON,
)
from custom_components.recovery_readiness.profile import ProfileRuntime
from custom_components.recovery_readiness.store import advice as advice_store
from custom_components.recovery_readiness.store.advice import storage_key as advice_storage_key
from custom_components.recovery_readiness.store.training import storage_key
from custom_components.recovery_readiness.strap_entry import coordinator as coordinator_module

pytest_plugins = ["emulated.fixtures"]

PERSON_ID = "person-kim"
REST, MAX = 50.0, 190.0
OPTIONS = {
    # A morning window that is never "now": no morning measurement interferes.
    "morning_start": "00:00:00",
    "morning_end": "00:00:01",
    "sex": "male",
    "rest_hr_bpm": REST,
    "max_hr_bpm": MAX,
}
STEP_S = 2.0  # one notification every 2 s (below the 5-s gap limit)


def _trimp(samples: list[tuple[float, float]]) -> float:
    """Banister TRIMP by hand (male): sum(min * HRr * 0.64 * e^(1.92 * HRr))."""
    total = 0.0
    for duration_s, hr in samples:
        x = min(1.0, max(0.0, (hr - REST) / (MAX - REST)))
        total += duration_s / 60.0 * x * 0.64 * math.exp(1.92 * x)
    return total


def _entity_id(hass: HomeAssistant, key: str, platform: str = "sensor") -> str:
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{PERSON_ID}_{key}")
    assert entity_id is not None, key
    return entity_id


def _state(hass: HomeAssistant, key: str, platform: str = "sensor") -> Any:
    state = hass.states.get(_entity_id(hass, key, platform))
    assert state is not None, key
    return state


async def _until(predicate: Callable[[], bool], timeout_s: float = 60.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not predicate():  # noqa: ASYNC110 - polls state owned by bumble/HA
            await asyncio.sleep(0.005)


async def _setup(
    hass: HomeAssistant, strap: EmulatedStrap | None, **options: Any
) -> tuple[MockConfigEntry, ProfileRuntime]:
    opts: dict[str, Any] = dict(OPTIONS) | options
    if strap is not None:
        strap_entry = MockConfigEntry(
            domain=DOMAIN,
            unique_id=strap.address,
            title=strap.name,
            data={CONF_ADDRESS: strap.address},
        )
        strap_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(strap_entry.entry_id)
        await strap.wait_subscribed()
        opts[CONF_STRAP_ENTRY_ID] = strap_entry.entry_id
    person = MockConfigEntry(
        domain=DOMAIN,
        title="Kim",
        unique_id=PERSON_ID,
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: PERSON_ID},
        options=opts,
    )
    person.add_to_hass(hass)
    assert await hass.config_entries.async_setup(person.entry_id)
    await hass.async_block_till_done()
    return person, person.runtime_data


class Clock:
    """The strap client's monotonic and wall clocks, moved by the test."""

    def __init__(self, runtime: ProfileRuntime) -> None:
        self.t_s = 1000.0
        self.base = dt_util.utcnow().replace(microsecond=0) - timedelta(hours=1)
        self.attach(runtime)

    def attach(self, runtime: ProfileRuntime) -> None:
        strap = runtime.link.strap
        assert strap is not None
        assert strap.strap is not None
        strap.strap._clock = lambda: self.t_s
        strap.strap._wall_clock = lambda: self.base + timedelta(seconds=self.t_s)

    def at(self, t_s: float) -> datetime:
        return self.base + timedelta(seconds=t_s)


async def _stream(strap: EmulatedStrap, clock: Clock, hr_bpm: list[int]) -> list[float]:
    """Send one notification per value, STEP_S apart; return their times."""
    times = []
    for hr in hr_bpm:
        clock.t_s += STEP_S
        times.append(clock.t_s)
        await strap.notify(encode_hrm(hr, (60000.0 / hr,), contact=True))
    return times


def _n(minutes: float) -> int:
    return round(minutes * 60 / STEP_S)


async def test_a_run_with_cool_down_gives_a_session_with_trimp_hrr60_and_cool_down(  # noqa: PLR0915
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    person, runtime = await _setup(hass, emulated_strap)
    clock = Clock(runtime)
    completed = async_capture_events(hass, EVENT_SESSION_COMPLETED)
    assert _state(hass, "last_session").state == "unknown"
    assert _state(hass, "acute_load").state == "unknown"  # no history: unknown, never 0
    score = _state(hass, "readiness_score")
    assert "training_load" in score.attributes["missing_inputs"]

    # Rest, warm-up, hard part, cool-down jog, then standing still with the strap on.
    hr = [100] * _n(1) + [125] * _n(2) + [165] * _n(6) + [128] * _n(4) + [95] * _n(2)
    active = _entity_id(hass, "training_session_active", "binary_sensor")
    changes = async_capture_events(hass, "state_changed")
    times = await _stream(emulated_strap, clock, hr)
    await _until(lambda: len(completed) == 1)
    await hass.async_block_till_done()
    written = [e.data["new_state"].state for e in changes if e.data["entity_id"] == active]
    assert written == ["on", "off"]  # on while the session was open

    first = _n(1)  # first sample at or above 120 bpm
    end = _n(1) + _n(2) + _n(6) + _n(4) - 1  # last cool-down sample: the end of exercise
    expected_trimp = _trimp([(STEP_S, float(v)) for v in hr[first : end + 1]])
    event = completed[0].data
    assert (event["profile"], event["name"]) == (person.entry_id, "Kim")
    assert event["source"] == "strap"
    assert event["start"] == clock.at(times[first]).isoformat()
    assert event["duration_min"] == pytest.approx((times[end] - times[first]) / 60, abs=0.05)
    assert event["trimp"] == pytest.approx(expected_trimp, abs=0.05)
    assert event["load_method"] == "stream"
    assert event["hrr60_bpm"] == pytest.approx(128 - 95, abs=0.1)
    assert event["cooled_down"] is True
    assert event["avg_hr_bpm"] > 140
    assert event["max_hr_bpm"] == 165

    last = _state(hass, "last_session")
    assert dt_util.parse_datetime(last.state) == clock.at(times[first])
    assert last.attributes["cooled_down"] is True
    assert last.attributes["hrr60_bpm"] == pytest.approx(33.0, abs=0.1)
    assert float(_state(hass, "last_session_load").state) == pytest.approx(expected_trimp, abs=0.05)
    assert float(_state(hass, "last_session_hrr60").state) == pytest.approx(33.0, abs=0.1)
    assert _state(hass, "training_session_active", "binary_sensor").state == "off"
    # Load of today only: CTL = L/42, ATL = L/7 at the end of today; form entering today 0.
    day_load = expected_trimp
    assert float(_state(hass, "chronic_load").state) == pytest.approx(day_load / 42, abs=0.05)
    assert float(_state(hass, "acute_load").state) == pytest.approx(day_load / 7, abs=0.05)
    assert float(_state(hass, "training_form").state) == 0.0
    assert _state(hass, "acute_load").attributes["form_reliable"] is False
    assert _state(hass, "acute_load").attributes["acwr_ratio"] is None  # < 28 days
    # Only today has a session: no window yet, so the advice is to build up.
    assert _state(hass, "training_status").state == "unknown"
    advice = _state(hass, "training_advice")
    assert advice.state == "build_more"
    assert "no_training_history" in advice.attributes["reasons"]
    assert "training_load" not in _state(hass, "readiness_score").attributes["missing_inputs"]
    print(  # noqa: T201  (the figures for the closing note)
        "\nTRAINING AFTER THE RUN",
        {
            k: _state(hass, k).state
            for k in (
                "last_session",
                "last_session_load",
                "last_session_hrr60",
                "acute_load",
                "chronic_load",
                "training_form",
                "training_status",
                "training_advice",
            )
        },
        dict(last.attributes),
    )

    # The same run reported by a Garmin-like entity: still one session; the strap's stream wins.
    hass.states.async_set(
        "sensor.kim_last_activity",
        "Evening run",
        {
            "activityId": 9876543210,
            "startTimeGMT": clock.at(times[first] + 20).strftime("%Y-%m-%d %H:%M:%S"),
            "duration": times[end] - times[first] - 30,
            "averageHR": 148,
            "maxHR": 167,
            "activityType": {"typeKey": "running"},
            "activityTrainingLoad": 97.4,
        },
    )
    hass.config_entries.async_update_entry(
        person, options=person.options | {"workout_source": "sensor.kim_last_activity"}
    )
    await hass.config_entries.async_reload(person.entry_id)
    await hass.async_block_till_done()
    runtime = person.runtime_data
    report = await hass.services.async_call(
        DOMAIN, "get_readiness", {"profile": person.entry_id}, blocking=True, return_response=True
    )
    training = report["training"]
    assert training["sessions"] == 1
    merged = training["last_session"]
    assert merged["source"] == "strap"
    assert merged["merged_from"] == ["garmin_connect"]
    assert merged["sport"] == "running"
    assert merged["vendor_load"] == pytest.approx(97.4)
    assert merged["trimp"] == pytest.approx(expected_trimp, abs=0.05)
    assert len(runtime.training.sessions) == 2  # both stored as reported

    # Restart: everything is still there.
    assert await hass.config_entries.async_reload(person.entry_id)
    await hass.async_block_till_done()
    assert float(_state(hass, "last_session_load").state) == pytest.approx(expected_trimp, abs=0.05)
    assert _state(hass, "last_session").attributes["cooled_down"] is True
    assert float(_state(hass, "chronic_load").state) == pytest.approx(day_load / 42, abs=0.05)
    # The activity the entity still shows is not ingested again, nor announced again.
    assert float(_state(hass, "last_session_hrr60").state) == pytest.approx(33.0, abs=0.1)
    assert _state(hass, "last_session").attributes["merged_from"] == ["garmin_connect"]
    assert len(person.runtime_data.training.sessions) == 2
    assert len(completed) == 1


async def test_a_run_stopped_at_high_heart_rate_has_no_cool_down(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    _person, runtime = await _setup(hass, emulated_strap)
    clock = Clock(runtime)
    completed = async_capture_events(hass, EVENT_SESSION_COMPLETED)
    hr = [100] * _n(1) + [165] * _n(12) + [95] * _n(2)
    await _stream(emulated_strap, clock, hr)
    await _until(lambda: len(completed) == 1)
    await hass.async_block_till_done()
    assert completed[0].data["cooled_down"] is False
    assert completed[0].data["hrr60_bpm"] == pytest.approx(165 - 95, abs=0.1)
    assert _state(hass, "last_session").attributes["cooled_down"] is False
    # Training is advised (build up), with the cool-down reminder for next time.
    advice = _state(hass, "training_advice")
    assert advice.state == "build_more"
    assert "cool_down" in advice.attributes["also"]
    assert "no_cool_down_last_session" in advice.attributes["reasons"]


async def test_a_disconnect_inside_a_session_is_stitched(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    _person, runtime = await _setup(hass, emulated_strap)
    clock = Clock(runtime)
    coordinator = runtime.link.strap
    assert coordinator is not None
    completed = async_capture_events(hass, EVENT_SESSION_COMPLETED)
    before = await _stream(emulated_strap, clock, [100] * _n(1) + [160] * _n(6))

    await emulated_strap.disconnect()
    await _until(lambda: not coordinator.connected)
    clock.t_s += 90.0  # 90 s without the strap: inside the 5-min stitch window
    lost = bluetooth.async_last_service_info(hass, emulated_strap.address, connectable=True).time
    await _until(
        lambda: bluetooth.async_last_service_info(hass, emulated_strap.address, True).time > lost
    )
    async_fire_time_changed(hass, dt_util.utcnow() + coordinator_module.WATCHDOG_INTERVAL)
    await _until(lambda: coordinator.connected and emulated_strap.is_subscribed())
    clock.attach(runtime)
    after = await _stream(emulated_strap, clock, [160] * _n(6) + [95] * _n(2))
    await _until(lambda: len(completed) == 1)
    await hass.async_block_till_done()
    event = completed[0].data
    end = after[_n(6) - 1]
    assert event["start"] == clock.at(before[_n(1)]).isoformat()
    assert event["duration_min"] == pytest.approx((end - before[_n(1)]) / 60, abs=0.05)
    # The gap adds no load: TRIMP of the samples only (each 2 s; the one before the gap 5 s).
    samples = [(STEP_S, 160.0)] * (2 * _n(6) - 1) + [(5.0, 160.0)]
    assert event["trimp"] == pytest.approx(_trimp(samples), abs=0.05)
    assert len(runtime.training.sessions) == 1


async def test_log_session_with_rpe_or_heart_rate_and_restart(hass: HomeAssistant) -> None:
    person, runtime = await _setup(hass, None)
    completed = async_capture_events(hass, EVENT_SESSION_COMPLETED)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "log_session", {"profile": person.entry_id, "duration_min": 30}, blocking=True
        )
    assert err.value.translation_key == "session_needs_hr_or_rpe"

    response = await hass.services.async_call(
        DOMAIN,
        "log_session",
        {"profile": person.entry_id, "duration_min": 50, "rpe": 6, "sport": "Rowing"},
        blocking=True,
        return_response=True,
    )
    # Session RPE (Foster 2001) = 6 x 50 = 300 AU; default 0.4 TRIMP/AU -> 120.
    assert response["trimp"] == pytest.approx(120.0)
    assert response["load_method"] == "srpe_default"
    assert response["sport"] == "rowing"
    assert completed[-1].data["trimp"] == pytest.approx(120.0)
    assert float(_state(hass, "last_session_load").state) == pytest.approx(120.0)
    assert float(_state(hass, "acute_load").state) == pytest.approx(120.0 / 7, abs=0.05)

    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "log_session",
            {"profile": person.entry_id, "start": response["start"], "duration_min": 50, "rpe": 6},
            blocking=True,
        )
    assert err.value.translation_key == "session_exists"

    yesterday = dt_util.now() - timedelta(days=1)
    await hass.services.async_call(
        DOMAIN,
        "log_session",
        {
            "profile": person.entry_id,
            "start": yesterday.replace(tzinfo=None).isoformat(),
            "duration_min": 60,
            "avg_hr_bpm": 150,
        },
        blocking=True,
    )
    trimp_yesterday = _trimp([(3600.0, 150.0)])
    ctl = trimp_yesterday / 42
    atl = trimp_yesterday / 7
    ctl, atl = ctl + (120.0 - ctl) / 42, atl + (120.0 - atl) / 7
    assert float(_state(hass, "chronic_load").state) == pytest.approx(ctl, abs=0.05)
    assert float(_state(hass, "acute_load").state) == pytest.approx(atl, abs=0.05)
    # Yesterday was hard (>= 100 TRIMP and twice the fitness before it): recovering today.
    assert _state(hass, "training_status").state == "recovering"
    advice = _state(hass, "training_advice")
    assert advice.state == "protein"
    # Without today's morning measurement no hard training is advised.
    assert advice.attributes["hard_training_allowed"] is False
    assert len(runtime.training.sessions) == 2

    # Stored before the action returned: a restart finds both.
    assert await hass.config_entries.async_reload(person.entry_id)
    await hass.async_block_till_done()
    assert len(person.runtime_data.training.sessions) == 2
    assert float(_state(hass, "chronic_load").state) == pytest.approx(ctl, abs=0.05)


async def test_a_garmin_activity_is_ingested_once(hass: HomeAssistant) -> None:
    start = (dt_util.utcnow() - timedelta(hours=5)).replace(microsecond=0)
    attrs = {
        "activityId": 1,
        "startTimeGMT": start.strftime("%Y-%m-%d %H:%M:%S"),
        "duration": 2700.0,
        "averageHR": 150,
        "maxHR": 171,
        "activityType": {"typeKey": "running"},
    }
    hass.states.async_set("sensor.kim_last_activity", "Run", attrs)
    completed = async_capture_events(hass, EVENT_SESSION_COMPLETED)
    person, runtime = await _setup(hass, None, workout_source="sensor.kim_last_activity")
    await hass.async_block_till_done()
    assert len(runtime.training.sessions) == 1  # the activity shown at start-up
    # Announced with the load after it (ingested once the first report is out).
    assert completed[0].data["acute_load"] == pytest.approx(_trimp([(2700.0, 150.0)]) / 7, abs=0.1)
    last = _state(hass, "last_session")
    assert dt_util.parse_datetime(last.state) == start
    assert last.attributes["source"] == "garmin_connect"
    assert last.attributes["load_method"] == "average_hr_estimate"
    assert float(_state(hass, "last_session_load").state) == pytest.approx(
        _trimp([(2700.0, 150.0)]), abs=0.05
    )

    hass.states.async_set("sensor.kim_last_activity", "Run", attrs | {"calories": 500})
    await hass.async_block_till_done()
    assert len(runtime.training.sessions) == 1  # an attribute refresh is not a new activity
    later = start + timedelta(hours=2)
    hass.states.async_set(
        "sensor.kim_last_activity",
        "Ride",
        attrs
        | {"activityId": 2, "startTimeGMT": later.strftime("%Y-%m-%d %H:%M:%S"), "duration": "x"},
    )
    await hass.async_block_till_done()
    assert len(runtime.training.sessions) == 1  # no readable duration: ignored
    hass.states.async_set(
        "sensor.kim_last_activity",
        "Ride",
        attrs | {"activityId": 2, "startTimeGMT": later.strftime("%Y-%m-%d %H:%M:%S")},
    )
    await hass.async_block_till_done()
    assert len(runtime.training.sessions) == 2
    assert [e.data["source"] for e in completed] == ["garmin_connect", "garmin_connect"]
    assert person.runtime_data is runtime


async def test_start_and_stop_session_record_everything_in_between(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    person, runtime = await _setup(hass, emulated_strap)
    clock = Clock(runtime)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "stop_session", {"profile": person.entry_id}, blocking=True
        )
    assert err.value.translation_key == "no_session_running"
    await hass.services.async_call(
        DOMAIN, "start_session", {"profile": person.entry_id}, blocking=True
    )
    assert _state(hass, "training_session_active", "binary_sensor").state == "on"
    coordinator = runtime.link.strap
    assert coordinator is not None
    frames = coordinator.stats.frames
    times = await _stream(emulated_strap, clock, [110] * _n(5))  # strength work, below 120
    await _until(lambda: coordinator.stats.frames == frames + _n(5))
    response = await hass.services.async_call(
        DOMAIN, "stop_session", {"profile": person.entry_id}, blocking=True, return_response=True
    )
    assert response["duration_min"] == pytest.approx((times[-1] - times[0]) / 60, abs=0.05)
    assert response["avg_hr_bpm"] == 110
    assert response["trimp"] == pytest.approx(_trimp([(STEP_S, 110.0)] * (_n(5) - 1)), abs=0.05)
    assert response["cooled_down"] is None
    assert _state(hass, "training_session_active", "binary_sensor").state == "off"
    assert len(runtime.training.sessions) == 1


async def test_status_change_advice_once_per_day_and_the_evening_protein_reminder(
    hass: HomeAssistant,
) -> None:
    reminder = (dt_util.now() + timedelta(minutes=2)).replace(second=0, microsecond=0)
    if reminder.date() != dt_util.now().date():
        pytest.skip("too close to midnight for a same-day reminder")
    changed = async_capture_events(hass, EVENT_TRAINING_STATUS_CHANGED)
    advice = async_capture_events(hass, EVENT_ADVICE)
    person, _runtime = await _setup(hass, None, protein_reminder_time=reminder.time().isoformat())
    # The morning window is over and nothing is known: build up (the reasons say why).
    assert [e.data["kind"] for e in advice] == ["build_more"]
    assert advice[0].data["reasons"] == [
        "no_training_history",
        "training_sparse",
        "no_measurement_today",
    ]
    assert advice[0].data["primary"] is True

    async def log(days_ago: int, avg_hr: int, minutes: float = 60) -> None:
        start = dt_util.now() - timedelta(days=days_ago, minutes=minutes + 5)
        await hass.services.async_call(
            DOMAIN,
            "log_session",
            {
                "profile": person.entry_id,
                "start": start.isoformat(),
                "duration_min": minutes,
                "avg_hr_bpm": avg_hr,
            },
            blocking=True,
        )

    await log(10, 130)  # an easy session ten days ago: detraining today
    assert _state(hass, "training_status").state == "detraining"
    assert changed == []  # nothing known before: no change to announce
    assert _state(hass, "training_advice").attributes["reasons"] == [
        "detraining",
        "training_sparse",
        "no_measurement_today",
    ]
    assert [e.data["kind"] for e in advice] == ["build_more"]  # once per day and kind

    await log(2, 160)  # hard (about 136 TRIMP) two days ago: ready today
    assert _state(hass, "training_status").state == "ready"
    assert [(e.data["old_status"], e.data["status"]) for e in changed] == [("detraining", "ready")]
    assert changed[0].data["reasons"] == ["recovered"]
    assert changed[0].data["profile"] == person.entry_id
    # Ready, but no morning measurement today: capped to moderate training.
    state = _state(hass, "training_advice")
    assert state.state == "train"
    assert state.attributes["capped"] is True
    assert state.attributes["hard_training_allowed"] is False
    assert [e.data["kind"] for e in advice] == ["build_more", "train"]
    assert "protein" not in [e.data["kind"] for e in advice]

    # Today: a hard session, then the evening reminder (protein after a hard day) once.
    await log(0, 165, minutes=70)
    async_fire_time_changed(hass, dt_util.as_utc(reminder))
    await hass.async_block_till_done()
    async_fire_time_changed(hass, dt_util.as_utc(reminder) + timedelta(seconds=1))
    await hass.async_block_till_done()
    protein = [e.data for e in advice if e.data["kind"] == "protein"]
    assert len(protein) == 1
    assert protein[0]["reasons"] == ["hard_session_today"]
    assert protein[0]["day"] == reminder.date().isoformat()


async def test_a_strap_that_does_not_come_back_closes_the_session_honestly(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    _person, runtime = await _setup(hass, emulated_strap)
    clock = Clock(runtime)
    coordinator = runtime.link.strap
    assert coordinator is not None
    completed = async_capture_events(hass, EVENT_SESSION_COMPLETED)
    times = await _stream(emulated_strap, clock, [100] * _n(1) + [160] * _n(11))
    await _until(lambda: coordinator.stats.frames >= _n(12))
    await emulated_strap.disconnect()
    await _until(lambda: not coordinator.connected)
    await hass.async_block_till_done()
    assert completed == []  # inside the stitch window nothing is closed yet
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=310))
    await _until(lambda: len(completed) == 1)
    await hass.async_block_till_done()
    event = completed[0].data
    # Closed at its last sample: no HRR60 and no cool-down verdict (we do not know what came).
    assert event["duration_min"] == pytest.approx((times[-1] - times[_n(1)]) / 60, abs=0.05)
    assert event["hrr60_bpm"] is None
    assert event["cooled_down"] is None
    assert event["trimp"] == pytest.approx(_trimp([(2.0, 160.0)] * (_n(11) - 1)), abs=0.05)


async def test_a_session_open_at_restart_is_closed_and_kept(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    person, runtime = await _setup(hass, emulated_strap)
    clock = Clock(runtime)
    coordinator = runtime.link.strap
    assert coordinator is not None
    await _stream(emulated_strap, clock, [160] * _n(11))
    await _until(lambda: coordinator.stats.frames >= _n(11))
    assert _state(hass, "training_session_active", "binary_sensor").state == "on"
    assert await hass.config_entries.async_reload(person.entry_id)
    await hass.async_block_till_done()
    last = _state(hass, "last_session")
    assert last.state != "unknown"
    assert last.attributes["source"] == "strap"
    assert last.attributes["duration_min"] == pytest.approx((_n(11) - 1) * 2 / 60, abs=0.05)


async def test_stored_rows_are_checked_and_a_copy_is_kept(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    entry_id = "training-rows"
    good = {
        "start": (dt_util.utcnow() - timedelta(days=2)).isoformat(),
        "duration_s": 1800.0,
        "sport": "running",
        "source": "manual",
        "hr_histogram": [[1200.0, 150.0], [600.0, 160.0]],
        "avg_hr_bpm": None,
        "rpe": 5,
        "cooled_down": "yes",
    }
    bad = [
        {"start": "not a time", "duration_s": 60},
        {"start": good["start"], "duration_s": -5},
        {"start": good["start"], "duration_s": 60, "rpe": 99},
        {"start": "2026-01-01T10:00:00", "duration_s": 60},  # no zone
        "junk",
    ]
    key = storage_key(entry_id)
    hass_storage[key] = {
        "version": 1,
        "minor_version": 1,
        "key": key,
        "data": {"sessions": [good, *bad, good | {"hr_histogram": [[1, 2, 3]]}]},
    }
    person = MockConfigEntry(
        entry_id=entry_id,
        domain=DOMAIN,
        title="Kim",
        unique_id=PERSON_ID,
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: PERSON_ID},
        options=OPTIONS,
    )
    person.add_to_hass(hass)
    assert await hass.config_entries.async_setup(person.entry_id)
    await hass.async_block_till_done()
    sessions = person.runtime_data.training.sessions
    assert len(sessions) == 2  # the good row, and the same one with an unreadable stream
    assert {s.hr_samples is None for s in sessions} == {True, False}
    last = _state(hass, "last_session")
    # The stream wins over the duplicate without one; its TRIMP is the histogram's.
    assert float(_state(hass, "last_session_load").state) == pytest.approx(
        _trimp([(1200.0, 150.0), (600.0, 160.0)]), abs=0.05
    )
    assert last.attributes["cooled_down"] is None  # "yes" is not a boolean


async def test_settings_out_of_range_are_unset_and_max_hr_is_estimated_from_age(
    hass: HomeAssistant,
) -> None:
    person, _runtime = await _setup(
        hass,
        None,
        max_hr_bpm=500,
        rest_hr_bpm="fast",
        age_years=40,
        sex="other",
        session_hrr_pct=5,
        workout_preset="nope",
    )
    await hass.services.async_call(
        DOMAIN,
        "log_session",
        {"profile": person.entry_id, "duration_min": 30, "avg_hr_bpm": 150},
        blocking=True,
    )
    # No resting HR (configured value unreadable, no morning baseline): the HR is not usable.
    last = _state(hass, "last_session")
    assert last.attributes["load_method"] == "none"
    assert _state(hass, "last_session_load").state == "unknown"
    report = await hass.services.async_call(
        DOMAIN, "get_readiness", {"profile": person.entry_id}, blocking=True, return_response=True
    )
    assert report["training"]["hr_max_estimated"] is None  # no anchors at all


async def test_the_generic_preset_and_hostile_attributes(hass: HomeAssistant) -> None:
    person, runtime = await _setup(
        hass,
        None,
        workout_source="sensor.workout",
        workout_preset="generic",
        age_years=40,
    )
    start = (dt_util.now() - timedelta(hours=3)).replace(microsecond=0)
    hostile = [
        {"start": start.isoformat(), "duration_min": 45, "avg_hr_bpm": 999, "rpe": 42},
        {"start": "yesterday", "duration_s": 100},
        {"start": start.isoformat(), "duration_s": 10 * 86400},
        {"start": (dt_util.now() + timedelta(hours=1)).isoformat(), "duration_s": 600},
        {"start": True, "duration_s": 600},
    ]
    for i, attrs in enumerate(hostile):
        hass.states.async_set("sensor.workout", str(i), attrs)
        await hass.async_block_till_done()
    assert len(runtime.training.sessions) == 1  # only the first; its HR and RPE dropped
    stored = runtime.training.sessions[0]
    assert (stored.avg_hr_bpm, stored.rpe, stored.source) == (None, None, "entity")
    assert stored.duration_s == 45 * 60
    hass.states.async_set(
        "sensor.workout",
        "ok",
        {
            "id": "w-2",
            "start": (start - timedelta(days=1)).replace(tzinfo=None).isoformat(),
            "duration_s": "3600",
            "avg_hr_bpm": "140",
            "max_hr_bpm": 170,
            "sport": "Cycling",
            "rpe": 6,
        },
    )
    await hass.async_block_till_done()
    assert len(runtime.training.sessions) == 2
    first = runtime.training.sessions[0]
    assert (first.sport, first.avg_hr_bpm, first.rpe, first.source_id) == (
        "cycling",
        140.0,
        6.0,
        "w-2",
    )
    assert first.start == dt_util.as_utc(start - timedelta(days=1))  # local without a zone
    _ = person


async def test_session_action_errors(hass: HomeAssistant) -> None:
    person, _runtime = await _setup(hass, None)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "start_session", {"profile": person.entry_id}, blocking=True
        )
    assert err.value.translation_key == "no_linked_strap"
    future = (dt_util.now() + timedelta(hours=2)).isoformat()
    for data, key in (
        ({"start": future, "rpe": 5}, "session_in_future"),
        ({"avg_hr_bpm": 150, "max_hr_bpm": 140}, "session_max_below_avg"),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(
                DOMAIN,
                "log_session",
                {"profile": person.entry_id, "duration_min": 30} | data,
                blocking=True,
            )
        assert err.value.translation_key == key


async def test_stop_session_without_heart_rate_saves_nothing(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    person, runtime = await _setup(hass, emulated_strap)
    await hass.services.async_call(
        DOMAIN, "start_session", {"profile": person.entry_id}, blocking=True
    )
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "stop_session", {"profile": person.entry_id}, blocking=True
        )
    assert err.value.translation_key == "no_session_data"
    assert runtime.training.sessions == ()
    assert _state(hass, "training_session_active", "binary_sensor").state == "off"


async def test_a_polar_exercise_is_read_from_state_and_nested_attributes(
    hass: HomeAssistant,
) -> None:
    start = (dt_util.now() - timedelta(hours=4)).replace(microsecond=0)
    attrs = {
        "duration": "PT45M30S",
        "heart_rate": {"average": 140, "maximum": 165},
        "sport": "RUNNING",
        "training_load": 88.5,
    }
    hass.states.async_set(
        "sensor.polar_last_exercise", start.replace(tzinfo=None).isoformat(), attrs
    )
    _person, runtime = await _setup(
        hass, None, workout_source="sensor.polar_last_exercise", workout_preset="polar"
    )
    hass.states.async_set(
        "sensor.polar_last_exercise", start.replace(tzinfo=None).isoformat(), attrs | {"x": 1}
    )
    await hass.async_block_till_done()
    assert len(runtime.training.sessions) == 1  # identified by its start
    last = _state(hass, "last_session")
    assert dt_util.parse_datetime(last.state) == dt_util.as_utc(start)
    assert last.attributes["source"] == "polar"
    assert last.attributes["duration_min"] == 45.5
    assert (last.attributes["avg_hr_bpm"], last.attributes["max_hr_bpm"]) == (140.0, 165.0)
    assert last.attributes["sport"] == "running"
    assert last.attributes["vendor_load"] == 88.5
    assert float(_state(hass, "last_session_load").state) == pytest.approx(
        _trimp([(2730.0, 140.0)]), abs=0.05
    )
    hass.states.async_set("sensor.polar_last_exercise", "unknown", attrs | {"duration": "PT"})
    await hass.async_block_till_done()
    assert len(runtime.training.sessions) == 1


async def test_an_open_session_is_saved_when_home_assistant_stops(
    hass: HomeAssistant, emulated_strap: EmulatedStrap, hass_storage: dict[str, Any]
) -> None:
    person, runtime = await _setup(hass, emulated_strap)
    clock = Clock(runtime)
    coordinator = runtime.link.strap
    assert coordinator is not None
    await _stream(emulated_strap, clock, [160] * _n(11))
    await _until(lambda: coordinator.stats.frames >= _n(11))
    assert storage_key(person.entry_id) not in hass_storage
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    [row] = hass_storage[storage_key(person.entry_id)]["data"]["sessions"]
    assert row["source"] == "strap"
    assert row["duration_s"] == pytest.approx((_n(11) - 1) * STEP_S)
    assert row["hr_histogram"] == [[pytest.approx((_n(11) - 1) * STEP_S), 160.0]]


async def test_a_starting_fitness_seeds_the_load_model(hass: HomeAssistant) -> None:
    # Without a seed and without sessions nothing is known.
    person, _runtime = await _setup(hass, None)
    assert _state(hass, "chronic_load").state == "unknown"
    assert _state(hass, "training_form").state == "unknown"
    assert _state(hass, "suggested_load").state == "unknown"
    assert await hass.config_entries.async_unload(person.entry_id)
    await hass.async_block_till_done()

    person2 = MockConfigEntry(
        domain=DOMAIN,
        title="Kim",
        unique_id=PERSON_ID,
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: PERSON_ID},
        options=OPTIONS | {"start_ctl": 42.0, "start_atl": 56.0},
    )
    await hass.config_entries.async_remove(person.entry_id)
    person2.add_to_hass(hass)
    assert await hass.config_entries.async_setup(person2.entry_id)
    await hass.async_block_till_done()
    # Seeded at the end of yesterday: today (no load) decays it one day.
    ctl, atl = 42.0 * (1 - 1 / 42), 56.0 * (1 - 1 / 7)
    assert float(_state(hass, "chronic_load").state) == pytest.approx(ctl, abs=0.05)
    assert float(_state(hass, "acute_load").state) == pytest.approx(atl, abs=0.05)
    assert float(_state(hass, "training_form").state) == pytest.approx(42.0 - 56.0, abs=0.05)
    assert _state(hass, "chronic_load").attributes["form_reliable"] is True
    assert _state(hass, "suggested_load").state != "unknown"  # form is trusted with a seed

    # A session two days ago moves the seed before it: no session is discarded.
    two_days_ago = dt_util.now() - timedelta(days=2)
    await hass.services.async_call(
        DOMAIN,
        "log_session",
        {
            "profile": person2.entry_id,
            "start": two_days_ago.replace(tzinfo=None).isoformat(),
            "duration_min": 50,
            "rpe": 6,
        },
        blocking=True,
    )
    ctl, atl = 42.0, 56.0
    for load in (120.0, 0.0, 0.0):  # session RPE 300 AU x 0.4 TRIMP/AU, then two rest days
        ctl, atl = ctl + (load - ctl) / 42, atl + (load - atl) / 7
    assert float(_state(hass, "chronic_load").state) == pytest.approx(ctl, abs=0.05)
    assert float(_state(hass, "acute_load").state) == pytest.approx(atl, abs=0.05)


async def test_a_starting_fitness_alone_sets_fatigue_to_the_same_value(
    hass: HomeAssistant,
) -> None:
    await _setup(hass, None, start_ctl=30, start_atl=301)  # ATL out of range: unset
    assert float(_state(hass, "chronic_load").state) == pytest.approx(30 * 41 / 42, abs=0.05)
    assert float(_state(hass, "acute_load").state) == pytest.approx(30 * 6 / 7, abs=0.05)
    assert float(_state(hass, "training_form").state) == 0.0


async def test_the_options_form_stores_a_starting_fitness(hass: HomeAssistant) -> None:
    person, _runtime = await _setup(hass, None)
    result = await hass.config_entries.options.async_init(person.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"name": "Kim", "start_ctl": 50}
    )
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()
    assert person.options["start_ctl"] == 50
    assert "start_atl" not in person.options  # left empty: not stored
    assert float(_state(hass, "chronic_load").state) == pytest.approx(50 * 41 / 42, abs=0.05)
    with pytest.raises(vol.Invalid):
        await hass.config_entries.options.async_configure(
            (await hass.config_entries.options.async_init(person.entry_id))["flow_id"],
            {"name": "Kim", "start_atl": 301},
        )


async def test_advice_fires_once_per_day_and_kind_across_a_restart(
    hass: HomeAssistant, freezer: Any, hass_storage: dict[str, Any]
) -> None:
    noon = dt_util.now().replace(hour=12, minute=0, second=0, microsecond=0)
    freezer.move_to(noon)
    today = noon.date()
    advice = async_capture_events(hass, EVENT_ADVICE)
    person, _runtime = await _setup(hass, None)
    await hass.async_block_till_done()
    assert [(e.data["day"], e.data["kind"]) for e in advice] == [(today.isoformat(), "build_more")]
    key = advice_storage_key(person.entry_id)
    assert hass_storage[key]["data"]["announced"] == [
        {"day": today.isoformat(), "kind": "build_more"}
    ]

    # Restart the same day: the pair is read back, no second event.
    assert await hass.config_entries.async_reload(person.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(person.entry_id)
    assert await hass.config_entries.async_setup(person.entry_id)
    await hass.async_block_till_done()
    assert len(advice) == 1

    # The next day it fires again (the new-day timer republishes), once.
    tomorrow = dt_util.start_of_local_day(noon + timedelta(days=1)) + timedelta(seconds=5)
    freezer.move_to(tomorrow)
    async_fire_time_changed(hass, tomorrow)
    await hass.async_block_till_done()
    async_fire_time_changed(hass, tomorrow + timedelta(hours=1))
    await hass.async_block_till_done()
    assert [(e.data["day"], e.data["kind"]) for e in advice] == [
        (today.isoformat(), "build_more"),
        (tomorrow.date().isoformat(), "build_more"),
    ]
    # Two days later only the pairs of the last two days are kept on disk.
    later = tomorrow + timedelta(days=1)
    freezer.move_to(later)
    async_fire_time_changed(hass, later)
    await hass.async_block_till_done()
    assert len(advice) == 3
    assert [row["day"] for row in hass_storage[key]["data"]["announced"]] == [
        tomorrow.date().isoformat(),
        later.date().isoformat(),
    ]


async def test_a_malformed_fired_advice_row_is_skipped_and_the_rest_read(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    today = dt_util.now().date().isoformat()
    entry_id = "advice-entry"
    hass_storage[advice_storage_key(entry_id)] = {
        "version": 1,
        "minor_version": 1,
        "key": advice_storage_key(entry_id),
        "data": {"announced": [{"day": today, "kind": "build_more"}, {"day": "x", "kind": 3}]},
    }
    advice = async_capture_events(hass, EVENT_ADVICE)
    person = MockConfigEntry(
        domain=DOMAIN,
        entry_id=entry_id,
        title="Kim",
        unique_id=PERSON_ID,
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: PERSON_ID},
        options=OPTIONS,
    )
    person.add_to_hass(hass)
    assert await hass.config_entries.async_setup(person.entry_id)
    await hass.async_block_till_done()
    assert advice == []  # today's build_more was fired before the restart


@pytest.mark.parametrize(
    "raw",
    [
        "x",
        {"day": "2026-03-01"},
        {"day": 20260301, "kind": "rest"},
        {"day": "2026-02-30", "kind": "rest"},
        {"day": "2026-03-01", "kind": ""},
        {"day": "2026-03-01", "kind": "k" * 65},
    ],
)
def test_fired_advice_rows_are_checked(raw: Any) -> None:
    assert advice_store.pair_from_json(raw) is None
    data = {"announced": [raw, {"day": "2026-03-01", "kind": "rest"}]}
    assert advice_store.announced_from_json(data) == {(date(2026, 3, 1), "rest")}
    assert advice_store.announced_from_json({"announced": {"day": "x"}}) == frozenset()
    assert advice_store.recent(
        {(date(2026, 2, 27), "rest"), (date(2026, 2, 28), "train"), (date(2026, 3, 1), "rest")},
        date(2026, 3, 1),
    ) == {(date(2026, 2, 28), "train"), (date(2026, 3, 1), "rest")}
