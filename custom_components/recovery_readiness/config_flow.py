"""Config flow: a heart-rate strap found over Bluetooth, or picked from a list.

Before an entry is created the flow connects once (test-before-configure): a strap held by a
phone app, or out of reach of every adapter and proxy, gives a clear error instead of an entry
that never works.
"""

from __future__ import annotations

import asyncio
from typing import Any

import voluptuous as vol
from homeassistant.components.bluetooth import (
    BluetoothServiceInfoBleak,
    async_discovered_service_info,
)
from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_ADDRESS

from .const import DOMAIN, HEART_RATE_SERVICE_UUID, LOGGER
from .strap import HeartRateStrap, StrapError

CONNECT_TEST_TIMEOUT_S = 45.0
"""One attempt may wait out bleak-retry-connector's retries through a busy proxy."""


def _title(info: BluetoothServiceInfoBleak) -> str:
    return info.name or info.address


async def _async_test_connection(info: BluetoothServiceInfoBleak) -> str | None:
    """Connect once, subscribe, disconnect; return an error key or None when it worked."""
    strap = HeartRateStrap(info.device, info.advertisement, notify_battery=False)
    try:
        async with asyncio.timeout(CONNECT_TEST_TIMEOUT_S):
            await strap.connect()
    except (StrapError, TimeoutError) as err:
        LOGGER.debug("%s: connection test failed: %r", _title(info), err)
        return "cannot_connect"
    finally:
        await strap.disconnect("connection test done")
    return None


class RecoveryReadinessConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a heart-rate strap."""

    VERSION = 1

    def __init__(self) -> None:
        """Start with nothing discovered."""
        self._discovery: BluetoothServiceInfoBleak | None = None
        self._discovered: dict[str, BluetoothServiceInfoBleak] = {}

    async def async_step_bluetooth(
        self, discovery_info: BluetoothServiceInfoBleak
    ) -> ConfigFlowResult:
        """A strap advertising the Heart Rate service was seen."""
        await self.async_set_unique_id(discovery_info.address)
        self._abort_if_unique_id_configured()
        self._discovery = discovery_info
        self.context["title_placeholders"] = {"name": _title(discovery_info)}
        return await self.async_step_bluetooth_confirm()

    async def async_step_bluetooth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Confirm a discovered strap."""
        assert self._discovery is not None  # noqa: S101  (set by async_step_bluetooth)
        errors: dict[str, str] = {}
        if user_input is not None:
            if (error := await _async_test_connection(self._discovery)) is None:
                return self.async_create_entry(
                    title=_title(self._discovery), data={CONF_ADDRESS: self._discovery.address}
                )
            errors["base"] = error
        self._set_confirm_only()
        return self.async_show_form(
            step_id="bluetooth_confirm",
            description_placeholders={"name": _title(self._discovery)},
            errors=errors,
        )

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Pick one of the straps seen nearby."""
        errors: dict[str, str] = {}
        if user_input is not None:
            address = user_input[CONF_ADDRESS]
            await self.async_set_unique_id(address, raise_on_progress=False)
            self._abort_if_unique_id_configured()
            info = self._discovered[address]
            if (error := await _async_test_connection(info)) is None:
                return self.async_create_entry(title=_title(info), data={CONF_ADDRESS: address})
            errors["base"] = error

        configured = self._async_current_ids(include_ignore=False)
        self._discovered.clear()
        for info in async_discovered_service_info(self.hass, connectable=True):
            if HEART_RATE_SERVICE_UUID in info.service_uuids and info.address not in configured:
                self._discovered[info.address] = info
        if not self._discovered:
            return self.async_abort(reason="no_devices_found")
        return self.async_show_form(
            step_id="user",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_ADDRESS): vol.In(
                        {a: f"{_title(i)} ({a})" for a, i in self._discovered.items()}
                    )
                }
            ),
            errors=errors,
        )
