"""End to end: a bed sensor toggled through nights (DST included), restarts, naps, events."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.recovery_readiness.const import (
    CONF_ASLEEP_STATES,
    CONF_ENTRY_KIND,
    CONF_PERSON_ID,
    CONF_SLEEP_SOURCE,
    CONF_TARGET_WAKE_TIME,
    DOMAIN,
    EVENT_BEDTIME_WINDOW,
    EVENT_SLEEP_RECORDED,
    KIND_PERSON,
)
from custom_components.recovery_readiness.store.sleep import storage_key

TZ = ZoneInfo("Europe/Amsterdam")
BED = "binary_sensor.bed"
PERSON_ID = "alex0001"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


def utc_iso(value: datetime) -> str:
    return value.astimezone(ZoneInfo("UTC")).isoformat()


@pytest.fixture
async def amsterdam(hass: HomeAssistant) -> None:
    await hass.config.async_set_time_zone("Europe/Amsterdam")


def person_entry(**options: Any) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title="Alex",
        unique_id=PERSON_ID,
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: PERSON_ID},
        options={CONF_SLEEP_SOURCE: BED} | options,
    )


class Clock:
    """Walk HA's clock forward in steps, firing every timer on the way."""

    def __init__(self, hass: HomeAssistant, freezer: Any) -> None:
        self.hass = hass
        self.freezer = freezer

    def start(self, when: datetime) -> None:
        self.freezer.move_to(when)

    async def to(self, when: datetime) -> None:
        now = datetime.now(TZ)
        while now < when:
            now = min(now + timedelta(minutes=10), when)
            self.freezer.move_to(now)
            async_fire_time_changed(self.hass, now)
            await self.hass.async_block_till_done()

    async def set(self, when: datetime, entity_id: str, state: str) -> None:
        await self.to(when)
        self.hass.states.async_set(entity_id, state)
        await self.hass.async_block_till_done()

    async def night(
        self, bed: datetime, up: datetime, entity_id: str = BED, on: str = "on", off: str = "off"
    ) -> None:
        await self.set(bed, entity_id, on)
        await self.set(up, entity_id, off)


