"""Base entity of a person's readiness values (same device as the person's sleep entities)."""

from __future__ import annotations

from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .person_entity import person_device_info
from .readiness_manager import ReadinessManager


class ReadinessEntity(CoordinatorEntity[ReadinessManager]):
    """An entity fed by a person's `ReadinessManager`; unique_id = person id + key."""

    _attr_has_entity_name = True

    def __init__(self, manager: ReadinessManager, description: EntityDescription) -> None:
        """Bind the entity to the person's device."""
        super().__init__(manager)
        self.entity_description = description
        settings = manager.person.settings
        self._attr_unique_id = f"{settings.person_id}_{description.key}"
        self._attr_device_info = person_device_info(settings)
