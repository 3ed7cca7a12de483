"""A fake Bluetooth proxy: a bumble central on the link, fed into HA as a remote scanner.

Plugged in exactly like an ESPHome proxy (bleak-esphome ``backend/scanner.py``): a
``BaseHaRemoteScanner`` forwards adverts, and an ``HaBluetoothConnector`` whose ``client`` is
the bumble-backed bleak backend lets ``HaBleakClientWrapper`` connect through it.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import uuid
from typing import TYPE_CHECKING, cast

from bluetooth_data_tools import monotonic_time_coarse
from bumble.controller import Controller
from bumble.device import Device
from bumble.hci import Address
from bumble.host import Host
from habluetooth import BaseHaRemoteScanner, HaBluetoothConnector
from homeassistant.components import bluetooth

from ._registry import PROXIES
from .backend import LinkBleakClient

if TYPE_CHECKING:
    from collections.abc import Callable

    from bleak.backends.client import BaseBleakClient
    from bumble.device import Advertisement, Connection
    from bumble.link import LocalLink
    from homeassistant.core import HomeAssistant

_LOGGER = logging.getLogger(__name__)
_IDS = itertools.count(1)

# AD types (Core Spec Supplement Part A 1.x)
_AD_UUID16 = (0x02, 0x03)
_AD_UUID32 = (0x04, 0x05)
_AD_UUID128 = (0x06, 0x07)
_AD_NAME_SHORT = 0x08
_AD_NAME_COMPLETE = 0x09
_AD_TX_POWER = 0x0A
_AD_SERVICE_DATA16 = 0x16
_AD_MANUFACTURER = 0xFF
_BASE_UUID_TAIL = "-0000-1000-8000-00805f9b34fb"


def _uuid16(value: int) -> str:
    return f"0000{value:04x}{_BASE_UUID_TAIL}"


def parse_advertisement(
    structures: list[tuple[int, bytes]],
) -> tuple[str | None, list[str], dict[str, bytes], dict[int, bytes], int | None]:
    """AD structures → (local name, service UUIDs, service data, manufacturer data, tx power)."""
    name: str | None = None
    short_name: str | None = None
    uuids: list[str] = []
    service_data: dict[str, bytes] = {}
    manufacturer: dict[int, bytes] = {}
    tx_power: int | None = None
    for ad_type, data in structures:
        kind = int(ad_type)
        raw = bytes(data)
        if kind in _AD_UUID16:
            uuids += [
                _uuid16(int.from_bytes(raw[i : i + 2], "little")) for i in range(0, len(raw) - 1, 2)
            ]
        elif kind in _AD_UUID32:
            uuids += [
                f"{int.from_bytes(raw[i : i + 4], 'little'):08x}{_BASE_UUID_TAIL}"
                for i in range(0, len(raw) - 3, 4)
            ]
        elif kind in _AD_UUID128:
            uuids += [
                str(uuid.UUID(bytes=bytes(reversed(raw[i : i + 16]))))
                for i in range(0, len(raw) - 15, 16)
            ]
        elif kind == _AD_NAME_COMPLETE:
            name = raw.decode("utf-8", "replace")
        elif kind == _AD_NAME_SHORT:
            short_name = raw.decode("utf-8", "replace")
        elif kind == _AD_TX_POWER and raw:
            tx_power = int.from_bytes(raw[:1], "little", signed=True)
        elif kind == _AD_SERVICE_DATA16 and len(raw) >= 2:
            service_data[_uuid16(int.from_bytes(raw[:2], "little"))] = raw[2:]
        elif kind == _AD_MANUFACTURER and len(raw) >= 2:
            manufacturer[int.from_bytes(raw[:2], "little")] = raw[2:]
    return name or short_name, uuids, service_data, manufacturer, tx_power


class LinkScanner(BaseHaRemoteScanner):
    """Remote scanner of one emulated proxy (connectable, like an ESPHome active proxy)."""

    def __init__(self, proxy: EmulatedProxy, connector: HaBluetoothConnector) -> None:
        """Scanner id = proxy source MAC, adapter/name = proxy name."""
        super().__init__(proxy.source, proxy.name, connector, True)
        self._proxy = proxy

    def feed(self, adv: Advertisement) -> None:
        """Forward one bumble advertisement into the HA bluetooth manager."""
        if adv.is_scan_response and not adv.data_bytes:
            return
        address = adv.address.to_string(with_type_qualifier=False)  # strip "/P"
        name, uuids, service_data, manufacturer, tx_power = parse_advertisement(
            list(adv.data.ad_structures)
        )
        self._async_on_advertisement(
            address,
            self._proxy.rssi_for(address, adv.rssi),
            name,
            uuids,
            service_data,
            manufacturer,
            tx_power,
            {"address_type": int(adv.address.address_type)},
            monotonic_time_coarse(),
        )


class EmulatedProxy:
    """A bumble central with ``slots`` LE connection slots, registered in HA as a scanner."""

    def __init__(
        self,
        link: LocalLink,
        *,
        slots: int = 3,
        name: str | None = None,
        source: str | None = None,
        rssi: int = -60,
        request_mtu: bool = True,
    ) -> None:
        """Create the controller and central device (call :meth:`start`, then :meth:`register`)."""
        n = next(_IDS)
        self.link = link
        self.slots = slots
        self.name = name or f"emulated-proxy-{n}"
        self.source = (source or f"AA:BB:CC:00:{(n >> 8) & 0xFF:02X}:{n & 0xFF:02X}").upper()
        self.rssi = rssi
        self.rssi_overrides: dict[str, int] = {}
        self.request_mtu = request_mtu
        self.connect_lock = asyncio.Lock()
        self.connections: dict[str, Connection] = {}
        self.controller = Controller(f"proxy-{self.source}", link=link)
        host = Host()
        host.controller = self.controller
        self.device = Device(
            name=self.name, address=Address(f"D0:00:00:00:{(n >> 8) & 0xFF:02X}:{n & 0xFF:02X}")
        )
        self.device.host = host
        self.connector = HaBluetoothConnector(
            client=cast("type[BaseBleakClient]", LinkBleakClient),
            source=self.source,
            can_connect=self.can_connect,
        )
        self._scanner: LinkScanner | None = None
        self._unsubs: list[Callable[[], None]] = []
        self.closed = False

    # -- slots -----------------------------------------------------------------------------

    def free_slots(self) -> int:
        """Connection slots not in use."""
        return self.slots - len(self.connections)

    def can_connect(self) -> bool:
        """``HaBluetoothConnector.can_connect``: a slot is free and the proxy is up."""
        return not self.closed and self.free_slots() > 0

    def rssi_for(self, address: str, reported: int | None = None) -> int:
        """RSSI reported to HA for ``address`` (override > proxy default)."""
        del reported  # the LocalLink has no radio; use the configured value
        return self.rssi_overrides.get(address.upper(), self.rssi)

    @property
    def scanner(self) -> LinkScanner:
        """The registered HA remote scanner."""
        if self._scanner is None:
            msg = f"{self.name} is not registered with Home Assistant"
            raise RuntimeError(msg)
        return self._scanner

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Power on the central (scanning starts in :meth:`register`)."""
        await self.device.power_on()
        PROXIES[self.source] = self

    async def register(self, hass: HomeAssistant) -> Callable[[], None]:
        """Register the scanner in HA's bluetooth manager and start scanning.

        Returns the unregister callable (also called by :meth:`close`).
        """
        scanner = LinkScanner(self, self.connector)
        self._scanner = scanner
        self._unsubs.append(scanner.async_setup())
        cancel = bluetooth.async_register_scanner(hass, scanner, connection_slots=self.slots)
        self._unsubs.append(cancel)
        self.device.on("advertisement", scanner.feed)
        await self.device.start_scanning(active=True, filter_duplicates=False)
        return cancel

    async def disconnect_all(self) -> None:
        """Central-side disconnect of every strap (e.g. proxy rebooted)."""
        for conn in list(self.connections.values()):
            await conn.disconnect()

    async def close(self) -> None:
        """Stop scanning, unregister from HA, drop links, power off, leave the link."""
        if self.closed:
            return
        self.closed = True
        if self.device.powered_on and self.device.is_scanning:
            await self.device.stop_scanning()
        if self._scanner is not None:
            self.device.remove_listener("advertisement", self._scanner.feed)
        while self._unsubs:
            self._unsubs.pop()()
        for conn in list(self.device.connections.values()):
            try:
                await conn.disconnect()
            except Exception:
                _LOGGER.debug("%s: disconnect during close failed", self.name, exc_info=True)
        if self.device.powered_on:
            await self.device.power_off()
        PROXIES.pop(self.source, None)
        if self.controller in self.link.controllers:
            self.link.remove_controller(self.controller)

    def __repr__(self) -> str:
        """Name, source and slot usage."""
        return f"EmulatedProxy({self.name!r}, {self.source}, {len(self.connections)}/{self.slots})"
