"""The emulated strap harness on HA's real bluetooth stack (independent of our integration).

strap (bumble GATT server) ─LocalLink─ proxy (bumble central) → LinkScanner → HA manager →
bleak_retry_connector.establish_connection → HaBleakClientWrapper → bumble-backed backend.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING
from unittest.mock import patch

import bleak_retry_connector
import pytest
from bleak.exc import BleakError
from emulated import (
    BATTERY_LEVEL_UUID,
    BODY_SENSOR_LOCATION_UUID,
    HR_CONTROL_POINT_UUID,
    HRM_UUID,
    HRS_UUID,
    encode_hrm,
)
from emulated.backend import BLEAK_MAJOR, LinkBleakClient
from emulated.demo import start_demo_strap
from emulated.harness import wait_until_seen
from homeassistant.components import bluetooth

if TYPE_CHECKING:
    from collections.abc import Callable, Generator

    from bleak import BleakClient
    from emulated.harness import EmulatedLink
    from emulated.proxy import EmulatedProxy
    from emulated.strap import EmulatedStrap
    from homeassistant.core import HomeAssistant

# tests/ is on sys.path via tests/integration/conftest.py; the fixtures come from the harness.
pytest_plugins = ["emulated.fixtures"]

_LOGGER = logging.getLogger(__name__)

DIS = {
    "00002a29-0000-1000-8000-00805f9b34fb": b"Polar Electro Oy",
    "00002a24-0000-1000-8000-00805f9b34fb": b"H10",
    "00002a25-0000-1000-8000-00805f9b34fb": b"0A1B2C3D",
    "00002a26-0000-1000-8000-00805f9b34fb": b"3.1.1",
    "00002a27-0000-1000-8000-00805f9b34fb": b"39044024.10",
    "00002a28-0000-1000-8000-00805f9b34fb": b"3.1.1",
}

# ble-heart-rate.md §2.4 vectors (valid and odd ones, sent verbatim) + encoder output.
FRAMES = [
    bytes.fromhex("103c2d04"),
    bytes.fromhex("164d16031a03"),
    bytes.fromhex("0000"),
    bytes.fromhex("192c01e8030004"),
    bytes.fromhex("0400"),
    bytes.fromhex("1040") + bytes.fromhex("0004") * 9,
    bytes.fromhex("10382d043500"),
    bytes.fromhex("10400004" + "35"),
    encode_hrm(62, (850.0, 860.0), contact=True),
]


@pytest.fixture(autouse=True)
def _no_slot_backoff() -> Generator[None]:
    with patch("bleak_retry_connector.BLEAK_OUT_OF_SLOTS_BACKOFF_TIME", 0):
        yield


async def _connect(
    hass: HomeAssistant, address: str, on_disconnect: Callable[[BleakClient], None] | None = None
) -> BleakClient:
    device = bluetooth.async_ble_device_from_address(hass, address, connectable=True)
    assert device is not None
    # Class looked up at call time: HA swapped in its proxy-aware wrapper.
    return await bleak_retry_connector.establish_connection(
        bleak_retry_connector.BleakClientWithServiceCache,
        device,
        device.name or address,
        disconnected_callback=on_disconnect,
    )


async def _until(predicate: Callable[[], bool], timeout_s: float = 5.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not predicate():  # noqa: ASYNC110 - polls state owned by bumble/HA
            await asyncio.sleep(0.002)


async def _check_reads_and_writes(client: BleakClient, strap: EmulatedStrap) -> None:
    # Reads: DIS strings, battery, body sensor location; control point → ATT error 0x80.
    for uuid, expected in DIS.items():
        assert await client.read_gatt_char(uuid) == expected
    assert await client.read_gatt_char(BATTERY_LEVEL_UUID) == bytes([87])
    assert await client.read_gatt_char(BODY_SENSOR_LOCATION_UUID) == b"\x01"
    with pytest.raises(BleakError, match="0x80"):
        await client.write_gatt_char(HR_CONTROL_POINT_UUID, b"\x02", response=True)
    await client.write_gatt_char(HR_CONTROL_POINT_UUID, b"\x01", response=True)
    assert strap.control_point_writes == [b"\x02", b"\x01"]


async def test_strap_round_trip_through_ha(  # noqa: PLR0915 - one ordered scenario
    hass: HomeAssistant, emulated_proxy: EmulatedProxy, emulated_strap: EmulatedStrap
) -> None:
    strap = emulated_strap
    t0 = time.perf_counter()

    # Discovery: HA's manager has a connectable BLEDevice and lists the 0x180D advert.
    infos = {i.address: i for i in bluetooth.async_discovered_service_info(hass, True)}
    info = infos[strap.address]
    assert HRS_UUID in info.service_uuids
    assert info.name == strap.name
    assert info.source == emulated_proxy.source
    assert info.rssi == emulated_proxy.rssi

    disconnects: list[BleakClient] = []
    client = await _connect(hass, strap.address, disconnects.append)
    t_connected = time.perf_counter()
    assert client.is_connected
    assert isinstance(client._backend, LinkBleakClient)
    assert client.mtu_size == 247
    assert emulated_proxy.free_slots() == emulated_proxy.slots - 1

    await _check_reads_and_writes(client, strap)

    # Notifications arrive byte-for-byte and in order.
    received: list[bytes] = []
    await client.start_notify(HRM_UUID, lambda _c, data: received.append(bytes(data)))
    assert strap.is_subscribed()
    t_stream = time.perf_counter()
    for frame in FRAMES:
        await strap.notify(frame)
    await _until(lambda: len(received) == len(FRAMES))
    t_streamed = time.perf_counter()
    assert received == FRAMES

    battery: list[bytes] = []
    await client.start_notify(BATTERY_LEVEL_UUID, lambda _c, data: battery.append(bytes(data)))
    await strap.set_battery(55)
    await _until(lambda: battery == [b"\x37"])
    assert await client.read_gatt_char(BATTERY_LEVEL_UUID) == b"\x37"

    await client.stop_notify(HRM_UUID)
    assert not strap.is_subscribed()
    assert await client.clear_cache()  # served by the backend, no BlueZ/D-Bus involved

    # Strap-initiated disconnect → disconnected callback; the strap advertises again.
    t_drop = time.perf_counter()
    seen_before = bluetooth.async_last_service_info(hass, strap.address, True)
    assert seen_before is not None
    await strap.disconnect()
    await _until(lambda: disconnects == [client])
    assert not client.is_connected
    assert emulated_proxy.free_slots() == emulated_proxy.slots
    await _until(
        lambda: (
            (i := bluetooth.async_last_service_info(hass, strap.address, True)) is not None
            and i.time > seen_before.time
        )
    )
    t_readvertised = time.perf_counter()

    # Reconnect with a fresh client (never reuse a BleakClient).
    client2 = await _connect(hass, strap.address, disconnects.append)
    t_reconnected = time.perf_counter()
    assert await client2.read_gatt_char(BATTERY_LEVEL_UUID) == b"\x37"
    received.clear()
    await client2.start_notify(HRM_UUID, lambda _c, data: received.append(bytes(data)))
    await strap.notify_hr(58, (1034.0,), contact=True)
    await _until(lambda: received == [encode_hrm(58, (1034.0,), contact=True)])

    # Central-initiated disconnect frees the slot too.
    await client2.disconnect()
    await _until(lambda: len(disconnects) == 2)
    assert emulated_proxy.free_slots() == emulated_proxy.slots
    await hass.async_block_till_done(wait_background_tasks=True)

    _LOGGER.warning(
        "emulated timings: connect %.1f ms, %d frames %.2f ms, readvertise %.1f ms, "
        "reconnect %.1f ms, whole scenario %.1f ms",
        (t_connected - t0) * 1000,
        len(FRAMES),
        (t_streamed - t_stream) * 1000,
        (t_readvertised - t_drop) * 1000,
        (t_reconnected - t_readvertised) * 1000,
        (time.perf_counter() - t0) * 1000,
    )


async def test_out_of_slots(hass: HomeAssistant, emulated_link: EmulatedLink) -> None:
    proxy = await emulated_link.add_proxy(hass, slots=1)
    first = await emulated_link.add_strap(advertise=True)
    second = await emulated_link.add_strap(advertise=True, name="Polar H10 99999999")
    await wait_until_seen(hass, first.address)
    await wait_until_seen(hass, second.address)

    client = await _connect(hass, first.address)
    assert proxy.free_slots() == 0
    assert not proxy.can_connect()

    t0 = time.perf_counter()
    with pytest.raises(bleak_retry_connector.BleakOutOfConnectionSlotsError):
        await _connect(hass, second.address)
    elapsed_ms = (time.perf_counter() - t0) * 1000
    assert not second.is_connected

    # The backend itself refuses too (if HA's can_connect check were bypassed).
    device = bluetooth.async_ble_device_from_address(hass, second.address, True)
    assert device is not None
    backend = LinkBleakClient(device, timeout=5.0)
    with pytest.raises(BleakError, match="connection slot"):
        await (backend.connect(pair=False) if BLEAK_MAJOR >= 1 else backend.connect())

    # Freeing the slot lets the second strap in.
    await client.disconnect()
    await second.start_advertising()
    client2 = await _connect(hass, second.address)
    assert client2.is_connected
    await client2.disconnect()
    await hass.async_block_till_done(wait_background_tasks=True)
    _LOGGER.warning("emulated timings: out-of-slots failure %.1f ms (backoff patched)", elapsed_ms)


async def test_demo_strap_streams_realistic_frames(hass: HomeAssistant) -> None:
    handle = await start_demo_strap(hass, name="Demo HRM", period_s=0.01)
    try:
        await wait_until_seen(hass, handle.address)
        info = bluetooth.async_last_service_info(hass, handle.address, True)
        assert info is not None
        assert info.name == "Demo HRM"
        assert HRS_UUID in info.service_uuids
        frames: list[bytes] = []
        client = await _connect(hass, handle.address)
        await client.start_notify(HRM_UUID, lambda _c, data: frames.append(bytes(data)))
        await _until(lambda: len(frames) >= 20)
        await client.disconnect()
    finally:
        await handle.close()
    await hass.async_block_till_done(wait_background_tasks=True)

    rr_ticks: list[int] = []
    for frame in frames:
        flags, hr = frame[0], frame[1]
        assert flags & 0x06 == 0x06  # contact supported + detected
        assert not flags & 0x01  # uint8 HR
        assert 50 <= hr <= 65
        body = frame[2:]
        assert flags & 0x10 or not body
        rr_ticks += [int.from_bytes(body[i : i + 2], "little") for i in range(0, len(body), 2)]
    rr_ms = [t * 1000 / 1024 for t in rr_ticks]
    assert len(rr_ms) >= 15  # ≈ 0.95 beats per 1-s frame at ≈ 57 bpm
    assert all(850 < rr < 1250 for rr in rr_ms)
    assert max(rr_ms) - min(rr_ms) > 40  # respiratory sinus arrhythmia is visible
