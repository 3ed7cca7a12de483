"""Readiness end to end: an emulated strap's morning recording → measurement → readiness.

Also: disconnect halfway (rejected, nothing stored), history import (baseline at once,
idempotent), restart, a corrupt store kept aside with a repair issue, the report action.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import statistics
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from emulated import encode_hrm
from emulated.strap import EmulatedStrap
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.recovery_readiness.const import (
    CONF_ENTRY_KIND,
    CONF_PERSON_ID,
    CONF_STRAP_ENTRY_ID,
    DOMAIN,
    EVENT_MEASUREMENT_COMPLETED,
    KIND_PERSON,
)
from custom_components.recovery_readiness.profile import ProfileRuntime
from custom_components.recovery_readiness.store.measurements import storage_key
from custom_components.recovery_readiness.strap_entry.coordinator import StrapCoordinator

pytest_plugins = ["emulated.fixtures"]

PERSON_ID = "person-sam"
ALL_DAY = {"morning_start": "00:00:00", "morning_end": "23:59:59"}
# Resting, with respiratory sinus arrhythmia: ±40 ms over 6 beats, as whole 1/1024-s ticks.
RR_MS = tuple(round((1000 + 40 * math.sin(2 * math.pi * i / 6)) * 1.024) / 1.024 for i in range(6))


def _rmssd_by_hand(rr_ms: list[float]) -> float:
    d = [b - a for a, b in itertools.pairwise(rr_ms)]
    return math.sqrt(sum(x * x for x in d) / len(d))


def _entity_id(hass: HomeAssistant, key: str, platform: str = "sensor") -> str:
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{PERSON_ID}_{key}")
    assert entity_id is not None, key
    return entity_id


def _state(hass: HomeAssistant, key: str, platform: str = "sensor") -> str:
    state = hass.states.get(_entity_id(hass, key, platform))
    assert state is not None, key
    return state.state


async def _until(predicate: Callable[[], bool], timeout_s: float = 5.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not predicate():  # noqa: ASYNC110 - polls state owned by bumble/HA
            await asyncio.sleep(0.005)


async def _setup(
    hass: HomeAssistant, strap: EmulatedStrap | None, **options: Any
) -> tuple[MockConfigEntry, ProfileRuntime]:
    opts: dict[str, Any] = dict(ALL_DAY) | options
    if strap is not None:
        strap_entry = MockConfigEntry(
            domain=DOMAIN,
            unique_id=strap.address,
            title=strap.name,
            data={CONF_ADDRESS: strap.address},
        )
        strap_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(strap_entry.entry_id)
        await strap.wait_subscribed()
        opts[CONF_STRAP_ENTRY_ID] = strap_entry.entry_id
    person = MockConfigEntry(
        domain=DOMAIN,
        title="Sam",
        unique_id=PERSON_ID,
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: PERSON_ID},
        options=opts,
    )
    person.add_to_hass(hass)
    assert await hass.config_entries.async_setup(person.entry_id)
    await hass.async_block_till_done()
    return person, person.runtime_data


class StrapClock:
    """The strap client's receive clock, moved one RR interval per notification."""

    def __init__(self, coordinator: StrapCoordinator) -> None:
        self.t_s = 1000.0
        assert coordinator.strap is not None
        coordinator.strap._clock = lambda: self.t_s


async def _stream(strap: EmulatedStrap, clock: StrapClock, beats: int, start: int = 0) -> None:
    for i in range(start, start + beats):
        rr = RR_MS[i % len(RR_MS)]
        clock.t_s += rr / 1000
        await strap.notify(encode_hrm(60, (rr,), contact=True))


