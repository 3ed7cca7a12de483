"""Readiness in words (reasons, voice answers), in Home Assistant's or the speaker's language.

The texts live in translations/<lang>.json like every other string: reasons under
``exceptions.reason_<key>`` and voice answers under ``exceptions.voice_<key>`` (the only
translation category whose strings take placeholders at runtime), level and advice names under
``entity.sensor.<key>.state``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import translation

from .const import DOMAIN

_PREFIX = f"component.{DOMAIN}"


class Texts:
    """The integration's strings in one language."""

    def __init__(self, strings: Mapping[str, str]) -> None:
        """Wrap the flattened translation strings."""
        self._strings = strings

    def message(self, key: str, **placeholders: Any) -> str:
        """A reason or voice text with its placeholders filled in; the key when missing."""
        template = self._strings.get(f"{_PREFIX}.exceptions.{key}.message")
        if template is None:
            return key
        return template.format(**{k: str(v) for k, v in placeholders.items()})

    def state(self, sensor: str, value: str) -> str:
        """The translated name of an enum sensor's state."""
        return self._strings.get(f"{_PREFIX}.entity.sensor.{sensor}.state.{value}", value)


async def async_texts(hass: HomeAssistant, language: str | None = None) -> Texts:
    """Load the strings of `language` (default: Home Assistant's language)."""
    language = language or hass.config.language
    strings: dict[str, str] = {}
    for category in ("exceptions", "entity"):
        strings |= await translation.async_get_translations(hass, language, category, [DOMAIN])
    return Texts(strings)


def reasons_with_text(texts: Texts, reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add the text to each reason of a report (``{"key", "placeholders"}``)."""
    return [
        {**r, "text": texts.message(f"reason_{r['key']}", **r.get("placeholders", {}))}
        for r in reasons
    ]
