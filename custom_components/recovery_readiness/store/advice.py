"""Persistence of the advice events already fired: the only module that knows this schema.

One `Store` file per person profile, ``.storage/recovery_readiness.advice.<entry_id>``. The
``advice`` event fires at most once per local day and kind, also across a restart of Home
Assistant (an automation that turns on a light or sends a notification must not repeat it), so
each (day, kind) pair is written before its event fires.

Schema (major 1, minor 1)::

    {"announced": [{"day": "YYYY-MM-DD", "kind": str}, ...]}

Only the pairs of the last `KEEP_DAYS` days are kept (the file stays a few lines long). A row
that cannot be read is skipped, and then the file is first copied aside (`HistoryStore`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, Final

from homeassistant.core import HomeAssistant

from ..const import DOMAIN
from . import HistoryStore, async_remove_history, rows_check

STORAGE_MINOR_VERSION: Final = 1
KEEP_DAYS: Final = 2
"""Pairs of today and yesterday are kept (yesterday's guards a clock set back at midnight)."""
MAX_KIND_LEN: Final = 64

type Announced = frozenset[tuple[date, str]]


def storage_key(entry_id: str) -> str:
    """Return the Store key of a person's fired advice."""
    return f"{DOMAIN}.advice.{entry_id}"


def pair_from_json(raw: Any) -> tuple[date, str] | None:
    """Read one stored (day, kind) pair; None when it is malformed."""
    if not isinstance(raw, dict):
        return None
    day, kind = raw.get("day"), raw.get("kind")
    if not isinstance(day, str) or not isinstance(kind, str) or not 0 < len(kind) <= MAX_KIND_LEN:
        return None
    try:
        return date.fromisoformat(day), kind
    except ValueError:
        return None


def announced_from_json(data: dict[str, Any]) -> Announced:
    """The readable pairs of stored data."""
    rows = data.get("announced")
    pairs = (pair_from_json(raw) for raw in rows) if isinstance(rows, list) else ()
    return frozenset(p for p in pairs if p is not None)


def announced_to_json(pairs: Iterable[tuple[date, str]]) -> dict[str, Any]:
    """Serialise the pairs (sorted, for a stable file)."""
    return {"announced": [{"day": d.isoformat(), "kind": k} for d, k in sorted(pairs)]}


def _skipped(data: dict[str, Any]) -> int:
    rows = data.get("announced")
    if not isinstance(rows, list):
        return 0 if rows is None else 1
    return sum(1 for raw in rows if pair_from_json(raw) is None)


def recent(pairs: Iterable[tuple[date, str]], today: date) -> Announced:
    """The pairs of the last `KEEP_DAYS` days up to ``today`` (older ones are dropped)."""
    first = today - timedelta(days=KEEP_DAYS - 1)
    return frozenset((d, k) for d, k in pairs if d >= first)


class AdviceStore:
    """Load and save one person's fired advice; every save is immediate."""

    def __init__(self, hass: HomeAssistant, entry_id: str, profile: str) -> None:
        """Bind to the profile's Store file."""
        self._store = HistoryStore(
            hass,
            storage_key(entry_id),
            minor_version=STORAGE_MINOR_VERSION,
            normalize=lambda data: announced_to_json(announced_from_json(data)),
            skipped=_skipped,
            validate=lambda data: rows_check(
                data, "announced", lambda raw: pair_from_json(raw) is not None
            ),
            entry_id=entry_id,
            what="advice",
            profile=profile,
        )

    async def async_load(self) -> Announced:
        """The stored pairs (empty when none, or when the file was kept aside)."""
        data = await self._store.async_load_history()
        return frozenset() if data is None else announced_from_json(data)

    async def async_save(self, pairs: Iterable[tuple[date, str]]) -> None:
        """Save now: the event of a pair fires only after this returns."""
        await self._store.async_save(announced_to_json(pairs))


async def async_remove_store(hass: HomeAssistant, entry_id: str) -> None:
    """Delete a removed profile's fired-advice file."""
    await async_remove_history(hass, storage_key(entry_id))
