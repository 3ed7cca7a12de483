"""Actions of the integration, registered once in `async_setup` (quality-scale action-setup).

Every action that targets a person profile resolves it with `async_get_profile`, which raises a
translated `ServiceValidationError` for an unknown or unloaded profile.
"""

from __future__ import annotations

import math
import stat
from collections.abc import Callable, Coroutine
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import voluptuous as vol
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from .const import (
    DOMAIN,
    KIND_PERSON,
    SERVICE_DELETE_HISTORY,
    SERVICE_GET_READINESS,
    SERVICE_IMPORT_HISTORY,
    SERVICE_IMPORT_SESSIONS,
    SERVICE_LOG_SESSION,
    SERVICE_LOG_SLEEP,
    SERVICE_START_BREATHING,
    SERVICE_START_MEASUREMENT,
    SERVICE_START_SESSION,
    SERVICE_STOP_BREATHING,
    SERVICE_STOP_SESSION,
    entry_kind,
)
from .physiology.breathing import MAX_BREATHS_PER_MIN, MIN_BREATHS_PER_MIN
from .physiology.training_load import CR10_MAX, SessionRecord
from .profile import ProfileRuntime
from .profile.breathing import (
    DEFAULT_MINUTES,
    MAX_MINUTES,
    MIN_MINUTES,
    MODE_RESONANCE,
    BreathingError,
)
from .profile.history_import import MAX_FILE_BYTES, ImportFileError, parse_history_csv
from .profile.session_import import MAX_SESSIONS_FILE_BYTES, parse_sessions_csv
from .profile.sleep import SleepLogError
from .profile.training import SessionError
from .report import session_summary
from .store.measurements import StoredMeasurement
from .store.sleep import StoredEpisode
from .texts import async_texts, reasons_with_text

ATTR_PROFILE: Final = "profile"
ATTR_START: Final = "start"
ATTR_END: Final = "end"
ATTR_PATH: Final = "path"
ATTR_USER_CODE: Final = "user_code"
MAX_REJECTED_IN_RESPONSE: Final = 50
ERR_DATE_OUT_OF_RANGE: Final = "date_out_of_range"

LOG_SLEEP_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_PROFILE): cv.string,
        vol.Required(ATTR_START): cv.datetime,
        vol.Required(ATTR_END): cv.datetime,
    }
)


def async_get_profile(hass: HomeAssistant, entry_id: str) -> ProfileRuntime:
    """Return the runtime of a loaded person profile.

    Raises:
        ServiceValidationError: ``profile_not_found`` (no such entry, or not a person profile
            of this integration) or ``profile_not_loaded``.
    """
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN or entry_kind(entry) != KIND_PERSON:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="profile_not_found",
            translation_placeholders={"profile": entry_id},
        )
    runtime = entry.runtime_data if entry.state is ConfigEntryState.LOADED else None
    if not isinstance(runtime, ProfileRuntime):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="profile_not_loaded",
            translation_placeholders={"profile": entry.title},
        )
    return runtime


def _local(value: datetime) -> datetime:
    """A datetime without a zone is local time (HA's configured zone)."""
    return dt_util.as_local(value)


async def _async_log_sleep(call: ServiceCall) -> None:
    """Record one sleep episode (phone, bedside button, manual entry)."""
    runtime = async_get_profile(call.hass, call.data[ATTR_PROFILE])
    assert runtime.sleep is not None  # noqa: S101  (loaded profiles have their sleep part)
    try:
        try:
            start, end = _local(call.data[ATTR_START]), _local(call.data[ATTR_END])
        except (OverflowError, ValueError) as err:  # year 1 or 9999 shifted out of range
            raise SleepLogError(ERR_DATE_OUT_OF_RANGE) from err
        await runtime.sleep.async_log_sleep(start, end)
    except SleepLogError as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=err.key,
            translation_placeholders=err.placeholders,
        ) from err


