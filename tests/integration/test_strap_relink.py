"""The person's strap link follows the strap by address; a deleted strap is a repair issue."""

from __future__ import annotations

from typing import Any

import pytest
from emulated.strap import EmulatedStrap
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.recovery_readiness.const import (
    CONF_ENTRY_KIND,
    CONF_PERSON_ID,
    CONF_STRAP_ADDRESS,
    CONF_STRAP_ENTRY_ID,
    DOMAIN,
    KIND_PERSON,
)

pytest_plugins = ["emulated.fixtures"]

PERSON_ID = "person-eli"


def _strap_entry(address: str, name: str = "Strap") -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN, unique_id=address, title=name, data={CONF_ADDRESS: address}
    )


def _person(strap_entry_id: str | None, **data: Any) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title="Eli",
        unique_id=PERSON_ID,
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: PERSON_ID} | data,
        options={CONF_STRAP_ENTRY_ID: strap_entry_id} if strap_entry_id else {},
    )


async def _add(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_a_deleted_strap_raises_an_issue_and_re_adding_it_relinks(
    hass: HomeAssistant, emulated_strap: EmulatedStrap, issue_registry: ir.IssueRegistry
) -> None:
    strap = _strap_entry(emulated_strap.address, emulated_strap.name)
    await _add(hass, strap)
    await emulated_strap.wait_subscribed()
    person = _person(strap.entry_id)
    await _add(hass, person)
    assert person.data[CONF_STRAP_ADDRESS] == emulated_strap.address.upper()
    assert person.runtime_data.link.strap is not None
    issue_id = f"strap_missing_{person.entry_id}"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None

    assert await hass.config_entries.async_remove(strap.entry_id)
    await hass.async_block_till_done()

    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders == {"profile": "Eli"}
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "start_measurement", {"profile": person.entry_id}, blocking=True
        )
    assert err.value.translation_key == "no_linked_strap"

    again = _strap_entry(emulated_strap.address, emulated_strap.name)
    await _add(hass, again)
    await emulated_strap.wait_subscribed()
    await hass.async_block_till_done()

    assert person.options[CONF_STRAP_ENTRY_ID] == again.entry_id
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    assert person.runtime_data.link.strap is not None
    await hass.services.async_call(
        DOMAIN, "start_measurement", {"profile": person.entry_id}, blocking=True
    )
    assert person.runtime_data.report.measurement.state == "waiting_for_contact"


async def test_a_strap_re_added_while_down_is_followed_at_start(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry
) -> None:
    strap = _strap_entry("AA:BB:CC:DD:EE:01")
    strap.add_to_hass(hass)  # present, not loaded: the link is by entry, not by load
    person = _person("deleted-entry-id", **{CONF_STRAP_ADDRESS: "AA:BB:CC:DD:EE:01"})
    await _add(hass, person)

    assert person.options[CONF_STRAP_ENTRY_ID] == strap.entry_id
    assert person.runtime_data.link.configured
    assert issue_registry.async_get_issue(DOMAIN, f"strap_missing_{person.entry_id}") is None


async def test_a_strap_deleted_while_down_is_a_repair_issue_at_start(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry
) -> None:
    person = _person("deleted-entry-id", **{CONF_STRAP_ADDRESS: "AA:BB:CC:DD:EE:02"})
    await _add(hass, person)

    assert issue_registry.async_get_issue(DOMAIN, f"strap_missing_{person.entry_id}") is not None
    assert await hass.config_entries.async_remove(person.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, f"strap_missing_{person.entry_id}") is None


async def test_a_profile_without_a_strap_has_no_issue(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry
) -> None:
    person = _person(None)
    await _add(hass, person)
    assert issue_registry.async_get_issue(DOMAIN, f"strap_missing_{person.entry_id}") is None
