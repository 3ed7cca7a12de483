"""Sensors of a strap: heart rate, live RMSSD, battery, signal strength."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    EntityCategory,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import person_sensor
from .const import KIND_STRAP
from .coordinator import RecoveryReadinessConfigEntry, StrapCoordinator, StrapSnapshot
from .entity import StrapEntity
from .helpers import entry_kind

PARALLEL_UPDATES = 0  # push: nothing is polled


@dataclass(frozen=True, kw_only=True)
class StrapSensorDescription(SensorEntityDescription):
    """A strap sensor: how to read its value from the snapshot."""

    value_fn: Callable[[StrapSnapshot], float | int | None]
    live: bool = True
    """Available only while the strap streams (else: while the value is known)."""


SENSORS: tuple[StrapSensorDescription, ...] = (
    StrapSensorDescription(
        key="heart_rate",
        translation_key="heart_rate",
        native_unit_of_measurement="bpm",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda s: s.hr_bpm,
    ),
    StrapSensorDescription(
        key="live_rmssd",
        translation_key="live_rmssd",
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda s: s.rmssd_ms,
    ),
    StrapSensorDescription(
        key="battery",
        device_class=SensorDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda s: s.battery_pct,
        live=False,
    ),
    StrapSensorDescription(
        key="signal_strength",
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.rssi_dbm,
        live=False,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RecoveryReadinessConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the strap's sensors."""
    if entry_kind(entry) != KIND_STRAP:  # a person profile: its own platform module
        await person_sensor.async_setup_entry(hass, entry, async_add_entities)
        return
    async_add_entities(StrapSensor(entry.runtime_data, description) for description in SENSORS)


class StrapSensor(StrapEntity, SensorEntity):
    """A sensor fed by the strap's snapshot."""

    entity_description: StrapSensorDescription

    def __init__(self, coordinator: StrapCoordinator, description: StrapSensorDescription) -> None:
        """Create the sensor."""
        super().__init__(coordinator, description)

    @property
    def available(self) -> bool:
        """Live values need a streaming strap; the others need a known value."""
        if self.entity_description.live:
            return super().available and self.coordinator.streaming
        return super().available and self.native_value is not None

    @property
    def native_value(self) -> float | int | None:
        """The value from the latest snapshot; None (unknown) when there is none."""
        return self.entity_description.value_fn(self.coordinator.data)