PROFILE_SCHEMA: Final = vol.Schema({vol.Required(ATTR_PROFILE): cv.string})
IMPORT_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_PROFILE): cv.string,
        vol.Required(ATTR_PATH): cv.string,
        vol.Optional(ATTR_USER_CODE): cv.string,
    }
)


def _profile(call: ServiceCall) -> ProfileRuntime:
    return async_get_profile(call.hass, call.data[ATTR_PROFILE])


async def _async_start_measurement(call: ServiceCall) -> None:
    """Start the morning measurement now (it waits for skin contact and for the strap)."""
    profile = _profile(call)
    if not profile.link.configured:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_linked_strap",
            translation_placeholders={"profile": profile.settings.name},
        )
    profile.async_start_measurement("action")


async def _async_get_readiness(call: ServiceCall) -> ServiceResponse:
    """The full readiness report: score, level, advice, contributors, reasons, baselines."""
    response = _profile(call).report.readiness_response()
    if "reasons" in response:
        texts = await async_texts(call.hass)
        response["reasons"] = reasons_with_text(texts, response["reasons"])
    return response


def _import_error(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=f"import_{key}",
        translation_placeholders=placeholders,
    )


def _read_text(path: Path, limit_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a regular file (a FIFO or device would block or never end) of bounded size."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise _import_error(key="not_a_file", path=str(path))
    if info.st_size > limit_bytes:
        raise _import_error(key="too_large", path=str(path), limit_mb=str(limit_bytes // 2**20))
    return path.read_text(encoding="utf-8-sig")


async def _async_read_import(call: ServiceCall, limit_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of the file named by the call's ``path``, when it is in an allowed folder."""
    hass = call.hass
    path = Path(call.data[ATTR_PATH])
    if not path.is_absolute():
        path = Path(hass.config.path(str(path)))
    if not await hass.async_add_executor_job(hass.config.is_allowed_path, str(path)):
        raise _import_error(key="path_not_allowed", path=str(path))
    try:
        return await hass.async_add_executor_job(_read_text, path, limit_bytes)
    except (OSError, UnicodeDecodeError) as err:
        raise _import_error(key="unreadable", path=str(path), error=str(err)) from err


async def _async_import_history(call: ServiceCall) -> ServiceResponse:
    """Seed the baseline from a CSV export; idempotent; reports imported/duplicate/rejected."""
    hass = call.hass
    profile = _profile(call)
    text = await _async_read_import(call)
    tz = dt_util.get_default_time_zone()
    try:
        parsed = await hass.async_add_executor_job(
            lambda: parse_history_csv(
                text,
                tz=tz,
                daily_time=profile.settings.morning_midpoint,
                user_code=call.data.get(ATTR_USER_CODE),
            )
        )
    except ImportFileError as err:
        raise _import_error(key=err.key, **err.placeholders) from err
    imported = await profile.async_add_measurements(parsed.measurements)
    reasons: dict[str, Any] = {}
    for row in parsed.rejected:
        reasons[row.reason] = reasons.get(row.reason, 0) + 1
    return {
        "layout": parsed.layout,
        "imported": imported,
        "duplicates": len(parsed.measurements) - imported,
        "rejected": len(parsed.rejected),
        "rejected_reasons": reasons,
        "rejected_rows": [
            {"line": row.line, "reason": row.reason}
            for row in parsed.rejected[:MAX_REJECTED_IN_RESPONSE]
        ],
    }


ATTR_WHAT: Final = "what"
ATTR_START_DATE: Final = "start_date"
ATTR_END_DATE: Final = "end_date"
ATTR_SOURCE: Final = "source"
DELETE_WHAT: Final = ("measurements", "sleep", "all")
DELETE_SOURCES: Final = ("import", "strap")
DELETE_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_PROFILE): cv.string,
        vol.Required(ATTR_WHAT): vol.In(DELETE_WHAT),
        vol.Optional(ATTR_START_DATE): cv.date,
        vol.Optional(ATTR_END_DATE): cv.date,
        vol.Optional(ATTR_SOURCE): vol.In(DELETE_SOURCES),
    }
)


ATTR_DURATION_MIN: Final = "duration_min"
ATTR_AVG_HR: Final = "avg_hr_bpm"
ATTR_MAX_HR: Final = "max_hr_bpm"
ATTR_RPE: Final = "rpe"
ATTR_SPORT: Final = "sport"
LOG_SESSION_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_PROFILE): cv.string,
        vol.Optional(ATTR_START): cv.datetime,
        vol.Required(ATTR_DURATION_MIN): vol.All(vol.Coerce(float), vol.Range(min=1, max=1440)),
        vol.Optional(ATTR_AVG_HR): vol.All(vol.Coerce(float), vol.Range(min=30, max=250)),
        vol.Optional(ATTR_MAX_HR): vol.All(vol.Coerce(float), vol.Range(min=30, max=250)),
        vol.Optional(ATTR_RPE): vol.All(vol.Coerce(float), vol.Range(min=0, max=CR10_MAX)),
        vol.Optional(ATTR_SPORT): vol.All(cv.string, vol.Length(max=64)),
    }
)


