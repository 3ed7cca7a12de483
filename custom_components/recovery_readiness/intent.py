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

from .const import DOMAIN, KIND_PERSON
from .helpers import entry_kind
from .person import PersonConfigEntry
from .texts import async_texts

INTENT_READINESS: Final = "RecoveryReadinessGetStatus"
MAX_SPOKEN_REASONS: Final = 2


async def async_setup_intents(hass: HomeAssistant) -> None:
    """Register the readiness intent (called by the intent integration)."""
    intent.async_register(hass, ReadinessIntentHandler())


def _profiles(hass: HomeAssistant) -> list[PersonConfigEntry]:
    return [
        entry
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry_kind(entry) == KIND_PERSON and entry.state is ConfigEntryState.LOADED
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
            profiles = [p for p in profiles if p.title.casefold() == wanted]
        if not profiles:
            key = "voice_unknown_person" if wanted else "voice_no_profile"
            response.async_set_speech(texts.message(key, name=wanted))
            return response
        entry = profiles[0]
        snapshot = entry.runtime_data.readiness.data
        result = snapshot.readiness
        reasons = " ".join(
            texts.message(f"reason_{r.key}", **r.placeholders_dict())
            for r in (result.reasons if result else ())[:MAX_SPOKEN_REASONS]
        )
        if result is None or result.score is None or result.level is None:
            speech = texts.message("voice_no_score", name=entry.title, reasons=reasons)
        else:
            speech = texts.message(
                "voice_readiness",
                name=entry.title,
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
