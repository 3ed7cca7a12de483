"""Voice and LLM agents: "how recovered am I?" answered from a person's readiness.

The intent `RecoveryReadinessGetStatus` is registered once when the integration loads. Home
Assistant offers every registered intent handler to LLM conversation agents as a tool, so an
LLM-based assistant can call it as is; the built-in agent needs sentences, which the user adds
under `custom_sentences/<language>/` (README "Voice"). The optional slot `name` picks a person
profile; without it the only (or first) profile answers.
"""

from __future__ import annotations

from typing import Any, Final

import voluptuous as vol
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import intent

from .const import DOMAIN
from .physiology.breathing import MAX_BREATHS_PER_MIN, MIN_BREATHS_PER_MIN
from .profile import ProfileRuntime
from .profile.breathing import DEFAULT_MINUTES, MAX_MINUTES, MIN_MINUTES, BreathingError
from .texts import async_texts

INTENT_READINESS: Final = "RecoveryReadinessGetStatus"
INTENT_START_BREATHING: Final = "RecoveryReadinessStartBreathing"
MAX_SPOKEN_REASONS: Final = 2


async def async_setup_intents(hass: HomeAssistant) -> None:
    """Register the readiness intent (called by the intent integration)."""
    intent.async_register(hass, ReadinessIntentHandler())
    intent.async_register(hass, StartBreathingIntentHandler())


def _profiles(hass: HomeAssistant) -> list[ProfileRuntime]:
    """Every loaded person profile."""
    return [
        entry.runtime_data
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.state is ConfigEntryState.LOADED and isinstance(entry.runtime_data, ProfileRuntime)
    ]


class ReadinessIntentHandler(intent.IntentHandler):
    """Speak today's readiness: score, level, training advice and the main reasons."""

    intent_type = INTENT_READINESS
    description = (
        "Tells how recovered a person is today and whether to train hard: the readiness score "
        "(0-100), the training advice and the main reasons (morning HRV, resting heart rate, "
        "sleep). Optional: the person's name."
    )
    platforms = None  # offered to LLM agents whatever domains are exposed

    @property
    def slot_schema(self) -> dict[Any, Any]:
        """An optional person name."""
        return {vol.Optional("name"): cv.string}

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Answer from the readiness snapshot of the chosen profile."""
        hass = intent_obj.hass
        slots = self.async_validate_slots(intent_obj.slots)
        texts = await async_texts(hass, intent_obj.language)
        response = intent_obj.create_response()
        profiles = _profiles(hass)
        wanted = str(slots.get("name", {}).get("value", "")).strip().casefold()
        if wanted:
            profiles = [p for p in profiles if p.settings.name.casefold() == wanted]
        if not profiles:
            key = "unknown_person" if wanted else "no_profile"
            response.async_set_speech(texts.voice(key, name=wanted))
            return response
        report = profiles[0].report
        result = report.readiness.readiness
        reasons = " ".join(
            texts.reason(r.key, **r.placeholders_dict())
            for r in (result.reasons if result else ())[:MAX_SPOKEN_REASONS]
        )
        if result is None or result.score is None or result.level is None:
            speech = texts.voice("no_score", name=report.name, reasons=reasons)
        else:
            speech = texts.voice(
                "readiness",
                name=report.name,
                score=result.score,
                level=texts.state("readiness_level", result.level.value),
                recommendation=texts.state(
                    "recommendation",
                    result.recommendation.value if result.recommendation else "",
                ),
                reasons=reasons,
            )
        response.async_set_speech(" ".join(speech.split()))
        return response


def _number(slots: dict[str, Any], key: str, low: float, high: float) -> float | None:
    """A numeric slot within [low, high]; None when absent or out of range (never guessed)."""
    raw = slots.get(key, {}).get("value")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if low <= value <= high else None


class StartBreathingIntentHandler(intent.IntentHandler):
    """Start a guided-breathing session (the pacer's phase events drive lights and sounds)."""

    intent_type = INTENT_START_BREATHING
    description = (
        "Starts a guided slow-breathing session for a person: a pacer (inhale/exhale events for "
        "lights) and, with their heart-rate strap, coherence and HRV before, during and after. "
        "Optional: the person's name, minutes (1-60, default 5), breaths per minute (3-12, "
        "default their resonance pace)."
    )
    platforms = None

    @property
    def slot_schema(self) -> dict[Any, Any]:
        """Optional person name, minutes and pace."""
        return {
            vol.Optional("name"): cv.string,
            vol.Optional("minutes"): cv.string,
            vol.Optional("pace"): cv.string,
        }

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Start the session of the chosen profile and say how it will run."""
        hass = intent_obj.hass
        slots = self.async_validate_slots(intent_obj.slots)
        texts = await async_texts(hass, intent_obj.language)
        response = intent_obj.create_response()
        profiles = _profiles(hass)
        wanted = str(slots.get("name", {}).get("value", "")).strip().casefold()
        if wanted:
            profiles = [p for p in profiles if p.settings.name.casefold() == wanted]
        if not profiles:
            key = "unknown_person" if wanted else "no_profile"
            response.async_set_speech(texts.voice(key, name=wanted))
            return response
        profile = profiles[0]
        minutes = _number(slots, "minutes", MIN_MINUTES, MAX_MINUTES) or DEFAULT_MINUTES
        pace = _number(slots, "pace", MIN_BREATHS_PER_MIN, MAX_BREATHS_PER_MIN)
        try:
            profile.breathing.async_start(
                breaths_per_min=pace, minutes=minutes, resonance=False, trigger="voice"
            )
        except BreathingError:
            response.async_set_speech(texts.voice("breathing_running", name=profile.settings.name))
            return response
        status = profile.breathing.status
        key = "breathing_started" if status.strap else "breathing_started_no_strap"
        response.async_set_speech(
            texts.voice(
                key,
                name=profile.settings.name,
                pace=f"{status.breaths_per_min:g}",
                minutes=f"{status.minutes:g}",
            )
        )
        return response
