"""The `import_sessions` action: past workouts from a CSV file seed fitness and fatigue.

HR anchors: resting 50 bpm, max 190 bpm (configured), male Banister curve (as test_training).
"""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.recovery_readiness.const import (
    CONF_ENTRY_KIND,
    CONF_PERSON_ID,
    DOMAIN,
    EVENT_SESSION_COMPLETED,
    KIND_PERSON,
)
from custom_components.recovery_readiness.profile.session_import import MAX_SESSIONS_FILE_BYTES

PERSON_ID = "person-kim"
REST, MAX = 50.0, 190.0
HEADER = "start,duration_min,sport,avg_hr_bpm,max_hr_bpm,rpe,source_load,source_id\n"


def _trimp(duration_s: float, hr: float) -> float:
    """Banister TRIMP by hand (male): min * HRr * 0.64 * e^(1.92 * HRr)."""
    x = (hr - REST) / (MAX - REST)
    return duration_s / 60.0 * x * 0.64 * math.exp(1.92 * x)


def _at(days_ago: int, hour: int = 6) -> datetime:
    """A local wall time ``days_ago`` days back (no zone: the file's local time)."""
    day = dt_util.now().date() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour))


def _sensor(hass: HomeAssistant, key: str) -> Any:
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{PERSON_ID}_{key}")
    assert entity_id is not None, key
    state = hass.states.get(entity_id)
    assert state is not None, key
    return state


