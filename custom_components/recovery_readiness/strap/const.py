"""Constants of the Bluetooth Heart Rate, Battery and Device Information services.

Sources: Bluetooth SIG *Heart Rate Service 1.0* and the *GATT Specification Supplement*
(see ble-heart-rate.md §1-§2). UUIDs are the lowercase 128-bit form bleak uses.
"""

from __future__ import annotations

from typing import Final


def uuid16(short: int) -> str:
    """Return the 128-bit UUID string of a Bluetooth SIG 16-bit UUID.

    Args:
        short: The 16-bit UUID, e.g. ``0x2A37``.

    Returns:
        The lowercase form bleak uses, e.g. ``"00002a37-0000-1000-8000-00805f9b34fb"``.
    """
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


# Heart Rate service (0x180D)
HEART_RATE_SERVICE_UUID: Final = uuid16(0x180D)
HEART_RATE_MEASUREMENT_UUID: Final = uuid16(0x2A37)
BODY_SENSOR_LOCATION_UUID: Final = uuid16(0x2A38)
HEART_RATE_CONTROL_POINT_UUID: Final = uuid16(0x2A39)

# Battery service (0x180F)
BATTERY_SERVICE_UUID: Final = uuid16(0x180F)
BATTERY_LEVEL_UUID: Final = uuid16(0x2A19)

# Device Information service (0x180A); all UTF-8 strings
DEVICE_INFORMATION_SERVICE_UUID: Final = uuid16(0x180A)
MANUFACTURER_NAME_UUID: Final = uuid16(0x2A29)
MODEL_NUMBER_UUID: Final = uuid16(0x2A24)
SERIAL_NUMBER_UUID: Final = uuid16(0x2A25)
HARDWARE_REVISION_UUID: Final = uuid16(0x2A27)
FIRMWARE_REVISION_UUID: Final = uuid16(0x2A26)
SOFTWARE_REVISION_UUID: Final = uuid16(0x2A28)

# Flags byte of Heart Rate Measurement (0x2A37), ble-heart-rate.md §2.1
FLAG_HR_UINT16: Final = 0x01
"""Bit 0: heart rate is a uint16 (little-endian) instead of a uint8."""
FLAG_SENSOR_CONTACT_DETECTED: Final = 0x02
"""Bit 1: skin contact detected; meaningful only with FLAG_SENSOR_CONTACT_SUPPORTED."""
FLAG_SENSOR_CONTACT_SUPPORTED: Final = 0x04
"""Bit 2: the strap supports contact sensing."""
FLAG_ENERGY_EXPENDED: Final = 0x08
"""Bit 3: a uint16 Energy Expended field (kJ) follows the heart rate."""
FLAG_RR_INTERVALS: Final = 0x10
"""Bit 4: one or more uint16 RR intervals fill the rest of the frame."""
FLAGS_RESERVED: Final = 0xE0
"""Bits 5-7: reserved for future use; ignored, never asserted zero."""

RR_TICKS_PER_S: Final = 1024
"""RR intervals are sent in ticks of 1/1024 s."""
MS_PER_RR_TICK: Final = 1000 / RR_TICKS_PER_S
"""0.9765625 ms per tick; exact in binary floating point."""

BATTERY_LEVEL_MAX_PCT: Final = 100

GATT_TIMEOUT_S: Final = 10.0
"""Upper bound for one GATT read or (un)subscribe after the link is up."""

UNKNOWN_DISCONNECT_REASON: Final = "link lost"
