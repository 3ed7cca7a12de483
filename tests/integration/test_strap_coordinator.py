"""Coordinator behaviour that the radio cannot easily show: back-off, silent links, windows."""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import time
from datetime import UTC, datetime
from unittest.mock import patch

import pytest
from emulated import encode_hrm
from emulated.strap import EmulatedStrap
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.recovery_readiness.const import DOMAIN
from custom_components.recovery_readiness.strap import (
    HeartRateStrap,
    Reception,
    StrapConnectionError,
    parse_heart_rate_measurement,
)
from custom_components.recovery_readiness.strap_entry import coordinator as coordinator_module
from custom_components.recovery_readiness.strap_entry.connection import RETRY_BACKOFF_S
from custom_components.recovery_readiness.strap_entry.coordinator import StrapCoordinator

pytest_plugins = ["emulated.fixtures"]


async def _until(predicate, timeout_s: float = 5.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not predicate():  # noqa: ASYNC110 - polls state owned by bumble/HA
            await asyncio.sleep(0.005)


async def _entry(hass: HomeAssistant, strap: EmulatedStrap) -> StrapCoordinator:
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=strap.address, title=strap.name, data={CONF_ADDRESS: strap.address}
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry.runtime_data.coordinator


def _tick(hass: HomeAssistant) -> None:
    async_fire_time_changed(hass, dt_util.utcnow() + coordinator_module.WATCHDOG_INTERVAL)


class _Clock:
    """The coordinator's monotonic clock, moved ahead by hand."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset


@pytest.fixture
def clock():
    fake = _Clock()
    with patch.object(coordinator_module, "monotonic", fake):
        yield fake


async def test_failed_connect_backs_off_and_retries_only_after_a_new_advert(
    hass: HomeAssistant, emulated_strap: EmulatedStrap, clock: _Clock
) -> None:
    real_connect = HeartRateStrap.connect
    calls: list[int] = []

    async def flaky_connect(self: HeartRateStrap) -> None:
        calls.append(1)
        if len(calls) == 1:
            msg = "GATT error 133"
            raise StrapConnectionError(msg)
        await real_connect(self)

    with patch.object(HeartRateStrap, "connect", flaky_connect):
        coordinator = await _entry(hass, emulated_strap)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert calls == [1]
        # Within the first back-off step (5 s) nothing is tried, adverts or not.
        _tick(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert calls == [1]
        # After it, a newer advert (the strap keeps advertising) brings the retry.
        clock.offset = RETRY_BACKOFF_S[0] + 0.5
        await asyncio.sleep(0.05)  # let a fresh advert arrive
        _tick(hass)
        await _until(lambda: coordinator.connected)
    assert len(calls) == 2


async def test_a_connected_but_silent_strap_is_dropped(
    hass: HomeAssistant, emulated_strap: EmulatedStrap, clock: _Clock
) -> None:
    coordinator = await _entry(hass, emulated_strap)
    await _until(lambda: coordinator.connected and emulated_strap.is_subscribed())
    await emulated_strap.notify(encode_hrm(60, (1000.0,), contact=True))
    await _until(lambda: coordinator.stats.frames == 1)
    clock.offset = coordinator_module.ZOMBIE_S + 1
    _tick(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    await emulated_strap.wait_disconnected()
    assert coordinator.stats.last_disconnect_reason == "stale"


async def test_a_failing_beat_listener_does_not_stop_the_others(
    hass: HomeAssistant, emulated_strap: EmulatedStrap, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    coordinator = await _entry(hass, emulated_strap)
    await _until(lambda: coordinator.connected and emulated_strap.is_subscribed())
    received = []

    def broken(_batch) -> None:
        msg = "boom"
        raise RuntimeError(msg)

    coordinator.async_add_beat_listener(broken)
    coordinator.async_add_beat_listener(received.append)
    await emulated_strap.notify(encode_hrm(60, (1000.0,), contact=True))
    await _until(lambda: len(received) == 1)
    assert "error in a beat listener" in caplog.text


async def test_live_rmssd_uses_only_the_last_60_seconds(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    coordinator = await _entry(hass, emulated_strap)
    await _until(lambda: coordinator.connected and emulated_strap.is_subscribed())
    received_at = datetime(2026, 11, 26, 7, tzinfo=UTC)

    def frame(t_s: float, rr_ms: float) -> None:
        ticks = round(rr_ms * 1.024)
        raw = bytes([0x16, 60, ticks & 0xFF, ticks >> 8])  # RR + contact detected
        coordinator._on_measurement(
            parse_heart_rate_measurement(raw), Reception(t_s=t_s, received_at=received_at)
        )

    # A wide swing for a minute, then a gentle one 100 s later: only the gentle one counts.
    wide = [1000 + 80 * math.sin(2 * math.pi * i / 6) for i in range(60)]
    gentle = [1000 + 20 * math.sin(2 * math.pi * i / 6) for i in range(60)]
    for i, rr in enumerate(wide):
        frame(float(i), rr)
    for i, rr in enumerate(gentle):
        frame(100.0 + i, rr)
    frame(160.0, 0.0)  # a garbage zero tick is not a beat
    kept = [round(rr * 1.024) / 1.024 for rr in gentle]
    diffs = [b - a for a, b in itertools.pairwise(kept)]
    expected = math.sqrt(sum(d * d for d in diffs) / len(diffs))
    assert coordinator._live_rmssd_ms() == pytest.approx(expected, rel=1e-12)
