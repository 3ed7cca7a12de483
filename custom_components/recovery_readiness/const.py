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

# Person profiles (sleep issue). Settings live in the entry's options; data holds the kind and
# the stable person id (also the unique_id and the device identifier).
CONF_PERSON_ID: Final = "person_id"
CONF_NAME: Final = "name"
CONF_STRAP_ENTRY_ID: Final = "strap_entry_id"
CONF_SLEEP_SOURCE: Final = "sleep_source"
CONF_ASLEEP_STATES: Final = "asleep_states"
CONF_TARGET_SLEEP_H: Final = "target_sleep_h"
CONF_TARGET_WAKE_TIME: Final = "target_wake_time"
CONF_REMINDER_LEAD_MIN: Final = "reminder_lead_min"
CONF_WORK_DAYS: Final = "work_days"
CONF_MERGE_GAP_MIN: Final = "merge_gap_min"
CONF_MIN_NIGHT_SLEEP_MIN: Final = "min_night_sleep_min"

DEFAULT_TARGET_SLEEP_H: Final = 8.0
DEFAULT_REMINDER_LEAD_MIN: Final = 30.0
DEFAULT_MERGE_GAP_MIN: Final = 20.0
DEFAULT_MIN_NIGHT_SLEEP_MIN: Final = 90.0
DEFAULT_ASLEEP_STATES: Final = ("asleep", "sleeping", "sleep", "in_bed")
WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Work-day option values, in `date.weekday()` order (Monday = 0)."""
DEFAULT_WORK_DAYS: Final = ("mon", "tue", "wed", "thu", "fri")

EVENT_BEDTIME_WINDOW: Final = f"{DOMAIN}_bedtime_window"
EVENT_SLEEP_RECORDED: Final = f"{DOMAIN}_sleep_recorded"
SERVICE_LOG_SLEEP: Final = "log_sleep"
SERVICE_START_MEASUREMENT: Final = "start_measurement"
SERVICE_GET_READINESS: Final = "get_readiness"
SERVICE_IMPORT_HISTORY: Final = "import_history"
CONF_MORNING_START: Final = "morning_start"
CONF_MORNING_END: Final = "morning_end"
CONF_MEASUREMENT_DURATION_S: Final = "measurement_duration_s"
DEFAULT_MORNING_START: Final = "04:00:00"
DEFAULT_MORNING_END: Final = "11:00:00"
DEFAULT_MEASUREMENT_DURATION_S: Final = 120
