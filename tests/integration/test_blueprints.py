"""The shipped automation blueprints load in Home Assistant and render their messages."""

from __future__ import annotations

import asyncio
import shutil
from datetime import timedelta
from pathlib import Path
from unittest.mock import patch

import pytest
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)

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


async def _demo_light(hass: HomeAssistant) -> str:
    """The demo integration's lights (a real light entity that takes transitions)."""
    assert await async_setup_component(hass, "homeassistant", {})
    with patch(
        "homeassistant.components.demo.COMPONENTS_WITH_CONFIG_ENTRY_DEMO_PLATFORM",
        [Platform.LIGHT],
    ):
        entry = MockConfigEntry(domain="demo")
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    return "light.ceiling_lights"


async def test_breathing_lights_blueprint_drives_a_demo_light(
    hass: HomeAssistant, config_dir: Path
) -> None:
    light = await _demo_light(hass)
    turn_on: list[ServiceCall] = []
    hass.bus.async_listen(
        "call_service",
        callback(lambda e: turn_on.append(e.data) if e.data["service"] == "turn_on" else None),
    )
    play = async_mock_service(hass, "media_player", "play_media")
    stop = async_mock_service(hass, "media_player", "media_stop")
    async_mock_service(hass, "media_player", "volume_set")
    await _automation(
        hass,
        "breathing_lights.yaml",
        {
            "profile": "abc",
            "light": [light],
            "media_player": "media_player.bedroom",
            "sound": "media-source://media_source/local/waves.mp3",
        },
    )
    base = {"profile": "abc", "name": "Sam", "breaths_per_min": 6.0}
    inhale = base | {"phase": "inhale", "duration_s": 4.0, "breath_index": 0, "remaining_s": 20.0}
    hass.bus.async_fire("recovery_readiness_breathing_phase", inhale | {"profile": "other"})
    hass.bus.async_fire("recovery_readiness_breathing_phase", inhale)
    await hass.async_block_till_done()
    state = hass.states.get(light)
    assert state.state == "on"
    assert state.attributes["brightness"] == round(0.8 * 255)
    assert state.attributes["color_temp_kelvin"] == 4000
    assert turn_on[-1]["service_data"]["transition"] == 4.0
    assert [c.data["media_content_id"] for c in play] == [
        "media-source://media_source/local/waves.mp3"
    ]

    exhale = base | {"phase": "exhale", "duration_s": 6.0, "breath_index": 0, "remaining_s": 6.0}
    hass.bus.async_fire("recovery_readiness_breathing_phase", exhale)
    # Not async_block_till_done: it would wait out the rest delay of the last exhale.
    async with asyncio.timeout(2):
        while len(turn_on) < 2:  # noqa: ASYNC110 - the automation runs as its own task
            await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    state = hass.states.get(light)
    assert state.attributes["brightness"] == round(0.1 * 255)
    assert state.attributes["color_temp_kelvin"] == 2200
    assert turn_on[-1]["service_data"]["transition"] == 6.0
    assert len(play) == 1  # the sound starts once, on the first inhale
    assert stop == []
    assert len(turn_on) == 2  # the rest waits for the exhale to end

    # The last exhale: after its 6 s the sound stops and the light rests.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=7))
    await hass.async_block_till_done()
    assert len(stop) == 1
    assert hass.states.get(light).attributes["brightness"] == round(0.3 * 255)
