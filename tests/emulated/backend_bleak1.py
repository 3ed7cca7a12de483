"""bumble-backed bleak backend for bleak >= 1 (2.1.1 in HA 2026.2.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection

from ._client_core import LinkClientCore, bleak_properties, bleak_uuid

if TYPE_CHECKING:
    from collections.abc import Buffer

    from bleak.backends.device import BLEDevice
    from bumble.gatt_client import ServiceProxy

_UNUSED_KWARGS = ("services", "bluez", "pair", "winrt", "backend", "cb", "use_cached_services")


class LinkBleakClient(LinkClientCore, BaseBleakClient):
    """Connects through an :class:`~emulated.proxy.EmulatedProxy` (bleak >= 1 API)."""

    def __init__(self, address_or_ble_device: BLEDevice | str, **kwargs: Any) -> None:
        """Build from the ``BLEDevice`` habluetooth passes (``details["source"]`` = proxy)."""
        for extra in _UNUSED_KWARGS:
            kwargs.pop(extra, None)
        kwargs.setdefault("timeout", 10.0)  # required by the bleak >= 1 base class
        super().__init__(address_or_ble_device, **kwargs)
        if isinstance(address_or_ble_device, str):
            msg = "the emulated backend needs the BLEDevice from the HA bluetooth manager"
            raise TypeError(msg)
        self._core_init(address_or_ble_device)

    @property
    def name(self) -> str:
        """Peer name (bleak >= 1 API)."""
        return self.address

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        """Connect, exchange MTU 247, discover services."""
        del pair
        await self._core_connect(kwargs.get("timeout"))

    async def disconnect(self) -> None:
        """Disconnect (the disconnected callback fires)."""
        await self._core_disconnect()

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        """Pairing is not emulated; straps do not need it."""
        raise NotImplementedError

    async def unpair(self) -> None:
        """Pairing is not emulated."""
        raise NotImplementedError

    def _build_services(self, services: list[ServiceProxy]) -> None:
        collection = BleakGATTServiceCollection()
        for svc in services:
            service = BleakGATTService(svc, svc.handle, bleak_uuid(svc.uuid))
            collection.add_service(service)
            for chr_ in svc.characteristics:
                char = BleakGATTCharacteristic(
                    chr_,
                    chr_.handle,
                    bleak_uuid(chr_.uuid),
                    cast("Any", bleak_properties(int(chr_.properties))),
                    self._max_write_without_response,
                    service,
                )
                collection.add_characteristic(char)
                self._remember(chr_.handle, chr_)
                for dsc in chr_.descriptors:
                    collection.add_descriptor(
                        BleakGATTDescriptor(dsc, dsc.handle, bleak_uuid(dsc.type), char)
                    )
                    self._remember(dsc.handle, dsc)
        self.services = collection

    async def read_gatt_char(
        self, characteristic: BleakGATTCharacteristic, **_kwargs: Any
    ) -> bytearray:
        """Read a characteristic value."""
        return await self._core_read(characteristic.handle)

    async def read_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, **_kwargs: Any
    ) -> bytearray:
        """Read a descriptor value."""
        return await self._core_read(descriptor.handle)

    async def write_gatt_char(
        self,
        characteristic: BleakGATTCharacteristic,
        data: Buffer,
        response: bool,
    ) -> None:
        """Write a characteristic (with or without response)."""
        await self._core_write(characteristic.handle, bytes(data), response)

    async def write_gatt_descriptor(self, descriptor: BleakGATTDescriptor, data: Buffer) -> None:
        """Write a descriptor."""
        await self._core_write(descriptor.handle, bytes(data), True)

    async def start_notify(
        self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback, **_kwargs: Any
    ) -> None:
        """Enable notifications (writes the CCCD) and forward each value as a bytearray."""
        await self._core_start_notify(characteristic.handle, callback)

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        """Disable notifications."""
        await self._core_stop_notify(characteristic.handle)
