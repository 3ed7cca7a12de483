"""The person store: schema round trip, migration path, malformed data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from homeassistant.core import HomeAssistant

from custom_components.recovery_readiness.person_store import (
    STORAGE_MINOR_VERSION,
    STORAGE_VERSION,
    PersonHistory,
    PersonStore,
    StoredEpisode,
    history_from_json,
    history_to_json,
    storage_key,
)

START = datetime(2026, 3, 28, 22, tzinfo=UTC)
END = datetime(2026, 3, 29, 5, tzinfo=UTC)


def test_history_round_trips() -> None:
    history = PersonHistory(
        episodes=(StoredEpisode(start=START, end=END, origin="service"),),
        open_start=END,
        open_confirmed_at=END,
        last_bed_at=END,
        announced_window_night=date(2026, 3, 29),
    )
    assert history_from_json(history_to_json(history)) == history
    assert history_from_json(history_to_json(PersonHistory())) == PersonHistory()


def test_malformed_entries_are_skipped(caplog: pytest.LogCaptureFixture) -> None:
    history = history_from_json(
        {
            "episodes": [
                {"start": START.isoformat(), "end": END.isoformat()},
                {"start": END.isoformat(), "end": START.isoformat()},
                {"start": "2026-03-28T22:00:00", "end": END.isoformat()},  # naive
                {"start": 5, "end": None},
                "nonsense",
            ],
            "open_episode": {"start": START.isoformat()},
            "announced_window_night": "not a date",
        }
    )
    assert history.episodes == (StoredEpisode(start=START, end=END, origin="source"),)
    assert history.open_confirmed_at == START  # no confirmation stored: the start
    assert history.announced_window_night is None
    assert "Skipped 4 malformed sleep episodes" in caplog.text


async def test_older_minor_version_is_migrated(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    hass_storage[storage_key("abc")] = {
        "version": STORAGE_VERSION,
        "minor_version": STORAGE_MINOR_VERSION - 1,
        "key": storage_key("abc"),
        "data": {"episodes": [{"start": START.isoformat(), "end": END.isoformat()}]},
    }
    history = await PersonStore(hass, "abc").async_load()
    assert history.episodes[0].end == END
    assert history.open_start is None


async def test_a_newer_major_version_is_refused(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    hass_storage[storage_key("abc")] = {
        "version": STORAGE_VERSION + 1,
        "minor_version": 1,
        "key": storage_key("abc"),
        "data": {},
    }
    with pytest.raises(NotImplementedError):
        await PersonStore(hass, "abc").async_load()


async def test_save_now_and_later(hass: HomeAssistant, hass_storage: dict[str, Any]) -> None:
    store = PersonStore(hass, "abc")
    assert await store.async_load() == PersonHistory()
    history = PersonHistory(episodes=(StoredEpisode(start=START, end=END, origin="source"),))
    await store.async_save(history)
    assert hass_storage[storage_key("abc")]["data"] == history_to_json(history)
    assert hass_storage[storage_key("abc")]["version"] == STORAGE_VERSION
