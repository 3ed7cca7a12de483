"""Constants of the Recovery Readiness integration: keys, kinds, events and action names.

Model defaults are not here: `physiology` owns them (README "The readiness model").
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

DOMAIN: Final = "recovery_readiness"
LOGGER: Final = logging.getLogger(__package__)

HEART_RATE_SERVICE_UUID: Final = "0000180d-0000-1000-8000-00805f9b34fb"

CONF_ENTRY_KIND: Final = "kind"
"""Config entry data key: which kind of entry this is (written into every entry since 1.2)."""
KIND_STRAP: Final = "strap"
KIND_PERSON: Final = "person"

# Person profiles: settings live in the entry's options; data holds the kind and the stable
# person id (also the unique_id and the device identifier).
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
CONF_MORNING_START: Final = "morning_start"
CONF_MORNING_END: Final = "morning_end"
CONF_MEASUREMENT_DURATION_S: Final = "measurement_duration_s"
CONF_PERSON_ENTITY: Final = "person_entity"
"""The `person.*` entity of this profile: voice answers "how recovered am I" for its user."""
CONF_SEX: Final = "sex"
CONF_AGE_YEARS: Final = "age_years"
CONF_MAX_HR_BPM: Final = "max_hr_bpm"
CONF_REST_HR_BPM: Final = "rest_hr_bpm"
CONF_WORKOUT_SOURCE: Final = "workout_source"
CONF_WORKOUT_PRESET: Final = "workout_preset"
CONF_SESSION_HRR_PCT: Final = "session_hrr_pct"
CONF_PROTEIN_REMINDER_TIME: Final = "protein_reminder_time"
CONF_NAP_REMINDER_TIME: Final = "nap_reminder_time"
CONF_START_CTL: Final = "start_ctl"
CONF_START_ATL: Final = "start_atl"

WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Work-day option values, in `date.weekday()` order (Monday = 0)."""

EVENT_BEDTIME_WINDOW: Final = f"{DOMAIN}_bedtime_window"
EVENT_SLEEP_RECORDED: Final = f"{DOMAIN}_sleep_recorded"
EVENT_MEASUREMENT_COMPLETED: Final = f"{DOMAIN}_measurement_completed"
EVENT_BREATHING_PHASE: Final = f"{DOMAIN}_breathing_phase"
EVENT_BREATHING_COMPLETED: Final = f"{DOMAIN}_breathing_completed"
EVENT_SESSION_COMPLETED: Final = f"{DOMAIN}_session_completed"
EVENT_TRAINING_STATUS_CHANGED: Final = f"{DOMAIN}_training_status_changed"
EVENT_ADVICE: Final = f"{DOMAIN}_advice"

SERVICE_LOG_SLEEP: Final = "log_sleep"
SERVICE_START_MEASUREMENT: Final = "start_measurement"
SERVICE_GET_READINESS: Final = "get_readiness"
SERVICE_IMPORT_HISTORY: Final = "import_history"
SERVICE_DELETE_HISTORY: Final = "delete_history"

CONF_STRAP_ADDRESS: Final = "strap_address"
"""Person entry data: Bluetooth address of the linked strap (the link follows it to a new entry)."""
ISSUE_STRAP_MISSING: Final = "strap_missing"
SERVICE_START_BREATHING: Final = "start_breathing"
SERVICE_STOP_BREATHING: Final = "stop_breathing"
SERVICE_LOG_SESSION: Final = "log_session"
SERVICE_START_SESSION: Final = "start_session"
SERVICE_STOP_SESSION: Final = "stop_session"
SERVICE_IMPORT_SESSIONS: Final = "import_sessions"

SIGNAL_STRAP_LOADED: Final = f"{DOMAIN}_strap_loaded"
"""Dispatcher signal: a strap entry loaded or unloaded (argument: its entry id)."""


def entry_kind(entry: ConfigEntry) -> str:
    """Return `KIND_STRAP` or `KIND_PERSON` (entries from before 1.2 without the key are straps)."""
    return str(entry.data.get(CONF_ENTRY_KIND, KIND_STRAP))
