"""The strap side of the config flow: discovery, menu, picker, connection test, aborts."""

from __future__ import annotations

from unittest.mock import patch

from emulated.harness import EmulatedLink, wait_until_seen
from emulated.proxy import EmulatedProxy
from emulated.strap import EmulatedStrap
from homeassistant.config_entries import SOURCE_BLUETOOTH, SOURCE_USER
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.recovery_readiness import config_flow
from custom_components.recovery_readiness.const import CONF_ENTRY_KIND, DOMAIN, KIND_STRAP
from custom_components.recovery_readiness.strap import StrapConnectionError

pytest_plugins = ["emulated.fixtures"]


def _no_setup():
    """Finish flows without setting the entry up (that is tested elsewhere)."""
    return patch("custom_components.recovery_readiness.async_setup_entry", return_value=True)


async def _pick_strap_form(hass: HomeAssistant):
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert set(result["menu_options"]) == {"pick_strap", "person"}
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "pick_strap"}
    )


async def test_picker_lists_discovered_straps_and_creates_the_entry(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    result = await _pick_strap_form(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "pick_strap"
    choices = result["data_schema"].schema[CONF_ADDRESS].container
    assert choices == {emulated_strap.address: f"{emulated_strap.name} ({emulated_strap.address})"}

    with _no_setup():
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_ADDRESS: emulated_strap.address}
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == emulated_strap.name
    assert result["data"] == {CONF_ENTRY_KIND: KIND_STRAP, CONF_ADDRESS: emulated_strap.address}
    assert result["result"].unique_id == emulated_strap.address


async def test_picker_aborts_when_no_strap_is_around(
    hass: HomeAssistant, emulated_link: EmulatedLink, emulated_proxy: EmulatedProxy
) -> None:
    result = await _pick_strap_form(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_devices_found"


async def test_picker_hides_configured_straps(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    MockConfigEntry(
        domain=DOMAIN, unique_id=emulated_strap.address, data={CONF_ADDRESS: emulated_strap.address}
    ).add_to_hass(hass)
    result = await _pick_strap_form(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_devices_found"


async def test_picker_shows_cannot_connect_and_recovers(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    result = await _pick_strap_form(hass)
    with patch.object(
        config_flow.HeartRateStrap, "connect", side_effect=StrapConnectionError("held by a phone")
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_ADDRESS: emulated_strap.address}
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    with _no_setup():
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_ADDRESS: emulated_strap.address}
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_discovery_confirm_shows_cannot_connect(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    await hass.async_block_till_done(wait_background_tasks=True)
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    with patch.object(config_flow.HeartRateStrap, "connect", side_effect=TimeoutError):
        result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "bluetooth_confirm"
    assert result["errors"] == {"base": "cannot_connect"}


async def test_discovery_of_a_configured_strap_aborts(
    hass: HomeAssistant, emulated_link: EmulatedLink, emulated_proxy: EmulatedProxy
) -> None:
    strap = await emulated_link.add_strap()
    MockConfigEntry(
        domain=DOMAIN, unique_id=strap.address, data={CONF_ADDRESS: strap.address}
    ).add_to_hass(hass)
    await strap.start_advertising()
    await wait_until_seen(hass, strap.address)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []

    info = next(
        i
        for i in config_flow.async_discovered_service_info(hass, connectable=True)
        if i.address == strap.address
    )
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_BLUETOOTH}, data=info
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_picker_offers_every_strap_seen_nearby(
    hass: HomeAssistant, emulated_link: EmulatedLink, emulated_proxy: EmulatedProxy
) -> None:
    first = await emulated_link.add_strap(advertise=True)
    second = await emulated_link.add_strap(advertise=True, name="Wahoo TICKR 1234")
    await wait_until_seen(hass, first.address)
    await wait_until_seen(hass, second.address)
    result = await _pick_strap_form(hass)
    choices = result["data_schema"].schema[CONF_ADDRESS].container
    assert set(choices) == {first.address, second.address}
