"""HeartRateStrap against a fake bleak client (bleak_retry_connector patched at call time)."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from types import SimpleNamespace

import bleak_retry_connector
import pytest
from bleak.exc import BleakError
from strap import (
    BLEAK_EXCEPTIONS,
    BodySensorLocation,
    Gap,
    HeartRateMeasurement,
    HeartRateStrap,
    Reception,
    StrapConnectionError,
    StrapError,
    StrapInfo,
    StrapOutOfSlotsError,
    StrapStats,
)
from strap.const import (
    BATTERY_LEVEL_UUID,
    BODY_SENSOR_LOCATION_UUID,
    HEART_RATE_MEASUREMENT_UUID,
    MANUFACTURER_NAME_UUID,
    MODEL_NUMBER_UUID,
)
from strap_fakes import ADDRESS, NAME, T0, FakeBle, FakeClock, make_ble_device

HRM = HEART_RATE_MEASUREMENT_UUID
FRAME_60 = bytes(
    [
        0x10,  # flags: RR
        0x3C,  # HR = 60
        0x00,
        0x04,  # RR0 = 1024
    ]
)
FRAME_77 = bytes(
    [
        0x16,  # flags: RR | contact supported | detected
        0x4D,  # HR = 77
        0x16,
        0x03,  # RR0 = 790
        0x1A,
        0x03,  # RR1 = 794
    ]
)
FRAME_ODD = bytes(
    [
        0x10,  # flags: RR
        0x40,  # HR = 64
        0x00,
        0x04,  # RR0 = 1024
        0x35,  # odd trailing byte
    ]
)
FRAME_BAD = bytes(
    [
        0x01,  # flags: uint16 HR
        0x3C,  # only one HR byte: no heart rate can be read
    ]
)

type Received = list[tuple[HeartRateMeasurement, Reception]]


def make_strap(clock: FakeClock, **kwargs) -> HeartRateStrap:
    return HeartRateStrap(make_ble_device(), clock=clock, wall_clock=clock.wall, **kwargs)


def collect(strap: HeartRateStrap) -> Received:
    received: Received = []
    strap.register_callback(lambda m, r: received.append((m, r)))
    return received


# ---------------------------------------------------------------- connect


async def test_connect_uses_retry_connector_and_service_cache_class_looked_up_at_call_time(
    ble: FakeBle, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
):
    class HaSwappedClient(bleak_retry_connector.BleakClientWithServiceCache):
        """What HA installs after bluetooth setup (habluetooth usage.py)."""

    strap = make_strap(clock)  # built before the swap
    monkeypatch.setattr(bleak_retry_connector, "BleakClientWithServiceCache", HaSwappedClient)
    await strap.connect()

    call = ble.calls[0]
    assert call["client_class"] is HaSwappedClient
    assert call["name"] == NAME
    assert call["device"].address == ADDRESS
    assert ble.stale_closed == [ADDRESS]
    assert strap.is_connected
    assert strap.stats.connects == 1


async def test_ble_device_callback_returns_the_freshest_device(ble: FakeBle, clock: FakeClock):
    strap = make_strap(clock)
    await strap.connect()
    fresh = make_ble_device(name="Polar H10 via proxy")
    strap.set_ble_device_and_advertisement_data(fresh, None)
    assert ble.calls[0]["ble_device_callback"]() is fresh
    assert strap.name == "Polar H10 via proxy"


async def test_connect_reads_device_information_location_and_battery(
    ble: FakeBle, clock: FakeClock
):
    strap = make_strap(clock)
    assert strap.info == StrapInfo()
    await strap.connect()
    assert strap.info == StrapInfo(
        manufacturer="Polar Electro Oy",
        model="H10",
        serial_number="0A1B2C3D",
        firmware_revision="3.1.1",
        hardware_revision="39044024.10",
        software_revision=None,  # empty string on the strap
        body_sensor_location=BodySensorLocation.CHEST,
        battery_pct=87,
    )


async def test_connect_subscribes_to_heart_rate_and_notifying_battery_only(
    ble: FakeBle, clock: FakeClock
):
    strap = make_strap(clock)
    await strap.connect()
    assert set(ble.client.notify_callbacks) == {HRM, BATTERY_LEVEL_UUID}


async def test_battery_notify_can_be_turned_off_to_save_proxy_registrations(
    ble: FakeBle, clock: FakeClock
):
    strap = make_strap(clock, notify_battery=False)
    await strap.connect()
    assert set(ble.client.notify_callbacks) == {HRM}
    assert strap.info.battery_pct == 87  # still read


async def test_battery_without_notify_property_is_only_read(ble: FakeBle, clock: FakeClock):
    ble.profile.properties[BATTERY_LEVEL_UUID] = ["read"]
    strap = make_strap(clock)
    await strap.connect()
    assert set(ble.client.notify_callbacks) == {HRM}


async def test_strap_without_optional_characteristics_connects_with_empty_info(
    ble: FakeBle, clock: FakeClock
):
    ble.profile.values.clear()
    ble.profile.properties = {HRM: ["notify"]}
    strap = make_strap(clock)
    await strap.connect()
    assert strap.info == StrapInfo()
    assert set(ble.client.notify_callbacks) == {HRM}


async def test_failing_battery_subscription_does_not_fail_the_connect(
    ble: FakeBle, clock: FakeClock
):
    ble.profile.notify_errors[BATTERY_LEVEL_UUID] = BleakError("status=128")
    strap = make_strap(clock)
    await strap.connect()
    assert strap.is_connected
    await strap.disconnect()
    assert ble.clients[0].stopped == [HRM]


async def test_connect_when_connected_does_nothing(ble: FakeBle, clock: FakeClock):
    strap = make_strap(clock)
    await strap.connect()
    await strap.connect()
    assert len(ble.calls) == 1


async def test_concurrent_connects_are_serialized_into_one_link(ble: FakeBle, clock: FakeClock):
    strap = make_strap(clock)
    await asyncio.gather(strap.connect(), strap.connect())
    assert len(ble.clients) == 1


async def test_failing_stale_connection_cleanup_is_tolerated(
    ble: FakeBle, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
):
    async def broken(address: str) -> None:
        msg = "dbus gone"
        raise BleakError(msg)

    monkeypatch.setattr(bleak_retry_connector, "close_stale_connections_by_address", broken)
    strap = make_strap(clock)
    await strap.connect()
    assert strap.is_connected


# ---------------------------------------------------------------- connect errors


async def test_out_of_slots_maps_to_its_own_connection_error(ble: FakeBle, clock: FakeClock):
    ble.errors.append(bleak_retry_connector.BleakOutOfConnectionSlotsError("no slot"))
    strap = make_strap(clock)
    with pytest.raises(StrapOutOfSlotsError) as caught:
        await strap.connect()
    assert isinstance(caught.value, StrapConnectionError)
    assert caught.value.out_of_slots
    assert isinstance(caught.value.__cause__, bleak_retry_connector.BleakOutOfConnectionSlotsError)
    assert (strap.stats.out_of_slots, strap.stats.connect_failures) == (1, 1)
    assert not strap.is_connected


@pytest.mark.parametrize(
    "error",
    [BleakError("le-connection-abort-by-local"), TimeoutError(), EOFError()],
    ids=["bleak", "timeout", "eof"],
)
async def test_other_connect_failures_map_to_connection_error(
    ble: FakeBle, clock: FakeClock, error: Exception
):
    ble.errors.append(error)
    strap = make_strap(clock)
    with pytest.raises(StrapConnectionError) as caught:
        await strap.connect()
    assert not caught.value.out_of_slots
    assert caught.value.__cause__ is error
    assert isinstance(caught.value, StrapError)
    assert strap.stats.connect_failures == 1
    assert strap.stats.out_of_slots == 0


async def test_missing_heart_rate_characteristic_clears_cache_and_disconnects(
    ble: FakeBle, clock: FakeClock
):
    ble.profile.has_hrm = False
    strap = make_strap(clock)
    with pytest.raises(StrapConnectionError, match="0x2A37"):
        await strap.connect()
    assert ble.client.cache_cleared
    assert not ble.client.is_connected
    assert not strap.is_connected


async def test_failing_heart_rate_subscription_clears_cache_and_disconnects(
    ble: FakeBle, clock: FakeClock
):
    ble.profile.notify_errors[HRM] = BleakError("GATT error 133")
    strap = make_strap(clock)
    with pytest.raises(StrapConnectionError) as caught:
        await strap.connect()
    assert isinstance(caught.value.__cause__, BleakError)
    assert ble.client.cache_cleared
    assert ble.client.disconnect_calls == 1
    assert strap.stats.connect_failures == 1
    assert strap.stats.last_disconnect_reason == "setup failed: BleakError"


async def test_failed_reads_leave_fields_unknown_and_are_retried_next_connect(
    ble: FakeBle, clock: FakeClock
):
    ble.profile.values[MODEL_NUMBER_UUID] = BleakError("read failed")
    ble.profile.values[BODY_SENSOR_LOCATION_UUID] = TimeoutError()
    ble.profile.values[BATTERY_LEVEL_UUID] = BleakError("read failed")
    strap = make_strap(clock)
    await strap.connect()
    assert strap.info.model is None
    assert strap.info.body_sensor_location is None
    assert strap.info.battery_pct is None
    assert strap.info.manufacturer == "Polar Electro Oy"

    ble.profile.values[MODEL_NUMBER_UUID] = b"H10"
    ble.profile.values[BODY_SENSOR_LOCATION_UUID] = bytes([0x01])
    ble.client.lose_link()
    await strap.connect()
    assert strap.info.model == "H10"
    assert strap.info.body_sensor_location is BodySensorLocation.CHEST


async def test_invalid_location_and_battery_values_are_ignored(ble: FakeBle, clock: FakeClock):
    ble.profile.values[BODY_SENSOR_LOCATION_UUID] = b""  # empty: cannot decode
    ble.profile.values[BATTERY_LEVEL_UUID] = bytes([0xC8])  # 200 %: out of range
    strap = make_strap(clock)
    await strap.connect()
    assert strap.info.body_sensor_location is None
    assert strap.info.battery_pct is None
    assert strap.is_connected


async def test_device_information_is_read_once_battery_every_connection(
    ble: FakeBle, clock: FakeClock
):
    strap = make_strap(clock)
    await strap.connect()
    assert MANUFACTURER_NAME_UUID in ble.clients[0].reads
    ble.client.lose_link()
    await strap.connect()
    assert ble.clients[1].reads == [BATTERY_LEVEL_UUID]
    assert ble.clients[0] is not ble.clients[1]  # never reuse a BleakClient


async def test_disconnect_during_connect_aborts_it(ble: FakeBle, clock: FakeClock):
    strap = make_strap(clock)
    entered = asyncio.Event()
    release = asyncio.Event()

    async def slow() -> None:
        entered.set()
        await release.wait()

    ble.before_connect = slow
    task = asyncio.create_task(strap.connect())
    await entered.wait()
    await strap.disconnect("stopped")
    release.set()
    with pytest.raises(StrapConnectionError, match="disconnect"):
        await task
    assert not ble.client.is_connected
    assert not strap.is_connected


async def test_link_lost_while_subscribing_fails_the_connect(
    ble: FakeBle, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
):
    strap = make_strap(clock)
    ble_clients = ble.clients

    def drop_on_battery(uuid: str) -> None:
        if uuid == BATTERY_LEVEL_UUID:
            ble_clients[-1].lose_link()

    original = ble.establish_connection

    async def establish(*args, **kwargs):
        client = await original(*args, **kwargs)
        client.on_start_notify = drop_on_battery
        return client

    monkeypatch.setattr(bleak_retry_connector, "establish_connection", establish)
    with pytest.raises(StrapConnectionError, match="link lost"):
        await strap.connect()
    assert not strap.is_connected


async def test_cancelled_connect_drops_the_half_built_link(
    ble: FakeBle, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
):
    strap = make_strap(clock)
    started = asyncio.Event()
    original = ble.establish_connection

    async def establish(*args, **kwargs):
        client = await original(*args, **kwargs)

        async def hang(char):
            started.set()
            await asyncio.Event().wait()

        client.read_gatt_char = hang  # type: ignore[method-assign]
        return client

    monkeypatch.setattr(bleak_retry_connector, "establish_connection", establish)
    task = asyncio.create_task(strap.connect())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not ble.client.is_connected
    assert not strap.is_connected


# ---------------------------------------------------------------- notifications


async def test_measurements_reach_subscribers_with_receive_times(ble: FakeBle, clock: FakeClock):
    strap = make_strap(clock)
    received = collect(strap)
    await strap.connect()
    clock.advance(1.0)
    ble.client.notify(HRM, FRAME_60)
    clock.advance(1.0)
    ble.client.notify(HRM, FRAME_77)

    assert [m.hr_bpm for m, _ in received] == [60, 77]
    assert [m.rr_1024 for m, _ in received] == [(1024,), (790, 794)]
    assert received[0][1] == Reception(t_s=1001.0, received_at=T0.replace(second=1), gap=None)
    assert received[1][1].t_s == 1002.0
    assert strap.stats.last_frame_t_s == 1002.0


async def test_frames_rr_values_truncated_and_bad_frames_are_counted(
    ble: FakeBle, clock: FakeClock, caplog: pytest.LogCaptureFixture
):
    strap = make_strap(clock)
    received = collect(strap)
    await strap.connect()
    caplog.set_level(logging.DEBUG, logger="strap.client")
    for frame in (FRAME_60, FRAME_77, FRAME_ODD, FRAME_BAD, b""):
        ble.client.notify(HRM, frame)

    assert len(received) == 3
    assert received[2][0].truncated
    stats = strap.stats
    assert (stats.frames, stats.rr_values, stats.truncated_frames, stats.bad_frames) == (
        3,
        4,
        1,
        2,
    )
    dropped = [r for r in caplog.records if "dropped frame" in r.getMessage()]
    assert len(dropped) == 2
    assert all(r.levelno == logging.DEBUG and NAME in r.getMessage() for r in dropped)


async def test_no_rr_series_is_logged_above_debug(
    ble: FakeBle, clock: FakeClock, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    strap = make_strap(clock)
    await strap.connect()
    ble.client.notify(HRM, FRAME_77)
    ble.client.lose_link()
    assert all(r.levelno <= logging.DEBUG for r in caplog.records if r.name == "strap.client")


async def test_failing_subscriber_is_logged_and_does_not_stop_the_stream(
    ble: FakeBle, clock: FakeClock, caplog: pytest.LogCaptureFixture
):
    strap = make_strap(clock)

    def broken(m, r):
        msg = "subscriber bug"
        raise RuntimeError(msg)

    strap.register_callback(broken)
    received = collect(strap)
    await strap.connect()
    ble.client.notify(HRM, FRAME_60)
    ble.client.notify(HRM, FRAME_77)

    assert len(received) == 2
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 2
    assert NAME in errors[0].getMessage()


async def test_unsubscribe_stops_delivery_and_is_idempotent(ble: FakeBle, clock: FakeClock):
    strap = make_strap(clock)
    received: Received = []
    unsubscribe = strap.register_callback(lambda m, r: received.append((m, r)))
    other = collect(strap)
    await strap.connect()
    ble.client.notify(HRM, FRAME_60)
    unsubscribe()
    unsubscribe()
    ble.client.notify(HRM, FRAME_77)
    assert len(received) == 1
    assert len(other) == 2


async def test_battery_notifications_update_info(ble: FakeBle, clock: FakeClock):
    strap = make_strap(clock)
    await strap.connect()
    ble.client.notify(BATTERY_LEVEL_UUID, bytes([0x50]))  # 80 %
    assert strap.info.battery_pct == 80
    ble.client.notify(BATTERY_LEVEL_UUID, b"")  # empty: ignored
    assert strap.info.battery_pct == 80


async def test_read_battery_refreshes_info(ble: FakeBle, clock: FakeClock):
    strap = make_strap(clock)
    await strap.connect()
    ble.profile.values[BATTERY_LEVEL_UUID] = bytes([0x41])  # 65 %
    assert await strap.read_battery() == 65
    assert strap.info.battery_pct == 65
    ble.profile.values[BATTERY_LEVEL_UUID] = bytes([0xFF])  # invalid: keep 65
    assert await strap.read_battery() == 65


async def test_read_battery_errors(ble: FakeBle, clock: FakeClock):
    strap = make_strap(clock)
    with pytest.raises(StrapConnectionError, match="not connected"):
        await strap.read_battery()
    await strap.connect()
    ble.profile.values[BATTERY_LEVEL_UUID] = BleakError("read failed")
    with pytest.raises(StrapConnectionError, match="battery"):
        await strap.read_battery()


async def test_read_battery_without_battery_characteristic_is_none(ble: FakeBle, clock: FakeClock):
    del ble.profile.values[BATTERY_LEVEL_UUID]
    del ble.profile.properties[BATTERY_LEVEL_UUID]
    strap = make_strap(clock)
    await strap.connect()
    assert await strap.read_battery() is None


# ---------------------------------------------------------------- disconnects and gaps


async def test_link_loss_opens_a_gap_and_tells_disconnect_subscribers(
    ble: FakeBle, clock: FakeClock
):
    strap = make_strap(clock)
    gaps: list[Gap] = []
    strap.register_disconnected_callback(gaps.append)
    await strap.connect()
    ble.client.notify(HRM, FRAME_60)
    clock.advance(30.0)
    ble.client.lose_link()

    assert not strap.is_connected
    assert gaps == [
        Gap(
            started_t_s=1030.0,
            started_at=T0.replace(second=30),
            reason="link lost",
            expected=False,
        )
    ]
    assert gaps[0].duration_s is None
    assert strap.last_gap == gaps[0]
    assert strap.stats.gaps == 1
    assert strap.stats.last_disconnect_reason == "link lost"


async def test_reconnect_closes_the_gap_and_first_frame_carries_it(ble: FakeBle, clock: FakeClock):
    strap = make_strap(clock)
    received = collect(strap)
    await strap.connect()
    ble.client.notify(HRM, FRAME_60)
    clock.advance(10.0)
    ble.client.lose_link()
    clock.advance(600.0)
    await strap.connect()
    clock.advance(1.0)
    ble.client.notify(HRM, FRAME_77)
    ble.client.notify(HRM, FRAME_60)

    gap = received[1][1].gap
    assert gap is not None
    assert (gap.started_t_s, gap.ended_t_s, gap.duration_s) == (1010.0, 1610.0, 600.0)
    assert gap.ended_at == T0.replace(minute=40, second=10)
    assert received[0][1].gap is None
    assert received[2][1].gap is None  # delivered once
    assert strap.last_gap == gap
    assert strap.stats.connects == 2
    assert len(ble.clients) == 2


async def test_no_beats_are_invented_for_a_gap(ble: FakeBle, clock: FakeClock):
    strap = make_strap(clock)
    received = collect(strap)
    await strap.connect()
    ble.client.notify(HRM, FRAME_60)
    ble.client.lose_link()
    clock.advance(3600.0)
    await strap.connect()
    ble.client.notify(HRM, FRAME_60)
    assert [m.rr_1024 for m, _ in received] == [(1024,), (1024,)]
    assert strap.stats.rr_values == 2


async def test_drop_again_before_any_frame_extends_the_undelivered_gap(
    ble: FakeBle, clock: FakeClock
):
    strap = make_strap(clock)
    received = collect(strap)
    await strap.connect()
    ble.client.notify(HRM, FRAME_60)
    ble.client.lose_link()  # gap starts at 1000
    clock.advance(100.0)
    await strap.connect()  # gap closed at 1100, not yet delivered
    clock.advance(5.0)
    ble.client.lose_link()  # no frame on this link
    clock.advance(100.0)
    await strap.connect()
    ble.client.notify(HRM, FRAME_60)

    gap = received[1][1].gap
    assert gap is not None
    assert (gap.started_t_s, gap.ended_t_s) == (1000.0, 1205.0)
    assert strap.stats.gaps == 2


async def test_failed_resubscription_keeps_the_gap_open(ble: FakeBle, clock: FakeClock):
    strap = make_strap(clock)
    await strap.connect()
    ble.client.notify(HRM, FRAME_60)
    ble.client.lose_link()
    ble.profile.notify_errors[HRM] = BleakError("GATT error 133")
    clock.advance(60.0)
    with pytest.raises(StrapConnectionError):
        await strap.connect()
    assert strap.last_gap is not None
    assert strap.last_gap.ended_t_s is None
    assert strap.stats.gaps == 1


async def test_disconnect_unsubscribes_and_records_an_expected_gap(ble: FakeBle, clock: FakeClock):
    strap = make_strap(clock)
    gaps: list[Gap] = []
    strap.register_disconnected_callback(gaps.append)
    await strap.connect()
    ble.client.notify(HRM, FRAME_60)
    await strap.disconnect("stopped")

    assert ble.client.stopped == [HRM, BATTERY_LEVEL_UUID]
    assert ble.client.disconnect_calls == 1
    assert not strap.is_connected
    assert len(gaps) == 1
    assert (gaps[0].reason, gaps[0].expected) == ("stopped", True)
    assert strap.stats.last_disconnect_reason == "stopped"
    await strap.disconnect()  # idempotent
    assert len(gaps) == 1


async def test_disconnect_records_the_gap_when_the_backend_does_not_call_back(
    ble: FakeBle, clock: FakeClock
):
    ble.profile.callback_on_disconnect = False
    strap = make_strap(clock)
    gaps: list[Gap] = []
    strap.register_disconnected_callback(gaps.append)
    await strap.connect()
    await strap.disconnect("stale")
    assert [(g.reason, g.expected) for g in gaps] == [("stale", True)]


async def test_disconnect_swallows_bleak_errors(ble: FakeBle, clock: FakeClock):
    ble.profile.stop_notify_error = BleakError("not connected")
    ble.profile.disconnect_error = BleakError("already gone")
    strap = make_strap(clock)
    await strap.connect()
    await strap.disconnect()
    assert not strap.is_connected
    assert strap.stats.gaps == 1


async def test_failing_disconnect_subscriber_is_isolated(
    ble: FakeBle, clock: FakeClock, caplog: pytest.LogCaptureFixture
):
    strap = make_strap(clock)

    def broken(gap):
        msg = "subscriber bug"
        raise RuntimeError(msg)

    gaps: list[Gap] = []
    strap.register_disconnected_callback(broken)
    unsubscribe = strap.register_disconnected_callback(gaps.append)
    await strap.connect()
    ble.client.lose_link()
    assert len(gaps) == 1
    assert any(r.levelno == logging.ERROR for r in caplog.records)

    unsubscribe()
    unsubscribe()
    await strap.connect()
    ble.client.lose_link()
    assert len(gaps) == 1


async def test_stale_client_callbacks_are_ignored(ble: FakeBle, clock: FakeClock):
    strap = make_strap(clock)
    await strap.connect()
    old = ble.client
    old.lose_link()
    await strap.connect()
    strap._on_bleak_disconnected(old)  # late callback from the dropped client
    assert strap.is_connected
    assert strap.stats.gaps == 1


async def test_link_dead_without_callback_is_recorded_before_reconnecting(
    ble: FakeBle, clock: FakeClock
):
    ble.profile.callback_on_disconnect = False
    strap = make_strap(clock)
    gaps: list[Gap] = []
    strap.register_disconnected_callback(gaps.append)
    await strap.connect()
    zombie = ble.client
    zombie._connected = False  # link gone, bleak silent
    assert not strap.is_connected
    await strap.connect()
    assert [(g.reason, g.expected) for g in gaps] == [("link lost", False)]
    assert zombie.disconnect_calls == 1
    assert strap.is_connected
    assert ble.client is not zombie


async def test_default_clocks_are_monotonic_and_aware_utc(ble: FakeBle):
    strap = HeartRateStrap(make_ble_device())
    received = collect(strap)
    await strap.connect()
    ble.client.notify(HRM, FRAME_60)
    reception = received[0][1]
    assert reception.received_at.tzinfo is UTC
    assert abs(reception.received_at - datetime.now(UTC)).total_seconds() < 60
    assert abs(reception.t_s - time.monotonic()) < 60


# ---------------------------------------------------------------- identity


def test_name_falls_back_to_advertised_name_then_address(clock: FakeClock):
    strap = HeartRateStrap(make_ble_device(name=None))
    assert strap.name == ADDRESS
    assert strap.rssi is None
    adv = SimpleNamespace(local_name="Polar H10 ABC", rssi=-71)
    strap.set_ble_device_and_advertisement_data(make_ble_device(name=None), adv)  # type: ignore[arg-type]
    assert strap.name == "Polar H10 ABC"
    assert strap.rssi == -71
    assert strap.address == ADDRESS


def test_fresh_strap_has_zero_stats_and_no_gap(clock: FakeClock):
    strap = make_strap(clock)
    assert strap.stats == StrapStats()
    assert strap.last_gap is None
    assert not strap.is_connected


def test_bleak_exceptions_are_re_exported():
    assert BleakError in BLEAK_EXCEPTIONS
