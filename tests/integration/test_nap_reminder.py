"""The nap advice: in the afternoon, once the linked person is home, once per day."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from homeassistant.core import HomeAssistant
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
    EVENT_ADVICE,
    KIND_PERSON,
)

TZ = ZoneInfo("Europe/Amsterdam")
OPTIONS = {
    "morning_start": "04:00:00",
    "morning_end": "11:00:00",
    "target_sleep_h": 8,
    "nap_reminder_time": "13:30:00",
}


async def _person(hass: HomeAssistant, **options: Any) -> MockConfigEntry:
    person = MockConfigEntry(
        domain=DOMAIN,
        title="Kim",
        unique_id="person-kim",
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: "person-kim"},
        options=OPTIONS | options,
    )
    person.add_to_hass(hass)
    assert await hass.config_entries.async_setup(person.entry_id)
    await hass.async_block_till_done()
    for nights_ago in (3, 2, 1):  # three nights of 5 h against a target of 8 h: 9 h of debt
        bed = datetime(2026, 6, 10, 23, 30, tzinfo=TZ) - timedelta(days=nights_ago)
        await hass.services.async_call(
            DOMAIN,
            "log_sleep",
            {
                "profile": person.entry_id,
                "start": bed.isoformat(),
                "end": (bed + timedelta(hours=5)).isoformat(),
            },
            blocking=True,
        )
    await hass.async_block_till_done()
    return person


async def _at(hass: HomeAssistant, freezer: Any, hour: int, minute: int) -> None:
    freezer.move_to(datetime(2026, 6, 10, hour, minute, tzinfo=TZ))
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()


def _naps(events: list[Any]) -> list[dict[str, Any]]:
    return [e.data for e in events if e.data["kind"] == "nap"]


async def test_the_nap_advice_waits_for_the_afternoon_and_the_person_at_home(
    hass: HomeAssistant, freezer: Any
) -> None:
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    freezer.move_to(datetime(2026, 6, 10, 12, 0, tzinfo=TZ))
    hass.states.async_set("person.kim", "not_home")
    advice = async_capture_events(hass, EVENT_ADVICE)
    await _person(hass, person_entity="person.kim")
    state = hass.states.get("sensor.kim_daily_advice")
    assert state is not None
    assert "nap" in (state.state, *state.attributes["also"])
    assert "sleep_debt" in state.attributes["reasons"]
    assert advice  # the day's advice was announced ...
    assert _naps(advice) == []  # ... but not the nap: that waits for the afternoon

    await _at(hass, freezer, 13, 30)
    assert _naps(advice) == []  # nap time, but Kim is not home
    await _at(hass, freezer, 14, 10)
    hass.states.async_set("person.kim", "home")
    await hass.async_block_till_done()
    [nap] = _naps(advice)
    assert nap["day"] == "2026-06-10"
    assert "sleep_debt" in nap["reasons"]

    hass.states.async_set("person.kim", "not_home")
    hass.states.async_set("person.kim", "home")
    await hass.async_block_till_done()
    assert len(_naps(advice)) == 1  # once per day


async def test_no_nap_advice_after_the_afternoon_window(hass: HomeAssistant, freezer: Any) -> None:
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    freezer.move_to(datetime(2026, 6, 10, 12, 0, tzinfo=TZ))
    hass.states.async_set("person.kim", "not_home")
    advice = async_capture_events(hass, EVENT_ADVICE)
    await _person(hass, person_entity="person.kim")
    await _at(hass, freezer, 13, 30)
    await _at(hass, freezer, 16, 45)  # more than 3 h after the nap reminder time
    hass.states.async_set("person.kim", "home")
    await hass.async_block_till_done()
    assert _naps(advice) == []


async def test_without_a_linked_person_the_nap_advice_comes_at_nap_time(
    hass: HomeAssistant, freezer: Any
) -> None:
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    freezer.move_to(datetime(2026, 6, 10, 12, 0, tzinfo=TZ))
    advice = async_capture_events(hass, EVENT_ADVICE)
    await _person(hass)
    assert _naps(advice) == []
    await _at(hass, freezer, 13, 30)
    assert len(_naps(advice)) == 1
