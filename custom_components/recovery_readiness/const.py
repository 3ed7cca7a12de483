"""Constants of the Recovery Readiness integration."""

from __future__ import annotations

import logging
from typing import Final

DOMAIN: Final = "recovery_readiness"
LOGGER: Final = logging.getLogger(__package__)

HEART_RATE_SERVICE_UUID: Final = "0000180d-0000-1000-8000-00805f9b34fb"

CONF_ENTRY_KIND: Final = "kind"
"""Config entry data key: which kind of entry this is (absent on strap entries)."""
KIND_STRAP: Final = "strap"
KIND_PERSON: Final = "person"
