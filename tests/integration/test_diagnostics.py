"""Diagnostics of a strap entry: redacted identity, counters, status; never RR values."""

from __future__ import annotations

import json

from emulated import encode_hrm
from emulated.strap import EmulatedStrap
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.recovery_readiness.const import (
    CONF_ENTRY_KIND,
    CONF_PERSON_ID,
    CONF_SLEEP_SOURCE,
    DOMAIN,
    KIND_PERSON,
)

pytest_plugins = ["emulated.fixtures"]


async def test_diagnostics_redact_identity_and_hold_no_rr_values(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, emulated_strap: EmulatedStrap
) -> None:
    assert await async_setup_component(hass, "diagnostics", {})
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=emulated_strap.address,
        title=emulated_strap.name,
        data={CONF_ADDRESS: emulated_strap.address},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await emulated_strap.wait_subscribed()
    for rr in (987.3, 1011.7, 1003.9):
        await emulated_strap.notify(encode_hrm(60, (rr,), contact=True))
    await hass.async_block_till_done()

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    text = json.dumps(diagnostics)
    assert emulated_strap.address not in text
    assert emulated_strap.name not in text
    assert "0A1B2C3D" not in text  # serial number
    assert "987" not in text
    assert "1011" not in text
    assert diagnostics["entry"]["data"][CONF_ADDRESS] == "**REDACTED**"
    assert diagnostics["strap"]["manufacturer"] == "Polar Electro Oy"
    assert diagnostics["strap"]["battery_pct"] == 87
    assert diagnostics["status"]["connected"] is True
    assert diagnostics["stats"]["connects"] == 1


async def test_person_diagnostics_hold_counts_not_health_values(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    assert await async_setup_component(hass, "diagnostics", {})
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Robin",
        unique_id="p1",
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: "p1"},
        options={CONF_SLEEP_SOURCE: "binary_sensor.robin_bed"},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    text = json.dumps(diagnostics)
    assert "Robin" not in text
    assert "robin_bed" not in text
    assert diagnostics["readiness"]["measurements_stored"] == 0
    assert diagnostics["readiness"]["measurement_state"] == "idle"
    assert diagnostics["breathing"] == {
        "state": "idle",
        "mode": None,
        "strap": None,
        "hrv_note": None,
        "resonance_known": False,
    }
    assert diagnostics["sleep"]["in_bed_now"] is False
    assert diagnostics["strap_linked"] is False
