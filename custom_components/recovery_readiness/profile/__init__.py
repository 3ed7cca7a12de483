"""A person profile: its parts, wired one way, and the one report its entities read.

    strap link ──beats──▶ measurement ──accepted──▶ readiness ◀──summary── sleep
                                                        │
                                   ProfileReport ◀──────┘ (report.py) ──▶ entities, events,
                                                                          get_readiness, voice

Each part receives its inputs and reports through a callback; none reaches back for them. The
runtime combines the parts' states into a `ProfileReport` after every change and publishes it
on one push coordinator. Adding a capability is one module here (its part and its entity
descriptions) plus its science in `physiology`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.event import async_track_time_change
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from ..binary_sensor import RecoveryBinarySensor
from ..button import RecoveryButton
from ..const import (
    CONF_STRAP_ADDRESS,
    CONF_STRAP_ENTRY_ID,
    DOMAIN,
    EVENT_BREATHING_COMPLETED,
    EVENT_MEASUREMENT_COMPLETED,
    EVENT_SESSION_COMPLETED,
    ISSUE_STRAP_MISSING,
    LOGGER,
)
from ..entity import EntityFeed, EntryRuntime
from ..physiology.training_load import AdviceKind, SessionLoad, SessionRecord
from ..report import BreathingState, ProfileReport, TrainingState
from ..sensor import RecoverySensor
from ..store.advice import async_remove_store as async_remove_advice_store
from ..store.breathing import BreathingStore
from ..store.breathing import async_remove_store as async_remove_breathing_store
from ..store.measurements import StoredMeasurement
from ..store.measurements import async_remove_store as async_remove_measurement_store
from ..store.sleep import SleepStore
from ..store.sleep import async_remove_store as async_remove_sleep_store
from ..store.training import async_remove_store as async_remove_training_store
from ..strap_entry import BeatBatch
from . import breathing, measurement, readiness, sleep_entities, training_entities
from .breathing import BreathingRunner
from .measurement import MeasurementRunner
from .nap import NapReminder
from .readiness import ReadinessTracker
from .settings import ProfileSettings
from .sleep import SleepTracker
from .strap_link import StrapLink
from .training import TrainingTracker

SENSORS = (
    *sleep_entities.SENSORS,
    *readiness.SENSORS,
    *measurement.SENSORS,
    *breathing.SENSORS,
    *training_entities.SENSORS,
)
BINARY_SENSORS = (
    *sleep_entities.BINARY_SENSORS,
    *readiness.BINARY_SENSORS,
    *training_entities.BINARY_SENSORS,
)


class ProfileRuntime(EntryRuntime):
    """Runtime data of a person profile entry."""

    platforms = (Platform.BINARY_SENSOR, Platform.BUTTON, Platform.SENSOR)

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Read the settings and build the parts; `async_load` reads the stores."""
        self.hass = hass
        self.entry = entry
        self.settings = settings = ProfileSettings.from_entry(entry)
        self.coordinator = DataUpdateCoordinator[ProfileReport](
            hass, LOGGER, config_entry=entry, name=f"{DOMAIN} {entry.title}"
        )
        self.coordinator.data = ProfileReport(profile=entry.entry_id, name=settings.name)
        self._sleep_store = SleepStore(hass, entry.entry_id, entry.title)
        self.sleep: SleepTracker | None = None
        self.readiness = ReadinessTracker(hass, settings)
        self.measurement = MeasurementRunner(
            settings,
            has_today=self.readiness.has_today,
            on_status=self._publish_status,
            on_result=self._on_measurement_result,
        )
        self.training = TrainingTracker(
            hass, settings, on_change=self._publish, on_session=self._on_session
        )
        self.link = StrapLink(
            hass,
            settings.strap_entry_id,
            address=entry.data.get(CONF_STRAP_ADDRESS),
            on_beats=self._on_beats,
            on_connection=self._on_connection,
            on_relink=self._on_strap_relinked,
        )
        self.breathing = BreathingRunner(
            hass,
            profile=entry.entry_id,
            name=settings.name,
            store=BreathingStore(hass, entry.entry_id, entry.title),
            strap_connected=lambda: self.link.connected,
            on_status=self._publish_status,
            on_completed=self._on_breathing_completed,
        )
        self._started = False
        self._readiness_state = self.coordinator.data.readiness
        self._training_state = self.coordinator.data.training

    @property
    def report(self) -> ProfileReport:
        """The person's current state."""
        return self.coordinator.data

    async def async_load(self) -> None:
        """Read the stored sleep and measurement histories."""
        self.sleep = SleepTracker(
            self.hass,
            self.entry,
            settings=self.settings,
            store=self._sleep_store,
            history=await self._sleep_store.async_load(),
            on_change=self._publish,
        )
        await self.readiness.async_load()
        await self.breathing.async_load()
        await self.training.async_load()

    # ------------------------------------------------------------------ EntryRuntime

    def entities(self, platform: Platform) -> Sequence[Entity]:
        """The person's sensors, binary sensors and the start-measurement button."""
        feed = EntityFeed(
            coordinator=self.coordinator,
            device_info=DeviceInfo(
                identifiers={(DOMAIN, self.settings.person_id)},
                name=self.settings.name,
                entry_type=DeviceEntryType.SERVICE,
            ),
            unique_id_prefix=self.settings.person_id,
        )
        if platform is Platform.SENSOR:
            return [RecoverySensor(feed, d) for d in SENSORS]
        if platform is Platform.BINARY_SENSOR:
            return [RecoveryBinarySensor(feed, d) for d in BINARY_SENSORS]
        if platform is Platform.BUTTON:
            return [
                RecoveryButton(
                    feed,
                    measurement.START_BUTTON,
                    press=lambda: self.async_start_measurement("button"),
                ),
                RecoveryButton(
                    feed,
                    breathing.START_BUTTON,
                    press=self._start_breathing_from_button,
                ),
            ]
        return []

    async def async_start(self) -> None:
        """Follow the sleep source, the strap and the day; publish the first report."""
        assert self.sleep is not None  # noqa: S101  (async_load runs first)
        entry = self.entry
        await self.sleep.async_start()
        entry.async_on_unload(
            async_track_time_change(self.hass, self._async_new_day, hour=0, minute=0, second=5)
        )
        self.link.async_start(entry)
        entry.async_on_unload(self.breathing.async_cancel)
        # Home Assistant does not unload entries when it stops: close an open session then.
        entry.async_on_unload(
            self.hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, self._async_close_training)
        )
        for stop in NapReminder(
            self.hass, self.settings, self.training, self._current_training
        ).async_start():
            entry.async_on_unload(stop)
        s = self.settings
        for moment, action in (
            (s.morning_end, self._async_republish),
            (s.protein_reminder_time, self._async_protein_reminder),
        ):
            entry.async_on_unload(
                async_track_time_change(
                    self.hass, action, hour=moment.hour, minute=moment.minute, second=0
                )
            )
        entry.async_on_unload(self._async_save_on_unload)
        entry.async_on_unload(entry.add_update_listener(_async_options_updated))
        self._started = True
        self._publish()
        # After the first report: an activity ingested now is announced with the load after it.
        if (unsub := self.training.async_follow_source()) is not None:
            entry.async_on_unload(unsub)

    async def async_stop(self) -> None:
        """Cancel the sleep timers and save the sleep history."""
        if self.sleep is not None:
            await self.sleep.async_stop()
        await self.training.async_stop()

    async def _async_save_on_unload(self) -> None:
        """Write the measurements now: a reload must find what was just added."""
        await self.readiness.async_save()

    @callback
    def _on_strap_relinked(self, strap_entry_id: str, address: str) -> None:
        """Store the strap the link follows: its entry id (options) and address (data).

        At start this runs before the update listener is registered (no reload); later, when
        a deleted strap is added again, the profile reloads with the new entry id.
        """
        entry = self.entry
        self.hass.config_entries.async_update_entry(
            entry,
            data={**entry.data, CONF_STRAP_ADDRESS: address},
            options={**entry.options, CONF_STRAP_ENTRY_ID: strap_entry_id},
        )

    @staticmethod
    async def async_remove(hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Delete a removed profile's stored sleep and measurement history and its notices."""
        await async_remove_sleep_store(hass, entry.entry_id)
        await async_remove_measurement_store(hass, entry.entry_id)
        ir.async_delete_issue(hass, DOMAIN, f"{ISSUE_STRAP_MISSING}_{entry.entry_id}")
        await async_remove_breathing_store(hass, entry.entry_id)
        await async_remove_training_store(hass, entry.entry_id)
        await async_remove_advice_store(hass, entry.entry_id)

    def diagnostics(self) -> dict[str, Any]:
        """Settings (linked entities redacted by the caller), counts and states; no values."""
        report = self.report
        result = report.readiness.readiness
        history = self.readiness.history
        summary = report.sleep.summary
        sleep_history = self.sleep.history if self.sleep is not None else None
        return {
            "entry": {"title": self.entry.title, "options": dict(self.entry.options)},
            "strap_linked": self.settings.strap_entry_id is not None,
            "strap_loaded": self.link.strap is not None,
            "sleep": {
                "episodes_stored": 0 if sleep_history is None else len(sleep_history.episodes),
                "in_bed_now": sleep_history is not None and sleep_history.open_start is not None,
                "nights_in_summary": 0 if summary is None else len(summary.nights),
            },
            "readiness": {
                "measurements_stored": len(history),
                "imported": sum(1 for m in history if m.source == "import"),
                "measurement_state": report.measurement.state.value,
                "hrv_status": None
                if report.readiness.hrv is None
                else report.readiness.hrv.status.value,
                "score_known": result is not None and result.score is not None,
                "missing_inputs": [] if result is None else list(result.missing_inputs),
            },
            "breathing": {
                "state": report.breathing.state.value,
                "mode": report.breathing.mode,
                "strap": report.breathing.strap,
                "hrv_note": report.breathing.hrv_note,
                "resonance_known": report.breathing.resonance is not None,
            },
            "training": {
                "sessions_stored": len(self.training.sessions),
                "sources": sorted({s.source for s in self.training.sessions}),
                "workout_source": self.settings.workout_source is not None,
                "hr_profile_known": report.training.hr_profile is not None,
                "recording": report.training.recording,
            },
        }

    # ------------------------------------------------------------------ actions

    @callback
    def async_start_measurement(self, trigger: str) -> None:
        """Start (or restart) the morning measurement."""
        self.measurement.async_start(trigger)

    async def async_add_measurements(self, new: tuple[StoredMeasurement, ...]) -> int:
        """Add measurements (imports) and write them; return how many were new."""
        added = await self.readiness.async_add(new)
        if added:
            self._publish()
        return added

    async def async_remove_measurements(
        self, remove: Callable[[StoredMeasurement], bool]
    ) -> tuple[StoredMeasurement, ...]:
        """Remove stored measurements (written at once); return what was removed."""
        removed = await self.readiness.async_remove(remove)
        if removed:
            self._publish()
        return removed

    @callback
    def _start_breathing_from_button(self) -> None:
        """The button: the default pace for the default minutes; ignored while one runs."""
        if self.breathing.status.state in (BreathingState.RUNNING, BreathingState.RESTING):
            return
        self.breathing.async_start(
            breaths_per_min=None,
            minutes=breathing.DEFAULT_MINUTES,
            resonance=False,
            trigger="button",
        )

    # ------------------------------------------------------------------ flow

    @callback
    def _on_beats(self, batch: BeatBatch) -> None:
        """The linked strap's beats go to every part that uses them."""
        self.measurement.on_beats(batch)
        self.breathing.on_beats(batch)
        self.training.on_beats(batch)

    @callback
    def _on_connection(self, connected: bool) -> None:  # noqa: FBT001  (a callback's argument)
        self.measurement.on_connection(connected)
        self.breathing.on_connection(connected)
        self.training.on_connection(connected)

    @callback
    def _on_breathing_completed(self, assessment: dict[str, Any] | None) -> None:
        self._publish_status()
        self.hass.bus.async_fire(
            EVENT_BREATHING_COMPLETED, self.report.breathing_completed_event(assessment)
        )

    @callback
    def _on_measurement_result(self, m: StoredMeasurement | None, reason: str | None) -> None:
        self.hass.async_create_task(
            self._async_measurement_result(m, reason), f"{DOMAIN} measurement result"
        )

    async def _async_measurement_result(
        self, m: StoredMeasurement | None, reason: str | None
    ) -> None:
        """Store an accepted measurement, then publish it and fire the completed event."""
        if m is not None:
            await self.readiness.async_add((m,))
        self._publish()
        self.hass.bus.async_fire(
            EVENT_MEASUREMENT_COMPLETED, self.report.measurement_completed_event(m, reason)
        )

    @callback
    def _on_session(self, session: SessionRecord, load: SessionLoad) -> None:
        """A session was stored: publish, then announce it with the load after it."""
        self._publish()
        self.hass.bus.async_fire(
            EVENT_SESSION_COMPLETED, self.report.session_completed_event(session, load)
        )

    async def _async_close_training(self, _event: Event) -> None:
        await self.training.async_stop()

    @callback
    def _async_republish(self, _now: datetime) -> None:
        self._publish()

    def _current_training(self) -> TrainingState:
        """Today's training state, recomputed first."""
        self._publish()
        return self._training_state

    @callback
    def _async_protein_reminder(self, now: datetime) -> None:
        """Evening after a hard day: the protein advice, once per day."""
        day = dt_util.as_local(now).date()
        self._publish()
        if self.training.hard_today(day):
            self.training.announce_advice(
                day, AdviceKind.PROTEIN.value, ("hard_session_today",), primary=False
            )

    @callback
    def _async_new_day(self, _now: datetime) -> None:
        self.measurement.new_day()
        self._publish()

    @callback
    def _publish(self) -> None:
        """Recompute today's readiness, then publish the report."""
        if not self._started or self.sleep is None:
            return
        summary = self.sleep.state.summary
        today = dt_util.now().date()
        rhr = self.readiness.compute(today, summary).rhr
        self.training.set_morning_rest(None if rhr is None else rhr.rolling_mean_7d)
        load = self.training.training_load(today)
        self._readiness_state = self.readiness.compute(today, summary, load)
        self._training_state = self.training.assess(
            today, load, self._readiness_state, sleep_debt_h=self.sleep.state.sleep_debt_h
        )
        self._publish_status()

    @callback
    def _publish_status(self) -> None:
        """Combine the parts' states into one report and publish it."""
        if not self._started or self.sleep is None:
            return
        self.coordinator.async_set_updated_data(
            ProfileReport(
                profile=self.entry.entry_id,
                name=self.settings.name,
                sleep=self.sleep.state,
                readiness=self._readiness_state,
                measurement=self.measurement.status,
                breathing=self.breathing.status,
                training=replace(self._training_state, recording=self.training.recording),
            )
        )


async def _async_options_updated(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Settings changed (options flow or reconfigure): reload with the new ones.

    Not when the only change is the strap link moving to the entry it already follows (a
    re-added strap, see `StrapLink`): that entry is live already, a reload would only race it.
    """
    runtime = getattr(entry, "runtime_data", None)
    if isinstance(runtime, ProfileRuntime):
        settings = ProfileSettings.from_entry(entry)
        if (
            settings.strap_entry_id == runtime.link.strap_entry_id
            and replace(runtime.settings, strap_entry_id=settings.strap_entry_id) == settings
        ):
            runtime.settings = settings
            return
    await hass.config_entries.async_reload(entry.entry_id)
