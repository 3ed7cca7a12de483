"""The built-in assistant answers readiness, sleep and bedtime questions out of the box."""

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
    INTENT_BEDTIME,
    INTENT_READINESS,
    INTENT_SLEEP,
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
