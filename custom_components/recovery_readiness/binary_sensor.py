"""Binary sensors of a strap: skin contact and connection."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import person_binary_sensor
from .const import KIND_STRAP
from .coordinator import RecoveryReadinessConfigEntry, StrapCoordinator
from .entity import StrapEntity
from .helpers import entry_kind

PARALLEL_UPDATES = 0  # push: nothing is polled


@dataclass(frozen=True, kw_only=True)
class StrapBinarySensorDescription(BinarySensorEntityDescription):
    """A strap binary sensor: its state and availability from the coordinator."""

    is_on_fn: Callable[[StrapCoordinator], bool | None]
    available_fn: Callable[[StrapCoordinator], bool]


BINARY_SENSORS: tuple[StrapBinarySensorDescription, ...] = (
    StrapBinarySensorDescription(
        key="sensor_contact",
        translation_key="sensor_contact",
        is_on_fn=lambda c: c.data.sensor_contact,
        # Straps without contact sensing (flag bit 2 clear, e.g. Polar H10) never make it
        # available; for the others it follows the stream.
        available_fn=lambda c: c.streaming and c.data.contact_supported,
    ),
    StrapBinarySensorDescription(
        key="connected",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda c: c.connected,
        available_fn=lambda _c: True,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RecoveryReadinessConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the strap's binary sensors."""
    if entry_kind(entry) != KIND_STRAP:  # a person profile: its own platform module
        await person_binary_sensor.async_setup_entry(hass, entry, async_add_entities)
        return
    async_add_entities(
        StrapBinarySensor(entry.runtime_data, description) for description in BINARY_SENSORS
    )


class StrapBinarySensor(StrapEntity, BinarySensorEntity):
    """A binary sensor fed by the strap coordinator."""

    entity_description: StrapBinarySensorDescription

    def __init__(
        self, coordinator: StrapCoordinator, description: StrapBinarySensorDescription
    ) -> None:
        """Create the binary sensor."""
        super().__init__(coordinator, description)

    @property
    def available(self) -> bool:
        """Per description (contact needs a streaming strap that senses contact)."""
        return super().available and self.entity_description.available_fn(self.coordinator)

    @property
    def is_on(self) -> bool | None:
        """Current state; None (unknown) when not known."""
        return self.entity_description.is_on_fn(self.coordinator)
