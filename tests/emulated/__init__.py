"""Emulated BLE heart-rate strap for tests: bumble GATT over a fake HA Bluetooth proxy.

Test-only; never imported by ``custom_components/``. See ``harness`` (``EmulatedLink``),
``strap`` (``EmulatedStrap``), ``proxy`` (``EmulatedProxy``), ``fixtures`` (pytest fixtures)
and ``demo`` (``start_demo_strap`` for a running HA).
"""

from __future__ import annotations

from .frames import FramePacer, encode_hrm, ms_to_ticks, synthetic_rr_ms

HRS_UUID = "0000180d-0000-1000-8000-00805f9b34fb"
HRM_UUID = "00002a37-0000-1000-8000-00805f9b34fb"
BODY_SENSOR_LOCATION_UUID = "00002a38-0000-1000-8000-00805f9b34fb"
HR_CONTROL_POINT_UUID = "00002a39-0000-1000-8000-00805f9b34fb"
BATTERY_LEVEL_UUID = "00002a19-0000-1000-8000-00805f9b34fb"

__all__ = [
    "BATTERY_LEVEL_UUID",
    "BODY_SENSOR_LOCATION_UUID",
    "HRM_UUID",
    "HRS_UUID",
    "HR_CONTROL_POINT_UUID",
    "FramePacer",
    "encode_hrm",
    "ms_to_ticks",
    "synthetic_rr_ms",
]
