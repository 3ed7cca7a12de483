"""The shipped automation blueprints: they load in Home Assistant (current syntax, 2025.4+),
notify a companion-app device (the mobile_app device action), speak through TTS, drive
lights, and stay silent in quiet hours and while the chosen person is away."""

from __future__ import annotations

import asyncio
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
import voluptuous as vol
import yaml
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import template
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util import slugify
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
    mock_platform,
)

from custom_components.recovery_readiness.const import (
    CONF_ENTRY_KIND,
    CONF_PERSON_ID,
    DOMAIN,
    KIND_PERSON,
)

BLUEPRINTS = Path(__file__).resolve().parents[2] / "blueprints" / "automation"
TZ = ZoneInfo("Europe/Amsterdam")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.fixture
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(BLUEPRINTS, tmp_path / "blueprints" / "automation")
    return tmp_path


@pytest.fixture
async def noon(hass: HomeAssistant, freezer: Any) -> Any:
    """Midday in Amsterdam: outside any night-time quiet hours."""
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    freezer.move_to(local(2026, 6, 10, 12, 0))
    return freezer


def _mobile_app_device_action(hass: HomeAssistant) -> ModuleType:
    """The companion app's device action, as mobile_app/device_action.py defines it.

    The real mobile_app integration pulls in cloud, camera and encryption libraries that the
    test environments do not carry; HA's own `mock_platform` pattern stands in for its
    ``device_action`` platform with the same schema (``type: notify``, ``message``, ``title``)
    and the same effect: a call of the device's ``notify.mobile_app_<device name>`` action.
    """
    module = ModuleType("mobile_app_device_action")
    module.ACTION_SCHEMA = cv.DEVICE_ACTION_BASE_SCHEMA.extend(  # type: ignore[attr-defined]
        {
            vol.Required("type"): "notify",
            vol.Required("message"): cv.template,
            vol.Optional("title"): cv.template,
            vol.Optional("data"): cv.template_complex,
        }
    )

    async def call(
        hass: HomeAssistant, config: dict[str, Any], variables: Any, context: Any
    ) -> None:
        device = dr.async_get(hass).async_get(config["device_id"])
        assert device is not None
        data = {
            k: template.render_complex(config[k], variables)
            for k in ("message", "title", "data")
            if k in config
        }
        await hass.services.async_call(
            "notify", f"mobile_app_{slugify(device.name)}", data, blocking=True, context=context
        )

    module.async_call_action_from_config = call  # type: ignore[attr-defined]
    return module


@pytest.fixture
def phone(hass: HomeAssistant) -> str:
    """A companion-app device (the device registry entry of a mobile_app registration)."""
    mock_platform(hass, "mobile_app.device_action", _mobile_app_device_action(hass))
    entry = MockConfigEntry(domain="mobile_app", title="Sam phone")
    entry.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={("mobile_app", "phone-1")}, name="Sam phone"
    )
    return device.id


@pytest.fixture
def pushes(hass: HomeAssistant) -> list[ServiceCall]:
    """The notifications the phone gets."""
    return async_mock_service(hass, "notify", "mobile_app_sam_phone")


def _sent(pushes: list[ServiceCall]) -> list[dict[str, Any]]:
    return [
        {"title": c.data.get("title"), "message": " ".join(c.data["message"].split())}
        for c in pushes
    ]


async def _automation(hass: HomeAssistant, blueprint: str, inputs: dict[str, Any]) -> None:
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
    assert len(hass.states.async_entity_ids("automation")) == 1, "the automation did not load"


def test_every_blueprint_uses_the_current_syntax_and_the_common_inputs() -> None:
    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_constructor("!input", lambda _loader, node: f"!input {node.value}")
    files = sorted((BLUEPRINTS / "recovery_readiness").glob("*.yaml"))
    assert len(files) == 5
    for path in files:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
        meta = data["blueprint"]
        assert meta["homeassistant"]["min_version"] == "2025.4.0", path.name
        assert meta["source_url"].endswith(f"/blueprints/automation/recovery_readiness/{path.name}")
        for old, new in (
            ("trigger", "triggers"),
            ("condition", "conditions"),
            ("action", "actions"),
        ):
            assert old not in data, (path.name, old)
            assert new in data, (path.name, new)
        assert all("trigger" in t and "platform" not in t for t in data["triggers"]), path.name
        assert all(
            t["event_data"]["profile"] == "!input profile"
            for t in data["triggers"]
            if t["event_type"] != "mobile_app_notification_action"  # answers carry the profile
        )
        keys = ["profile", "person", "quiet_start", "quiet_end"]
        if path.name != "session_rating.yaml":  # a question with buttons is not spoken
            keys += ["media_player", "tts_entity"]
        for key in keys:
            assert key in meta["input"], (path.name, key)
        if path.name != "breathing_lights.yaml":
            selector = meta["input"]["notify_device"]["selector"]["device"]
            assert selector["filter"] == [{"integration": "mobile_app"}], path.name