def eid(hass: HomeAssistant, platform: str, key: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{PERSON_ID}_{key}")
    assert entity_id is not None, key
    return entity_id


def state(hass: HomeAssistant, platform: str, key: str) -> str:
    current = hass.states.get(eid(hass, platform, key))
    assert current is not None
    return current.state


def attrs(hass: HomeAssistant, platform: str, key: str) -> dict[str, Any]:
    current = hass.states.get(eid(hass, platform, key))
    assert current is not None
    return dict(current.attributes)


async def setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    if entry.entry_id not in {e.entry_id for e in hass.config_entries.async_entries(DOMAIN)}:
        entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_a_week_of_nights_with_dst_restart_nap_and_awakening(  # noqa: PLR0915  (one story)
    hass: HomeAssistant, freezer: Any, amsterdam: None, hass_storage: dict[str, Any]
) -> None:
    clock = Clock(hass, freezer)
    clock.start(local(2026, 3, 23, 12, 0))
    hass.states.async_set(BED, "off")
    entry = person_entry()
    await setup(hass, entry)
    recorded = async_capture_events(hass, EVENT_SLEEP_RECORDED)
    windows = async_capture_events(hass, EVENT_BEDTIME_WINDOW)

    # A person device with every entity; nothing known yet (unknown, never 0).
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, PERSON_ID)})
    assert device is not None
    assert device.name == "Alex"
    assert device.entry_type is dr.DeviceEntryType.SERVICE
    assert state(hass, "sensor", "last_sleep_duration") == STATE_UNKNOWN
    assert state(hass, "sensor", "sleep_debt") == STATE_UNKNOWN
    assert state(hass, "sensor", "recommended_bedtime") == STATE_UNKNOWN
    assert state(hass, "binary_sensor", "in_bed") == "off"
    assert state(hass, "binary_sensor", "bedtime_window") == "off"

    # Night of Mon 23: 23:00-07:00.
    await clock.set(local(2026, 3, 23, 23, 0), BED, "on")
    assert state(hass, "binary_sensor", "in_bed") == "on"
    assert attrs(hass, "binary_sensor", "in_bed")["since"] == local(2026, 3, 23, 23).isoformat()
    await clock.set(local(2026, 3, 24, 7, 0), BED, "off")
    # Figures wait for the merge gap (20 min): a shorter awakening belongs to the same sleep.
    assert state(hass, "sensor", "last_sleep_duration") == STATE_UNKNOWN
    await clock.to(local(2026, 3, 24, 7, 30))
    assert float(state(hass, "sensor", "last_sleep_duration")) == pytest.approx(8.0)
    assert state(hass, "sensor", "last_bedtime") == utc_iso(local(2026, 3, 23, 23))
    assert state(hass, "sensor", "last_wake_time") == utc_iso(local(2026, 3, 24, 7))
    assert float(state(hass, "sensor", "sleep_debt")) == 0.0
    assert len(recorded) == 1
    assert recorded[0].data == {
        "profile": entry.entry_id,
        "entry_id": entry.entry_id,
        "name": "Alex",
        "kind": "night",
        "night_of": "2026-03-23",
        "bedtime": local(2026, 3, 23, 23).isoformat(),
        "wake_time": local(2026, 3, 24, 7).isoformat(),
        "duration_h": 8.0,
        "time_in_bed_h": 8.0,
        "awakenings": 0,
        "work_night": True,
        "average_sleep_h": 8.0,
        "sleep_debt_h": 0.0,
        "sleep_regularity_index": None,
    }

    # Night of Tue 24, with a 10-minute awakening at 03:00 (merged: one sleep, one event).
    await clock.set(local(2026, 3, 24, 23, 0), BED, "on")
    await clock.set(local(2026, 3, 25, 3, 0), BED, "off")
    await clock.set(local(2026, 3, 25, 3, 10), BED, "on")
    await clock.night(local(2026, 3, 25, 3, 10), local(2026, 3, 25, 7, 0))
    await clock.to(local(2026, 3, 25, 7, 30))
    assert len(recorded) == 2
    assert recorded[1].data["awakenings"] == 1
    assert recorded[1].data["duration_h"] == pytest.approx(7.83)
    assert float(state(hass, "sensor", "last_sleep_duration")) == pytest.approx(7 + 50 / 60)
    assert attrs(hass, "sensor", "last_sleep_duration")["awakenings"] == 1

    # Night of Wed 25, the source drops out for 10 min at 02:00: no end, no invented start.
    await clock.set(local(2026, 3, 25, 23, 0), BED, "on")
    await clock.set(local(2026, 3, 26, 2, 0), BED, STATE_UNAVAILABLE)
    assert state(hass, "binary_sensor", "in_bed") == "on"
    await clock.set(local(2026, 3, 26, 2, 10), BED, "on")
    await clock.set(local(2026, 3, 26, 7, 0), BED, "off")
    await clock.to(local(2026, 3, 26, 12, 0))
    assert float(state(hass, "sensor", "last_sleep_duration")) == pytest.approx(8.0)
    # Three nights: a usual bedtime, and a recommended bedtime anchored on it (average short
    # of 8 h by 3 min: 22:57), with the bedtime window 30 min before it.
    assert state(hass, "sensor", "usual_bedtime") == "23:00"
    assert state(hass, "sensor", "recommended_bedtime") == utc_iso(local(2026, 3, 26, 22, 57))
    assert state(hass, "sensor", "sleep_regularity_index") == STATE_UNKNOWN
    assert state(hass, "sensor", "bedtime_variability") == STATE_UNKNOWN

    # Evening of Thu 26: the window opens at 22:27 and closes when Alex goes to bed.
    await clock.to(local(2026, 3, 26, 22, 26))
    assert state(hass, "binary_sensor", "bedtime_window") == "off"
    await clock.to(local(2026, 3, 26, 22, 28))
    assert state(hass, "binary_sensor", "bedtime_window") == "on"
    assert len(windows) == 1
    assert windows[0].data == {
        "profile": entry.entry_id,
        "entry_id": entry.entry_id,
        "name": "Alex",
        "night_of": "2026-03-26",
        "recommended_bedtime": local(2026, 3, 26, 22, 57).isoformat(),
        "window_start": local(2026, 3, 26, 22, 27).isoformat(),
        "window_end": local(2026, 3, 27, 1, 57).isoformat(),
        "reminder_lead_min": 30.0,
        "target_sleep_h": 8.0,
        "usual_bedtime": "23:00",
        "average_sleep_h": 7.94,
        "sleep_debt_h": 0.17,
    }
    await clock.set(local(2026, 3, 26, 23, 0), BED, "on")
    assert state(hass, "binary_sensor", "bedtime_window") == "off"
    # In bed: the recommendation moves on to the next night.
    assert attrs(hass, "binary_sensor", "bedtime_window")["night_of"] == "2026-03-27"

    # Restart in the middle of the night: the open episode is stored and continues.
    await clock.to(local(2026, 3, 27, 2, 0))
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    stored = hass_storage[storage_key(entry.entry_id)]["data"]
    assert stored["open_episode"]["start"] == utc_iso(local(2026, 3, 26, 23))
    assert stored["open_episode"]["confirmed_at"] == utc_iso(local(2026, 3, 27, 2))
    await clock.to(local(2026, 3, 27, 2, 20))
    await setup(hass, entry)
    assert state(hass, "binary_sensor", "in_bed") == "on"
    await clock.set(local(2026, 3, 27, 7, 0), BED, "off")
    await clock.to(local(2026, 3, 27, 7, 30))
    assert recorded[-1].data["night_of"] == "2026-03-26"
    assert recorded[-1].data["duration_h"] == 8.0
    assert len(windows) == 1  # the window did not open again after the restart

    # Night of Fri 27; restart during it while the sensor turns off with HA down: the
    # episode ends where HA last knew Alex was in bed (06:00), not when HA is back.
    await clock.set(local(2026, 3, 27, 23, 0), BED, "on")
    await clock.to(local(2026, 3, 28, 6, 0))
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    await clock.set(local(2026, 3, 28, 6, 45), BED, "off")
    await clock.to(local(2026, 3, 28, 7, 15))
    await setup(hass, entry)
    assert state(hass, "binary_sensor", "in_bed") == "off"
    await clock.to(local(2026, 3, 28, 7, 40))
    assert recorded[-1].data["night_of"] == "2026-03-27"
    assert recorded[-1].data["duration_h"] == 7.0
    assert recorded[-1].data["work_night"] is False  # Saturday morning

    # Saturday nap 14:00-14:30: the sweet spot.
    await clock.night(local(2026, 3, 28, 14, 0), local(2026, 3, 28, 14, 30))
    await clock.to(local(2026, 3, 28, 15, 0))
    assert recorded[-1].data == {
        "profile": entry.entry_id,
        "entry_id": entry.entry_id,
        "name": "Alex",
        "kind": "nap",
        "day": "2026-03-28",
        "start": local(2026, 3, 28, 14).isoformat(),
        "end": local(2026, 3, 28, 14, 30).isoformat(),
        "duration_min": 30.0,
        "sweet_spot": True,
    }
    assert float(state(hass, "sensor", "last_nap")) == 30.0
    assert state(hass, "sensor", "last_nap_rating") == "sweet_spot"
    assert attrs(hass, "sensor", "last_nap")["sweet_spot"] is True

    # Spring forward (Sun 29, 02:00 -> 03:00): 23:00-07:00 on the wall is 7 h of sleep.
    await clock.night(local(2026, 3, 28, 23, 0), local(2026, 3, 29, 7, 0))
    await clock.to(local(2026, 3, 29, 7, 30))
    assert recorded[-1].data["night_of"] == "2026-03-28"
    assert recorded[-1].data["duration_h"] == 7.0
    assert state(hass, "sensor", "last_bedtime") == "2026-03-28T22:00:00+00:00"
    assert state(hass, "sensor", "last_wake_time") == "2026-03-29T05:00:00+00:00"
    # Wall-clock bedtimes stay 23:00 across the switch: no variability from DST.
    assert state(hass, "sensor", "usual_bedtime") == "23:00"
    assert float(state(hass, "sensor", "bedtime_variability")) == 0.0
    assert float(state(hass, "sensor", "wake_time_variability")) > 0.0

    # Sunday night, then Monday: 7 nights, SRI published (>= 5 valid paired days).
    await clock.night(local(2026, 3, 29, 23, 0), local(2026, 3, 30, 7, 0))
    await clock.to(local(2026, 3, 30, 7, 30))
    durations = [8.0, 7 + 50 / 60, 8.0, 8.0, 7.0, 7.0, 8.0]
    assert float(state(hass, "sensor", "average_sleep_duration")) == pytest.approx(
        sum(durations) / 7
    )
    assert float(state(hass, "sensor", "sleep_debt")) == pytest.approx(
        sum(8.0 - d for d in durations)
    )
    sri = float(state(hass, "sensor", "sleep_regularity_index"))
    assert 80.0 < sri < 100.0
    assert float(state(hass, "sensor", "social_jetlag")) >= 0.0
    assert state(hass, "sensor", "usual_wake_time") == "07:00"
    nights = [e.data["night_of"] for e in recorded if e.data["kind"] == "night"]
    assert nights == [f"2026-03-{d}" for d in range(23, 30)]

    # Every entity with its state on the Monday morning after (for the closing note).
    snapshot = {
        entity.entity_id: hass.states.get(entity.entity_id).state
        for entity in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    }
    print("\nENTITY STATES", snapshot)  # noqa: T201
    assert len(snapshot) == 46  # 16 sleep + 16 readiness + 4 breathing + 10 training entities


