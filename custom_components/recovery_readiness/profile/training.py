"""One person's workout sessions, training load, window and advice (`physiology.training_load`).

Sessions come from (README "Training load"):
- the linked strap: `physiology.training_session.SessionDetector` is fed each notification's
  heart rate (batches without skin contact are skipped); a gap in the stream within a session
  is stitched when the strap returns within ``stitch_gap_s``, else the session is closed at its
  last sample (when the strap does not come back, a timer closes it); ``start_session`` /
  ``stop_session`` record everything in between by hand;
- a workout entity of another integration (`workout_source`), ingested once per activity;
- the ``log_session`` action (duration with average HR, or session RPE).
Every finished session is on disk before it is announced. Duplicates across sources are merged
by time overlap when the load is computed (`merge_sessions`: the strap's HR stream wins); the
stored sessions stay as reported, and a second report of a workout already stored is not
announced again (one ``session_completed`` event per workout).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from ..const import EVENT_ADVICE, EVENT_TRAINING_STATUS_CHANGED, LOGGER
from ..physiology.errors import InsufficientDataError
from ..physiology.readiness import BaselineStatus
from ..physiology.training_load import (
    AdviceKind,
    HeartRateProfile,
    LoadSeed,
    SessionLoad,
    SessionRecord,
    TrainingLoad,
    daily_advice,
    fitness_fatigue,
    heart_rate_profile,
    session_load,
    suggested_load_range,
    supercompensation_window,
    training_history,
)
from ..physiology.training_session import SessionDetector, detect_sessions
from ..report import ReadinessState, TrainingState, event_base
from ..store.advice import AdviceStore, Announced, recent
from ..store.training import TrainingStore
from ..strap_entry import BeatBatch
from .session_import import SessionIndex, new_sessions
from .settings import ProfileSettings
from .training_loads import LoadDeriver
from .workout_source import (
    PRESETS,
    WorkoutSourceFollower,
    more_source_entities,
    workout_from_attributes,
    workouts_from_list,
)

LISTED_RECENT: Final = timedelta(hours=24)
"""From a list of workouts, those that ended within this time are announced (an event each);
older ones are history, imported without events."""
GAP_CLOSE_MARGIN_S: Final = 5.0
"""A session whose strap went away is closed this long after the stitch window ran out."""

type SessionCallback = Callable[[SessionRecord, SessionLoad], None]


class SessionError(Exception):
    """A session action that cannot be done; ``key`` is its translation key."""

    def __init__(self, key: str) -> None:
        """Keep the translation key."""
        super().__init__(key)
        self.key = key


class TrainingTracker:
    """Keeps one person's sessions and computes their training state."""

    def __init__(
        self,
        hass: HomeAssistant,
        settings: ProfileSettings,
        *,
        on_change: Callable[[], None],
        on_session: SessionCallback,
    ) -> None:
        """Bind to the profile's store; call `async_load` before use."""
        self.hass = hass
        self.settings = settings
        self.store = TrainingStore(hass, settings.entry_id, settings.name)
        self.sessions: tuple[SessionRecord, ...] = ()
        self._on_change = on_change
        self._on_session = on_session
        self._morning_rest_bpm: float | None = None
        self._detector: SessionDetector | None = None
        self._anchors: tuple[float, float] | None = None
        self._anchors_known = False
        """False until the anchors are read, and again whenever the morning resting HR moves."""
        self._t0: datetime | None = None
        self._last_t: float | None = None
        self._manual: list[tuple[float, float]] | None = None
        self._gap_timer: CALLBACK_TYPE | None = None
        self._loads = LoadDeriver(
            hass,
            settings.training,
            lambda: (self.sessions, self.hr_profile),
            on_change,
        )
        self._seed: LoadSeed | None = None
        self._status: str | None = None
        self._advice_store = AdviceStore(hass, settings.entry_id, settings.name)
        self._announced: Announced = frozenset()

    async def async_load(self) -> None:
        """Read the stored sessions and the advice already fired."""
        self.sessions = await self.store.async_load()
        self._announced = await self._advice_store.async_load()
        await self._loads.async_update()

    # ------------------------------------------------------------------ heart-rate anchors

    @property
    def hr_profile(self) -> HeartRateProfile | None:
        """Resting HR (morning baseline, else configured) and max HR (configured, else age)."""
        s = self.settings
        try:
            return heart_rate_profile(
                sex=s.sex,
                morning_rest_bpm=self._morning_rest_bpm,
                configured_rest_bpm=s.rest_hr_bpm,
                configured_max_bpm=s.max_hr_bpm,
                age_years=s.age_years,
            )
        except (InsufficientDataError, ValueError):
            return None

    @callback
    def set_morning_rest(self, rest_bpm: float | None) -> None:
        """The resting-HR baseline of the morning measurements (None: not known yet)."""
        if rest_bpm != self._morning_rest_bpm:
            self._morning_rest_bpm = rest_bpm
            self._anchors_known = False

    @property
    def recording(self) -> bool:
        """A session is open: detected from the strap's HR, or started by hand."""
        return self._manual is not None or (
            self._detector is not None and self._detector.in_session
        )

    def _current_detector(self) -> SessionDetector | None:
        """The detector for the current anchors; rebuilt only between sessions."""
        if (self._detector is not None and self._detector.in_session) or self._anchors_known:
            return self._detector
        self._anchors_known = True
        profile = self.hr_profile
        anchors = None if profile is None else (profile.hr_rest_bpm, profile.hr_max_bpm)
        if anchors != self._anchors:
            self._anchors = anchors
            self._detector = (
                None
                if anchors is None
                else SessionDetector(
                    hr_rest_bpm=anchors[0],
                    hr_max_bpm=anchors[1],
                    settings=self.settings.training,
                )
            )
            self._last_t = None
        return self._detector

    # ------------------------------------------------------------------ the strap

    @callback
    def on_beats(self, batch: BeatBatch) -> None:
        """One notification: its heart rate feeds the session detector (event loop, ~1 Hz)."""
        if batch.sensor_contact is False or batch.hr_bpm is None or batch.hr_bpm <= 0:
            return
        if self._last_t is not None and not batch.t_s > self._last_t:
            return
        self._cancel_gap_timer()
        self._t0 = batch.received_at - timedelta(seconds=batch.t_s)
        hr = float(batch.hr_bpm)
        if self._manual is not None:
            self._manual.append((batch.t_s, hr))
        detector = self._current_detector()
        if detector is None:
            return
        self._last_t = batch.t_s
        was_recording = self.recording
        for found in detector.feed(batch.t_s, hr):
            self._finished(found.to_record(t0=self._t0, source="strap"))
        if self.recording != was_recording:
            self._on_change()

    @callback
    def on_connection(self, connected: bool) -> None:  # noqa: FBT001  (a callback's argument)
        """The strap went away: an open session closes when it stays away too long."""
        if connected or self._detector is None or not self._detector.in_session:
            return
        self._cancel_gap_timer()
        self._gap_timer = async_call_later(
            self.hass,
            self.settings.training.stitch_gap_s + GAP_CLOSE_MARGIN_S,
            self._gap_expired,
        )

    @callback
    def _gap_expired(self, _now: datetime) -> None:
        self._gap_timer = None
        self._close_detected()

    def _close_detected(self) -> None:
        if self._detector is None or self._t0 is None:
            return
        for found in self._detector.finish():
            self._finished(found.to_record(t0=self._t0, source="strap"))
        self._on_change()

    def _cancel_gap_timer(self) -> None:
        if self._gap_timer is not None:
            self._gap_timer()
            self._gap_timer = None

    @callback
    def start_session(self) -> None:
        """Record everything from now until `async_stop_session` (idempotent while running)."""
        if self._manual is None:
            self._manual = []
            self._on_change()

    async def async_stop_session(self) -> SessionRecord:
        """Close the session started by hand, save it and return it.

        Raises:
            SessionError: ``no_session_running`` or ``no_session_data`` (fewer than two
                heart-rate samples arrived).
        """
        if self._manual is None:
            raise SessionError(key="no_session_running")
        samples, self._manual = self._manual, None
        if len(samples) < 2 or self._t0 is None:  # noqa: PLR2004  (a duration needs two)
            self._on_change()
            raise SessionError(key="no_session_data")
        record = self._manual_record(samples, self._t0)
        await self._async_store((record,))
        self._announce(record)
        return record

    def _manual_record(self, samples: list[tuple[float, float]], t0: datetime) -> SessionRecord:
        """A started-by-hand session: its whole stream; HRR60 and cool-down when detectable."""
        cap = self.settings.training.max_sample_interval_s
        pairs = tuple(
            (min(samples[i + 1][0] - samples[i][0], cap), samples[i][1])
            for i in range(len(samples) - 1)
        )
        weight = sum(d for d, _ in pairs)
        hrr60: float | None = None
        cooled: bool | None = None
        if (profile := self.hr_profile) is not None:
            found = detect_sessions(
                samples,
                hr_rest_bpm=profile.hr_rest_bpm,
                hr_max_bpm=profile.hr_max_bpm,
                settings=self.settings.training,
            )
            if found:
                hrr60, cooled = found[-1].hrr60_bpm, found[-1].cooled_down
        return SessionRecord(
            start=t0 + timedelta(seconds=samples[0][0]),
            duration_s=samples[-1][0] - samples[0][0],
            source="strap",
            hr_samples=pairs,
            avg_hr_bpm=sum(d * hr for d, hr in pairs) / weight if weight > 0 else None,
            max_hr_bpm=max(hr for _, hr in samples),
            hrr60_bpm=hrr60,
            cooled_down=cooled,
        )

    async def async_stop(self) -> None:
        """Unload: close an open session honestly at its last sample and save it."""
        self._cancel_gap_timer()
        closed: list[SessionRecord] = []
        if self._detector is not None and self._t0 is not None:
            closed.extend(
                found.to_record(t0=self._t0, source="strap") for found in self._detector.finish()
            )
        if self._manual is not None and len(self._manual) > 1 and self._t0 is not None:
            closed.append(self._manual_record(self._manual, self._t0))
        self._manual = None
        if closed:
            await self._async_store(tuple(closed))

    # ------------------------------------------------------------------ other sources

    @callback
    def async_follow_source(self) -> CALLBACK_TYPE | None:
        """Ingest the workout entity's activities (its current one too); None without one."""
        source = self.settings.workout_source
        if source is None:
            return None
        preset = PRESETS[self.settings.workout_preset]
        stops = [WorkoutSourceFollower(self.hass, preset, source, self._ingest).async_start()]
        stops.extend(
            WorkoutSourceFollower(self.hass, preset, other, self._ingest_history).async_start()
            for other in more_source_entities(self.hass, preset, source)
        )
        if preset.list_event is not None:
            stops.append(self.hass.bus.async_listen(preset.list_event, self._on_list_event))

        @callback
        def _stop() -> None:
            for stop in stops:
                stop()

        return _stop

    def _ingest(self, state: str, attrs: Mapping[str, Any]) -> None:
        preset = PRESETS[self.settings.workout_preset]
        now = dt_util.utcnow()
        if preset.list_attr is not None:
            self._ingest_list(workouts_from_list(preset, attrs, now=now), now)
            return
        record = workout_from_attributes(preset, attrs, now=now, state=state)
        if record is not None and not self._is_known(record):
            self.hass.async_create_task(self._async_finish(record))

    def _ingest_history(self, state: str, attrs: Mapping[str, Any]) -> None:
        """A further workout entity (an older activity): announced only if it ended today."""
        now = dt_util.utcnow()
        preset = PRESETS[self.settings.workout_preset]
        record = workout_from_attributes(preset, attrs, now=now, state=state)
        self._ingest_list([] if record is None else [record], now)

    @callback
    def _on_list_event(self, event: Event) -> None:
        """A workout integration's event listing its recent workouts (each one checked)."""
        preset = PRESETS[self.settings.workout_preset].list_event_preset
        if preset is None or not isinstance(event.data, Mapping):
            return
        now = dt_util.utcnow()
        self._ingest_list(workouts_from_list(preset, event.data, now=now), now)

    def _ingest_list(self, records: list[SessionRecord], now: datetime) -> None:
        """A list of workouts: the ones of the last day are announced, older ones imported."""
        old: list[SessionRecord] = []
        for record in records:
            if self._is_known(record):
                continue
            if record.start + timedelta(seconds=record.duration_s) < now - LISTED_RECENT:
                old.append(record)
            else:
                self.hass.async_create_task(self._async_finish(record))
        if old:
            self.hass.async_create_task(self.async_import(tuple(old)))

    def _is_known(self, record: SessionRecord) -> bool:
        start = record.start.replace(microsecond=0)
        return any(
            s.source == record.source
            and (
                (record.source_id is not None and s.source_id == record.source_id)
                or s.start.replace(microsecond=0) == start
            )
            for s in self.sessions
        )

    async def async_log(self, record: SessionRecord) -> SessionLoad:
        """Add a logged session: on disk before this returns; its load on our scale.

        Raises:
            SessionError: ``session_exists`` when the same source already has it.
        """
        if self._is_known(record):
            raise SessionError(key="session_exists")
        repeat = self._is_other_report(record)
        await self._async_store((record,))
        return self._announce(record, event=not repeat)

    async def async_import(self, records: tuple[SessionRecord, ...]) -> tuple[SessionRecord, ...]:
        """Add past sessions (an import): on disk before this returns; no event per session.

        Sessions already stored (same source id, or overlapping as one workout, see
        `session_import.SessionIndex`) are skipped; returns the sessions added.
        """
        fresh, _known = new_sessions(records, self.sessions, settings=self.settings.training)
        if fresh:
            await self._async_store(tuple(fresh))
            self._on_change()
        return tuple(fresh)

    # ------------------------------------------------------------------ storing

    def _finished(self, record: SessionRecord) -> None:
        LOGGER.info(
            "%s: session of %.0f min from %s", self.settings.name, record.duration_s / 60, "strap"
        )
        self.hass.async_create_task(self._async_finish(record))

    async def _async_finish(self, record: SessionRecord) -> None:
        if self._is_known(record):
            return
        repeat = self._is_other_report(record)
        await self._async_store((record,))
        self._announce(record, event=not repeat)

    def _is_other_report(self, record: SessionRecord) -> bool:
        """A workout stored already from another source (merged, `merge_sessions`' overlap)."""
        return SessionIndex(self.sessions, settings=self.settings.training).holds(record)

    async def _async_store(self, new: tuple[SessionRecord, ...]) -> None:
        self.sessions = tuple(sorted((*self.sessions, *new), key=lambda s: s.start))
        await self.store.async_save(self.sessions)
        await self._loads.async_update()

    def _announce(self, record: SessionRecord, *, event: bool = True) -> SessionLoad:
        """Publish; ``session_completed`` only for a new workout, not for a second report."""
        self._on_change()
        load = self.session_load(record)
        if event:
            self._on_session(record, load)
        return load

    def session_load(self, record: SessionRecord) -> SessionLoad:
        """A session's load on our TRIMP scale, with the person's anchors and calibration."""
        derived = self._loads.fresh()
        return session_load(record, profile=derived.profile, calibration=derived.calibration)

    # ------------------------------------------------------------------ the day's state

    def training_load(self, day: date) -> TrainingLoad | None:
        """CTL, ATL, TSB and ACWR of ``day`` from every source (merged); None without history.

        The merged sessions and daily loads come from `LoadDeriver` (derived in the executor
        when the sessions, the HR anchors or the time zone change); the EWMA over the daily
        loads runs on every call.
        """
        daily = self.daily_loads()
        self._seed = self.load_seed(day)
        try:
            return fitness_fatigue(daily, day, seed=self._seed, settings=self.settings.training)
        except InsufficientDataError:
            return None

    def daily_loads(self) -> Mapping[date, float]:
        """TRIMP per local date of every source's sessions, merged (days without load absent).

        While a new derivation runs (the anchors just moved), the previous one.
        """
        return self._loads.get().daily

    def load_seed(self, day: date) -> LoadSeed | None:
        """The configured starting fitness/fatigue, at the end of the day before any session.

        Seed day = the day before the first day with load (before ``day`` while there is
        none), so no recorded session is discarded. ATL defaults to CTL (steady training).
        """
        ctl = self.settings.start_ctl
        if ctl is None:
            return None
        first = min((d for d, v in self.daily_loads().items() if v > 0), default=day)
        atl = self.settings.start_atl
        return LoadSeed(
            day=min(first, day) - timedelta(days=1), ctl=ctl, atl=ctl if atl is None else atl
        )

    def assess(
        self,
        day: date,
        load: TrainingLoad | None,
        readiness: ReadinessState,
        *,
        sleep_debt_h: float | None,
    ) -> TrainingState:
        """Window, advice and suggested load of ``day`` (after `training_load`)."""
        settings = self.settings.training
        result = readiness.readiness
        score = None if result is None else result.score
        hrv = readiness.hrv
        hrv_below = (
            None if hrv is None or hrv.status is None else hrv.status is BaselineStatus.BELOW
        )
        derived = self._loads.get()
        history = training_history(derived.daily, day, seed=self._seed, settings=settings)
        reliable = load is not None and load.form_reliable
        window = (
            None
            if history.days_since_last_session is None
            else supercompensation_window(
                days_since_hard_session=history.days_since_hard_session,
                days_since_last_session=history.days_since_last_session,
                tsb=load.tsb if reliable and load is not None else None,
                ctl=load.ctl_yesterday if reliable and load is not None else None,
                readiness_score=score,
                hrv_below_normal=hrv_below,
                settings=settings,
            )
        )
        last = derived.merged[-1] if derived.merged else None
        advice = daily_advice(
            window=None if window is None else window.state,
            readiness_score=score,
            has_morning_measurement=readiness.today is not None,
            sleep_debt_h=sleep_debt_h,
            hard_session_yesterday=history.hard_session_yesterday,
            last_session_no_cool_down=last is not None and last.cooled_down is False,
            hrv_below_normal=hrv_below,
            training_days_recent=history.training_days_recent,
            settings=settings,
        )
        suggested = None
        if load is not None and load.form_reliable:
            try:
                suggested = suggested_load_range(load, settings=settings)
            except (InsufficientDataError, ValueError):
                suggested = None
        state = TrainingState(
            day=day,
            sessions=len(derived.merged),
            last_session=last,
            last_load=None
            if last is None
            else session_load(last, profile=derived.profile, calibration=derived.calibration),
            load=load,
            window=window,
            advice=advice,
            suggested=suggested,
            hr_profile=derived.profile,
            recording=self.recording,
        )
        if self._loads.current:  # events only from loads of the current anchors
            self._events(state, morning_done=readiness.today is not None)
        return state

    def hard_today(self, day: date) -> bool:
        """Whether ``day``'s load so far is a hard session (`training_history`'s rule)."""
        tomorrow = day + timedelta(days=1)
        return training_history(
            self._loads.fresh().daily, tomorrow, seed=self._seed, settings=self.settings.training
        ).hard_session_yesterday

    # ------------------------------------------------------------------ events

    def _events(self, state: TrainingState, *, morning_done: bool) -> None:
        base = event_base(self.settings.entry_id, self.settings.name)
        status = None if state.window is None else state.window.state.value
        if status != self._status and status is not None and self._status is not None:
            self.hass.bus.async_fire(
                EVENT_TRAINING_STATUS_CHANGED,
                base
                | {
                    "old_status": self._status,
                    "status": status,
                    "reasons": [r.value for r in state.window.reasons]
                    if state.window is not None
                    else [],
                },
            )
        self._status = status
        advice = state.advice
        if advice is None or state.day is None:
            return
        now_local = dt_util.now()
        if not morning_done and now_local.time() < self.settings.morning_end:
            return  # the day's advice is announced with fresh data, or once the morning ended
        for kind in (advice.kind, *advice.also):
            # A secondary protein advice waits for the evening reminder (`announce_advice`);
            # a nap waits for the afternoon and the person at home (`profile.nap`).
            if kind is AdviceKind.NAP:
                continue
            if kind is advice.kind or kind is not AdviceKind.PROTEIN:
                self.announce_advice(
                    state.day, kind.value, advice.reasons, primary=kind is advice.kind
                )

    def announce_advice(
        self, day: date, kind: str, reasons: tuple[str, ...], *, primary: bool
    ) -> None:
        """Fire the ``advice`` event once per day and kind, also across restarts.

        The (day, kind) pair is marked at once (no second event while it is being saved) and
        written to disk before the event fires (`store.advice`).
        """
        if (day, kind) in self._announced:
            return
        self._announced = recent((*self._announced, (day, kind)), day)
        data = event_base(self.settings.entry_id, self.settings.name) | {
            "day": day.isoformat(),
            "kind": kind,
            "primary": primary,
            "reasons": [str(r) for r in reasons],
        }
        self.hass.async_create_task(self._async_fire_advice(self._announced, data))

    async def _async_fire_advice(self, announced: Announced, data: dict[str, Any]) -> None:
        await self._advice_store.async_save(announced)
        self.hass.bus.async_fire(EVENT_ADVICE, data)
