"""A bumble-emulated BLE heart-rate strap (GATT server + advertiser) on a shared LocalLink."""

from __future__ import annotations

import asyncio
import itertools
from typing import TYPE_CHECKING, Any

from bumble.att import ATT_Error
from bumble.controller import Controller
from bumble.core import AdvertisingData
from bumble.device import Device
from bumble.gatt import (
    GATT_BATTERY_LEVEL_CHARACTERISTIC,
    GATT_BATTERY_SERVICE,
    GATT_BODY_SENSOR_LOCATION_CHARACTERISTIC,
    GATT_DEVICE_INFORMATION_SERVICE,
    GATT_FIRMWARE_REVISION_STRING_CHARACTERISTIC,
    GATT_HARDWARE_REVISION_STRING_CHARACTERISTIC,
    GATT_HEART_RATE_CONTROL_POINT_CHARACTERISTIC,
    GATT_HEART_RATE_MEASUREMENT_CHARACTERISTIC,
    GATT_HEART_RATE_SERVICE,
    GATT_MANUFACTURER_NAME_STRING_CHARACTERISTIC,
    GATT_MODEL_NUMBER_STRING_CHARACTERISTIC,
    GATT_SERIAL_NUMBER_STRING_CHARACTERISTIC,
    GATT_SOFTWARE_REVISION_STRING_CHARACTERISTIC,
    Characteristic,
    CharacteristicValue,
    Service,
)
from bumble.hci import Address
from bumble.host import Host

from .frames import encode_hrm

if TYPE_CHECKING:
    from bumble.device import Connection
    from bumble.link import LocalLink

__all__ = ["CONTROL_POINT_NOT_SUPPORTED", "EmulatedStrap", "encode_hrm"]

CONTROL_POINT_NOT_SUPPORTED = 0x80  # HRS ATT error "Control Point value not supported"
CONTROL_POINT_RESET_ENERGY = 0x01
DEFAULT_ADV_INTERVAL_MS = 20.0
_ADDRESSES = itertools.count(1)


def next_strap_address() -> str:
    """Return a fresh random static address (top bits 11 → ``C0:…``)."""
    n = next(_ADDRESSES)
    return f"C0:00:00:{(n >> 16) & 0xFF:02X}:{(n >> 8) & 0xFF:02X}:{n & 0xFF:02X}"


