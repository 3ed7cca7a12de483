"""The delete_history action: undo an import, remove a wrong day or night; written at once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.recovery_readiness.const import (
    CONF_ENTRY_KIND,
    CONF_PERSON_ID,
    DOMAIN,
    KIND_PERSON,
)
from custom_components.recovery_readiness.store import measurements, sleep

PERSON_ID = "person-noa"


@pytest.fixture
async def person(hass: HomeAssistant, tmp_path: Path) -> MockConfigEntry:
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Noa",
        unique_id=PERSON_ID,
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: PERSON_ID},
        options={"morning_start": "00:00:00", "morning_end": "23:59:59"},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    today = dt_util.now().date()
    csv = tmp_path / "hrv.csv"
    rows = [f"{(today - timedelta(days=d)).isoformat()},{40 + d},{50}" for d in range(1, 11)]
    csv.write_text("date,rmssd_ms,resting_hr_bpm\n" + "\n".join(rows) + "\n", encoding="utf-8")
    await hass.services.async_call(
        DOMAIN,
        "import_history",
        {"profile": entry.entry_id, "path": str(csv)},
        blocking=True,
        return_response=True,
    )
    end = dt_util.now().replace(microsecond=0) - timedelta(days=2)
    for night in range(3):
        night_end = end - timedelta(days=night)
        await hass.services.async_call(
            DOMAIN,
            "log_sleep",
            {
                "profile": entry.entry_id,
                "start": (night_end - timedelta(hours=7)).isoformat(),
                "end": night_end.isoformat(),
            },
            blocking=True,
        )
    return entry


async def _delete(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN, "delete_history", data, blocking=True, return_response=True
    )
    assert response is not None
    return dict(response)


async def test_a_date_range_of_measurements_is_removed_and_written_at_once(
    hass: HomeAssistant, hass_storage: dict[str, Any], person: MockConfigEntry
) -> None:
    today = dt_util.now().date()
    first, last = today - timedelta(days=3), today - timedelta(days=2)

    response = await _delete(
        hass,
        profile=person.entry_id,
        what="measurements",
        start_date=first.isoformat(),
        end_date=last.isoformat(),
    )

    assert response["measurements_removed"] == 2
    assert response["sleep_episodes_removed"] == 0
    assert [m["date"] for m in response["measurements"]] == [first.isoformat(), last.isoformat()]
    assert [m["rmssd_ms"] for m in response["measurements"]] == [43.0, 42.0]
    stored = hass_storage[measurements.storage_key(person.entry_id)]["data"]["measurements"]
    assert {row["day"] for row in stored}.isdisjoint({first.isoformat(), last.isoformat()})
    assert len(stored) == 8
    assert len(person.runtime_data.readiness.history) == 8
    assert len(person.runtime_data.sleep.history.episodes) == 3


async def test_an_import_is_undone_by_source(
    hass: HomeAssistant, hass_storage: dict[str, Any], person: MockConfigEntry
) -> None:
    response = await _delete(hass, profile=person.entry_id, what="all", source="import")
    assert response["measurements_removed"] == 10
    assert response["sleep_episodes_removed"] == 0  # a source selects measurements only
    assert hass_storage[measurements.storage_key(person.entry_id)]["data"]["measurements"] == []
    again = await _delete(hass, profile=person.entry_id, what="measurements", source="import")
    assert again["measurements_removed"] == 0


async def test_a_wrong_night_is_removed(
    hass: HomeAssistant, hass_storage: dict[str, Any], person: MockConfigEntry
) -> None:
    episodes = person.runtime_data.sleep.history.episodes
    night = dt_util.as_local(episodes[-1].start).date()

    response = await _delete(
        hass, profile=person.entry_id, what="sleep", start_date=night.isoformat()
    )

    assert response["sleep_episodes_removed"] == 1
    assert response["measurements_removed"] == 0
    [removed] = response["sleep_episodes"]
    assert removed["origin"] == "service"
    assert dt_util.parse_datetime(removed["end"]) == episodes[-1].end
    stored = hass_storage[sleep.storage_key(person.entry_id)]["data"]["episodes"]
    assert len(stored) == 2


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"what": "all"}, "delete_no_selection"),
        (
            {"what": "all", "start_date": "2026-03-02", "end_date": "2026-03-01"},
            "delete_bad_range",
        ),
        ({"what": "sleep", "source": "import"}, "delete_source_for_sleep"),
    ],
)
async def test_unclear_selections_are_refused_and_remove_nothing(
    hass: HomeAssistant, person: MockConfigEntry, data: dict[str, Any], key: str
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await _delete(hass, profile=person.entry_id, **data)
    assert err.value.translation_key == key
    assert len(person.runtime_data.readiness.history) == 10
    assert len(person.runtime_data.sleep.history.episodes) == 3
