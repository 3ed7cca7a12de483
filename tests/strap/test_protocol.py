"""Heart Rate Measurement and friends, decoded from bytes written by hand per the spec.

Every frame is spelled out byte by byte (ble-heart-rate.md §2). Flags byte bits:
0x01 uint16 HR, 0x02 contact detected, 0x04 contact supported, 0x08 energy expended,
0x10 RR intervals, 0xE0 reserved. All multi-byte fields little-endian.
"""

from __future__ import annotations

import pytest
from strap.const import MS_PER_RR_TICK, RR_TICKS_PER_S
from strap.exceptions import ProtocolError, StrapError
from strap.models import BodySensorLocation, HeartRateMeasurement
from strap.protocol import (
    decode_device_information_string,
    parse_battery_level,
    parse_body_sensor_location,
    parse_heart_rate_measurement,
    rr_1024_to_ms,
)

# ---------------------------------------------------------------- §2.4 decoded examples


def test_polar_h10_frame_without_contact_bits_has_unknown_contact():
    frame = bytes(
        [
            0x10,  # flags: RR present; contact bits clear (H10 style)
            0x3C,  # HR uint8 = 60
            0x2D,
            0x04,  # RR0 = 0x042D = 1069
        ]
    )
    m = parse_heart_rate_measurement(frame)
    assert m == HeartRateMeasurement(
        hr_bpm=60,
        sensor_contact=None,
        energy_expended_kj=None,
        rr_1024=(1069,),
        truncated=False,
    )


def test_polar_h7_frame_with_contact_detected_and_two_rr():
    frame = bytes(
        [
            0x16,  # flags: RR (0x10) | contact supported (0x04) | detected (0x02)
            0x4D,  # HR = 77
            0x16,
            0x03,  # RR0 = 0x0316 = 790 (oldest)
            0x1A,
            0x03,  # RR1 = 0x031A = 794
        ]
    )
    m = parse_heart_rate_measurement(frame)
    assert m.hr_bpm == 77
    assert m.sensor_contact is True
    assert m.rr_1024 == (790, 794)
    assert not m.truncated


def test_boot_frame_with_zero_heart_rate_is_legal_and_unknown():
    frame = bytes(
        [
            0x00,  # flags: nothing
            0x00,  # HR = 0 (H10 right after power-up)
        ]
    )
    m = parse_heart_rate_measurement(frame)
    assert m.hr_bpm == 0
    assert m.known_hr_bpm is None
    assert m.sensor_contact is None
    assert m.rr_1024 == ()
    assert not m.truncated


def test_uint16_heart_rate_energy_and_rr_are_read_in_field_order():
    frame = bytes(
        [
            0x19,  # flags: uint16 HR (0x01) | EE (0x08) | RR (0x10)
            0x2C,
            0x01,  # HR = 0x012C = 300
            0xE8,
            0x03,  # EE = 0x03E8 = 1000 kJ
            0x00,
            0x04,  # RR0 = 0x0400 = 1024
        ]
    )
    m = parse_heart_rate_measurement(frame)
    assert (m.hr_bpm, m.energy_expended_kj, m.rr_1024) == (300, 1000, (1024,))
    assert m.sensor_contact is None
    assert not m.truncated


def test_contact_supported_but_not_detected_is_false_and_hr_unknown():
    frame = bytes(
        [
            0x04,  # flags: contact supported, not detected (strap on the desk)
            0x00,  # HR = 0
        ]
    )
    m = parse_heart_rate_measurement(frame)
    assert m.sensor_contact is False
    assert m.known_hr_bpm is None


def test_nine_rr_values_fill_a_default_mtu_frame():
    frame = bytes(
        [
            0x10,  # flags: RR
            0x40,  # HR = 64
            *[0x00, 0x04] * 9,  # 9 x RR = 0x0400 = 1024
        ]
    )
    assert len(frame) == 20  # ATT_MTU 23 - 3
    m = parse_heart_rate_measurement(frame)
    assert m.rr_1024 == (1024,) * 9
    assert not m.truncated


