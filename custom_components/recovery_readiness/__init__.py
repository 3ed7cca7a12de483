"""Recovery Readiness: HRV, sleep and training load from a Bluetooth heart-rate strap.

Two kinds of config entry share this domain: a strap (one per Bluetooth address, found by
discovery; `strap_entry`) and a person profile (sleep, morning measurement, readiness;
`profile`). Each kind has its own runtime data (`entity.EntryRuntime`), which says which
platforms it forwards to and builds their entities.
"""

from __future__ import annotations

from typing import Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .card import async_register_card
from .const import CONF_ENTRY_KIND, DOMAIN, KIND_PERSON, LOGGER, entry_kind
from .entity import EntryRuntime, RecoveryReadinessConfigEntry
from .profile import ProfileRuntime
from .services import async_setup_services
from .strap_entry import StrapRuntime
from .voice import async_setup_voice
from .websocket import async_setup_websocket

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
ENTRY_MINOR_VERSION: Final = 2
"""1.2 writes the kind into every entry (1.1 strap entries had none)."""


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions, voice sentences, websocket commands and the card once."""
    async_setup_services(hass)
    async_setup_voice(hass)
    async_setup_websocket(hass)
    await async_register_card(hass)
    return True


async def _async_runtime(hass: HomeAssistant, entry: ConfigEntry) -> EntryRuntime:
    if entry_kind(entry) == KIND_PERSON:
        profile = ProfileRuntime(hass, entry)
        await profile.async_load()
        return profile
    return StrapRuntime(hass, entry)


async def async_setup_entry(hass: HomeAssistant, entry: RecoveryReadinessConfigEntry) -> bool:
    """Build the entry's runtime, set up its platforms, then start it."""
    runtime = await _async_runtime(hass, entry)
    entry.runtime_data = runtime
    await hass.config_entries.async_forward_entry_setups(entry, runtime.platforms)
    try:
        await runtime.async_start()
    except BaseException:
        await runtime.async_stop()  # its timers must not outlive a failed setup
        raise
    return True


async def async_unload_entry(hass: HomeAssistant, entry: RecoveryReadinessConfigEntry) -> bool:
    """Unload the platforms, then stop the runtime."""
    runtime = entry.runtime_data
    if unloaded := await hass.config_entries.async_unload_platforms(entry, runtime.platforms):
        await runtime.async_stop()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Delete a removed person profile's stored history (a strap stores nothing)."""
    if entry_kind(entry) == KIND_PERSON:
        await ProfileRuntime.async_remove(hass, entry)


async def async_migrate_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """1.1 → 1.2: write the kind into strap entries (person entries always had it)."""
    if entry.version > 1:
        return False  # a newer release's entry: refuse rather than guess
    if entry.minor_version < ENTRY_MINOR_VERSION:
        data = {CONF_ENTRY_KIND: entry_kind(entry)} | dict(entry.data)
        hass.config_entries.async_update_entry(entry, data=data, minor_version=ENTRY_MINOR_VERSION)
        LOGGER.debug("%s: migrated to 1.%d", entry.title, ENTRY_MINOR_VERSION)
    return True