BEDTIME = {
    "profile": "abc",
    "name": "Alex",
    "recommended_bedtime": "2026-06-10T20:30:00+00:00",
    "reminder_lead_min": 30.0,
}
ACCEPTED = {
    "profile": "abc",
    "name": "Sam",
    "quality": "accepted",
    "reason": None,
    "rmssd_ms": 61.4,
    "resting_hr_bpm": 51.2,
    "readiness_score": 82,
    "recommendation": "hard",
}
SESSION = {"profile": "abc", "name": "Sam", "duration_min": 44.6, "cooled_down": False}
PROTEIN = {
    "profile": "abc",
    "name": "Sam",
    "kind": "protein",
    "primary": False,
    "reasons": ["hard_session_today"],
}

# (blueprint, extra-actions input, event type, event data, language, title, message)
CASES = [
    (
        "bedtime_reminder.yaml",
        "reminder",
        "recovery_readiness_bedtime_window",
        BEDTIME,
        "en",
        "Bedtime",
        "Alex, bedtime in 30 minutes (22:30).",
    ),
    (
        "bedtime_reminder.yaml",
        "reminder",
        "recovery_readiness_bedtime_window",
        BEDTIME,
        "nl",
        "Bedtijd",
        "Alex, over 30 minuten is het bedtijd (22:30).",
    ),
    (
        "morning_readiness.yaml",
        "announce",
        "recovery_readiness_measurement_completed",
        ACCEPTED,
        "en",
        "Readiness",
        "Sam: HRV 61 ms, resting HR 51 bpm. Readiness 82 (hard).",
    ),
    (
        "morning_readiness.yaml",
        "announce",
        "recovery_readiness_measurement_completed",
        ACCEPTED,
        "nl",
        "Herstel",
        "Sam: HRV 61 ms, rusthartslag 51 bpm. Herstel 82 (zwaar).",
    ),
    (
        "training_reminders.yaml",
        "extra",
        "recovery_readiness_session_completed",
        SESSION,
        "en",
        "Cool-down",
        (
            "Sam, your 45-minute session ended without a cool-down. Finish the next one with 5 "
            "to 10 easy minutes."
        ),
    ),
    (
        "training_reminders.yaml",
        "extra",
        "recovery_readiness_advice",
        PROTEIN,
        "nl",
        "Eiwit",
        (
            "Sam, na de zware training van vandaag: eet vanavond een eiwitrijke maaltijd of "
            "snack (ongeveer 20 tot 40 gram eiwit)."
        ),
    ),
]


@pytest.mark.parametrize(
    ("blueprint", "extra", "event_type", "event", "language", "title", "message"), CASES
)
async def test_a_notification_blueprint_notifies_speaks_and_keeps_quiet(  # noqa: PLR0917
    hass: HomeAssistant,
    config_dir: Path,
    noon: Any,
    phone: str,
    pushes: list[ServiceCall],
    blueprint: str,
    extra: str,
    event_type: str,
    event: dict[str, Any],
    language: str,
    title: str,
    message: str,
) -> None:
    hass.states.async_set("person.sam", "home")
    hass.states.async_set("tts.piper", "unknown")
    speak = async_mock_service(hass, "tts", "speak")
    extras = async_mock_service(hass, "test", "called")
    await _automation(
        hass,
        blueprint,
        {
            "profile": "abc",
            "notify_device": phone,
            "media_player": "media_player.kitchen",
            "person": "person.sam",
            "quiet_start": "22:00:00",
            "quiet_end": "07:00:00",
            "language": language,
            extra: [{"action": "test.called", "data": {"message": "{{ message }}"}}],
        },
    )

    async def fire(data: dict[str, Any]) -> None:
        hass.bus.async_fire(event_type, data)
        await hass.async_block_till_done()

    await fire(event | {"profile": "other"})  # another person's event
    assert _sent(pushes) == []
    await fire(event)
    assert _sent(pushes) == [{"title": title, "message": message}]
    assert [(c.data["entity_id"], c.data["media_player_entity_id"]) for c in speak] == [
        (["tts.piper"], "media_player.kitchen")  # the first tts entity when none is chosen
    ]
    assert " ".join(speak[0].data["message"].split()) == message
    assert len(extras) == 1

    # Away: nothing at all.
    hass.states.async_set("person.sam", "not_home")
    await fire(event)
    assert (len(_sent(pushes)), len(speak), len(extras)) == (1, 1, 1)

    # Quiet hours (22:00-07:00, across midnight): no notification and no speech.
    hass.states.async_set("person.sam", "home")
    for moment in (local(2026, 6, 10, 22, 0), local(2026, 6, 11, 3, 0), local(2026, 6, 11, 6, 59)):
        noon.move_to(moment)
        await fire(event)
    assert (len(_sent(pushes)), len(speak)) == (1, 1)
    assert len(extras) == 4  # extra actions (lights, ...) still run in quiet hours
    noon.move_to(local(2026, 6, 11, 7, 0))
    await fire(event)
    assert len(_sent(pushes)) == 2


