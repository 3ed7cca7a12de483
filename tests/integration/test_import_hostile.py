"""Hostile import files through the action: absurd rows are refused per row, odd files whole."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.recovery_readiness.const import (
    CONF_ENTRY_KIND,
    CONF_PERSON_ID,
    DOMAIN,
    KIND_PERSON,
)

PERSON_ID = "person-ida"


@pytest.fixture
async def person(hass: HomeAssistant, tmp_path: Path) -> MockConfigEntry:
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Ida",
        unique_id=PERSON_ID,
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: PERSON_ID},
        options={"morning_start": "00:00:00", "morning_end": "23:59:59"},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def _state(hass: HomeAssistant, key: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{PERSON_ID}_{key}")
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


async def _import(hass: HomeAssistant, person: MockConfigEntry, path: Path) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN,
        "import_history",
        {"profile": person.entry_id, "path": str(path)},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


async def test_absurd_rows_never_reach_the_baseline(
    hass: HomeAssistant, person: MockConfigEntry, tmp_path: Path
) -> None:
    today = dt_util.now().date()
    lines = ["date,rmssd_ms,resting_hr_bpm"]
    lines += [
        f"{(today - timedelta(days=d)).isoformat()},{40 + d % 5},{50 + d % 3}" for d in range(1, 31)
    ]
    lines += [
        f"{(today - timedelta(days=31)).isoformat()},100000,50",
        f"{(today - timedelta(days=32)).isoformat()},0.0001,50",
        f"{(today - timedelta(days=33)).isoformat()},1e308,50",
        f"{(today - timedelta(days=34)).isoformat()},45,10000",
        "0001-01-01,45,50",
        "1700-01-01,45,50",
        "2030-01-01,45,50",
        "9999-12-31,45,50",
    ]
    csv = tmp_path / "absurd.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")

    response = await _import(hass, person, csv)

    assert (response["imported"], response["rejected"]) == (30, 8)
    assert response["rejected_reasons"] == {
        "implausible_rmssd": 3,
        "implausible_hr": 1,
        "date_too_old": 2,
        "date_in_future": 2,
    }
    low, high = float(_state(hass, "hrv_normal_low")), float(_state(hass, "hrv_normal_high"))
    assert 3.6 < low < high < 3.8  # ln 40..44 ms, nothing of the absurd rows
    last = dt_util.parse_datetime(_state(hass, "last_measurement"))
    assert last is not None
    assert dt_util.as_local(last).date() == today - timedelta(days=1)


async def test_a_giant_field_and_an_out_of_range_date_reject_only_their_rows(
    hass: HomeAssistant, person: MockConfigEntry, tmp_path: Path
) -> None:
    day = (dt_util.now() - timedelta(days=2)).date().isoformat()
    giant = " ".join(["1000"] * 100_000)
    csv = tmp_path / "giant.csv"
    csv.write_text(
        "timestamp,rr_ms\n"
        f'{day}T07:00:00,"{giant}"\n'
        "0001-01-01T00:00:00+14:00,800 810\n"
        f"{day}T07:30:00,{' '.join(['1000', '1020'] * 60)}\n",
        encoding="utf-8",
    )
    response = await _import(hass, person, csv)
    assert [(r["line"], r["reason"]) for r in response["rejected_rows"]][:2] == [
        (2, "field_too_large"),
        (3, "date_too_old"),
    ]


async def test_a_fifo_in_the_allowlist_is_refused_without_blocking(
    hass: HomeAssistant, person: MockConfigEntry, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(ServiceValidationError) as err:
        await _import(hass, person, fifo)
    assert err.value.translation_key == "import_not_a_file"


async def test_an_unbalanced_quote_is_reported(
    hass: HomeAssistant, person: MockConfigEntry, tmp_path: Path
) -> None:
    day = (dt_util.now() - timedelta(days=3)).date()
    csv = tmp_path / "quote.csv"
    csv.write_text(
        f'date,rmssd_ms\n{day.isoformat()},40\n{day + timedelta(days=1)},"41\n'
        f"{day + timedelta(days=2)},42\n",
        encoding="utf-8",
    )
    response = await _import(hass, person, csv)
    assert response["imported"] == 1
    assert response["rejected_rows"] == [{"line": 3, "reason": "unbalanced_quote"}]
