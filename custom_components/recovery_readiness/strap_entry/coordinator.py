"""Push coordinator of one heart-rate strap: connection, availability, live values, beat stream.

Notification bytes → `strap` (parse) → this coordinator → a frozen `StrapSnapshot` → entities.
The connection follows ../shared/docs/ble-heart-rate.md §6.3: advert-driven reconnect, bounded
back-off otherwise, a long cool-down and a repair issue when no proxy has a free slot.

Recorder load: entities are written from the snapshot, which is published at most once per
`PUBLISH_INTERVAL_S` while the strap streams at ~1 Hz (heart rate = median of the frames since
the last publication); connection changes publish at once. Every beat still reaches beat
listeners immediately, in memory (`async_add_beat_listener`).
"""

from __future__ import annotations

import statistics
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from time import monotonic
from typing import Final

from bleak.backends.device import BLEDevice
from homeassistant.components import bluetooth
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_ADDRESS, EVENT_HOMEASSISTANT_STOP
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later, async_track_time_interval
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from ..const import DOMAIN, LOGGER
from ..physiology import InsufficientDataError
from ..physiology.artifacts import correct_rr
from ..physiology.hrv import time_domain
from ..strap import (
    HeartRateMeasurement,
    HeartRateStrap,
    Reception,
    StrapConnectionError,
    StrapInfo,
    StrapOutOfSlotsError,
    StrapStats,
)
from .connection import OUT_OF_SLOTS_COOLDOWN_S, ReconnectPolicy

PUBLISH_INTERVAL_S: Final = 5.0
"""At most one state per entity per this many seconds while streaming."""
STALE_S: Final = 10.0
"""Live entities are unavailable when the last frame is older than this (§6.2)."""
ZOMBIE_S: Final = 3 * STALE_S
"""Connected but silent this long: drop the link actively (§6.3)."""
WATCHDOG_INTERVAL: Final = timedelta(seconds=5)
BATTERY_READ_INTERVAL: Final = timedelta(hours=1)
"""While connected, Battery Level is read this often (notifications, where offered, come sooner)."""
LIVE_WINDOW_S: Final = 60.0
LIVE_MIN_SUCCESSIVE: Final = 30
"""Live RMSSD needs this many successive differences of clean beats in the last 60 s."""
CONTACT_DEBOUNCE_FRAMES: Final = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class StrapSnapshot:
    """What the strap entities show; replaced, never mutated."""

    connected: bool = False
    streaming: bool = False
    """Connected and the last frame is at most `STALE_S` old: live entities are available."""
    hr_bpm: float | None = None
    rmssd_ms: float | None = None
    sensor_contact: bool | None = None
    contact_supported: bool = False
    battery_pct: int | None = None
    rssi_dbm: int | None = None
    last_frame_t_s: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BeatBatch:
    """The RR intervals of one notification, for in-memory listeners (never recorded).

    Attributes:
        rr_ms: RR intervals in ms, oldest first.
        hr_bpm: Heart rate of the frame, None when the strap reports none.
        sensor_contact: As sent; None when the strap has no contact sensing.
        t_s: Monotonic receive time (not a beat time: RR values can be seconds old).
        received_at: Aware receive time.
        after_gap: True on the first batch after a disconnect: do not join RR across it.
    """

    rr_ms: tuple[float, ...]
    hr_bpm: int | None
    sensor_contact: bool | None
    t_s: float
    received_at: datetime
    after_gap: bool


type BeatListener = Callable[[BeatBatch], None]