async def test_fall_back_night_lasts_nine_hours_and_target_wake_time_sets_bedtime(
    hass: HomeAssistant, freezer: Any, amsterdam: None
) -> None:
    clock = Clock(hass, freezer)
    clock.start(local(2026, 10, 24, 12, 0))
    hass.states.async_set(BED, "off")
    await setup(hass, person_entry(**{CONF_TARGET_WAKE_TIME: "07:00:00"}))
    windows = async_capture_events(hass, EVENT_BEDTIME_WINDOW)
    recorded = async_capture_events(hass, EVENT_SLEEP_RECORDED)
    # Wake 07:00 CET on Sunday minus 8 h of elapsed time: 00:00 CEST (22:00 UTC).
    assert state(hass, "sensor", "recommended_bedtime") == "2026-10-24T22:00:00+00:00"
    await clock.to(local(2026, 10, 24, 23, 35))
    assert state(hass, "binary_sensor", "bedtime_window") == "on"
    assert windows[0].data["night_of"] == "2026-10-24"
    # Nobody goes to bed: the window closes 3 h after the recommended bedtime.
    await clock.to(local(2026, 10, 25, 2, 30))
    assert state(hass, "binary_sensor", "bedtime_window") == "on"
    await clock.to(local(2026, 10, 25, 3, 10))
    assert state(hass, "binary_sensor", "bedtime_window") == "off"
    # Next night's recommendation: wake 07:00 on Monday - 8 h = 23:00 CET.
    assert state(hass, "sensor", "recommended_bedtime") == "2026-10-25T22:00:00+00:00"

    hass.states.async_set(BED, "on")  # in bed from 03:10 to 07:00 CET: 3 h 50 min
    await hass.async_block_till_done()
    await clock.set(local(2026, 10, 25, 7, 0), BED, "off")
    await clock.to(local(2026, 10, 25, 7, 30))
    assert recorded[-1].data["duration_h"] == pytest.approx(3.83)


