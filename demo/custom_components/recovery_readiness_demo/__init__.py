"""Demo only (scripts/run): an emulated strap and a demo person with 60 days of history.

Not part of the shipped integration. The person, "Demo runner", is one deterministic model
(`person_model`: weekly running rhythm, sleep nights, morning HRV and resting HR that respond to
both). Once Home Assistant has started this component:

1. starts the test tree's bumble strap (tests/emulated) behind an emulated Bluetooth proxy, so
   Recovery Readiness discovers it exactly as it would a real strap through an ESPHome proxy,
   and accepts that discovery. The strap streams RR intervals whose RMSSD and mean HR are the
   model's *expected* morning of the current day (`person_model.expected_morning`; switched at
   midnight), so the live morning measurement agrees with the seeded history;
2. creates two source entities of its own (plain states, no unique id):
   ``binary_sensor.demo_runner_bed`` (occupancy, on while the model's person is in bed) and
   ``sensor.demo_runner_last_activity`` (a Garmin Connect ``last_activity`` look-alike: state =
   activity name, attributes = ``activityId``, ``startTimeGMT``, ``startTimeLocal``,
   ``duration``, ``averageHR``, ``maxHR``, ``activityType``, ``distance``);
3. adds the person profile through the config flow, linked to the strap, with the bed sensor
   as sleep source, the activity sensor as workout source (preset ``garmin_connect``), the
   model's sex, age, max HR and starting fitness, and an all-day morning window (the strap's
   stream starts a morning measurement right away, done after about 2 minutes);
4. seeds the past through the integration's own paths:

   * training: every activity of the last 60 days is replayed in order through
     ``sensor.demo_runner_last_activity`` (each state change = one new activity). The workout
     source accepts past activities (it refuses only ones that have not ended yet) and knows
     each by its ``activityId``, so no ``log_session`` is needed; later runs arrive live,
     5 minutes after they end ("the watch syncs");
   * sleep: the sleep tracker times a source's changes with the current clock, so past nights
     cannot be replayed through the bed sensor. The nights up to last night are logged with
     ``log_sleep``; the bed sensor drives tonight and every later night live (when Home
     Assistant starts in the middle of a night, that night is recorded from the start-up on);
   * morning HRV and resting HR: ``import_history`` with a daily CSV of the model's mornings.

Every step is idempotent: the integration refuses a known activity id and an overlapping
night, and counts an imported day twice as a duplicate; this component also remembers (in its
own store, per person entry) what it replayed, so a second start replays only new days.
Enabled by ``recovery_readiness_demo:`` in configuration.yaml.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from homeassistant.const import EVENT_HOMEASSISTANT_STARTED, EVENT_HOMEASSISTANT_STOP
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_track_point_in_time
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from . import person_model as model

DOMAIN = "recovery_readiness_demo"
TARGET = "recovery_readiness"
PERSON = "Demo runner"
HISTORY_FILE = "www/recovery_readiness_demo_history.csv"
BED_ENTITY: Final = "binary_sensor.demo_runner_bed"
ACTIVITY_ENTITY: Final = "sensor.demo_runner_last_activity"
SYNC_DELAY: Final = timedelta(minutes=5)
# Resting heart rate drifts by a beat or two over half a minute (very-low-frequency HRV);
# without it the strap's 5-s median of a 50-bpm morning can read the same whole number for
# longer than the card's live check waits. The drift leaves the morning's RMSSD unchanged.
HR_DRIFT_BPM: Final = 1.5
"""An activity reaches the workout source this long after it ends."""
_LOGGER = logging.getLogger(__name__)


def _tests_dir() -> Path:
    import custom_components.recovery_readiness as component  # noqa: PLC0415

    return Path(component.__file__).resolve().parents[2] / "tests"


def _aware(local: datetime) -> datetime:
    """A model wall-clock time in Home Assistant's zone, as UTC."""
    return dt_util.as_utc(local.replace(tzinfo=dt_util.get_default_time_zone()))