async def test_without_speaker_person_or_quiet_hours_only_the_phone_is_notified(
    hass: HomeAssistant,
    config_dir: Path,
    noon: Any,
    phone: str,
    pushes: list[ServiceCall],
) -> None:
    speak = async_mock_service(hass, "tts", "speak")
    await _automation(hass, "bedtime_reminder.yaml", {"profile": "abc", "notify_device": phone})
    for moment in (local(2026, 6, 10, 12, 0), local(2026, 6, 11, 3, 0)):
        noon.move_to(moment)
        hass.bus.async_fire("recovery_readiness_bedtime_window", BEDTIME)
        await hass.async_block_till_done()
    assert [p["message"] for p in _sent(pushes)] == [
        "Alex, bedtime in 30 minutes (22:30).",
        "Alex, bedtime in 30 minutes (22:30).",
    ]
    assert speak == []


async def test_morning_readiness_asks_to_repeat_a_rejected_measurement(
    hass: HomeAssistant,
    config_dir: Path,
    noon: Any,
    phone: str,
    pushes: list[ServiceCall],
) -> None:
    await _automation(hass, "morning_readiness.yaml", {"profile": "abc", "notify_device": phone})
    rejected = ACCEPTED | {"quality": "rejected", "reason": "contact_lost", "readiness_score": None}
    hass.bus.async_fire("recovery_readiness_measurement_completed", rejected)
    hass.bus.async_fire(
        "recovery_readiness_measurement_completed", ACCEPTED | {"readiness_score": None}
    )
    await hass.async_block_till_done()
    assert [p["message"] for p in _sent(pushes)] == [
        "Sam: the morning measurement was rejected (contact lost). Lie still and start it again.",
        "Sam: HRV 61 ms, resting HR 51 bpm. Readiness is still calibrating.",
    ]


async def test_training_reminders_only_for_a_missed_cool_down_and_the_protein_advice(
    hass: HomeAssistant,
    config_dir: Path,
    noon: Any,
    phone: str,
    pushes: list[ServiceCall],
) -> None:
    await _automation(hass, "training_reminders.yaml", {"profile": "abc", "notify_device": phone})
    for cooled_down in (True, None):  # cooled down, or unknown (not a strap session)
        hass.bus.async_fire(
            "recovery_readiness_session_completed", SESSION | {"cooled_down": cooled_down}
        )
    hass.bus.async_fire("recovery_readiness_advice", PROTEIN | {"kind": "train"})
    await hass.async_block_till_done()
    assert _sent(pushes) == []
    hass.bus.async_fire("recovery_readiness_advice", PROTEIN)
    hass.bus.async_fire("recovery_readiness_session_completed", SESSION)
    await hass.async_block_till_done()
    assert [p["title"] for p in _sent(pushes)] == ["Protein", "Cool-down"]
    assert _sent(pushes)[0]["message"] == (
        "Sam, after today's hard training: have a protein-rich evening meal or snack (about 20 "
        "to 40 grams of protein)."
    )
    # The morning after a hard day protein can be the day's (primary) advice.
    hass.bus.async_fire(
        "recovery_readiness_advice",
        PROTEIN | {"primary": True, "reasons": ["recovering", "hard_session_yesterday"]},
    )
    await hass.async_block_till_done()
    assert _sent(pushes)[-1]["message"] == (
        "Sam, after yesterday's hard training: eat enough protein today, spread over your meals "
        "(about 20 to 40 grams per meal)."
    )


async def test_training_reminders_can_be_switched_off_one_by_one(
    hass: HomeAssistant,
    config_dir: Path,
    noon: Any,
    phone: str,
    pushes: list[ServiceCall],
) -> None:
    await _automation(
        hass,
        "training_reminders.yaml",
        {"profile": "abc", "notify_device": phone, "cool_down": False},
    )
    hass.bus.async_fire("recovery_readiness_session_completed", SESSION)
    hass.bus.async_fire("recovery_readiness_advice", PROTEIN)
    await hass.async_block_till_done()
    assert [p["title"] for p in _sent(pushes)] == ["Protein"]


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