class StrapCoordinator(DataUpdateCoordinator[StrapSnapshot]):
    """Connects one strap, publishes its live values and fans its beats out."""

    config_entry: ConfigEntry

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Prepare; nothing connects before `async_start`."""
        super().__init__(hass, LOGGER, config_entry=entry, name=entry.title)
        self.address: str = entry.data[CONF_ADDRESS]
        self.strap: HeartRateStrap | None = None
        self.data = StrapSnapshot()
        self._wanted = False
        self._connecting = False
        self._policy = ReconnectPolicy()
        self._publish_unsub: CALLBACK_TYPE | None = None
        self._watchdog_unsub: CALLBACK_TYPE | None = None
        self._battery_unsub: CALLBACK_TYPE | None = None
        self._strap_unsubs: list[CALLBACK_TYPE] = []
        self._beat_listeners: list[BeatListener] = []
        self._hr_window: list[int] = []
        self._live_rr: deque[tuple[float, float]] = deque()
        self._contact_run: tuple[bool | None, int] = (None, 0)
        self._unavailable_logged = False
        self._last_publish_t = 0.0

    # ------------------------------------------------------------------ public API

    @property
    def connected(self) -> bool:
        """Whether the GATT link is up."""
        return self.strap is not None and self.strap.is_connected

    @property
    def streaming(self) -> bool:
        """Connected and the last frame is fresh: live entities are available."""
        last = self.data.last_frame_t_s
        return self.connected and last is not None and monotonic() - last <= STALE_S

    @property
    def info(self) -> StrapInfo:
        """What the strap said about itself (empty before the first connection)."""
        return self.strap.info if self.strap else StrapInfo()

    @property
    def stats(self) -> StrapStats:
        """Connection and frame counters."""
        return self.strap.stats if self.strap else StrapStats()

    @callback
    def async_add_beat_listener(self, listener: BeatListener) -> CALLBACK_TYPE:
        """Receive every notification's RR intervals as they arrive; returns the unsubscribe."""
        self._beat_listeners.append(listener)

        @callback
        def _remove() -> None:
            self._beat_listeners.remove(listener)

        return _remove

    @callback
    def async_start(self) -> None:
        """Follow the strap's adverts and connect whenever it is seen."""
        self._wanted = True
        entry = self.config_entry
        entry.async_on_unload(
            bluetooth.async_register_callback(
                self.hass,
                self._async_on_advertisement,
                bluetooth.BluetoothCallbackMatcher(address=self.address, connectable=True),
                bluetooth.BluetoothScanningMode.ACTIVE,
            )
        )
        entry.async_on_unload(
            self.hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, self._async_on_hass_stop)
        )
        self._watchdog_unsub = async_track_time_interval(
            self.hass, self._async_watchdog, WATCHDOG_INTERVAL, cancel_on_shutdown=True
        )
        self._battery_unsub = async_track_time_interval(
            self.hass, self._async_read_battery, BATTERY_READ_INTERVAL, cancel_on_shutdown=True
        )
        if device := bluetooth.async_ble_device_from_address(
            self.hass, self.address, connectable=True
        ):
            self._ensure_strap(device)
            self._schedule_connect()

    async def async_stop(self) -> None:
        """Stop wanting the strap, cancel timers and disconnect."""
        self._wanted = False
        for unsub in (self._publish_unsub, self._watchdog_unsub, self._battery_unsub):
            if unsub is not None:
                unsub()
        self._publish_unsub = self._watchdog_unsub = self._battery_unsub = None
        for unsub in self._strap_unsubs:
            unsub()
        self._strap_unsubs.clear()
        if self.strap is not None:
            await self.strap.disconnect("stopped")

    # ------------------------------------------------------------------ connection

    def _ensure_strap(self, device: BLEDevice) -> HeartRateStrap:
        if self.strap is None:
            self.strap = strap = HeartRateStrap(device)
            self._strap_unsubs = [
                strap.register_callback(self._on_measurement),
                strap.register_disconnected_callback(lambda _gap: self._on_disconnected()),
            ]
        else:
            self.strap.set_ble_device_and_advertisement_data(device, None)
        return self.strap

    @callback
    def _async_on_advertisement(
        self, info: bluetooth.BluetoothServiceInfoBleak, _change: bluetooth.BluetoothChange
    ) -> None:
        strap = self._ensure_strap(info.device)
        strap.set_ble_device_and_advertisement_data(info.device, info.advertisement)
        if self.data.rssi_dbm != info.rssi:
            self.data = replace(self.data, rssi_dbm=info.rssi)
        self._schedule_connect()

    @callback
    def _schedule_connect(self) -> None:
        """Start one background connect, unless one runs, it is up, or we are backing off."""
        if (
            not self._wanted
            or self._connecting
            or self.connected
            or not self._policy.may_connect(monotonic())
        ):
            return
        self._connecting = True
        self.config_entry.async_create_background_task(
            self.hass, self._async_connect(), f"{DOMAIN}-connect-{self.address}"
        )

    async def _async_connect(self) -> None:
        strap = self.strap
        assert strap is not None  # noqa: S101  (set before any connect is scheduled)
        try:
            await strap.connect()
        except StrapOutOfSlotsError:
            LOGGER.warning(
                "%s: no Bluetooth adapter or proxy in range has a free connection slot; "
                "retrying in %d minutes",
                strap.name,
                OUT_OF_SLOTS_COOLDOWN_S // 60,
            )
            if self._policy.out_of_slots_failed(monotonic()):
                self._create_slot_issue(strap.name)
        except StrapConnectionError as err:
            delay = self._policy.failed(monotonic())
            LOGGER.debug("%s: connect failed (%s); next try in %.0f s", strap.name, err, delay)
        except Exception:  # noqa: BLE001  (a bug or an unforeseen library error: never spin on it)
            self._policy.failed_unexpectedly(monotonic())
            LOGGER.exception("%s: unexpected error while connecting", strap.name)
        else:
            self._policy.succeeded()
            ir.async_delete_issue(self.hass, DOMAIN, self._slot_issue_id)
            self._update_device_registry(strap.info)
            if self._unavailable_logged:
                LOGGER.info("%s: connected again", strap.name)
                self._unavailable_logged = False
            else:
                LOGGER.debug("%s: connected", strap.name)
            # Frames may already have arrived on this link (they flow as soon as the strap
            # is subscribed); the stream state is theirs to set.
            self.data = replace(self.data, connected=True, battery_pct=strap.info.battery_pct)
            self.async_set_updated_data(self.data)
        finally:
            self._connecting = False

    @callback
    def _async_reconnect_if_advertising(self) -> None:
        """Connect when the strap advertised after the link dropped (or the last failure).

        HA's bluetooth manager calls advert callbacks only when an advert differs from the
        last one it kept, so a strap that drops the link and advertises exactly as before
        raises no callback; its advert history does move on, and that is checked here.
        """
        info = bluetooth.async_last_service_info(self.hass, self.address, connectable=True)
        if info is not None and self._policy.advert_is_new(info.time):
            self._ensure_strap(info.device)
            self._schedule_connect()

    @property
    def _slot_issue_id(self) -> str:
        return f"no_connection_slot_{self.address}"

    def _create_slot_issue(self, name: str) -> None:
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self._slot_issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="no_connection_slot",
            translation_placeholders={"name": name},
        )

    def _update_device_registry(self, info: StrapInfo) -> None:
        """Fill in what the strap told us about itself (Device Information service)."""
        dr.async_get(self.hass).async_get_or_create(
            config_entry_id=self.config_entry.entry_id,
            connections={(dr.CONNECTION_BLUETOOTH, self.address)},
            manufacturer=info.manufacturer,
            model=info.model,
            sw_version=info.firmware_revision,
            hw_version=info.hardware_revision,
        )

    @callback
    def _on_disconnected(self) -> None:
        self._live_rr.clear()
        self._hr_window.clear()
        self._contact_run = (None, 0)
        self.data = replace(
            self.data,
            connected=False,
            streaming=False,
            hr_bpm=None,
            rmssd_ms=None,
            last_frame_t_s=None,
        )
        if not self._unavailable_logged and self._wanted:
            LOGGER.info("%s: disconnected; waiting for it to advertise again", self.name)
            self._unavailable_logged = True
        self.async_set_updated_data(self.data)
        # Reconnect on its next advert (callback or advert history, see the watchdog).
        self._policy.link_lost(monotonic())

    async def _async_on_hass_stop(self, _event: Event) -> None:
        await self.async_stop()

    @callback
    def _async_watchdog(self, _now: datetime) -> None:
        """Every 5 s: notice a lost link, reconnect on a new advert, drop a silent link."""
        if not self.connected or self.strap is None:
            if self.data.connected:  # the link dropped before its first frame
                self._on_disconnected()
            self._async_reconnect_if_advertising()
            return
        last = self.data.last_frame_t_s
        if last is not None and monotonic() - last > ZOMBIE_S:
            LOGGER.debug("%s: silent for %.0f s; dropping the link", self.name, ZOMBIE_S)
            self.config_entry.async_create_background_task(
                self.hass, self.strap.disconnect("stale"), f"{DOMAIN}-stale-{self.address}"
            )
        streaming = self.streaming
        if streaming != self.data.streaming:
            self.data = replace(self.data, streaming=streaming)
        self.async_update_listeners()

    async def _async_read_battery(self, _now: datetime) -> None:
        """Hourly while connected: a strap without battery notifications still stays current."""
        strap = self.strap
        if strap is None or not self.connected:
            return
        try:
            battery_pct = await strap.read_battery()
        except StrapConnectionError as err:
            LOGGER.debug("%s: battery read failed: %s", strap.name, err)
            return
        if battery_pct != self.data.battery_pct:
            self.data = replace(self.data, battery_pct=battery_pct)
            self.async_set_updated_data(self.data)

    # ------------------------------------------------------------------ stream

    @callback
    def _on_measurement(self, measurement: HeartRateMeasurement, reception: Reception) -> None:
        """Per notification, O(1) on the event loop: buffer, fan out, maybe publish."""
        rr_ms = measurement.rr_ms
        if reception.gap is not None:
            self._live_rr.clear()
        batch = BeatBatch(
            rr_ms=rr_ms,
            hr_bpm=measurement.known_hr_bpm,
            sensor_contact=measurement.sensor_contact,
            t_s=reception.t_s,
            received_at=reception.received_at,
            after_gap=reception.gap is not None,
        )
        for listener in tuple(self._beat_listeners):
            try:
                listener(batch)
            except Exception:  # noqa: BLE001  (one bad listener must not stop the stream)
                LOGGER.exception("%s: error in a beat listener", self.name)
        if measurement.known_hr_bpm is not None:
            self._hr_window.append(measurement.known_hr_bpm)
        if measurement.sensor_contact is not False:
            # A zero tick is garbage, not a beat; the artefact stage takes the rest.
            self._live_rr.extend((reception.t_s, value) for value in rr_ms if value > 0)
        while self._live_rr and reception.t_s - self._live_rr[0][0] > LIVE_WINDOW_S:
            self._live_rr.popleft()
        contact = self._debounced_contact(measurement.sensor_contact)
        self.data = replace(
            self.data,
            connected=self.connected,
            last_frame_t_s=reception.t_s,
            sensor_contact=contact,
            contact_supported=self.data.contact_supported or measurement.sensor_contact is not None,
            battery_pct=self.strap.info.battery_pct if self.strap else self.data.battery_pct,
        )
        self._schedule_publish()

    def _debounced_contact(self, value: bool | None) -> bool | None:  # noqa: FBT001
        previous, count = self._contact_run
        count = count + 1 if value == previous else 1
        self._contact_run = (value, count)
        if count >= CONTACT_DEBOUNCE_FRAMES or self.data.sensor_contact is None:
            return value
        return self.data.sensor_contact

    @callback
    def _schedule_publish(self) -> None:
        if self._publish_unsub is not None:
            return
        wait = self._last_publish_t + PUBLISH_INTERVAL_S - monotonic()
        if wait <= 0:
            self._publish()
            return
        self._publish_unsub = async_call_later(self.hass, wait, self._async_publish_later)

    @callback
    def _async_publish_later(self, _now: datetime) -> None:
        self._publish_unsub = None
        self._publish()

    def _publish(self) -> None:
        self._last_publish_t = monotonic()
        hr = statistics.median(self._hr_window) if self._hr_window else None
        self._hr_window.clear()
        self.data = replace(
            self.data, hr_bpm=hr, rmssd_ms=self._live_rmssd_ms(), streaming=self.streaming
        )
        self.async_set_updated_data(self.data)

    def _live_rmssd_ms(self) -> float | None:
        """RMSSD of the clean beats of the last 60 s (artefacts corrected, never bridged)."""
        rr = [value for _t, value in self._live_rr]
        try:
            corrected = correct_rr(rr)
            return time_domain(
                corrected.nn_ms,
                breaks=corrected.breaks,
                min_successive=LIVE_MIN_SUCCESSIVE,
                min_duration_s=LIVE_WINDOW_S / 2,
            ).rmssd_ms
        except InsufficientDataError:
            return None
