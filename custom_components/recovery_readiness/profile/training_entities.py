"""Training entities of a person: last session, loads, form, status, suggested load and advice.

All read `ProfileReport.training`; numbers on our Banister-TRIMP scale (README "Training
load"). Unknown is None, never 0: without any session the loads are unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass

from ..binary_sensor import RecoveryBinarySensorDescription
from ..physiology.training_load import AdviceKind, TrainingWindow
from ..report import ProfileReport, rounded, session_summary
from ..sensor import RecoverySensorDescription

TRIMP_UNIT: Final = "TRIMP"


def _last_attrs(r: ProfileReport) -> Mapping[str, Any] | None:
    t = r.training
    if t.last_session is None:
        return None
    return session_summary(t.last_session, t.last_load)


def _load_attrs(r: ProfileReport) -> Mapping[str, Any] | None:
    load = r.training.load
    if load is None:
        return None
    return {
        "acwr_ratio": rounded(load.acwr, 2),
        "form_pct": rounded(load.form_pct, 1),
        "form_reliable": load.form_reliable,
        "history_days": load.history_days,
        "load_today_trimp": rounded(load.load, 1),
    }


def _status_attrs(r: ProfileReport) -> Mapping[str, Any] | None:
    w = r.training.window
    if w is None:
        return None
    return {
        "reasons": [reason.value for reason in w.reasons],
        "days_since_hard_session": w.days_since_hard_session,
        "days_since_last_session": w.days_since_last_session,
        "form_pct": rounded(w.form_pct, 1),
    }


def _advice_attrs(r: ProfileReport) -> Mapping[str, Any] | None:
    a = r.training.advice
    if a is None:
        return None
    return {
        "also": [kind.value for kind in a.also],
        "reasons": [reason.value for reason in a.reasons],
        "hard_training_allowed": a.hard_training_allowed,
        "capped": a.capped,
    }


def _suggested(r: ProfileReport) -> float | None:
    s = r.training.suggested
    return None if s is None else round((s.low_trimp + s.high_trimp) / 2.0, 1)


def _suggested_attrs(r: ProfileReport) -> Mapping[str, Any] | None:
    s = r.training.suggested
    if s is None:
        return None
    return {
        "low_trimp": round(s.low_trimp, 1),
        "high_trimp": round(s.high_trimp, 1),
        "target_form_low_pct": s.target_form_low_pct,
        "target_form_high_pct": s.target_form_high_pct,
    }


def _trimp(r: ProfileReport) -> float | None:
    load = r.training.last_load
    return None if load is None else rounded(load.trimp, 1)


SENSORS: Final[tuple[RecoverySensorDescription[ProfileReport], ...]] = (
    RecoverySensorDescription(
        key="last_session",
        translation_key="last_session",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda r: (
            None if r.training.last_session is None else r.training.last_session.start
        ),
        attrs_fn=_last_attrs,
    ),
    RecoverySensorDescription(
        key="last_session_load",
        translation_key="last_session_load",
        native_unit_of_measurement=TRIMP_UNIT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=_trimp,
    ),
    RecoverySensorDescription(
        key="last_session_hrr60",
        translation_key="last_session_hrr60",
        native_unit_of_measurement="bpm",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda r: (
            None
            if r.training.last_session is None
            else rounded(r.training.last_session.hrr60_bpm, 1)
        ),
    ),
    RecoverySensorDescription(
        key="acute_load",
        translation_key="acute_load",
        native_unit_of_measurement=TRIMP_UNIT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda r: None if r.training.load is None else rounded(r.training.load.atl, 1),
        attrs_fn=_load_attrs,
    ),
    RecoverySensorDescription(
        key="chronic_load",
        translation_key="chronic_load",
        native_unit_of_measurement=TRIMP_UNIT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda r: None if r.training.load is None else rounded(r.training.load.ctl, 1),
        attrs_fn=_load_attrs,
    ),
    RecoverySensorDescription(
        key="training_form",
        translation_key="training_form",
        native_unit_of_measurement=TRIMP_UNIT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda r: None if r.training.load is None else rounded(r.training.load.tsb, 1),
        attrs_fn=_load_attrs,
    ),
    RecoverySensorDescription(
        key="training_status",
        translation_key="training_status",
        device_class=SensorDeviceClass.ENUM,
        options=[w.value for w in TrainingWindow],
        value_fn=lambda r: None if r.training.window is None else r.training.window.state.value,
        attrs_fn=_status_attrs,
    ),
    RecoverySensorDescription(
        key="suggested_load",
        translation_key="suggested_load",
        native_unit_of_measurement=TRIMP_UNIT,
        suggested_display_precision=0,
        value_fn=_suggested,
        attrs_fn=_suggested_attrs,
    ),
    RecoverySensorDescription(
        key="training_advice",
        translation_key="training_advice",
        device_class=SensorDeviceClass.ENUM,
        options=[k.value for k in AdviceKind],
        value_fn=lambda r: None if r.training.advice is None else r.training.advice.kind.value,
        attrs_fn=_advice_attrs,
    ),
)

BINARY_SENSORS: Final[tuple[RecoveryBinarySensorDescription[ProfileReport], ...]] = (
    RecoveryBinarySensorDescription(
        key="training_session_active",
        translation_key="training_session_active",
        is_on_fn=lambda r: r.training.recording,
    ),
)