async def async_setup(hass: HomeAssistant, config: dict[str, Any]) -> bool:  # noqa: ARG001
    """Start the demo strap after Home Assistant has started."""
    tests = str(_tests_dir())
    if tests not in sys.path:
        sys.path.insert(0, tests)

    async def _start(_event: Event) -> None:
        demo = await hass.async_add_import_executor_job(importlib.import_module, "emulated.demo")
        frames = await hass.async_add_import_executor_job(
            importlib.import_module, "emulated.frames"
        )
        handle = await demo.start_demo_strap(
            hass, name="Demo HRM", rr_source=_model_rr(frames.resting_rr_ms)
        )
        hass.data[DOMAIN] = handle
        bed = DemoBed(hass)
        bed.start()
        await _confirm_discovery(hass, handle.address)
        watch = await _demo_person(hass, handle.address)

        @callback
        def _stop(_event: Event) -> None:
            bed.stop()
            if watch is not None:
                watch.stop()

        hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _stop)

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STARTED, _start)
    return True


def _model_rr(resting_rr_ms: Any) -> Iterator[float]:
    """RR intervals of the model's expected morning of the current local day (never ends)."""
    day: date | None = None
    beats: Iterator[float] = iter(())
    while True:
        today = dt_util.now().date()
        if today != day:
            day = today
            morning = model.expected_morning(today)
            _LOGGER.info(
                "Demo strap streams the model's expected morning of %s: RMSSD %.1f ms "
                "(ln %.3f), resting HR %.1f bpm",
                today,
                morning.rmssd_ms,
                morning.ln_rmssd,
                morning.resting_hr_bpm,
            )
            beats = resting_rr_ms(
                rmssd_ms=morning.rmssd_ms,
                hr_bpm=morning.resting_hr_bpm,
                seed=today.toordinal(),
                hr_drift_bpm=HR_DRIFT_BPM,
            )
        for _ in range(60):
            yield next(beats)


class DemoBed:
    """``binary_sensor.demo_runner_bed``: on from the model's bedtime until its wake time."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Bind to ``hass``; `start` sets the state and schedules the next change."""
        self.hass = hass
        self._unsub: CALLBACK_TYPE | None = None

    @callback
    def stop(self) -> None:
        """Cancel the next change."""
        if self._unsub is not None:
            self._unsub()
            self._unsub = None

    @callback
    def start(self, now: datetime | None = None) -> None:
        """Set the state of ``now`` and schedule the next bedtime or wake-up."""
        now = now or dt_util.utcnow()
        today = dt_util.as_local(now).date()
        night = model.night_ending(today)
        if now >= _aware(night.wake):
            night = model.night_ending(today + timedelta(days=1))
        bedtime, wake = _aware(night.bedtime), _aware(night.wake)
        in_bed = bedtime <= now < wake
        self.hass.states.async_set(
            BED_ENTITY,
            "on" if in_bed else "off",
            {"device_class": "occupancy", "friendly_name": "Demo runner bed"},
        )
        self.stop()
        self._unsub = async_track_point_in_time(self.hass, self.start, wake if in_bed else bedtime)


class DemoWatch:
    """``sensor.demo_runner_last_activity``: the model's runs, one state per activity."""

    def __init__(self, hass: HomeAssistant, store: DemoStore) -> None:
        """Bind to ``hass`` and the demo's store of what was replayed."""
        self.hass = hass
        self.store = store
        self._unsub: CALLBACK_TYPE | None = None

    @callback
    def stop(self) -> None:
        """Cancel the next sync."""
        if self._unsub is not None:
            self._unsub()
            self._unsub = None

    @staticmethod
    def attributes(activity: model.Activity) -> dict[str, Any]:
        """Garmin Connect's activity summary for one run."""
        start_utc = _aware(activity.start)
        return {
            "activityId": activity.activity_id,
            "activityName": activity.name,
            "startTimeLocal": activity.start.strftime("%Y-%m-%d %H:%M:%S"),
            "startTimeGMT": start_utc.strftime("%Y-%m-%d %H:%M:%S"),
            "activityType": {"typeKey": "running"},
            "duration": activity.duration_s,
            "elapsedDuration": activity.duration_s,
            "distance": activity.distance_m,
            "averageHR": activity.avg_hr_bpm,
            "maxHR": activity.max_hr_bpm,
            "friendly_name": "Demo runner last activity",
            "icon": "mdi:run",
        }

    def show(self, activity: model.Activity) -> None:
        """Make ``activity`` the entity's state (a new activity for the workout source)."""
        self.hass.states.async_set(ACTIVITY_ENTITY, activity.name, self.attributes(activity))

    async def async_sync(self, now: datetime | None = None) -> None:
        """Replay, in order, every run synced by ``now`` not replayed yet; schedule the next."""
        now = now or dt_util.utcnow()
        today = dt_util.as_local(now).date()
        runs = [
            a
            for d in range(model.HISTORY_DAYS, -2, -1)
            for a in model.activities_on(today - timedelta(days=d))
        ]
        done = self.store.last_activity_id
        shown = 0
        latest: model.Activity | None = None
        next_due = now + timedelta(days=1)  # nothing due today or tomorrow: look again then
        for activity in runs:
            due = _aware(activity.end) + SYNC_DELAY
            if due > now:
                next_due = due
                break
            latest = activity
            if done is not None and activity.activity_id <= done:
                continue
            self.show(activity)
            await self.hass.async_block_till_done()
            shown += 1
            await self.store.async_replayed(activity_id=activity.activity_id)
        if shown == 0 and latest is not None:
            self.show(latest)  # after a restart the entity shows the latest activity again
        self.stop()
        self._unsub = async_track_point_in_time(self.hass, self._sync_job, next_due)
        _LOGGER.info("Demo watch: %d activities replayed through %s", shown, ACTIVITY_ENTITY)

    @callback
    def _sync_job(self, now: datetime) -> None:
        self.hass.async_create_task(self.async_sync(now))


