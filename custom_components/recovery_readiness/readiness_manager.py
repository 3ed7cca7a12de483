"""A person's morning measurement and readiness: the strap's beats → a measurement → readiness.

The manager listens to the person's linked strap (its in-memory beat stream), runs the morning
measurement of `physiology.measurement`, stores accepted results, and recomputes the baselines
and the readiness of `physiology.readiness` whenever a measurement, the sleep summary or the day
changes. Entities read the frozen `ReadinessSnapshot` it publishes.

Measurement rules (README "Morning measurement"):
- It starts by itself when the linked strap is connected with skin contact inside the morning
  window and today has no accepted measurement yet (once per connection, so a rejected attempt is
  not retried in a loop), and on request (button, `start_measurement` action) at any time.
- Phases: waiting for contact → stabilising (discarded) → measuring → done or rejected.
- Lost contact or a disconnect while stabilising pauses it (back to waiting for contact, the
  clock restarts); while measuring it rejects it with the reason. A partial or rejected
  measurement is never stored.
- Per day the first accepted measurement inside the morning window counts (`daily_values`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_change, async_track_time_interval
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .const import (
    CONF_MEASUREMENT_DURATION_S,
    CONF_MORNING_END,
    CONF_MORNING_START,
    DEFAULT_MEASUREMENT_DURATION_S,
    DEFAULT_MORNING_END,
    DEFAULT_MORNING_START,
    DOMAIN,
    LOGGER,
)
from .coordinator import BeatBatch, StrapCoordinator
from .physiology.measurement import (
    MeasurementPhase,
    MeasurementSession,
    MeasurementSettings,
    MorningMeasurement,
)
from .physiology.readiness import (
    HrvBaseline,
    Readiness,
    RhrBaseline,
    daily_values,
    hrv_baseline,
    readiness,
    rhr_baseline,
)
from .readiness_store import ReadinessStore, StoredMeasurement

if TYPE_CHECKING:
    from .person import PersonConfigEntry, PersonRuntime

EVENT_MEASUREMENT_COMPLETED: Final = f"{DOMAIN}_measurement_completed"
PROGRESS_PUBLISH_S: Final = 5.0
"""Progress is written at most this often while a measurement runs (recorder load)."""
LINK_CHECK_INTERVAL: Final = timedelta(seconds=10)


class MeasurementState(StrEnum):
    """The measurement's phase, as the progress sensor shows it."""

    IDLE = "idle"
    WAITING_FOR_CONTACT = "waiting_for_contact"
    STABILISING = "stabilising"
    MEASURING = "measuring"
    DONE = "done"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasurementStatus:
    """Where the current (or last) measurement stands."""

    state: MeasurementState = MeasurementState.IDLE
    progress_pct: float | None = None
    reason: str | None = None
    """Why it was rejected or paused: a translation key (e.g. ``contact_lost``)."""
    started_at: datetime | None = None
    trigger: str | None = None
    """``auto``, ``button`` or ``action``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadinessSnapshot:
    """Everything the readiness entities show; replaced, never mutated."""

    day: Any = None
    readiness: Readiness | None = None
    hrv: HrvBaseline | None = None
    rhr: RhrBaseline | None = None
    today: StoredMeasurement | None = None
    last: StoredMeasurement | None = None
    status: MeasurementStatus = MeasurementStatus()


def _time_option(value: Any, default: time) -> time:
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            return default
    return default


class ReadinessManager(DataUpdateCoordinator[ReadinessSnapshot]):
    """Runs the morning measurement of one person and keeps their readiness current."""

    config_entry: PersonConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: PersonConfigEntry, person: PersonRuntime
    ) -> None:
        """Bind to a person; nothing runs before `async_start`."""
        super().__init__(hass, LOGGER, config_entry=entry, name=f"{entry.title} readiness")
        self.person = person
        self.store = ReadinessStore(hass, entry.entry_id, entry.title)
        self.history: tuple[StoredMeasurement, ...] = ()
        options = {**entry.data, **entry.options}
        self.morning_start = _time_option(
            options.get(CONF_MORNING_START), time.fromisoformat(DEFAULT_MORNING_START)
        )
        self.morning_end = _time_option(
            options.get(CONF_MORNING_END), time.fromisoformat(DEFAULT_MORNING_END)
        )
        if self.morning_start >= self.morning_end:  # stored by hand or an older release
            LOGGER.warning(
                "%s: morning window %s-%s ends before it starts; using %s-%s",
                entry.title,
                self.morning_start,
                self.morning_end,
                DEFAULT_MORNING_START,
                DEFAULT_MORNING_END,
            )
            self.morning_start = time.fromisoformat(DEFAULT_MORNING_START)
            self.morning_end = time.fromisoformat(DEFAULT_MORNING_END)
        self.settings = MeasurementSettings(
            analysis_s=float(
                options.get(CONF_MEASUREMENT_DURATION_S, DEFAULT_MEASUREMENT_DURATION_S)
            )
        )
        self.data = ReadinessSnapshot()
        self._session: MeasurementSession | None = None
        self._strap: StrapCoordinator | None = None
        self._strap_unsubs: list[CALLBACK_TYPE] = []
        self._auto_armed = True
        self._was_connected = False
        self._last_progress_publish = datetime.min.replace(tzinfo=dt_util.UTC)

    # ------------------------------------------------------------------ lifecycle

    async def async_start(self) -> None:
        """Load the history, compute today's readiness and follow the strap and the day."""
        self.history = await self.store.async_load()
        self._recompute()
        entry = self.config_entry
        entry.async_on_unload(self.person.async_add_listener(self._on_sleep_changed))
        entry.async_on_unload(
            async_track_time_change(self.hass, self._on_new_day, hour=0, minute=0, second=5)
        )
        entry.async_on_unload(
            async_track_time_interval(self.hass, self._check_strap_link, LINK_CHECK_INTERVAL)
        )
        entry.async_on_unload(lambda: self._drop_strap(interrupt=False))
        entry.async_on_unload(self._async_save_on_unload)
        self._check_strap_link()

    async def _async_save_on_unload(self) -> None:
        """Write the history now: a reload must find what was just added."""
        await self.store.async_save(self.history)

    @property
    def strap(self) -> StrapCoordinator | None:
        """The linked strap's coordinator while its entry is loaded."""
        return self._strap

    @callback
    def _check_strap_link(self, _now: datetime | None = None) -> None:
        """Follow the linked strap entry (it may load, unload or reload at any time)."""
        strap: StrapCoordinator | None = None
        if (strap_id := self.person.strap_entry_id) and (
            strap_entry := self.hass.config_entries.async_get_entry(strap_id)
        ):
            runtime = getattr(strap_entry, "runtime_data", None)
            if strap_entry.state is ConfigEntryState.LOADED and isinstance(
                runtime, StrapCoordinator
            ):
                strap = runtime
        if strap is self._strap:
            return
        self._drop_strap()
        self._strap = strap
        if strap is not None:
            self._strap_unsubs = [
                strap.async_add_beat_listener(self._on_beats),
                strap.async_add_listener(self._on_strap_update),
            ]
            self._was_connected = strap.connected

    @callback
    def _drop_strap(self, *, interrupt: bool = True) -> None:
        """Stop following the strap; a running measurement loses its beats with it."""
        for unsub in self._strap_unsubs:
            unsub()
        self._strap_unsubs = []
        if self._strap is not None and interrupt and self.running:
            self._interrupt("disconnected")
        self._strap = None

    # ------------------------------------------------------------------ starting

    def _in_morning_window(self, now: datetime) -> bool:
        """Local time inside [start, end); the forms keep start before end."""
        return self.morning_start <= dt_util.as_local(now).time() < self.morning_end

    @property
    def running(self) -> bool:
        """Whether a measurement is waiting, stabilising or measuring."""
        return self.data.status.state in (
            MeasurementState.WAITING_FOR_CONTACT,
            MeasurementState.STABILISING,
            MeasurementState.MEASURING,
        )

    @callback
    def async_start_measurement(self, trigger: str) -> None:
        """Start (or restart) a measurement now; it waits for skin contact if needed."""
        self._session = None
        self._set_status(
            MeasurementStatus(
                state=MeasurementState.WAITING_FOR_CONTACT,
                progress_pct=0.0,
                started_at=dt_util.utcnow(),
                trigger=trigger,
            )
        )
        LOGGER.debug("%s: measurement requested (%s)", self.config_entry.title, trigger)

    # ------------------------------------------------------------------ stream

    @callback
    def _on_strap_update(self) -> None:
        """The strap connected or disconnected."""
        strap = self._strap
        connected = strap is not None and strap.connected
        if connected and not self._was_connected:
            self._auto_armed = True
        if not connected and self._was_connected:
            self._interrupt("disconnected")
        self._was_connected = connected

    @callback
    def _on_beats(self, batch: BeatBatch) -> None:
        """One notification's RR intervals (event loop, ~1 Hz)."""
        now = batch.received_at
        worn = batch.sensor_contact is True or (
            batch.sensor_contact is None and batch.hr_bpm is not None
        )
        if not self.running:
            if not (
                worn
                and self._auto_armed
                and self._in_morning_window(now)
                and self.data.today is None
            ):
                return
            self._auto_armed = False
            self.async_start_measurement("auto")
        if batch.sensor_contact is False:
            self._interrupt("contact_lost")
            return
        if self._session is None:
            if not worn:
                return
            self._session = MeasurementSession(settings=self.settings)
        elif batch.after_gap:
            self._session.disconnect()
        rr_ms = tuple(v for v in batch.rr_ms if v > 0)
        if len(rr_ms) != len(batch.rr_ms):
            # A zero tick is garbage: drop it, and never join the beats around it.
            self._session.disconnect()
        progress = self._session.add(batch.t_s, rr_ms)
        if progress.phase is MeasurementPhase.COMPLETE:
            self._finish(self._session.result(), now)
            return
        state = (
            MeasurementState.MEASURING
            if progress.phase is MeasurementPhase.ANALYSING
            else MeasurementState.STABILISING
        )
        total = progress.elapsed_s + progress.remaining_s
        pct = round(100.0 * progress.elapsed_s / total, 1) if total > 0 else 0.0
        status = replace(self.data.status, state=state, progress_pct=pct, reason=None)
        if (
            state != self.data.status.state
            or (now - self._last_progress_publish).total_seconds() >= PROGRESS_PUBLISH_S
        ):
            self._last_progress_publish = now
            self._set_status(status)
        else:
            self.data = replace(self.data, status=status)

    @callback
    def _interrupt(self, reason: str) -> None:
        """Contact or link lost: pause while stabilising, reject while measuring."""
        state = self.data.status.state
        if state is MeasurementState.MEASURING:
            LOGGER.info("%s: measurement rejected (%s)", self.config_entry.title, reason)
            self._session = None
            self._set_status(
                replace(self.data.status, state=MeasurementState.REJECTED, reason=reason)
            )
            self._fire_completed(None, reason)
        elif state in (MeasurementState.STABILISING, MeasurementState.WAITING_FOR_CONTACT):
            self._session = None
            self._set_status(
                replace(
                    self.data.status,
                    state=MeasurementState.WAITING_FOR_CONTACT,
                    progress_pct=0.0,
                    reason=reason,
                )
            )

    def _finish(self, result: MorningMeasurement, now: datetime) -> None:
        self._session = None
        if not result.accepted or result.ln_rmssd is None or result.rmssd_ms is None:
            reason = result.rejection.value if result.rejection else "rejected"
            LOGGER.info("%s: measurement rejected (%s)", self.config_entry.title, reason)
            self._set_status(
                replace(self.data.status, state=MeasurementState.REJECTED, reason=reason)
            )
            self._fire_completed(None, reason)
            return
        # Dated when it started: one begun inside the morning window counts for that morning.
        started = self.data.status.started_at or now
        measurement = StoredMeasurement(
            measured_at=dt_util.as_utc(started),
            ln_rmssd=result.ln_rmssd,
            rmssd_ms=result.rmssd_ms,
            hr_bpm=result.hr_bpm,
            artifact_ratio=result.artifact_ratio,
            duration_s=result.duration_s,
            source="strap",
        )
        self.async_add_measurements((measurement,))
        self._set_status(replace(self.data.status, state=MeasurementState.DONE, progress_pct=100.0))
        self._fire_completed(measurement, None)

    def _fire_completed(self, m: StoredMeasurement | None, reason: str | None) -> None:
        result = self.data.readiness
        self.hass.bus.async_fire(
            EVENT_MEASUREMENT_COMPLETED,
            {
                "entry_id": self.config_entry.entry_id,
                "profile": self.config_entry.title,
                "quality": "accepted" if m is not None else "rejected",
                "reason": reason,
                "ln_rmssd": None if m is None else round(m.ln_rmssd, 4),
                "rmssd_ms": None if m is None else round(m.rmssd_ms, 2),
                "resting_hr_bpm": None if m is None or m.hr_bpm is None else round(m.hr_bpm, 1),
                "artifact_ratio": (
                    None if m is None or m.artifact_ratio is None else round(m.artifact_ratio, 4)
                ),
                "readiness_score": None if result is None else result.score,
                "readiness_level": None
                if result is None or result.level is None
                else result.level.value,
                "recommendation": None
                if result is None or result.recommendation is None
                else result.recommendation.value,
            },
        )

    # ------------------------------------------------------------------ history

    @callback
    def async_add_measurements(self, new: tuple[StoredMeasurement, ...]) -> int:
        """Add measurements (deduplicated), save, recompute; return how many were new."""
        known = {m.key for m in self.history}
        fresh: list[StoredMeasurement] = []
        for m in new:
            if m.key not in known:
                known.add(m.key)
                fresh.append(m)
        if fresh:
            self.history = tuple(sorted((*self.history, *fresh), key=lambda m: m.measured_at))
            self.store.async_schedule_save(lambda: self.history)
            self._recompute()
        return len(fresh)

    @callback
    def _on_sleep_changed(self) -> None:
        self._recompute()

    @callback
    def _on_new_day(self, _now: datetime) -> None:
        self._auto_armed = True
        if self.data.status.state in (MeasurementState.DONE, MeasurementState.REJECTED):
            self.data = replace(self.data, status=MeasurementStatus())
        self._recompute()

    def _recompute(self) -> None:
        """Baselines and readiness for today (local date), from the history and sleep."""
        tz = dt_util.get_default_time_zone()
        day = dt_util.now().date()
        timed = [m for m in self.history if m.day is None]
        hrv_daily = daily_values(
            ((m.measured_at, m.ln_rmssd) for m in timed),
            tz=tz,
            morning_start=self.morning_start,
            morning_end=self.morning_end,
        )
        rhr_daily = daily_values(
            ((m.measured_at, m.hr_bpm) for m in timed),
            tz=tz,
            morning_start=self.morning_start,
            morning_end=self.morning_end,
        )
        for m in self.history:  # imported daily values belong to their date
            if m.day is not None:
                hrv_daily.setdefault(m.day, m.ln_rmssd)
                if m.hr_bpm is not None:
                    rhr_daily.setdefault(m.day, m.hr_bpm)
        hrv = hrv_baseline(hrv_daily, day)
        rhr = rhr_baseline(rhr_daily, day)
        sleep = self.person.sleep_summary
        if sleep is not None and sleep.today != day:
            sleep = None
        today = next(
            (
                m
                for m in timed
                if dt_util.as_local(m.measured_at).date() == day
                and self._in_morning_window(m.measured_at)
            ),
            next((m for m in self.history if m.day == day), None),
        )
        self.async_set_updated_data(
            replace(
                self.data,
                day=day,
                readiness=readiness(day=day, hrv=hrv, rhr=rhr, sleep=sleep),
                hrv=hrv,
                rhr=rhr,
                today=today,
                last=self.history[-1] if self.history else None,
            )
        )

    def _set_status(self, status: MeasurementStatus) -> None:
        self.async_set_updated_data(replace(self.data, status=status))
