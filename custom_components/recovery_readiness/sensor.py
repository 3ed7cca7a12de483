"""Sensors of straps and person profiles; their descriptions come from each entry's runtime."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import RecoveryEntity, RecoveryReadinessConfigEntry

PARALLEL_UPDATES = 0  # push: nothing is polled

type SensorValue = float | int | str | datetime | None


def no_attributes(_data: object) -> None:
    """Descriptions without extra state attributes."""


def always_available(_data: object) -> bool:
    """Descriptions whose entity is available whenever its coordinator is."""
    return True


@dataclass(frozen=True, kw_only=True)
class RecoverySensorDescription[DataT](SensorEntityDescription):
    """A sensor: its value, attributes and availability from a snapshot."""

    value_fn: Callable[[DataT], SensorValue]
    attrs_fn: Callable[[DataT], Mapping[str, Any] | None] = no_attributes
    available_fn: Callable[[DataT], bool] = always_available
    unrecorded_attributes: frozenset[str] = frozenset()
    """Attributes kept out of the recorder (values that change every few seconds)."""


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RecoveryReadinessConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entry's sensors."""
    async_add_entities(entry.runtime_data.entities(Platform.SENSOR))


class RecoverySensor[DataT](RecoveryEntity[DataT], SensorEntity):
    """A sensor fed by a snapshot."""

    entity_description: RecoverySensorDescription[DataT]

    async def async_internal_added_to_hass(self) -> None:
        """Also keep the description's fast-changing attributes out of the recorder."""
        await super().async_internal_added_to_hass()
        if extra := self.entity_description.unrecorded_attributes:
            self._state_info = {
                "unrecorded_attributes": self._state_info["unrecorded_attributes"] | extra
            }

    @property
    def available(self) -> bool:
        """The coordinator is up and the description's condition holds."""
        return super().available and self.entity_description.available_fn(self.coordinator.data)

    @property
    def native_value(self) -> SensorValue:
        """The value; None (unknown) when it cannot be known yet."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Context for the value, where the description has it."""
        return self.entity_description.attrs_fn(self.coordinator.data)
