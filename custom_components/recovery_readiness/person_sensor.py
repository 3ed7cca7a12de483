"""Sensors of a person profile: last night, averages, debt, regularity, bedtimes, naps."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import readiness_sensor
from .person import PersonRuntime, PersonSnapshot
from .person_entity import PersonEntity
from .physiology.sleep import Nap

PARALLEL_UPDATES = 0  # push: nothing is polled

NAP_RATINGS: Final = ("short", "sweet_spot", "long")
"""Enum states of the last-nap rating: below, inside, above the 20-40 min sweet spot."""


def _nap_rating(nap: Nap | None) -> str | None:
    if nap is None:
        return None
    if nap.sweet_spot:
        return "sweet_spot"
    return "short" if nap.duration_min < 30.0 else "long"  # noqa: PLR2004  (sweet-spot middle)


def _nap_attributes(snapshot: PersonSnapshot) -> Mapping[str, Any] | None:
    nap = snapshot.last_nap
    if nap is None:
        return None
    return {
        "start": nap.start.isoformat(),
        "end": nap.end.isoformat(),
        "sweet_spot": nap.sweet_spot,
    }


def _last_night_attributes(snapshot: PersonSnapshot) -> Mapping[str, Any] | None:
    night = snapshot.last_night
    if night is None:
        return None
    return {
        "night_of": night.night_of.isoformat(),
        "time_in_bed_h": round(night.time_in_bed_h, 2),
        "awakenings": night.awakenings,
        "work_night": night.work_night,
    }


@dataclass(frozen=True, kw_only=True)
class PersonSensorDescription(SensorEntityDescription):
    """A person sensor: how to read its value (and attributes) from the snapshot."""

    value_fn: Callable[[PersonSnapshot], float | str | datetime | None]
    attributes_fn: Callable[[PersonSnapshot], Mapping[str, Any] | None] = lambda _s: None


def _hours(**kwargs: Any) -> dict[str, Any]:
    return {
        "device_class": SensorDeviceClass.DURATION,
        "native_unit_of_measurement": UnitOfTime.HOURS,
        "state_class": SensorStateClass.MEASUREMENT,
        "suggested_display_precision": 2,
    } | kwargs


def _minutes(**kwargs: Any) -> dict[str, Any]:
    return {
        "device_class": SensorDeviceClass.DURATION,
        "native_unit_of_measurement": UnitOfTime.MINUTES,
        "state_class": SensorStateClass.MEASUREMENT,
        "suggested_display_precision": 0,
    } | kwargs


def _clock(snapshot: PersonSnapshot, field: str) -> str | None:
    summary = snapshot.summary
    value = None if summary is None else getattr(summary, field)
    return None if value is None else value.strftime("%H:%M")


SENSORS: tuple[PersonSensorDescription, ...] = (
    PersonSensorDescription(
        key="last_sleep_duration",
        translation_key="last_sleep_duration",
        value_fn=lambda s: None if s.last_night is None else s.last_night.duration_h,
        attributes_fn=_last_night_attributes,
        **_hours(),
    ),
    PersonSensorDescription(
        key="last_bedtime",
        translation_key="last_bedtime",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda s: None if s.last_night is None else s.last_night.bedtime,
    ),
    PersonSensorDescription(
        key="last_wake_time",
        translation_key="last_wake_time",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda s: None if s.last_night is None else s.last_night.wake_time,
    ),
    PersonSensorDescription(
        key="average_sleep_duration",
        translation_key="average_sleep_duration",
        value_fn=lambda s: s.average_sleep_h,
        **_hours(),
    ),
    PersonSensorDescription(
        key="sleep_debt",
        translation_key="sleep_debt",
        value_fn=lambda s: s.sleep_debt_h,
        **_hours(),
    ),
    PersonSensorDescription(
        key="sleep_regularity_index",
        translation_key="sleep_regularity_index",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda s: None if s.summary is None else s.summary.sri,
    ),
    PersonSensorDescription(
        key="bedtime_variability",
        translation_key="bedtime_variability",
        value_fn=lambda s: None if s.summary is None else s.summary.bedtime_sd_min,
        **_minutes(),
    ),
    PersonSensorDescription(
        key="wake_time_variability",
        translation_key="wake_time_variability",
        value_fn=lambda s: None if s.summary is None else s.summary.wake_time_sd_min,
        **_minutes(),
    ),
    PersonSensorDescription(
        key="social_jetlag",
        translation_key="social_jetlag",
        value_fn=lambda s: None if s.summary is None else s.summary.social_jetlag_h,
        **_hours(),
    ),
    PersonSensorDescription(
        key="usual_bedtime",
        translation_key="usual_bedtime",
        value_fn=lambda s: _clock(s, "usual_bedtime"),
    ),
    PersonSensorDescription(
        key="usual_wake_time",
        translation_key="usual_wake_time",
        value_fn=lambda s: _clock(s, "usual_wake_time"),
    ),
    PersonSensorDescription(
        key="recommended_bedtime",
        translation_key="recommended_bedtime",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda s: s.recommended_bedtime,
    ),
    PersonSensorDescription(
        key="last_nap",
        translation_key="last_nap",
        value_fn=lambda s: None if s.last_nap is None else s.last_nap.duration_min,
        attributes_fn=_nap_attributes,
        **_minutes(),
    ),
    PersonSensorDescription(
        key="last_nap_rating",
        translation_key="last_nap_rating",
        device_class=SensorDeviceClass.ENUM,
        options=list(NAP_RATINGS),
        value_fn=lambda s: _nap_rating(s.last_nap),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a person's sensors (forwarded from sensor.py for person entries)."""
    runtime: PersonRuntime = entry.runtime_data
    async_add_entities(PersonSensor(runtime, description) for description in SENSORS)
    await readiness_sensor.async_setup_entry(hass, runtime.readiness, async_add_entities)


class PersonSensor(PersonEntity, SensorEntity):
    """A sensor fed by the person's snapshot."""

    entity_description: PersonSensorDescription

    def __init__(self, runtime: PersonRuntime, description: PersonSensorDescription) -> None:
        """Create the sensor."""
        super().__init__(runtime, description)

    @property
    def native_value(self) -> float | str | datetime | None:
        """The value from the latest snapshot; None (unknown) when there is none."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Details of the last night or nap, where the description has them."""
        return self.entity_description.attributes_fn(self.coordinator.data)