class EmulatedStrap:
    """A heart-rate strap: HRS (0x2A37/38/39), BAS (0x2A19) and DIS, advertising 0x180D.

    Build it inside a running event loop (bumble's controller needs one), then
    ``await strap.power_on()`` (done by :meth:`EmulatedLink.add_strap`).
    """

    def __init__(
        self,
        link: LocalLink,
        *,
        name: str = "Polar H10 0A1B2C3D",
        address: str | None = None,
        battery: int = 87,
        body_sensor_location: int = 1,
        manufacturer: str = "Polar Electro Oy",
        model: str = "H10",
        serial: str = "0A1B2C3D",
        firmware: str = "3.1.1",
        hardware: str = "39044024.10",
        software: str = "3.1.1",
        adv_interval_ms: float = DEFAULT_ADV_INTERVAL_MS,
    ) -> None:
        """Create the bumble controller, host and device with the strap's GATT table."""
        self.name = name
        self.address = (address or next_strap_address()).upper()
        self.adv_interval_ms = adv_interval_ms
        self.link = link
        self.battery = battery
        self.control_point_writes: list[bytes] = []
        self.controller = Controller(f"strap-{self.address}", link=link)
        host = Host()
        host.controller = self.controller
        self.device = Device(name=name, address=Address(self.address))
        self.device.host = host

        self.hrm: Characteristic[bytes] = Characteristic(
            GATT_HEART_RATE_MEASUREMENT_CHARACTERISTIC,
            Characteristic.Properties.NOTIFY,
            Characteristic.Permissions(0),
            b"",
        )
        self.body_sensor_location: Characteristic[bytes] = Characteristic(
            GATT_BODY_SENSOR_LOCATION_CHARACTERISTIC,
            Characteristic.Properties.READ,
            Characteristic.Permissions.READABLE,
            bytes([body_sensor_location]),
        )
        self.control_point: Characteristic[bytes] = Characteristic(
            GATT_HEART_RATE_CONTROL_POINT_CHARACTERISTIC,
            Characteristic.Properties.WRITE,
            Characteristic.Permissions.WRITEABLE,
            CharacteristicValue[bytes](write=self._on_control_point),
        )
        self.battery_level: Characteristic[bytes] = Characteristic(
            GATT_BATTERY_LEVEL_CHARACTERISTIC,
            Characteristic.Properties.READ | Characteristic.Properties.NOTIFY,
            Characteristic.Permissions.READABLE,
            CharacteristicValue[bytes](read=self._read_battery),
        )
        dis = [
            (GATT_MANUFACTURER_NAME_STRING_CHARACTERISTIC, manufacturer),
            (GATT_MODEL_NUMBER_STRING_CHARACTERISTIC, model),
            (GATT_SERIAL_NUMBER_STRING_CHARACTERISTIC, serial),
            (GATT_FIRMWARE_REVISION_STRING_CHARACTERISTIC, firmware),
            (GATT_HARDWARE_REVISION_STRING_CHARACTERISTIC, hardware),
            (GATT_SOFTWARE_REVISION_STRING_CHARACTERISTIC, software),
        ]
        self.device.add_services(
            [
                Service(
                    GATT_HEART_RATE_SERVICE,
                    [self.hrm, self.body_sensor_location, self.control_point],
                ),
                Service(GATT_BATTERY_SERVICE, [self.battery_level]),
                Service(
                    GATT_DEVICE_INFORMATION_SERVICE,
                    [
                        Characteristic(
                            uuid,
                            Characteristic.Properties.READ,
                            Characteristic.Permissions.READABLE,
                            value.encode(),
                        )
                        for uuid, value in dis
                    ],
                ),
            ]
        )
        # Raw (type, bytes) tuples work on every bumble version.
        self.device.advertising_data = bytes(
            AdvertisingData(
                [
                    (AdvertisingData.FLAGS, b"\x06"),
                    (AdvertisingData.INCOMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS, b"\x0d\x18"),
                    (AdvertisingData.COMPLETE_LOCAL_NAME, name.encode()),
                ]
            )
        )
        self._advertising_wanted = False
        self._closed = False

    # -- GATT callbacks -------------------------------------------------------------------

    def _on_control_point(self, _connection: Connection, value: bytes) -> None:
        self.control_point_writes.append(bytes(value))
        if bytes(value) != bytes([CONTROL_POINT_RESET_ENERGY]):
            raise ATT_Error(CONTROL_POINT_NOT_SUPPORTED, self.control_point.handle)

    def _read_battery(self, _connection: Connection) -> bytes:
        return bytes([self.battery])

    # -- state ---------------------------------------------------------------------------

    @property
    def connections(self) -> list[Connection]:
        """Live connections of this strap (normally 0 or 1)."""
        return list(self.device.connections.values())

    @property
    def is_connected(self) -> bool:
        """True while a central is connected."""
        return bool(self.device.connections)

    @property
    def is_advertising(self) -> bool:
        """True while bumble advertises (auto-restarted after a disconnect)."""
        return bool(self.device.is_advertising)

    def is_subscribed(self, characteristic: Characteristic[Any] | None = None) -> bool:
        """True when a connected central enabled notifications on 0x2A37 (or ``characteristic``)."""
        handle = (characteristic or self.hrm).handle
        live = {id(c) for c in self.device.connections.values()}
        for bearer, cccds in self.device.gatt_server.subscribers.items():
            connection = getattr(bearer, "connection", bearer)
            if id(connection) in live and (cccds.get(handle) or b"\x00")[0] & 0x01:
                return True
        return False

    async def wait_subscribed(self, timeout_s: float = 5.0) -> None:
        """Wait until a central subscribed to 0x2A37."""
        async with asyncio.timeout(timeout_s):
            while not self.is_subscribed():  # noqa: ASYNC110 - bumble exposes no event for it
                await asyncio.sleep(0.005)

    async def wait_disconnected(self, timeout_s: float = 5.0) -> None:
        """Wait until no central is connected."""
        async with asyncio.timeout(timeout_s):
            while self.is_connected:  # noqa: ASYNC110 - state lives in bumble
                await asyncio.sleep(0.005)

    # -- actions ---------------------------------------------------------------------------

    async def power_on(self) -> None:
        """Power the emulated controller on."""
        await self.device.power_on()

    async def start_advertising(self) -> None:
        """Advertise (connectable, 0x180D + name); restarts by itself after each disconnect."""
        self._advertising_wanted = True
        await self.device.start_advertising(
            auto_restart=True,
            advertising_interval_min=self.adv_interval_ms,
            advertising_interval_max=self.adv_interval_ms,
        )

    async def stop_advertising(self) -> None:
        """Stop advertising (strap taken off / out of range)."""
        self._advertising_wanted = False
        await self.device.stop_advertising()

    async def notify(self, raw: bytes) -> None:
        """Send ``raw`` verbatim as a 0x2A37 notification to every subscriber."""
        await self.device.notify_subscribers(self.hrm, bytes(raw))

    async def notify_hr(self, hr_bpm: int, rr_ms: tuple[float, ...] = (), **kw: Any) -> bytes:
        """Encode with :func:`encode_hrm`, notify, and return the bytes sent."""
        raw = encode_hrm(hr_bpm, rr_ms, **kw)
        await self.notify(raw)
        return raw

    async def set_battery(self, pct: int) -> None:
        """Change the battery level and notify 0x2A19 subscribers (if any)."""
        self.battery = pct
        await self.device.notify_subscribers(self.battery_level, bytes([pct]))

    async def disconnect(self) -> None:
        """Strap-initiated disconnect of every central (advertising resumes if it was on)."""
        for connection in self.connections:
            await connection.disconnect()

    async def close(self) -> None:
        """Tear down without leaving timers: disconnect, stop advertising, power off."""
        if self._closed:
            return
        self._closed = True
        self._advertising_wanted = False
        if self.device.powered_on:
            await self.disconnect()
            await asyncio.sleep(0.01)  # let an auto-restarted advertising set come up first
            await self.device.stop_advertising()
            await self.device.power_off()
        self.controller.le_legacy_advertiser.stop()
        for adv_set in list(getattr(self.controller, "advertising_sets", {}).values()):
            adv_set.stop()
        if self.controller in self.link.controllers:
            self.link.remove_controller(self.controller)

    def __repr__(self) -> str:
        """Name and address."""
        return f"EmulatedStrap({self.name!r}, {self.address})"
