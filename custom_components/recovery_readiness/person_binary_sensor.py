"""Binary sensors of a person profile: in bed, bedtime window."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import readiness_binary_sensor
from .person import PersonRuntime, PersonSnapshot
from .person_entity import PersonEntity

PARALLEL_UPDATES = 0  # push: nothing is polled


def _window_attributes(snapshot: PersonSnapshot) -> Mapping[str, Any] | None:
    window = snapshot.window
    if window is None:
        return None
    return {
        "night_of": window.night_of.isoformat(),
        "recommended_bedtime": window.bedtime.isoformat(),
        "window_start": window.start.isoformat(),
        "window_end": window.end.isoformat(),
    }


def _in_bed_attributes(snapshot: PersonSnapshot) -> Mapping[str, Any] | None:
    if snapshot.in_bed_since is None:
        return None
    return {"since": snapshot.in_bed_since.isoformat()}


@dataclass(frozen=True, kw_only=True)
class PersonBinarySensorDescription(BinarySensorEntityDescription):
    """A person binary sensor: its state and attributes from the snapshot."""

    is_on_fn: Callable[[PersonSnapshot], bool | None]
    attributes_fn: Callable[[PersonSnapshot], Mapping[str, Any] | None]


BINARY_SENSORS: tuple[PersonBinarySensorDescription, ...] = (
    PersonBinarySensorDescription(
        key="in_bed",
        translation_key="in_bed",
        is_on_fn=lambda s: s.in_bed,
        attributes_fn=_in_bed_attributes,
    ),
    PersonBinarySensorDescription(
        key="bedtime_window",
        translation_key="bedtime_window",
        is_on_fn=lambda s: s.window_on,
        attributes_fn=_window_attributes,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a person's binary sensors (forwarded from binary_sensor.py for person entries)."""
    runtime: PersonRuntime = entry.runtime_data
    async_add_entities(PersonBinarySensor(runtime, description) for description in BINARY_SENSORS)
    await readiness_binary_sensor.async_setup_entry(hass, runtime.readiness, async_add_entities)


class PersonBinarySensor(PersonEntity, BinarySensorEntity):
    """A binary sensor fed by the person's snapshot."""

    entity_description: PersonBinarySensorDescription

    def __init__(self, runtime: PersonRuntime, description: PersonBinarySensorDescription) -> None:
        """Create the binary sensor."""
        super().__init__(runtime, description)

    @property
    def is_on(self) -> bool | None:
        """Current state; None (unknown) when not known (in bed without a source entity)."""
        return self.entity_description.is_on_fn(self.coordinator.data)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Since when in bed; the window's night, bedtime, start and end."""
        return self.entity_description.attributes_fn(self.coordinator.data)