async def test_fall_back_night_from_the_bed_sensor(
    hass: HomeAssistant, freezer: Any, amsterdam: None
) -> None:
    clock = Clock(hass, freezer)
    clock.start(local(2026, 10, 24, 12, 0))
    hass.states.async_set(BED, "off")
    await setup(hass, person_entry())
    recorded = async_capture_events(hass, EVENT_SLEEP_RECORDED)
    await clock.night(local(2026, 10, 24, 23, 0), local(2026, 10, 25, 7, 0))
    await clock.to(local(2026, 10, 25, 7, 30))
    assert recorded[-1].data["duration_h"] == 9.0
    assert float(state(hass, "sensor", "last_sleep_duration")) == 9.0
    assert float(state(hass, "sensor", "sleep_debt")) == 0.0


async def test_sensor_source_with_asleep_states(
    hass: HomeAssistant, freezer: Any, amsterdam: None
) -> None:
    clock = Clock(hass, freezer)
    phone = "sensor.phone_sleep"
    clock.start(local(2026, 5, 4, 12, 0))
    hass.states.async_set(phone, "awake")
    await setup(hass, person_entry(**{CONF_SLEEP_SOURCE: phone, CONF_ASLEEP_STATES: ["Sleeping"]}))
    await clock.set(local(2026, 5, 4, 22, 30), phone, "sleeping")
    assert state(hass, "binary_sensor", "in_bed") == "on"
    await clock.set(local(2026, 5, 5, 1, 0), phone, STATE_UNKNOWN)
    await clock.set(local(2026, 5, 5, 6, 30), phone, "awake")
    await clock.to(local(2026, 5, 5, 7, 0))
    # Unknown from 01:00: the end is not known, so the sleep ends at 01:00 (nothing invented).
    assert float(state(hass, "sensor", "last_sleep_duration")) == 2.5