ATTR_PACE: Final = "pace"
ATTR_MINUTES: Final = "minutes"


def _pace(value: Any) -> float | str:
    """A pace of 3-12 breaths/min, or ``resonance``; anything else is refused (translated)."""
    if isinstance(value, str) and value.strip().lower() == MODE_RESONANCE:
        return MODE_RESONANCE
    try:
        pace = float(value)
    except (TypeError, ValueError):
        pace = math.nan
    if isinstance(value, bool) or not (MIN_BREATHS_PER_MIN <= pace <= MAX_BREATHS_PER_MIN):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="breathing_bad_pace",
            translation_placeholders={
                "pace": str(value),
                "min": f"{MIN_BREATHS_PER_MIN:g}",
                "max": f"{MAX_BREATHS_PER_MIN:g}",
            },
        )
    return pace


START_BREATHING_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_PROFILE): cv.string,
        vol.Optional(ATTR_PACE): cv.string,
        vol.Optional(ATTR_MINUTES, default=DEFAULT_MINUTES): vol.Coerce(float),
    }
)


def _delete_error(key: str) -> ServiceValidationError:
    return ServiceValidationError(translation_domain=DOMAIN, translation_key=f"delete_{key}")


def _measurement_day(m: StoredMeasurement) -> date:
    return m.day if m.day is not None else dt_util.as_local(m.measured_at).date()


def _measurement_json(m: StoredMeasurement) -> dict[str, Any]:
    return {
        "date": _measurement_day(m).isoformat(),
        "measured_at": None if m.day is not None else dt_util.as_local(m.measured_at).isoformat(),
        "rmssd_ms": round(m.rmssd_ms, 2),
        "resting_hr_bpm": None if m.hr_bpm is None else round(m.hr_bpm, 1),
        "source": m.source,
    }


def _episode_json(e: StoredEpisode) -> dict[str, Any]:
    return {
        "start": dt_util.as_local(e.start).isoformat(),
        "end": dt_util.as_local(e.end).isoformat(),
        "origin": e.origin,
    }


async def _async_delete_history(call: ServiceCall) -> ServiceResponse:
    """Remove stored measurements and/or sleep episodes; written at once; says what went.

    Selection: local dates from ``start_date`` to ``end_date`` (inclusive; either may be
    left out for an open range) and, for measurements, their ``source`` (``import`` undoes
    imports). At least one of the three is required, so a slip cannot wipe a history. A
    measurement belongs to its local date, a sleep episode to the local date it started.
    """
    profile = _profile(call)
    what: str = call.data[ATTR_WHAT]
    first: date | None = call.data.get(ATTR_START_DATE)
    last: date | None = call.data.get(ATTR_END_DATE)
    source: str | None = call.data.get(ATTR_SOURCE)
    if first is None and last is None and source is None:
        raise _delete_error(key="no_selection")
    if first is not None and last is not None and first > last:
        raise _delete_error(key="bad_range")
    if source is not None and what == "sleep":
        raise _delete_error(key="source_for_sleep")

    def in_range(day: date) -> bool:
        return (first is None or day >= first) and (last is None or day <= last)

    removed_m: tuple[StoredMeasurement, ...] = ()
    removed_s: tuple[StoredEpisode, ...] = ()
    if what in {"measurements", "all"}:
        removed_m = await profile.async_remove_measurements(
            lambda m: in_range(_measurement_day(m)) and (source is None or m.source == source)
        )
    if what in {"sleep", "all"} and source is None and profile.sleep is not None:
        removed_s = await profile.sleep.async_remove_episodes(
            lambda e: in_range(dt_util.as_local(e.start).date())
        )
    return {
        "measurements_removed": len(removed_m),
        "sleep_episodes_removed": len(removed_s),
        "measurements": [_measurement_json(m) for m in removed_m],
        "sleep_episodes": [_episode_json(e) for e in removed_s],
    }


