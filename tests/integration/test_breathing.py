"""Guided breathing end to end: the emulated strap streams RR that follows the pacer.

HA's clock (phase timers) and the strap's receive clock move together, one RR interval per
notification: phase events on time, live coherence rising once the heart follows the pacer,
the completed event with before / during / after figures; the strap lost mid-session; no strap;
the resonance assessment storing its pace as the new default; refused requests.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import random
import shutil
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from emulated import encode_hrm
from emulated.strap import EmulatedStrap
from homeassistant.const import CONF_ADDRESS, Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.async_ import get_scheduled_timer_handles
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
    EVENT_BREATHING_COMPLETED,
    EVENT_BREATHING_PHASE,
    KIND_PERSON,
)
from custom_components.recovery_readiness.profile import ProfileRuntime

pytest_plugins = ["emulated.fixtures"]

PERSON_ID = "person-sam"
BLUEPRINTS = Path(__file__).resolve().parents[2] / "blueprints" / "automation"


def _entity_id(hass: HomeAssistant, key: str, platform: str = "sensor") -> str:
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{PERSON_ID}_{key}")
    assert entity_id is not None, key
    return entity_id


def _state(hass: HomeAssistant, key: str) -> Any:
    state = hass.states.get(_entity_id(hass, key))
    assert state is not None, key
    return state


async def _until(predicate: Callable[[], bool], timeout_s: float = 5.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not predicate():  # noqa: ASYNC110 - polls state owned by bumble/HA
            await asyncio.sleep(0.002)


async def _setup(
    hass: HomeAssistant, strap: EmulatedStrap | None
) -> tuple[MockConfigEntry, ProfileRuntime]:
    # A morning window that never holds "now": no morning measurement runs alongside.
    now = dt_util.now()
    far = (now + timedelta(hours=12)).replace(second=0, microsecond=0)
    start = min(far.time(), (far + timedelta(minutes=1)).time())
    options: dict[str, Any] = {
        "morning_start": start.isoformat(),
        "morning_end": (datetime.combine(now.date(), start) + timedelta(minutes=1))
        .time()
        .isoformat(),
    }
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
        options[CONF_STRAP_ENTRY_ID] = strap_entry.entry_id
    person = MockConfigEntry(
        domain=DOMAIN,
        title="Sam",
        unique_id=PERSON_ID,
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: PERSON_ID},
        options=options,
    )
    person.add_to_hass(hass)
    assert await hass.config_entries.async_setup(person.entry_id)
    await hass.async_block_till_done()
    return person, person.runtime_data


def _fire_ha_timers(hass: HomeAssistant, when: datetime) -> None:
    """Run Home Assistant's timers due by ``when`` (as `async_fire_time_changed` does).

    Only timers of Home Assistant's helpers and of the integration are moved forward: the
    simulated session runs minutes ahead of the real clock, and the emulated BLE link's own
    timers (bumble, bleak, asyncio timeouts) must keep real time or the link would time out.
    """
    timestamp = when.timestamp()
    for handle in list(get_scheduled_timer_handles(hass.loop)):
        if not isinstance(handle, asyncio.TimerHandle) or handle.cancelled():
            continue
        owner = getattr(handle._callback, "__module__", None) or ""
        if not owner.startswith(("homeassistant.", "custom_components.")):
            continue
        if timestamp - time.time() >= handle.when() - hass.loop.time():
            with (
                patch("homeassistant.helpers.event.time_tracker_utcnow", return_value=when),
                patch("homeassistant.helpers.event.time_tracker_timestamp", return_value=timestamp),
            ):
                handle._run()
                handle.cancel()


def _q(rr_ms: float) -> float:
    """An RR interval as the strap sends it: whole 1/1024-s ticks."""
    return round(rr_ms * 1.024) / 1.024


class Person:
    """A heart on the emulated strap, and HA's clock moved along with its beats.

    ``t_s`` is the time since the session start (negative before it); each beat moves the
    strap's receive clock and, once the session has started, HA's time to the same instant.
    """

    def __init__(self, hass: HomeAssistant, strap: EmulatedStrap | None, runtime: ProfileRuntime):
        self.hass = hass
        self.strap = strap
        self.coordinator = runtime.link.strap
        self.clock_t_s = time.monotonic()  # ahead of it from here: never "silent"
        if self.coordinator is not None:
            assert self.coordinator.strap is not None
            self.coordinator.strap._clock = lambda: self.clock_t_s
        self.t_s = 0.0
        self.start: datetime | None = None
        self.rnd = random.Random(7)  # noqa: S311 - a reproducible heart, not a secret
        self.breath_phase = 0.0  # radians of the breathing oscillation
        self.sent: list[tuple[float, float]] = []  # (t_s, rr_ms)

    def began(self) -> None:
        """The session started: read its start from the session sensor, HA's clock follows."""
        started = _state(self.hass, "breathing_session").attributes["started_at"]
        self.start = dt_util.parse_datetime(started)
        self.t_s = 0.0

    def tick(self, dt_s: float) -> None:
        self.t_s += dt_s
        self.clock_t_s += dt_s
        if self.start is not None:
            _fire_ha_timers(self.hass, self.start + timedelta(seconds=self.t_s))

    async def beat(self, rr_ms: float) -> None:
        self.tick(rr_ms / 1000)
        self.sent.append((self.t_s, rr_ms))
        if self.strap is not None and self.strap.is_connected:
            await self.strap.notify(encode_hrm(60, (rr_ms,), contact=True))
            coordinator = self.coordinator
            assert coordinator is not None
            await _until(lambda: coordinator.data.last_frame_t_s == self.clock_t_s)

    async def rest(self, seconds: float) -> None:
        """Irregular resting beats: no dominant rhythm."""
        end = self.t_s + seconds
        while self.t_s < end:
            await self.beat(_q(1000 + self.rnd.gauss(0, 25)))

    async def follow(self, seconds: float, bpm: float | Callable[[], float], amp_ms: float = 60):
        """Beats whose RR swings with the breath at ``bpm`` (RSA), with a little noise."""
        end = self.t_s + seconds
        while self.t_s < end:
            pace = bpm() if callable(bpm) else bpm
            amp = amp_ms(pace) if callable(amp_ms) else amp_ms
            rr = _q(1000 + amp * math.sin(self.breath_phase) + self.rnd.gauss(0, 8))
            self.breath_phase += 2 * math.pi * pace / 60 * rr / 1000
            await self.beat(rr)

    async def wait(self, seconds: float, step_s: float = 1.0) -> None:
        """Time passes without beats (no strap, or the strap lost)."""
        end = self.t_s + seconds
        while self.t_s < end:
            self.tick(step_s)
            await asyncio.sleep(0)


