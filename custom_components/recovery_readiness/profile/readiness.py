"""A person's stored morning measurements, their baselines and today's readiness.

Measurements come in from the morning measurement and from imports; baselines and readiness are
recomputed from them and the sleep summary it is given (`physiology.readiness`). Per day the
first accepted measurement inside the morning window counts (`daily_values`); an imported daily
value belongs to its date and yields to a strap measurement of the same morning.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any, Final

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ..binary_sensor import RecoveryBinarySensorDescription
from ..physiology.readiness import (
    TRAINING_LOAD,
    BaselineStatus,
    ReadinessLevel,
    Recommendation,
    daily_values,
    hrv_baseline,
    readiness,
    rhr_baseline,
)
from ..physiology.sleep import SleepSummary
from ..physiology.training_load import TrainingLoad
from ..report import ProfileReport, ReadinessState
from ..sensor import RecoverySensorDescription
from ..store.measurements import MeasurementStore, StoredMeasurement
from .settings import ProfileSettings


class ReadinessTracker:
    """Keeps one person's measurement history and computes their readiness."""

    def __init__(self, hass: HomeAssistant, settings: ProfileSettings) -> None:
        """Bind to the profile's store; call `async_load` before use."""
        self.hass = hass
        self.settings = settings
        self.store = MeasurementStore(hass, settings.entry_id, settings.name)
        self.history: tuple[StoredMeasurement, ...] = ()

    async def async_load(self) -> None:
        """Read the stored measurements."""
        self.history = await self.store.async_load()

    async def async_save(self) -> None:
        """Write the history now (unload: a reload must find what was just added)."""
        await self.store.async_save(self.history)

    async def async_add(self, new: tuple[StoredMeasurement, ...]) -> int:
        """Add measurements (deduplicated) and write them; return how many were new.

        The file is written before this returns: what a user is told is stored (an import's
        response, a completed measurement) is on disk, also after a power cut right after.
        """
        known = {m.key for m in self.history}
        fresh: list[StoredMeasurement] = []
        for m in new:
            if m.key not in known:
                known.add(m.key)
                fresh.append(m)
        if fresh:
            self.history = tuple(sorted((*self.history, *fresh), key=lambda m: m.measured_at))
            await self.store.async_save(self.history)
        return len(fresh)

    async def async_remove(
        self, remove: Callable[[StoredMeasurement], bool]
    ) -> tuple[StoredMeasurement, ...]:
        """Remove the measurements ``remove`` selects and write at once; return them."""
        removed = tuple(m for m in self.history if remove(m))
        if removed:
            self.history = tuple(m for m in self.history if not remove(m))
            await self.store.async_save(self.history)
        return removed

    def has_today(self) -> bool:
        """Whether today (local date) has an accepted morning measurement."""
        return self._today(dt_util.now().date()) is not None

    def _today(self, day: date) -> StoredMeasurement | None:
        timed = (m for m in self.history if m.day is None)
        return next(
            (
                m
                for m in timed
                if (local := dt_util.as_local(m.measured_at)).date() == day
                and self.settings.in_morning_window(local.time())
            ),
            next((m for m in self.history if m.day == day), None),
        )

    def daily(self) -> tuple[dict[date, float], dict[date, float]]:
        """Each local day's counted morning lnRMSSD and resting HR (bpm), by date.

        The first accepted measurement inside the morning window counts (`daily_values`); an
        imported daily value fills its date when no strap measurement did.
        """
        tz = dt_util.get_default_time_zone()
        timed = [m for m in self.history if m.day is None]
        window = {
            "morning_start": self.settings.morning_start,
            "morning_end": self.settings.morning_end,
        }
        hrv_daily = daily_values(((m.measured_at, m.ln_rmssd) for m in timed), tz=tz, **window)
        rhr_daily = daily_values(((m.measured_at, m.hr_bpm) for m in timed), tz=tz, **window)
        for m in self.history:  # imported daily values belong to their date
            if m.day is not None:
                hrv_daily.setdefault(m.day, m.ln_rmssd)
                if m.hr_bpm is not None:
                    rhr_daily.setdefault(m.day, m.hr_bpm)
        return hrv_daily, rhr_daily

    def compute(
        self,
        day: date,
        sleep: SleepSummary | None,
        training_load: TrainingLoad | None = None,
    ) -> ReadinessState:
        """Baselines and readiness of ``day`` (local date) from the history, sleep and load.

        Form counts (its 0.15 weight) only when ``training_load.form_reliable`` (seeded, or 84
        days of history: before that TSB is biased low for steady training). With a training
        history whose form is not yet reliable, training load is not listed as a missing
        input: it is there, just not scored yet.
        """
        hrv_daily, rhr_daily = self.daily()
        hrv = hrv_baseline(hrv_daily, day)
        rhr = rhr_baseline(rhr_daily, day)
        if sleep is not None and sleep.today != day:
            sleep = None
        scored_load = (
            training_load if training_load is not None and training_load.form_reliable else None
        )
        result = readiness(day=day, hrv=hrv, rhr=rhr, sleep=sleep, training_load=scored_load)
        if training_load is not None and scored_load is None:
            result = replace(
                result,
                missing_inputs=tuple(k for k in result.missing_inputs if k != TRAINING_LOAD),
            )
        return ReadinessState(
            day=day,
            readiness=result,
            hrv=hrv,
            rhr=rhr,
            today=self._today(day),
            last=self.history[-1] if self.history else None,
        )