class DemoStore:
    """What this component replayed for one person entry (a second start replays only news)."""

    def __init__(self, hass: HomeAssistant, entry_id: str, source: str | None) -> None:
        """Bind to the person entry and its workout source; call `async_load`."""
        self._store: Store[dict[str, Any]] = Store(hass, 1, DOMAIN)
        self._entry_id = entry_id
        self._source = source
        self._data: dict[str, Any] = {}

    async def async_load(self) -> None:
        """Read the store; a record of another entry, or of another source, is discarded.

        Activities replayed while the person did not follow the demo's workout entity were
        never ingested, so they are replayed again (the integration ingests each id once).
        """
        data = await self._store.async_load() or {}
        same = data.get("entry_id") == self._entry_id and data.get("source") == self._source
        self._data = data if same else {}

    @property
    def last_activity_id(self) -> int | None:
        """The id of the last replayed activity."""
        value = self._data.get("last_activity_id")
        return value if isinstance(value, int) else None

    @property
    def nights_through(self) -> date | None:
        """The wake day of the last night logged."""
        value = self._data.get("nights_through")
        return date.fromisoformat(value) if isinstance(value, str) else None

    async def async_replayed(
        self, *, activity_id: int | None = None, nights_through: date | None = None
    ) -> None:
        """Remember a replayed activity or the last logged night."""
        self._data["entry_id"] = self._entry_id
        self._data["source"] = self._source
        if activity_id is not None:
            self._data["last_activity_id"] = activity_id
        if nights_through is not None:
            self._data["nights_through"] = nights_through.isoformat()
        await self._store.async_save(self._data)


async def _confirm_discovery(hass: HomeAssistant, address: str) -> None:
    """Accept Recovery Readiness' discovery of the demo strap (once; a second run finds it)."""
    if any(e.unique_id == address for e in hass.config_entries.async_entries(TARGET)):
        return
    for _ in range(600):  # the first discovery loads bluetooth_adapters: allow a minute
        for flow in hass.config_entries.flow.async_progress_by_handler(TARGET):
            if flow["context"].get("unique_id") == address:
                await hass.config_entries.flow.async_configure(flow["flow_id"], {})
                _LOGGER.info("Demo strap %s added to Recovery Readiness", address)
                return
        await asyncio.sleep(0.1)
    _LOGGER.warning("Recovery Readiness did not discover the demo strap %s", address)


DEMO_SOURCES = (
    "sleep_source",
    "workout_source",
    "workout_preset",
    "sex",
    "age_years",
    "max_hr_bpm",
)
"""Options an existing demo person is given when an older demo created it without them."""


