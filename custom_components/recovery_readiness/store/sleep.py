"""Persistence of one person's sleep history: the only module that knows its JSON schema.

One `Store` file per person profile, ``.storage/recovery_readiness.person.<entry_id>``, holds
sleep episodes and the state that must survive a restart (the open in-bed episode, the last
bedtime, the last announced bedtime window). Readiness history belongs in its own file (another
key), so the two can evolve and migrate independently.

Schema (major 1, minor 1)::

    {
      "episodes": [{"start": ISO, "end": ISO, "origin": "source" | "service"}],
      "open_episode": {"start": ISO, "confirmed_at": ISO} | null,
      "last_bed_at": ISO | null,
      "announced_window_night": "YYYY-MM-DD" | null
    }

``confirmed_at`` is the last instant the source was known to report "asleep" (refreshed at every
save while it does, so also at shutdown); an episode whose end is unknown is closed there.
A file without the ``episodes`` list, or in which no episode can be read, fails the schema check
and is kept aside with a repair issue (`store.async_load_or_quarantine`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final, Literal

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, LOGGER
from . import HISTORY_MAJOR_VERSION, HistoryStore, async_remove_history, rows_check

STORAGE_VERSION: Final = HISTORY_MAJOR_VERSION
STORAGE_MINOR_VERSION: Final = 1
SAVE_DELAY_S: Final = 10.0

type EpisodeOrigin = Literal["source", "service"]


def storage_key(entry_id: str) -> str:
    """Return the Store key of a person profile's sleep history."""
    return f"{DOMAIN}.person.{entry_id}"


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredEpisode:
    """A closed sleep episode (aware UTC datetimes) and where it came from."""

    start: datetime
    end: datetime
    origin: EpisodeOrigin


@dataclass(frozen=True, slots=True, kw_only=True)
class SleepHistory:
    """Everything persisted for one person; replaced, never mutated.

    Attributes:
        episodes: closed episodes, ordered by start.
        open_start: start of the episode in progress (in bed now), if any.
        open_confirmed_at: last instant the source was known to report asleep.
        last_bed_at: start of the most recent source episode (open or closed).
        announced_window_night: night whose bedtime window event has been fired.
    """

    episodes: tuple[StoredEpisode, ...] = ()
    open_start: datetime | None = None
    open_confirmed_at: datetime | None = None
    last_bed_at: datetime | None = None
    announced_window_night: date | None = None


def _dt(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    parsed = dt_util.parse_datetime(value)
    if parsed is None or parsed.tzinfo is None:
        return None
    return dt_util.as_utc(parsed)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else dt_util.as_utc(value).isoformat()


def _episode(raw: Any) -> StoredEpisode | None:
    """One stored episode; None when it is malformed."""
    if not isinstance(raw, dict):
        return None
    start, end = _dt(raw.get("start")), _dt(raw.get("end"))
    if start is None or end is None or end <= start:
        return None
    origin: EpisodeOrigin = "service" if raw.get("origin") == "service" else "source"
    return StoredEpisode(start=start, end=end, origin=origin)


def skipped_episodes(data: dict[str, Any]) -> int:
    """How many stored episodes `history_from_json` would skip as malformed."""
    raw = data.get("episodes") or []
    return sum(1 for r in raw if _episode(r) is None) if isinstance(raw, list) else 1


def schema_check(data: dict[str, Any]) -> str | None:
    """None when ``data`` is a sleep history (an episode list, not all malformed)."""
    return rows_check(data, "episodes", lambda raw: _episode(raw) is not None)


def history_from_json(data: dict[str, Any]) -> SleepHistory:
    """Read stored data; malformed episodes are skipped with a warning, never fatal."""
    parsed = [_episode(raw) for raw in data.get("episodes") or []]
    episodes = [e for e in parsed if e is not None]
    if skipped := len(parsed) - len(episodes):
        LOGGER.warning("Skipped %d malformed sleep episodes in stored history", skipped)
    open_raw = data.get("open_episode")
    open_start = _dt(open_raw.get("start")) if isinstance(open_raw, dict) else None
    confirmed = _dt(open_raw.get("confirmed_at")) if isinstance(open_raw, dict) else None
    night = data.get("announced_window_night")
    try:
        announced = date.fromisoformat(night) if isinstance(night, str) else None
    except ValueError:
        announced = None
    return SleepHistory(
        episodes=tuple(sorted(episodes, key=lambda e: e.start)),
        open_start=open_start,
        open_confirmed_at=(confirmed or open_start) if open_start is not None else None,
        last_bed_at=_dt(data.get("last_bed_at")),
        announced_window_night=announced,
    )


def history_to_json(history: SleepHistory) -> dict[str, Any]:
    """Serialise a history for the Store."""
    open_episode = (
        None
        if history.open_start is None
        else {
            "start": _iso(history.open_start),
            "confirmed_at": _iso(history.open_confirmed_at or history.open_start),
        }
    )
    return {
        "episodes": [
            {"start": _iso(e.start), "end": _iso(e.end), "origin": e.origin}
            for e in history.episodes
        ],
        "open_episode": open_episode,
        "last_bed_at": _iso(history.last_bed_at),
        "announced_window_night": (
            None
            if history.announced_window_night is None
            else history.announced_window_night.isoformat()
        ),
    }


class SleepStore:
    """Load and save one person's `SleepHistory`."""

    def __init__(self, hass: HomeAssistant, entry_id: str, profile: str | None = None) -> None:
        """Bind to the profile's Store file."""
        self._store = HistoryStore(
            hass,
            storage_key(entry_id),
            minor_version=STORAGE_MINOR_VERSION,
            normalize=lambda data: history_to_json(history_from_json(data)),
            skipped=skipped_episodes,
            validate=schema_check,
            entry_id=entry_id,
            what="sleep",
            profile=profile or entry_id,
        )

    async def async_load(self) -> SleepHistory:
        """Return the stored history (empty when none, or when the file was kept aside)."""
        data = await self._store.async_load_history()
        return SleepHistory() if data is None else history_from_json(data)

    def async_schedule_save(self, history_fn: Callable[[], SleepHistory]) -> None:
        """Save soon; ``history_fn`` is called at write time (also at HA's final write)."""
        self._store.async_delay_save(lambda: history_to_json(history_fn()), SAVE_DELAY_S)

    async def async_save(self, history: SleepHistory) -> None:
        """Save now: before a user is told an episode is stored, and on unload."""
        await self._store.async_save(history_to_json(history))


async def async_remove_store(hass: HomeAssistant, entry_id: str) -> None:
    """Delete a removed profile's history file."""
    await async_remove_history(hass, storage_key(entry_id))
