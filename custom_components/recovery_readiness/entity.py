"""The one base entity, where entities read from, and what every entry's runtime data offers.

Both kinds of entry (a strap, a person profile) keep an `EntryRuntime` in ``runtime_data``. It
says which platforms it has and builds their entities from its own descriptions, so the platform
modules never ask which kind an entry is. Every entity reads a frozen snapshot from a push
coordinator through `EntityFeed`; unique_id = the device's stable id + the description key.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity, DataUpdateCoordinator


@dataclass(frozen=True, slots=True, kw_only=True)
class EntityFeed[DataT]:
    """Where one device's entities read from.

    Attributes:
        coordinator: the push coordinator whose ``data`` (a frozen snapshot) they show.
        device_info: the device they belong to.
        unique_id_prefix: the device's stable id (strap address, person id).
    """

    coordinator: DataUpdateCoordinator[DataT]
    device_info: DeviceInfo
    unique_id_prefix: str


class RecoveryEntity[DataT](CoordinatorEntity[DataUpdateCoordinator[DataT]]):
    """An entity of a strap or a person; its description says how to read the snapshot."""

    _attr_has_entity_name = True

    def __init__(self, feed: EntityFeed[DataT], description: EntityDescription) -> None:
        """Bind the entity to its device and its snapshot."""
        super().__init__(feed.coordinator)
        self.entity_description = description
        self._attr_unique_id = f"{feed.unique_id_prefix}_{description.key}"
        self._attr_device_info = feed.device_info


class EntryRuntime(ABC):
    """The runtime data of one config entry, whatever its kind."""

    platforms: tuple[Platform, ...] = ()
    """The platforms this kind of entry forwards to."""

    @abstractmethod
    def entities(self, platform: Platform) -> Sequence[Entity]:
        """This entry's entities of one platform."""

    @abstractmethod
    async def async_start(self) -> None:
        """Start after the platforms are set up (connect, follow sources, schedule)."""

    @abstractmethod
    async def async_stop(self) -> None:
        """Stop at unload: cancel timers, disconnect, save."""

    @abstractmethod
    def diagnostics(self) -> dict[str, Any]:
        """Diagnostics of this entry (redacted by the caller; never health series)."""


type RecoveryReadinessConfigEntry = ConfigEntry[EntryRuntime]
