"""Diagnostics: connection and profile state with counts; never raw RR or other health series.

Each entry's runtime says what it has (`EntryRuntime.diagnostics`); identities and linked
entities are redacted here.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant

from .const import CONF_SLEEP_SOURCE
from .entity import RecoveryReadinessConfigEntry

TO_REDACT = {CONF_ADDRESS, "address", "title", "name", "serial_number", CONF_SLEEP_SOURCE}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: RecoveryReadinessConfigEntry
) -> dict[str, Any]:
    """Return the diagnostics of a strap or a person profile."""
    return async_redact_data(entry.runtime_data.diagnostics(), TO_REDACT)
