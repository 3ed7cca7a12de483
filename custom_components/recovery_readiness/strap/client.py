"""Bleak client of one heart-rate strap: connect, subscribe, hand out measurements.

The client never scans and never reconnects on its own: the caller (the Home Assistant
coordinator) hands it a fresh `BLEDevice` from each advertisement and decides when to call
`HeartRateStrap.connect` again (ble-heart-rate.md §6.3). Every byte is decoded by
`protocol.py`. A disconnect is recorded as a `Gap`; nothing is invented to fill it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

import bleak_retry_connector

from .const import (
    BATTERY_LEVEL_UUID,
    BODY_SENSOR_LOCATION_UUID,
    FIRMWARE_REVISION_UUID,
    GATT_TIMEOUT_S,
    HARDWARE_REVISION_UUID,
    HEART_RATE_MEASUREMENT_UUID,
    MANUFACTURER_NAME_UUID,
    MODEL_NUMBER_UUID,
    SERIAL_NUMBER_UUID,
    SOFTWARE_REVISION_UUID,
    UNKNOWN_DISCONNECT_REASON,
)
from .exceptions import ProtocolError, StrapConnectionError, StrapOutOfSlotsError
from .models import Gap, HeartRateMeasurement, Reception, StrapInfo, StrapStats
from .protocol import (
    decode_device_information_string,
    parse_battery_level,
    parse_body_sensor_location,
    parse_heart_rate_measurement,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from bleak.backends.characteristic import BleakGATTCharacteristic
    from bleak.backends.device import BLEDevice
    from bleak.backends.scanner import AdvertisementData

__all__ = [
    "BLEAK_EXCEPTIONS",
    "DisconnectedCallback",
    "HeartRateStrap",
    "MeasurementCallback",
]

_LOGGER = logging.getLogger(__name__)

BLEAK_EXCEPTIONS: Final = bleak_retry_connector.BLEAK_EXCEPTIONS
"""Exceptions bleak raises (re-exported from bleak-retry-connector)."""

_LINK_ERRORS: Final = (*bleak_retry_connector.BLEAK_RETRY_EXCEPTIONS, TimeoutError)
"""What a connect or a GATT operation may raise when the link or the backend fails."""

type MeasurementCallback = Callable[[HeartRateMeasurement, Reception], None]
"""Called on the event loop with each parsed measurement and its `Reception`."""
type DisconnectedCallback = Callable[[Gap], None]
"""Called on the event loop with the open `Gap` when a streaming link drops."""

_DEVICE_INFORMATION_FIELDS: Final = (
    ("manufacturer", MANUFACTURER_NAME_UUID),
    ("model", MODEL_NUMBER_UUID),
    ("serial_number", SERIAL_NUMBER_UUID),
    ("firmware_revision", FIRMWARE_REVISION_UUID),
    ("hardware_revision", HARDWARE_REVISION_UUID),
    ("software_revision", SOFTWARE_REVISION_UUID),
)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class HeartRateStrap:
    """One Bluetooth heart-rate strap (Heart Rate Service 0x180D), driven from outside.

    Connects with ``bleak_retry_connector.establish_connection`` and the
    ``BleakClientWithServiceCache`` class looked up at call time (Home Assistant swaps it
    for its proxy-aware class), subscribes to Heart Rate Measurement (0x2A37) and, if asked
    and supported, to Battery Level (0x2A19); reads Device Information and Body Sensor
    Location once per instance and the battery once per connection.

    All callbacks run on the event loop; each returns its own unsubscribe function. A
    failing callback is logged and does not stop the stream.
    """

    def __init__(
        self,
        ble_device: BLEDevice,
        advertisement_data: AdvertisementData | None = None,
        *,
        notify_battery: bool = True,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        """Create the client; nothing is connected until `connect`.

        Args:
            ble_device: The strap as seen by the adapter or proxy that saw it last.
            advertisement_data: Its last advertisement, if known (name, RSSI).
            notify_battery: Subscribe to Battery Level when the strap offers notify. Pass
                False to keep one notification registration per strap (ESPHome proxies
                share about 12 across all their connections); the battery is read on
                every connect either way.
            clock: Monotonic time source in seconds for receive times and gaps.
            wall_clock: Aware wall-clock source for the same events.
        """
        self._ble_device = ble_device
        self._advertisement_data = advertisement_data
        self._notify_battery = notify_battery
        self._clock = clock
        self._wall_clock = wall_clock
        self._connect_lock = asyncio.Lock()
        self._client: bleak_retry_connector.BleakClientWithServiceCache | None = None
        self._streaming = False
        self._frames_on_link = 0
        self._epoch = 0
        self._disconnect_reason: str | None = None
        self._subscribed: tuple[BleakGATTCharacteristic, ...] = ()
        self._callbacks: tuple[MeasurementCallback, ...] = ()
        self._disconnected_callbacks: tuple[DisconnectedCallback, ...] = ()
        self._info = StrapInfo()
        self._static_info_read = False
        self._open_gap: Gap | None = None
        self._pending_gap: Gap | None = None
        self._last_gap: Gap | None = None
        self._frames = 0
        self._rr_values = 0
        self._truncated_frames = 0
        self._bad_frames = 0
        self._gaps = 0
        self._connects = 0
        self._connect_failures = 0
        self._out_of_slots = 0
        self._last_disconnect_reason: str | None = None
        self._last_frame_t_s: float | None = None

    # ------------------------------------------------------------------ properties

    @property
    def address(self) -> str:
        """Bluetooth address of the strap."""
        return self._ble_device.address

    @property
    def name(self) -> str:
        """Best known name: BLE device name, advertised local name, or the address."""
        if self._ble_device.name:
            return self._ble_device.name
        if self._advertisement_data is not None and self._advertisement_data.local_name:
            return self._advertisement_data.local_name
        return self._ble_device.address

    @property
    def rssi(self) -> int | None:
        """RSSI of the last advertisement handed in, if any."""
        if self._advertisement_data is None:
            return None
        return self._advertisement_data.rssi

    @property
    def is_connected(self) -> bool:
        """True while the link is up and Heart Rate Measurement notifications are on."""
        client = self._client
        return self._streaming and client is not None and client.is_connected

    @property
    def info(self) -> StrapInfo:
        """What the strap told us about itself; battery kept across disconnects."""
        return self._info

    @property
    def stats(self) -> StrapStats:
        """A snapshot of the counters."""
        return StrapStats(
            frames=self._frames,
            rr_values=self._rr_values,
            truncated_frames=self._truncated_frames,
            bad_frames=self._bad_frames,
            gaps=self._gaps,
            connects=self._connects,
            connect_failures=self._connect_failures,
            out_of_slots=self._out_of_slots,
            last_disconnect_reason=self._last_disconnect_reason,
            last_frame_t_s=self._last_frame_t_s,
        )

    @property
    def last_gap(self) -> Gap | None:
        """The most recent gap: open (``ended_t_s is None``) while the link is down."""
        return self._last_gap

    # ------------------------------------------------------------------ registration

    def set_ble_device_and_advertisement_data(
        self, ble_device: BLEDevice, advertisement_data: AdvertisementData | None = None
    ) -> None:
        """Hand in the freshest device (adapter or proxy path) and advertisement.

        Used by the next `connect` and by bleak-retry-connector between attempts.
        """
        self._ble_device = ble_device
        self._advertisement_data = advertisement_data

    def register_callback(self, callback: MeasurementCallback) -> Callable[[], None]:
        """Call `callback(measurement, reception)` for every parsed notification.

        Returns:
            A function that unregisters the callback (safe to call twice).
        """
        self._callbacks = (*self._callbacks, callback)

        def _unregister() -> None:
            self._callbacks = tuple(cb for cb in self._callbacks if cb is not callback)

        return _unregister

    def register_disconnected_callback(self, callback: DisconnectedCallback) -> Callable[[], None]:
        """Call `callback(gap)` with the open gap whenever a streaming link drops.

        Returns:
            A function that unregisters the callback (safe to call twice).
        """
        self._disconnected_callbacks = (*self._disconnected_callbacks, callback)

        def _unregister() -> None:
            self._disconnected_callbacks = tuple(
                cb for cb in self._disconnected_callbacks if cb is not callback
            )

        return _unregister

    # ------------------------------------------------------------------ connect

    async def connect(self) -> None:
        """Connect, read the strap's info and subscribe; no-op when already connected.

        Serialized by a lock. One call may take about 36 s when every proxy in range is out
        of connection slots (bleak-retry-connector backs off), so run it as a background
        task. A fresh bleak client is built for every connection.

        Raises:
            StrapOutOfSlotsError: no adapter or proxy had a free connection slot.
            StrapConnectionError: any other failure (bleak error, timeout, no 0x2A37, or
                `disconnect` called meanwhile); the bleak error is chained.
        """
        async with self._connect_lock:
            if self.is_connected:
                return
            if (zombie := self._client) is not None:
                # The link died without bleak calling back (yet): record it, drop it.
                self._link_down(UNKNOWN_DISCONNECT_REASON, expected=False)
                await self._quiet_disconnect(zombie)
            epoch = self._epoch
            await self._close_stale_connections()
            client = await self._establish()
            self._client = client
            self._frames_on_link = 0
            try:
                await self._set_up(client, epoch)
            except BaseException as err:
                self._connect_failures += 1
                await self._abandon(client, reason=f"setup failed: {type(err).__name__}")
                if isinstance(err, _LINK_ERRORS):
                    msg = f"{self.name}: setup after connect failed: {err!r}"
                    raise StrapConnectionError(msg) from err
                raise
            self._connects += 1
            _LOGGER.debug("%s: connected and subscribed (%s)", self.name, self._ble_device.address)

    async def _close_stale_connections(self) -> None:
        """Close links BlueZ may still hold to the strap (no-op off BlueZ)."""
        try:
            await bleak_retry_connector.close_stale_connections_by_address(self.address)
        except _LINK_ERRORS as err:
            _LOGGER.debug("%s: closing stale connections failed: %r", self.name, err)

    async def _establish(self) -> bleak_retry_connector.BleakClientWithServiceCache:
        """Run establish_connection with the classes looked up now; map its errors."""
        try:
            return await bleak_retry_connector.establish_connection(
                bleak_retry_connector.BleakClientWithServiceCache,
                self._ble_device,
                self.name,
                disconnected_callback=self._on_bleak_disconnected,
                ble_device_callback=self._latest_ble_device,
            )
        except bleak_retry_connector.BleakOutOfConnectionSlotsError as err:
            self._connect_failures += 1
            self._out_of_slots += 1
            msg = f"{self.name}: no free Bluetooth connection slot: {err}"
            raise StrapOutOfSlotsError(msg) from err
        except _LINK_ERRORS as err:
            self._connect_failures += 1
            msg = f"{self.name}: could not connect: {err}"
            raise StrapConnectionError(msg) from err

    def _latest_ble_device(self) -> BLEDevice:
        return self._ble_device

    async def _set_up(
        self, client: bleak_retry_connector.BleakClientWithServiceCache, epoch: int
    ) -> None:
        """Read the strap's info, then subscribe. Link errors propagate."""
        if epoch != self._epoch:
            msg = f"{self.name}: disconnect() was called while connecting"
            raise StrapConnectionError(msg)
        services = client.services
        hrm = services.get_characteristic(HEART_RATE_MEASUREMENT_UUID)
        if hrm is None:
            await self._clear_cache(client)  # a stale service cache is the usual cause
            msg = f"{self.name}: no Heart Rate Measurement characteristic (0x2A37)"
            raise StrapConnectionError(msg)
        if not self._static_info_read:
            await self._read_static_info(client)
        battery = services.get_characteristic(BATTERY_LEVEL_UUID)
        if battery is not None:
            await self._read_battery(client, battery)

        # The link is back: close the gap before the first frame can arrive (a frame may
        # be handed over before start_notify returns). A failure below reopens it.
        self._close_gap()
        try:
            async with asyncio.timeout(GATT_TIMEOUT_S):
                await client.start_notify(hrm, self._on_measurement)
        except _LINK_ERRORS:
            await self._clear_cache(client)  # bleak-esphome#416, core#97608
            raise
        self._streaming = True
        self._subscribed = (hrm,)
        if battery is not None and self._notify_battery and "notify" in battery.properties:
            await self._subscribe_battery(client, battery)
        if self._client is not client or not client.is_connected:
            msg = f"{self.name}: link lost while subscribing"
            raise StrapConnectionError(msg)

    async def _subscribe_battery(
        self,
        client: bleak_retry_connector.BleakClientWithServiceCache,
        battery: BleakGATTCharacteristic,
    ) -> None:
        """Subscribe to Battery Level; a failure only costs the live battery updates."""
        try:
            async with asyncio.timeout(GATT_TIMEOUT_S):
                await client.start_notify(battery, self._on_battery)
        except _LINK_ERRORS as err:
            _LOGGER.debug("%s: battery notifications unavailable: %r", self.name, err)
        else:
            self._subscribed = (*self._subscribed, battery)

    async def _clear_cache(self, client: bleak_retry_connector.BleakClientWithServiceCache) -> None:
        """Drop the cached GATT services so the next connect discovers them again."""
        try:
            async with asyncio.timeout(GATT_TIMEOUT_S):
                await client.clear_cache()
        except _LINK_ERRORS as err:
            _LOGGER.debug("%s: clearing the service cache failed: %r", self.name, err)

    async def _read(
        self, client: bleak_retry_connector.BleakClientWithServiceCache, uuid: str
    ) -> bytearray | None:
        """Read a characteristic if the strap has it; None when it does not."""
        char = client.services.get_characteristic(uuid)
        if char is None:
            return None
        async with asyncio.timeout(GATT_TIMEOUT_S):
            return await client.read_gatt_char(char)

    async def _read_static_info(
        self, client: bleak_retry_connector.BleakClientWithServiceCache
    ) -> None:
        """Read Device Information and Body Sensor Location; marked done only if complete."""
        values: dict[str, str | None] = {}
        complete = True
        for field, uuid in _DEVICE_INFORMATION_FIELDS:
            try:
                data = await self._read(client, uuid)
            except _LINK_ERRORS as err:
                _LOGGER.debug("%s: reading %s failed: %r", self.name, field, err)
                complete = False
                continue
            values[field] = None if data is None else decode_device_information_string(data)
        location = None
        try:
            data = await self._read(client, BODY_SENSOR_LOCATION_UUID)
            if data is not None:
                location = parse_body_sensor_location(data)
        except ProtocolError as err:
            _LOGGER.debug("%s: body sensor location: %s", self.name, err)
        except _LINK_ERRORS as err:
            _LOGGER.debug("%s: reading body sensor location failed: %r", self.name, err)
            complete = False
        self._info = replace(
            self._info,
            manufacturer=values.get("manufacturer"),
            model=values.get("model"),
            serial_number=values.get("serial_number"),
            firmware_revision=values.get("firmware_revision"),
            hardware_revision=values.get("hardware_revision"),
            software_revision=values.get("software_revision"),
            body_sensor_location=location,
        )
        self._static_info_read = complete

    async def _read_battery(
        self,
        client: bleak_retry_connector.BleakClientWithServiceCache,
        char: BleakGATTCharacteristic,
    ) -> None:
        """Read Battery Level into `info`; a failed read or bad value keeps the old one."""
        try:
            async with asyncio.timeout(GATT_TIMEOUT_S):
                data = await client.read_gatt_char(char)
            self._info = replace(self._info, battery_pct=parse_battery_level(data))
        except ProtocolError as err:
            _LOGGER.debug("%s: battery level: %s", self.name, err)
        except _LINK_ERRORS as err:
            _LOGGER.debug("%s: reading battery level failed: %r", self.name, err)

    async def read_battery(self) -> int | None:
        """Read Battery Level again (e.g. every few hours while connected).

        Returns:
            The battery level in percent (also stored in `info`), or None when the strap
            has no battery characteristic or has never sent a valid level.

        Raises:
            StrapConnectionError: if not connected or the read fails.
        """
        client = self._client
        if client is None or not self.is_connected:
            msg = f"{self.name}: not connected"
            raise StrapConnectionError(msg)
        try:
            data = await self._read(client, BATTERY_LEVEL_UUID)
        except _LINK_ERRORS as err:
            msg = f"{self.name}: reading battery level failed: {err!r}"
            raise StrapConnectionError(msg) from err
        if data is not None:
            try:
                self._info = replace(self._info, battery_pct=parse_battery_level(data))
            except ProtocolError as err:
                _LOGGER.debug("%s: battery level: %s", self.name, err)
        return self._info.battery_pct

    # ------------------------------------------------------------------ disconnect

    async def disconnect(self, reason: str = "requested") -> None:
        """Unsubscribe and drop the link; also aborts a `connect` in progress.

        The gap this opens is marked ``expected``; disconnected callbacks still run.

        Args:
            reason: Recorded as the gap's and the stats' disconnect reason (e.g.
                ``"stopped"``, ``"stale"``).
        """
        self._epoch += 1
        client = self._client
        if client is None:
            return
        self._disconnect_reason = reason
        try:
            if client.is_connected:
                for char in self._subscribed:
                    try:
                        async with asyncio.timeout(GATT_TIMEOUT_S):
                            await client.stop_notify(char)
                    except _LINK_ERRORS as err:
                        _LOGGER.debug("%s: stop_notify failed: %r", self.name, err)
            try:
                async with asyncio.timeout(GATT_TIMEOUT_S):
                    await client.disconnect()
            except _LINK_ERRORS as err:
                _LOGGER.debug("%s: disconnect failed: %r", self.name, err)
        finally:
            self._disconnect_reason = None
            if self._client is client:  # the backend did not call back
                self._link_down(reason, expected=True)

    async def _quiet_disconnect(
        self, client: bleak_retry_connector.BleakClientWithServiceCache
    ) -> None:
        """Disconnect a client we no longer track; errors only logged."""
        try:
            async with asyncio.timeout(GATT_TIMEOUT_S):
                await client.disconnect()
        except _LINK_ERRORS as err:
            _LOGGER.debug("%s: disconnecting a dead link failed: %r", self.name, err)

    async def _abandon(
        self, client: bleak_retry_connector.BleakClientWithServiceCache, *, reason: str
    ) -> None:
        """Drop a client whose setup failed."""
        self._disconnect_reason = reason
        try:
            async with asyncio.timeout(GATT_TIMEOUT_S):
                await client.disconnect()
        except _LINK_ERRORS as err:
            _LOGGER.debug("%s: disconnect after failed setup: %r", self.name, err)
        finally:
            self._disconnect_reason = None
            if self._client is client:
                self._link_down(reason, expected=True)

    def _on_bleak_disconnected(
        self, client: bleak_retry_connector.BleakClientWithServiceCache
    ) -> None:
        """Bleak's disconnected_callback: the link is gone (asked for or not)."""
        if client is not self._client:
            return  # a client we already dropped
        reason = self._disconnect_reason
        self._link_down(reason or UNKNOWN_DISCONNECT_REASON, expected=reason is not None)

    def _link_down(self, reason: str, *, expected: bool) -> None:
        """Forget the client; open a gap if frames flowed on this link, tell subscribers.

        A link that never delivered a frame breaks nothing new: a gap closed while
        subscribing on it is simply reopened.
        """
        had_stream = self._streaming or self._frames_on_link > 0
        self._client = None
        self._streaming = False
        self._frames_on_link = 0
        self._subscribed = ()
        self._last_disconnect_reason = reason
        if not had_stream:
            self._reopen_gap()
            _LOGGER.debug("%s: disconnected before streaming (%s)", self.name, reason)
            return
        # An undelivered closed gap (no frame since the last reconnect) extends into this one.
        previous = self._pending_gap
        gap = Gap(
            started_t_s=previous.started_t_s if previous else self._clock(),
            started_at=previous.started_at if previous else self._wall_clock(),
            reason=reason,
            expected=expected,
        )
        self._pending_gap = None
        self._open_gap = gap
        self._last_gap = gap
        self._gaps += 1
        _LOGGER.debug(
            "%s: disconnected (%s, %s)", self.name, reason, "expected" if expected else "unexpected"
        )
        for callback in self._disconnected_callbacks:
            try:
                callback(gap)
            except Exception:
                _LOGGER.exception("%s: error in disconnected callback %r", self.name, callback)

    def _close_gap(self) -> None:
        """Mark the open gap as ended now; it travels with the next frame."""
        if (gap := self._open_gap) is None:
            return
        closed = replace(gap, ended_t_s=self._clock(), ended_at=self._wall_clock())
        self._open_gap = None
        self._pending_gap = closed
        self._last_gap = closed

    def _reopen_gap(self) -> None:
        """Undo `_close_gap` when the link fails before its first frame."""
        if (gap := self._pending_gap) is None or gap.ended_t_s is None:
            return
        reopened = replace(gap, ended_t_s=None, ended_at=None)
        self._pending_gap = None
        self._open_gap = reopened
        self._last_gap = reopened

    # ------------------------------------------------------------------ notifications

    def _on_measurement(self, _char: BleakGATTCharacteristic, data: bytearray) -> None:
        """Parse one 0x2A37 notification and hand it to every subscriber."""
        t_s = self._clock()
        try:
            measurement = parse_heart_rate_measurement(data)
        except ProtocolError as err:
            self._bad_frames += 1
            _LOGGER.debug("%s: dropped frame %s: %s", self.name, data.hex(" "), err)
            return
        self._frames += 1
        self._frames_on_link += 1
        self._rr_values += len(measurement.rr_1024)
        if measurement.truncated:
            self._truncated_frames += 1
        self._last_frame_t_s = t_s
        reception = Reception(t_s=t_s, received_at=self._wall_clock(), gap=self._pending_gap)
        self._pending_gap = None
        for callback in self._callbacks:
            try:
                callback(measurement, reception)
            except Exception:
                _LOGGER.exception("%s: error in measurement callback %r", self.name, callback)

    def _on_battery(self, _char: BleakGATTCharacteristic, data: bytearray) -> None:
        """Store a Battery Level notification in `info`."""
        try:
            self._info = replace(self._info, battery_pct=parse_battery_level(data))
        except ProtocolError as err:
            _LOGGER.debug("%s: battery level: %s", self.name, err)
