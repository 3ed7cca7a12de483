"""The voice / LLM intent: "how recovered am I?"."""

from __future__ import annotations

import dataclasses
import math
from datetime import timedelta
from pathlib import Path

from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import intent, llm
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.recovery_readiness.const import (
    CONF_ENTRY_KIND,
    CONF_PERSON_ID,
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
from custom_components.recovery_readiness.physiology.training_load import (
    AdviceReason,
    WindowReason,
)
from custom_components.recovery_readiness.texts import async_texts


async def _person(hass: HomeAssistant, name: str = "Sam") -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=name,
        unique_id=f"id-{name}",
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: f"id-{name}"},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert await async_setup_component(hass, "intent", {})
    await hass.async_block_till_done()
    return entry


async def _seed(hass: HomeAssistant, entry: MockConfigEntry, tmp_path: Path) -> None:
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    today = dt_util.now().date()
    lines = ["date,rmssd_ms,resting_hr_bpm"] + [
        f"{today - timedelta(days=i)},{50 + 5 * math.sin(i):.2f},52" for i in range(30, 0, -1)
    ]
    csv = tmp_path / "h.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    await hass.services.async_call(
        DOMAIN,
        "import_history",
        {"profile": entry.entry_id, "path": str(csv)},
        blocking=True,
        return_response=True,
    )


async def _ask(hass: HomeAssistant, language: str = "en", **slots: str) -> str:
    response = await intent.async_handle(
        hass,
        "test",
        INTENT_READINESS,
        {k: {"value": v} for k, v in slots.items()},
        language=language,
    )
    return response.speech["plain"]["speech"]


async def test_the_answer_gives_score_level_advice_and_reasons(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    entry = await _person(hass)
    await _seed(hass, entry, tmp_path)
    result = entry.runtime_data.report.readiness.readiness
    speech = await _ask(hass)
    assert speech.startswith(f"Sam, your readiness is {result.score} out of 100:")
    assert "Training advice:" in speech
    assert "No morning measurement yet today." in speech

    dutch = await _ask(hass, language="nl")
    assert dutch.startswith(f"Sam, je herstel is {result.score} van de 100:")


async def test_without_data_it_says_so(hass: HomeAssistant) -> None:
    await _person(hass)
    speech = await _ask(hass)
    assert speech.startswith("Sam, there is no readiness score yet.")


async def test_a_name_picks_the_profile(hass: HomeAssistant) -> None:
    await _person(hass, "Sam")
    await _person(hass, "Robin")
    assert (await _ask(hass, name="robin")).startswith("Robin,")
    assert await _ask(hass, name="Kim") == ("I don't know a Recovery Readiness profile called kim.")


async def test_no_profile(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    assert await async_setup_component(hass, "intent", {})
    await hass.async_block_till_done()
    assert await _ask(hass) == "There is no Recovery Readiness person profile yet."


async def test_llm_agents_get_it_as_a_tool(hass: HomeAssistant) -> None:
    await _person(hass)
    assert await async_setup_component(hass, "homeassistant", {})
    fields = {f.name for f in dataclasses.fields(llm.LLMContext)}
    values = {
        "platform": "test",
        "context": Context(),
        "user_prompt": "how recovered am I?",
        "language": "en",
        "assistant": "conversation",
        "device_id": None,
    }
    api = await llm.async_get_api(
        hass, "assist", llm.LLMContext(**{k: v for k, v in values.items() if k in fields})
    )
    tools = {tool.name: tool for tool in api.tools}
    for name in (
        INTENT_READINESS,
        INTENT_SLEEP,
        INTENT_BEDTIME,
        INTENT_TRAINING,
        INTENT_ADVICE,
        INTENT_START_BREATHING,
    ):
        assert name in tools
        description = tools[name].description or ""
        assert "Optional: the person's name" in description, name
    result = await api.async_call_tool(llm.ToolInput(tool_name=INTENT_ADVICE, tool_args={}))
    assert result["speech"]["plain"]["speech"].startswith("Sam, today's advice:")


async def test_every_advice_and_window_reason_has_a_spoken_sentence(hass: HomeAssistant) -> None:
    """A reason the physiology can give is never spoken as its raw key (English and Dutch)."""
    for language in ("en", "nl"):
        texts = await async_texts(hass, language)
        for prefix, reasons in (("advice_reason_", AdviceReason), ("window_reason_", WindowReason)):
            for reason in reasons:
                key = f"{prefix}{reason.value}"
                spoken = texts.voice(key)
                assert spoken != key, (language, key)
                assert spoken.endswith("."), (language, key)
