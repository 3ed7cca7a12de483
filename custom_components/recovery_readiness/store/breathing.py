"""Persistence of one person's resonance breathing pace: the only module that knows this schema.

One `Store` file per person profile, ``.storage/recovery_readiness.breathing.<entry_id>``.

Schema (major 1, minor 1)::

    {
      "resonance": {"breaths_per_min": float, "assessed_at": ISO,
                    "lf_power_by_pace": [[pace, lf_power_ms2], ...]} | null
    }

A resonance pace that cannot be read (outside 3-12 breaths/min, no aware time) is dropped, and
the file is first copied aside (see `HistoryStore`).
"""

from __future__ import annotations

import math
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from ..physiology.breathing import MAX_BREATHS_PER_MIN, MIN_BREATHS_PER_MIN
from ..report import ResonanceResult
from . import HistoryStore, async_remove_history

STORAGE_MINOR_VERSION: Final = 1


def storage_key(entry_id: str) -> str:
    """Return the Store key of a person's breathing data."""
    return f"{DOMAIN}.breathing.{entry_id}"


def _pace(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    ok = math.isfinite(value) and MIN_BREATHS_PER_MIN <= value <= MAX_BREATHS_PER_MIN
    return float(value) if ok else None


def resonance_from_json(raw: Any) -> ResonanceResult | None:
    """Read the stored resonance pace; None when absent or malformed."""
    if not isinstance(raw, dict) or not isinstance(raw.get("assessed_at"), str):
        return None
    pace = _pace(raw.get("breaths_per_min"))
    assessed_at = dt_util.parse_datetime(raw["assessed_at"])
    if pace is None or assessed_at is None or assessed_at.tzinfo is None:
        return None
    rows = raw.get("lf_power_by_pace")
    points: list[tuple[float, float]] = []
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, list) and len(row) == 2:  # noqa: PLR2004 - a (pace, power) pair
            p, lf = _pace(row[0]), row[1]
            if p is not None and isinstance(lf, int | float) and math.isfinite(lf) and lf >= 0:
                points.append((p, float(lf)))
    return ResonanceResult(
        breaths_per_min=pace,
        assessed_at=dt_util.as_utc(assessed_at),
        lf_power_by_pace=tuple(points),
    )


def resonance_to_json(r: ResonanceResult | None) -> dict[str, Any]:
    """Serialise the breathing data for the Store."""
    if r is None:
        return {"resonance": None}
    return {
        "resonance": {
            "breaths_per_min": r.breaths_per_min,
            "assessed_at": r.assessed_at.isoformat(),
            "lf_power_by_pace": [[p, lf] for p, lf in r.lf_power_by_pace],
        }
    }


def schema_check(data: dict[str, Any]) -> str | None:
    """None when ``data`` holds a readable resonance pace (or none yet), else why not."""
    if "resonance" not in data:
        return "no 'resonance' key"
    raw = data["resonance"]
    if raw is not None and resonance_from_json(raw) is None:
        return "the stored resonance pace cannot be read"
    return None


def _skipped(data: dict[str, Any]) -> int:
    raw = data.get("resonance")
    return 0 if raw is None or resonance_from_json(raw) is not None else 1


class BreathingStore:
    """Load and save one person's resonance pace."""

    def __init__(self, hass: HomeAssistant, entry_id: str, profile: str) -> None:
        """Bind to the profile's Store file."""
        self._store = HistoryStore(
            hass,
            storage_key(entry_id),
            minor_version=STORAGE_MINOR_VERSION,
            normalize=lambda data: resonance_to_json(resonance_from_json(data.get("resonance"))),
            skipped=_skipped,
            validate=schema_check,
            entry_id=entry_id,
            what="breathing",
            profile=profile,
        )

    async def async_load(self) -> ResonanceResult | None:
        """Return the stored resonance pace (None when none, or when the file was kept aside)."""
        data = await self._store.async_load_history()
        return None if data is None else resonance_from_json(data.get("resonance"))

    async def async_save(self, resonance: ResonanceResult | None) -> None:
        """Save now: the user is told the pace is stored, so it is on disk when they hear it."""
        await self._store.async_save(resonance_to_json(resonance))


async def async_remove_store(hass: HomeAssistant, entry_id: str) -> None:
    """Delete a removed profile's breathing data."""
    await async_remove_history(hass, storage_key(entry_id))
