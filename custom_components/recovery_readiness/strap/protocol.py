"""Pure, stateless parsers of the strap's GATT characteristic values.

Wire format and edge cases: ble-heart-rate.md §2-§3. Every function here is O(n) in the
frame length, does no I/O and no logging, and allocates little: it runs on Home
Assistant's event loop for every notification (about 1 Hz per strap).
"""

from __future__ import annotations

import struct
from typing import Final

from .const import (
    BATTERY_LEVEL_MAX_PCT,
    FLAG_ENERGY_EXPENDED,
    FLAG_HR_UINT16,
    FLAG_RR_INTERVALS,
    FLAG_SENSOR_CONTACT_DETECTED,
    FLAG_SENSOR_CONTACT_SUPPORTED,
    MS_PER_RR_TICK,
)
from .exceptions import ProtocolError
from .models import BodySensorLocation, HeartRateMeasurement

__all__ = [
    "decode_device_information_string",
    "parse_battery_level",
    "parse_body_sensor_location",
    "parse_heart_rate_measurement",
    "rr_1024_to_ms",
]

type Buffer = bytes | bytearray | memoryview

_U16: Final = struct.Struct("<H")
_PRECOMPILED_RR: Final = 32
"""RR counts with a precompiled struct (9 fit at the default MTU; 32 covers MTU 67)."""
_RR_STRUCTS: Final = tuple(struct.Struct(f"<{count}H") for count in range(_PRECOMPILED_RR + 1))
_MAX_LOCATION_CODE: Final = max(BodySensorLocation)


def _rr_struct(count: int) -> struct.Struct:
    """Return a struct for `count` little-endian uint16 values (big MTU frames: built here)."""
    if count <= _PRECOMPILED_RR:
        return _RR_STRUCTS[count]
    return struct.Struct(f"<{count}H")


def parse_heart_rate_measurement(data: Buffer) -> HeartRateMeasurement:
    """Decode one Heart Rate Measurement (0x2A37) notification.

    Layout (little-endian): ``flags(1) | HR(1 or 2) | [Energy Expended(2)] | [RR(2) ...]``.
    Reserved flag bits 5-7 are ignored. Bytes after the heart rate when neither Energy
    Expended nor RR intervals are flagged are ignored (not a truncation).

    Args:
        data: The notification payload as received.

    Returns:
        The decoded measurement. A cut-off Energy Expended field becomes None and an odd
        trailing RR byte is dropped (never decoded as a 1-byte RR); both set
        ``truncated=True``.

    Raises:
        ProtocolError: if no heart rate can be read (fewer than 2 bytes, or the uint16
            flag with only one heart-rate byte).

    Example:
        >>> parse_heart_rate_measurement(bytes.fromhex("16 4d 16 03 1a 03")).rr_1024
        (790, 794)
    """
    size = len(data)
    if size < 2:  # noqa: PLR2004  (flags + one HR byte)
        msg = f"heart rate measurement too short: {size} byte(s)"
        raise ProtocolError(msg)
    flags = data[0]
    if flags & FLAG_HR_UINT16:
        if size < 3:  # noqa: PLR2004  (flags + two HR bytes)
            msg = "heart rate measurement flags a uint16 heart rate but has one byte"
            raise ProtocolError(msg)
        hr_bpm: int = _U16.unpack_from(data, 1)[0]
        offset = 3
    else:
        hr_bpm = data[1]
        offset = 2

    sensor_contact = (
        bool(flags & FLAG_SENSOR_CONTACT_DETECTED)
        if flags & FLAG_SENSOR_CONTACT_SUPPORTED
        else None
    )

    truncated = False
    energy_expended_kj: int | None = None
    if flags & FLAG_ENERGY_EXPENDED:
        if size - offset >= 2:  # noqa: PLR2004
            energy_expended_kj = _U16.unpack_from(data, offset)[0]
            offset += 2
        else:
            truncated = True
            offset = size

    rr_1024: tuple[int, ...] = ()
    if flags & FLAG_RR_INTERVALS:
        remaining = size - offset
        if remaining & 1:
            truncated = True
        if remaining > 1:
            rr_1024 = _rr_struct(remaining >> 1).unpack_from(data, offset)

    return HeartRateMeasurement(
        hr_bpm=hr_bpm,
        sensor_contact=sensor_contact,
        energy_expended_kj=energy_expended_kj,
        rr_1024=rr_1024,
        truncated=truncated,
    )


def rr_1024_to_ms(raw: int) -> float:
    """Convert one RR interval from 1/1024-s ticks to ms (exact: ``raw * 1000 / 1024``).

    Example:
        >>> rr_1024_to_ms(1069)
        1043.9453125
    """
    return raw * MS_PER_RR_TICK


def parse_battery_level(data: Buffer) -> int:
    """Decode a Battery Level (0x2A19) value: one uint8, 0-100 %.

    Args:
        data: The characteristic value; bytes after the first are ignored.

    Returns:
        The battery level in percent.

    Raises:
        ProtocolError: if the value is empty or above 100.
    """
    if not data:
        msg = "battery level is empty"
        raise ProtocolError(msg)
    level_pct = data[0]
    if level_pct > BATTERY_LEVEL_MAX_PCT:
        msg = f"battery level out of range: {level_pct}"
        raise ProtocolError(msg)
    return level_pct


def parse_body_sensor_location(data: Buffer) -> BodySensorLocation | None:
    """Decode a Body Sensor Location (0x2A38) value: one uint8 code.

    Args:
        data: The characteristic value; bytes after the first are ignored.

    Returns:
        The location, or None for a code the specification does not define (7-255).

    Raises:
        ProtocolError: if the value is empty.
    """
    if not data:
        msg = "body sensor location is empty"
        raise ProtocolError(msg)
    code = data[0]
    if code > _MAX_LOCATION_CODE:
        return None
    return BodySensorLocation(code)


def decode_device_information_string(data: Buffer) -> str | None:
    """Decode a Device Information string (manufacturer, model, serial, revisions).

    Tolerant: the text ends at the first NUL (C-string padding), invalid UTF-8 is
    replaced, surrounding whitespace is stripped.

    Args:
        data: The characteristic value.

    Returns:
        The text, or None when nothing is left.
    """
    text = bytes(data).partition(b"\x00")[0].decode("utf-8", errors="replace").strip()
    return text or None
