"""The card's data: websocket commands over the profile's own stores, and the served card."""

from __future__ import annotations

import hashlib
import json
import math
import statistics
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.recovery_readiness.card import CARD_FILE, CARD_URL
from custom_components.recovery_readiness.const import (
    CONF_ENTRY_KIND,
    CONF_PERSON_ID,
    DOMAIN,
    KIND_PERSON,
)

ALL_DAY = {"morning_start": "00:00:00", "morning_end": "23:59:59", "target_sleep_h": 7.5}
TEXTS = Path(CARD_FILE).parent.parent / "texts"
DAYS = 30


async def _person(hass: HomeAssistant, name: str = "Sam") -> MockConfigEntry:
    person = MockConfigEntry(
        domain=DOMAIN,
        title=name,
        unique_id=f"person-{name.lower()}",
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: f"person-{name.lower()}"},
        options=ALL_DAY,
    )
    person.add_to_hass(hass)
    assert await hass.config_entries.async_setup(person.entry_id)
    await hass.async_block_till_done()
    return person


async def _import(hass: HomeAssistant, person: MockConfigEntry, tmp_path: Path) -> list[float]:
    """Import DAYS daily values ending yesterday; return the RMSSD (ms) values, oldest first."""
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    today = dt_util.now().date()
    values = [round(40.0 + 10.0 * math.sin(i / 3), 3) for i in range(DAYS)]
    lines = ["date,rmssd_ms,resting_hr_bpm"]
    for i, rmssd in enumerate(values):
        lines.append(f"{today - timedelta(days=DAYS - i)},{rmssd},{50 + i % 3}")
    csv = tmp_path / "hrv.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    response = await hass.services.async_call(
        DOMAIN,
        "import_history",
        {"profile": person.entry_id, "path": str(csv)},
        blocking=True,
        return_response=True,
    )
    assert response["imported"] == DAYS
    return values


async def _ws(client: Any, msg_id: int, **msg: Any) -> dict[str, Any]:
    await client.send_json({"id": msg_id, **msg})
    return await client.receive_json()


def _band(values: list[float]) -> tuple[float, float]:
    mean, sd = statistics.fmean(values), statistics.stdev(values)
    return mean - 0.5 * sd, mean + 0.5 * sd


async def test_history_after_an_import_has_the_exact_daily_values_and_bands(  # noqa: PLR0915
    hass: HomeAssistant, hass_ws_client: Any, tmp_path: Path
) -> None:
    person = await _person(hass)
    values = await _import(hass, person, tmp_path)
    ln = [math.log(v) for v in values]
    hr = [50.0 + i % 3 for i in range(DAYS)]
    today = dt_util.now().date()
    for back, start, end in ((2, 22, 6.0), (1, 23, 7.25)):  # the last night ended today
        bed = dt_util.start_of_local_day(today - timedelta(days=back)) + timedelta(hours=start)
        await hass.services.async_call(
            DOMAIN,
            "log_sleep",
            {"profile": person.entry_id, "start": bed, "end": bed + timedelta(hours=end)},
            blocking=True,
        )
    await hass.async_block_till_done()

    client = await hass_ws_client(hass)
    reply = await _ws(client, 1, type=f"{DOMAIN}/history", profile=person.entry_id)
    assert reply["success"], reply
    result = reply["result"]
    assert (result["profile"], result["name"], result["days"]) == (person.entry_id, "Sam", 60)
    assert result["today"] == today.isoformat()
    hrv = result["hrv"]
    assert [d["day"] for d in hrv] == [
        (today - timedelta(days=59 - i)).isoformat() for i in range(60)
    ]
    # Days before the import are unknown, never 0.
    assert all(d["ln_rmssd"] is None and d["mean_7d"] is None for d in hrv[: 60 - DAYS - 1])
    imported = hrv[60 - DAYS - 1 : -1]
    assert [d["ln_rmssd"] for d in imported] == [round(x, 4) for x in ln]
    assert [d["rmssd_ms"] for d in imported] == pytest.approx(values, abs=0.0051)
    assert hrv[-1]["ln_rmssd"] is None  # no measurement today
    # Today: the 7-day mean of d-6..d and the normal range of the 30 days before.
    low, high = _band(ln)
    assert hrv[-1]["mean_7d"] == round(statistics.fmean(ln[-6:]), 4)
    assert (hrv[-1]["normal_low"], hrv[-1]["normal_high"]) == (round(low, 4), round(high, 4))
    assert hrv[-1]["normal_low_ms"] == round(math.exp(low), 2)
    assert hrv[-1]["mean_7d_ms"] == round(math.exp(statistics.fmean(ln[-6:])), 2)
    # Import day 20: its own 7 days, and a range from the 20 days before it.
    day20 = imported[20]
    low20, high20 = _band(ln[:20])
    assert day20["mean_7d"] == round(statistics.fmean(ln[14:21]), 4)
    assert (day20["normal_low"], day20["normal_high"]) == (round(low20, 4), round(high20, 4))
    # Import day 10: 10 days before it are fewer than the 14 a range needs.
    assert imported[10]["normal_low"] is None
    assert imported[10]["mean_7d"] == round(statistics.fmean(ln[4:11]), 4)
    # The entity's state for today is the series' last band.
    state = float(hass.states.get(result["entities"]["hrv_normal_low"]).state)
    assert round(state, 4) == hrv[-1]["normal_low"]

    rhr = result["resting_hr"][60 - DAYS - 1 :]
    assert [d["hr_bpm"] for d in rhr[:-1]] == hr
    rlow, rhigh = _band(hr)
    assert (rhr[-1]["normal_low_bpm"], rhr[-1]["normal_high_bpm"]) == (
        round(rlow, 2),
        round(rhigh, 2),
    )
    assert rhr[-1]["mean_7d_bpm"] == round(statistics.fmean(hr[-6:]), 2)

    sleep = result["sleep"]
    assert sleep["target_h"] == 7.5
    assert [(n["night_of"], n["duration_h"], n["target_h"]) for n in sleep["nights"]] == [
        ((today - timedelta(days=2)).isoformat(), 6.0, 7.5),
        ((today - timedelta(days=1)).isoformat(), 7.25, 7.5),
    ]
    night = sleep["nights"][-1]
    assert dt_util.parse_datetime(night["bedtime"]).hour == 23
    assert dt_util.parse_datetime(night["wake_time"]).hour == 6
    assert dt_util.parse_datetime(night["wake_time"]).minute == 15
    debt = float(hass.states.get(result["entities"]["sleep_debt"]).state)
    assert sleep["sleep_debt_h"] == debt > 0

    readiness = result["readiness"]
    score = hass.states.get(result["entities"]["readiness_score"]).state
    assert readiness["score"] == int(score)
    assert readiness["level"] == hass.states.get(result["entities"]["readiness_level"]).state
    english = json.loads((TEXTS / "en.json").read_text(encoding="utf-8"))["reason"]
    keys = [r["key"] for r in readiness["reasons"]]
    assert "no_measurement_today" in keys
    by_key = {r["key"]: r["text"] for r in readiness["reasons"]}
    assert by_key["no_measurement_today"] == english["no_measurement_today"]
    assert result["measurement"] == {"state": "idle", "progress_pct": None}

    dutch = json.loads((TEXTS / "nl.json").read_text(encoding="utf-8"))["reason"]
    reply = await _ws(
        client, 2, type=f"{DOMAIN}/history", profile=person.entry_id, days=7, language="nl"
    )
    assert reply["success"], reply
    assert len(reply["result"]["hrv"]) == 7
    assert reply["result"]["hrv"][-1] == hrv[-1]
    by_key = {r["key"]: r["text"] for r in reply["result"]["readiness"]["reasons"]}
    assert by_key["no_measurement_today"] == dutch["no_measurement_today"]
    assert [n["night_of"] for n in reply["result"]["sleep"]["nights"]] == [
        (today - timedelta(days=2)).isoformat(),
        (today - timedelta(days=1)).isoformat(),
    ]


