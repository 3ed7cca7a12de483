"""Constants of the Recovery Readiness integration."""

from __future__ import annotations

import logging
from typing import Final

DOMAIN: Final = "recovery_readiness"
LOGGER: Final = logging.getLogger(__package__)

HEART_RATE_SERVICE_UUID: Final = "0000180d-0000-1000-8000-00805f9b34fb"
