"""Config flow: the add menu, person steps, options flow and reconfigure."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.recovery_readiness.const import (
    CONF_ASLEEP_STATES,
    CONF_ENTRY_KIND,
    CONF_MERGE_GAP_MIN,
    CONF_MIN_NIGHT_SLEEP_MIN,
    CONF_NAME,
    CONF_PERSON_ID,
    CONF_REMINDER_LEAD_MIN,
    CONF_SLEEP_SOURCE,
    CONF_STRAP_ENTRY_ID,
    CONF_TARGET_SLEEP_H,
    CONF_TARGET_WAKE_TIME,
    CONF_WORK_DAYS,
    DOMAIN,
    KIND_PERSON,
)

FORM = {
    CONF_NAME: " Robin ",
    CONF_SLEEP_SOURCE: "binary_sensor.bed",
    CONF_TARGET_SLEEP_H: 8.5,
    CONF_TARGET_WAKE_TIME: "06:45:00",
    CONF_REMINDER_LEAD_MIN: 45,
    CONF_WORK_DAYS: ["mon", "tue", "wed", "thu"],
    CONF_MERGE_GAP_MIN: 15,
    CONF_MIN_NIGHT_SLEEP_MIN: 120,
}


async def open_person_form(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["pick_strap", "person"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "person"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "person"
    return result


def person(title: str = "Kim", **options: Any) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title=title,
        unique_id=f"id-{title}",
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: f"id-{title}"},
        options=options,
    )


async def test_menu_offers_a_person_without_any_strap_and_creates_one(
    hass: HomeAssistant,
) -> None:
    result = await open_person_form(hass)
    assert CONF_STRAP_ENTRY_ID not in result["data_schema"].schema  # no strap configured
    result = await hass.config_entries.flow.async_configure(result["flow_id"], FORM)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Robin"
    entry = result["result"]
    assert entry.data[CONF_ENTRY_KIND] == KIND_PERSON
    assert entry.unique_id == entry.data[CONF_PERSON_ID]
    assert len(entry.unique_id) == 32
    assert dict(entry.options) == {k: v for k, v in FORM.items() if k != CONF_NAME} | {
        "morning_start": "04:00:00",
        "morning_end": "11:00:00",
        "measurement_duration_s": 120.0,
    }
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.settings.work_days == frozenset({0, 1, 2, 3})


async def test_strap_picker_still_aborts_when_no_strap_is_seen(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    with patch(
        "custom_components.recovery_readiness.config_flow.async_discovered_service_info",
        return_value=[],
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": "pick_strap"}
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_devices_found"


async def test_sensor_source_asks_for_asleep_states(hass: HomeAssistant) -> None:
    hass.states.async_set("sensor.phone_sleep", "sleep_tracking")
    strap = MockConfigEntry(
        domain=DOMAIN, title="Polar H10", unique_id="AA:BB", data={CONF_ADDRESS: "AA:BB"}
    )
    strap.add_to_hass(hass)
    result = await open_person_form(hass)
    assert CONF_STRAP_ENTRY_ID in result["data_schema"].schema
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Robin",
            CONF_SLEEP_SOURCE: "sensor.phone_sleep",
            CONF_STRAP_ENTRY_ID: strap.entry_id,
            CONF_TARGET_SLEEP_H: 8,
            CONF_REMINDER_LEAD_MIN: 30,
            CONF_WORK_DAYS: [],
            CONF_MERGE_GAP_MIN: 20,
            CONF_MIN_NIGHT_SLEEP_MIN: 90,
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "person_states"
    assert result["description_placeholders"] == {"entity": "sensor.phone_sleep"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ASLEEP_STATES: ["  "]}
    )
    assert result["errors"] == {CONF_ASLEEP_STATES: "asleep_states_required"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ASLEEP_STATES: ["sleep_tracking", "asleep"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    options = result["result"].options
    assert options[CONF_ASLEEP_STATES] == ["sleep_tracking", "asleep"]
    assert options[CONF_STRAP_ENTRY_ID] == strap.entry_id
    assert CONF_TARGET_WAKE_TIME not in options
    await hass.async_block_till_done()
    assert result["result"].runtime_data.settings.strap_entry_id == strap.entry_id


@pytest.mark.parametrize(("name", "error"), [("   ", "name_required"), ("kim", "name_exists")])
async def test_name_must_be_given_and_unique(hass: HomeAssistant, name: str, error: str) -> None:
    person("Kim").add_to_hass(hass)
    result = await open_person_form(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], FORM | {CONF_NAME: name}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_NAME: error}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], FORM)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_options_flow_changes_settings_and_name_and_reloads(hass: HomeAssistant) -> None:
    hass.states.async_set("sensor.phone_sleep", "awake")
    entry = person("Kim", **{CONF_SLEEP_SOURCE: "binary_sensor.bed", CONF_TARGET_SLEEP_H: 8})
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], FORM | {CONF_NAME: ""}
    )
    assert result["errors"] == {CONF_NAME: "name_required"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], FORM | {CONF_NAME: "Kim B", CONF_SLEEP_SOURCE: "sensor.phone_sleep"}
    )
    assert result["step_id"] == "states"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_ASLEEP_STATES: []}
    )
    assert result["errors"] == {CONF_ASLEEP_STATES: "asleep_states_required"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_ASLEEP_STATES: ["sleeping"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.title == "Kim B"
    assert entry.options[CONF_SLEEP_SOURCE] == "sensor.phone_sleep"
    assert entry.options[CONF_ASLEEP_STATES] == ["sleeping"]
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.settings.name == "Kim B"
    assert entry.runtime_data.settings.asleep_states == frozenset({"sleeping"})

    # A binary sensor needs no states step; the stored states are kept for later.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], FORM | {CONF_NAME: "Kim B"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_ASLEEP_STATES] == ["sleeping"]
    assert entry.options[CONF_SLEEP_SOURCE] == "binary_sensor.bed"


async def test_reconfigure_a_person(hass: HomeAssistant) -> None:
    entry = person("Kim", **{CONF_SLEEP_SOURCE: "binary_sensor.bed", CONF_ASLEEP_STATES: ["x"]})
    entry.add_to_hass(hass)
    person("Lee").add_to_hass(hass)
    hass.states.async_set("sensor.watch", "deep")
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], FORM | {CONF_NAME: "LEE"}
    )
    assert result["errors"] == {CONF_NAME: "name_exists"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], FORM | {CONF_NAME: "Kim", CONF_SLEEP_SOURCE: "sensor.watch"}
    )
    assert result["step_id"] == "person_states"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ASLEEP_STATES: ["deep", "light"]}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.title == "Kim"
    assert entry.options[CONF_SLEEP_SOURCE] == "sensor.watch"
    assert entry.options[CONF_ASLEEP_STATES] == ["deep", "light"]
    assert entry.options[CONF_TARGET_WAKE_TIME] == "06:45:00"

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], FORM | {CONF_NAME: "Kim"}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()


async def test_a_strap_has_no_options_and_nothing_to_reconfigure(hass: HomeAssistant) -> None:
    strap = MockConfigEntry(domain=DOMAIN, unique_id="AA:BB", data={CONF_ADDRESS: "AA:BB"})
    strap.add_to_hass(hass)
    assert not strap.supports_options
    result = await strap.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_strap"
    profile = person("Kim")
    profile.add_to_hass(hass)
    assert profile.supports_options
