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


async def _person(hass: HomeAssistant, name: str = "Sam", **options: Any) -> MockConfigEntry:
    person = MockConfigEntry(
        domain=DOMAIN,
        title=name,
        unique_id=f"person-{name.lower()}",
        data={CONF_ENTRY_KIND: KIND_PERSON, CONF_PERSON_ID: f"person-{name.lower()}"},
        options=ALL_DAY | options,
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


async def _history(client: Any, msg_id: int, person: MockConfigEntry) -> dict[str, Any]:
    reply = await _ws(
        client, msg_id, type=f"{DOMAIN}/history", profile=person.entry_id, days=7, language="nl"
    )
    assert reply["success"], reply
    result: dict[str, Any] = reply["result"]
    return result


async def test_history_has_the_training_load_per_day_and_todays_status(
    hass: HomeAssistant, hass_ws_client: Any
) -> None:
    person = await _person(hass)
    client = await hass_ws_client(hass)
    empty = (await _history(client, 1, person))["training"]
    assert [d["load_trimp"] for d in empty["days"]] == [None] * 7
    assert [d["ctl"] for d in empty["days"]] == [None] * 7  # no history: unknown, not 0
    assert (empty["sessions"], empty["ctl"], empty["status"]) == (0, None, None)

    now = dt_util.now()
    yesterday = await hass.services.async_call(
        DOMAIN,
        "log_session",
        {
            "profile": person.entry_id,
            "start": (now - timedelta(days=1)).replace(tzinfo=None).isoformat(),
            "duration_min": 60,
            "rpe": 8,
        },
        blocking=True,
        return_response=True,
    )
    today = await hass.services.async_call(
        DOMAIN,
        "log_session",
        {"profile": person.entry_id, "duration_min": 50, "rpe": 6},
        blocking=True,
        return_response=True,
    )
    await hass.async_block_till_done()
    training = (await _history(client, 2, person))["training"]
    days = training["days"]
    assert [d["day"] for d in days][-2:] == [
        (now - timedelta(days=1)).date().isoformat(),
        now.date().isoformat(),
    ]
    assert [d["load_trimp"] for d in days] == [None] * 5 + [
        round(yesterday["trimp"], 1),
        round(today["trimp"], 1),
    ]
    assert [d["ctl"] for d in days[:5]] == [None] * 5  # before the first modelled day
    # Allen & Coggan from 0 on the first day: CTL += (L - CTL) / 42, ATL += (L - ATL) / 7,
    # form entering a day = yesterday's CTL - ATL.
    ctl_y, atl_y = yesterday["trimp"] / 42, yesterday["trimp"] / 7
    ctl_t = ctl_y + (today["trimp"] - ctl_y) / 42
    atl_t = atl_y + (today["trimp"] - atl_y) / 7
    assert days[-2]["ctl"] == pytest.approx(ctl_y, abs=0.051)
    assert days[-2]["tsb"] == pytest.approx(0.0)
    assert days[-1]["ctl"] == pytest.approx(ctl_t, abs=0.051)
    assert days[-1]["atl"] == pytest.approx(atl_t, abs=0.051)
    assert days[-1]["tsb"] == pytest.approx(ctl_y - atl_y, abs=0.051)
    # Today's row is what the training sensors show.
    entities = (await _history(client, 3, person))["entities"]
    assert float(hass.states.get(entities["chronic_load"]).state) == pytest.approx(
        days[-1]["ctl"], abs=0.051
    )
    assert float(hass.states.get(entities["acute_load"]).state) == pytest.approx(
        days[-1]["atl"], abs=0.051
    )
    assert training["sessions"] == 2
    assert training["ctl"] == days[-1]["ctl"]
    assert training["status"] == hass.states.get(entities["training_status"]).state
    assert training["status"] == "recovering"
    assert training["status_text"] == "Herstellend"
    assert training["advice"] == hass.states.get(entities["training_advice"]).state
    assert training["advice_text"] not in (None, training["advice"])


async def test_history_training_days_start_from_the_configured_fitness(
    hass: HomeAssistant, hass_ws_client: Any
) -> None:
    person = await _person(hass, start_ctl=42.0, start_atl=56.0)
    client = await hass_ws_client(hass)
    days = (await _history(client, 1, person))["training"]["days"]
    # Seeded at the end of the day before today (no session yet): from there on the model
    # decays the seed without load.
    assert days[-2]["ctl"] is None
    assert days[-1]["load_trimp"] is None
    assert days[-1]["ctl"] == pytest.approx(42.0 - 42.0 / 42, abs=0.051)
    assert days[-1]["atl"] == pytest.approx(56.0 - 56.0 / 7, abs=0.051)
    assert days[-1]["tsb"] == pytest.approx(42.0 - 56.0)


async def test_history_has_the_breathing_plan_while_it_runs_then_the_last_session(
    hass: HomeAssistant, hass_ws_client: Any
) -> None:
    person = await _person(hass)
    client = await hass_ws_client(hass)
    idle = (await _history(client, 1, person))["breathing"]
    assert (idle["state"], idle["live"], idle["last_session"]) == ("idle", None, None)

    await hass.services.async_call(
        DOMAIN,
        "start_breathing",
        {"profile": person.entry_id, "pace": 5.5, "minutes": 1},
        blocking=True,
    )
    running = (await _history(client, 2, person))["breathing"]
    assert running["state"] == "running"
    live = running["live"]
    session = hass.states.get((await _history(client, 3, person))["entities"]["breathing_session"])
    assert session is not None
    assert session.state == "running"
    assert live["started_at"] == session.attributes["started_at"]
    assert 0.0 <= live["elapsed_s"] < 5.0
    # 6 whole breaths at 5.5/min (about one minute), 40 % of each breath inhaling.
    assert live["steps"] == [
        {
            "start_s": 0.0,
            "breaths_per_min": 5.5,
            "breaths": 6,
            "inhale_s": pytest.approx(60 / 5.5 * 0.4, abs=1e-3),
            "exhale_s": pytest.approx(60 / 5.5 * 0.6, abs=1e-3),
        }
    ]
    assert live["total_s"] == pytest.approx(session.attributes["remaining_s"], abs=0.1)

    await hass.services.async_call(
        DOMAIN, "stop_breathing", {"profile": person.entry_id}, blocking=True
    )
    await hass.async_block_till_done()
    done = (await _history(client, 4, person))["breathing"]
    assert (done["state"], done["live"]) == ("done", None)
    last = done["last_session"]
    assert last["started_at"] == live["started_at"]
    assert last["stopped"] is True
    assert last["coherence"] is None  # no strap: not measured, never 0