async def test_source_already_on_at_setup_starts_then_and_off_at_restart_closes(
    hass: HomeAssistant, freezer: Any, amsterdam: None, hass_storage: dict[str, Any]
) -> None:
    clock = Clock(hass, freezer)
    clock.start(local(2026, 5, 4, 23, 0))
    hass.states.async_set(BED, "on")
    entry = person_entry()
    await setup(hass, entry)
    assert state(hass, "binary_sensor", "in_bed") == "on"
    # While HA runs, the 'still asleep' instant is saved regularly (crash safety).
    await clock.to(local(2026, 5, 5, 3, 0))
    await hass.async_block_till_done()
    await clock.to(local(2026, 5, 5, 3, 1))
    confirmed = hass_storage[storage_key(entry.entry_id)]["data"]["open_episode"]["confirmed_at"]
    assert confirmed >= utc_iso(local(2026, 5, 5, 2, 50))
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    hass.states.async_set(BED, STATE_UNAVAILABLE)
    await setup(hass, entry)
    # Unavailable at startup: the episode stays open.
    assert state(hass, "binary_sensor", "in_bed") == "on"
    await clock.set(local(2026, 5, 5, 7, 0), BED, "off")
    await clock.to(local(2026, 5, 5, 7, 30))
    # Unavailable, then off: the sleep ends when HA last knew (unload at 03:01).
    assert float(state(hass, "sensor", "last_sleep_duration")) == pytest.approx(4 + 1 / 60)


async def test_profile_without_source_closes_a_stored_open_episode(
    hass: HomeAssistant, freezer: Any, amsterdam: None, hass_storage: dict[str, Any]
) -> None:
    clock = Clock(hass, freezer)
    clock.start(local(2026, 5, 5, 9, 0))
    entry = person_entry(**{CONF_SLEEP_SOURCE: None})
    hass_storage[storage_key(entry.entry_id)] = {
        "version": 1,
        "minor_version": 1,
        "key": storage_key(entry.entry_id),
        "data": {
            "episodes": [],
            "open_episode": {
                "start": utc_iso(local(2026, 5, 4, 23)),
                "confirmed_at": utc_iso(local(2026, 5, 5, 6, 30)),
            },
        },
    }
    await setup(hass, entry)
    assert state(hass, "binary_sensor", "in_bed") == STATE_UNKNOWN
    await clock.to(local(2026, 5, 5, 9, 30))
    assert float(state(hass, "sensor", "last_sleep_duration")) == 7.5


