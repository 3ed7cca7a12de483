"""Sentences the built-in assistant understands without setup (English and Dutch).

Home Assistant has no public API for an integration's sentences; this module uses the mechanism
core's conversation triggers (``platform: conversation`` in automations) use: a list of hassil
sentence templates and an async callback that returns the answer text. Trigger sentences are
matched before intents and before LLM agents, so they are kept narrow (about the speaker, or a
``{name}`` wildcard at a fixed place). The callback answers through the integration's intents
(`intent.py`), in the language of the sentence that matched, for the user who asked.

`_register_trigger` is the version shim, chosen by what the release offers rather than by its
number: newer releases (2026.2 tested) keep triggers in the conversation agent manager
(``TriggerDetails``); 2025.4 (tested) on the default agent entity (``register_trigger(sentences,
callback)``). When neither works (a future release), one warning is logged and the intents stay
available to LLM agents and to ``custom_sentences`` (README "Voice").
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final, cast

from homeassistant.core import CALLBACK_TYPE, HomeAssistant
from homeassistant.helpers import intent
from homeassistant.setup import async_when_setup

from .const import DOMAIN, LOGGER
from .intent import (
    INTENT_ADVICE,
    INTENT_BEDTIME,
    INTENT_READINESS,
    INTENT_SLEEP,
    INTENT_START_BREATHING,
    INTENT_TRAINING,
    SLOT_NAME,
)

CONVERSATION: Final = "conversation"

SENTENCES: Final[Mapping[str, Mapping[str, tuple[str, ...]]]] = {
    INTENT_READINESS: {
        "en": (
            "how recovered am I [today]",
            "am I ready to train [hard] [today]",
            "what is my readiness [score] [today]",
            "how recovered is {name} [today]",
            "is {name} ready to train [hard] [today]",
        ),
        "nl": (
            "hoe hersteld ben ik [vandaag]",
            "ben ik [vandaag] klaar om [zwaar|hard] te trainen [vandaag]",
            "wat is mijn (herstel|herstelscore) [vandaag]",
            "hoe hersteld is {name} [vandaag]",
            "is {name} [vandaag] klaar om [zwaar|hard] te trainen [vandaag]",
        ),
    },
    INTENT_SLEEP: {
        "en": (
            "how did I sleep [last night]",
            "how (long|much) did I sleep [last night]",
            "how did {name} sleep [last night]",
        ),
        "nl": (
            "hoe heb ik [vannacht] geslapen [vannacht]",
            "hoe lang heb ik [vannacht] geslapen [vannacht]",
            "hoe heeft {name} [vannacht] geslapen [vannacht]",
        ),
    },
    INTENT_BEDTIME: {
        "en": (
            "(when|what time) should I go to bed [tonight]",
            "(when|what time) should {name} go to bed [tonight]",
        ),
        "nl": (
            "(hoe laat|wanneer) moet ik [vanavond] (naar bed|gaan slapen) [vanavond]",
            "(hoe laat|wanneer) moet {name} [vanavond] (naar bed|gaan slapen) [vanavond]",
        ),
    },
    INTENT_TRAINING: {
        "en": (
            "what is my training status [today]",
            "what is the training status of {name} [today]",
        ),
        "nl": (
            "wat is mijn trainingsstatus [vandaag]",
            "wat is de trainingsstatus van {name} [vandaag]",
        ),
    },
    INTENT_ADVICE: {
        "en": (
            "what should I do today",
            "what should {name} do today",
        ),
        "nl": (
            "wat moet ik vandaag doen",
            "wat moet {name} vandaag doen",
        ),
    },
    INTENT_START_BREATHING: {
        "en": (
            "start a breathing session",
            "start a breathing session for {name}",
        ),
        "nl": (
            "start een ademhalingssessie",
            "start een ademhalingssessie voor {name}",
        ),
    },
}
"""Sentence templates per intent and language (hassil syntax: [optional], (a|b), {wildcard})."""

TriggerCallback = Callable[..., Awaitable[str | None]]


def _register_trigger(
    hass: HomeAssistant, sentences: list[str], callback: TriggerCallback
) -> CALLBACK_TYPE:
    """Register trigger sentences with the built-in agent; raises when the mechanism is gone."""
    trigger = importlib.import_module(f"homeassistant.components.{CONVERSATION}.trigger")
    details_cls: Any = getattr(trigger, "TriggerDetails", None)
    if details_cls is not None:  # newer releases: the agent manager keeps them
        manager: Any = importlib.import_module(
            f"homeassistant.components.{CONVERSATION}.agent_manager"
        ).get_agent_manager(hass)
        return cast(
            "CALLBACK_TYPE",
            manager.register_trigger(details_cls(sentences=sentences, callback=callback)),
        )
    const: Any = importlib.import_module(f"homeassistant.components.{CONVERSATION}.const")
    agent: Any = hass.data[const.DATA_DEFAULT_ENTITY]  # 2025.4: the default agent entity
    return cast("CALLBACK_TYPE", agent.register_trigger(sentences, callback))


def _answer(hass: HomeAssistant, intent_type: str, language: str) -> TriggerCallback:
    """A trigger callback that answers through `intent_type` in `language`."""

    async def answer(user_input: Any, result: Any, *_: Any) -> str | None:
        entities = getattr(result, "entities", {}) or {}
        slots = {}
        if (name := entities.get(SLOT_NAME)) is not None and isinstance(name.value, str):
            slots[SLOT_NAME] = {"value": name.value.strip()}
        response = await intent.async_handle(
            hass,
            DOMAIN,
            intent_type,
            slots,
            text_input=getattr(user_input, "text", None),
            context=getattr(user_input, "context", None),
            language=language,
            assistant=CONVERSATION,
            device_id=getattr(user_input, "device_id", None),
        )
        speech: str = response.speech.get("plain", {}).get("speech", "")
        return speech

    return answer


def async_register_sentences(hass: HomeAssistant) -> list[CALLBACK_TYPE]:
    """Register every sentence set; on failure log once, undo what was done and return []."""
    registered: list[CALLBACK_TYPE] = []
    try:
        for intent_type, languages in SENTENCES.items():
            for language, sentences in languages.items():
                callback = _answer(hass, intent_type, language)
                registered.append(_register_trigger(hass, list(sentences), callback))
    except (ImportError, AttributeError, KeyError, TypeError, ValueError) as err:
        for unregister in registered:
            unregister()
        LOGGER.warning(
            "The built-in assistant's sentences could not be registered on this Home Assistant "
            "version (%s: %s); the intents still work for LLM agents and custom_sentences "
            "(README, Voice)",
            type(err).__name__,
            err,
        )
        return []
    return registered


def async_setup_voice(hass: HomeAssistant) -> None:
    """Register the sentences once the conversation integration is set up."""

    async def _when_conversation(hass: HomeAssistant, _component: str) -> None:
        async_register_sentences(hass)

    async_when_setup(hass, CONVERSATION, _when_conversation)
