"""Diagnostics: connection and profile state with counts; never raw RR or other health series.

Strap entries: redacted identity, the strap's Device Information, counters, live status.
Person entries: settings (linked entities redacted), how much history is stored, the state of
the measurement and which readiness inputs are missing — counts and states, not the values.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant

from .const import CONF_SLEEP_SOURCE, CONF_STRAP_ENTRY_ID, KIND_PERSON
from .coordinator import RecoveryReadinessConfigEntry
from .helpers import entry_kind
from .person import PersonConfigEntry

TO_REDACT = {CONF_ADDRESS, "address", "title", "name", "serial_number", CONF_SLEEP_SOURCE}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: ConfigEntry
) -> dict[str, Any]:
    """Return the diagnostics of a strap or a person profile."""
    if entry_kind(entry) == KIND_PERSON:
        return _person_diagnostics(entry)
    return _strap_diagnostics(entry)


def _strap_diagnostics(entry: RecoveryReadinessConfigEntry) -> dict[str, Any]:
    coordinator = entry.runtime_data
    snapshot = coordinator.data
    return async_redact_data(
        {
            "entry": {"title": entry.title, "data": dict(entry.data)},
            "strap": asdict(coordinator.info),
            "stats": asdict(coordinator.stats),
            "status": {
                "connected": coordinator.connected,
                "streaming": coordinator.streaming,
                "contact_supported": snapshot.contact_supported,
                "battery_pct": snapshot.battery_pct,
                "rssi_dbm": snapshot.rssi_dbm,
                "live_rmssd_known": snapshot.rmssd_ms is not None,
            },
        },
        TO_REDACT,
    )


def _person_diagnostics(entry: PersonConfigEntry) -> dict[str, Any]:
    runtime = entry.runtime_data
    manager = runtime.readiness
    readiness = manager.data.readiness
    history = manager.history
    summary = runtime.sleep_summary
    return async_redact_data(
        {
            "entry": {"title": entry.title, "options": dict(entry.options)},
            "strap_linked": entry.options.get(CONF_STRAP_ENTRY_ID) is not None,
            "strap_loaded": manager.strap is not None,
            "sleep": {
                "episodes_stored": len(runtime.history.episodes),
                "in_bed_now": runtime.history.open_start is not None,
                "nights_in_summary": 0 if summary is None else len(summary.nights),
            },
            "readiness": {
                "measurements_stored": len(history),
                "imported": sum(1 for m in history if m.source == "import"),
                "measurement_state": manager.data.status.state.value,
                "hrv_status": None if manager.data.hrv is None else manager.data.hrv.status.value,
                "score_known": readiness is not None and readiness.score is not None,
                "missing_inputs": [] if readiness is None else list(readiness.missing_inputs),
            },
        },
        TO_REDACT,
    )
