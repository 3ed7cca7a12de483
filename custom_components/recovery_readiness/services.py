"""Actions of the integration, registered once in `async_setup` (quality-scale action-setup).

Every action that targets a person profile resolves it with `async_get_person_runtime`, which
raises a translated `ServiceValidationError` for an unknown or unloaded profile; add new
actions (readiness) to `_SERVICES` with their schema and handler.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime, time
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
    SERVICE_LOG_SLEEP,
    SERVICE_START_MEASUREMENT,
)
from .helpers import entry_kind
from .history_import import MAX_FILE_BYTES, ImportFileError, parse_history_csv
from .person import PersonConfigEntry, PersonRuntime, SleepLogError
from .readiness_manager import ReadinessManager
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


def async_get_person_runtime(hass: HomeAssistant, entry_id: str) -> PersonRuntime:
    """Return the runtime of a loaded person profile.

    Raises:
        ServiceValidationError: ``profile_not_found`` (no such entry, or not a person profile
            of this integration) or ``profile_not_loaded``.
    """
    entry: PersonConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN or entry_kind(entry) != KIND_PERSON:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="profile_not_found",
            translation_placeholders={"profile": entry_id},
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="profile_not_loaded",
            translation_placeholders={"profile": entry.title},
        )
    return entry.runtime_data


def _local(value: datetime) -> datetime:
    """A datetime without a zone is local time (HA's configured zone)."""
    return dt_util.as_local(value)


async def _async_log_sleep(call: ServiceCall) -> None:
    """Record one sleep episode (phone, bedside button, manual entry)."""
    runtime = async_get_person_runtime(call.hass, call.data[ATTR_PROFILE])
    try:
        await runtime.async_log_sleep(_local(call.data[ATTR_START]), _local(call.data[ATTR_END]))
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


def _readiness(call: ServiceCall) -> ReadinessManager:
    return async_get_person_runtime(call.hass, call.data[ATTR_PROFILE]).readiness


async def _async_start_measurement(call: ServiceCall) -> None:
    """Start the morning measurement now (it waits for skin contact)."""
    manager = _readiness(call)
    if manager.strap is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_linked_strap",
            translation_placeholders={"profile": manager.config_entry.title},
        )
    manager.async_start_measurement("action")


async def _async_get_readiness(call: ServiceCall) -> ServiceResponse:
    """The full readiness report: score, level, advice, contributors, reasons, baselines."""
    manager = _readiness(call)
    snapshot = manager.data
    report: dict[str, Any] = {
        "profile": manager.config_entry.title,
        "day": None if snapshot.day is None else snapshot.day.isoformat(),
    }
    if snapshot.readiness is not None:
        report |= snapshot.readiness.as_dict()
        texts = await async_texts(call.hass)
        report["reasons"] = reasons_with_text(texts, report.get("reasons", []))
    report["hrv_baseline"] = None if snapshot.hrv is None else snapshot.hrv.as_dict()
    report["resting_hr_baseline"] = None if snapshot.rhr is None else snapshot.rhr.as_dict()
    today = snapshot.today
    report["today"] = (
        None
        if today is None
        else {
            "measured_at": today.measured_at.isoformat(),
            "ln_rmssd": today.ln_rmssd,
            "rmssd_ms": today.rmssd_ms,
            "resting_hr_bpm": today.hr_bpm,
            "artifact_ratio": today.artifact_ratio,
        }
    )
    report["measurement"] = {
        "state": snapshot.status.state.value,
        "progress_pct": snapshot.status.progress_pct,
        "reason": snapshot.status.reason,
    }
    return report


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
    manager = _readiness(call)
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
    start, end = manager.morning_start, manager.morning_end
    middle = (start.hour * 60 + start.minute + end.hour * 60 + end.minute) // 2
    try:
        parsed = await hass.async_add_executor_job(
            lambda: parse_history_csv(
                text,
                tz=tz,
                daily_time=time(middle // 60, middle % 60),
                user_code=call.data.get(ATTR_USER_CODE),
                to_utc=dt_util.as_utc,
            )
        )
    except ImportFileError as err:
        raise _import_error(key=err.key, **err.placeholders) from err
    imported = manager.async_add_measurements(parsed.measurements)
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


_SERVICES: Final[
    tuple[tuple[str, vol.Schema, Callable[[ServiceCall], Coroutine[Any, Any, None]]], ...]
] = (
    (SERVICE_LOG_SLEEP, LOG_SLEEP_SCHEMA, _async_log_sleep),
    (SERVICE_START_MEASUREMENT, PROFILE_SCHEMA, _async_start_measurement),
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
    hass.services.async_register(
        DOMAIN,
        SERVICE_IMPORT_HISTORY,
        _async_import_history,
        schema=IMPORT_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
