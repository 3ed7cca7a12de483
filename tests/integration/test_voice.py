"""The built-in assistant answers readiness, sleep, bedtime, training and advice questions and
starts a breathing session out of the box (English and Dutch)."""

from __future__ import annotations

import dataclasses
import importlib
import logging
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
from homeassistant.components import conversation
from homeassistant.core import Context, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import intent, llm
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser

from custom_components.recovery_readiness.const import (
    CONF_ENTRY_KIND,
    CONF_NAME,
    CONF_PERSON_ENTITY,
    CONF_PERSON_ID,
    CONF_SLEEP_SOURCE,
    CONF_TARGET_SLEEP_H,
    CONF_TARGET_WAKE_TIME,
    DOMAIN,
    KIND_PERSON,
)
from custom_components.recovery_readiness.intent import (
    INTENT_ADVICE,
    INTENT_BEDTIME,
    INTENT_READINESS,
    INTENT_SLEEP,
    INTENT_START_BREATHING,
    INTENT_TRAINING,
)

TZ = ZoneInfo("Europe/Amsterdam")
SORRY = "Sorry, I couldn't understand that"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.fixture(autouse=True)
async def morning(hass: HomeAssistant, freezer: Any) -> None:
    """A June morning in Amsterdam (no DST transition nearby)."""
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    freezer.move_to(local(2026, 6, 10, 9, 0))


