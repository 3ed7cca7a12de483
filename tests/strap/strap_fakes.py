"""A fake bleak client standing in for `BleakClientWithServiceCache` (no radio, no BlueZ)."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bleak.backends.device import BLEDevice
from bleak.exc import BleakError
from strap.const import (
    BATTERY_LEVEL_UUID,
    BODY_SENSOR_LOCATION_UUID,
    FIRMWARE_REVISION_UUID,
    HARDWARE_REVISION_UUID,
    HEART_RATE_MEASUREMENT_UUID,
    MANUFACTURER_NAME_UUID,
    MODEL_NUMBER_UUID,
    SERIAL_NUMBER_UUID,
    SOFTWARE_REVISION_UUID,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

ADDRESS = "C0:11:22:33:44:55"
NAME = "Polar H10 0A1B2C3D"


def make_ble_device(address: str = ADDRESS, name: str | None = NAME) -> BLEDevice:
    """Build a BLEDevice on bleak 0.22 (rssi required) and bleak >= 1 (rssi deprecated)."""
    if "rssi" in inspect.signature(BLEDevice.__init__).parameters:
        return BLEDevice(address, name, {}, -60)  # type: ignore[call-arg]
    return BLEDevice(address, name, {})


@dataclass
class FakeChar:
    uuid: str
    properties: list[str]


@dataclass
class Profile:
    """What the fake strap exposes: characteristic values, properties and failures."""

    values: dict[str, bytes | Exception] = field(
        default_factory=lambda: {
            MANUFACTURER_NAME_UUID: b"Polar Electro Oy",
            MODEL_NUMBER_UUID: b"H10\x00",
            SERIAL_NUMBER_UUID: b"0A1B2C3D",
            FIRMWARE_REVISION_UUID: b"3.1.1",
            HARDWARE_REVISION_UUID: b"39044024.10",
            SOFTWARE_REVISION_UUID: b"",
            BODY_SENSOR_LOCATION_UUID: bytes([0x01]),  # chest
            BATTERY_LEVEL_UUID: bytes([0x57]),  # 87 %
        }
    )
    properties: dict[str, list[str]] = field(
        default_factory=lambda: {
            HEART_RATE_MEASUREMENT_UUID: ["notify"],
            BATTERY_LEVEL_UUID: ["read", "notify"],
        }
    )
    has_hrm: bool = True
    notify_errors: dict[str, Exception] = field(default_factory=dict)
    disconnect_error: Exception | None = None
    stop_notify_error: Exception | None = None
    callback_on_disconnect: bool = True


class FakeServices:
    def __init__(self, chars: dict[str, FakeChar]) -> None:
        self._chars = chars

    def get_characteristic(self, uuid: str) -> FakeChar | None:
        return self._chars.get(uuid)


class FakeBleakClient:
    """Implements the subset of BleakClient the strap client may use."""

    def __init__(
        self,
        device: BLEDevice,
        disconnected_callback: Callable[[Any], None] | None,
        profile: Profile,
    ) -> None:
        self.device = device
        self.profile = profile
        self._disconnected_callback = disconnected_callback
        self._connected = True
        chars = {uuid: FakeChar(uuid, ["read"]) for uuid in profile.values}
        for uuid, props in profile.properties.items():
            chars[uuid] = FakeChar(uuid, props)
        if not profile.has_hrm:
            chars.pop(HEART_RATE_MEASUREMENT_UUID, None)
        self.services = FakeServices(chars)
        self.reads: list[str] = []
        self.notify_callbacks: dict[str, Callable[[Any, bytearray], None]] = {}
        self.stopped: list[str] = []
        self.disconnect_calls = 0
        self.cache_cleared = False
        self.on_start_notify: Callable[[str], None] | None = None

    @property
    def is_connected(self) -> bool:
        return self._connected

    async def read_gatt_char(self, char: FakeChar) -> bytearray:
        assert isinstance(char, FakeChar)
        self._require_link()
        self.reads.append(char.uuid)
        value = self.profile.values[char.uuid]
        if isinstance(value, Exception):
            raise value
        return bytearray(value)

    async def start_notify(
        self, char: FakeChar, callback: Callable[[Any, bytearray], None]
    ) -> None:
        self._require_link()
        if self.on_start_notify is not None:
            self.on_start_notify(char.uuid)
        if error := self.profile.notify_errors.get(char.uuid):
            raise error
        self.notify_callbacks[char.uuid] = callback

    async def stop_notify(self, char: FakeChar) -> None:
        if self.profile.stop_notify_error is not None:
            raise self.profile.stop_notify_error
        self.stopped.append(char.uuid)
        self.notify_callbacks.pop(char.uuid, None)

    async def disconnect(self) -> bool:
        self.disconnect_calls += 1
        if self.profile.disconnect_error is not None:
            raise self.profile.disconnect_error
        if self._connected:
            self._connected = False
            if self.profile.callback_on_disconnect and self._disconnected_callback:
                self._disconnected_callback(self)
        return True

    async def clear_cache(self) -> bool:
        self.cache_cleared = True
        return True

    # -- test helpers -------------------------------------------------------------------

    def notify(self, uuid: str, data: bytes) -> None:
        """Deliver one notification as bleak would (characteristic, bytearray)."""
        self.notify_callbacks[uuid](self.services.get_characteristic(uuid), bytearray(data))

    def lose_link(self) -> None:
        """The strap went away (taken off, out of range): bleak calls back."""
        self._connected = False
        self.notify_callbacks.clear()
        if self._disconnected_callback:
            self._disconnected_callback(self)

    def _require_link(self) -> None:
        if not self._connected:
            msg = "Not connected"
            raise BleakError(msg)


T0 = datetime(2025, 1, 6, 6, 30, tzinfo=UTC)


class FakeClock:
    """A monotonic clock the test moves by hand; `wall` is T0 plus the same offset."""

    def __init__(self) -> None:
        self.t_s = 1000.0

    def __call__(self) -> float:
        return self.t_s

    def wall(self) -> datetime:
        return T0 + timedelta(seconds=self.t_s - 1000.0)

    def advance(self, seconds: float) -> None:
        self.t_s += seconds


@dataclass
class FakeBle:
    """Stands in for bleak-retry-connector: builds a new FakeBleakClient per connect."""

    profile: Profile = field(default_factory=Profile)
    clients: list[FakeBleakClient] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    before_connect: Callable[[], Awaitable[None]] | None = None
    stale_closed: list[str] = field(default_factory=list)

    async def establish_connection(
        self,
        client_class: type,
        device: Any,
        name: str,
        disconnected_callback: Callable[[Any], None] | None = None,
        **kwargs: Any,
    ) -> FakeBleakClient:
        self.calls.append({"client_class": client_class, "device": device, "name": name, **kwargs})
        if self.before_connect is not None:
            await self.before_connect()
        if self.errors:
            raise self.errors.pop(0)
        client = FakeBleakClient(device, disconnected_callback, self.profile)
        self.clients.append(client)
        return client

    async def close_stale_connections_by_address(self, address: str) -> None:
        self.stale_closed.append(address)

    @property
    def client(self) -> FakeBleakClient:
        return self.clients[-1]
