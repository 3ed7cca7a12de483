"""Readiness edge cases: zero RR ticks, a strap unloaded mid-measurement, a measurement begun
just before the window closes, import identity, daily values, lossy stores, midnight."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from emulated import encode_hrm
from emulated.strap import EmulatedStrap
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.recovery_readiness.const import (
    CONF_ENTRY_KIND,
    CONF_PERSON_ID,
    CONF_STRAP_ENTRY_ID,
    DOMAIN,
    EVENT_MEASUREMENT_COMPLETED,
    KIND_PERSON,
)
from custom_components.recovery_readiness.profile import ProfileRuntime
from custom_components.recovery_readiness.store.measurements import STORAGE_VERSION, storage_key

pytest_plugins = ["emulated.fixtures"]

ALL_DAY = {"morning_start": "00:00:00", "morning_end": "23:59:59"}
RR_MS = tuple(round((1000 + 40 * math.sin(2 * math.pi * i / 6)) * 1.024) / 1.024 for i in range(6))


async def _until(predicate: Callable[[], bool], timeout_s: float = 5.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not predicate():  # noqa: ASYNC110 - polls state owned by bumble/HA
            await asyncio.sleep(0.005)


async def _person(hass: HomeAssistant, **options: Any) -> tuple[MockConfigEntry, ProfileRuntime]:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Sam",
        unique_id="sam",
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: "sam"},
        options=options,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry, entry.runtime_data


async def _with_strap(
    hass: HomeAssistant, strap: EmulatedStrap, **options: Any
) -> tuple[MockConfigEntry, ProfileRuntime, list[float]]:
    strap_entry = MockConfigEntry(
        domain=DOMAIN, unique_id=strap.address, title=strap.name, data={CONF_ADDRESS: strap.address}
    )
    strap_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(strap_entry.entry_id)
    await strap.wait_subscribed()
    _entry, manager = await _person(
        hass, **(ALL_DAY | options | {CONF_STRAP_ENTRY_ID: strap_entry.entry_id})
    )
    clock = [1000.0]
    manager.link.strap.strap._clock = lambda: clock[0]
    return strap_entry, manager, clock


async def _stream(strap: EmulatedStrap, clock: list[float], beats: int, **kw: Any) -> None:
    for i in range(beats):
        rr = RR_MS[i % len(RR_MS)]
        clock[0] += rr / 1000
        await strap.notify(encode_hrm(60, kw.get("rr", (rr,)), contact=True))


async def test_a_zero_rr_tick_is_dropped_and_never_bridged(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    _strap_entry, manager, clock = await _with_strap(hass, emulated_strap)
    await _stream(emulated_strap, clock, 20)
    await _until(lambda: manager.report.measurement.state == "stabilising")
    beats_before = len(manager.measurement._session.beats)
    clock[0] += 1.0
    raw = encode_hrm(60, (1000.0,), contact=True)[:-2] + b"\x00\x00" + b"\x00\x04"
    await emulated_strap.notify(raw)  # RR ticks (0, 1024): the zero is garbage
    await _until(lambda: len(manager.measurement._session.beats) == beats_before + 1)
    assert manager.measurement._session.beats[-1].after_gap  # the good beat starts a new segment
    assert manager.report.measurement.state == "stabilising"


async def test_unloading_the_strap_mid_measurement_rejects_it(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    strap_entry, manager, clock = await _with_strap(hass, emulated_strap)
    completed = async_capture_events(hass, EVENT_MEASUREMENT_COMPLETED)
    await _stream(emulated_strap, clock, 100)
    await _until(lambda: manager.report.measurement.state == "measuring")
    assert await hass.config_entries.async_unload(strap_entry.entry_id)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await _until(lambda: manager.report.measurement.state == "rejected")
    assert completed[-1].data["reason"] == "disconnected"
    assert manager.readiness.history == ()


async def test_a_measurement_is_dated_when_it_started(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    _strap_entry, manager, clock = await _with_strap(hass, emulated_strap)
    await _stream(emulated_strap, clock, 200)
    await _until(lambda: len(manager.readiness.history) == 1)
    stored = manager.readiness.history[0].measured_at
    assert stored == manager.report.measurement.started_at
    assert manager.report.readiness.today is not None


def _daily(tmp_path: Path, rows: list[tuple[str, float]]) -> Path:
    path = tmp_path / "daily.csv"
    path.write_text("date,rmssd_ms\n" + "".join(f"{d},{v}\n" for d, v in rows), encoding="utf-8")
    return path


async def _import(hass: HomeAssistant, entry: MockConfigEntry, path: Path) -> dict[str, Any]:
    return await hass.services.async_call(
        DOMAIN,
        "import_history",
        {"profile": entry.entry_id, "path": str(path)},
        blocking=True,
        return_response=True,
    )


async def test_daily_imports_are_keyed_by_date_whatever_the_morning_window(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    today = dt_util.now().date()
    rows = [((today - timedelta(days=i)).isoformat(), 40.0 + i) for i in range(1, 21)]
    path = _daily(tmp_path, rows)
    entry, manager = await _person(hass)
    assert (await _import(hass, entry, path))["imported"] == 20

    hass.config_entries.async_update_entry(
        entry, options={"morning_start": "05:00:00", "morning_end": "09:00:00"}
    )
    await hass.async_block_till_done()
    manager = entry.runtime_data
    again = await _import(hass, entry, path)
    assert (again["imported"], again["duplicates"]) == (0, 20)
    assert len(manager.readiness.history) == 20
    # Daily values count for their date even though the window moved.
    assert manager.report.readiness.hrv.count_7d == 6
    assert manager.report.readiness.hrv.count_60d == 20


async def test_malformed_rows_are_skipped_and_the_file_is_kept(
    hass: HomeAssistant, hass_storage: dict[str, Any], tmp_path: Path
) -> None:
    hass.config.config_dir = str(tmp_path)
    key = storage_key("kept")
    good = {
        "measured_at": "2026-01-02T06:30:00+00:00",
        "ln_rmssd": 4.0,
        "rmssd_ms": 54.6,
        "hr_bpm": 50.0,
        "artifact_ratio": 0.0,
        "duration_s": 120.0,
        "source": "strap",
    }
    data = {"measurements": [good, {"measured_at": "yesterday"}]}
    hass_storage[key] = {"version": STORAGE_VERSION, "minor_version": 2, "key": key, "data": data}
    on_disk = tmp_path / ".storage" / key
    on_disk.parent.mkdir()
    on_disk.write_text(json.dumps(data), encoding="utf-8")
    entry = MockConfigEntry(
        entry_id="kept",
        domain=DOMAIN,
        title="Sam",
        unique_id="sam",
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: "sam"},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert len(entry.runtime_data.readiness.history) == 1
    [kept] = (tmp_path / ".storage").glob(f"{key}.kept-*")
    assert json.loads(kept.read_text(encoding="utf-8")) == data


async def test_a_morning_window_that_ends_before_it_starts_is_refused(
    hass: HomeAssistant,
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "person"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"name": "Night shift", "morning_start": "22:00:00", "morning_end": "02:00:00"},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"morning_end": "morning_window_order"}


async def test_sleep_inputs_survive_midnight(hass: HomeAssistant, freezer: Any) -> None:
    tz = ZoneInfo("Europe/Amsterdam")
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    freezer.move_to(datetime(2026, 5, 12, 13, 0, tzinfo=tz))
    entry, manager = await _person(hass)
    for night in range(6, 0, -1):
        bed = datetime(2026, 5, 12, 23, 0, tzinfo=tz) - timedelta(days=night)
        await hass.services.async_call(
            DOMAIN,
            "log_sleep",
            {
                "profile": entry.entry_id,
                "start": bed.isoformat(),
                "end": (bed + timedelta(hours=7)).isoformat(),
            },
            blocking=True,
        )
    await hass.async_block_till_done()
    assert "sleep_debt" not in manager.report.readiness.readiness.missing_inputs

    after_midnight = datetime(2026, 5, 13, 0, 30, tzinfo=tz)
    freezer.move_to(after_midnight)
    async_fire_time_changed(hass, after_midnight)
    await hass.async_block_till_done()
    assert manager.report.readiness.day == after_midnight.date()
    assert "sleep_debt" not in manager.report.readiness.readiness.missing_inputs
