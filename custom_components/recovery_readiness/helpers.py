"""Small helpers shared by the glue modules."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry

from .const import CONF_ENTRY_KIND, KIND_STRAP


def entry_kind(entry: ConfigEntry) -> str:
    """Return `KIND_STRAP` or `KIND_PERSON` (strap entries carry no kind key)."""
    return str(entry.data.get(CONF_ENTRY_KIND, KIND_STRAP))
