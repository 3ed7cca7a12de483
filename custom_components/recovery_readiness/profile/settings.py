"""A person profile's settings: the one parser of its options, and the forms that edit them.

Settings live in the entry's options (the name is the entry's title and the device name). Model
defaults (morning window, sleep thresholds, target, measurement length) come from `physiology`,
which owns them; the defaults below are the glue's own (reminder lead time, asleep states).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import time
from typing import Any, Final

import voluptuous as vol
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, split_entity_id
from homeassistant.helpers import selector

from ..const import (
    CONF_AGE_YEARS,
    CONF_ASLEEP_STATES,
    CONF_MAX_HR_BPM,
    CONF_MEASUREMENT_DURATION_S,
    CONF_MERGE_GAP_MIN,
    CONF_MIN_NIGHT_SLEEP_MIN,
    CONF_MORNING_END,
    CONF_MORNING_START,
    CONF_NAME,
    CONF_NAP_REMINDER_TIME,
    CONF_PERSON_ENTITY,
    CONF_PERSON_ID,
    CONF_PROTEIN_REMINDER_TIME,
    CONF_REMINDER_LEAD_MIN,
    CONF_REST_HR_BPM,
    CONF_SESSION_HRR_PCT,
    CONF_SEX,
    CONF_SLEEP_SOURCE,
    CONF_START_ATL,
    CONF_START_CTL,
    CONF_STRAP_ENTRY_ID,
    CONF_TARGET_SLEEP_H,
    CONF_TARGET_WAKE_TIME,
    CONF_WORK_DAYS,
    CONF_WORKOUT_PRESET,
    CONF_WORKOUT_SOURCE,
    DOMAIN,
    KIND_STRAP,
    LOGGER,
    WEEKDAYS,
    entry_kind,
)
from ..physiology.measurement import (
    DEFAULT_ANALYSIS_S,
    MAX_ANALYSIS_S,
    MIN_ANALYSIS_S,
    MeasurementSettings,
)
from ..physiology.readiness import MORNING_END, MORNING_START
from ..physiology.sleep import (
    DEFAULT_MERGE_GAP_MIN,
    DEFAULT_MIN_NIGHT_SLEEP_MIN,
    DEFAULT_TARGET_SLEEP_H,
    DEFAULT_WORK_DAYS,
    SleepRules,
)
from ..physiology.training_load import DEFAULT_TRAINING_SETTINGS, Sex, TrainingSettings
from .workout_source import DEFAULT_PRESET, PRESETS

DEFAULT_REMINDER_LEAD_MIN: Final = 30.0
"""The bedtime window opens this long before the recommended bedtime."""
DEFAULT_ASLEEP_STATES: Final = ("asleep", "sleeping", "sleep", "in_bed")
"""States of a `sensor` sleep source that mean "asleep" unless the user picks others."""
DEFAULT_PROTEIN_REMINDER_TIME: Final = time(19, 0)
"""The evening protein reminder after a hard day is sent at this local time."""
DEFAULT_NAP_REMINDER_TIME: Final = time(13, 30)
"""With sleep debt the nap advice is sent from this local time, once the person is home."""
SESSION_HRR_PCT_RANGE: Final = (30.0, 80.0)
"""Allowed session threshold, % of heart-rate reserve (default: the model's 50 %)."""
REST_HR_RANGE: Final = (30.0, 110.0)
MAX_HR_RANGE: Final = (120.0, 230.0)
AGE_RANGE: Final = (10.0, 100.0)
START_LOAD_RANGE: Final = (0.0, 300.0)
"""Allowed starting fitness/fatigue, TRIMP/day."""

SETTINGS_KEYS: Final = (
    CONF_STRAP_ENTRY_ID,
    CONF_SLEEP_SOURCE,
    CONF_ASLEEP_STATES,
    CONF_TARGET_SLEEP_H,
    CONF_TARGET_WAKE_TIME,
    CONF_REMINDER_LEAD_MIN,
    CONF_WORK_DAYS,
    CONF_MERGE_GAP_MIN,
    CONF_MIN_NIGHT_SLEEP_MIN,
    CONF_MORNING_START,
    CONF_MORNING_END,
    CONF_MEASUREMENT_DURATION_S,
    CONF_PERSON_ENTITY,
    CONF_SEX,
    CONF_AGE_YEARS,
    CONF_MAX_HR_BPM,
    CONF_REST_HR_BPM,
    CONF_SESSION_HRR_PCT,
    CONF_WORKOUT_SOURCE,
    CONF_WORKOUT_PRESET,
    CONF_PROTEIN_REMINDER_TIME,
    CONF_NAP_REMINDER_TIME,
    CONF_START_CTL,
    CONF_START_ATL,
)
"""Keys stored in a person entry's options."""


def _iso(value: time) -> str:
    return value.isoformat()


def _time(value: Any) -> time | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        return None


def _person_entity(value: Any) -> str | None:
    """A `person.*` entity id; anything else (stored by hand) is ignored."""
    if isinstance(value, str) and value.startswith("person.") and len(value) > len("person."):
        return value
    return None


def _float(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _in_range(value: Any, bounds: tuple[float, float]) -> float | None:
    """A stored number inside ``bounds``, else None (unset, or hand-edited nonsense)."""
    number = _float(value, math.nan)
    return number if bounds[0] <= number <= bounds[1] else None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileSettings:
    """A person profile's settings, read once from its entry (defaults where unset)."""

    entry_id: str
    person_id: str
    name: str
    strap_entry_id: str | None
    sleep_source: str | None
    asleep_states: frozenset[str]
    target_sleep_h: float
    target_wake_time: time | None
    reminder_lead_min: float
    work_days: frozenset[int]
    merge_gap_min: float
    min_night_sleep_min: float
    morning_start: time
    morning_end: time
    measurement_duration_s: float
    person_entity: str | None = None
    """The `person.*` entity whose Home Assistant user this profile belongs to (voice)."""
    sex: Sex = Sex.UNSPECIFIED
    age_years: float | None = None
    max_hr_bpm: float | None = None
    rest_hr_bpm: float | None = None
    session_hrr_pct: float = DEFAULT_TRAINING_SETTINGS.session_hrr_ratio * 100.0
    workout_source: str | None = None
    workout_preset: str = DEFAULT_PRESET
    protein_reminder_time: time = DEFAULT_PROTEIN_REMINDER_TIME
    nap_reminder_time: time = DEFAULT_NAP_REMINDER_TIME
    start_ctl: float | None = None
    """Fitness (CTL, TRIMP/day) the load model starts from instead of 0; None: start at 0."""
    start_atl: float | None = None
    """Fatigue (ATL, TRIMP/day) to start from; None with a ``start_ctl``: the same value."""

    @classmethod
    def from_entry(cls, entry: ConfigEntry) -> ProfileSettings:
        """Read the settings of a person entry; values an older release stored are checked."""
        options = entry.options
        morning_start = _time(options.get(CONF_MORNING_START)) or MORNING_START
        morning_end = _time(options.get(CONF_MORNING_END)) or MORNING_END
        if morning_start >= morning_end:  # stored by hand or by an older release
            LOGGER.warning(
                "%s: morning window %s-%s ends before it starts; using %s-%s",
                entry.title,
                morning_start,
                morning_end,
                MORNING_START,
                MORNING_END,
            )
            morning_start, morning_end = MORNING_START, MORNING_END
        duration_s = _float(options.get(CONF_MEASUREMENT_DURATION_S), DEFAULT_ANALYSIS_S)
        if not MIN_ANALYSIS_S <= duration_s <= MAX_ANALYSIS_S:
            duration_s = DEFAULT_ANALYSIS_S
        work_days = options.get(CONF_WORK_DAYS)
        return cls(
            entry_id=entry.entry_id,
            person_id=str(entry.data[CONF_PERSON_ID]),
            name=entry.title,
            strap_entry_id=options.get(CONF_STRAP_ENTRY_ID) or None,
            sleep_source=options.get(CONF_SLEEP_SOURCE) or None,
            asleep_states=frozenset(
                str(s).strip().casefold()
                for s in options.get(CONF_ASLEEP_STATES, DEFAULT_ASLEEP_STATES)
            ),
            target_sleep_h=_float(options.get(CONF_TARGET_SLEEP_H), DEFAULT_TARGET_SLEEP_H),
            target_wake_time=_time(options.get(CONF_TARGET_WAKE_TIME)),
            reminder_lead_min=_float(
                options.get(CONF_REMINDER_LEAD_MIN), DEFAULT_REMINDER_LEAD_MIN
            ),
            work_days=(
                DEFAULT_WORK_DAYS
                if work_days is None
                else frozenset(WEEKDAYS.index(d) for d in work_days if d in WEEKDAYS)
            ),
            merge_gap_min=_float(options.get(CONF_MERGE_GAP_MIN), DEFAULT_MERGE_GAP_MIN),
            min_night_sleep_min=_float(
                options.get(CONF_MIN_NIGHT_SLEEP_MIN), DEFAULT_MIN_NIGHT_SLEEP_MIN
            ),
            morning_start=morning_start,
            morning_end=morning_end,
            measurement_duration_s=duration_s,
            person_entity=_person_entity(options.get(CONF_PERSON_ENTITY)),
            **_training_options(options),
        )

    @property
    def training(self) -> TrainingSettings:
        """The training-load model's knobs for this person (the session threshold)."""
        ratio = self.session_hrr_pct / 100.0
        easy = max(ratio, DEFAULT_TRAINING_SETTINGS.easy_hrr_ratio)
        return replace(DEFAULT_TRAINING_SETTINGS, session_hrr_ratio=ratio, easy_hrr_ratio=easy)

    @property
    def sleep_rules(self) -> SleepRules:
        """The sleep pipeline's knobs for this person."""
        return SleepRules(
            merge_gap_min=self.merge_gap_min,
            min_night_sleep_min=self.min_night_sleep_min,
            work_days=self.work_days,
        )

    @property
    def measurement(self) -> MeasurementSettings:
        """The morning measurement's protocol for this person."""
        return MeasurementSettings(analysis_s=self.measurement_duration_s)

    @property
    def morning_midpoint(self) -> time:
        """Middle of the morning window: the time given to imported daily values."""
        start = self.morning_start.hour * 60 + self.morning_start.minute
        end = self.morning_end.hour * 60 + self.morning_end.minute
        middle = (start + end) // 2
        return time(middle // 60, middle % 60)

    def in_morning_window(self, local: time) -> bool:
        """Local clock time inside [start, end); the forms keep start before end."""
        return self.morning_start <= local < self.morning_end


def _training_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """The training settings of a person's options; values out of range are unset."""
    sex = options.get(CONF_SEX)
    preset = options.get(CONF_WORKOUT_PRESET)
    hrr_pct = _in_range(options.get(CONF_SESSION_HRR_PCT), SESSION_HRR_PCT_RANGE)
    return {
        "sex": Sex(sex) if sex in {s.value for s in Sex} else Sex.UNSPECIFIED,
        "age_years": _in_range(options.get(CONF_AGE_YEARS), AGE_RANGE),
        "max_hr_bpm": _in_range(options.get(CONF_MAX_HR_BPM), MAX_HR_RANGE),
        "rest_hr_bpm": _in_range(options.get(CONF_REST_HR_BPM), REST_HR_RANGE),
        "session_hrr_pct": DEFAULT_TRAINING_SETTINGS.session_hrr_ratio * 100.0
        if hrr_pct is None
        else hrr_pct,
        "workout_source": options.get(CONF_WORKOUT_SOURCE) or None,
        "workout_preset": preset if preset in PRESETS else DEFAULT_PRESET,
        "protein_reminder_time": _time(options.get(CONF_PROTEIN_REMINDER_TIME))
        or DEFAULT_PROTEIN_REMINDER_TIME,
        "nap_reminder_time": _time(options.get(CONF_NAP_REMINDER_TIME))
        or DEFAULT_NAP_REMINDER_TIME,
        "start_ctl": _in_range(options.get(CONF_START_CTL), START_LOAD_RANGE),
        "start_atl": _in_range(options.get(CONF_START_ATL), START_LOAD_RANGE),
    }


# ---------------------------------------------------------------------- forms


def _number(minimum: float, maximum: float, step: float, unit: str) -> selector.NumberSelector:
    return selector.NumberSelector(
        selector.NumberSelectorConfig(
            min=minimum,
            max=maximum,
            step=step,
            unit_of_measurement=unit,
            mode=selector.NumberSelectorMode.BOX,
        )
    )


def _strap_options(hass: HomeAssistant) -> list[selector.SelectOptionDict]:
    return [
        selector.SelectOptionDict(value=entry.entry_id, label=entry.title)
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry_kind(entry) == KIND_STRAP
    ]


def person_schema(hass: HomeAssistant, current: Mapping[str, Any]) -> vol.Schema:
    """The main person form, prefilled with ``current`` (defaults for a new person)."""
    fields: dict[vol.Marker, Any] = {
        vol.Required(CONF_NAME, default=current.get(CONF_NAME, vol.UNDEFINED)): (
            selector.TextSelector()
        )
    }
    straps = _strap_options(hass)
    if straps:
        linked = current.get(CONF_STRAP_ENTRY_ID)
        known = linked in {o["value"] for o in straps}
        fields[
            vol.Optional(
                CONF_STRAP_ENTRY_ID, description={"suggested_value": linked if known else None}
            )
        ] = selector.SelectSelector(
            selector.SelectSelectorConfig(options=straps, mode=selector.SelectSelectorMode.DROPDOWN)
        )
    fields[
        vol.Optional(
            CONF_PERSON_ENTITY, description={"suggested_value": current.get(CONF_PERSON_ENTITY)}
        )
    ] = selector.EntitySelector(selector.EntitySelectorConfig(domain="person"))
    fields[
        vol.Optional(
            CONF_SLEEP_SOURCE, description={"suggested_value": current.get(CONF_SLEEP_SOURCE)}
        )
    ] = selector.EntitySelector(selector.EntitySelectorConfig(domain=["binary_sensor", "sensor"]))
    fields[
        vol.Required(
            CONF_TARGET_SLEEP_H, default=current.get(CONF_TARGET_SLEEP_H, DEFAULT_TARGET_SLEEP_H)
        )
    ] = _number(4, 12, 0.25, "h")
    fields[
        vol.Optional(
            CONF_TARGET_WAKE_TIME,
            description={"suggested_value": current.get(CONF_TARGET_WAKE_TIME)},
        )
    ] = selector.TimeSelector()
    fields[
        vol.Required(
            CONF_REMINDER_LEAD_MIN,
            default=current.get(CONF_REMINDER_LEAD_MIN, DEFAULT_REMINDER_LEAD_MIN),
        )
    ] = _number(0, 180, 5, "min")
    default_days = [WEEKDAYS[d] for d in sorted(DEFAULT_WORK_DAYS)]
    fields[
        vol.Required(CONF_WORK_DAYS, default=list(current.get(CONF_WORK_DAYS, default_days)))
    ] = selector.SelectSelector(
        selector.SelectSelectorConfig(
            options=list(WEEKDAYS),
            multiple=True,
            mode=selector.SelectSelectorMode.LIST,
            translation_key="weekday",
        )
    )
    fields[
        vol.Required(
            CONF_MERGE_GAP_MIN, default=current.get(CONF_MERGE_GAP_MIN, DEFAULT_MERGE_GAP_MIN)
        )
    ] = _number(0, 120, 1, "min")
    fields[
        vol.Required(
            CONF_MIN_NIGHT_SLEEP_MIN,
            default=current.get(CONF_MIN_NIGHT_SLEEP_MIN, DEFAULT_MIN_NIGHT_SLEEP_MIN),
        )
    ] = _number(0, 360, 5, "min")
    fields[
        vol.Required(
            CONF_MORNING_START, default=current.get(CONF_MORNING_START, _iso(MORNING_START))
        )
    ] = selector.TimeSelector()
    fields[
        vol.Required(CONF_MORNING_END, default=current.get(CONF_MORNING_END, _iso(MORNING_END)))
    ] = selector.TimeSelector()
    fields[
        vol.Required(
            CONF_MEASUREMENT_DURATION_S,
            default=current.get(CONF_MEASUREMENT_DURATION_S, int(DEFAULT_ANALYSIS_S)),
        )
    ] = _number(MIN_ANALYSIS_S, MAX_ANALYSIS_S, 30, "s")
    _training_fields(fields, current)
    return vol.Schema(fields)


def _training_fields(fields: dict[vol.Marker, Any], current: Mapping[str, Any]) -> None:
    """The training part of the person form (all optional: unknown stays unknown)."""

    def suggested(key: str, default: Any = None) -> dict[str, Any]:
        """Prefilled, not a default: nothing is stored unless the user keeps or sets it."""
        return {"suggested_value": current.get(key, default)}

    fields[vol.Optional(CONF_SEX, description=suggested(CONF_SEX, Sex.UNSPECIFIED.value))] = (
        selector.SelectSelector(
            selector.SelectSelectorConfig(
                options=[s.value for s in Sex],
                mode=selector.SelectSelectorMode.DROPDOWN,
                translation_key="sex",
            )
        )
    )
    fields[vol.Optional(CONF_AGE_YEARS, description=suggested(CONF_AGE_YEARS))] = _number(
        *AGE_RANGE, 1, "years"
    )
    fields[vol.Optional(CONF_MAX_HR_BPM, description=suggested(CONF_MAX_HR_BPM))] = _number(
        *MAX_HR_RANGE, 1, "bpm"
    )
    fields[vol.Optional(CONF_REST_HR_BPM, description=suggested(CONF_REST_HR_BPM))] = _number(
        *REST_HR_RANGE, 1, "bpm"
    )
    fields[
        vol.Optional(
            CONF_SESSION_HRR_PCT,
            description=suggested(
                CONF_SESSION_HRR_PCT, DEFAULT_TRAINING_SETTINGS.session_hrr_ratio * 100.0
            ),
        )
    ] = _number(*SESSION_HRR_PCT_RANGE, 5, "%")
    fields[vol.Optional(CONF_WORKOUT_SOURCE, description=suggested(CONF_WORKOUT_SOURCE))] = (
        selector.EntitySelector(selector.EntitySelectorConfig(domain=["sensor"]))
    )
    fields[
        vol.Optional(
            CONF_WORKOUT_PRESET, description=suggested(CONF_WORKOUT_PRESET, DEFAULT_PRESET)
        )
    ] = selector.SelectSelector(
        selector.SelectSelectorConfig(
            options=list(PRESETS),
            mode=selector.SelectSelectorMode.DROPDOWN,
            translation_key="workout_preset",
        )
    )
    fields[
        vol.Optional(
            CONF_PROTEIN_REMINDER_TIME,
            CONF_NAP_REMINDER_TIME,
            description=suggested(CONF_PROTEIN_REMINDER_TIME, _iso(DEFAULT_PROTEIN_REMINDER_TIME)),
        )
    ] = selector.TimeSelector()
    fields[
        vol.Optional(
            CONF_NAP_REMINDER_TIME,
            description=suggested(CONF_NAP_REMINDER_TIME, _iso(DEFAULT_NAP_REMINDER_TIME)),
        )
    ] = selector.TimeSelector()
    for key in (CONF_START_CTL, CONF_START_ATL):
        fields[vol.Optional(key, description=suggested(key))] = _number(
            *START_LOAD_RANGE, 0.1, "TRIMP"
        )


def states_schema(hass: HomeAssistant, current: Mapping[str, Any]) -> vol.Schema:
    """The "asleep states" form for a sensor source."""
    chosen = list(current.get(CONF_ASLEEP_STATES, DEFAULT_ASLEEP_STATES))
    options = list(dict.fromkeys([*DEFAULT_ASLEEP_STATES, *chosen]))
    if (state := hass.states.get(str(current.get(CONF_SLEEP_SOURCE)))) is not None:
        options = list(dict.fromkeys([*options, state.state]))
    return vol.Schema(
        {
            vol.Required(CONF_ASLEEP_STATES, default=chosen): selector.SelectSelector(
                selector.SelectSelectorConfig(
                    options=options,
                    multiple=True,
                    custom_value=True,
                    mode=selector.SelectSelectorMode.DROPDOWN,
                )
            )
        }
    )


def needs_states(settings: Mapping[str, Any]) -> bool:
    """A `sensor` source needs its asleep states (a `binary_sensor` is on while in bed)."""
    source = settings.get(CONF_SLEEP_SOURCE)
    return bool(source) and split_entity_id(str(source))[0] == "sensor"


def name_error(hass: HomeAssistant, name: str, *, own_entry_id: str | None = None) -> str | None:
    """Return an error key for an empty name or one another person already has."""
    if not name.strip():
        return "name_required"
    for entry in hass.config_entries.async_entries(DOMAIN):
        if (
            entry_kind(entry) != KIND_STRAP
            and entry.entry_id != own_entry_id
            and entry.title.casefold() == name.strip().casefold()
        ):
            return "name_exists"
    return None


def form_errors(
    hass: HomeAssistant, user_input: Mapping[str, Any], *, own_entry_id: str | None = None
) -> dict[str, str]:
    """Field errors of the person form: the name, and a morning window that ends before it starts.

    The morning window must not wrap past midnight: each measurement is assigned to the local
    date it was taken on, and a window across midnight would span two dates.
    """
    errors: dict[str, str] = {}
    name = str(user_input.get(CONF_NAME, ""))
    if (error := name_error(hass, name, own_entry_id=own_entry_id)) is not None:
        errors[CONF_NAME] = error
    start = _time(user_input.get(CONF_MORNING_START)) or MORNING_START
    end = _time(user_input.get(CONF_MORNING_END)) or MORNING_END
    if start >= end:
        errors[CONF_MORNING_END] = "morning_window_order"
    return errors


def settings_from_input(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Keep the settings keys of a submitted form (optional fields left empty are dropped)."""
    return {k: user_input[k] for k in SETTINGS_KEYS if user_input.get(k) not in (None, "")}


def entry_values(entry: ConfigEntry) -> dict[str, Any]:
    """An entry's name and settings, to prefill a form."""
    return {CONF_NAME: entry.title, **entry.options}
