"""The strap integration end to end over an emulated strap on HA's real bluetooth stack.

advert → discovery flow → entry → connect → notifications → sensor states; strap drops →
unavailable → advertises → reconnect, gap recorded; full proxy → repair issue; HA stop.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import time
from collections.abc import Callable
from datetime import timedelta
from unittest.mock import patch

import pytest
from emulated import encode_hrm
from emulated.harness import EmulatedLink, wait_until_seen
from emulated.proxy import EmulatedProxy
from emulated.strap import EmulatedStrap
from homeassistant.components import bluetooth
from homeassistant.config_entries import SOURCE_BLUETOOTH, ConfigEntryState
from homeassistant.const import (
    CONF_ADDRESS,
    EVENT_HOMEASSISTANT_STOP,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.recovery_readiness.const import CONF_ENTRY_KIND, DOMAIN, KIND_STRAP
from custom_components.recovery_readiness.strap_entry import connection as connection_module
from custom_components.recovery_readiness.strap_entry import coordinator as coordinator_module
from custom_components.recovery_readiness.strap_entry.coordinator import BeatBatch, StrapCoordinator

pytest_plugins = ["emulated.fixtures"]

HR = "sensor.polar_h10_0a1b2c3d_heart_rate"
RMSSD = "sensor.polar_h10_0a1b2c3d_live_rmssd"
BATTERY = "sensor.polar_h10_0a1b2c3d_battery"
CONTACT = "binary_sensor.polar_h10_0a1b2c3d_skin_contact"
CONNECTED = "binary_sensor.polar_h10_0a1b2c3d_connectivity"

# Respiratory sinus arrhythmia: 60 bpm, ±40 ms over 6 beats (10 breaths/min), as whole ticks of
# 1/1024 s so the strap sends exactly these values.
RR_MS = tuple(round((1000 + 40 * math.sin(2 * math.pi * i / 6)) * 1.024) / 1.024 for i in range(40))


def _rmssd_by_hand(rr_ms: tuple[float, ...]) -> float:
    diffs = [b - a for a, b in itertools.pairwise(rr_ms)]
    return math.sqrt(sum(d * d for d in diffs) / len(diffs))


async def _until(predicate: Callable[[], bool], timeout_s: float = 5.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not predicate():  # noqa: ASYNC110 - polls state owned by bumble/HA
            await asyncio.sleep(0.005)


async def _setup_entry(hass: HomeAssistant, strap: EmulatedStrap) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=strap.address, title=strap.name, data={CONF_ADDRESS: strap.address}
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def _coordinator(entry: MockConfigEntry) -> StrapCoordinator:
    coordinator = entry.runtime_data.coordinator
    assert isinstance(coordinator, StrapCoordinator)
    return coordinator


async def _connected(hass: HomeAssistant, entry: MockConfigEntry, strap: EmulatedStrap) -> None:
    await _until(lambda: strap.is_subscribed() and _coordinator(entry).connected)
    await hass.async_block_till_done(wait_background_tasks=True)


async def _stream(strap: EmulatedStrap, beats: int, *, contact: bool | None = True) -> None:
    for i in range(beats):
        rr = RR_MS[i % len(RR_MS)]
        await strap.notify(encode_hrm(round(60000 / rr), (rr,), contact=contact))


def _publish_now(hass: HomeAssistant) -> None:
    """Run the pending (at most every 5 s) publication."""
    async_fire_time_changed(hass, fire_all=True)


async def test_discovery_flow_confirms_with_a_connection_and_creates_the_entry(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    await hass.async_block_till_done(wait_background_tasks=True)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert len(flows) == 1
    assert flows[0]["context"]["source"] == SOURCE_BLUETOOTH
    assert flows[0]["step_id"] == "bluetooth_confirm"

    result = await hass.config_entries.flow.async_configure(flows[0]["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == emulated_strap.name
    assert result["data"] == {CONF_ENTRY_KIND: KIND_STRAP, CONF_ADDRESS: emulated_strap.address}
    assert result["result"].unique_id == emulated_strap.address
    await hass.async_block_till_done(wait_background_tasks=True)
    # The flow's connection test disconnected; the entry connected on its own afterwards.
    await _until(emulated_strap.is_subscribed)


async def test_stream_publishes_heart_rate_live_rmssd_contact_and_device_info(
    hass: HomeAssistant, emulated_strap: EmulatedStrap, device_registry: dr.DeviceRegistry
) -> None:
    entry = await _setup_entry(hass, emulated_strap)
    await _connected(hass, entry, emulated_strap)

    assert hass.states.get(CONNECTED).state == STATE_ON
    assert hass.states.get(BATTERY).state == "87"
    device = device_registry.async_get_device(
        connections={(dr.CONNECTION_BLUETOOTH, emulated_strap.address)}
    )
    assert (device.manufacturer, device.model, device.sw_version) == (
        "Polar Electro Oy",
        "H10",
        "3.1.1",
    )

    beats: list[BeatBatch] = []
    remove = _coordinator(entry).async_add_beat_listener(beats.append)
    await _stream(emulated_strap, 40)
    await _until(lambda: len(beats) == 40)
    remove()
    _publish_now(hass)
    await hass.async_block_till_done()

    # Every RR reached the in-memory listeners at full precision (ticks of 1/1024 s).
    assert tuple(b.rr_ms[0] for b in beats) == RR_MS
    assert not any(b.after_gap for b in beats)
    assert float(hass.states.get(HR).state) == pytest.approx(60.0, abs=1.0)
    assert float(hass.states.get(RMSSD).state) == pytest.approx(_rmssd_by_hand(RR_MS), abs=1e-6)
    assert hass.states.get(CONTACT).state == STATE_ON


async def test_recorder_load_is_at_most_one_state_per_five_seconds(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    entry = await _setup_entry(hass, emulated_strap)
    await _connected(hass, entry, emulated_strap)
    changes: list[str] = []
    hass.bus.async_listen(
        "state_changed",
        lambda e: changes.append(e.data["new_state"].state) if e.data["entity_id"] == HR else None,
    )
    # 20 notifications arrive within well under 5 s: one immediate publication, one later.
    for hr in range(60, 80):
        await emulated_strap.notify(encode_hrm(hr, (1000.0,), contact=True))
    await _until(lambda: _coordinator(entry).stats.frames == 20)
    await hass.async_block_till_done()
    assert len(changes) == 1
    _publish_now(hass)
    await hass.async_block_till_done()
    assert len(changes) == 2
    # The later state is the median of the frames since the first publication (61..79).
    assert float(changes[-1]) == 70.0


async def test_strap_without_contact_sensing_never_offers_a_contact_state(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    entry = await _setup_entry(hass, emulated_strap)
    await _connected(hass, entry, emulated_strap)
    await _stream(emulated_strap, 3, contact=None)
    await _until(lambda: _coordinator(entry).stats.frames == 3)
    _publish_now(hass)
    await hass.async_block_till_done()
    assert hass.states.get(CONTACT).state == STATE_UNAVAILABLE
    assert hass.states.get(HR).state != STATE_UNAVAILABLE


async def test_no_contact_makes_heart_rate_unknown(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    entry = await _setup_entry(hass, emulated_strap)
    await _connected(hass, entry, emulated_strap)
    for _ in range(3):
        await emulated_strap.notify(encode_hrm(0, (), contact=False))
    await _until(lambda: _coordinator(entry).stats.frames == 3)
    _publish_now(hass)
    await hass.async_block_till_done()
    assert hass.states.get(HR).state == STATE_UNKNOWN
    assert hass.states.get(CONTACT).state == STATE_OFF


async def test_disconnect_makes_live_entities_unavailable_and_reconnect_restores_them(
    hass: HomeAssistant, emulated_strap: EmulatedStrap, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.recovery_readiness")
    entry = await _setup_entry(hass, emulated_strap)
    await _connected(hass, entry, emulated_strap)
    await _stream(emulated_strap, 4)
    await _until(lambda: _coordinator(entry).stats.frames == 4)
    _publish_now(hass)
    await hass.async_block_till_done()
    assert hass.states.get(HR).state != STATE_UNAVAILABLE

    beats: list[BeatBatch] = []
    _coordinator(entry).async_add_beat_listener(beats.append)
    await emulated_strap.disconnect()
    await _until(lambda: not _coordinator(entry).connected)
    await hass.async_block_till_done()
    assert hass.states.get(HR).state == STATE_UNAVAILABLE
    assert hass.states.get(RMSSD).state == STATE_UNAVAILABLE
    assert hass.states.get(CONNECTED).state == STATE_OFF
    assert hass.states.get(BATTERY).state == "87"  # last known value stays
    assert caplog.text.count("disconnected; waiting for it to advertise again") == 1

    # The strap advertises again (it restarts advertising by itself) exactly as before, which
    # raises no advert callback; the 5-s watchdog sees the newer advert and reconnects.
    lost = bluetooth.async_last_service_info(hass, emulated_strap.address, connectable=True).time
    await _until(
        lambda: bluetooth.async_last_service_info(hass, emulated_strap.address, True).time > lost
    )
    async_fire_time_changed(hass, dt_util.utcnow() + coordinator_module.WATCHDOG_INTERVAL)
    await _until(lambda: _coordinator(entry).connected and emulated_strap.is_subscribed())
    await _stream(emulated_strap, 2)
    await _until(lambda: len(beats) == 2)
    _publish_now(hass)
    await hass.async_block_till_done()
    assert hass.states.get(HR).state != STATE_UNAVAILABLE
    assert hass.states.get(CONNECTED).state == STATE_ON
    # The gap is recorded and marked on the first beats after it; no beats were invented.
    assert [b.after_gap for b in beats] == [True, False]
    stats = _coordinator(entry).stats
    assert (stats.gaps, stats.connects, stats.rr_values) == (1, 2, 6)
    assert caplog.text.count("connected again") == 1


async def test_strap_not_worn_at_start_loads_with_live_entities_unavailable(
    hass: HomeAssistant, emulated_link: EmulatedLink, emulated_proxy: EmulatedProxy
) -> None:
    strap = await emulated_link.add_strap(advertise=False)
    entry = await _setup_entry(hass, strap)
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(HR).state == STATE_UNAVAILABLE
    assert hass.states.get(CONNECTED).state == STATE_OFF
    # Put on: it advertises, and the advert alone brings the connection.
    await strap.start_advertising()
    await _connected(hass, entry, strap)
    assert hass.states.get(CONNECTED).state == STATE_ON


async def test_full_proxy_raises_a_repair_issue_and_backs_off(
    hass: HomeAssistant,
    emulated_link: EmulatedLink,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await emulated_link.add_proxy(hass, slots=1)
    other = await emulated_link.add_strap(advertise=True, name="Polar H10 99999999")
    strap = await emulated_link.add_strap(advertise=True)
    await wait_until_seen(hass, other.address)
    await wait_until_seen(hass, strap.address)
    # Someone else holds the only slot.
    other_entry = await _setup_entry(hass, other)
    await _connected(hass, other_entry, other)

    with patch.object(connection_module, "OUT_OF_SLOTS_ISSUE_AFTER", 1):
        entry = await _setup_entry(hass, strap)
        await hass.async_block_till_done(wait_background_tasks=True)
        coordinator = _coordinator(entry)
        await _until(lambda: coordinator.stats.out_of_slots == 1)
        await hass.async_block_till_done()

    issue = issue_registry.async_get_issue(DOMAIN, f"no_connection_slot_{strap.address}")
    assert issue is not None
    assert issue.translation_key == "no_connection_slot"
    assert "no Bluetooth adapter or proxy in range has a free connection slot" in caplog.text
    # No hot retry loop: further adverts during the cool-down do not try again.
    await asyncio.sleep(0.3)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert coordinator.stats.connect_failures == 1

    # The slot frees up; after the cool-down the strap connects and the issue goes away.
    await hass.config_entries.async_unload(other_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    later = time.monotonic() + coordinator_module.OUT_OF_SLOTS_COOLDOWN_S + 1
    with patch.object(coordinator_module, "monotonic", lambda: later):
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=5))
        await _until(lambda: coordinator.connected)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert issue_registry.async_get_issue(DOMAIN, f"no_connection_slot_{strap.address}") is None


async def test_home_assistant_stop_disconnects_and_leaves_nothing_running(
    hass: HomeAssistant, emulated_strap: EmulatedStrap
) -> None:
    entry = await _setup_entry(hass, emulated_strap)
    await _connected(hass, entry, emulated_strap)
    await _stream(emulated_strap, 2)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done(wait_background_tasks=True)
    await emulated_strap.wait_disconnected()
    coordinator = _coordinator(entry)
    assert not coordinator.connected
    assert coordinator._publish_unsub is None
    assert coordinator._watchdog_unsub is None


async def test_unload_disconnects_the_strap(
    hass: HomeAssistant, emulated_strap: EmulatedStrap, entity_registry: er.EntityRegistry
) -> None:
    entry = await _setup_entry(hass, emulated_strap)
    await _connected(hass, entry, emulated_strap)
    assert entity_registry.async_get(HR).unique_id == f"{emulated_strap.address}_heart_rate"
    signal = entity_registry.async_get("sensor.polar_h10_0a1b2c3d_signal_strength")
    assert signal.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert await hass.config_entries.async_unload(entry.entry_id)
    await emulated_strap.wait_disconnected()
    assert entry.state is ConfigEntryState.NOT_LOADED