async def _person(hass: HomeAssistant, name: str = "Sam", **options: Any) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=name,
        unique_id=f"id-{name}",
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: f"id-{name}"},
        options=options,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def _assistant(hass: HomeAssistant) -> None:
    """The built-in assistant as `default_config` sets it up (no custom_sentences)."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    await hass.async_block_till_done()


async def _say(
    hass: HomeAssistant, text: str, *, language: str = "en", user_id: str | None = None
) -> str:
    result = await conversation.async_converse(
        hass, text, None, Context(user_id=user_id), language=language
    )
    speech: str = result.response.speech["plain"]["speech"]
    return speech


async def _seed_readiness(hass: HomeAssistant, entry: MockConfigEntry, tmp_path: Path) -> None:
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    today = dt_util.now().date()
    lines = ["date,rmssd_ms,resting_hr_bpm"] + [
        f"{today - timedelta(days=i)},{50 + 5 * math.sin(i):.2f},52" for i in range(30, 0, -1)
    ]
    csv = tmp_path / f"{entry.title}.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    await hass.services.async_call(
        DOMAIN,
        "import_history",
        {"profile": entry.entry_id, "path": str(csv)},
        blocking=True,
        return_response=True,
    )


async def _log_sleep(hass: HomeAssistant, entry: MockConfigEntry, start: Any, end: Any) -> None:
    await hass.services.async_call(
        DOMAIN,
        "log_sleep",
        {"profile": entry.entry_id, "start": start.isoformat(), "end": end.isoformat()},
        blocking=True,
    )


async def test_readiness_in_english_and_dutch_without_custom_sentences(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    entry = await _person(hass)
    await _assistant(hass)
    await _seed_readiness(hass, entry, tmp_path)
    score = entry.runtime_data.report.readiness.readiness.score
    assert score is not None

    for sentence in ("how recovered am I", "How recovered am I?", "am I ready to train hard today"):
        speech = await _say(hass, sentence)
        assert speech.startswith(f"Sam, your readiness is {score} out of 100:"), sentence
        assert "Training advice:" in speech

    # The answer follows the sentence's language, whatever the pipeline's language.
    for sentence in ("hoe hersteld ben ik", "ben ik klaar om zwaar te trainen"):
        speech = await _say(hass, sentence, language="nl")
        assert speech.startswith(f"Sam, je herstel is {score} van de 100:"), sentence
    assert (await _say(hass, "hoe hersteld ben ik", language="en")).startswith("Sam, je herstel")


async def test_sleep_and_bedtime(hass: HomeAssistant) -> None:
    entry = await _person(hass, **{CONF_TARGET_WAKE_TIME: "07:00:00", CONF_TARGET_SLEEP_H: 8.0})
    await _assistant(hass)
    assert (await _say(hass, "how did I sleep")) == "Sam, no sleep was recorded last night."

    await _log_sleep(hass, entry, local(2026, 6, 9, 23, 15), local(2026, 6, 10, 6, 45))
    debt_h = entry.runtime_data.report.sleep.sleep_debt_h
    assert debt_h is not None
    speech = await _say(hass, "how did I sleep last night")
    assert speech.startswith(
        "Sam, you slept 7 hours and 30 minutes last night, from 23:15 to 06:45."
    )
    assert "sleep debt over the last two weeks" in speech
    dutch = await _say(hass, "hoe heb ik geslapen", language="nl")
    assert dutch.startswith("Sam, je sliep vannacht 7 uur en 30 minuten, van 23:15 tot 06:45.")

    # Wake at 07:00 after 8 hours: bed at 23:00.
    assert await _say(hass, "when should I go to bed") == (
        "Sam, go to bed at 23:00 tonight to get your 8 hours of sleep."
    )
    assert await _say(hass, "hoe laat moet ik naar bed", language="nl") == (
        "Sam, ga vanavond om 23:00 naar bed voor je 8 uur slaap."
    )


async def test_bedtime_unknown_without_target_or_nights(hass: HomeAssistant) -> None:
    await _person(hass)
    await _assistant(hass)
    assert (await _say(hass, "what time should I go to bed tonight")).startswith(
        "Sam, there is no recommended bedtime yet"
    )


async def test_the_user_who_asks_gets_their_own_profile(
    hass: HomeAssistant, hass_admin_user: MockUser, hass_read_only_user: MockUser
) -> None:
    assert await async_setup_component(
        hass,
        "person",
        {
            "person": [
                {"id": "sam", "name": "Sam", "user_id": hass_admin_user.id},
                {"id": "robin", "name": "Robin", "user_id": hass_read_only_user.id},
            ]
        },
    )
    await _person(hass, "Sam", **{CONF_PERSON_ENTITY: "person.sam"})
    await _person(hass, "Robin", **{CONF_PERSON_ENTITY: "person.robin"})
    await _assistant(hass)

    assert (await _say(hass, "how recovered am I", user_id=hass_admin_user.id)).startswith("Sam,")
    assert (await _say(hass, "how recovered am I", user_id=hass_read_only_user.id)).startswith(
        "Robin,"
    )
    assert (
        await _say(hass, "hoe heb ik geslapen", language="nl", user_id=hass_read_only_user.id)
    ).startswith("Robin,")
    # A name in the sentence wins; "I" in the wildcard place is the speaker.
    assert (await _say(hass, "how recovered is Robin", user_id=hass_admin_user.id)).startswith(
        "Robin,"
    )
    assert (await _say(hass, "hoe hersteld is sam", language="nl")).startswith("Sam,")
    # A satellite sends no user: with two profiles the assistant asks whose.
    assert await _say(hass, "how recovered am I") == "Which person do you mean: Robin, Sam?"
    assert await _say(hass, "how recovered is Kim") == (
        "I don't know a Recovery Readiness profile called kim."
    )


async def test_without_a_user_the_only_profile_answers(
    hass: HomeAssistant, hass_admin_user: MockUser
) -> None:
    await _person(hass, "Sam")
    await _assistant(hass)
    assert (await _say(hass, "how recovered am I")).startswith("Sam,")
    # A user without a person entity: still the only profile.
    assert (await _say(hass, "how recovered am I", user_id=hass_admin_user.id)).startswith("Sam,")


async def test_a_profile_linked_to_another_person_does_not_answer_for_me(
    hass: HomeAssistant, hass_admin_user: MockUser, hass_read_only_user: MockUser
) -> None:
    assert await async_setup_component(
        hass,
        "person",
        {
            "person": [
                {"id": "sam", "name": "Sam", "user_id": hass_admin_user.id},
                {"id": "robin", "name": "Robin", "user_id": hass_read_only_user.id},
            ]
        },
    )
    await _person(hass, "Robin", **{CONF_PERSON_ENTITY: "person.robin"})
    await _assistant(hass)
    assert await _say(hass, "how recovered am I", user_id=hass_admin_user.id) == (
        "Which person do you mean: Robin?"
    )
    assert (await _say(hass, "how recovered am I", user_id=hass_read_only_user.id)).startswith(
        "Robin,"
    )


async def test_unrelated_sentences_are_left_alone(hass: HomeAssistant) -> None:
    await _person(hass)
    await _assistant(hass)
    for sentence in ("how recovered are the plants", "how did the dishwasher run"):
        speech = await _say(hass, sentence)
        assert speech.startswith("Sorry"), sentence
        assert not speech.startswith("Sam"), sentence


async def test_when_the_mechanism_is_gone_one_line_is_logged_and_the_intents_still_work(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    await _person(hass)
    caplog.set_level(logging.WARNING)
    with (
        patch(
            "homeassistant.components.conversation.trigger.TriggerDetails",
            side_effect=TypeError("changed"),
            create=True,
        ),
        patch(
            "homeassistant.components.conversation.const.DATA_DEFAULT_ENTITY",
            "no_such_key",
            create=True,
        ),
    ):
        await _assistant(hass)
    lines = [
        r
        for r in caplog.records
        if r.name.startswith(f"custom_components.{DOMAIN}") and r.levelno >= logging.WARNING
    ]
    assert len(lines) == 1
    assert "custom_sentences" in lines[0].getMessage()
    assert (await _say(hass, "how recovered am I")).startswith(SORRY)
    response = await intent.async_handle(hass, "test", INTENT_READINESS, {}, language="en")
    assert response.speech["plain"]["speech"].startswith("Sam, there is no readiness score yet.")


def _llm_context(hass: HomeAssistant, user_id: str | None = None) -> llm.LLMContext:
    fields = {f.name for f in dataclasses.fields(llm.LLMContext)}
    values = {
        "platform": "test",
        "context": Context(user_id=user_id),
        "user_prompt": "how recovered am I?",
        "language": "en",
        "assistant": "conversation",
        "device_id": None,
    }
    return llm.LLMContext(**{k: v for k, v in values.items() if k in fields})


async def test_llm_agents_list_and_call_the_intents(hass: HomeAssistant) -> None:
    await _person(hass, **{CONF_TARGET_WAKE_TIME: "07:00:00", CONF_TARGET_SLEEP_H: 8.0})
    await _assistant(hass)
    api = await llm.async_get_api(hass, "assist", _llm_context(hass))
    tools = {tool.name: tool for tool in api.tools}
    for name in (INTENT_READINESS, INTENT_SLEEP, INTENT_BEDTIME):
        assert name in tools
        assert "person" in (tools[name].description or "")

    result = await api.async_call_tool(llm.ToolInput(tool_name=INTENT_BEDTIME, tool_args={}))
    assert result["speech"]["plain"]["speech"] == (
        "Sam, go to bed at 23:00 tonight to get your 8 hours of sleep."
    )
    result = await api.async_call_tool(
        llm.ToolInput(tool_name=INTENT_SLEEP, tool_args={"name": "Sam"})
    )
    assert result["speech"]["plain"]["speech"] == "Sam, no sleep was recorded last night."


async def test_linking_the_person_in_the_options_makes_the_profile_answer_for_its_user(
    hass: HomeAssistant, hass_admin_user: MockUser, hass_read_only_user: MockUser
) -> None:
    await _assistant(hass)  # the assistant first, the integration after it
    assert await async_setup_component(
        hass,
        "person",
        {
            "person": [
                {"id": "sam", "name": "Sam", "user_id": hass_admin_user.id},
                {"id": "robin", "name": "Robin", "user_id": hass_read_only_user.id},
            ]
        },
    )
    sam = await _person(hass, "Sam")
    await _person(hass, "Kim", **{CONF_PERSON_ENTITY: "sensor.not_a_person"})  # ignored
    await _person(hass, "Robin", **{CONF_PERSON_ENTITY: "person.robin"})
    assert await _say(hass, "how recovered am I", user_id=hass_admin_user.id) == (
        "Which person do you mean: Kim, Robin, Sam?"
    )

    result = await hass.config_entries.options.async_init(sam.entry_id)
    assert CONF_PERSON_ENTITY in result["data_schema"].schema
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_NAME: "Sam", CONF_PERSON_ENTITY: "person.sam"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert sam.options[CONF_PERSON_ENTITY] == "person.sam"
    assert (await _say(hass, "how recovered am I", user_id=hass_admin_user.id)).startswith("Sam,")
    assert (await _say(hass, "how recovered am I", user_id=hass_read_only_user.id)).startswith(
        "Robin,"
    )


async def test_the_readme_custom_sentences_route_works_when_the_mechanism_is_gone(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    voice = readme[readme.index("## Voice") :]
    start = voice.index("```yaml\n") + len("```yaml\n")
    sentences = tmp_path / "custom_sentences" / "en"
    sentences.mkdir(parents=True)
    (sentences / "recovery_readiness.yaml").write_text(
        voice[start : voice.index("```", start)], encoding="utf-8"
    )
    hass.config.config_dir = str(tmp_path)
    await _person(hass, "Sam", **{CONF_TARGET_WAKE_TIME: "07:00:00", CONF_TARGET_SLEEP_H: 8.0})
    await _person(hass, "Robin")
    with patch(
        "homeassistant.components.conversation.trigger.TriggerDetails",
        side_effect=TypeError("changed"),
        create=True,
    ):
        await _assistant(hass)
    assert (await _say(hass, "how recovered is Robin")).startswith("Robin, there is no readiness")
    assert await _say(hass, "when should Sam go to bed tonight") == (
        "Sam, go to bed at 23:00 tonight to get your 8 hours of sleep."
    )
    assert await _say(hass, "how did I sleep") == "Which person do you mean: Robin, Sam?"
    assert (await _say(hass, "what is the training status of Robin")).startswith(
        "Robin, there is no training history yet"
    )
    assert (await _say(hass, "what should Sam do today")).startswith("Sam, today's advice:")


async def test_usual_bedtime_no_debt_and_a_bedtime_already_passed_or_done(
    hass: HomeAssistant, freezer: Any
) -> None:
    hass.states.async_set("binary_sensor.bed", "off")
    entry = await _person(
        hass,
        **{
            CONF_TARGET_WAKE_TIME: "07:00:00",
            CONF_TARGET_SLEEP_H: 8.0,
            CONF_SLEEP_SOURCE: "binary_sensor.bed",
        },
    )
    await _assistant(hass)
    for days_ago in range(14, 0, -1):  # two weeks of 8.5-hour nights: no debt
        night = local(2026, 6, 10, 22, 30) - timedelta(days=days_ago)
        await _log_sleep(hass, entry, night, night + timedelta(hours=8, minutes=30))
    speech = await _say(hass, "how did I sleep")
    assert speech == (
        "Sam, you slept 8 hours and 30 minutes last night, from 22:30 to 07:00. You have no "
        "sleep debt over the last two weeks. You usually go to bed at 22:30."
    )

    freezer.move_to(local(2026, 6, 10, 23, 20))  # after tonight's 23:00, still up
    assert await _say(hass, "when should I go to bed") == (
        "Sam, your bedtime was 23:00: time to go to bed."
    )
    assert await _say(hass, "wanneer moet ik gaan slapen", language="nl") == (
        "Sam, je bedtijd was 23:00: tijd om naar bed te gaan."
    )
    hass.states.async_set("binary_sensor.bed", "on")  # in bed: tonight is done
    await hass.async_block_till_done()
    assert await _say(hass, "when should I go to bed") == (
        "Sam, tomorrow go to bed at 23:00 to get your 8 hours of sleep."
    )


async def test_a_registration_failing_halfway_undoes_the_sentences_registered_before(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    await _person(hass)
    trigger = importlib.import_module("homeassistant.components.conversation.trigger")
    real = getattr(trigger, "TriggerDetails", None)
    calls: list[int] = []

    def second_fails(**kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) > 1 or real is None:
            msg = "changed"
            raise TypeError(msg)
        return real(**kwargs)

    with patch.object(trigger, "TriggerDetails", side_effect=second_fails, create=True):
        await _assistant(hass)
    assert (await _say(hass, "how recovered am I")).startswith(SORRY)
    assert "could not be registered" in caplog.text


async def test_llm_tools_answer_for_the_user_of_the_conversation(
    hass: HomeAssistant, hass_admin_user: MockUser, hass_read_only_user: MockUser
) -> None:
    assert await async_setup_component(
        hass,
        "person",
        {
            "person": [
                {"id": "sam", "name": "Sam", "user_id": hass_admin_user.id},
                {"id": "robin", "name": "Robin", "user_id": hass_read_only_user.id},
            ]
        },
    )
    await _person(hass, "Sam", **{CONF_PERSON_ENTITY: "person.sam"})
    await _person(hass, "Robin", **{CONF_PERSON_ENTITY: "person.robin"})
    await _assistant(hass)
    for user, name in ((hass_admin_user, "Sam"), (hass_read_only_user, "Robin")):
        api = await llm.async_get_api(hass, "assist", _llm_context(hass, user.id))
        result = await api.async_call_tool(llm.ToolInput(tool_name=INTENT_READINESS, tool_args={}))
        assert result["speech"]["plain"]["speech"].startswith(f"{name}, there is no readiness")


def _state(hass: HomeAssistant, name: str, key: str) -> Any:
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"id-{name}_{key}")
    assert entity_id is not None, key
    state = hass.states.get(entity_id)
    assert state is not None, key
    return state


async def _log_session(
    hass: HomeAssistant, entry: MockConfigEntry, days_ago: int, rpe: int
) -> None:
    """A 60-minute session; load = RPE x 60 min x 0.4 TRIMP/AU (rpe 8: 192, hard)."""
    start = dt_util.now() - timedelta(days=days_ago, minutes=65)
    await hass.services.async_call(
        DOMAIN,
        "log_session",
        {
            "profile": entry.entry_id,
            "start": start.isoformat(),
            "duration_min": 60,
            "rpe": rpe,
        },
        blocking=True,
    )


async def test_training_status_and_advice_without_history_say_so(hass: HomeAssistant) -> None:
    await _person(hass)
    await _assistant(hass)
    assert _state(hass, "Sam", "training_status").state == "unknown"
    assert await _say(hass, "what is my training status") == (
        "Sam, there is no training history yet: log a session, record one with your strap, or "
        "link a workout source."
    )
    assert await _say(hass, "wat is mijn trainingsstatus", language="nl") == (
        "Sam, er is nog geen traininggeschiedenis: log een training, neem er een op met je "
        "borstband of koppel een trainingsbron."
    )
    advice = _state(hass, "Sam", "training_advice")
    assert advice.state == "build_more"
    assert advice.attributes["hard_training_allowed"] is False
    speech = await _say(hass, "what should I do today")
    assert speech.startswith("Sam, today's advice: Build up your training.")
    for said in (
        "There is no training history yet.",
        "There is no readiness score yet.",
        "No morning measurement yet today, so today's HRV is not part of this advice.",
    ):
        assert said in speech
    assert "A hard session fits today." not in speech
    assert speech.count("There is no training history yet.") == 1
    dutch = await _say(hass, "wat moet ik vandaag doen", language="nl")
    assert dutch.startswith("Sam, het advies voor vandaag: Bouw je training op.")
    assert "Nog geen ochtendmeting vandaag" in dutch
    assert "Er is nog geen traininggeschiedenis." in dutch


async def test_training_status_and_advice_follow_the_logged_sessions(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    entry = await _person(hass)
    await _person(hass, "Robin")
    await _assistant(hass)
    await _seed_readiness(hass, entry, tmp_path)
    await _log_session(hass, entry, 10, 2)  # easy, ten days ago
    await _log_session(hass, entry, 2, 8)  # hard, two days ago: ready today
    assert _state(hass, "Sam", "training_status").state == "ready"
    load = entry.runtime_data.report.training.load
    assert load is not None
    assert not load.form_reliable  # twelve days of history, no starting fitness

    expected = (
        "Sam, your training status is Ready for a hard session. You have recovered from your "
        "last hard session. Your last session was 2 days ago. "
        f"Fitness {round(load.ctl)}, fatigue {round(load.atl)}; form is not reliable yet, with "
        f"{load.history_days} days of history."
    )
    # Two profiles and no user: the name decides.
    assert await _say(hass, "what is my training status") == (
        "Which person do you mean: Robin, Sam?"
    )
    assert await _say(hass, "what is the training status of Sam") == expected
    assert await _say(hass, "wat is de trainingsstatus van sam", language="nl") == (
        "Sam, je trainingsstatus is Klaar voor een zware training. Je bent hersteld van je "
        "laatste zware training. Je laatste training was 2 dagen geleden. "
        f"Fitheid {round(load.ctl)}, vermoeidheid {round(load.atl)}; je vorm is nog niet "
        f"betrouwbaar, met {load.history_days} dagen geschiedenis."
    )
    assert (await _say(hass, "what is the training status of Robin")).startswith(
        "Robin, there is no training history yet"
    )

    # Ready, but no morning measurement today: train, capped at moderate.
    advice = _state(hass, "Sam", "training_advice")
    assert (advice.state, advice.attributes["capped"]) == ("train", True)
    speech = await _say(hass, "what should Sam do today")
    assert speech.startswith(
        "Sam, today's advice: Train. Keep it easy to moderate today. You have recovered from "
        "your last hard session."
    )
    assert "Training status: Ready for a hard session." in speech
    assert speech.endswith(
        "No morning measurement yet today, so today's HRV is not part of this advice."
    )
    assert "There is no readiness score yet." not in speech
    dutch = await _say(hass, "wat moet sam vandaag doen", language="nl")
    assert dutch.startswith(
        "Sam, het advies voor vandaag: Trainen. Houd het vandaag licht tot matig."
    )
    assert "Trainingsstatus: Klaar voor een zware training." in dutch


async def test_start_a_breathing_session_by_voice(hass: HomeAssistant) -> None:
    entry = await _person(hass)
    await _assistant(hass)
    assert await _say(hass, "start a breathing session") == (
        "Sam, breathing at 6 breaths per minute for 5 minutes. Your strap is not connected, so "
        "there are no heart figures this time."
    )
    session = _state(hass, "Sam", "breathing_session")
    assert (session.state, session.attributes["trigger"]) == ("running", "voice")
    assert (session.attributes["breaths_per_min"], session.attributes["minutes"]) == (6.0, 5.0)
    assert await _say(hass, "start een ademhalingssessie", language="nl") == (
        "Sam, er loopt al een ademsessie."
    )
    await hass.services.async_call(
        DOMAIN, "stop_breathing", {"profile": entry.entry_id}, blocking=True
    )
    await hass.async_block_till_done()
    assert _state(hass, "Sam", "breathing_session").state != "running"
    assert (await _say(hass, "start een ademhalingssessie voor Sam", language="nl")).startswith(
        "Sam, ademen op 6 ademhalingen per minuut, 5 minuten."
    )
    assert _state(hass, "Sam", "breathing_session").state == "running"
    assert await _say(hass, "start a breathing session for Kim") == (
        "I don't know a Recovery Readiness profile called kim."
    )
    await hass.services.async_call(
        DOMAIN, "stop_breathing", {"profile": entry.entry_id}, blocking=True
    )
    await hass.async_block_till_done()


async def test_the_new_questions_answer_for_the_user_who_asks(
    hass: HomeAssistant, hass_admin_user: MockUser, hass_read_only_user: MockUser
) -> None:
    assert await async_setup_component(
        hass,
        "person",
        {
            "person": [
                {"id": "sam", "name": "Sam", "user_id": hass_admin_user.id},
                {"id": "robin", "name": "Robin", "user_id": hass_read_only_user.id},
            ]
        },
    )
    await _person(hass, "Sam", **{CONF_PERSON_ENTITY: "person.sam"})
    robin = await _person(hass, "Robin", **{CONF_PERSON_ENTITY: "person.robin"})
    await _assistant(hass)
    user = hass_read_only_user.id
    assert (await _say(hass, "what should I do today", user_id=user)).startswith("Robin,")
    assert (
        await _say(hass, "wat is mijn trainingsstatus", language="nl", user_id=user)
    ).startswith("Robin,")
    assert (await _say(hass, "start a breathing session", user_id=user)).startswith("Robin,")
    assert _state(hass, "Robin", "breathing_session").state == "running"
    assert _state(hass, "Sam", "breathing_session").state == "idle"
    await hass.services.async_call(
        DOMAIN, "stop_breathing", {"profile": robin.entry_id}, blocking=True
    )
    await hass.async_block_till_done()


async def test_llm_agents_get_training_advice_and_breathing_tools(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    entry = await _person(hass)
    await _assistant(hass)
    api = await llm.async_get_api(hass, "assist", _llm_context(hass))
    tools = {tool.name: tool for tool in api.tools}
    for name in (INTENT_TRAINING, INTENT_ADVICE, INTENT_START_BREATHING):
        assert name in tools
        assert "person" in (tools[name].description or "")
    assert "no training history" in (tools[INTENT_TRAINING].description or "")
    assert "no morning measurement" in (tools[INTENT_ADVICE].description or "")

    result = await api.async_call_tool(llm.ToolInput(tool_name=INTENT_TRAINING, tool_args={}))
    assert result["speech"]["plain"]["speech"].startswith("Sam, there is no training history yet")
    await _seed_readiness(hass, entry, tmp_path)
    await _log_session(hass, entry, 1, 8)  # hard yesterday: a recovery day
    advice = entry.runtime_data.report.training.advice
    assert advice is not None
    result = await api.async_call_tool(
        llm.ToolInput(tool_name=INTENT_ADVICE, tool_args={"name": "Sam"})
    )
    speech = result["speech"]["plain"]["speech"]
    assert _state(hass, "Sam", "training_advice").state == advice.kind.value
    assert "You trained hard yesterday." in speech
    assert "Training status: Recovering." in speech
    assert "A hard session fits today." not in speech

    result = await api.async_call_tool(
        llm.ToolInput(tool_name=INTENT_START_BREATHING, tool_args={"minutes": "3", "pace": "5"})
    )
    assert result["speech"]["plain"]["speech"].startswith(
        "Sam, breathing at 5 breaths per minute for 3 minutes."
    )
    await hass.services.async_call(
        DOMAIN, "stop_breathing", {"profile": entry.entry_id}, blocking=True
    )
    await hass.async_block_till_done()


async def test_a_hard_session_is_advised_only_with_this_mornings_measurement(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    entry = await _person(hass)
    await _assistant(hass)
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    today = dt_util.now().date()
    lines = ["date,rmssd_ms,resting_hr_bpm"] + [
        f"{today - timedelta(days=i)},{50 + 5 * math.sin(i):.2f},52" for i in range(30, -1, -1)
    ]
    csv = tmp_path / "with_today.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    await hass.services.async_call(
        DOMAIN,
        "import_history",
        {"profile": entry.entry_id, "path": str(csv)},
        blocking=True,
        return_response=True,
    )
    await _log_session(hass, entry, 10, 2)
    await _log_session(hass, entry, 2, 8)
    advice = _state(hass, "Sam", "training_advice")
    assert (advice.state, advice.attributes["hard_training_allowed"]) == ("train", True)
    assert await _say(hass, "what should I do today") == (
        "Sam, today's advice: Train. A hard session fits today. You have recovered from your last "
        "hard session. Training status: Ready for a hard session."
    )
    assert await _say(hass, "wat moet ik vandaag doen", language="nl") == (
        "Sam, het advies voor vandaag: Trainen. Een zware training past vandaag. Je bent hersteld "
        "van je laatste zware training. Trainingsstatus: Klaar voor een zware training."
    )


async def test_with_only_todays_session_the_status_waits_for_tomorrow(
    hass: HomeAssistant,
) -> None:
    entry = await _person(hass)
    await _assistant(hass)
    await _log_session(hass, entry, 0, 5)
    assert _state(hass, "Sam", "training_status").state == "unknown"
    load = entry.runtime_data.report.training.load
    assert load is not None
    assert await _say(hass, "what is my training status") == (
        "Sam, your training status is known from the day after your first session. Your last "
        f"session was today. Fitness {round(load.ctl)}, fatigue {round(load.atl)}; form is not "
        f"reliable yet, with {load.history_days} days of history."
    )
    assert (await _say(hass, "wat is mijn trainingsstatus", language="nl")).startswith(
        "Sam, je trainingsstatus is bekend vanaf de dag na je eerste training. Je laatste "
        "training was vandaag."
    )
    speech = await _say(hass, "what should I do today")
    assert "Your training status is known from tomorrow." in speech
    assert "There is no training history yet." not in speech