def _breathing_error(err: BreathingError, profile: ProfileRuntime) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=err.key,
        translation_placeholders={"profile": profile.settings.name},
    )


async def _async_start_breathing(call: ServiceCall) -> None:
    """Start guided breathing: a pace (default: the resonance pace, else 6) or the assessment."""
    profile = _profile(call)
    raw = call.data.get(ATTR_PACE)
    pace = None if raw is None else _pace(raw)
    minutes = call.data[ATTR_MINUTES]
    if not (math.isfinite(minutes) and MIN_MINUTES <= minutes <= MAX_MINUTES):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="breathing_bad_minutes",
            translation_placeholders={
                "minutes": f"{minutes:g}",
                "min": f"{MIN_MINUTES:g}",
                "max": f"{MAX_MINUTES:g}",
            },
        )
    resonance = pace == MODE_RESONANCE
    if resonance and not profile.link.configured:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="breathing_resonance_needs_strap",
            translation_placeholders={"profile": profile.settings.name},
        )
    try:
        profile.breathing.async_start(
            breaths_per_min=pace if isinstance(pace, float) else None,
            minutes=minutes,
            resonance=resonance,
            trigger="action",
        )
    except BreathingError as err:
        raise _breathing_error(err, profile) from err


async def _async_stop_breathing(call: ServiceCall) -> None:
    """Stop the running breathing session (its figures are still reported)."""
    profile = _profile(call)
    try:
        profile.breathing.async_stop()
    except BreathingError as err:
        raise _breathing_error(err, profile) from err


def _session_error(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


async def _async_log_session(call: ServiceCall) -> ServiceResponse:
    """Record a workout by hand (duration + average HR, or session RPE); saved before it returns."""
    profile = _profile(call)
    data = call.data
    if ATTR_AVG_HR not in data and ATTR_RPE not in data:
        raise _session_error(key="session_needs_hr_or_rpe")
    duration_s = float(data[ATTR_DURATION_MIN]) * 60.0
    now = dt_util.utcnow()
    start = (
        dt_util.as_utc(_local(data[ATTR_START]))
        if ATTR_START in data
        else now - timedelta(seconds=duration_s)
    )
    if start + timedelta(seconds=duration_s) > now + timedelta(minutes=1):
        raise _session_error(key="session_in_future")
    avg, peak = data.get(ATTR_AVG_HR), data.get(ATTR_MAX_HR)
    if avg is not None and peak is not None and peak < avg:
        raise _session_error(key="session_max_below_avg")
    record = SessionRecord(
        start=start,
        duration_s=duration_s,
        sport=str(data.get(ATTR_SPORT) or "unknown").strip().casefold() or "unknown",
        source="manual",
        avg_hr_bpm=avg,
        max_hr_bpm=peak,
        rpe=data.get(ATTR_RPE),
    )
    try:
        load = await profile.training.async_log(record)
    except SessionError as err:
        raise _session_error(err.key) from err
    return session_summary(record, load)


async def _async_start_session(call: ServiceCall) -> None:
    """Record a workout from the linked strap from now until `stop_session`."""
    profile = _profile(call)
    if not profile.link.configured:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_linked_strap",
            translation_placeholders={"profile": profile.settings.name},
        )
    profile.training.start_session()


