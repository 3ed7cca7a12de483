"""The morning measurement of one person: the linked strap's beats → one accepted measurement.

Rules (README "Morning measurement"):
- It starts by itself when the linked strap is worn (skin contact, or a heart rate from a strap
  without contact sensing) inside the morning window and today has no accepted measurement yet
  (once per connection, so a rejected attempt is not retried in a loop), and on request (button,
  `start_measurement` action) at any time.
- Phases: waiting for contact → stabilising (discarded) → measuring → done or rejected.
- Lost contact or a disconnect while stabilising pauses it (back to waiting for contact, the
  clock restarts); while measuring it rejects it with the reason. A partial or rejected
  measurement is never stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, Final

from homeassistant.components.button import ButtonEntityDescription
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import PERCENTAGE
from homeassistant.core import callback
from homeassistant.util import dt as dt_util

from ..const import LOGGER
from ..physiology.measurement import MeasurementPhase, MeasurementSession, MorningMeasurement
from ..report import MeasurementState, MeasurementStatus, ProfileReport
from ..sensor import RecoverySensorDescription
from ..store.measurements import StoredMeasurement
from ..strap_entry import BeatBatch
from .settings import ProfileSettings

PROGRESS_PUBLISH_S: Final = 5.0
"""Progress is written at most this often while a measurement runs (recorder load)."""

type ResultCallback = Callable[[StoredMeasurement | None, str | None], None]
"""Called once per finished measurement: the accepted one, or None and the rejection reason."""


class MeasurementRunner:
    """Runs one person's morning measurement on the beats it is given."""

    def __init__(
        self,
        settings: ProfileSettings,
        *,
        has_today: Callable[[], bool],
        on_status: Callable[[], None],
        on_result: ResultCallback,
    ) -> None:
        """Bind to the person's settings; ``has_today`` says whether today is measured."""
        self.settings = settings
        self._has_today = has_today
        self._on_status = on_status
        self._on_result = on_result
        self.status = MeasurementStatus()
        self._session: MeasurementSession | None = None
        self._auto_armed = True
        self._last_progress_publish = datetime.min.replace(tzinfo=dt_util.UTC)

    @property
    def running(self) -> bool:
        """Whether a measurement is waiting, stabilising or measuring."""
        return self.status.running

    @callback
    def async_start(self, trigger: str) -> None:
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
        LOGGER.debug("%s: measurement requested (%s)", self.settings.name, trigger)

    @callback
    def new_day(self) -> None:
        """A new local day: auto-start may run again; a finished state goes back to idle."""
        self._auto_armed = True
        if self.status.state in (MeasurementState.DONE, MeasurementState.REJECTED):
            self.status = MeasurementStatus()

    @callback
    def on_connection(self, connected: bool) -> None:  # noqa: FBT001  (a callback's argument)
        """The linked strap connected (auto-start may run again) or went away."""
        if connected:
            self._auto_armed = True
        else:
            self._interrupt("disconnected")

    @callback
    def on_beats(self, batch: BeatBatch) -> None:
        """One notification's RR intervals (event loop, ~1 Hz)."""
        now = batch.received_at
        worn = batch.sensor_contact is True or (
            batch.sensor_contact is None and batch.hr_bpm is not None
        )
        if not self.running:
            if not (
                worn
                and self._auto_armed
                and self.settings.in_morning_window(dt_util.as_local(now).time())
                and not self._has_today()
            ):
                return
            self._auto_armed = False
            self.async_start("auto")
        if batch.sensor_contact is False:
            self._interrupt("contact_lost")
            return
        if self._session is None:
            if not worn:
                return
            self._session = MeasurementSession(settings=self.settings.measurement)
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
        status = replace(self.status, state=state, progress_pct=pct, reason=None)
        if (
            state != self.status.state
            or (now - self._last_progress_publish).total_seconds() >= PROGRESS_PUBLISH_S
        ):
            self._last_progress_publish = now
            self._set_status(status)
        else:
            self.status = status

    @callback
    def _interrupt(self, reason: str) -> None:
        """Contact or link lost: pause while stabilising, reject while measuring."""
        state = self.status.state
        if state is MeasurementState.MEASURING:
            LOGGER.info("%s: measurement rejected (%s)", self.settings.name, reason)
            self._session = None
            self._set_status(replace(self.status, state=MeasurementState.REJECTED, reason=reason))
            self._on_result(None, reason)
        elif state in (MeasurementState.STABILISING, MeasurementState.WAITING_FOR_CONTACT):
            self._session = None
            self._set_status(
                replace(
                    self.status,
                    state=MeasurementState.WAITING_FOR_CONTACT,
                    progress_pct=0.0,
                    reason=reason,
                )
            )

    def _finish(self, result: MorningMeasurement, now: datetime) -> None:
        self._session = None
        if not result.accepted or result.ln_rmssd is None or result.rmssd_ms is None:
            reason = result.rejection.value if result.rejection else "rejected"
            LOGGER.info("%s: measurement rejected (%s)", self.settings.name, reason)
            self._set_status(replace(self.status, state=MeasurementState.REJECTED, reason=reason))
            self._on_result(None, reason)
            return
        # Dated when it started: one begun inside the morning window counts for that morning.
        started = self.status.started_at or now
        measurement = StoredMeasurement(
            measured_at=dt_util.as_utc(started),
            ln_rmssd=result.ln_rmssd,
            rmssd_ms=result.rmssd_ms,
            hr_bpm=result.hr_bpm,
            artifact_ratio=result.artifact_ratio,
            duration_s=result.duration_s,
            source="strap",
        )
        self.status = replace(self.status, state=MeasurementState.DONE, progress_pct=100.0)
        self._on_result(measurement, None)

    def _set_status(self, status: MeasurementStatus) -> None:
        self.status = status
        self._on_status()


# ---------------------------------------------------------------------- entities


def _phase_attrs(r: ProfileReport) -> Mapping[str, Any]:
    st = r.measurement
    return {
        "progress_pct": st.progress_pct,
        "reason": st.reason,
        "trigger": st.trigger,
        "started_at": None if st.started_at is None else st.started_at.isoformat(),
    }


SENSORS: Final[tuple[RecoverySensorDescription[ProfileReport], ...]] = (
    RecoverySensorDescription(
        key="measurement_phase",
        translation_key="measurement_phase",
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in MeasurementState],
        value_fn=lambda r: r.measurement.state.value,
        attrs_fn=_phase_attrs,
    ),
    RecoverySensorDescription(
        key="measurement_progress",
        translation_key="measurement_progress",
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
        value_fn=lambda r: r.measurement.progress_pct,
    ),
)

START_BUTTON: Final = ButtonEntityDescription(
    key="start_measurement", translation_key="start_measurement"
)
"""Starts (or restarts) the morning measurement; it waits for skin contact if needed."""
