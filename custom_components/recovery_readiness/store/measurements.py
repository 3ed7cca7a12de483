"""Persistence of one person's morning measurements: the only module that knows this schema.

One `Store` file per person profile, ``.storage/recovery_readiness.readiness.<entry_id>``, apart
from the sleep history so both can evolve and migrate on their own.

Schema (major 1, minor 2)::

    {
      "measurements": [
        {"measured_at": ISO, "ln_rmssd": float, "rmssd_ms": float,
         "hr_bpm": float | null, "artifact_ratio": float | null, "duration_s": float | null,
         "source": "strap" | "import", "day": "YYYY-MM-DD" (imported daily values only)}
      ]
    }

Minor 2 added ``day``; minor-1 files read unchanged. A file without the ``measurements`` list,
or in which no row can be read, fails the schema check and is kept aside with a repair issue
(`store.async_load_or_quarantine`). Rows that cannot be read are skipped, and then (as when a
newer minor version is read) the file is first copied aside, so a later save never silently
drops data.

Only accepted measurements are stored; a rejected or partial measurement never is. Five years of
daily measurements are about 1,800 rows (benchmarks/bench_readiness_store.py measures the file).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final, Literal

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, LOGGER
from . import HISTORY_MAJOR_VERSION, HistoryStore, async_remove_history, finite_float, rows_check

STORAGE_VERSION: Final = HISTORY_MAJOR_VERSION
STORAGE_MINOR_VERSION: Final = 2
SAVE_DELAY_S: Final = 5.0

type MeasurementSource = Literal["strap", "import"]


def storage_key(entry_id: str) -> str:
    """Return the Store key of a person's readiness history."""
    return f"{DOMAIN}.readiness.{entry_id}"


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredMeasurement:
    """One accepted morning measurement (aware UTC time; units in the names)."""

    measured_at: datetime
    ln_rmssd: float
    rmssd_ms: float
    hr_bpm: float | None
    artifact_ratio: float | None
    duration_s: float | None
    source: MeasurementSource
    day: date | None = None
    """For an imported daily value (no time of day): the date it belongs to."""

    @property
    def key(self) -> tuple[str, ...]:
        """Identity that makes imports idempotent.

        An imported daily value is its date; an imported recording is its instant (as written in
        the file, to the second) — never a derived value such as the RMSSD, which a later release
        may compute differently; a strap measurement is its instant and RMSSD.
        """
        if self.day is not None:
            return ("day", self.day.isoformat())
        instant = self.measured_at.replace(microsecond=0).isoformat()
        if self.source == "import":
            return ("import", instant)
        return ("strap", instant, f"{self.rmssd_ms:.3f}")


def measurement_from_json(raw: Any) -> StoredMeasurement | None:
    """Read one stored row; None when it is malformed."""
    if not isinstance(raw, dict) or not isinstance(raw.get("measured_at"), str):
        return None
    measured_at = dt_util.parse_datetime(raw["measured_at"])
    ln_rmssd, rmssd_ms = finite_float(raw.get("ln_rmssd")), finite_float(raw.get("rmssd_ms"))
    if measured_at is None or measured_at.tzinfo is None or ln_rmssd is None or not rmssd_ms:
        return None
    try:
        day = date.fromisoformat(raw["day"]) if isinstance(raw.get("day"), str) else None
    except ValueError:
        return None
    return StoredMeasurement(
        measured_at=dt_util.as_utc(measured_at),
        ln_rmssd=ln_rmssd,
        rmssd_ms=rmssd_ms,
        hr_bpm=finite_float(raw.get("hr_bpm")),
        artifact_ratio=finite_float(raw.get("artifact_ratio")),
        duration_s=finite_float(raw.get("duration_s")),
        source="import" if raw.get("source") == "import" else "strap",
        day=day,
    )


def measurement_to_json(m: StoredMeasurement) -> dict[str, Any]:
    """Serialise one row."""
    extra = {} if m.day is None else {"day": m.day.isoformat()}
    return extra | {
        "measured_at": m.measured_at.isoformat(),
        "ln_rmssd": m.ln_rmssd,
        "rmssd_ms": m.rmssd_ms,
        "hr_bpm": m.hr_bpm,
        "artifact_ratio": m.artifact_ratio,
        "duration_s": m.duration_s,
        "source": m.source,
    }


def skipped_rows(data: dict[str, Any]) -> int:
    """How many stored rows `history_from_json` would skip as malformed."""
    rows = data.get("measurements")
    if not isinstance(rows, list):
        return 0 if rows is None else 1
    return sum(1 for raw in rows if measurement_from_json(raw) is None)


def schema_check(data: dict[str, Any]) -> str | None:
    """None when ``data`` is a readiness history (a list of rows, not all malformed)."""
    return rows_check(data, "measurements", lambda raw: measurement_from_json(raw) is not None)


def history_from_json(data: dict[str, Any]) -> tuple[StoredMeasurement, ...]:
    """Read stored data; malformed rows are skipped with a warning, never fatal."""
    rows = data.get("measurements")
    parsed = [measurement_from_json(raw) for raw in rows] if isinstance(rows, list) else []
    if skipped := sum(1 for m in parsed if m is None):
        LOGGER.warning("Skipped %d malformed measurements in stored readiness history", skipped)
    return tuple(sorted((m for m in parsed if m is not None), key=lambda m: m.measured_at))


def history_to_json(history: Iterable[StoredMeasurement]) -> dict[str, Any]:
    """Serialise the history for the Store."""
    return {"measurements": [measurement_to_json(m) for m in history]}


class MeasurementStore:
    """Load and save one person's measurements."""

    def __init__(self, hass: HomeAssistant, entry_id: str, profile: str) -> None:
        """Bind to the profile's Store file."""
        self._store = HistoryStore(
            hass,
            storage_key(entry_id),
            minor_version=STORAGE_MINOR_VERSION,
            normalize=lambda data: history_to_json(history_from_json(data)),
            skipped=skipped_rows,
            validate=schema_check,
            entry_id=entry_id,
            what="readiness",
            profile=profile,
        )

    async def async_load(self) -> tuple[StoredMeasurement, ...]:
        """Return the stored measurements (empty when none, or when the file was kept aside)."""
        data = await self._store.async_load_history()
        return () if data is None else history_from_json(data)

    def async_schedule_save(self, history_fn: Callable[[], Iterable[StoredMeasurement]]) -> None:
        """Save soon; ``history_fn`` is called at write time (also at HA's final write)."""
        self._store.async_delay_save(lambda: history_to_json(history_fn()), SAVE_DELAY_S)

    async def async_save(self, history: Iterable[StoredMeasurement]) -> None:
        """Save now: before a user is told something is stored, and on unload."""
        await self._store.async_save(history_to_json(history))


async def async_remove_store(hass: HomeAssistant, entry_id: str) -> None:
    """Delete a removed profile's readiness history."""
    await async_remove_history(hass, storage_key(entry_id))
