"""Diagnostics: connection state and counters; never raw RR or other health series."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant

from .coordinator import RecoveryReadinessConfigEntry

TO_REDACT = {CONF_ADDRESS, "address", "title", "name", "serial_number"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: RecoveryReadinessConfigEntry
) -> dict[str, Any]:
    """Return redacted entry data, the strap's info, counters and live status."""
    coordinator = entry.runtime_data
    snapshot = coordinator.data
    return async_redact_data(
        {
            "entry": {"title": entry.title, "data": dict(entry.data)},
            "strap": asdict(coordinator.info),
            "stats": asdict(coordinator.stats),
            "status": {
                "connected": coordinator.connected,
                "streaming": coordinator.streaming,
                "contact_supported": snapshot.contact_supported,
                "battery_pct": snapshot.battery_pct,
                "rssi_dbm": snapshot.rssi_dbm,
                "live_rmssd_known": snapshot.rmssd_ms is not None,
            },
        },
        TO_REDACT,
    )
