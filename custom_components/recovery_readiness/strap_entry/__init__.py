"""A strap entry: its coordinator, its entities and its lifecycle.

The coordinator (`coordinator.py`) publishes the live values; `connection.py` decides when to
(re)connect. Person profiles follow a strap through `SIGNAL_STRAP_LOADED`, sent with this
runtime when it starts and with None when it stops.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, Final

from homeassistant.components import bluetooth
from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    PERCENTAGE,
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    EntityCategory,
    Platform,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import CONNECTION_BLUETOOTH, DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.entity import Entity

from ..binary_sensor import RecoveryBinarySensor, RecoveryBinarySensorDescription
from ..const import SIGNAL_STRAP_LOADED
from ..entity import EntityFeed, EntryRuntime
from ..sensor import RecoverySensor, RecoverySensorDescription
from .coordinator import BeatBatch, BeatListener, StrapCoordinator, StrapSnapshot

__all__ = ["BeatBatch", "BeatListener", "StrapCoordinator", "StrapRuntime", "StrapSnapshot"]


def _streaming(s: StrapSnapshot) -> bool:
    return s.streaming


SENSORS: Final[tuple[RecoverySensorDescription[StrapSnapshot], ...]] = (
    RecoverySensorDescription(
        key="heart_rate",
        translation_key="heart_rate",
        native_unit_of_measurement="bpm",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda s: s.hr_bpm,
        available_fn=_streaming,
    ),
    RecoverySensorDescription(
        key="live_rmssd",
        translation_key="live_rmssd",
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda s: s.rmssd_ms,
        available_fn=_streaming,
    ),
    RecoverySensorDescription(
        key="battery",
        device_class=SensorDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda s: s.battery_pct,
        available_fn=lambda s: s.battery_pct is not None,
    ),
    RecoverySensorDescription(
        key="signal_strength",
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.rssi_dbm,
        available_fn=lambda s: s.rssi_dbm is not None,
    ),
)

BINARY_SENSORS: Final[tuple[RecoveryBinarySensorDescription[StrapSnapshot], ...]] = (
    RecoveryBinarySensorDescription(
        key="sensor_contact",
        translation_key="sensor_contact",
        is_on_fn=lambda s: s.sensor_contact,
        # Straps without contact sensing (flag bit 2 clear, e.g. Polar H10) never make it
        # available; for the others it follows the stream.
        available_fn=lambda s: s.streaming and s.contact_supported,
    ),
    RecoveryBinarySensorDescription(
        key="connected",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda s: s.connected,
    ),
)


class StrapRuntime(EntryRuntime):
    """Runtime data of a strap entry."""

    platforms = (Platform.BINARY_SENSOR, Platform.SENSOR)

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Prepare the coordinator; nothing connects before `async_start`."""
        self.hass = hass
        self.entry = entry
        self.coordinator = StrapCoordinator(hass, entry)

    @property
    def address(self) -> str:
        """The strap's Bluetooth address."""
        return self.coordinator.address

    def _feed(self) -> EntityFeed[StrapSnapshot]:
        info = self.coordinator.info
        return EntityFeed(
            coordinator=self.coordinator,
            device_info=DeviceInfo(
                connections={(CONNECTION_BLUETOOTH, self.address)},
                name=self.entry.title,
                manufacturer=info.manufacturer,
                model=info.model,
                sw_version=info.firmware_revision,
                hw_version=info.hardware_revision,
            ),
            unique_id_prefix=self.address,
        )

    def entities(self, platform: Platform) -> Sequence[Entity]:
        """The strap's sensors and binary sensors."""
        feed = self._feed()
        if platform is Platform.SENSOR:
            return [RecoverySensor(feed, d) for d in SENSORS]
        if platform is Platform.BINARY_SENSOR:
            return [RecoveryBinarySensor(feed, d) for d in BINARY_SENSORS]
        return []

    async def async_start(self) -> None:
        """Connect whenever the strap is seen; tell linked profiles it is here."""
        self.coordinator.async_start()
        async_dispatcher_send(self.hass, SIGNAL_STRAP_LOADED, self.entry.entry_id, self)

    async def async_stop(self) -> None:
        """Tell linked profiles it is gone, disconnect, let HA rediscover it."""
        async_dispatcher_send(self.hass, SIGNAL_STRAP_LOADED, self.entry.entry_id, None)
        await self.coordinator.async_stop()
        bluetooth.async_rediscover_address(self.hass, self.address)

    def diagnostics(self) -> dict[str, Any]:
        """Identity, Device Information, counters and live status; never RR values."""
        coordinator = self.coordinator
        snapshot = coordinator.data
        return {
            "entry": {"title": self.entry.title, "data": dict(self.entry.data)},
            "strap": asdict(coordinator.info),
            "stats": asdict(coordinator.stats),
            "status": {
                "connected": coordinator.connected,
                "streaming": coordinator.streaming,
                "contact_supported": snapshot.contact_supported,
                "battery_pct": snapshot.battery_pct,
                "rssi_dbm": snapshot.rssi_dbm,
                "live_rmssd_known": snapshot.rmssd_ms is not None,
            },
        }
