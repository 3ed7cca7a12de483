"""bumble-backed bleak backend for bleak 0.22 (HA 2025.4.4)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakError

from ._client_core import LinkClientCore, bleak_properties, bleak_uuid

if TYPE_CHECKING:
    from collections.abc import Buffer, Callable
    from uuid import UUID

    from bleak.backends.device import BLEDevice
    from bumble.gatt_client import CharacteristicProxy, DescriptorProxy, ServiceProxy

_UNUSED_KWARGS = ("services", "bluez", "pair", "winrt", "backend", "use_cached_services")


class _Service(BleakGATTService):
    def __init__(self, obj: ServiceProxy) -> None:
        super().__init__(obj)
        self._chars: list[BleakGATTCharacteristic] = []

    @property
    def handle(self) -> int:
        return int(self.obj.handle)

    @property
    def uuid(self) -> str:
        return bleak_uuid(self.obj.uuid)

    @property
    def characteristics(self) -> list[BleakGATTCharacteristic]:
        return self._chars

    def add_characteristic(self, characteristic: BleakGATTCharacteristic) -> None:
        self._chars.append(characteristic)


class _Characteristic(BleakGATTCharacteristic):
    def __init__(
        self, obj: CharacteristicProxy[bytes], max_write: Callable[[], int], service: _Service
    ) -> None:
        super().__init__(obj, max_write)
        self._service = service
        self._descriptors: list[BleakGATTDescriptor] = []

    @property
    def service_uuid(self) -> str:
        return self._service.uuid

    @property
    def service_handle(self) -> int:
        return self._service.handle

    @property
    def handle(self) -> int:
        return int(self.obj.handle)

    @property
    def uuid(self) -> str:
        return bleak_uuid(self.obj.uuid)

    @property
    def properties(self) -> list[str]:
        return bleak_properties(int(self.obj.properties))

    @property
    def descriptors(self) -> list[BleakGATTDescriptor]:
        return self._descriptors

    def get_descriptor(self, specifier: int | str | UUID) -> BleakGATTDescriptor | None:
        for descriptor in self._descriptors:
            if specifier in (descriptor.handle, descriptor.uuid, str(specifier).lower()):
                return descriptor
        return None

    def add_descriptor(self, descriptor: BleakGATTDescriptor) -> None:
        self._descriptors.append(descriptor)


class _Descriptor(BleakGATTDescriptor):
    def __init__(self, obj: DescriptorProxy, characteristic: _Characteristic) -> None:
        super().__init__(obj)
        self._characteristic = characteristic

    @property
    def characteristic_uuid(self) -> str:
        return self._characteristic.uuid

    @property
    def characteristic_handle(self) -> int:
        return self._characteristic.handle

    @property
    def uuid(self) -> str:
        return bleak_uuid(self.obj.type)

    @property
    def handle(self) -> int:
        return int(self.obj.handle)


class LinkBleakClient(LinkClientCore, BaseBleakClient):
    """Connects through an :class:`~emulated.proxy.EmulatedProxy` (bleak 0.22 API)."""

    def __init__(self, address_or_ble_device: BLEDevice | str, **kwargs: Any) -> None:
        """Build from the ``BLEDevice`` habluetooth passes (``details["source"]`` = proxy)."""
        for extra in _UNUSED_KWARGS:
            kwargs.pop(extra, None)
        super().__init__(address_or_ble_device, **kwargs)
        if isinstance(address_or_ble_device, str):
            msg = "the emulated backend needs the BLEDevice from the HA bluetooth manager"
            raise TypeError(msg)
        self._core_init(address_or_ble_device)

    async def connect(self, **kwargs: Any) -> bool:
        """Connect, exchange MTU 247, discover services."""
        await self._core_connect(kwargs.get("timeout"))
        return True

    async def disconnect(self) -> bool:
        """Disconnect (the disconnected callback fires)."""
        await self._core_disconnect()
        return True

    async def pair(self, *args: Any, **kwargs: Any) -> bool:
        """Pairing is not emulated; straps do not need it."""
        raise NotImplementedError

    async def unpair(self) -> bool:
        """Pairing is not emulated."""
        raise NotImplementedError

    async def get_services(self, **_kwargs: Any) -> BleakGATTServiceCollection:
        """Return the collection discovered at connect time."""
        if self.services is None:
            msg = f"{self.address}: Not connected"
            raise BleakError(msg)
        return self.services

    def _build_services(self, services: list[ServiceProxy]) -> None:
        collection = BleakGATTServiceCollection()
        for svc in services:
            service = _Service(svc)
            collection.add_service(service)
            for chr_ in svc.characteristics:
                char = _Characteristic(chr_, self._max_write_without_response, service)
                collection.add_characteristic(char)
                self._remember(chr_.handle, chr_)
                for dsc in chr_.descriptors:
                    collection.add_descriptor(_Descriptor(dsc, char))
                    self._remember(dsc.handle, dsc)
        self.services = collection

    async def read_gatt_char(
        self, char_specifier: BleakGATTCharacteristic | int | str | UUID, **_kwargs: Any
    ) -> bytearray:
        """Read a characteristic value."""
        return await self._core_read(self._resolve_handle(char_specifier))

    async def read_gatt_descriptor(self, handle: int, **_kwargs: Any) -> bytearray:
        """Read a descriptor value."""
        return await self._core_read(handle)

    async def write_gatt_char(
        self,
        characteristic: BleakGATTCharacteristic,
        data: Buffer,
        response: bool,
    ) -> None:
        """Write a characteristic (with or without response)."""
        await self._core_write(characteristic.handle, bytes(data), response)

    async def write_gatt_descriptor(self, handle: int, data: Buffer) -> None:
        """Write a descriptor."""
        await self._core_write(handle, bytes(data), True)

    async def start_notify(
        self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback, **_kwargs: Any
    ) -> None:
        """Enable notifications (writes the CCCD) and forward each value as a bytearray."""
        await self._core_start_notify(characteristic.handle, callback)

    async def stop_notify(self, char_specifier: BleakGATTCharacteristic | int | str | UUID) -> None:
        """Disable notifications."""
        await self._core_stop_notify(self._resolve_handle(char_specifier))