async def test_bad_requests_are_refused(hass: HomeAssistant, hass_ws_client: Any) -> None:
    person = await _person(hass)
    client = await hass_ws_client(hass)
    reply = await _ws(client, 1, type=f"{DOMAIN}/history", profile="nope")
    assert not reply["success"]
    assert reply["error"]["code"] == "not_found"
    for i, bad in enumerate(({"days": 0}, {"days": 401}, {"language": "../../etc/passwd"})):
        reply = await _ws(client, 10 + i, type=f"{DOMAIN}/history", profile=person.entry_id, **bad)
        assert not reply["success"]
        assert reply["error"]["code"] == "invalid_format"
    reply = await _ws(client, 20, type=f"{DOMAIN}/history", profile=person.entry_id, days=400)
    assert reply["success"]
    assert len(reply["result"]["hrv"]) == 400
    assert reply["result"]["sleep"]["nights"] == []
    assert reply["result"]["readiness"]["score"] is None

    assert await hass.config_entries.async_unload(person.entry_id)
    reply = await _ws(client, 30, type=f"{DOMAIN}/history", profile=person.entry_id)
    assert reply["error"]["code"] == "not_loaded"
    reply = await _ws(client, 31, type=f"{DOMAIN}/profiles")
    assert reply["result"] == []


async def test_profiles_lists_each_loaded_profile_with_its_entities(
    hass: HomeAssistant, hass_ws_client: Any
) -> None:
    sam = await _person(hass, "Sam")
    ann = await _person(hass, "Ann")
    client = await hass_ws_client(hass)
    reply = await _ws(client, 1, type=f"{DOMAIN}/profiles")
    assert reply["success"]
    assert [(p["profile"], p["name"]) for p in reply["result"]] == [
        (ann.entry_id, "Ann"),
        (sam.entry_id, "Sam"),
    ]
    entities = reply["result"][1]["entities"]
    assert hass.states.get(entities["readiness_score"]) is not None
    assert hass.states.get(entities["measurement_progress"]) is not None
    assert "heart_rate" not in entities  # no strap linked


async def test_the_card_is_served_from_the_component(hass: HomeAssistant, hass_client: Any) -> None:
    assert await async_setup_component(hass, "http", {})
    hass.config.components.add("frontend")  # hass_frontend is not installed in the test legs
    with patch("homeassistant.components.frontend.add_extra_js_url") as add_extra_js_url:
        await _person(hass)
    [(_, url)] = [c.args for c in add_extra_js_url.call_args_list]
    path, version = url.split("?v=")
    assert path == CARD_URL
    assert version == hashlib.sha256(CARD_FILE.read_bytes()).hexdigest()[:12]
    client = await hass_client()
    response = await client.get(url)
    assert response.status == 200
    assert await response.read() == CARD_FILE.read_bytes()