async def test_removing_the_profile_deletes_its_history(
    hass: HomeAssistant, freezer: Any, amsterdam: None, hass_storage: dict[str, Any]
) -> None:
    Clock(hass, freezer).start(local(2026, 5, 4, 23, 0))
    hass.states.async_set(BED, "on")
    entry = person_entry()
    await setup(hass, entry)
    await hass.config_entries.async_unload(entry.entry_id)
    assert storage_key(entry.entry_id) in hass_storage
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert storage_key(entry.entry_id) not in hass_storage


async def test_options_change_reloads_with_new_settings(
    hass: HomeAssistant, freezer: Any, amsterdam: None
) -> None:
    Clock(hass, freezer).start(local(2026, 5, 4, 12, 0))
    hass.states.async_set(BED, "off")
    entry = person_entry()
    await setup(hass, entry)
    assert state(hass, "sensor", "recommended_bedtime") == STATE_UNKNOWN
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_TARGET_WAKE_TIME: "06:30:00"}
    )
    await hass.async_block_till_done()
    assert entry.runtime_data.settings.target_wake_time is not None
    assert state(hass, "sensor", "recommended_bedtime") == utc_iso(local(2026, 5, 4, 22, 30))


async def test_restart_during_an_open_window_does_not_remind_twice(
    hass: HomeAssistant, freezer: Any, amsterdam: None
) -> None:
    clock = Clock(hass, freezer)
    clock.start(local(2026, 5, 4, 21, 0))
    hass.states.async_set(BED, "off")
    entry = person_entry(**{CONF_TARGET_WAKE_TIME: "07:00:00"})
    await setup(hass, entry)
    windows = async_capture_events(hass, EVENT_BEDTIME_WINDOW)
    await clock.to(local(2026, 5, 4, 22, 40))
    assert state(hass, "binary_sensor", "bedtime_window") == "on"
    assert attrs(hass, "binary_sensor", "bedtime_window") == {
        "friendly_name": "Alex Bedtime window",
        "night_of": "2026-05-04",
        "recommended_bedtime": local(2026, 5, 4, 23).isoformat(),
        "window_start": local(2026, 5, 4, 22, 30).isoformat(),
        "window_end": local(2026, 5, 5, 2).isoformat(),
    }
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert state(hass, "binary_sensor", "bedtime_window") == "on"
    assert len(windows) == 1
    # The runtime API the readiness work builds on.
    runtime = entry.runtime_data
    assert runtime.report.sleep.summary is not None
    assert runtime.report.sleep.summary.nights == ()
    assert runtime.settings.strap_entry_id is None
    assert runtime.report.sleep.window_on is True
    assert runtime.report.sleep.recommended_bedtime == local(2026, 5, 4, 23)
    calls: list[None] = []
    remove = runtime.coordinator.async_add_listener(lambda: calls.append(None))
    await clock.set(local(2026, 5, 4, 23, 0), BED, "on")
    assert calls
    remove()


async def test_an_episode_without_known_sleep_is_dropped(
    hass: HomeAssistant, freezer: Any, amsterdam: None
) -> None:
    clock = Clock(hass, freezer)
    clock.start(local(2026, 5, 4, 23, 0))
    hass.states.async_set(BED, "off")
    entry = person_entry()
    await setup(hass, entry)
    # On and unavailable at the same instant, then off: nothing known asleep, nothing kept.
    hass.states.async_set(BED, "on")
    hass.states.async_set(BED, STATE_UNAVAILABLE)
    await hass.async_block_till_done()
    await clock.set(local(2026, 5, 5, 7, 0), BED, "off")
    assert entry.runtime_data.sleep.history.episodes == ()
    assert entry.runtime_data.sleep.history.open_start is None


