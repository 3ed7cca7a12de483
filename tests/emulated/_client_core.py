"""bleak-version-independent part of the bumble-backed bleak backend.

The two thin subclasses (``backend_bleak022`` / ``backend_bleak1``) adapt it to the
``BaseBleakClient`` API of bleak 0.22 and bleak >= 1 (``ble-heart-rate.md`` §7.5).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING, Any, NoReturn

from bleak.exc import BleakError
from bumble import core as bumble_core
from bumble.core import BaseBumbleError
from bumble.device import Peer
from bumble.hci import Address, AddressType

from ._registry import PROXIES

if TYPE_CHECKING:
    from collections.abc import Callable

    from bleak.backends.device import BLEDevice
    from bumble.device import Connection
    from bumble.gatt_client import CharacteristicProxy, ServiceProxy

    from .proxy import EmulatedProxy

_LOGGER = logging.getLogger(__name__)

DEFAULT_MTU = 23
REQUESTED_MTU = 247  # what BlueZ / ESPHome proxies negotiate with a typical strap
GATT_HEADER_SIZE = 3

# Characteristic property bits → bleak property names (Core Spec Vol 3 Part G 3.3.1.1).
CHAR_PROPERTIES: dict[int, str] = {
    0x01: "broadcast",
    0x02: "read",
    0x04: "write-without-response",
    0x08: "write",
    0x10: "notify",
    0x20: "indicate",
    0x40: "authenticated-signed-writes",
    0x80: "extended-properties",
}


def bleak_uuid(value: bumble_core.UUID) -> str:
    """Bumble UUID → bleak's lowercase 128-bit string."""
    return str(uuid.UUID(bytes=bytes(reversed(value.to_bytes(force_128=True)))))


def bleak_properties(bits: int) -> list[str]:
    """Property bit field → bleak property names."""
    return [name for mask, name in CHAR_PROPERTIES.items() if bits & mask]