def _person_options(today: date) -> dict[str, Any]:
    """The person form's values: the model's person and the demo's sources."""
    return {
        "target_sleep_h": 7.75,
        "reminder_lead_min": 30,
        "work_days": ["mon", "tue", "wed", "thu", "fri"],
        "merge_gap_min": 20,
        "min_night_sleep_min": 90,
        "morning_start": "00:00:00",
        "morning_end": "23:59:59",
        "measurement_duration_s": 120,
        "sleep_source": BED_ENTITY,
        "workout_source": ACTIVITY_ENTITY,
        "workout_preset": "garmin_connect",
        "sex": "male",
        "age_years": model.AGE_YEARS,
        "max_hr_bpm": model.MAX_HR_BPM,
        "start_ctl": round(
            model.typical_daily_load(until=today - timedelta(days=model.HISTORY_DAYS)), 1
        ),
    }


async def _demo_person(hass: HomeAssistant, address: str) -> DemoWatch | None:
    """Add the demo person (once) through the config flow, then seed the model's history."""
    strap = next(
        (e for e in hass.config_entries.async_entries(TARGET) if e.unique_id == address), None
    )
    person = next((e for e in hass.config_entries.async_entries(TARGET) if e.title == PERSON), None)
    today = dt_util.now().date()
    if person is None and strap is not None:
        flow = await hass.config_entries.flow.async_init(TARGET, context={"source": "user"})
        flow = await hass.config_entries.flow.async_configure(
            flow["flow_id"], {"next_step_id": "person"}
        )
        result = await hass.config_entries.flow.async_configure(
            flow["flow_id"],
            {"name": PERSON, "strap_entry_id": strap.entry_id, **_person_options(today)},
        )
        person = result.get("result")
        await hass.async_block_till_done()
        if person is None:
            _LOGGER.warning("Could not add the demo person: %s", result)
            return None
        _LOGGER.info("Demo person %s added", PERSON)
    if person is None:
        return None
    missing = {
        key: value
        for key, value in _person_options(today).items()
        if key in DEMO_SOURCES and person.options.get(key) != value
    }
    if missing:  # a demo person of an older demo: give it the demo's sources (reloads it)
        hass.config_entries.async_update_entry(person, options={**person.options, **missing})
        await hass.async_block_till_done()
        _LOGGER.info("Demo person %s now follows the demo's sources: %s", PERSON, missing)
    store = DemoStore(hass, person.entry_id, person.options.get("workout_source"))
    await store.async_load()
    await _import_mornings(hass, person.entry_id, today)
    await _log_nights(hass, person.entry_id, store)
    watch = DemoWatch(hass, store)
    await watch.async_sync()
    return watch


async def _import_mornings(hass: HomeAssistant, entry_id: str, today: date) -> None:
    """The model's last 60 mornings through ``import_history`` (a known day is a duplicate)."""
    path = hass.config.path(HISTORY_FILE)
    await hass.async_add_executor_job(_write_history, path, today)
    response = await hass.services.async_call(
        TARGET,
        "import_history",
        {"profile": entry_id, "path": path},
        blocking=True,
        return_response=True,
    )
    _LOGGER.info("Demo history import: %s", response)


async def _log_nights(hass: HomeAssistant, entry_id: str, store: DemoStore) -> None:
    """The model's past nights through ``log_sleep`` (the bed sensor records the live ones)."""
    now = dt_util.utcnow()
    today = dt_util.as_local(now).date()
    done = store.nights_through
    logged = refused = 0
    last: date | None = None
    for night in model.history(today).nights:
        start, end = _aware(night.bedtime), _aware(night.wake)
        if end > now:
            break  # the night in progress: the bed sensor has it
        last = night.wake_day
        if done is not None and night.wake_day <= done:
            continue
        try:
            await hass.services.async_call(
                TARGET,
                "log_sleep",
                {"profile": entry_id, "start": start.isoformat(), "end": end.isoformat()},
                blocking=True,
            )
            logged += 1
        except HomeAssistantError:
            refused += 1  # overlaps a night stored before (logged, or seen by the bed sensor)
    if last is not None:
        await store.async_replayed(nights_through=last)
    _LOGGER.info("Demo nights: %d logged through log_sleep, %d already known", logged, refused)


def _write_history(path: str, today: date) -> None:
    """The model's mornings (RMSSD and resting HR, with day-to-day noise), ending yesterday."""
    lines = ["date,rmssd_ms,resting_hr_bpm"]
    lines.extend(
        f"{m.day},{m.rmssd_ms:.1f},{m.resting_hr_bpm:.1f}" for m in model.history(today).mornings
    )
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