@pytest.fixture
async def person(hass: HomeAssistant, tmp_path: Path) -> MockConfigEntry:
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Kim",
        unique_id=PERSON_ID,
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: PERSON_ID},
        options={
            "morning_start": "00:00:00",
            "morning_end": "00:00:01",
            "sex": "male",
            "rest_hr_bpm": REST,
            "max_hr_bpm": MAX,
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def _import(hass: HomeAssistant, entry: MockConfigEntry, path: Path) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN,
        "import_sessions",
        {"profile": entry.entry_id, "path": str(path)},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


async def test_an_import_seeds_fitness_once_and_survives_a_restart(
    hass: HomeAssistant, person: MockConfigEntry, tmp_path: Path
) -> None:
    completed = async_capture_events(hass, EVENT_SESSION_COMPLETED)
    assert _sensor(hass, "chronic_load").state == "unknown"
    csv = tmp_path / "sessions.csv"
    csv.write_text(
        HEADER
        + f"{_at(3).isoformat()},60,Running,150,,,,g-1\n"
        # A subset of the columns per row: RPE only (session RPE 6 x 45 = 270 AU).
        + f"{_at(2).isoformat()},45,,,,6,,\n"
        + f"{_at(1).isoformat()},45,cycling,140,170,,88.5,g-3\n",
        encoding="utf-8",
    )
    response = await _import(hass, person, csv)
    assert response["accepted"] == 3
    assert response["rejected"] == 0
    assert response["rejected_rows"] == []
    assert dt_util.parse_datetime(response["first_start"]) == dt_util.as_local(
        _at(3).replace(tzinfo=dt_util.get_default_time_zone())
    )
    # Loads: TRIMP of the average HR, the default 0.4 TRIMP per sRPE unit, TRIMP again.
    loads = [_trimp(3600, 150), 0.4 * 270, _trimp(2700, 140), 0.0]  # today: no training
    ctl = atl = 0.0
    for load in loads:
        ctl, atl = ctl + (load - ctl) / 42, atl + (load - atl) / 7
    assert float(_sensor(hass, "chronic_load").state) == pytest.approx(ctl, abs=0.05)
    assert float(_sensor(hass, "acute_load").state) == pytest.approx(atl, abs=0.05)
    last = _sensor(hass, "last_session")
    assert last.attributes["source"] == "import"
    assert last.attributes["sport"] == "cycling"
    assert last.attributes["load_method"] == "average_hr_estimate"
    assert float(_sensor(hass, "last_session_load").state) == pytest.approx(
        _trimp(2700, 140), abs=0.05
    )
    assert completed == []  # history, not a workout that just ended

    # The same file again: nothing added, every row named a duplicate.
    again = await _import(hass, person, csv)
    assert again["accepted"] == 0
    assert again["rejected_reasons"] == {"duplicate": 3}
    assert [r["line"] for r in again["rejected_rows"]] == [2, 3, 4]
    assert float(_sensor(hass, "chronic_load").state) == pytest.approx(ctl, abs=0.05)

    # Written before the action returned: a restart finds all three.
    assert await hass.config_entries.async_reload(person.entry_id)
    await hass.async_block_till_done()
    report = await hass.services.async_call(
        DOMAIN, "get_readiness", {"profile": person.entry_id}, blocking=True, return_response=True
    )
    assert report is not None
    assert report["training"]["sessions"] == 3
    assert float(_sensor(hass, "chronic_load").state) == pytest.approx(ctl, abs=0.05)


async def test_hostile_rows_are_rejected_with_reasons(
    hass: HomeAssistant, person: MockConfigEntry, tmp_path: Path
) -> None:
    logged = _at(1, hour=7)
    await hass.services.async_call(
        DOMAIN,
        "log_session",
        {"profile": person.entry_id, "start": logged.isoformat(), "duration_min": 60, "rpe": 5},
        blocking=True,
    )
    tomorrow = dt_util.now().date() + timedelta(days=1)
    rows = {
        2: (f"{_at(5).isoformat()},50,running,145,175,7,,a-1", None),
        3: ("yesterday-ish,50,running,145,,,,", "bad_timestamp"),
        4: (f"{tomorrow.isoformat()}T06:00:00,50,running,145,,,,", "date_in_future"),
        5: ("1999-12-31T06:00:00,50,running,145,,,,", "date_too_old"),
        6: (f"{_at(6).isoformat()},50,running,400,,,,", "implausible_hr"),
        7: (f"{_at(6).isoformat()},50,running,,,11,,", "bad_rpe"),
        8: (f"{_at(6).isoformat()},,running,145,,,,", "bad_duration"),
        9: (f"{_at(6).isoformat()},0,running,145,,,,", "bad_duration"),
        10: (f"{_at(6).isoformat()},5000,running,145,,,,", "bad_duration"),
        11: (f"{_at(6).isoformat()},nan,running,145,,,,", "bad_duration"),
        12: (f"{_at(6).isoformat()},50,running,,,,,", "needs_hr_or_rpe"),
        13: (f"{_at(6).isoformat()},50,running,150,140,,,", "max_below_avg"),
        14: (f"{_at(6).isoformat()},50,running,145,,,-3,", "bad_source_load"),
        15: (f"{_at(6).isoformat()},50,{'x' * 65},145,,,,", "text_too_long"),
        # The session logged above (60 min from 07:00), reported again from 07:10.
        16: (f"{_at(1, hour=7).isoformat()[:-5]}10:00,50,running,145,,,,", "duplicate"),
        17: (f"{_at(5, hour=18).isoformat()},30,running,140,,,,a-1", "duplicate_in_file"),
        18: (f"{_at(7).isoformat()},40,cycling,,,4,,", None),
        19: (f"{_at(8).isoformat()},40,cycling,abc,,,,", "implausible_hr"),
        20: (f'{_at(8).isoformat()},40,"cyc"ling,140,,,,', "malformed_row"),
    }
    csv = tmp_path / "hostile.csv"
    csv.write_text(HEADER + "\n".join(text for text, _ in rows.values()) + "\n", encoding="utf-8")
    response = await _import(hass, person, csv)
    expected = {line: reason for line, (_, reason) in rows.items() if reason is not None}
    assert {r["line"]: r["reason"] for r in response["rejected_rows"]} == expected
    assert response["accepted"] == 2
    assert response["rejected"] == len(expected)
    assert response["rejected_reasons"]["bad_duration"] == 4
    report = await hass.services.async_call(
        DOMAIN, "get_readiness", {"profile": person.entry_id}, blocking=True, return_response=True
    )
    assert report is not None
    assert report["training"]["sessions"] == 3  # the logged one and the two good rows


@pytest.mark.parametrize(
    ("content", "key"),
    [
        (
            "start,sport,avg_hr_bpm\n2026-01-01T06:00:00,run,140\n",
            "import_sessions_missing_columns",
        ),
        (
            "start,duration_min,sport\n2026-01-01T06:00:00,40,run\n",
            "import_sessions_missing_columns",
        ),
        ("", "import_sessions_missing_columns"),
        ('start,"duration_min\n', "import_malformed_header"),
    ],
)
async def test_a_file_without_the_needed_columns_is_refused(
    hass: HomeAssistant, person: MockConfigEntry, tmp_path: Path, content: str, key: str
) -> None:
    csv = tmp_path / "columns.csv"
    csv.write_text(content, encoding="utf-8")
    with pytest.raises(ServiceValidationError) as err:
        await _import(hass, person, csv)
    assert err.value.translation_key == key


async def test_a_huge_file_or_a_path_outside_the_allowlist_is_refused(
    hass: HomeAssistant, person: MockConfigEntry, tmp_path: Path
) -> None:
    huge = tmp_path / "huge.csv"
    row = f"{_at(3).isoformat()},60,running,150,,,,\n"
    with huge.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        out.write(row * (MAX_SESSIONS_FILE_BYTES // len(row) + 1))
    with pytest.raises(ServiceValidationError) as err:
        await _import(hass, person, huge)
    assert err.value.translation_key == "import_too_large"
    assert err.value.translation_placeholders["limit_mb"] == "2"

    with pytest.raises(ServiceValidationError) as err:
        await _import(hass, person, Path("/etc/passwd"))
    assert err.value.translation_key == "import_path_not_allowed"
    assert _sensor(hass, "chronic_load").state == "unknown"  # nothing was added