async def test_breathing_lights_stay_dark_while_away_and_quiet_in_quiet_hours(
    hass: HomeAssistant, config_dir: Path, noon: Any
) -> None:
    light = await _demo_light(hass)
    await hass.services.async_call("light", "turn_off", {"entity_id": light}, blocking=True)
    play = async_mock_service(hass, "media_player", "play_media")
    async_mock_service(hass, "media_player", "volume_set")
    async_mock_service(hass, "media_player", "media_stop")
    speak = async_mock_service(hass, "tts", "speak")
    hass.states.async_set("person.sam", "not_home")
    await _automation(
        hass,
        "breathing_lights.yaml",
        {
            "profile": "abc",
            "light": [light],
            "media_player": "media_player.bedroom",
            "sound": "media-source://media_source/local/waves.mp3",
            "tts_entity": "tts.piper",
            "person": "person.sam",
            "quiet_start": "21:30:00",
            "quiet_end": "06:30:00",
            "language": "nl",
        },
    )
    base = {"profile": "abc", "name": "Sam", "breaths_per_min": 6.0}
    inhale = base | {"phase": "inhale", "duration_s": 4.0, "breath_index": 0, "remaining_s": 20.0}
    completed = base | {"stopped": False, "duration_s": 302.0, "coherence": 2.14}

    # Away: the light stays off, nothing plays or speaks.
    hass.bus.async_fire("recovery_readiness_breathing_phase", inhale)
    hass.bus.async_fire("recovery_readiness_breathing_completed", completed)
    await hass.async_block_till_done()
    assert hass.states.get(light).state == "off"
    assert (play, speak) == ([], [])

    # Home, in quiet hours: the light follows the breath, silently.
    hass.states.async_set("person.sam", "home")
    noon.move_to(local(2026, 6, 10, 22, 15))
    hass.bus.async_fire("recovery_readiness_breathing_phase", inhale)
    await hass.async_block_till_done()
    state = hass.states.get(light)
    assert (state.state, state.attributes["brightness"]) == ("on", round(0.8 * 255))
    hass.bus.async_fire("recovery_readiness_breathing_completed", completed)
    await hass.async_block_till_done()
    assert (play, speak) == ([], [])

    # Home, outside quiet hours: the sound plays and the summary is spoken (in Dutch).
    noon.move_to(local(2026, 6, 11, 7, 0))
    hass.bus.async_fire("recovery_readiness_breathing_phase", inhale)
    await hass.async_block_till_done()
    assert len(play) == 1
    hass.bus.async_fire("recovery_readiness_breathing_completed", completed)
    await hass.async_block_till_done()
    assert [c.data["entity_id"] for c in speak] == [["tts.piper"]]
    assert speak[0].data["media_player_entity_id"] == "media_player.bedroom"
    assert " ".join(speak[0].data["message"].split()) == (
        "Sam, ademsessie klaar: 5 minuten op 6 ademhalingen per minuut, coherentie 2.1."
    )


