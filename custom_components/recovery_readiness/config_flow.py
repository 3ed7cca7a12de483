"""Config flow: a heart-rate strap (Bluetooth discovery or picker) or a person profile.

The user step is a menu: "add a strap" (`pick_strap`, the picker) or "add a person" (`person`).
Before a strap entry is created the flow connects once (test-before-configure): a strap held by
a phone app, or out of reach of every adapter and proxy, gives a clear error instead of an entry
that never works. Person profiles have an options flow and a reconfigure step (both edit every
setting; forms in `profile.settings`).
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import voluptuous as vol
from homeassistant.components.bluetooth import (
    BluetoothServiceInfoBleak,
    async_discovered_service_info,
)
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import callback

from .const import (
    CONF_ASLEEP_STATES,
    CONF_ENTRY_KIND,
    CONF_NAME,
    CONF_PERSON_ID,
    CONF_SLEEP_SOURCE,
    DOMAIN,
    HEART_RATE_SERVICE_UUID,
    KIND_PERSON,
    KIND_STRAP,
    LOGGER,
    entry_kind,
)
from .profile.settings import (
    entry_values,
    form_errors,
    needs_states,
    person_schema,
    settings_from_input,
    states_schema,
)
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
    """Add a heart-rate strap or a person profile."""

    VERSION = 1
    MINOR_VERSION = 2

    def __init__(self) -> None:
        """Start with nothing discovered."""
        self._discovery: BluetoothServiceInfoBleak | None = None
        self._discovered: dict[str, BluetoothServiceInfoBleak] = {}
        self._person: dict[str, Any] = {}

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:  # noqa: ARG004  (HA's signature)
        """Person profiles have options; straps have none."""
        return PersonOptionsFlow()

    @classmethod
    @callback
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        """Offer options for person profiles only."""
        return entry_kind(config_entry) == KIND_PERSON

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
                    title=_title(self._discovery),
                    data={CONF_ENTRY_KIND: KIND_STRAP, CONF_ADDRESS: self._discovery.address},
                )
            errors["base"] = error
        self._set_confirm_only()
        return self.async_show_form(
            step_id="bluetooth_confirm",
            description_placeholders={"name": _title(self._discovery)},
            errors=errors,
        )

    async def async_step_user(
        self,
        user_input: dict[str, Any] | None = None,  # noqa: ARG002  (HA's signature; a menu)
    ) -> ConfigFlowResult:
        """Add a strap or a person (a person can always be added, strap or not)."""
        return self.async_show_menu(step_id="user", menu_options=["pick_strap", "person"])

    async def async_step_pick_strap(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick one of the straps seen nearby."""
        errors: dict[str, str] = {}
        if user_input is not None:
            address = user_input[CONF_ADDRESS]
            await self.async_set_unique_id(address, raise_on_progress=False)
            self._abort_if_unique_id_configured()
            info = self._discovered[address]
            if (error := await _async_test_connection(info)) is None:
                return self.async_create_entry(
                    title=_title(info), data={CONF_ENTRY_KIND: KIND_STRAP, CONF_ADDRESS: address}
                )
            errors["base"] = error

        configured = self._async_current_ids(include_ignore=False)
        self._discovered.clear()
        for info in async_discovered_service_info(self.hass, connectable=True):
            if HEART_RATE_SERVICE_UUID in info.service_uuids and info.address not in configured:
                self._discovered[info.address] = info
        if not self._discovered:
            return self.async_abort(reason="no_devices_found")
        return self.async_show_form(
            step_id="pick_strap",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_ADDRESS): vol.In(
                        {a: f"{_title(i)} ({a})" for a, i in self._discovered.items()}
                    )
                }
            ),
            errors=errors,
        )

    # ------------------------------------------------------------------ person profiles

    async def async_step_person(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Name, linked strap, sleep source, targets, work days."""
        return await self._async_person_form("person", user_input, own_entry_id=None)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change every setting of a person profile (a strap has nothing to reconfigure)."""
        entry = self._get_reconfigure_entry()
        if entry_kind(entry) != KIND_PERSON:
            return self.async_abort(reason="reconfigure_strap")
        return await self._async_person_form(
            "reconfigure", user_input, own_entry_id=entry.entry_id, current=entry_values(entry)
        )

    async def _async_person_form(
        self,
        step_id: str,
        user_input: dict[str, Any] | None,
        *,
        own_entry_id: str | None,
        current: dict[str, Any] | None = None,
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        values = dict(current or {})
        if user_input is not None:
            name = str(user_input.get(CONF_NAME, ""))
            if errors := form_errors(self.hass, user_input, own_entry_id=own_entry_id):
                values |= user_input
            else:
                keep = (
                    {CONF_ASLEEP_STATES: values[CONF_ASLEEP_STATES]}
                    if CONF_ASLEEP_STATES in values
                    else {}
                )
                self._person = keep | settings_from_input(user_input)
                self._person[CONF_NAME] = name.strip()
                if needs_states(self._person):
                    return await self.async_step_person_states()
                return await self._async_finish_person()
        return self.async_show_form(
            step_id=step_id, data_schema=person_schema(self.hass, values), errors=errors
        )

    async def async_step_person_states(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The states of a sensor source that mean "asleep"."""
        errors: dict[str, str] = {}
        if user_input is not None:
            states = [s.strip() for s in user_input[CONF_ASLEEP_STATES] if s.strip()]
            if states:
                self._person[CONF_ASLEEP_STATES] = states
                return await self._async_finish_person()
            errors[CONF_ASLEEP_STATES] = "asleep_states_required"
        return self.async_show_form(
            step_id="person_states",
            data_schema=states_schema(self.hass, self._person),
            description_placeholders={"entity": str(self._person[CONF_SLEEP_SOURCE])},
            errors=errors,
        )

    async def _async_finish_person(self) -> ConfigFlowResult:
        name = self._person.pop(CONF_NAME)
        options = settings_from_input(self._person)
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_reload_and_abort(
                self._get_reconfigure_entry(), title=name, options=options
            )
        person_id = uuid.uuid4().hex  # stable for the profile's life: unique_id and device id
        await self.async_set_unique_id(person_id)
        return self.async_create_entry(
            title=name,
            data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: person_id},
            options=options,
        )


class PersonOptionsFlow(OptionsFlow):
    """Change a person's name and settings; the entry reloads with them."""

    def __init__(self) -> None:
        """Start empty; the values are read from the entry."""
        self._values: dict[str, Any] = {}

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The main settings."""
        errors: dict[str, str] = {}
        current = entry_values(self.config_entry)
        if user_input is not None:
            name = str(user_input.get(CONF_NAME, ""))
            own = self.config_entry.entry_id
            errors = form_errors(self.hass, user_input, own_entry_id=own)
            if not errors:
                keep = (
                    {CONF_ASLEEP_STATES: current[CONF_ASLEEP_STATES]}
                    if (CONF_ASLEEP_STATES in current)
                    else {}
                )
                self._values = keep | settings_from_input(user_input)
                self._values[CONF_NAME] = name.strip()
                if needs_states(self._values):
                    return await self.async_step_states()
                return self._async_finish()
            current = {**current, **user_input}
        return self.async_show_form(
            step_id="init", data_schema=person_schema(self.hass, current), errors=errors
        )

    async def async_step_states(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The sensor source's asleep states."""
        errors: dict[str, str] = {}
        if user_input is not None:
            states = [s.strip() for s in user_input[CONF_ASLEEP_STATES] if s.strip()]
            if states:
                self._values[CONF_ASLEEP_STATES] = states
                return self._async_finish()
            errors[CONF_ASLEEP_STATES] = "asleep_states_required"
        return self.async_show_form(
            step_id="states",
            data_schema=states_schema(self.hass, self._values),
            description_placeholders={"entity": str(self._values[CONF_SLEEP_SOURCE])},
            errors=errors,
        )

    def _async_finish(self) -> ConfigFlowResult:
        name = self._values.pop(CONF_NAME)
        options = settings_from_input(self._values)
        if name != self.config_entry.title:
            # Title and options in one update: one reload, with the new options (two updates
            # would start a reload with the old options while the second one is queued).
            self.hass.config_entries.async_update_entry(
                self.config_entry, title=name, options=options
            )
        return self.async_create_entry(data=options)
