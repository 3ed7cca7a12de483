"""The demo (scripts/run) seeds its person model through the integration's own paths, once.

The demo-only component lives in demo/custom_components (never shipped); it is imported here
the way scripts/run's PYTHONPATH makes it importable. No strap: the seeding is what is tested.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.recovery_readiness.const import (
    CONF_ENTRY_KIND,
    CONF_PERSON_ID,
    DOMAIN,
    KIND_PERSON,
)

DEMO = Path(__file__).resolve().parents[2] / "demo"
if str(DEMO) not in sys.path:
    sys.path.append(str(DEMO))

from custom_components.recovery_readiness_demo import person_model as model  # noqa: E402

from custom_components import recovery_readiness_demo as demo  # noqa: E402

PERSON_ID = "person-demo"


@pytest.fixture
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    hass.config.config_dir = str(tmp_path)
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    return tmp_path


async def _person(hass: HomeAssistant) -> MockConfigEntry:
    options = demo._person_options(dt_util.now().date())
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=demo.PERSON,
        unique_id=PERSON_ID,
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: PERSON_ID},
        options=options,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def _seed(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    store = demo.DemoStore(hass, entry.entry_id, entry.options.get("workout_source"))
    await store.async_load()
    await demo._import_mornings(hass, entry.entry_id, dt_util.now().date())
    await demo._log_nights(hass, entry.entry_id, store)
    watch = demo.DemoWatch(hass, store)
    await watch.async_sync()
    watch.stop()  # the next live sync is not part of the test
    await hass.async_block_till_done()


async def _report(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN, "get_readiness", {"profile": entry.entry_id}, blocking=True, return_response=True
    )
    assert isinstance(response, dict)
    return response


def _synced_runs() -> list[model.Activity]:
    now = dt_util.utcnow()
    today = dt_util.now().date()
    return [
        a
        for d in range(model.HISTORY_DAYS, -1, -1)
        for a in model.activities_on(today - timedelta(days=d))
        if demo._aware(a.end) + demo.SYNC_DELAY <= now
    ]


async def test_the_demo_seeds_sixty_days_once(hass: HomeAssistant, config_dir: Path) -> None:
    entry = await _person(hass)
    await _seed(hass, entry)

    report = await _report(hass, entry)
    runs = _synced_runs()
    assert report["training"]["sessions"] == len(runs)
    last = hass.states.get("sensor.demo_runner_last_training_session")
    assert last is not None
    assert dt_util.parse_datetime(last.state) == demo._aware(runs[-1].start)
    assert last.attributes["source"] == "garmin_connect"
    assert hass.states.get(demo.ACTIVITY_ENTITY).attributes["activityId"] == runs[-1].activity_id
    chronic = hass.states.get("sensor.demo_runner_chronic_training_load")
    assert chronic is not None
    assert float(chronic.state) > 30  # a seeded fitness plus 60 days of runs

    hrv = hass.states.get("sensor.demo_runner_hrv_7_day_mean_ln_rmssd")
    assert hrv is not None
    assert hrv.attributes["days_60d"] == model.HISTORY_DAYS
    today = dt_util.now().date()
    mornings = model.history(today).mornings
    expected_7d = sum(m.ln_rmssd for m in mornings[-7:]) / 7
    assert float(hrv.state) == pytest.approx(expected_7d, abs=0.001)  # CSV rounds to 0.1 ms

    last_night = model.night_ending(today)
    sleep = hass.states.get("sensor.demo_runner_sleep_last_night")
    assert sleep is not None
    if demo._aware(last_night.wake) <= dt_util.utcnow():
        assert float(sleep.state) == pytest.approx(last_night.hours, abs=0.02)

    # A second start: the demo's own record says everything is done.
    await _seed(hass, entry)
    assert (await _report(hass, entry))["training"]["sessions"] == len(runs)

    # The demo's record lost: everything is replayed, and the integration refuses every copy.
    await demo.DemoStore(
        hass, entry.entry_id, entry.options.get("workout_source")
    )._store.async_remove()
    await _seed(hass, entry)
    again = await _report(hass, entry)
    assert again["training"]["sessions"] == len(runs)
    assert float(hass.states.get("sensor.demo_runner_sleep_last_night").state) == float(sleep.state)
    assert float(
        hass.states.get("sensor.demo_runner_hrv_7_day_mean_ln_rmssd").state
    ) == pytest.approx(float(hrv.state))


async def test_the_bed_sensor_is_the_sleep_source(hass: HomeAssistant, config_dir: Path) -> None:
    await _person(hass)
    night = model.night_ending(dt_util.now().date() + timedelta(days=1))
    bed = demo.DemoBed(hass)
    bed.start(demo._aware(night.bedtime) + timedelta(minutes=1))
    await hass.async_block_till_done()
    assert hass.states.get(demo.BED_ENTITY).state == "on"
    assert hass.states.get("binary_sensor.demo_runner_in_bed").state == "on"
    bed.start(demo._aware(night.wake) + timedelta(minutes=1))
    await hass.async_block_till_done()
    assert hass.states.get(demo.BED_ENTITY).state == "off"
    assert hass.states.get("binary_sensor.demo_runner_in_bed").state == "off"
    bed.stop()


async def test_a_person_of_an_older_demo_gets_the_sources_and_its_runs(
    hass: HomeAssistant, config_dir: Path
) -> None:
    """An older demo made the person without sources and may have recorded runs as replayed."""
    options = {
        k: v
        for k, v in demo._person_options(dt_util.now().date()).items()
        if k not in demo.DEMO_SOURCES
    }
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=demo.PERSON,
        unique_id=PERSON_ID,
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: PERSON_ID},
        options=options,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    old_record = demo.DemoStore(hass, entry.entry_id, None)
    await old_record.async_replayed(activity_id=10**9)  # "everything replayed", into nothing

    watch = await demo._demo_person(hass, "C0:00:00:00:00:01")
    assert watch is not None
    watch.stop()
    await hass.async_block_till_done()
    assert entry.options["workout_source"] == demo.ACTIVITY_ENTITY
    assert entry.options["sleep_source"] == demo.BED_ENTITY
    assert entry.options["target_sleep_h"] == options["target_sleep_h"]  # the rest is kept
    assert (await _report(hass, entry))["training"]["sessions"] == len(_synced_runs())
