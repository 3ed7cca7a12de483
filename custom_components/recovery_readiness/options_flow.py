"""Person profile forms, shared by the config flow (add, reconfigure) and the options flow.

Settings are kept in the entry's options; the name is the entry's title (and the device name).
A `sensor` source gets a second step for its "asleep" states.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigEntry, ConfigFlowResult, OptionsFlow
from homeassistant.core import HomeAssistant, split_entity_id
from homeassistant.helpers import selector

from .const import (
    CONF_ASLEEP_STATES,
    CONF_MEASUREMENT_DURATION_S,
    CONF_MERGE_GAP_MIN,
    CONF_MIN_NIGHT_SLEEP_MIN,
    CONF_MORNING_END,
    CONF_MORNING_START,
    CONF_NAME,
    CONF_REMINDER_LEAD_MIN,
    CONF_SLEEP_SOURCE,
    CONF_STRAP_ENTRY_ID,
    CONF_TARGET_SLEEP_H,
    CONF_TARGET_WAKE_TIME,
    CONF_WORK_DAYS,
    DEFAULT_ASLEEP_STATES,
    DEFAULT_MEASUREMENT_DURATION_S,
    DEFAULT_MERGE_GAP_MIN,
    DEFAULT_MIN_NIGHT_SLEEP_MIN,
    DEFAULT_MORNING_END,
    DEFAULT_MORNING_START,
    DEFAULT_REMINDER_LEAD_MIN,
    DEFAULT_TARGET_SLEEP_H,
    DEFAULT_WORK_DAYS,
    DOMAIN,
    KIND_PERSON,
    KIND_STRAP,
    WEEKDAYS,
)
from .helpers import entry_kind

SETTINGS_KEYS = (
    CONF_STRAP_ENTRY_ID,
    CONF_SLEEP_SOURCE,
    CONF_ASLEEP_STATES,
    CONF_TARGET_SLEEP_H,
    CONF_TARGET_WAKE_TIME,
    CONF_REMINDER_LEAD_MIN,
    CONF_WORK_DAYS,
    CONF_MERGE_GAP_MIN,
    CONF_MIN_NIGHT_SLEEP_MIN,
    CONF_MORNING_START,
    CONF_MORNING_END,
    CONF_MEASUREMENT_DURATION_S,
)
"""Keys stored in a person entry's options."""


def _number(minimum: float, maximum: float, step: float, unit: str) -> selector.NumberSelector:
    return selector.NumberSelector(
        selector.NumberSelectorConfig(
            min=minimum,
            max=maximum,
            step=step,
            unit_of_measurement=unit,
            mode=selector.NumberSelectorMode.BOX,
        )
    )


def _strap_options(hass: HomeAssistant) -> list[selector.SelectOptionDict]:
    return [
        selector.SelectOptionDict(value=entry.entry_id, label=entry.title)
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry_kind(entry) == KIND_STRAP
    ]


def person_schema(hass: HomeAssistant, current: Mapping[str, Any]) -> vol.Schema:
    """The main person form, prefilled with ``current`` (defaults for a new person)."""
    fields: dict[vol.Marker, Any] = {
        vol.Required(CONF_NAME, default=current.get(CONF_NAME, vol.UNDEFINED)): (
            selector.TextSelector()
        )
    }
    straps = _strap_options(hass)
    if straps:
        linked = current.get(CONF_STRAP_ENTRY_ID)
        known = linked in {o["value"] for o in straps}
        fields[
            vol.Optional(
                CONF_STRAP_ENTRY_ID, description={"suggested_value": linked if known else None}
            )
        ] = selector.SelectSelector(
            selector.SelectSelectorConfig(options=straps, mode=selector.SelectSelectorMode.DROPDOWN)
        )
    fields[
        vol.Optional(
            CONF_SLEEP_SOURCE, description={"suggested_value": current.get(CONF_SLEEP_SOURCE)}
        )
    ] = selector.EntitySelector(selector.EntitySelectorConfig(domain=["binary_sensor", "sensor"]))
    fields[
        vol.Required(
            CONF_TARGET_SLEEP_H, default=current.get(CONF_TARGET_SLEEP_H, DEFAULT_TARGET_SLEEP_H)
        )
    ] = _number(4, 12, 0.25, "h")
    fields[
        vol.Optional(
            CONF_TARGET_WAKE_TIME,
            description={"suggested_value": current.get(CONF_TARGET_WAKE_TIME)},
        )
    ] = selector.TimeSelector()
    fields[
        vol.Required(
            CONF_REMINDER_LEAD_MIN,
            default=current.get(CONF_REMINDER_LEAD_MIN, DEFAULT_REMINDER_LEAD_MIN),
        )
    ] = _number(0, 180, 5, "min")
    fields[
        vol.Required(CONF_WORK_DAYS, default=list(current.get(CONF_WORK_DAYS, DEFAULT_WORK_DAYS)))
    ] = selector.SelectSelector(
        selector.SelectSelectorConfig(
            options=list(WEEKDAYS),
            multiple=True,
            mode=selector.SelectSelectorMode.LIST,
            translation_key="weekday",
        )
    )
    fields[
        vol.Required(
            CONF_MERGE_GAP_MIN, default=current.get(CONF_MERGE_GAP_MIN, DEFAULT_MERGE_GAP_MIN)
        )
    ] = _number(0, 120, 1, "min")
    fields[
        vol.Required(
            CONF_MIN_NIGHT_SLEEP_MIN,
            default=current.get(CONF_MIN_NIGHT_SLEEP_MIN, DEFAULT_MIN_NIGHT_SLEEP_MIN),
        )
    ] = _number(0, 360, 5, "min")
    fields[
        vol.Required(
            CONF_MORNING_START, default=current.get(CONF_MORNING_START, DEFAULT_MORNING_START)
        )
    ] = selector.TimeSelector()
    fields[
        vol.Required(CONF_MORNING_END, default=current.get(CONF_MORNING_END, DEFAULT_MORNING_END))
    ] = selector.TimeSelector()
    fields[
        vol.Required(
            CONF_MEASUREMENT_DURATION_S,
            default=current.get(CONF_MEASUREMENT_DURATION_S, DEFAULT_MEASUREMENT_DURATION_S),
        )
    ] = _number(60, 300, 30, "s")
    return vol.Schema(fields)


