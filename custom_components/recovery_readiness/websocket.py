"""Websocket commands for the dashboard card and strategy.

* ``recovery_readiness/profiles``: the loaded person profiles with their entity ids.
* ``recovery_readiness/history`` (``profile``, ``days`` 1-400, default 60, optional
  ``language``): the per-day series computed by the integration from its own stores
  (`profile.history_series`), today's readiness with its reasons in words, sleep debt and SRI,
  the training load per day with fitness, fatigue and form, today's training status and advice
  in words, the guided-breathing session (its plan while it runs, so the card's pacer follows
  it), and the entity ids the card reads live values from. Exact daily values from the first
  day after an import; the recorder is not involved.

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
from .profile.breathing import MODE_RESONANCE, pace_steps, resonance_steps
from .profile.history_series import (
    DEFAULT_DAYS,
    MAX_DAYS,
    MIN_DAYS,
    breathing_plan,
    hrv_series,
    resting_hr_series,
    sleep_nights,
    training_days,
)
from .report import BreathingState, rounded
from .services import async_get_profile
from .texts import Texts, async_texts, reasons_with_text

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


async def _training(
    hass: HomeAssistant, profile: ProfileRuntime, days: int, texts: Texts
) -> dict[str, Any]:
    """Load, fitness, fatigue and form per day; today's status and advice in words.

    The daily loads are the tracker's own (`TrainingTracker.daily_loads`) and the model is
    seeded with the tracker's seed, so today's row equals the training sensors.
    """
    tracker = profile.training
    settings = profile.settings.training
    loads = dict(tracker.daily_loads())
    today = dt_util.now().date()
    series = await hass.async_add_executor_job(
        lambda: training_days(loads, today, days, seed=tracker.load_seed(today), settings=settings)
    )
    state = profile.report.training
    status = None if state.window is None else state.window.state.value
    advice = None if state.advice is None else state.advice.kind.value
    load = state.load
    return {
        "days": series,
        "sessions": state.sessions,
        "recording": state.recording,
        "ctl": None if load is None else rounded(load.ctl, 1),
        "atl": None if load is None else rounded(load.atl, 1),
        "tsb": None if load is None else rounded(load.tsb, 1),
        "form_reliable": None if load is None else load.form_reliable,
        "status": status,
        "status_text": None if status is None else texts.state("training_status", status),
        "advice": advice,
        "advice_text": None if advice is None else texts.state("training_advice", advice),
    }


def _breathing(profile: ProfileRuntime) -> dict[str, Any]:
    """The guided-breathing session: its plan while it runs, else the last one.

    ``live`` (None when no pacer runs): ``started_at``, ``elapsed_s`` (now - start, when this
    answer was made), and ``steps`` / ``total_s`` of the plan (`history_series.breathing_plan`).
    ``last_session``: the last finished session since Home Assistant started (sessions are not
    stored; only the resonance pace is), with its whole-session coherence.
    """
    b = profile.report.breathing
    live: dict[str, Any] | None = None
    if b.running and b.started_at is not None and b.breaths_per_min is not None:
        if b.mode == MODE_RESONANCE:
            steps = resonance_steps()
        else:
            steps = pace_steps(b.breaths_per_min, b.minutes or 0.0)
        plan, total_s = breathing_plan(steps)
        live = {
            "started_at": b.started_at.isoformat(),
            "elapsed_s": round((dt_util.utcnow() - b.started_at).total_seconds(), 3),
            "total_s": total_s,
            "steps": plan,
        }
    last: dict[str, Any] | None = None
    if b.state is BreathingState.DONE and b.started_at is not None:
        last = {
            "started_at": b.started_at.isoformat(),
            "duration_s": rounded(b.elapsed_s, 1),
            "mode": b.mode,
            "breaths_per_min": b.breaths_per_min,
            "stopped": b.stopped,
            "coherence": rounded(b.coherence, 3),
            "coherence_max": rounded(b.coherence_max, 3),
        }
    resonance = b.resonance
    return {
        "state": b.state.value,
        "mode": b.mode,
        "breaths_per_min": b.breaths_per_min,
        "coherence": rounded(b.coherence, 3),
        "resonance_breaths_per_min": None if resonance is None else resonance.breaths_per_min,
        "live": live,
        "last_session": last,
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
            "training": await _training(hass, profile, days, texts),
            "breathing": _breathing(profile),
        },
    )


@callback
def async_setup_websocket(hass: HomeAssistant) -> None:
    """Register the commands (once, from `async_setup`)."""
    websocket_api.async_register_command(hass, ws_profiles)
    websocket_api.async_register_command(hass, ws_history)
