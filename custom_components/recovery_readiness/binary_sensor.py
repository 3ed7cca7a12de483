"""Binary sensors of straps and person profiles; descriptions come from each entry's runtime."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import RecoveryEntity, RecoveryReadinessConfigEntry
from .sensor import always_available, no_attributes

PARALLEL_UPDATES = 0  # push: nothing is polled


@dataclass(frozen=True, kw_only=True)
class RecoveryBinarySensorDescription[DataT](BinarySensorEntityDescription):
    """A binary sensor: its state, attributes and availability from a snapshot."""

    is_on_fn: Callable[[DataT], bool | None]
    attrs_fn: Callable[[DataT], Mapping[str, Any] | None] = no_attributes
    available_fn: Callable[[DataT], bool] = always_available


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RecoveryReadinessConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entry's binary sensors."""
    async_add_entities(entry.runtime_data.entities(Platform.BINARY_SENSOR))


class RecoveryBinarySensor[DataT](RecoveryEntity[DataT], BinarySensorEntity):
    """A binary sensor fed by a snapshot."""

    entity_description: RecoveryBinarySensorDescription[DataT]

    @property
    def available(self) -> bool:
        """The coordinator is up and the description's condition holds."""
        return super().available and self.entity_description.available_fn(self.coordinator.data)

    @property
    def is_on(self) -> bool | None:
        """Current state; None (unknown) when not known."""
        return self.entity_description.is_on_fn(self.coordinator.data)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Context for the state, where the description has it."""
        return self.entity_description.attrs_fn(self.coordinator.data)
