"""Websocket commands for the dashboard card and strategy.

* ``recovery_readiness/profiles``: the loaded person profiles with their entity ids.
* ``recovery_readiness/history`` (``profile``, ``days`` 1-400, default 60, optional
  ``language``): the per-day series computed by the integration from its own stores
  (`profile.history_series`), today's readiness with its reasons in words, sleep debt and SRI,
  and the entity ids the card reads live values from. Exact daily values from the first day
  after an import; the recorder is not involved.

An unknown or unloaded profile is answered with the error code ``not_found`` or ``not_loaded``.
"""

from __future__ import annotations

from typing import Any, Final

import voluptuous as vol
from homeassistant.components import websocket_api
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.components.websocket_api.decorators import async_response, websocket_command
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from .const import DOMAIN, KIND_PERSON, entry_kind
from .physiology.sleep import SleepEpisode
from .profile import ProfileRuntime
from .profile.history_series import (
    DEFAULT_DAYS,
    MAX_DAYS,
    MIN_DAYS,
    hrv_series,
    resting_hr_series,
    sleep_nights,
)
from .services import async_get_profile
from .texts import async_texts, reasons_with_text

WS_PROFILES: Final = f"{DOMAIN}/profiles"
WS_HISTORY: Final = f"{DOMAIN}/history"
STRAP_KEYS: Final = ("heart_rate", "live_rmssd", "sensor_contact", "connected")
"""Strap entities the card shows live (heart rate while a measurement runs)."""
LANGUAGE: Final = vol.Match(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}$")
"""A BCP 47-like tag; it names a texts file, so nothing else may pass."""


def _entities(hass: HomeAssistant, profile: ProfileRuntime) -> dict[str, str]:
    """Description key → entity id of the profile's entities and its strap's live ones."""
    registry = er.async_get(hass)
    prefix = f"{profile.settings.person_id}_"
    out: dict[str, str] = {}
    for entity in er.async_entries_for_config_entry(registry, profile.entry.entry_id):
        if entity.unique_id.startswith(prefix):
            out[entity.unique_id.removeprefix(prefix)] = entity.entity_id
    strap_id = profile.settings.strap_entry_id
    if strap_id is not None:
        for entity in er.async_entries_for_config_entry(registry, strap_id):
            for key in STRAP_KEYS:
                if entity.unique_id.endswith(f"_{key}"):
                    out[key] = entity.entity_id
    return out


def _loaded_profiles(hass: HomeAssistant) -> list[ProfileRuntime]:
    return [
        entry.runtime_data
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry_kind(entry) == KIND_PERSON
        and entry.state is ConfigEntryState.LOADED
        and isinstance(entry.runtime_data, ProfileRuntime)
    ]


@callback
@websocket_command({vol.Required("type"): WS_PROFILES})
def ws_profiles(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
    """List the loaded person profiles: ``[{profile, name, entities}]``, by name."""
    profiles = sorted(_loaded_profiles(hass), key=lambda p: p.settings.name.casefold())
    connection.send_result(
        msg["id"],
        [
            {
                "profile": p.entry.entry_id,
                "name": p.settings.name,
                "entities": _entities(hass, p),
            }
            for p in profiles
        ],
    )


def _sleep(profile: ProfileRuntime, days: int) -> dict[str, Any]:
    assert profile.sleep is not None  # noqa: S101  (a loaded profile has its sleep part)
    tz = dt_util.get_default_time_zone()
    today = dt_util.now().date()
    settings = profile.settings
    state = profile.report.sleep
    summary = state.summary
    return {
        "target_h": settings.target_sleep_h,
        "sleep_debt_h": None if state.sleep_debt_h is None else round(state.sleep_debt_h, 2),
        "sri": None if summary is None or summary.sri is None else round(summary.sri, 1),
        "average_sleep_h": (
            None if state.average_sleep_h is None else round(state.average_sleep_h, 2)
        ),
        "nights": sleep_nights(
            (SleepEpisode(e.start, e.end) for e in profile.sleep.history.episodes),
            tz=tz,
            today=today,
            days=days,
            target_sleep_h=settings.target_sleep_h,
            rules=settings.sleep_rules,
        ),
    }


@websocket_command(
    {
        vol.Required("type"): WS_HISTORY,
        vol.Required("profile"): str,
        vol.Optional("days", default=DEFAULT_DAYS): vol.All(
            int, vol.Range(min=MIN_DAYS, max=MAX_DAYS)
        ),
        vol.Optional("language"): LANGUAGE,
    }
)
@async_response
async def ws_history(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """The per-day series of one profile (see the module docstring)."""
    try:
        profile = async_get_profile(hass, msg["profile"])
    except ServiceValidationError as err:
        code = "not_loaded" if err.translation_key == "profile_not_loaded" else "not_found"
        connection.send_error(msg["id"], code, f"{code}: {msg['profile']}")
        return
    days: int = msg["days"]
    today = dt_util.now().date()
    hrv_daily, rhr_daily = profile.readiness.daily()
    report = profile.report
    texts = await async_texts(hass, msg.get("language"))
    result = report.readiness.readiness
    readiness: dict[str, Any] = {"score": None, "level": None, "recommendation": None}
    readiness["reasons"] = []
    if result is not None:
        level = None if result.level is None else result.level.value
        advice = None if result.recommendation is None else result.recommendation.value
        readiness = {
            "day": result.day.isoformat(),
            "score": result.score,
            "level": level,
            "level_text": None if level is None else texts.state("readiness_level", level),
            "recommendation": advice,
            "recommendation_text": (
                None if advice is None else texts.state("recommendation", advice)
            ),
            "reasons": reasons_with_text(texts, [r.as_dict() for r in result.reasons]),
        }
    measurement = report.measurement
    connection.send_result(
        msg["id"],
        {
            "profile": profile.entry.entry_id,
            "name": profile.settings.name,
            "today": today.isoformat(),
            "days": days,
            "entities": _entities(hass, profile),
            "readiness": readiness,
            "measurement": {
                "state": measurement.state.value,
                "progress_pct": measurement.progress_pct,
            },
            "hrv": hrv_series(hrv_daily, today, days),
            "resting_hr": resting_hr_series(rhr_daily, today, days),
            "sleep": _sleep(profile, days),
        },
    )


@callback
def async_setup_websocket(hass: HomeAssistant) -> None:
    """Register the commands (once, from `async_setup`)."""
    websocket_api.async_register_command(hass, ws_profiles)
    websocket_api.async_register_command(hass, ws_history)
