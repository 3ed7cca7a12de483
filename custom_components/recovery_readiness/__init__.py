"""Recovery Readiness: HRV, sleep and training load from a Bluetooth heart-rate strap."""

from __future__ import annotations

from homeassistant.components import bluetooth
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

from .coordinator import RecoveryReadinessConfigEntry, StrapCoordinator

PLATFORMS: list[Platform] = [Platform.BINARY_SENSOR, Platform.SENSOR]


async def async_setup_entry(hass: HomeAssistant, entry: RecoveryReadinessConfigEntry) -> bool:
    """Set up a strap; it connects in the background whenever it is seen (never blocks)."""
    coordinator = StrapCoordinator(hass, entry)
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    coordinator.async_start()
    return True


async def async_unload_entry(hass: HomeAssistant, entry: RecoveryReadinessConfigEntry) -> bool:
    """Unload the platforms, then disconnect the strap and let HA rediscover it."""
    if unloaded := await hass.config_entries.async_unload_platforms(entry, PLATFORMS):
        await entry.runtime_data.async_stop()
        bluetooth.async_rediscover_address(hass, entry.runtime_data.address)
    return unloaded
