"""Demo only (scripts/run): an emulated strap and a demo person with a month of history.

Not part of the shipped integration. Once Home Assistant has started it:

1. starts the test tree's bumble strap (tests/emulated) behind an emulated Bluetooth proxy, so
   Recovery Readiness discovers it exactly as it would a real strap through an ESPHome proxy,
   and accepts that discovery;
2. adds a person profile "Demo runner" linked to that strap, with an all-day morning window, so
   the strap's stream starts a morning measurement right away (done after about 3 minutes);
3. seeds 30 days of synthetic morning HRV through `import_history` and logs the last 7 nights
   through `log_sleep`, so the baseline, the sleep entities and the readiness score have data.

Everything goes through the integration's own flows and actions; a second run finds it all in
place and changes nothing. Enabled by `recovery_readiness_demo:` in configuration.yaml.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import math
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from homeassistant.const import EVENT_HOMEASSISTANT_STARTED
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

DOMAIN = "recovery_readiness_demo"
TARGET = "recovery_readiness"
PERSON = "Demo runner"
HISTORY_FILE = "www/recovery_readiness_demo_history.csv"
_LOGGER = logging.getLogger(__name__)


def _tests_dir() -> Path:
    import custom_components.recovery_readiness as component  # noqa: PLC0415

    return Path(component.__file__).resolve().parents[2] / "tests"


async def async_setup(hass: HomeAssistant, config: dict[str, Any]) -> bool:  # noqa: ARG001
    """Start the demo strap after Home Assistant has started."""
    tests = str(_tests_dir())
    if tests not in sys.path:
        sys.path.insert(0, tests)

    async def _start(_event: Event) -> None:
        demo = await hass.async_add_import_executor_job(importlib.import_module, "emulated.demo")
        handle = await demo.start_demo_strap(hass, name="Demo HRM")
        hass.data[DOMAIN] = handle
        await _confirm_discovery(hass, handle.address)
        await _demo_person(hass, handle.address)

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STARTED, _start)
    return True


async def _confirm_discovery(hass: HomeAssistant, address: str) -> None:
    """Accept Recovery Readiness' discovery of the demo strap (once; a second run finds it)."""
    if any(e.unique_id == address for e in hass.config_entries.async_entries(TARGET)):
        return
    for _ in range(600):  # the first discovery loads bluetooth_adapters: allow a minute
        for flow in hass.config_entries.flow.async_progress_by_handler(TARGET):
            if flow["context"].get("unique_id") == address:
                await hass.config_entries.flow.async_configure(flow["flow_id"], {})
                _LOGGER.info("Demo strap %s added to Recovery Readiness", address)
                return
        await asyncio.sleep(0.1)
    _LOGGER.warning("Recovery Readiness did not discover the demo strap %s", address)


async def _demo_person(hass: HomeAssistant, address: str) -> None:
    """Add the demo person (once) through the config flow, then seed history through actions."""
    strap = next(
        (e for e in hass.config_entries.async_entries(TARGET) if e.unique_id == address), None
    )
    person = next((e for e in hass.config_entries.async_entries(TARGET) if e.title == PERSON), None)
    if person is None and strap is not None:
        flow = await hass.config_entries.flow.async_init(TARGET, context={"source": "user"})
        flow = await hass.config_entries.flow.async_configure(
            flow["flow_id"], {"next_step_id": "person"}
        )
        result = await hass.config_entries.flow.async_configure(
            flow["flow_id"],
            {
                "name": PERSON,
                "strap_entry_id": strap.entry_id,
                "target_sleep_h": 8,
                "reminder_lead_min": 30,
                "work_days": ["mon", "tue", "wed", "thu", "fri"],
                "merge_gap_min": 20,
                "min_night_sleep_min": 90,
                "morning_start": "00:00:00",
                "morning_end": "23:59:59",
                "measurement_duration_s": 120,
            },
        )
        person = result.get("result")
        await hass.async_block_till_done()
        if person is None:
            _LOGGER.warning("Could not add the demo person: %s", result)
            return
        _LOGGER.info("Demo person %s added", PERSON)
    if person is None:
        return
    path = hass.config.path(HISTORY_FILE)
    await hass.async_add_executor_job(_write_history, path)
    response = await hass.services.async_call(
        TARGET,
        "import_history",
        {"profile": person.entry_id, "path": path},
        blocking=True,
        return_response=True,
    )
    _LOGGER.info("Demo history import: %s", response)
    today = dt_util.start_of_local_day()
    for nights_ago in range(7, 0, -1):
        bedtime = (
            today - timedelta(days=nights_ago) + timedelta(hours=23, minutes=(nights_ago * 7) % 40)
        )
        with contextlib.suppress(HomeAssistantError):  # logged on an earlier run
            await hass.services.async_call(
                TARGET,
                "log_sleep",
                {
                    "profile": person.entry_id,
                    "start": bedtime.isoformat(),
                    "end": (bedtime + timedelta(hours=7, minutes=40)).isoformat(),
                },
                blocking=True,
            )


def _write_history(path: str) -> None:
    """Thirty mornings of plausible RMSSD (about 55 ms) and resting HR, ending yesterday."""
    today = dt_util.now().date()
    lines = ["date,rmssd_ms,resting_hr_bpm"]
    for i in range(30, 0, -1):
        rmssd = 55 + 8 * math.sin(i / 2.3) + 3 * math.cos(i / 1.1)
        lines.append(f"{today - timedelta(days=i)},{rmssd:.1f},{50 + (i % 4)}")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
