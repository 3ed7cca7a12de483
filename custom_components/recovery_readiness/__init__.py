"""Recovery Readiness: HRV, sleep and training load from a Bluetooth heart-rate strap.

Two kinds of config entry share this domain: a strap (one per Bluetooth address, found by
discovery) and a person profile (sleep, morning measurement, readiness). `entry_kind` tells
them apart; each kind has its own setup module and its own runtime data.
"""

from __future__ import annotations

from homeassistant.components import bluetooth
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN, KIND_PERSON
from .coordinator import RecoveryReadinessConfigEntry, StrapCoordinator
from .helpers import entry_kind
from .person import (
    async_remove_person_entry,
    async_setup_person_entry,
    async_unload_person_entry,
)
from .services import async_setup_services

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
PLATFORMS: list[Platform] = [Platform.BINARY_SENSOR, Platform.SENSOR]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions once, for every entry."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Set up a strap or a person profile."""
    if entry_kind(entry) == KIND_PERSON:
        return await async_setup_person_entry(hass, entry)
    return await _async_setup_strap(hass, entry)


async def _async_setup_strap(hass: HomeAssistant, entry: RecoveryReadinessConfigEntry) -> bool:
    """Set up a strap; it connects in the background whenever it is seen (never blocks)."""
    coordinator = StrapCoordinator(hass, entry)
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    coordinator.async_start()
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Unload a strap or a person profile."""
    if entry_kind(entry) == KIND_PERSON:
        return await async_unload_person_entry(hass, entry)
    return await _async_unload_strap(hass, entry)


async def async_remove_entry(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Delete a removed person profile's stored history (a strap stores nothing)."""
    if entry_kind(entry) == KIND_PERSON:
        await async_remove_person_entry(hass, entry)


async def _async_unload_strap(hass: HomeAssistant, entry: RecoveryReadinessConfigEntry) -> bool:
    """Unload the platforms, then disconnect the strap and let HA rediscover it."""
    if unloaded := await hass.config_entries.async_unload_platforms(entry, PLATFORMS):
        await entry.runtime_data.async_stop()
        bluetooth.async_rediscover_address(hass, entry.runtime_data.address)
    return unloaded
