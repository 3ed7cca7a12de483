"""Readiness in words (reasons, voice answers), in Home Assistant's or the speaker's language.

Reason and voice sentences take placeholders at runtime, which Home Assistant's translation
categories do not offer outside exceptions; they live in the integration's own
``texts/<language>.json`` (English fallback, same keys in every language, checked by the
packaging tests). Level and advice names are entity states and come from HA's translations.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers import translation

from .const import DOMAIN

TEXTS_DIR: Final = Path(__file__).parent / "texts"
FALLBACK_LANGUAGE: Final = "en"
_PREFIX: Final = f"component.{DOMAIN}"


@cache
def _load(language: str) -> Mapping[str, Mapping[str, str]]:
    """The sentences of one language (read once per language; English when none)."""
    path = TEXTS_DIR / f"{language.split('-', maxsplit=1)[0].lower()}.json"
    if not path.is_file():
        path = TEXTS_DIR / f"{FALLBACK_LANGUAGE}.json"
    data: Mapping[str, Mapping[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return data


class Texts:
    """The integration's sentences and state names in one language."""

    def __init__(
        self, sentences: Mapping[str, Mapping[str, str]], states: Mapping[str, str]
    ) -> None:
        """Wrap the sentences and HA's flattened entity translations."""
        self._sentences = sentences
        self._states = states

    def _format(self, group: str, key: str, placeholders: Mapping[str, Any]) -> str:
        template = self._sentences.get(group, {}).get(key)
        if template is None:
            return key
        return template.format(**{k: str(v) for k, v in placeholders.items()})

    def reason(self, key: str, **placeholders: Any) -> str:
        """A readiness reason with its placeholders filled in; the key when unknown."""
        return self._format("reason", key, placeholders)

    def voice(self, key: str, **placeholders: Any) -> str:
        """A voice answer with its placeholders filled in; the key when unknown."""
        return self._format("voice", key, placeholders)

    def state(self, sensor: str, value: str) -> str:
        """The translated name of an enum sensor's state."""
        return self._states.get(f"{_PREFIX}.entity.sensor.{sensor}.state.{value}", value)


async def async_texts(hass: HomeAssistant, language: str | None = None) -> Texts:
    """Load the texts of `language` (default: Home Assistant's language)."""
    language = language or hass.config.language
    sentences = await hass.async_add_executor_job(_load, language)
    states = await translation.async_get_translations(hass, language, "entity", [DOMAIN])
    return Texts(sentences, states)


def reasons_with_text(texts: Texts, reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add the text to each reason of a report (``{"key", "placeholders"}``)."""
    return [{**r, "text": texts.reason(r["key"], **r.get("placeholders", {}))} for r in reasons]
