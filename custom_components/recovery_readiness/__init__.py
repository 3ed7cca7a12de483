"""Recovery Readiness: HRV, sleep and training load from a Bluetooth heart-rate strap."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_ADDRESS, Platform
from homeassistant.core import HomeAssistant

type RecoveryReadinessConfigEntry = ConfigEntry[str]

PLATFORMS: list[Platform] = []


async def async_setup_entry(hass: HomeAssistant, entry: RecoveryReadinessConfigEntry) -> bool:
    """Set up a strap from a config entry."""
    entry.runtime_data = entry.data[CONF_ADDRESS]
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: RecoveryReadinessConfigEntry) -> bool:
    """Unload a config entry."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
