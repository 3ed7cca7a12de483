"""Property and fuzz tests of the Heart Rate Measurement parser (hypothesis)."""

from __future__ import annotations

import pytest

pytest.importorskip("hypothesis")  # the old-stack venv (HA 2025.4 pins) has no hypothesis

from hypothesis import given, settings
from hypothesis import strategies as st
from strap.exceptions import ProtocolError
from strap.protocol import parse_heart_rate_measurement


def encode(
    *,
    hr_bpm: int,
    uint16: bool,
    contact: bool | None,
    energy_kj: int | None,
    rr_1024: list[int] | None,
    reserved: int,
) -> bytes:
    """Independent test-side encoder of a 0x2A37 frame (spec layout, little-endian)."""
    flags = reserved & 0xE0
    body = bytearray()
    if uint16:
        flags |= 0x01
        body += hr_bpm.to_bytes(2, "little")
    else:
        body.append(hr_bpm)
    if contact is not None:
        flags |= 0x04 | (0x02 if contact else 0)
    if energy_kj is not None:
        flags |= 0x08
        body += energy_kj.to_bytes(2, "little")
    if rr_1024 is not None:
        flags |= 0x10
        for rr in rr_1024:
            body += rr.to_bytes(2, "little")
    return bytes([flags]) + bytes(body)


frames = st.builds(
    lambda uint16, hr8, hr16, contact, energy, rr, reserved: (
        {
            "hr_bpm": hr16 if uint16 else hr8,
            "uint16": uint16,
            "contact": contact,
            "energy_kj": energy,
            "rr_1024": rr,
            "reserved": reserved,
        }
    ),
    st.booleans(),
    st.integers(0, 0xFF),
    st.integers(0, 0xFFFF),
    st.none() | st.booleans(),
    st.none() | st.integers(0, 0xFFFF),
    st.none() | st.lists(st.integers(0, 0xFFFF), max_size=40),
    st.integers(0, 0xFF),
)


@given(frames)
def test_well_formed_frames_round_trip(fields):
    m = parse_heart_rate_measurement(encode(**fields))
    assert m.hr_bpm == fields["hr_bpm"]
    assert m.sensor_contact is fields["contact"]
    assert m.energy_expended_kj == fields["energy_kj"]
    assert m.rr_1024 == tuple(fields["rr_1024"] or ())
    assert not m.truncated


@given(frames, st.data())
def test_cutting_a_frame_never_invents_values(fields, data):
    frame = encode(**fields)
    cut = frame[: data.draw(st.integers(0, len(frame)))]
    try:
        m = parse_heart_rate_measurement(cut)
    except ProtocolError:
        hr_bytes = 2 if fields["uint16"] else 1
        assert len(cut) < 1 + hr_bytes
        return
    full = parse_heart_rate_measurement(frame)
    assert m.hr_bpm == full.hr_bpm
    assert m.sensor_contact is full.sensor_contact
    assert m.energy_expended_kj in {None, full.energy_expended_kj}
    assert full.rr_1024[: len(m.rr_1024)] == m.rr_1024  # a prefix, oldest first
    # Only a cut inside a field is truncation; a cut between fields looks like a valid frame.
    assert m.truncated == (
        (fields["energy_kj"] is not None and m.energy_expended_kj is None)
        or (fields["rr_1024"] is not None and (len(cut) - len(frame)) % 2 == 1)
    )


@settings(max_examples=500)
@given(st.binary(max_size=64))
def test_arbitrary_bytes_give_a_measurement_or_protocol_error(data):
    try:
        m = parse_heart_rate_measurement(data)
    except ProtocolError:
        assert len(data) < 2 or (data[0] & 0x01 and len(data) < 3)
        return
    assert 0 <= m.hr_bpm <= 0xFFFF
    assert all(0 <= rr <= 0xFFFF for rr in m.rr_1024)
    assert 2 * len(m.rr_1024) <= len(data)
    assert m.rr_ms == tuple(rr * 1000 / 1024 for rr in m.rr_1024)
