"""Actions of the integration, registered once in `async_setup` (quality-scale action-setup).

Every action that targets a person profile resolves it with `async_get_person_runtime`, which
raises a translated `ServiceValidationError` for an unknown or unloaded profile; add new
actions (readiness) to `_SERVICES` with their schema and handler.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any, Final

import voluptuous as vol
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from .const import DOMAIN, KIND_PERSON, SERVICE_LOG_SLEEP
from .helpers import entry_kind
from .person import PersonConfigEntry, PersonRuntime, SleepLogError

ATTR_PROFILE: Final = "profile"
ATTR_START: Final = "start"
ATTR_END: Final = "end"

LOG_SLEEP_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_PROFILE): cv.string,
        vol.Required(ATTR_START): cv.datetime,
        vol.Required(ATTR_END): cv.datetime,
    }
)


def async_get_person_runtime(hass: HomeAssistant, entry_id: str) -> PersonRuntime:
    """Return the runtime of a loaded person profile.

    Raises:
        ServiceValidationError: ``profile_not_found`` (no such entry, or not a person profile
            of this integration) or ``profile_not_loaded``.
    """
    entry: PersonConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN or entry_kind(entry) != KIND_PERSON:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="profile_not_found",
            translation_placeholders={"profile": entry_id},
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="profile_not_loaded",
            translation_placeholders={"profile": entry.title},
        )
    return entry.runtime_data


def _local(value: datetime) -> datetime:
    """A datetime without a zone is local time (HA's configured zone)."""
    return dt_util.as_local(value)


async def _async_log_sleep(call: ServiceCall) -> None:
    """Record one sleep episode (phone, bedside button, manual entry)."""
    runtime = async_get_person_runtime(call.hass, call.data[ATTR_PROFILE])
    try:
        await runtime.async_log_sleep(_local(call.data[ATTR_START]), _local(call.data[ATTR_END]))
    except SleepLogError as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=err.key,
            translation_placeholders=err.placeholders,
        ) from err


_SERVICES: Final[
    tuple[tuple[str, vol.Schema, Callable[[ServiceCall], Coroutine[Any, Any, None]]], ...]
] = ((SERVICE_LOG_SLEEP, LOG_SLEEP_SCHEMA, _async_log_sleep),)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
    for name, schema, handler in _SERVICES:
        hass.services.async_register(DOMAIN, name, handler, schema=schema)