def test_garmin_spurious_trailing_rr_is_kept_for_the_artefact_stage():
    frame = bytes(
        [
            0x10,  # flags: RR
            0x38,  # HR = 56
            0x2D,
            0x04,  # RR0 = 1069
            0x35,
            0x00,  # RR1 = 0x0035 = 53 (~52 ms, implausible, kept)
        ]
    )
    assert parse_heart_rate_measurement(frame).rr_1024 == (1069, 53)


# ---------------------------------------------------------------- §3.2 edge cases


@pytest.mark.parametrize(
    "frame",
    [
        b"",  # nothing at all
        bytes([0x10]),  # flags only (RR flagged), no HR byte
    ],
    ids=["empty", "flags_only"],
)
def test_frame_shorter_than_two_bytes_raises_protocol_error(frame):
    with pytest.raises(ProtocolError, match="too short"):
        parse_heart_rate_measurement(frame)


def test_uint16_flag_with_one_hr_byte_raises_protocol_error():
    frame = bytes(
        [
            0x01,  # flags: uint16 HR
            0x3C,  # HR low byte only; high byte missing
        ]
    )
    with pytest.raises(ProtocolError, match="uint16"):
        parse_heart_rate_measurement(frame)


def test_protocol_error_is_a_value_error_and_a_strap_error():
    with pytest.raises(ValueError, match="too short"):
        parse_heart_rate_measurement(b"")
    assert issubclass(ProtocolError, StrapError)


def test_energy_flag_with_missing_energy_bytes_keeps_hr_and_marks_truncated():
    frame = bytes(
        [
            0x08,  # flags: EE present
            0x40,  # HR = 64
            0x01,  # EE low byte; high byte cut off
        ]
    )
    m = parse_heart_rate_measurement(frame)
    assert m.hr_bpm == 64
    assert m.energy_expended_kj is None
    assert m.truncated


def test_energy_flag_with_no_energy_bytes_at_all_marks_truncated():
    frame = bytes(
        [
            0x18,  # flags: EE | RR
            0x40,  # HR = 64; EE and RR missing entirely
        ]
    )
    m = parse_heart_rate_measurement(frame)
    assert (m.energy_expended_kj, m.rr_1024, m.truncated) == (None, (), True)


def test_rr_flag_without_rr_bytes_is_an_empty_legal_frame():
    frame = bytes(
        [
            0x10,  # flags: RR present
            0x40,  # HR = 64; no beat completed in this second
        ]
    )
    m = parse_heart_rate_measurement(frame)
    assert m.rr_1024 == ()
    assert not m.truncated


def test_odd_trailing_rr_byte_is_dropped_never_decoded():
    frame = bytes(
        [
            0x10,  # flags: RR
            0x40,  # HR = 64
            0x00,
            0x04,  # RR0 = 1024
            0x35,  # lone trailing byte: dropped
        ]
    )
    m = parse_heart_rate_measurement(frame)
    assert m.rr_1024 == (1024,)
    assert m.truncated


def test_single_rr_byte_after_hr_gives_no_rr_and_truncated():
    frame = bytes(
        [
            0x10,  # flags: RR
            0x40,  # HR = 64
            0x35,  # half an RR value
        ]
    )
    m = parse_heart_rate_measurement(frame)
    assert (m.rr_1024, m.truncated) == ((), True)


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (0x10, None),  # bit 2 clear: contact not supported (H10)
        (0x12, None),  # bit 1 set but bit 2 clear: still "not supported"
        (0x14, False),  # supported, not detected
        (0x16, True),  # supported and detected (H7)
    ],
)
def test_contact_follows_bits_two_and_one_never_the_whole_flags_byte(flags, expected):
    frame = bytes(
        [
            flags,  # flags under test (always with RR)
            0x3C,  # HR = 60
            0x00,
            0x04,  # RR0 = 1024
        ]
    )
    assert parse_heart_rate_measurement(frame).sensor_contact is expected


