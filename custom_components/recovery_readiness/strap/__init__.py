"""Strap: the Bluetooth Heart Rate Service, HA-free.

`protocol` holds the pure parsers of the GATT characteristics; `client` holds the bleak-based
connection to one strap. Relative imports only, so this package can be imported top-level.
"""

from .client import BLEAK_EXCEPTIONS, DisconnectedCallback, HeartRateStrap, MeasurementCallback
from .const import RR_TICKS_PER_S
from .exceptions import ProtocolError, StrapConnectionError, StrapError, StrapOutOfSlotsError
from .models import (
    BodySensorLocation,
    Gap,
    HeartRateMeasurement,
    Reception,
    StrapInfo,
    StrapStats,
)
from .protocol import (
    decode_device_information_string,
    parse_battery_level,
    parse_body_sensor_location,
    parse_heart_rate_measurement,
    rr_1024_to_ms,
)

__all__ = [
    "BLEAK_EXCEPTIONS",
    "RR_TICKS_PER_S",
    "BodySensorLocation",
    "DisconnectedCallback",
    "Gap",
    "HeartRateMeasurement",
    "HeartRateStrap",
    "MeasurementCallback",
    "ProtocolError",
    "Reception",
    "StrapConnectionError",
    "StrapError",
    "StrapInfo",
    "StrapOutOfSlotsError",
    "StrapStats",
    "decode_device_information_string",
    "parse_battery_level",
    "parse_body_sensor_location",
    "parse_heart_rate_measurement",
    "rr_1024_to_ms",
]
