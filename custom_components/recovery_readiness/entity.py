"""Base entity of the strap device."""

from __future__ import annotations

from homeassistant.helpers.device_registry import CONNECTION_BLUETOOTH, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .coordinator import StrapCoordinator


class StrapEntity(CoordinatorEntity[StrapCoordinator]):
    """An entity of one strap; unique_id = address + description key."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: StrapCoordinator, description: EntityDescription) -> None:
        """Bind the entity to its strap's device."""
        super().__init__(coordinator)
        self.entity_description = description
        self._attr_unique_id = f"{coordinator.address}_{description.key}"
        info = coordinator.info
        self._attr_device_info = DeviceInfo(
            connections={(CONNECTION_BLUETOOTH, coordinator.address)},
            name=coordinator.config_entry.title,
            manufacturer=info.manufacturer,
            model=info.model,
            sw_version=info.firmware_revision,
            hw_version=info.hardware_revision,
        )