def test_reserved_flag_bits_are_ignored():
    frame = bytes(
        [
            0xE0,  # flags: only reserved bits 5-7 set
            0x3C,  # HR = 60
        ]
    )
    m = parse_heart_rate_measurement(frame)
    assert (m.hr_bpm, m.sensor_contact, m.energy_expended_kj, m.rr_1024) == (60, None, None, ())
    assert not m.truncated


def test_frame_cut_at_mtu_minus_three_decodes_what_arrived():
    full = bytes(
        [
            0x10,  # flags: RR
            0x40,  # HR = 64
            *[0x00, 0x04] * 13,  # 13 x RR = 1024: 28 bytes in total
        ]
    )
    cut = full[:20]  # what arrives at ATT_MTU 23 (20-byte payload)
    m = parse_heart_rate_measurement(cut)
    assert m.rr_1024 == (1024,) * 9
    assert not m.truncated  # an even cut looks like a valid shorter frame


def test_frame_cut_inside_an_rr_value_is_truncated():
    full = bytes(
        [
            0x19,  # flags: uint16 HR | EE | RR
            0x48,
            0x00,  # HR = 72
            0x02,
            0x01,  # EE = 0x0102 = 258 kJ
            *[0x00, 0x04] * 12,  # 12 x RR = 1024: 29 bytes in total
        ]
    )
    m = parse_heart_rate_measurement(full[:20])  # 15 RR bytes arrive: 7 values + 1 byte
    assert m.rr_1024 == (1024,) * 7
    assert m.truncated


def test_rr_sent_in_ms_by_non_compliant_firmware_passes_through_unchanged():
    frame = bytes(
        [
            0x10,  # flags: RR
            0x3C,  # HR = 60
            0xE8,
            0x03,  # RR0 = 1000 (meant as ms; the parser cannot tell)
        ]
    )
    assert parse_heart_rate_measurement(frame).rr_1024 == (1000,)


def test_uint16_is_lo_plus_hi_shifted_not_0xff_times_hi():
    frame = bytes(
        [
            0x01,  # flags: uint16 HR
            0x2C,
            0x01,  # HR = 0x2C + (0x01 << 8) = 300 (0xFF*hi+lo would give 299)
        ]
    )
    assert parse_heart_rate_measurement(frame).hr_bpm == 300


# ---------------------------------------------------------------- style.md §9 vectors


def test_one_second_rr_is_1024_ticks_and_1000_ms():
    frame = bytes(
        [
            0x10,  # flags: RR
            0x3C,  # HR = 60
            0x00,
            0x04,  # RR0 = 1024
        ]
    )
    m = parse_heart_rate_measurement(frame)
    assert m.rr_1024 == (RR_TICKS_PER_S,)
    assert m.rr_ms == (1000.0,)


def test_uint16_hr_with_energy_and_rr():
    frame = bytes(
        [
            0x19,  # flags: uint16 HR | EE | RR
            0x48,
            0x00,  # HR = 72
            0x02,
            0x01,  # EE = 258 kJ
            0x00,
            0x04,  # RR0 = 1024
        ]
    )
    m = parse_heart_rate_measurement(frame)
    assert (m.hr_bpm, m.energy_expended_kj, m.rr_1024) == (72, 258, (1024,))


# ---------------------------------------------------------------- other behaviour


def test_bytes_after_hr_without_rr_or_energy_flags_are_ignored():
    frame = bytes(
        [
            0x00,  # flags: nothing
            0x3C,  # HR = 60
            0x2D,
            0x04,  # unflagged bytes: not RR, not a truncation
        ]
    )
    m = parse_heart_rate_measurement(frame)
    assert (m.rr_1024, m.truncated) == ((), False)


def test_large_mtu_frame_with_many_rr_values_is_decoded():
    frame = bytes([0x10, 0x40]) + (1024).to_bytes(2, "little") * 100  # RR flag, HR 64, 100 RR
    assert parse_heart_rate_measurement(frame).rr_1024 == (1024,) * 100


