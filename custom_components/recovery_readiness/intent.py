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
from .profile import ProfileRuntime
from .texts import async_texts

INTENT_READINESS: Final = "RecoveryReadinessGetStatus"
MAX_SPOKEN_REASONS: Final = 2


async def async_setup_intents(hass: HomeAssistant) -> None:
    """Register the readiness intent (called by the intent integration)."""
    intent.async_register(hass, ReadinessIntentHandler())


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