async def test_a_morning_recording_goes_through_the_phases_to_a_readiness(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    person, manager = await _setup(hass, emulated_strap)
    assert manager.link.strap is not None
    clock = StrapClock(manager.link.strap)
    changes = async_capture_events(hass, "state_changed")
    phase_entity = _entity_id(hass, "measurement_phase")
    completed = async_capture_events(hass, EVENT_MEASUREMENT_COMPLETED)
    assert _state(hass, "measurement_phase") == "idle"
    assert _state(hass, "hrv_today_rmssd") == "unknown"

    # Worn in the morning window with no measurement today: it starts by itself.
    await _stream(emulated_strap, clock, 200)
    await _until(lambda: len(completed) == 1)
    await hass.async_block_till_done()

    written = [e.data["new_state"].state for e in changes if e.data["entity_id"] == phase_entity]
    phases = [phase for phase, _ in itertools.groupby(written)]  # progress repeats a phase
    assert phases == ["waiting_for_contact", "stabilising", "measuring", "done"]
    assert _state(hass, "measurement_progress") == "100.0"
    event = completed[0].data
    assert event["quality"] == "accepted"
    assert (event["profile"], event["name"]) == (person.entry_id, "Sam")
    assert event["rmssd_ms"] == pytest.approx(_rmssd_by_hand(list(RR_MS) * 20), rel=0.02)
    assert event["ln_rmssd"] == pytest.approx(math.log(event["rmssd_ms"]), abs=1e-3)
    assert event["resting_hr_bpm"] == pytest.approx(60000 / statistics.fmean(RR_MS), rel=1e-3)
    assert event["artifact_ratio"] == 0.0
    assert event["readiness_score"] is None  # day one: nothing to compare with yet
    assert float(_state(hass, "hrv_today_rmssd")) == pytest.approx(event["rmssd_ms"], abs=0.01)
    assert float(_state(hass, "resting_hr_today")) == pytest.approx(60.0, abs=0.5)
    assert _state(hass, "hrv_status") == "insufficient_data"  # day one: no baseline yet
    assert _state(hass, "last_measurement") != "unknown"
    # Day one: no baseline and no sleep, so no score (unknown, never 0); it says why.
    assert _state(hass, "readiness_score") == "unknown"
    assert _state(hass, "recommendation") == "unknown"
    assert _state(hass, "ready_for_hard_training", "binary_sensor") == "unknown"
    score = hass.states.get(_entity_id(hass, "readiness_score"))
    assert {"hrv_status", "last_night_sleep"} <= set(score.attributes["missing_inputs"])
    assert "hrv_calibrating" in score.attributes["reasons"]
    assert len(manager.readiness.history) == 1

    # Streaming on does not start a second measurement today.
    await _stream(emulated_strap, clock, 30, start=200)
    await hass.async_block_till_done()
    assert _state(hass, "measurement_phase") == "done"
    assert len(completed) == 1


async def test_a_disconnect_while_measuring_rejects_and_stores_nothing(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    _person, manager = await _setup(hass, emulated_strap)
    clock = StrapClock(manager.link.strap)
    completed = async_capture_events(hass, EVENT_MEASUREMENT_COMPLETED)
    await _stream(emulated_strap, clock, 100)  # 60 s stabilising + 40 s measuring
    await _until(lambda: manager.report.measurement.state == "measuring")

    await emulated_strap.disconnect()
    await _until(lambda: len(completed) == 1)
    await hass.async_block_till_done()
    assert completed[0].data["quality"] == "rejected"
    assert completed[0].data["reason"] == "disconnected"
    assert completed[0].data["rmssd_ms"] is None
    assert _state(hass, "measurement_phase") == "rejected"
    phase = hass.states.get(_entity_id(hass, "measurement_phase"))
    assert phase.attributes["reason"] == "disconnected"
    assert manager.readiness.history == ()
    assert _state(hass, "hrv_today_rmssd") == "unknown"


async def test_lost_contact_while_stabilising_pauses_and_the_button_restarts(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    _person, manager = await _setup(hass, emulated_strap)
    clock = StrapClock(manager.link.strap)
    await _stream(emulated_strap, clock, 20)
    await _until(lambda: manager.report.measurement.state == "stabilising")
    await emulated_strap.notify(encode_hrm(0, (), contact=False))
    await _until(lambda: manager.report.measurement.state == "waiting_for_contact")
    assert manager.report.measurement.reason == "contact_lost"

    await hass.services.async_call(
        "button",
        "press",
        {"entity_id": _entity_id(hass, "start_measurement", "button")},
        blocking=True,
    )
    assert manager.report.measurement.trigger == "button"
    await _stream(emulated_strap, clock, 5)
    await _until(lambda: manager.report.measurement.state == "stabilising")


def _daily_csv(path: Path, days: int) -> list[float]:
    today = dt_util.now().date()
    values = [40.0 + 10.0 * math.sin(i / 3) for i in range(days)]
    lines = ["date,rmssd_ms,resting_hr_bpm"]
    for i, rmssd in enumerate(values):
        day = today - timedelta(days=days - i)
        lines.append(f"{day.isoformat()},{rmssd:.3f},{50 + i % 3}")
    lines.append("not-a-date,40,50")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [float(f"{v:.3f}") for v in values]


async def test_import_seeds_the_baseline_at_once_and_is_idempotent(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    csv = tmp_path / "hrv.csv"
    values = _daily_csv(csv, 30)
    person, manager = await _setup(hass, None)

    response = await hass.services.async_call(
        DOMAIN,
        "import_history",
        {"profile": person.entry_id, "path": str(csv)},
        blocking=True,
        return_response=True,
    )
    assert response["layout"] == "daily"
    assert (response["imported"], response["duplicates"], response["rejected"]) == (30, 0, 1)
    assert response["rejected_rows"] == [{"line": 32, "reason": "bad_timestamp"}]

    ln = [math.log(v) for v in values]
    last7 = ln[-6:]  # days d-6..d; today itself has no value
    normal = ln  # the 30 days before today
    sd = statistics.stdev(normal)
    assert float(_state(hass, "hrv_7d_mean")) == pytest.approx(statistics.fmean(last7), abs=5e-3)
    assert float(_state(hass, "hrv_normal_low")) == pytest.approx(
        statistics.fmean(normal) - 0.5 * sd, abs=5e-3
    )
    assert float(_state(hass, "hrv_normal_high")) == pytest.approx(
        statistics.fmean(normal) + 0.5 * sd, abs=5e-3
    )
    assert _state(hass, "hrv_status") in {"below", "within", "above"}

    again = await hass.services.async_call(
        DOMAIN,
        "import_history",
        {"profile": person.entry_id, "path": str(csv)},
        blocking=True,
        return_response=True,
    )
    assert (again["imported"], again["duplicates"]) == (0, 30)
    assert len(manager.readiness.history) == 30

    # Restart: everything is still there.
    assert await hass.config_entries.async_reload(person.entry_id)
    await hass.async_block_till_done()
    assert len(person.runtime_data.readiness.history) == 30
    assert float(_state(hass, "hrv_7d_mean")) == pytest.approx(statistics.fmean(last7), abs=5e-3)


async def test_import_refuses_bad_paths_and_files_and_changes_nothing(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    person, manager = await _setup(hass, None)
    outside = tmp_path / "x.csv"
    outside.write_text("date,rmssd_ms\n2026-01-01,40\n", encoding="utf-8")
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "import_history",
            {"profile": person.entry_id, "path": str(outside)},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "import_path_not_allowed"

    hass.config.allowlist_external_dirs = {str(tmp_path)}
    odd = tmp_path / "odd.csv"
    odd.write_text("when,value\n1,2\n", encoding="utf-8")
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "import_history",
            {"profile": person.entry_id, "path": str(odd)},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "import_unknown_layout"
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "import_history",
            {"profile": person.entry_id, "path": str(tmp_path / "missing.csv")},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "import_unreadable"
    assert manager.readiness.history == ()


async def test_get_readiness_reports_contributors_and_translated_reasons(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    csv = tmp_path / "hrv.csv"
    _daily_csv(csv, 30)
    person, _manager = await _setup(hass, None)
    await hass.services.async_call(
        DOMAIN,
        "import_history",
        {"profile": person.entry_id, "path": str(csv)},
        blocking=True,
        return_response=True,
    )
    report = await hass.services.async_call(
        DOMAIN, "get_readiness", {"profile": person.entry_id}, blocking=True, return_response=True
    )
    assert (report["profile"], report["name"]) == (person.entry_id, "Sam")
    assert report["day"] == dt_util.now().date().isoformat()
    assert 0 <= report["score"] <= 100
    assert {c["key"] for c in report["contributors"]} >= {"hrv_status", "last_night_sleep"}
    keys = [r["key"] for r in report["reasons"]]
    assert "no_measurement_today" in keys
    assert "no_sleep_last_night" in keys  # a profile without a sleep source
    texts = {r["key"]: r["text"] for r in report["reasons"]}
    assert texts["no_measurement_today"] == "No morning measurement yet today."
    assert report["hrv_baseline"]["status"] in {"below", "within", "above"}
    assert report["today"] is None
    assert report["measurement"]["state"] == "idle"

    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "start_measurement", {"profile": person.entry_id}, blocking=True
        )
    assert err.value.translation_key == "no_linked_strap"
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "get_readiness", {"profile": "nope"}, blocking=True, return_response=True
        )
    assert err.value.translation_key == "profile_not_found"


async def test_the_action_starts_a_measurement(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    person, manager = await _setup(hass, emulated_strap, morning_start="04:00:00")
    await hass.services.async_call(
        DOMAIN, "start_measurement", {"profile": person.entry_id}, blocking=True
    )
    assert manager.report.measurement.state == "waiting_for_contact"
    assert manager.report.measurement.trigger == "action"


async def test_a_corrupt_store_is_kept_aside_with_a_repair_issue(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    issue_registry: ir.IssueRegistry,
    tmp_path: Path,
) -> None:
    hass.config.config_dir = str(tmp_path)
    person_entry_id = "corrupt-test"
    key = storage_key(person_entry_id)
    hass_storage[key] = {"version": 99, "minor_version": 1, "key": key, "data": {}}
    path = Path(hass.config.path(".storage", key))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"version": 99, "data": ', encoding="utf-8")

    person = MockConfigEntry(
        entry_id=person_entry_id,
        domain=DOMAIN,
        title="Sam",
        unique_id=PERSON_ID,
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: PERSON_ID},
        options=ALL_DAY,
    )
    person.add_to_hass(hass)
    assert await hass.config_entries.async_setup(person.entry_id)
    await hass.async_block_till_done()

    assert not path.exists()
    [kept] = list(path.parent.glob(f"{key}.corrupt-*"))
    assert kept.read_text(encoding="utf-8") == '{"version": 99, "data": '
    issue = issue_registry.async_get_issue(DOMAIN, f"corrupt_store_{key}")
    assert issue is not None
    assert issue.translation_key == "corrupt_store"
    assert issue.translation_placeholders["kept"] == str(kept)
    assert person.runtime_data.readiness.history == ()


async def test_import_of_the_welltory_export(hass: HomeAssistant, shared_data: Path) -> None:
    csv = shared_data / "welltory" / "hrv_measurements.csv"
    hass.config.allowlist_external_dirs = {str(csv.parent)}
    person, manager = await _setup(hass, None)
    call = {"profile": person.entry_id, "path": str(csv)}

    with pytest.raises(ServiceValidationError) as err:  # 185 people in one file
        await hass.services.async_call(
            DOMAIN, "import_history", call, blocking=True, return_response=True
        )
    assert err.value.translation_key == "import_several_users"

    call["user_code"] = "295ed96279"
    first = await hass.services.async_call(
        DOMAIN, "import_history", call, blocking=True, return_response=True
    )
    assert first["layout"] == "welltory"
    assert first["imported"] > 200  # 259 morning recordings among this user's rows
    assert first["imported"] + first["rejected"] + first["duplicates"] >= 259
    assert set(first["rejected_reasons"]) <= {"too_many_artifacts", "too_short", "bad_rr"}
    assert len(manager.readiness.history) == first["imported"]
    again = await hass.services.async_call(
        DOMAIN, "import_history", call, blocking=True, return_response=True
    )
    assert again["imported"] == 0
    assert again["duplicates"] == first["imported"]


async def test_an_accepted_measurement_is_written_before_its_completed_event(
    hass: HomeAssistant, hass_storage: dict[str, Any], emulated_strap: EmulatedStrap
) -> None:
    person, manager = await _setup(hass, emulated_strap)
    assert manager.link.strap is not None
    clock = StrapClock(manager.link.strap)
    key = storage_key(person.entry_id)
    stored_at_event: list[list[dict[str, Any]]] = []
    hass.bus.async_listen(
        EVENT_MEASUREMENT_COMPLETED,
        lambda _event: stored_at_event.append(
            list(hass_storage.get(key, {}).get("data", {}).get("measurements", []))
        ),
    )

    await _stream(emulated_strap, clock, 200)
    await _until(lambda: len(stored_at_event) == 1)

    # A kill -9 right after the event (no delayed save ran) still finds the measurement.
    [row] = stored_at_event[0]
    assert row["source"] == "strap"
    assert row["rmssd_ms"] == pytest.approx(_rmssd_by_hand(list(RR_MS) * 20), rel=0.02)