@pytest.mark.parametrize("wrap", [bytes, bytearray, memoryview])
def test_parser_accepts_bytes_bytearray_and_memoryview(wrap):
    frame = bytes(
        [
            0x10,  # flags: RR
            0x3C,  # HR = 60
            0x2D,
            0x04,  # RR0 = 1069
        ]
    )
    assert parse_heart_rate_measurement(wrap(frame)).rr_1024 == (1069,)


def test_rr_ms_is_exact_and_keeps_order():
    m = HeartRateMeasurement(
        hr_bpm=60, sensor_contact=None, energy_expended_kj=None, rr_1024=(1069, 53), truncated=False
    )
    assert m.rr_ms == (1069 * 1000 / 1024, 53 * 1000 / 1024)
    assert m.rr_ms == (1043.9453125, 51.7578125)
    assert rr_1024_to_ms(1069) == 1043.9453125
    assert MS_PER_RR_TICK == 0.9765625


def test_known_hr_bpm_is_the_reading_when_contact_is_fine():
    m = HeartRateMeasurement(
        hr_bpm=58, sensor_contact=True, energy_expended_kj=None, rr_1024=(), truncated=False
    )
    assert m.known_hr_bpm == 58
    assert parse_heart_rate_measurement(bytes([0x10, 0x3A])).known_hr_bpm == 58  # no contact bits


def test_measurement_is_frozen_and_keyword_only():
    with pytest.raises(TypeError):
        HeartRateMeasurement(60, None, None, (), False)  # type: ignore[misc]
    m = parse_heart_rate_measurement(bytes([0x00, 0x3C]))
    with pytest.raises(AttributeError):
        m.hr_bpm = 61  # type: ignore[misc]


# ---------------------------------------------------------------- battery level (0x2A19)


@pytest.mark.parametrize(("value", "pct"), [(b"\x00", 0), (b"\x57", 87), (b"\x64", 100)])
def test_battery_level_is_one_uint8_percent(value, pct):
    assert parse_battery_level(value) == pct


def test_battery_level_ignores_bytes_after_the_first():
    assert parse_battery_level(bytes([0x32, 0xFF])) == 50  # 50 %, then junk


@pytest.mark.parametrize("value", [b"", b"\x65", b"\xff"], ids=["empty", "101", "255"])
def test_battery_level_empty_or_above_100_raises(value):
    with pytest.raises(ProtocolError):
        parse_battery_level(value)


# ---------------------------------------------------------------- body sensor location (0x2A38)


@pytest.mark.parametrize(
    ("code", "location"),
    [
        (0, BodySensorLocation.OTHER),
        (1, BodySensorLocation.CHEST),
        (2, BodySensorLocation.WRIST),
        (3, BodySensorLocation.FINGER),
        (4, BodySensorLocation.HAND),
        (5, BodySensorLocation.EAR_LOBE),
        (6, BodySensorLocation.FOOT),
    ],
)
def test_body_sensor_location_codes(code, location):
    assert parse_body_sensor_location(bytes([code])) is location


@pytest.mark.parametrize("code", [7, 0x80, 0xFF])
def test_unknown_body_sensor_location_code_is_none(code):
    assert parse_body_sensor_location(bytes([code])) is None


def test_empty_body_sensor_location_raises():
    with pytest.raises(ProtocolError):
        parse_body_sensor_location(b"")


# ---------------------------------------------------------------- device information strings


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (b"Polar Electro Oy", "Polar Electro Oy"),
        (b"H10\x00\x00\x00", "H10"),  # NUL padding
        (b"3.1.1\x00garbage", "3.1.1"),  # text ends at the first NUL
        (b"  1.0 \n", "1.0"),  # whitespace
        (b"Caf\xc3\xa9", "Café"),  # UTF-8
        (b"bad\xffbyte", "bad\ufffdbyte"),  # invalid UTF-8 replaced
        (b"", None),
        (b"\x00\x00", None),
        (b"   ", None),
    ],
)
def test_device_information_strings_decode_tolerantly(value, text):
    assert decode_device_information_string(value) == text
    assert decode_device_information_string(bytearray(value)) == text
