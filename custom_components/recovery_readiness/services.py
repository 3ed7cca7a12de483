"""Actions of the integration, registered once in `async_setup` (quality-scale action-setup).

Every action that targets a person profile resolves it with `async_get_profile`, which raises a
translated `ServiceValidationError` for an unknown or unloaded profile.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
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
    SERVICE_GET_READINESS,
    SERVICE_IMPORT_HISTORY,
    SERVICE_LOG_SESSION,
    SERVICE_LOG_SLEEP,
    SERVICE_START_MEASUREMENT,
    SERVICE_START_SESSION,
    SERVICE_STOP_SESSION,
    entry_kind,
)
from .physiology.training_load import CR10_MAX, SessionRecord
from .profile import ProfileRuntime
from .profile.history_import import MAX_FILE_BYTES, ImportFileError, parse_history_csv
from .profile.sleep import SleepLogError
from .profile.training import SessionError
from .report import session_summary
from .texts import async_texts, reasons_with_text

ATTR_PROFILE: Final = "profile"
ATTR_START: Final = "start"
ATTR_END: Final = "end"
ATTR_PATH: Final = "path"
ATTR_USER_CODE: Final = "user_code"
MAX_REJECTED_IN_RESPONSE: Final = 50

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
        await runtime.sleep.async_log_sleep(
            _local(call.data[ATTR_START]), _local(call.data[ATTR_END])
        )
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


def _read_text(path: Path) -> str:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise _import_error(key="too_large", path=str(path), limit_mb=str(MAX_FILE_BYTES // 2**20))
    return path.read_text(encoding="utf-8-sig")


async def _async_import_history(call: ServiceCall) -> ServiceResponse:
    """Seed the baseline from a CSV export; idempotent; reports imported/duplicate/rejected."""
    hass = call.hass
    profile = _profile(call)
    path = Path(call.data[ATTR_PATH])
    if not path.is_absolute():
        path = Path(hass.config.path(str(path)))
    if not await hass.async_add_executor_job(hass.config.is_allowed_path, str(path)):
        raise _import_error(key="path_not_allowed", path=str(path))
    try:
        text = await hass.async_add_executor_job(_read_text, path)
    except (OSError, UnicodeDecodeError) as err:
        raise _import_error(key="unreadable", path=str(path), error=str(err)) from err
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
    imported = profile.async_add_measurements(parsed.measurements)
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


_SERVICES: Final[
    tuple[tuple[str, vol.Schema, Callable[[ServiceCall], Coroutine[Any, Any, None]]], ...]
] = (
    (SERVICE_LOG_SLEEP, LOG_SLEEP_SCHEMA, _async_log_sleep),
    (SERVICE_START_MEASUREMENT, PROFILE_SCHEMA, _async_start_measurement),
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
        SERVICE_IMPORT_HISTORY,
        _async_import_history,
        schema=IMPORT_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
