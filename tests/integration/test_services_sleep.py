"""The log_sleep action: recorded episodes, events, and refused input that changes nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.recovery_readiness.const import (
    CONF_ENTRY_KIND,
    CONF_PERSON_ID,
    CONF_SLEEP_SOURCE,
    DOMAIN,
    EVENT_SLEEP_RECORDED,
    KIND_PERSON,
    SERVICE_LOG_SLEEP,
)

TZ = ZoneInfo("Europe/Amsterdam")
PERSON_ID = "sam0001"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.fixture
async def entry(hass: HomeAssistant, freezer: Any) -> MockConfigEntry:
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    freezer.move_to(local(2026, 3, 30, 9, 0))
    hass.states.async_set("binary_sensor.bed", "off")
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Sam",
        unique_id=PERSON_ID,
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: PERSON_ID},
        options={CONF_SLEEP_SOURCE: "binary_sensor.bed"},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def value(hass: HomeAssistant, key: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{PERSON_ID}_{key}")
    assert entity_id is not None
    current = hass.states.get(entity_id)
    assert current is not None
    return current.state


async def log(hass: HomeAssistant, profile: str, start: Any, end: Any) -> None:
    await hass.services.async_call(
        DOMAIN,
        SERVICE_LOG_SLEEP,
        {"profile": profile, "start": start, "end": end},
        blocking=True,
    )


async def test_logged_night_is_recorded_at_once_with_an_event(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    events = async_capture_events(hass, EVENT_SLEEP_RECORDED)
    # Local time without a zone (as the UI sends it); the spring-forward night: 7 h.
    await log(hass, entry.entry_id, "2026-03-28 23:00:00", "2026-03-29 07:00:00")
    await hass.async_block_till_done()
    assert len(events) == 1
    assert events[0].data["kind"] == "night"
    assert events[0].data["night_of"] == "2026-03-28"
    assert events[0].data["duration_h"] == 7.0
    # A nap logged with an explicit zone; 15 min is short of the sweet spot.
    await log(hass, entry.entry_id, "2026-03-29T12:00:00+00:00", "2026-03-29T12:15:00+00:00")
    await hass.async_block_till_done()
    assert events[-1].data["kind"] == "nap"
    assert events[-1].data["sweet_spot"] is False
    assert value(hass, "last_nap_rating") == "short"
    history = entry.runtime_data.sleep.history
    assert [e.origin for e in history.episodes] == ["service", "service"]


@pytest.mark.parametrize(
    ("start", "end", "key"),
    [
        ("2026-03-29 07:00:00", "2026-03-28 23:00:00", "end_not_after_start"),
        ("2026-03-29 07:00:00", "2026-03-29 07:00:00", "end_not_after_start"),
        ("2026-03-30 08:00:00", "2026-03-30 10:00:00", "end_in_future"),
        ("2026-03-27 07:00:00", "2026-03-28 07:30:00", "episode_too_long"),
        ("2026-03-29 06:00:00", "2026-03-29 08:00:00", "episode_overlaps"),
        ("2026-03-28 22:00:00", "2026-03-29 08:00:00", "episode_overlaps"),
        ("2026-03-29 12:00:00", "2026-03-29 12:00:01", "episode_too_short"),
        ("2026-03-29 12:00:00", "2026-03-29 12:09:59", "episode_too_short"),
        ("0001-01-01 00:00:00", "0001-01-01 08:00:00", "episode_too_old"),
        ("1900-01-01 23:00:00", "1900-01-02 07:00:00", "episode_too_old"),
        ("2025-02-21 23:00:00", "2025-02-22 07:00:00", "episode_too_old"),  # 401 days
        ("9999-12-31 01:00:00", "9999-12-31 08:00:00", "end_in_future"),
        ("0001-01-01T00:00:00+00:00", "0001-01-01T08:00:00+00:00", "episode_too_old"),
        ("0001-01-01T00:30:00+14:00", "0001-01-01T08:00:00+14:00", "date_out_of_range"),
    ],
)
async def test_bad_input_is_refused_with_a_translated_error_and_changes_nothing(
    hass: HomeAssistant, entry: MockConfigEntry, start: str, end: str, key: str
) -> None:
    await log(hass, entry.entry_id, "2026-03-28 23:00:00", "2026-03-29 07:00:00")
    before = entry.runtime_data.sleep.history
    events = async_capture_events(hass, EVENT_SLEEP_RECORDED)
    with pytest.raises(ServiceValidationError) as err:
        await log(hass, entry.entry_id, start, end)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    assert entry.runtime_data.sleep.history is before
    await hass.async_block_till_done()
    assert events == []


async def test_overlap_with_the_episode_in_progress_is_refused(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: Any
) -> None:
    freezer.move_to(local(2026, 3, 30, 23, 0))
    hass.states.async_set("binary_sensor.bed", "on")
    await hass.async_block_till_done()
    freezer.move_to(local(2026, 3, 31, 1, 0))
    with pytest.raises(ServiceValidationError) as err:
        await log(hass, entry.entry_id, "2026-03-30 22:30:00", "2026-03-30 23:30:00")
    assert err.value.translation_key == "episode_overlaps"
    assert err.value.translation_placeholders["start"].startswith("2026-03-30T23:00:00")


async def test_unknown_strap_or_unloaded_profile_is_refused(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await log(hass, "no-such-entry", "2026-03-28 23:00:00", "2026-03-29 07:00:00")
    assert err.value.translation_key == "profile_not_found"
    strap = MockConfigEntry(domain=DOMAIN, unique_id="AA:BB", data={CONF_ADDRESS: "AA:BB"})
    strap.add_to_hass(hass)
    with pytest.raises(ServiceValidationError) as err:
        await log(hass, strap.entry_id, "2026-03-28 23:00:00", "2026-03-29 07:00:00")
    assert err.value.translation_key == "profile_not_found"
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    with pytest.raises(ServiceValidationError) as err:
        await log(hass, entry.entry_id, "2026-03-28 23:00:00", "2026-03-29 07:00:00")
    assert err.value.translation_key == "profile_not_loaded"
    assert err.value.translation_placeholders == {"profile": "Sam"}


async def test_refusal_message_is_translated(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await log(hass, entry.entry_id, "2026-03-29 07:00:00", "2026-03-28 23:00:00")
    assert str(err.value).startswith("The end of the sleep must be after its start")


async def test_a_nap_of_ten_minutes_and_a_night_within_the_retention_are_kept(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    await log(hass, entry.entry_id, "2026-03-29 12:00:00", "2026-03-29 12:10:00")
    await log(hass, entry.entry_id, "2025-02-25 23:00:00", "2025-02-26 07:00:00")  # 397 days
    assert len(entry.runtime_data.sleep.history.episodes) == 2