# ---------------------------------------------------------------------- entities


def _readiness_attrs(r: ProfileReport) -> Mapping[str, Any] | None:
    result = r.readiness.readiness
    if result is None:
        return None
    return {
        "reasons": [reason.key for reason in result.reasons],
        "missing_inputs": list(result.missing_inputs),
        "contributors": {
            c.key: c.sub_score for c in result.contributors if c.sub_score is not None
        },
    }


def _hrv_attrs(r: ProfileReport) -> Mapping[str, Any] | None:
    b = r.readiness.hrv
    if b is None:
        return None
    return {
        "cv_7d_pct": None if b.cv_7d_pct is None else round(b.cv_7d_pct, 2),
        "days_7d": b.count_7d,
        "days_60d": b.count_60d,
    }


def _rhr_attrs(r: ProfileReport) -> Mapping[str, Any] | None:
    b = r.readiness.rhr
    if b is None:
        return None
    return {"normal_low_bpm": b.normal_low, "normal_high_bpm": b.normal_high}


def _level(r: ProfileReport) -> str | None:
    result = r.readiness.readiness
    return None if result is None or result.level is None else result.level.value


def _recommendation(r: ProfileReport) -> str | None:
    result = r.readiness.readiness
    return None if result is None or result.recommendation is None else result.recommendation.value


def _ready_for_hard(r: ProfileReport) -> bool | None:
    result = r.readiness.readiness
    if result is None or result.recommendation is None:
        return None
    return result.recommendation is Recommendation.HARD


SENSORS: Final[tuple[RecoverySensorDescription[ProfileReport], ...]] = (
    RecoverySensorDescription(
        key="readiness_score",
        translation_key="readiness_score",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda r: None if r.readiness.readiness is None else r.readiness.readiness.score,
        attrs_fn=_readiness_attrs,
    ),
    RecoverySensorDescription(
        key="readiness_level",
        translation_key="readiness_level",
        device_class=SensorDeviceClass.ENUM,
        options=[level.value for level in ReadinessLevel],
        value_fn=_level,
    ),
    RecoverySensorDescription(
        key="recommendation",
        translation_key="recommendation",
        device_class=SensorDeviceClass.ENUM,
        options=[r.value for r in Recommendation],
        value_fn=_recommendation,
    ),
    RecoverySensorDescription(
        key="hrv_today_ln_rmssd",
        translation_key="hrv_today_ln_rmssd",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda r: None if r.readiness.today is None else r.readiness.today.ln_rmssd,
    ),
    RecoverySensorDescription(
        key="hrv_today_rmssd",
        translation_key="hrv_today_rmssd",
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda r: None if r.readiness.today is None else r.readiness.today.rmssd_ms,
    ),
    RecoverySensorDescription(
        key="hrv_7d_mean",
        translation_key="hrv_7d_mean",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda r: None if r.readiness.hrv is None else r.readiness.hrv.rolling_mean_7d,
        attrs_fn=_hrv_attrs,
    ),
    RecoverySensorDescription(
        key="hrv_normal_low",
        translation_key="hrv_normal_low",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda r: None if r.readiness.hrv is None else r.readiness.hrv.normal_low,
    ),
    RecoverySensorDescription(
        key="hrv_normal_high",
        translation_key="hrv_normal_high",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda r: None if r.readiness.hrv is None else r.readiness.hrv.normal_high,
    ),
    RecoverySensorDescription(
        key="hrv_status",
        translation_key="hrv_status",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in BaselineStatus],
        value_fn=lambda r: None if r.readiness.hrv is None else r.readiness.hrv.status.value,
    ),
    RecoverySensorDescription(
        key="resting_hr_today",
        translation_key="resting_hr_today",
        native_unit_of_measurement="bpm",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda r: None if r.readiness.today is None else r.readiness.today.hr_bpm,
    ),
    RecoverySensorDescription(
        key="resting_hr_baseline",
        translation_key="resting_hr_baseline",
        native_unit_of_measurement="bpm",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda r: None if r.readiness.rhr is None else r.readiness.rhr.rolling_mean_7d,
        attrs_fn=_rhr_attrs,
    ),
    RecoverySensorDescription(
        key="last_measurement",
        translation_key="last_measurement",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda r: None if r.readiness.last is None else r.readiness.last.measured_at,
    ),
)

BINARY_SENSORS: Final[tuple[RecoveryBinarySensorDescription[ProfileReport], ...]] = (
    RecoveryBinarySensorDescription(
        key="ready_for_hard_training",
        translation_key="ready_for_hard_training",
        is_on_fn=_ready_for_hard,
    ),
)
