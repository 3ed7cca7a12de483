"""The dashboard card: serve the card's JavaScript module and have the frontend load it.

The card (``frontend/recovery-readiness-card.js``, plain JavaScript without third-party code
or a build step) is served under `CARD_URL` and added to every frontend page with
``frontend.add_extra_js_url``; it also defines the ``custom:recovery-readiness`` dashboard
strategy. The URL carries a hash of the file, so a browser never keeps an old card cached.
Without ``http`` (no web server) nothing is served; without ``frontend`` the file is served
but not added to the pages.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Final

from homeassistant.components.http import StaticPathConfig
from homeassistant.core import HomeAssistant

from .const import DOMAIN

CARD_FILE: Final = Path(__file__).parent / "frontend" / "recovery-readiness-card.js"
CARD_URL: Final = f"/{DOMAIN}/recovery-readiness-card.js"


def _card_hash() -> str:
    return hashlib.sha256(CARD_FILE.read_bytes()).hexdigest()[:12]


async def async_register_card(hass: HomeAssistant) -> str | None:
    """Serve the card and add it to the frontend; return the module URL (None: no server)."""
    if "http" not in hass.config.components:
        return None
    await hass.http.async_register_static_paths(
        [StaticPathConfig(CARD_URL, str(CARD_FILE), cache_headers=True)]
    )
    url = f"{CARD_URL}?v={await hass.async_add_executor_job(_card_hash)}"
    if "frontend" in hass.config.components:
        from homeassistant.components.frontend import add_extra_js_url  # noqa: PLC0415

        add_extra_js_url(hass, url)
    return url
