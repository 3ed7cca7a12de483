"""Persistence of one person's workout sessions: the only module that knows this schema.

One `Store` file per person profile, ``.storage/recovery_readiness.training.<entry_id>``, apart
from the sleep and readiness histories so each can evolve and migrate on its own.

Schema (major 1, minor 1)::

    {
      "sessions": [
        {"start": ISO, "duration_s": float, "sport": str, "source": str,
         "hr_histogram": [[duration_s, hr_bpm], ...] | null,
         "avg_hr_bpm": float | null, "max_hr_bpm": float | null,
         "vendor_load": float | null, "vendor_load_unit": str | null, "vendor_name": str | null,
         "rpe": float | null, "source_id": str | null,
         "hrr60_bpm": float | null, "cooled_down": bool | null}
      ]
    }

The HR stream of a strap session is stored as its **time per heart rate**: the seconds spent at
each whole bpm. Banister TRIMP is a sum over samples of ``duration * f(HR)``
(`physiology.training_load.banister_trimp`), so this histogram gives exactly the TRIMP of the
1-Hz stream (the strap reports whole bpm) at about 100 pairs instead of 3,600 per hour, and the
load can be recomputed when the resting or max HR changes. Rows that cannot be read are
skipped, and then the file is first copied aside (`HistoryStore`), so a save never silently
drops data.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, LOGGER
from ..physiology.training_load import SessionRecord
from . import HistoryStore, async_remove_history, finite_float, rows_check

STORAGE_MINOR_VERSION: Final = 1
MAX_TEXT_LEN: Final = 64
"""Longest sport / source / id string kept (input from other integrations is hostile)."""


def storage_key(entry_id: str) -> str:
    """Return the Store key of a person's training history."""
    return f"{DOMAIN}.training.{entry_id}"