async def test_long_unknown_stretch_splits_and_a_stuck_sensor_is_ignored(
    hass: HomeAssistant, freezer: Any, amsterdam: None, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock(hass, freezer)
    clock.start(local(2026, 5, 4, 22, 0))
    hass.states.async_set(BED, "off")
    entry = person_entry()
    await setup(hass, entry)
    await clock.set(local(2026, 5, 4, 23, 0), BED, "on")
    await clock.set(local(2026, 5, 5, 0, 30), BED, STATE_UNAVAILABLE)
    await clock.set(local(2026, 5, 5, 5, 0), BED, "on")  # 4.5 h unknown: no continuity
    await clock.set(local(2026, 5, 5, 7, 0), BED, "off")
    episodes = entry.runtime_data.sleep.history.episodes
    assert [(e.start, e.end) for e in episodes] == [
        (local(2026, 5, 4, 23), local(2026, 5, 5, 0, 30)),
        (local(2026, 5, 5, 5), local(2026, 5, 5, 7)),
    ]
    # On for 30 hours: not sleep.
    await clock.set(local(2026, 5, 5, 8, 0), BED, "on")
    await clock.set(local(2026, 5, 6, 14, 0), BED, "off")
    assert entry.runtime_data.sleep.history.episodes == episodes
    assert "is binary_sensor.bed stuck?" in caplog.text


async def test_home_assistant_stop_confirms_the_open_episode(
    hass: HomeAssistant, freezer: Any, amsterdam: None, hass_storage: dict[str, Any]
) -> None:
    clock = Clock(hass, freezer)
    clock.start(local(2026, 5, 4, 23, 0))
    hass.states.async_set(BED, "on")
    entry = person_entry()
    await setup(hass, entry)
    await clock.to(local(2026, 5, 4, 23, 2))
    await clock.to(local(2026, 5, 4, 23, 2, 30))
    entry.runtime_data.sleep._async_on_hass_stop(None)
    await clock.to(local(2026, 5, 4, 23, 3))
    stored = hass_storage[storage_key(entry.entry_id)]["data"]["open_episode"]
    assert stored["confirmed_at"] >= utc_iso(local(2026, 5, 4, 23, 2, 30))


async def test_first_night_ending_just_before_noon_is_announced_after_the_noon_refresh(
    hass: HomeAssistant, freezer: Any, amsterdam: None
) -> None:
    clock = Clock(hass, freezer)
    clock.start(local(2026, 5, 4, 22, 0))
    hass.states.async_set(BED, "off")
    await setup(hass, person_entry())
    recorded = async_capture_events(hass, EVENT_SLEEP_RECORDED)
    await clock.night(local(2026, 5, 4, 23, 0), local(2026, 5, 5, 11, 50))
    await clock.to(local(2026, 5, 5, 12, 0, 1))  # the daily refresh at noon
    assert recorded == []
    assert float(state(hass, "sensor", "last_sleep_duration")) == pytest.approx(12 + 50 / 60)
    await clock.to(local(2026, 5, 5, 12, 15))
    assert [e.data["night_of"] for e in recorded] == ["2026-05-04"]


async def test_reload_right_after_waking_still_announces_the_night(
    hass: HomeAssistant, freezer: Any, amsterdam: None
) -> None:
    clock = Clock(hass, freezer)
    clock.start(local(2026, 5, 4, 22, 0))
    hass.states.async_set(BED, "off")
    entry = person_entry()
    await setup(hass, entry)
    recorded = async_capture_events(hass, EVENT_SLEEP_RECORDED)
    await clock.night(local(2026, 5, 4, 23, 0), local(2026, 5, 5, 7, 0))
    await clock.to(local(2026, 5, 5, 7, 5))
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert recorded == []
    await clock.to(local(2026, 5, 5, 7, 25))
    assert [e.data["duration_h"] for e in recorded] == [8.0]