class LinkClientCore:
    """GATT client over the emulated proxy's bumble central; no bleak base class here."""

    address: str
    _timeout: float
    _disconnected_callback: Callable[[], None] | None

    def _core_init(self, device: BLEDevice) -> None:
        details = device.details if isinstance(device.details, dict) else {}
        source = str(details.get("source", ""))
        proxy = PROXIES.get(source)
        if proxy is None:
            msg = f"{device.address}: emulated proxy {source!r} is not registered"
            raise BleakError(msg)
        self._proxy: EmulatedProxy = proxy
        self._address_type = int(details.get("address_type", Address.RANDOM_DEVICE_ADDRESS))
        self._conn: Connection | None = None
        self._peer: Peer | None = None
        self._notify: dict[int, Callable[[bytes], None]] = {}
        self._by_handle: dict[int, Any] = {}
        self._lost_called = False

    # -- connect / disconnect --------------------------------------------------------------

    @property
    def _description(self) -> str:
        return f"{self._proxy.name}: {self.address}"

    async def _core_connect(self, connect_timeout: float | None) -> None:
        proxy = self._proxy
        if proxy.closed:
            msg = f"{self._description}: proxy is shut down"
            raise BleakError(msg)
        if self.is_connected:
            return
        with proxy.scanner.connecting():
            async with proxy.connect_lock:  # HCI: one pending LE connection per controller
                if proxy.free_slots() <= 0:
                    # Same wording family as habluetooth / ESPHome; bleak-retry-connector
                    # matches "available connection" / "connection slot" → out-of-slots.
                    msg = (
                        f"{self._description}: No available connection slot ({proxy.slots} in use)"
                    )
                    raise BleakError(msg)
                conn = await self._le_connect(connect_timeout or self._timeout)
                proxy.connections[self.address] = conn
        self._conn = conn
        self._lost_called = False
        conn.on("disconnection", self._on_disconnection)
        try:
            peer = Peer(conn)
            if proxy.request_mtu:
                await peer.request_mtu(REQUESTED_MTU)
            await peer.discover_all()  # type: ignore[no-untyped-call]
            self._peer = peer
            self._build_services(peer.services)
        except BaseException:
            await self._core_disconnect()
            raise

    async def _le_connect(self, connect_timeout: float) -> Connection:
        proxy = self._proxy
        target = Address(self.address, AddressType(self._address_type))
        try:
            # bumble's own timeout path sends LE Create Connection Cancel, which its
            # emulated controller acknowledges but never completes: time out here and
            # clear the controller's pending connection instead.
            async with asyncio.timeout(connect_timeout):
                return await proxy.device.connect(target, timeout=None)
        except TimeoutError:
            proxy.controller.pending_le_connection = None
            msg = f"{self._description}: timed out connecting after {connect_timeout} s"
            raise TimeoutError(msg) from None
        except BaseBumbleError as err:
            msg = f"{self._description}: connect failed: {err}"
            raise BleakError(msg) from err

    def _on_disconnection(self, reason: int = 0) -> None:
        _LOGGER.debug("%s: disconnected (reason 0x%02X)", self._description, reason)
        self._release()
        if not self._lost_called:
            self._lost_called = True
            if self._disconnected_callback is not None:
                self._disconnected_callback()

    def _release(self) -> None:
        self._proxy.connections.pop(self.address, None)
        self._conn = None
        self._peer = None
        self._notify.clear()

    async def _core_disconnect(self) -> None:
        conn = self._conn
        if conn is None:
            return
        try:
            await conn.disconnect()
        except BaseBumbleError as err:  # already gone
            _LOGGER.debug("%s: disconnect: %s", self._description, err)
        # bumble emits "disconnection" before disconnect() returns; make sure anyway.
        if self._conn is not None:
            self._on_disconnection()

    async def clear_cache(self) -> bool:
        """Nothing is cached (services are rediscovered per connection); like ESPHome's."""
        self.clear_cache_calls = getattr(self, "clear_cache_calls", 0) + 1
        return True

    @property
    def is_connected(self) -> bool:
        """True while the LE link is up."""
        return self._conn is not None

    @property
    def mtu_size(self) -> int:
        """Negotiated ATT MTU."""
        return int(self._conn.att_mtu) if self._conn is not None else DEFAULT_MTU

    def _max_write_without_response(self) -> int:
        return self.mtu_size - GATT_HEADER_SIZE

    # -- services ----------------------------------------------------------------------------

    def _build_services(self, services: list[ServiceProxy]) -> None:
        raise NotImplementedError

    def _remember(self, handle: int, obj: Any) -> None:
        self._by_handle[handle] = obj

    # -- GATT I/O ------------------------------------------------------------------------------

    def _require_peer(self) -> Peer:
        if self._peer is None:
            msg = f"{self._description}: Not connected"
            raise BleakError(msg)
        return self._peer

    async def _core_read(self, handle: int) -> bytearray:
        peer = self._require_peer()
        try:
            return bytearray(await peer.read_value(handle))
        except BaseBumbleError as err:
            self._raise_gatt_error("read", handle, err)

    async def _core_write(self, handle: int, data: bytes, response: bool) -> None:
        peer = self._require_peer()
        try:
            await peer.write_value(handle, bytes(data), with_response=response)
        except BaseBumbleError as err:
            self._raise_gatt_error("write", handle, err)

    async def _core_start_notify(self, handle: int, callback: Callable[[bytearray], None]) -> None:
        peer = self._require_peer()
        char: CharacteristicProxy[bytes] = self._by_handle[handle]

        def deliver(value: bytes) -> None:
            callback(bytearray(value))

        try:
            await peer.subscribe(char, deliver, prefer_notify=True)
        except BaseBumbleError as err:
            self._raise_gatt_error("subscribe", handle, err)
        self._notify[handle] = deliver

    async def _core_stop_notify(self, handle: int) -> None:
        peer = self._require_peer()
        deliver = self._notify.pop(handle, None)
        if deliver is None:
            return
        try:
            await peer.unsubscribe(self._by_handle[handle], deliver)
        except BaseBumbleError as err:
            self._raise_gatt_error("unsubscribe", handle, err)

    def _raise_gatt_error(self, op: str, handle: int, err: BaseBumbleError) -> NoReturn:
        """Raise a BleakError (like bleak-esphome's api_error_as_bleak_error)."""
        code = getattr(err, "error_code", None)
        detail = f"ATT error 0x{code:02X} ({err})" if isinstance(code, int) else str(err)
        msg = f"{self._description}: {op} handle 0x{handle:04X} failed: {detail}"
        raise BleakError(msg) from err

    def _resolve_handle(self, specifier: Any) -> int:
        """bleak 0.22 passes a characteristic, a handle or a UUID."""
        if isinstance(specifier, int):
            return specifier
        handle = getattr(specifier, "handle", None)
        if isinstance(handle, int):
            return handle
        wanted = str(specifier).lower()
        if len(wanted) == 4:
            wanted = f"0000{wanted}-0000-1000-8000-00805f9b34fb"
        for h, obj in self._by_handle.items():
            if bleak_uuid(obj.uuid if hasattr(obj, "uuid") else obj.type) == wanted:
                return h
        msg = f"{self._description}: characteristic {specifier} not found"
        raise BleakError(msg)
