"""The shipped automation blueprints load in Home Assistant and render their messages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import async_mock_service

BLUEPRINTS = Path(__file__).resolve().parents[2] / "blueprints" / "automation"


@pytest.fixture
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(BLUEPRINTS, tmp_path / "blueprints" / "automation")
    return tmp_path


async def _automation(hass: HomeAssistant, blueprint: str, inputs: dict) -> None:
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "use_blueprint": {"path": f"recovery_readiness/{blueprint}", "input": inputs}
            }
        },
    )
    await hass.async_block_till_done()


async def test_bedtime_reminder_blueprint(hass: HomeAssistant, config_dir: Path) -> None:
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    calls = async_mock_service(hass, "test", "called")
    await _automation(
        hass,
        "bedtime_reminder.yaml",
        {
            "profile": "abc",
            "reminder": [{"action": "test.called", "data": {"message": "{{ message }}"}}],
        },
    )
    event = {
        "profile": "abc",
        "name": "Alex",
        "recommended_bedtime": "2026-03-30T20:30:00+00:00",
        "reminder_lead_min": 30.0,
    }
    hass.bus.async_fire("recovery_readiness_bedtime_window", event | {"profile": "other"})
    hass.bus.async_fire("recovery_readiness_bedtime_window", event)
    await hass.async_block_till_done()
    assert [c.data["message"] for c in calls] == ["Alex, bedtime in 30 minutes (22:30)."]


async def test_morning_readiness_blueprint(hass: HomeAssistant, config_dir: Path) -> None:
    calls = async_mock_service(hass, "test", "called")
    await _automation(
        hass,
        "morning_readiness.yaml",
        {
            "profile": "abc",
            "announce": [{"action": "test.called", "data": {"message": "{{ message }}"}}],
        },
    )
    accepted = {
        "profile": "abc",
        "name": "Sam",
        "quality": "accepted",
        "reason": None,
        "rmssd_ms": 61.4,
        "resting_hr_bpm": 51.2,
        "readiness_score": 82,
        "recommendation": "hard",
    }
    hass.bus.async_fire("recovery_readiness_measurement_completed", accepted)
    hass.bus.async_fire(
        "recovery_readiness_measurement_completed",
        accepted | {"quality": "rejected", "reason": "contact_lost", "readiness_score": None},
    )
    await hass.async_block_till_done()
    messages = [" ".join(c.data["message"].split()) for c in calls]
    assert messages == [
        "Sam: HRV 61 ms, resting HR 51 bpm. Readiness 82 (hard).",
        "Sam: the morning measurement was rejected (contact lost). Lie still and start it again.",
    ]