def _rmssd(rr_ms: list[float]) -> float:
    d = [b - a for a, b in itertools.pairwise(rr_ms)]
    return math.sqrt(sum(x * x for x in d) / len(d))


async def test_a_session_with_the_strap_paces_measures_and_reports(  # noqa: PLR0915
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    person, runtime = await _setup(hass, emulated_strap)
    sam = Person(hass, emulated_strap, runtime)
    phases = async_capture_events(hass, EVENT_BREATHING_PHASE)
    completed = async_capture_events(hass, EVENT_BREATHING_COMPLETED)
    fired_at: list[float] = []
    hass.bus.async_listen(EVENT_BREATHING_PHASE, callback(lambda _e: fired_at.append(sam.t_s)))
    coherence: list[float] = []

    @callback
    def _coherence(event: Event) -> None:
        if event.data["entity_id"] == coherence_id and event.data["new_state"].state not in (
            "unknown",
            "unavailable",
        ):
            coherence.append(float(event.data["new_state"].state))

    coherence_id = _entity_id(hass, "breathing_coherence")
    hass.bus.async_listen("state_changed", _coherence)
    assert _state(hass, "breathing_session").state == "idle"

    await sam.rest(70)  # the minute before
    before_rr = [rr for t, rr in sam.sent if t > sam.t_s - 60]
    await hass.services.async_call(
        DOMAIN,
        "start_breathing",
        {"profile": person.entry_id, "pace": "6", "minutes": 3},
        blocking=True,
    )
    sam.began()
    session = _state(hass, "breathing_session")
    assert session.state == "running"
    assert session.attributes["breaths_per_min"] == 6.0
    assert session.attributes["remaining_s"] == 180.0
    assert session.attributes["strap"] is True

    await sam.rest(30)  # settling in: the heart does not follow yet
    await sam.follow(150, 6.0)  # then it follows the pacer: RR swings at 0.1 Hz
    assert _state(hass, "breathing_session").state == "resting"
    await sam.rest(65)  # the minute after
    await _until(lambda: len(completed) == 1)
    await hass.async_block_till_done()

    # 18 breaths: inhale 4 s, exhale 6 s, each announced when its time came (within one beat).
    assert [e.data["phase"] for e in phases] == ["inhale", "exhale"] * 18
    assert [e.data["breath_index"] for e in phases] == [i // 2 for i in range(36)]
    assert [e.data["duration_s"] for e in phases] == [4.0, 6.0] * 18
    offsets = [e.data["elapsed_s"] for e in phases]
    assert offsets == pytest.approx([10 * (i // 2) + 4 * (i % 2) for i in range(36)])
    late = [t - o for t, o in zip(fired_at, offsets, strict=True)]
    assert all(-1e-6 <= d < 1.1 for d in late[1:]), late
    assert {e.data["profile"] for e in phases} == {person.entry_id}

    # Coherence: unknown for the first 64 s, then rising once the heart follows the pacer.
    assert len(coherence) >= 20
    assert coherence[0] < 2.5
    assert max(coherence) > 4.0
    assert statistics_mean(coherence[-5:]) > 2 * coherence[0]

    event = completed[0].data
    assert (event["profile"], event["name"]) == (person.entry_id, "Sam")
    assert (event["mode"], event["breaths_per_min"], event["minutes"]) == ("pace", 6.0, 3.0)
    assert (event["strap"], event["hrv_note"], event["stopped"]) == (True, None, False)
    assert event["duration_s"] == 180.0
    assert event["coherence"] > 2.0
    assert event["coherence_max"] == pytest.approx(max(coherence), abs=1e-3)
    for part in ("before", "during", "after"):
        assert event[part] is not None, part
        assert event[part]["mean_hr_bpm"] == pytest.approx(60.0, abs=1.0)
    assert event["before"]["rmssd_ms"] == pytest.approx(_rmssd(before_rr), rel=0.1)
    assert event["before"]["duration_s"] >= 55
    assert event["after"]["duration_s"] >= 55
    assert event["assessment"] is None
    assert _state(hass, "breathing_session").state == "done"
    assert float(_state(hass, "breathing_coherence").state) == pytest.approx(event["coherence"])
    report = await hass.services.async_call(
        DOMAIN, "get_readiness", {"profile": person.entry_id}, blocking=True, return_response=True
    )
    assert report["breathing"]["during"] == event["during"]


def statistics_mean(values: list[float]) -> float:
    return sum(values) / len(values)


async def test_the_strap_lost_mid_session_leaves_the_pacer_running(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    person, runtime = await _setup(hass, emulated_strap)
    sam = Person(hass, emulated_strap, runtime)
    phases = async_capture_events(hass, EVENT_BREATHING_PHASE)
    completed = async_capture_events(hass, EVENT_BREATHING_COMPLETED)
    await sam.rest(70)
    await hass.services.async_call(
        DOMAIN, "start_breathing", {"profile": person.entry_id, "minutes": 2}, blocking=True
    )
    sam.began()
    await sam.follow(70, 6.0)
    assert _state(hass, "breathing_coherence").state != "unknown"

    await emulated_strap.stop_advertising()
    await emulated_strap.disconnect()
    await _until(lambda: _state(hass, "breathing_session").attributes["hrv_note"] == "strap_lost")
    session = _state(hass, "breathing_session")
    assert (session.state, session.attributes["strap"]) == ("running", False)
    assert _state(hass, "breathing_coherence").state == "unknown"

    await sam.wait(55)  # the pacer goes on without beats and ends on time, without a rest
    await _until(lambda: len(completed) == 1)
    assert len(phases) == 24  # 12 breaths
    event = completed[0].data
    assert (event["strap"], event["hrv_note"]) == (False, "strap_lost")
    assert event["before"] is not None  # measured before the strap went
    assert event["after"] is None
    assert event["coherence"] is None
    assert event["coherence_max"] is not None
    assert _state(hass, "breathing_session").state == "done"


async def test_without_a_strap_the_pacer_runs_and_says_so(hass: HomeAssistant) -> None:
    person, runtime = await _setup(hass, None)
    sam = Person(hass, None, runtime)
    phases = async_capture_events(hass, EVENT_BREATHING_PHASE)
    completed = async_capture_events(hass, EVENT_BREATHING_COMPLETED)
    await hass.services.async_call(
        DOMAIN,
        "start_breathing",
        {"profile": person.entry_id, "pace": 5.5, "minutes": 1},
        blocking=True,
    )
    sam.began()
    session = _state(hass, "breathing_session")
    assert session.attributes["hrv_note"] == "no_strap"
    assert session.attributes["remaining_s"] == pytest.approx(65.5, abs=0.1)  # 6 whole breaths
    await sam.wait(66, step_s=0.5)
    await hass.async_block_till_done()
    assert len(phases) == 12
    assert phases[1].data["duration_s"] == pytest.approx(60 / 5.5 * 0.6, abs=1e-3)
    [event] = [e.data for e in completed]
    assert (event["strap"], event["hrv_note"]) == (False, "no_strap")
    assert (event["before"], event["during"], event["after"], event["coherence"]) == (
        None,
        None,
        None,
        None,
    )
    assert _state(hass, "breathing_coherence").state == "unknown"


async def test_stop_ends_the_session_early(hass: HomeAssistant) -> None:
    person, runtime = await _setup(hass, None)
    sam = Person(hass, None, runtime)
    completed = async_capture_events(hass, EVENT_BREATHING_COMPLETED)
    await hass.services.async_call(
        "button",
        "press",
        {"entity_id": _entity_id(hass, "start_breathing", "button")},
        blocking=True,
    )
    sam.began()
    session = _state(hass, "breathing_session")
    assert (session.state, session.attributes["trigger"]) == ("running", "button")
    assert session.attributes["breaths_per_min"] == 6.0  # no resonance pace known yet
    # Elapsed and remaining change with every phase: kept out of the recorder.
    assert session.state_info is not None
    assert {"elapsed_s", "remaining_s"} <= session.state_info["unrecorded_attributes"]
    assert "breaths_per_min" not in session.state_info["unrecorded_attributes"]
    await sam.wait(12)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "start_breathing", {"profile": person.entry_id}, blocking=True
        )
    assert err.value.translation_key == "breathing_already_running"
    await hass.services.async_call(
        DOMAIN, "stop_breathing", {"profile": person.entry_id}, blocking=True
    )
    await hass.async_block_till_done()
    [event] = [e.data for e in completed]
    assert event["stopped"] is True
    assert event["duration_s"] < 300
    assert _state(hass, "breathing_session").state == "done"
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "stop_breathing", {"profile": person.entry_id}, blocking=True
        )
    assert err.value.translation_key == "breathing_not_running"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"pace": "fast"}, "breathing_bad_pace"),
        ({"pace": 2}, "breathing_bad_pace"),
        ({"pace": "nan"}, "breathing_bad_pace"),
        ({"pace": 13}, "breathing_bad_pace"),
        ({"minutes": 0.5}, "breathing_bad_minutes"),
        ({"minutes": 61}, "breathing_bad_minutes"),
        ({"pace": "resonance"}, "breathing_resonance_needs_strap"),
    ],
)
async def test_bad_requests_are_refused_with_a_translated_error(
    hass: HomeAssistant, data: dict[str, Any], key: str
) -> None:
    person, _runtime = await _setup(hass, None)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "start_breathing", {"profile": person.entry_id} | data, blocking=True
        )
    assert err.value.translation_key == key
    assert _state(hass, "breathing_session").state == "idle"


