"""Demo only (scripts/run): an emulated heart-rate strap behind an emulated Bluetooth proxy.

Not part of the shipped integration. It starts the test tree's bumble strap (tests/emulated) in
the running Home Assistant once it has started, so Recovery Readiness discovers a strap exactly as
it would a real one through an ESPHome proxy, and confirms that discovery so the demo dashboard
shows live values at once. Enabled by `recovery_readiness_demo:` in configuration.yaml.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys
from pathlib import Path
from typing import Any

from homeassistant.const import EVENT_HOMEASSISTANT_STARTED
from homeassistant.core import Event, HomeAssistant

DOMAIN = "recovery_readiness_demo"
TARGET = "recovery_readiness"
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