async def test_the_integrations_own_protein_reminder_reaches_the_phone(
    hass: HomeAssistant, config_dir: Path, noon: Any, phone: str, pushes: list[ServiceCall]
) -> None:
    """The real event of a person profile (not a hand-made payload) drives the blueprint."""
    person = MockConfigEntry(
        domain=DOMAIN,
        title="Sam",
        unique_id="id-Sam",
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: "id-Sam"},
        options={"protein_reminder_time": "18:30:00"},
    )
    person.add_to_hass(hass)
    assert await hass.config_entries.async_setup(person.entry_id)
    await hass.async_block_till_done()
    await _automation(
        hass, "training_reminders.yaml", {"profile": person.entry_id, "notify_device": phone}
    )
    start = dt_util.now() - timedelta(minutes=65)
    await hass.services.async_call(
        DOMAIN,
        "log_session",  # 60 min at RPE 8: 192 TRIMP, a hard day
        {"profile": person.entry_id, "start": start.isoformat(), "duration_min": 60, "rpe": 8},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert _sent(pushes) == []  # a logged session has no cool-down verdict
    noon.move_to(local(2026, 6, 10, 18, 30))
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()
    assert _sent(pushes) == [
        {
            "title": "Protein",
            "message": "Sam, after today's hard training: have a protein-rich evening meal or "
            "snack (about 20 to 40 grams of protein).",
        }
    ]


RATED = {
    "profile": "abc",
    "name": "Sam",
    "start": "2026-06-10T08:15:00+00:00",
    "duration_min": 44.6,
    "sport": "trail_running",
    "rpe": None,
    "cooled_down": None,
}


async def test_session_rating_asks_with_three_buttons_and_logs_the_answer(
    hass: HomeAssistant, config_dir: Path, noon: Any, phone: str, pushes: list[ServiceCall]
) -> None:
    logged = async_mock_service(hass, DOMAIN, "log_session")
    await _automation(
        hass, "session_rating.yaml", {"profile": "abc", "notify_device": phone, "language": "nl"}
    )
    for skipped in (
        RATED | {"rpe": 6},  # rated already
        RATED | {"duration_min": 6.0},  # shorter than 10 min
        RATED | {"profile": "other"},
    ):
        hass.bus.async_fire("recovery_readiness_session_completed", skipped)
    await hass.async_block_till_done()
    assert pushes == []

    hass.bus.async_fire("recovery_readiness_session_completed", RATED)
    await hass.async_block_till_done()
    [push] = pushes
    assert push.data["title"] == "Hoe zwaar was het?"
    assert " ".join(push.data["message"].split()) == (
        "Sam, je training van 45 minuten is vastgelegd. Hoe zwaar voelde hij als geheel?"
    )
    key = f"RR_RPE_abc_{int(datetime(2026, 6, 10, 8, 15, tzinfo=dt_util.UTC).timestamp())}"
    key += "_446_trail_running"
    assert push.data["data"]["tag"] == key
    assert [(a["action"], a["title"]) for a in push.data["data"]["actions"]] == [
        (f"{key}|3", "Matig (3)"),
        (f"{key}|5", "Zwaar (5)"),
        (f"{key}|7", "Heel zwaar (7)"),
    ]

    # Another profile's button, a foreign action and forged answers are ignored.
    for action in (
        key.replace("_abc_", "_other_") + "|5",
        "OPEN_DOOR",
        f"{key}|9",
        "RR_RPE_abc_x|5",
    ):
        hass.bus.async_fire("mobile_app_notification_action", {"action": action})
    await hass.async_block_till_done()
    assert logged == []

    hass.bus.async_fire("mobile_app_notification_action", {"action": f"{key}|5"})
    await hass.async_block_till_done()
    [call] = logged
    assert dt_util.parse_datetime(call.data["start"]) == datetime(
        2026, 6, 10, 8, 15, tzinfo=dt_util.UTC
    )
    assert (call.data["profile"], call.data["duration_min"], call.data["rpe"]) == ("abc", 44.6, 5)
    assert call.data["sport"] == "trail_running"


async def test_session_rating_gives_a_session_without_heart_rate_its_load(
    hass: HomeAssistant, config_dir: Path, noon: Any, phone: str, pushes: list[ServiceCall]
) -> None:
    """A workout entity without heart rate has no load; the answer on the phone gives it one."""
    start = (dt_util.now() - timedelta(hours=2)).replace(second=0, microsecond=0)
    hass.states.async_set(
        "sensor.watch_workout",
        "Run",
        {"id": "w1", "start": start.isoformat(), "duration_min": 40, "sport": "running"},
    )
    person = MockConfigEntry(
        domain=DOMAIN,
        title="Sam",
        unique_id="id-Sam",
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: "id-Sam"},
        options={"workout_source": "sensor.watch_workout", "workout_preset": "generic"},
    )
    person.add_to_hass(hass)
    await _automation(
        hass, "session_rating.yaml", {"profile": person.entry_id, "notify_device": phone}
    )
    assert await hass.config_entries.async_setup(person.entry_id)
    await hass.async_block_till_done()
    load = hass.states.get("sensor.sam_last_session_load")
    assert load is not None
    assert load.state == "unknown"  # no heart rate, no rating: unknown, never 0
    [push] = pushes
    [_moderate, hard, _very_hard] = push.data["data"]["actions"]

    hass.bus.async_fire("mobile_app_notification_action", {"action": hard["action"]})
    await hass.async_block_till_done()
    load = hass.states.get("sensor.sam_last_session_load")
    assert load is not None
    assert float(load.state) == pytest.approx(0.4 * 5 * 40)  # default sRPE factor * RPE * min
    last = hass.states.get("sensor.sam_last_training_session")
    assert last is not None
    assert (last.attributes["load_method"], last.attributes["rpe"]) == ("srpe_default", 5)
    assert last.attributes["merged_from"]  # one session: the watch's and the answer, merged
    assert len(pushes) == 1  # the answer is not asked about again
