"""Stores that lose nothing: schema check, quarantine, persistent repair, saves before replies.

A file whose row list is missing, is not a list, or holds no readable row is kept aside exactly
like an unreadable one; the repair issue persists and names every kept file; identical kept
copies are written once; removing a profile removes its kept copies; what an action reports as
stored is in the Store before the action returns (the delayed save would lose it to kill -9).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.recovery_readiness import repairs
from custom_components.recovery_readiness.const import (
    CONF_ENTRY_KIND,
    CONF_PERSON_ID,
    DOMAIN,
    KIND_PERSON,
)
from custom_components.recovery_readiness.store import measurements, sleep

PERSON_ID = "person-kim"
ENTRY_ID = "kim-entry"
ALL_DAY = {"morning_start": "00:00:00", "morning_end": "23:59:59"}
GOOD_ROW = {
    "measured_at": "2026-03-01T06:30:00+00:00",
    "ln_rmssd": 3.7,
    "rmssd_ms": 40.4,
    "hr_bpm": 55.0,
    "artifact_ratio": 0.0,
    "duration_s": 300.0,
    "source": "strap",
}
GOOD_EPISODE = {"start": "2026-03-01T22:00:00+00:00", "end": "2026-03-02T06:00:00+00:00"}


def _person() -> MockConfigEntry:
    return MockConfigEntry(
        entry_id=ENTRY_ID,
        domain=DOMAIN,
        title="Kim",
        unique_id=PERSON_ID,
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: PERSON_ID},
        options=ALL_DAY,
    )


def _write(
    hass: HomeAssistant, hass_storage: dict[str, Any], key: str, data: Any, minor: int
) -> Path:
    """Put a Store file both in the mocked storage and on disk (what is kept aside)."""
    content = {"version": 1, "minor_version": minor, "key": key, "data": data}
    hass_storage[key] = content
    path = Path(hass.config.path(".storage", key))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


async def _setup(hass: HomeAssistant, entry: MockConfigEntry | None = None) -> MockConfigEntry:
    person = entry or _person()
    if entry is None:
        person.add_to_hass(hass)
    assert await hass.config_entries.async_setup(person.entry_id)
    await hass.async_block_till_done()
    return person


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"readings": [GOOD_ROW]}, "renamed list"),
        ({}, "missing list"),
        ({"measurements": {"0": GOOD_ROW}}, "not a list"),
        ({"measurements": [{"measured_at": "x"}, 5, None]}, "every row malformed"),
    ],
)
async def test_a_readiness_store_of_the_wrong_shape_is_kept_aside_and_reported(  # noqa: PLR0917  (fixtures)
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    issue_registry: ir.IssueRegistry,
    tmp_path: Path,
    data: dict[str, Any],
    reason: str,
) -> None:
    hass.config.config_dir = str(tmp_path)
    key = measurements.storage_key(ENTRY_ID)
    path = _write(hass, hass_storage, key, data, measurements.STORAGE_MINOR_VERSION)
    original = path.read_text(encoding="utf-8")

    person = await _setup(hass)

    assert not path.exists(), reason
    [kept] = path.parent.glob(f"{key}.corrupt-*")
    assert kept.read_text(encoding="utf-8") == original
    issue = issue_registry.async_get_issue(DOMAIN, f"corrupt_store_{key}")
    assert issue is not None
    assert issue.is_persistent
    assert issue.is_fixable
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["kept"] == str(kept)
    assert issue.translation_placeholders["what"] == "readiness"
    assert person.runtime_data.readiness.history == ()


@pytest.mark.parametrize(
    "data",
    [
        {"nights": [GOOD_EPISODE]},
        {"episodes": "none"},
        {"episodes": [{"start": "bad"}, {"start": GOOD_EPISODE["end"], "end": "x"}]},
    ],
)
async def test_a_sleep_store_of_the_wrong_shape_is_kept_aside_and_reported(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    issue_registry: ir.IssueRegistry,
    tmp_path: Path,
    data: dict[str, Any],
) -> None:
    hass.config.config_dir = str(tmp_path)
    key = sleep.storage_key(ENTRY_ID)
    path = _write(hass, hass_storage, key, data, sleep.STORAGE_MINOR_VERSION)

    person = await _setup(hass)

    [kept] = path.parent.glob(f"{key}.corrupt-*")
    assert json.loads(kept.read_text(encoding="utf-8"))["data"] == data
    issue = issue_registry.async_get_issue(DOMAIN, f"corrupt_store_{key}")
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["what"] == "sleep"
    assert person.runtime_data.sleep.history.episodes == ()


async def test_an_older_minor_version_of_the_wrong_shape_is_kept_aside_not_migrated(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    issue_registry: ir.IssueRegistry,
    tmp_path: Path,
) -> None:
    hass.config.config_dir = str(tmp_path)
    key = measurements.storage_key(ENTRY_ID)
    path = _write(hass, hass_storage, key, {"rows": [GOOD_ROW]}, 1)  # migration path

    await _setup(hass)

    [kept] = path.parent.glob(f"{key}.corrupt-*")
    assert json.loads(kept.read_text(encoding="utf-8"))["data"] == {"rows": [GOOD_ROW]}
    assert issue_registry.async_get_issue(DOMAIN, f"corrupt_store_{key}") is not None


async def test_a_second_quarantine_names_both_kept_files(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    issue_registry: ir.IssueRegistry,
    tmp_path: Path,
) -> None:
    hass.config.config_dir = str(tmp_path)
    key = measurements.storage_key(ENTRY_ID)
    _write(hass, hass_storage, key, {}, measurements.STORAGE_MINOR_VERSION)
    person = await _setup(hass)
    assert await hass.config_entries.async_unload(person.entry_id)
    path = _write(hass, hass_storage, key, {"x": 1}, measurements.STORAGE_MINOR_VERSION)

    await _setup(hass, person)

    kept = sorted(str(p) for p in path.parent.glob(f"{key}.corrupt-*"))
    assert len(kept) == 2
    issue = issue_registry.async_get_issue(DOMAIN, f"corrupt_store_{key}")
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert sorted(issue.translation_placeholders["kept"].split(", ")) == kept


async def test_a_malformed_row_is_kept_once_and_removal_purges_every_copy(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    issue_registry: ir.IssueRegistry,
    tmp_path: Path,
) -> None:
    hass.config.config_dir = str(tmp_path)
    key = measurements.storage_key(ENTRY_ID)
    data = {"measurements": [GOOD_ROW, {"measured_at": "bad"}]}
    path = _write(hass, hass_storage, key, data, measurements.STORAGE_MINOR_VERSION)
    person = await _setup(hass)
    assert len(person.runtime_data.readiness.history) == 1
    for _restart in range(3):  # still malformed on disk at each restart
        assert await hass.config_entries.async_reload(person.entry_id)
        await hass.async_block_till_done()
    assert len(list(path.parent.glob(f"{key}.kept-*"))) == 1
    sleep_key = sleep.storage_key(ENTRY_ID)
    corrupt = path.parent / f"{sleep_key}.corrupt-20260101T000000000000Z"
    corrupt.write_text("{", encoding="utf-8")

    assert await hass.config_entries.async_remove(person.entry_id)
    await hass.async_block_till_done()

    assert key not in hass_storage
    for stored in (key, sleep_key):
        assert list(path.parent.glob(f"{stored}.kept-*")) == []
        assert list(path.parent.glob(f"{stored}.corrupt-*")) == []
    assert issue_registry.async_get_issue(DOMAIN, f"corrupt_store_{key}") is None


async def test_an_import_is_written_before_the_action_returns(
    hass: HomeAssistant, hass_storage: dict[str, Any], tmp_path: Path
) -> None:
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    person = await _setup(hass)
    csv = tmp_path / "hrv.csv"
    day = dt_util.now().date() - timedelta(days=1)
    csv.write_text(f"date,rmssd_ms\n{day.isoformat()},42.5\n", encoding="utf-8")
    key = measurements.storage_key(person.entry_id)
    assert key not in hass_storage

    response = await hass.services.async_call(
        DOMAIN,
        "import_history",
        {"profile": person.entry_id, "path": str(csv)},
        blocking=True,
        return_response=True,
    )

    assert response is not None
    assert response["imported"] == 1
    # No time has passed: the delayed save has not run, the immediate one has.
    [row] = hass_storage[key]["data"]["measurements"]
    assert row["rmssd_ms"] == 42.5
    assert row["day"] == day.isoformat()


async def test_a_logged_sleep_is_written_before_the_action_returns(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    person = await _setup(hass)
    key = sleep.storage_key(person.entry_id)
    end = dt_util.now().replace(microsecond=0) - timedelta(hours=1)
    start = end - timedelta(hours=7)
    hass_storage.pop(key, None)

    await hass.services.async_call(
        DOMAIN,
        "log_sleep",
        {"profile": person.entry_id, "start": start.isoformat(), "end": end.isoformat()},
        blocking=True,
    )

    [episode] = hass_storage[key]["data"]["episodes"]
    assert dt_util.parse_datetime(episode["end"]) == end
    assert episode["origin"] == "service"


async def _start_fix(client: Any, issue_id: str) -> dict[str, Any]:
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert response.status == 200
    flow: dict[str, Any] = await response.json()
    assert flow["type"] == "menu"
    assert flow["menu_options"] == ["restore", "dismiss"]
    return flow


async def _choose(client: Any, flow: dict[str, Any], step: str) -> dict[str, Any]:
    response = await client.post(
        f"/api/repairs/issues/fix/{flow['flow_id']}", json={"next_step_id": step}
    )
    assert response.status == 200
    result: dict[str, Any] = await response.json()
    return result


async def test_the_repair_restores_the_kept_file_and_reloads_the_profile(  # noqa: PLR0917
    hass: HomeAssistant,
    monkeypatch: pytest.MonkeyPatch,
    hass_storage: dict[str, Any],
    hass_client: Any,
    issue_registry: ir.IssueRegistry,
    tmp_path: Path,
) -> None:
    hass.config.config_dir = str(tmp_path)
    assert await async_setup_component(hass, "repairs", {})
    key = measurements.storage_key(ENTRY_ID)
    path = _write(hass, hass_storage, key, {"rows": [GOOD_ROW]}, 2)
    person = await _setup(hass)
    [kept] = path.parent.glob(f"{key}.corrupt-*")
    issue_id = f"corrupt_store_{key}"
    client = await hass_client()
    flow = await _start_fix(client, issue_id)
    assert str(kept) in flow["description_placeholders"]["kept"]

    # The user repaired the kept file by hand.
    fixed = {"version": 1, "minor_version": 2, "key": key, "data": {"measurements": [GOOD_ROW]}}
    kept.write_text(json.dumps(fixed), encoding="utf-8")
    restore = repairs._restore

    def restore_and_mirror(target: str, source: str) -> None:
        restore(target, source)
        hass_storage[key] = json.loads(Path(target).read_text(encoding="utf-8"))

    monkeypatch.setattr(repairs, "_restore", restore_and_mirror)
    result = await _choose(client, flow, "restore")
    await hass.async_block_till_done()

    assert (result["type"], result["reason"]) == ("abort", "restored")
    assert json.loads(path.read_text(encoding="utf-8")) == fixed
    assert not kept.exists()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    assert len(person.runtime_data.readiness.history) == 1


async def test_dismissing_the_repair_keeps_the_files(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    hass_client: Any,
    issue_registry: ir.IssueRegistry,
    tmp_path: Path,
) -> None:
    hass.config.config_dir = str(tmp_path)
    assert await async_setup_component(hass, "repairs", {})
    key = sleep.storage_key(ENTRY_ID)
    path = _write(hass, hass_storage, key, {"episodes": 3}, 1)
    await _setup(hass)
    issue_id = f"corrupt_store_{key}"
    client = await hass_client()

    result = await _choose(client, await _start_fix(client, issue_id), "dismiss")

    assert result["type"] == "create_entry"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    assert len(list(path.parent.glob(f"{key}.corrupt-*"))) == 1


async def test_restoring_a_kept_file_that_is_gone_aborts_and_keeps_the_notice(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    hass_client: Any,
    issue_registry: ir.IssueRegistry,
    tmp_path: Path,
) -> None:
    hass.config.config_dir = str(tmp_path)
    assert await async_setup_component(hass, "repairs", {})
    key = sleep.storage_key(ENTRY_ID)
    path = _write(hass, hass_storage, key, {}, 1)
    await _setup(hass)
    [kept] = path.parent.glob(f"{key}.corrupt-*")
    kept.unlink()
    issue_id = f"corrupt_store_{key}"
    client = await hass_client()

    result = await _choose(client, await _start_fix(client, issue_id), "restore")

    assert result["type"] == "abort"
    assert result["reason"] == "nothing_to_restore"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
