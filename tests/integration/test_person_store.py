"""The person store: schema round trip, migration path, malformed data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from custom_components.recovery_readiness.const import DOMAIN
from custom_components.recovery_readiness.store.sleep import (
    STORAGE_MINOR_VERSION,
    STORAGE_VERSION,
    SleepHistory,
    SleepStore,
    StoredEpisode,
    history_from_json,
    history_to_json,
    storage_key,
)

START = datetime(2026, 3, 28, 22, tzinfo=UTC)
END = datetime(2026, 3, 29, 5, tzinfo=UTC)


def test_history_round_trips() -> None:
    history = SleepHistory(
        episodes=(StoredEpisode(start=START, end=END, origin="service"),),
        open_start=END,
        open_confirmed_at=END,
        last_bed_at=END,
        announced_window_night=date(2026, 3, 29),
    )
    assert history_from_json(history_to_json(history)) == history
    assert history_from_json(history_to_json(SleepHistory())) == SleepHistory()


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
    history = await SleepStore(hass, "abc").async_load()
    assert history.episodes[0].end == END
    assert history.open_start is None


async def test_a_newer_major_version_is_kept_aside_not_read(
    hass: HomeAssistant, hass_storage: dict[str, Any], tmp_path: Path
) -> None:
    hass.config.config_dir = str(tmp_path)
    key = storage_key("abc")
    hass_storage[key] = {"version": STORAGE_VERSION + 1, "minor_version": 1, "key": key, "data": {}}
    on_disk = tmp_path / ".storage" / key
    on_disk.parent.mkdir()
    on_disk.write_text('{"version": 2}', encoding="utf-8")

    assert await SleepStore(hass, "abc", "Alex").async_load() == SleepHistory()

    assert not on_disk.exists()
    [kept] = (tmp_path / ".storage").glob(f"{key}.corrupt-*")
    assert kept.read_text(encoding="utf-8") == '{"version": 2}'
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"corrupt_store_{key}")
    assert issue is not None
    assert issue.translation_placeholders["profile"] == "Alex"
    assert issue.translation_placeholders["what"] == "sleep"


async def test_save_now_and_later(hass: HomeAssistant, hass_storage: dict[str, Any]) -> None:
    store = SleepStore(hass, "abc")
    assert await store.async_load() == SleepHistory()
    history = SleepHistory(episodes=(StoredEpisode(start=START, end=END, origin="source"),))
    await store.async_save(history)
    assert hass_storage[storage_key("abc")]["data"] == history_to_json(history)
    assert hass_storage[storage_key("abc")]["version"] == STORAGE_VERSION