def hr_histogram(samples: Iterable[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Seconds per whole bpm of ``(duration_s, hr_bpm)`` samples, ordered by HR.

    Exact for Banister TRIMP when the HR values are whole bpm (as a strap sends them);
    otherwise each value is rounded to the nearest bpm (at most 0.5 bpm off).
    """
    bins: dict[int, float] = {}
    for duration_s, hr_bpm in samples:
        if duration_s > 0:
            key = round(hr_bpm)
            bins[key] = bins.get(key, 0.0) + duration_s
    return tuple((round(bins[hr], 3), float(hr)) for hr in sorted(bins))


def _text(value: Any) -> str | None:
    return value[:MAX_TEXT_LEN] if isinstance(value, str) and value else None


def _histogram(raw: Any) -> tuple[tuple[float, float], ...] | None:
    if not isinstance(raw, list) or not raw:
        return None
    pairs: list[tuple[float, float]] = []
    for item in raw:
        if not isinstance(item, list) or len(item) != 2:  # noqa: PLR2004  (a pair)
            return None
        duration_s, hr_bpm = finite_float(item[0]), finite_float(item[1])
        if duration_s is None or hr_bpm is None or duration_s < 0:
            return None
        pairs.append((duration_s, hr_bpm))
    return tuple(pairs)


def session_from_json(raw: Any) -> SessionRecord | None:
    """Read one stored row; None when it is malformed."""
    if not isinstance(raw, dict) or not isinstance(raw.get("start"), str):
        return None
    start: datetime | None = dt_util.parse_datetime(raw["start"])
    duration_s = finite_float(raw.get("duration_s"))
    if start is None or start.tzinfo is None or duration_s is None or not duration_s > 0:
        return None
    cooled = raw.get("cooled_down")
    try:
        return SessionRecord(
            start=dt_util.as_utc(start),
            duration_s=duration_s,
            sport=_text(raw.get("sport")) or "unknown",
            source=_text(raw.get("source")) or "manual",
            hr_samples=_histogram(raw.get("hr_histogram")),
            avg_hr_bpm=finite_float(raw.get("avg_hr_bpm")),
            max_hr_bpm=finite_float(raw.get("max_hr_bpm")),
            vendor_load=finite_float(raw.get("vendor_load")),
            vendor_load_unit=_text(raw.get("vendor_load_unit")),
            vendor_name=_text(raw.get("vendor_name")),
            rpe=finite_float(raw.get("rpe")),
            source_id=_text(raw.get("source_id")),
            hrr60_bpm=finite_float(raw.get("hrr60_bpm")),
            cooled_down=cooled if isinstance(cooled, bool) else None,
        )
    except ValueError:
        return None


def session_to_json(s: SessionRecord) -> dict[str, Any]:
    """Serialise one row (the HR stream as its histogram)."""
    return {
        "start": dt_util.as_utc(s.start).isoformat(),
        "duration_s": s.duration_s,
        "sport": s.sport,
        "source": s.source,
        "hr_histogram": (
            [list(pair) for pair in hr_histogram(s.hr_samples)] if s.hr_samples else None
        ),
        "avg_hr_bpm": s.avg_hr_bpm,
        "max_hr_bpm": s.max_hr_bpm,
        "vendor_load": s.vendor_load,
        "vendor_load_unit": s.vendor_load_unit,
        "vendor_name": s.vendor_name,
        "rpe": s.rpe,
        "source_id": s.source_id,
        "hrr60_bpm": s.hrr60_bpm,
        "cooled_down": s.cooled_down,
    }


def skipped_rows(data: dict[str, Any]) -> int:
    """How many stored rows `sessions_from_json` would skip as malformed."""
    rows = data.get("sessions")
    if not isinstance(rows, list):
        return 0 if rows is None else 1
    return sum(1 for raw in rows if session_from_json(raw) is None)


def sessions_from_json(data: dict[str, Any]) -> tuple[SessionRecord, ...]:
    """Read stored data; malformed rows are skipped with a warning, never fatal."""
    rows = data.get("sessions")
    parsed = [session_from_json(raw) for raw in rows] if isinstance(rows, list) else []
    if skipped := sum(1 for s in parsed if s is None):
        LOGGER.warning("Skipped %d malformed sessions in stored training history", skipped)
    return tuple(sorted((s for s in parsed if s is not None), key=lambda s: s.start))


def sessions_to_json(sessions: Iterable[SessionRecord]) -> dict[str, Any]:
    """Serialise the sessions for the Store."""
    return {"sessions": [session_to_json(s) for s in sessions]}


def schema_check(data: dict[str, Any]) -> str | None:
    """None when ``data`` is a training history (a list of sessions, not all malformed)."""
    return rows_check(data, "sessions", lambda raw: session_from_json(raw) is not None)


class TrainingStore:
    """Load and save one person's sessions; every save is immediate (a user was told)."""

    def __init__(self, hass: HomeAssistant, entry_id: str, profile: str) -> None:
        """Bind to the profile's Store file."""
        self._store = HistoryStore(
            hass,
            storage_key(entry_id),
            minor_version=STORAGE_MINOR_VERSION,
            normalize=lambda data: sessions_to_json(sessions_from_json(data)),
            skipped=skipped_rows,
            validate=schema_check,
            entry_id=entry_id,
            what="training",
            profile=profile,
        )

    async def async_load(self) -> tuple[SessionRecord, ...]:
        """Return the stored sessions (empty when none, or when the file was kept aside)."""
        data = await self._store.async_load_history()
        return () if data is None else sessions_from_json(data)

    async def async_save(self, sessions: Iterable[SessionRecord]) -> None:
        """Save now: a finished or logged session is on disk before anyone is told."""
        await self._store.async_save(sessions_to_json(sessions))


async def async_remove_store(hass: HomeAssistant, entry_id: str) -> None:
    """Delete a removed profile's training history."""
    await async_remove_history(hass, storage_key(entry_id))