async def test_the_resonance_assessment_stores_the_pace_with_the_largest_oscillation(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    person, runtime = await _setup(hass, emulated_strap)
    sam = Person(hass, emulated_strap, runtime)
    completed = async_capture_events(hass, EVENT_BREATHING_COMPLETED)
    paces: list[float] = []
    hass.bus.async_listen(
        EVENT_BREATHING_PHASE, callback(lambda e: paces.append(e.data["breaths_per_min"]))
    )
    assert _state(hass, "resonance_pace").state == "unknown"
    await sam.rest(70)
    await hass.services.async_call(
        DOMAIN,
        "start_breathing",
        {"profile": person.entry_id, "pace": "resonance"},
        blocking=True,
    )
    sam.began()
    assert _state(hass, "breathing_session").attributes["remaining_s"] == 600.0

    # Sam's heart swings most at 5.5 breaths/min.
    def current() -> float:
        return paces[-1]

    await sam.follow(600, current, amp_ms=lambda p: 90 if p == 5.5 else 40)
    await sam.rest(65)
    await _until(lambda: len(completed) == 1)
    await hass.async_block_till_done()
    assert [p for p, _ in itertools.groupby(paces)] == [6.5, 6.0, 5.5, 5.0, 4.5]
    event = completed[0].data
    assert event["mode"] == "resonance"
    assessment = event["assessment"]
    assert assessment["resonance_breaths_per_min"] == 5.5
    assert [p["breaths_per_min"] for p in assessment["paces"]] == [6.5, 6.0, 5.5, 5.0, 4.5]
    by_pace = {p["breaths_per_min"]: p for p in assessment["paces"]}
    assert all(p["peak_matches_pace"] for p in assessment["paces"])
    assert by_pace[5.5]["lf_power_ms2"] > 2 * by_pace[6.0]["lf_power_ms2"]
    assert event["resonance_breaths_per_min"] == 5.5
    assert float(_state(hass, "resonance_pace").state) == 5.5

    # Stored: after a restart it is still the default pace.
    assert await hass.config_entries.async_reload(person.entry_id)
    await hass.async_block_till_done()
    assert float(_state(hass, "resonance_pace").state) == 5.5
    await hass.services.async_call(
        DOMAIN, "start_breathing", {"profile": person.entry_id}, blocking=True
    )
    assert _state(hass, "breathing_session").attributes["breaths_per_min"] == 5.5
    await hass.services.async_call(
        DOMAIN, "stop_breathing", {"profile": person.entry_id}, blocking=True
    )


async def _say(hass: HomeAssistant, language: str = "en", **slots: str) -> str:
    response = await intent.async_handle(
        hass,
        "test",
        "RecoveryReadinessStartBreathing",
        {k: {"value": v} for k, v in slots.items()},
        language=language,
    )
    return response.speech["plain"]["speech"]


async def test_voice_starts_a_session_and_says_how_it_runs(hass: HomeAssistant) -> None:
    person, _runtime = await _setup(hass, None)
    assert await async_setup_component(hass, "intent", {})
    phases = async_capture_events(hass, EVENT_BREATHING_PHASE)
    speech = await _say(hass, name="sam", minutes="3", pace="5")
    assert speech == (
        "Sam, breathing at 5 breaths per minute for 3 minutes. Your strap is not connected, "
        "so there are no heart figures this time."
    )
    session = _state(hass, "breathing_session")
    assert (session.state, session.attributes["trigger"]) == ("running", "voice")
    assert [e.data["duration_s"] for e in phases] == [4.8]  # 40 % of a 12-s breath
    assert await _say(hass, "nl") == "Sam, er loopt al een ademsessie."
    assert await _say(hass, name="Robin") == (
        "I don't know a Recovery Readiness profile called robin."
    )
    await hass.services.async_call(
        DOMAIN, "stop_breathing", {"profile": person.entry_id}, blocking=True
    )
    # Out-of-range numbers are not guessed: the defaults apply (6/min, 5 minutes).
    await hass.async_block_till_done()
    await _say(hass, minutes="600", pace="30")
    session = _state(hass, "breathing_session")
    assert (session.attributes["breaths_per_min"], session.attributes["minutes"]) == (6.0, 5.0)


async def test_a_strap_connected_but_silent_gives_no_figures_and_says_why(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    person, runtime = await _setup(hass, emulated_strap)
    sam = Person(hass, emulated_strap, runtime)
    completed = async_capture_events(hass, EVENT_BREATHING_COMPLETED)
    await hass.services.async_call(
        DOMAIN, "start_breathing", {"profile": person.entry_id, "minutes": 1}, blocking=True
    )
    sam.began()
    assert _state(hass, "breathing_session").attributes["strap"] is True
    await sam.wait(60)  # connected, but no beats arrive (the strap is not worn)
    assert _state(hass, "breathing_session").state == "resting"
    await sam.wait(61)
    await _until(lambda: len(completed) == 1)
    event = completed[0].data
    assert (event["strap"], event["hrv_note"]) == (True, "too_few_beats")
    assert (event["before"], event["during"], event["after"]) == (None, None, None)


async def test_an_unreadable_resonance_pace_is_dropped_never_guessed(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    entry_id = "breathing-store-test"
    key = f"{DOMAIN}.breathing.{entry_id}"
    hass_storage[key] = {
        "version": 1,
        "minor_version": 1,
        "key": key,
        "data": {"resonance": {"breaths_per_min": 40, "assessed_at": "2026-01-01T07:00:00+00:00"}},
    }
    person = MockConfigEntry(
        entry_id=entry_id,
        domain=DOMAIN,
        title="Sam",
        unique_id=PERSON_ID,
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: PERSON_ID},
    )
    person.add_to_hass(hass)
    assert await hass.config_entries.async_setup(person.entry_id)
    await hass.async_block_till_done()
    assert _state(hass, "resonance_pace").state == "unknown"  # never a guessed pace
    await hass.services.async_call(
        DOMAIN, "start_breathing", {"profile": person.entry_id, "minutes": 1}, blocking=True
    )
    assert _state(hass, "breathing_session").attributes["breaths_per_min"] == 6.0
    await hass.services.async_call(
        DOMAIN, "stop_breathing", {"profile": person.entry_id}, blocking=True
    )


async def test_the_breathing_lights_blueprint_follows_a_real_session(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(BLUEPRINTS, tmp_path / "blueprints" / "automation")
    assert await async_setup_component(hass, "homeassistant", {})
    with patch(
        "homeassistant.components.demo.COMPONENTS_WITH_CONFIG_ENTRY_DEMO_PLATFORM",
        [Platform.LIGHT],
    ):
        demo = MockConfigEntry(domain="demo")
        demo.add_to_hass(hass)
        assert await hass.config_entries.async_setup(demo.entry_id)
    person, runtime = await _setup(hass, None)
    light = "light.ceiling_lights"
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "use_blueprint": {
                    "path": "recovery_readiness/breathing_lights.yaml",
                    "input": {"profile": person.entry_id, "light": [light]},
                }
            }
        },
    )
    await hass.async_block_till_done()
    seen: list[tuple[float, int, int]] = []

    @callback
    def _light(event: Event) -> None:
        if event.data["entity_id"] == light and event.data["new_state"] is not None:
            attrs = event.data["new_state"].attributes
            seen.append((sam.t_s, attrs.get("brightness"), attrs.get("color_temp_kelvin")))

    hass.bus.async_listen("state_changed", _light)
    sam = Person(hass, None, runtime)
    await hass.services.async_call(
        DOMAIN, "start_breathing", {"profile": person.entry_id, "minutes": 1}, blocking=True
    )
    sam.began()
    for _ in range(70):  # 6 breaths of 10 s, then the rest after the last exhale
        sam.tick(1.0)
        await asyncio.sleep(0.01)
    # The automation's own delay (asyncio's timer; no BLE link here to keep on real time).
    assert sam.start is not None
    async_fire_time_changed(hass, sam.start + timedelta(seconds=71))
    await hass.async_block_till_done()
    inhale, exhale, rest = (round(0.8 * 255), 4000), (round(0.1 * 255), 2200), round(0.3 * 255)
    changes = [(b, k) for _, b, k in seen]
    assert changes[:12] == [inhale, exhale] * 6
    assert changes[-1][0] == rest
    # Each change came when its phase began: inhales every 10 s, exhales 4 s after them.
    times = [t for t, _, _ in seen[:12]]
    assert times == pytest.approx([10 * (i // 2) + 4 * (i % 2) for i in range(12)], abs=1.01)