def states_schema(hass: HomeAssistant, current: Mapping[str, Any]) -> vol.Schema:
    """The "asleep states" form for a sensor source."""
    chosen = list(current.get(CONF_ASLEEP_STATES, DEFAULT_ASLEEP_STATES))
    options = list(dict.fromkeys([*DEFAULT_ASLEEP_STATES, *chosen]))
    if (state := hass.states.get(str(current.get(CONF_SLEEP_SOURCE)))) is not None:
        options = list(dict.fromkeys([*options, state.state]))
    return vol.Schema(
        {
            vol.Required(CONF_ASLEEP_STATES, default=chosen): selector.SelectSelector(
                selector.SelectSelectorConfig(
                    options=options,
                    multiple=True,
                    custom_value=True,
                    mode=selector.SelectSelectorMode.DROPDOWN,
                )
            )
        }
    )


def needs_states(settings: Mapping[str, Any]) -> bool:
    """A `sensor` source needs its asleep states (a `binary_sensor` is on while in bed)."""
    source = settings.get(CONF_SLEEP_SOURCE)
    return bool(source) and split_entity_id(str(source))[0] == "sensor"


def name_error(hass: HomeAssistant, name: str, *, own_entry_id: str | None = None) -> str | None:
    """Return an error key for an empty name or one another person already has."""
    if not name.strip():
        return "name_required"
    for entry in hass.config_entries.async_entries(DOMAIN):
        if (
            entry_kind(entry) == KIND_PERSON
            and entry.entry_id != own_entry_id
            and entry.title.casefold() == name.strip().casefold()
        ):
            return "name_exists"
    return None


def form_errors(
    hass: HomeAssistant, user_input: Mapping[str, Any], *, own_entry_id: str | None = None
) -> dict[str, str]:
    """Field errors of the person form: the name, and a morning window that ends before it starts.

    The morning window must not wrap past midnight: each measurement is assigned to the local
    date it was taken on, and a window across midnight would span two dates.
    """
    errors: dict[str, str] = {}
    name = str(user_input.get(CONF_NAME, ""))
    if (error := name_error(hass, name, own_entry_id=own_entry_id)) is not None:
        errors[CONF_NAME] = error
    start = str(user_input.get(CONF_MORNING_START, DEFAULT_MORNING_START))
    end = str(user_input.get(CONF_MORNING_END, DEFAULT_MORNING_END))
    if time.fromisoformat(start) >= time.fromisoformat(end):
        errors[CONF_MORNING_END] = "morning_window_order"
    return errors


def settings_from_input(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Keep the settings keys of a submitted form (optional fields left empty are dropped)."""
    return {k: user_input[k] for k in SETTINGS_KEYS if user_input.get(k) not in (None, "")}


def entry_values(entry: ConfigEntry) -> dict[str, Any]:
    """An entry's name and settings, to prefill a form."""
    return {CONF_NAME: entry.title, **entry.options}


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
        if name != self.config_entry.title:
            self.hass.config_entries.async_update_entry(self.config_entry, title=name)
        return self.async_create_entry(data=settings_from_input(self._values))