async def _async_stop_session(call: ServiceCall) -> ServiceResponse:
    """Close the session started by hand; saved before it returns."""
    profile = _profile(call)
    try:
        record = await profile.training.async_stop_session()
    except SessionError as err:
        raise _session_error(err.key) from err
    return session_summary(record, profile.training.session_load(record))


IMPORT_SESSIONS_SCHEMA: Final = vol.Schema(
    {vol.Required(ATTR_PROFILE): cv.string, vol.Required(ATTR_PATH): cv.string}
)


async def _async_import_sessions(call: ServiceCall) -> ServiceResponse:
    """Add past workouts from a CSV file; every row checked; saved before it returns.

    Response: ``accepted`` (sessions added), ``rejected`` with ``rejected_reasons`` (count per
    reason) and ``rejected_rows`` (line and reason, the first 50), and the period covered by the
    accepted sessions (``first_start``, ``last_start``).
    """
    hass = call.hass
    profile = _profile(call)
    text = await _async_read_import(call, MAX_SESSIONS_FILE_BYTES)
    tz = dt_util.get_default_time_zone()
    stored = profile.training.sessions
    settings = profile.settings.training
    try:
        parsed = await hass.async_add_executor_job(
            lambda: parse_sessions_csv(text, tz=tz, stored=stored, settings=settings)
        )
    except ImportFileError as err:
        raise _import_error(key=err.key, **err.placeholders) from err
    added = await profile.training.async_import(parsed.sessions)
    reasons: dict[str, Any] = {}
    for row in parsed.rejected:
        reasons[row.reason] = reasons.get(row.reason, 0) + 1
    if stored_meanwhile := len(parsed.sessions) - len(added):  # e.g. a strap session ended
        reasons["duplicate"] = reasons.get("duplicate", 0) + stored_meanwhile
    starts = [s.start for s in added]
    return {
        "accepted": len(added),
        "rejected": len(parsed.rejected) + stored_meanwhile,
        "rejected_reasons": reasons,
        "rejected_rows": [
            {"line": row.line, "reason": row.reason}
            for row in parsed.rejected[:MAX_REJECTED_IN_RESPONSE]
        ],
        "first_start": dt_util.as_local(min(starts)).isoformat() if starts else None,
        "last_start": dt_util.as_local(max(starts)).isoformat() if starts else None,
    }


_SERVICES: Final[
    tuple[tuple[str, vol.Schema, Callable[[ServiceCall], Coroutine[Any, Any, None]]], ...]
] = (
    (SERVICE_LOG_SLEEP, LOG_SLEEP_SCHEMA, _async_log_sleep),
    (SERVICE_START_MEASUREMENT, PROFILE_SCHEMA, _async_start_measurement),
    (SERVICE_START_BREATHING, START_BREATHING_SCHEMA, _async_start_breathing),
    (SERVICE_STOP_BREATHING, PROFILE_SCHEMA, _async_stop_breathing),
    (SERVICE_START_SESSION, PROFILE_SCHEMA, _async_start_session),
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
    for name, schema, handler in _SERVICES:
        hass.services.async_register(DOMAIN, name, handler, schema=schema)
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_READINESS,
        _async_get_readiness,
        schema=PROFILE_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    for name, schema, response_handler in (
        (SERVICE_LOG_SESSION, LOG_SESSION_SCHEMA, _async_log_session),
        (SERVICE_STOP_SESSION, PROFILE_SCHEMA, _async_stop_session),
    ):
        hass.services.async_register(
            DOMAIN,
            name,
            response_handler,
            schema=schema,
            supports_response=SupportsResponse.OPTIONAL,
        )
    hass.services.async_register(
        DOMAIN,
        SERVICE_DELETE_HISTORY,
        _async_delete_history,
        schema=DELETE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_IMPORT_HISTORY,
        _async_import_history,
        schema=IMPORT_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_IMPORT_SESSIONS,
        _async_import_sessions,
        schema=IMPORT_SESSIONS_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
