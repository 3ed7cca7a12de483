"""Button of a person profile: start the morning measurement now."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import KIND_PERSON
from .helpers import entry_kind
from .readiness_entity import ReadinessEntity

PARALLEL_UPDATES = 0

START_MEASUREMENT = ButtonEntityDescription(
    key="start_measurement", translation_key="start_measurement"
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the start-measurement button to person profiles."""
    if entry_kind(entry) != KIND_PERSON:
        return
    async_add_entities([StartMeasurementButton(entry.runtime_data.readiness, START_MEASUREMENT)])


class StartMeasurementButton(ReadinessEntity, ButtonEntity):
    """Starts a measurement; it waits for the strap's skin contact if needed."""

    async def async_press(self) -> None:
        """Start (or restart) the morning measurement."""
        self.coordinator.async_start_measurement("button")
