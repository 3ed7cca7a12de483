"""Base entity of a person profile's device."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .person import PersonRuntime, PersonSettings


def person_device_info(settings: PersonSettings) -> DeviceInfo:
    """The person's device: a service device named after the person (sleep and readiness)."""
    return DeviceInfo(
        identifiers={(DOMAIN, settings.person_id)},
        name=settings.name,
        entry_type=DeviceEntryType.SERVICE,
    )


class PersonEntity(CoordinatorEntity[PersonRuntime]):
    """An entity of one person; unique_id = person id + description key."""

    _attr_has_entity_name = True

    def __init__(self, runtime: PersonRuntime, description: EntityDescription) -> None:
        """Bind the entity to the person's device (a service device named after the person)."""
        super().__init__(runtime)
        self.entity_description = description
        self._attr_unique_id = f"{runtime.settings.person_id}_{description.key}"
        self._attr_device_info = person_device_info(runtime.settings)
