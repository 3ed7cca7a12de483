"""Sensors of a person's readiness: score, level, advice, HRV and resting HR, measurement."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .physiology.readiness import BaselineStatus, ReadinessLevel, Recommendation
from .readiness_entity import ReadinessEntity
from .readiness_manager import MeasurementState, ReadinessManager, ReadinessSnapshot

PARALLEL_UPDATES = 0  # push: nothing is polled

type Value = float | int | str | datetime | None


def _exp(value: float | None) -> float | None:
    """RMSSD in ms from ln RMSSD (the baselines are kept on the log scale)."""
    return None if value is None else math.exp(value)


@dataclass(frozen=True, kw_only=True)
class ReadinessSensorDescription(SensorEntityDescription):
    """A readiness sensor: its value and attributes from the snapshot."""

    value_fn: Callable[[ReadinessSnapshot], Value]
    attrs_fn: Callable[[ReadinessSnapshot], Mapping[str, Any] | None] = lambda _s: None


def _readiness_attrs(s: ReadinessSnapshot) -> Mapping[str, Any] | None:
    r = s.readiness
    if r is None:
        return None
    return {
        "reasons": [reason.key for reason in r.reasons],
        "missing_inputs": list(r.missing_inputs),
        "contributors": {c.key: c.sub_score for c in r.contributors if c.sub_score is not None},
    }


def _hrv_attrs(s: ReadinessSnapshot) -> Mapping[str, Any] | None:
    b = s.hrv
    if b is None:
        return None
    return {
        "cv_7d_pct": None if b.cv_7d_pct is None else round(b.cv_7d_pct, 2),
        "days_7d": b.count_7d,
        "days_60d": b.count_60d,
    }


def _phase_attrs(s: ReadinessSnapshot) -> Mapping[str, Any]:
    st = s.status
    return {
        "progress_pct": st.progress_pct,
        "reason": st.reason,
        "trigger": st.trigger,
        "started_at": None if st.started_at is None else st.started_at.isoformat(),
    }


SENSORS: tuple[ReadinessSensorDescription, ...] = (
    ReadinessSensorDescription(
        key="readiness_score",
        translation_key="readiness_score",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda s: None if s.readiness is None else s.readiness.score,
        attrs_fn=_readiness_attrs,
    ),
    ReadinessSensorDescription(
        key="readiness_level",
        translation_key="readiness_level",
        device_class=SensorDeviceClass.ENUM,
        options=[level.value for level in ReadinessLevel],
        value_fn=lambda s: (
            None if s.readiness is None or s.readiness.level is None else s.readiness.level.value
        ),
    ),
    ReadinessSensorDescription(
        key="recommendation",
        translation_key="recommendation",
        device_class=SensorDeviceClass.ENUM,
        options=[r.value for r in Recommendation],
        value_fn=lambda s: (
            None
            if s.readiness is None or s.readiness.recommendation is None
            else s.readiness.recommendation.value
        ),
    ),
    ReadinessSensorDescription(
        key="hrv_today_ln_rmssd",
        translation_key="hrv_today_ln_rmssd",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda s: None if s.today is None else s.today.ln_rmssd,
    ),
    ReadinessSensorDescription(
        key="hrv_today_rmssd",
        translation_key="hrv_today_rmssd",
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda s: None if s.today is None else s.today.rmssd_ms,
    ),
    ReadinessSensorDescription(
        key="hrv_7d_mean",
        translation_key="hrv_7d_mean",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda s: None if s.hrv is None else s.hrv.rolling_mean_7d,
        attrs_fn=_hrv_attrs,
    ),
    ReadinessSensorDescription(
        key="hrv_normal_low",
        translation_key="hrv_normal_low",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda s: None if s.hrv is None else s.hrv.normal_low,
    ),
    ReadinessSensorDescription(
        key="hrv_normal_high",
        translation_key="hrv_normal_high",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda s: None if s.hrv is None else s.hrv.normal_high,
    ),
    ReadinessSensorDescription(
        key="hrv_status",
        translation_key="hrv_status",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in BaselineStatus],
        value_fn=lambda s: None if s.hrv is None else s.hrv.status.value,
    ),
    ReadinessSensorDescription(
        key="resting_hr_today",
        translation_key="resting_hr_today",
        native_unit_of_measurement="bpm",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda s: None if s.today is None else s.today.hr_bpm,
    ),
    ReadinessSensorDescription(
        key="resting_hr_baseline",
        translation_key="resting_hr_baseline",
        native_unit_of_measurement="bpm",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda s: None if s.rhr is None else s.rhr.rolling_mean_7d,
        attrs_fn=lambda s: (
            None
            if s.rhr is None
            else {"normal_low_bpm": s.rhr.normal_low, "normal_high_bpm": s.rhr.normal_high}
        ),
    ),
    ReadinessSensorDescription(
        key="last_measurement",
        translation_key="last_measurement",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda s: None if s.last is None else s.last.measured_at,
    ),
    ReadinessSensorDescription(
        key="measurement_phase",
        translation_key="measurement_phase",
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in MeasurementState],
        value_fn=lambda s: s.status.state.value,
        attrs_fn=_phase_attrs,
    ),
    ReadinessSensorDescription(
        key="measurement_progress",
        translation_key="measurement_progress",
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
        value_fn=lambda s: s.status.progress_pct,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    manager: ReadinessManager,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a person's readiness sensors (called from the person's sensor platform)."""
    async_add_entities(ReadinessSensor(manager, description) for description in SENSORS)


class ReadinessSensor(ReadinessEntity, SensorEntity):
    """A sensor fed by the readiness snapshot."""

    entity_description: ReadinessSensorDescription

    @property
    def native_value(self) -> Value:
        """The value; None (unknown) when it cannot be known yet."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Context for the value (reasons, window sizes, progress)."""
        return self.entity_description.attrs_fn(self.coordinator.data)
