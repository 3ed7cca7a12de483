"""HRV and resting-HR baselines and the recovery readiness model (science.md §5, §6).

Standard library only, no I/O, no clock, no logging, deterministic: the day is always passed in.

This module is the "readiness model" section of the README. It is **not medical advice** and
not a diagnosis: it compares a person's morning measurements and sleep with that same person's
recent history and turns the comparison into a training suggestion for healthy adults. It knows
nothing about illness, medication, pregnancy, altitude, alcohol or stress, all of which move HRV
and resting HR; it cannot tell a good reason for a change from a bad one.

Daily value
    ``x_d`` = ln(RMSSD in ms) of day *d*'s **first valid morning measurement** (Plews et al.
    2013). :func:`daily_values` picks it from several measurements: the earliest accepted one
    whose local clock time lies in ``[morning_start, morning_end)`` (default 04:00-11:00); later
    ones that day are ignored, rejected ones (value ``None``) are skipped. Morning resting HR
    ``r_d`` (bpm, ``60000 / MeanNN`` of the same window, science.md §6) is picked the same way.
    Days without a measurement are simply absent: they are never 0 and never interpolated.

Baseline (:func:`hrv_baseline`, :func:`rhr_baseline`; Plews / HRV4Training method)
    ``rolling_mean_7d`` = mean of ``x`` over the calendar days ``d-6 .. d`` (>= 3 values,
    Plews et al. 2014); ``cv_7d_pct`` = 100 * SD(ddof 1) / mean of the same values (>= 3,
    Plews et al. 2012); ``mean_60d``, ``sd_60d`` = mean and SD (ddof 1) over ``d-60 .. d-1``,
    today excluded (>= 14 values, HRV4Training's 60-day normal range); normal range =
    ``mean_60d -/+ 0.5 * sd_60d`` (0.5 SD = the smallest worthwhile change, Plews et al. 2012,
    2013; Buchheit 2014). ``status`` = the 7-day mean against the normal range: ``below``,
    ``within`` (bounds inclusive), ``above``, or ``insufficient_data`` while either minimum is
    not met. ``today_status`` = today's single value against the same range (the "acute"
    reading). For resting HR *above* is the adverse side.

Readiness (:func:`readiness`): contributors, sub-scores and weights (project defaults, all in
:class:`ReadinessSettings`)

    ==================== ====== ===========================================================
    contributor          weight sub-score (0-100, clamped)
    ==================== ====== ===========================================================
    ``hrv_status``        0.30  ``100 - 40 * z`` with ``z = (mean_60d - rolling_mean_7d) /
                                sd_60d`` (SDs on the adverse, low side; >= 0 only counts)
    ``hrv_today``         0.10  same with today's ``x_d`` instead of the 7-day mean
    ``resting_hr``        0.15  same with ``z = (r_d - mean_60d) / sd_60d`` (high = adverse)
    ``last_night_sleep``  0.15  ``100 - 20 * max(0, target_h - duration_h)``
    ``sleep_debt``        0.10  ``100 - 5 * sleep_debt_h`` (14-night debt, sleep issue)
    ``sleep_regularity``  0.05  ``100 * (SRI - 40) / (80 - 40)``
    ``training_load``     0.15  ``100 - 2 * max(0, -10 - 100 * TSB / CTL)`` (provisional)
    ==================== ====== ===========================================================

    With 40 points per SD, the edge of the normal range (0.5 SD, the SWC) scores exactly 80,
    1 SD scores 60 and 2.5 SD scores 0; the favourable side (HRV above, HR below the mean)
    scores 100 — no bonus. The sleep and load formulas are placed so that 80 also marks the
    edge of "fine": 1 h short of the target, 4 h of debt, SRI 72 (Windred et al. 2024:
    UK Biobank median 81, IQR 73.8-86.3, same SRI scale as ours), a TSB of -20 % of CTL.

    A contributor is **good** at >= 80, **fair** at 50-79, **poor** below 50, **missing** when
    its input is absent. ``score`` = round(sum(w_i * s_i) / sum(w_i)) over the contributors
    present: missing ones are dropped and the remaining weights renormalised to 1 (their
    effective weights are reported). ``weight_coverage_ratio`` = the present share of the
    nominal weights. The score is ``None`` only when no contributor at all is present — never
    0 for "unknown".

Level and recommendation (score bands, then ceilings)

    ========== ========= ===================================
    score      level     recommendation
    ========== ========= ===================================
    80-100     ready     hard
    65-79      moderate  moderate
    50-64      low       easy
    35-49      low       active_recovery
    0-34       rest      rest
    ========== ========= ===================================

    Ceilings, applied after the bands (the HRV-guided training rule decides the ceiling, the
    score decides below it):

    1. 7-day HRV **below** the normal range: at most ``low`` / ``easy`` (Vesterinen et al. 2016;
       Javaloyes et al. 2019: outside the SWC -> low intensity only).
    2. 7-day HRV below **and** today's HRV below or today's resting HR above its range: at most
       ``low`` / ``active_recovery`` (Kiviniemi et al. 2007, 2010: below the reference -> low
       intensity or rest; Buchheit 2014: HR and HRV are complementary).
    3. Any **poor** contributor (< 50), or today's resting HR above its range: at most
       ``moderate`` / ``moderate`` (project default; compare Oura's "< 70 usually means one
       contributor out of range").
    4. No HRV status yet (no strap data, or the 7-day / 60-day baseline not established): at
       most ``moderate`` / ``moderate``. The HRV-guided rule prescribes hard sessions only when
       HRV is inside (or above) the person's reference (Kiviniemi et al. 2007; Vesterinen et
       al. 2016); sleep alone never earns "hard".
    5. No morning measurement **today** (a baseline exists but ``today_value`` is missing): at
       most ``moderate`` / ``moderate`` (project default: the HRV-guided rule decides on the
       morning's own reading; a stale baseline does not license a hard session).

Reasons
    Every contributor that is not *good* adds its reason (translation key + placeholders,
    :data:`REASON_KEYS`, :data:`REASON_PLACEHOLDERS`), worst sub-score first; a 7-day HRV
    *above* the range adds the informational ``hrv_above_normal`` (above is not automatically
    good: with a rising CV it can accompany fatigue, Plews et al. 2012); missing data adds
    ``no_strap_data``, ``hrv_calibrating``, ``few_recent_measurements``,
    ``no_measurement_today``, ``no_sleep_data`` or ``no_sleep_last_night``; when a score exists
    and none of these apply (nothing adverse, no HRV above, no data reason) the only reason is
    ``all_within_normal``. Training load has no reason while it is missing (it is
    listed in ``missing_inputs``).

What it is not
    No medical advice, no illness detection; no population norms (only the person's own
    history); CV7 is reported but not scored; the training-load sub-score is a project default
    (form as % of fitness, below); the bands and weights are project defaults for orientation, not
    validated cut-offs.

References:
    Plews D.J. et al. (2012). Eur J Appl Physiol 112:3729-3741 (SWC 0.5 SD, CV7).
    Plews D.J. et al. (2013). Sports Med 43(9):773-781 (lnRMSSD, 7-day rolling mean).
    Plews D.J. et al. (2014). Int J Sports Physiol Perform 9(5):783-790 (>= 3 days a week).
    Buchheit M. (2014). Front Physiol 5:73 (SWC; HR and HRV complementary).
    Kiviniemi A.M. et al. (2007). Eur J Appl Physiol 101:743-751; (2010). Med Sci Sports
    Exerc 42(7):1355-1363.
    Vesterinen V. et al. (2016). Med Sci Sports Exerc 48(7):1347-1354.
    Javaloyes A. et al. (2019). Int J Sports Physiol Perform 14(1):23-32.
    HRV4Training (Altini), vendor documentation: 60-day normal range.
    Windred D.P. et al. (2024). Sleep 47(1):zsad253 (SRI distribution).
    Allen H., Coggan A. (2010). Training and Racing with a Power Meter (CTL/ATL/TSB).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, Protocol

from .errors import InsufficientDataError
from .sleep import SleepSummary

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

__all__ = [
    "CONTRIBUTOR_KEYS",
    "DEFAULT_BASELINE_RULES",
    "DEFAULT_READINESS_SETTINGS",
    "MIN_NORMAL_VALUES",
    "MIN_ROLLING_VALUES",
    "MORNING_END",
    "MORNING_START",
    "NORMAL_DAYS",
    "REASON_KEYS",
    "REASON_PLACEHOLDERS",
    "ROLLING_DAYS",
    "SWC_FACTOR",
    "BaselineRules",
    "BaselineStatus",
    "Contributor",
    "ContributorStatus",
    "HrvBaseline",
    "Readiness",
    "ReadinessLevel",
    "ReadinessSettings",
    "Reason",
    "Recommendation",
    "RhrBaseline",
    "SleepInputs",
    "TrainingLoadLike",
    "coefficient_of_variation_pct",
    "daily_values",
    "hrv_baseline",
    "normal_range",
    "readiness",
    "rhr_baseline",
]

# --------------------------------------------------------------------------- constants

ROLLING_DAYS: Final = 7
"""Calendar days in the rolling window ``d-6 .. d`` (Plews et al. 2013)."""
MIN_ROLLING_VALUES: Final = 3
"""Values needed in the rolling window (Plews et al. 2014: >= 3 valid days a week)."""
NORMAL_DAYS: Final = 60
"""Calendar days ``d-60 .. d-1`` behind the normal range (HRV4Training: past 60 days)."""
MIN_NORMAL_VALUES: Final = 14
"""Values needed for the normal range (project default, science.md §5.5: two weeks)."""
SWC_FACTOR: Final = 0.5
"""Half-width of the normal range in SDs: the smallest worthwhile change (Plews et al. 2012)."""
MORNING_START: Final = time(4)
"""Earliest local clock time of a morning measurement (project default)."""
MORNING_END: Final = time(11)
"""A morning measurement starts before this local clock time (project default)."""

POINTS_PER_SD: Final = 40.0
"""Sub-score points lost per SD on the adverse side: the SWC edge (0.5 SD) scores 80."""
SHORT_SLEEP_POINTS_PER_H: Final = 20.0
"""Points lost per hour of last night's sleep short of the target (1 h short scores 80)."""
SLEEP_DEBT_POINTS_PER_H: Final = 5.0
"""Points lost per hour of 14-night sleep debt (4 h of debt scores 80)."""
SRI_ZERO: Final = 40.0
"""SRI that scores 0 (project default)."""
SRI_FULL: Final = 80.0
"""SRI that scores 100 (project default; UK Biobank median 81, Windred et al. 2024)."""
FORM_FULL_PCT: Final = -10.0
"""TSB as % of CTL down to which the load sub-score stays 100 (provisional project default)."""
FORM_POINTS_PER_PCT: Final = 2.0
"""Points lost per %-point of TSB/CTL below ``FORM_FULL_PCT`` (provisional)."""

GOOD_MIN: Final = 80.0
"""Sub-score from which a contributor is *good* (the edge of every normal range)."""
FAIR_MIN: Final = 50.0
"""Sub-score from which a contributor is *fair*; below it is *poor*."""

READY_MIN: Final = 80
"""Lowest score of level ``ready`` / recommendation ``hard``."""
MODERATE_MIN: Final = 65
"""Lowest score of level ``moderate`` / recommendation ``moderate``."""
EASY_MIN: Final = 50
"""Lowest score of recommendation ``easy`` (level ``low``)."""
ACTIVE_RECOVERY_MIN: Final = 35
"""Lowest score of recommendation ``active_recovery`` (level ``low``); below is ``rest``."""

HRV_STATUS: Final = "hrv_status"
HRV_TODAY: Final = "hrv_today"
RESTING_HR: Final = "resting_hr"
LAST_NIGHT_SLEEP: Final = "last_night_sleep"
SLEEP_DEBT: Final = "sleep_debt"
SLEEP_REGULARITY: Final = "sleep_regularity"
TRAINING_LOAD: Final = "training_load"

CONTRIBUTOR_KEYS: Final[tuple[str, ...]] = (
    HRV_STATUS,
    HRV_TODAY,
    RESTING_HR,
    LAST_NIGHT_SLEEP,
    SLEEP_DEBT,
    SLEEP_REGULARITY,
    TRAINING_LOAD,
)
"""Contributor keys in report order; also the names used in ``missing_inputs``."""

REASON_PLACEHOLDERS: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        "hrv_below_normal": frozenset({"rmssd_7d_ms", "normal_low_ms", "normal_high_ms"}),
        "hrv_above_normal": frozenset({"rmssd_7d_ms", "normal_low_ms", "normal_high_ms"}),
        "hrv_today_below_normal": frozenset({"rmssd_ms", "normal_low_ms"}),
        "rhr_elevated": frozenset({"rhr_bpm", "normal_high_bpm"}),
        "short_sleep": frozenset({"duration_h", "target_h"}),
        "sleep_debt": frozenset({"debt_h"}),
        "irregular_sleep": frozenset({"sri"}),
        "high_training_load": frozenset({"tsb", "ctl"}),
        "no_strap_data": frozenset(),
        "hrv_calibrating": frozenset({"days", "needed"}),
        "few_recent_measurements": frozenset({"days", "needed"}),
        "no_measurement_today": frozenset(),
        "no_sleep_data": frozenset(),
        "no_sleep_last_night": frozenset(),
        "all_within_normal": frozenset(),
    }
)
"""Every reason key with the placeholder names its translation may use.

RMSSD values are ``exp`` of the ln values (ms, 1 decimal: the geometric mean for the 7-day
value); hours have 1 decimal, bpm 1 decimal, SRI 1 decimal, TSB and CTL 1 decimal.
"""

REASON_KEYS: Final[frozenset[str]] = frozenset(REASON_PLACEHOLDERS)
"""Every translation key :func:`readiness` can emit in ``Readiness.reasons``."""

_MAX_SCORE: Final = 100
_METRIC_CV: Final = "cv_pct"
_METRIC_NORMAL_RANGE: Final = "normal_range"


# --------------------------------------------------------------------------- enums


class BaselineStatus(StrEnum):
    """A value (7-day mean or today's value) against the normal range."""

    BELOW = "below"
    """Below ``normal_low``."""
    WITHIN = "within"
    """Inside ``[normal_low, normal_high]`` (bounds inclusive)."""
    ABOVE = "above"
    """Above ``normal_high``."""
    INSUFFICIENT_DATA = "insufficient_data"
    """The 60-day or 7-day minimum is not met (or, for ``today_status``, no value today)."""


class ContributorStatus(StrEnum):
    """Quality of one contributor's sub-score."""

    GOOD = "good"
    """Sub-score >= 80: inside the normal range / close enough to the target."""
    FAIR = "fair"
    """Sub-score 50-79."""
    POOR = "poor"
    """Sub-score below 50."""
    MISSING = "missing"
    """The input is absent; the contributor's weight is redistributed."""


class ReadinessLevel(StrEnum):
    """Readiness level, from the score bands and the ceilings (module docstring)."""

    REST = "rest"
    LOW = "low"
    MODERATE = "moderate"
    READY = "ready"


class Recommendation(StrEnum):
    """Suggested session intensity for the day."""

    REST = "rest"
    ACTIVE_RECOVERY = "active_recovery"
    EASY = "easy"
    MODERATE = "moderate"
    HARD = "hard"


_LEVEL_ORDER: Final = tuple(ReadinessLevel)
_RECOMMENDATION_ORDER: Final = tuple(Recommendation)


# --------------------------------------------------------------------------- small helpers


def _require_date(value: object, name: str) -> None:
    if isinstance(value, datetime) or not isinstance(value, date):
        msg = f"{name} must be a date (not a datetime), got {type(value).__name__}"
        raise TypeError(msg)


def _require_tz(tz: object) -> None:
    if not isinstance(tz, tzinfo):
        msg = f"tz must be a tzinfo such as zoneinfo.ZoneInfo, got {type(tz).__name__}"
        raise TypeError(msg)


def _require_finite(value: float, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        msg = f"{name} must be a finite number, got {value!r}"
        raise ValueError(msg)


def _clamp_score(value: float) -> float:
    return min(100.0, max(0.0, value))


def _round1(value: float) -> float:
    return round(value, 1)


def coefficient_of_variation_pct(values: Sequence[float], *, min_values: int = 3) -> float:
    """Return the coefficient of variation in percent.

    Formula:
        ``CV = 100 * SD(values, ddof=1) / mean(values)`` (Plews et al. 2012 "CV7" when the
        values are the 7-day lnRMSSD values).

    Minimum data:
        ``min_values`` values (default 3, Plews et al. 2014).

    Raises:
        InsufficientDataError: with fewer than ``max(min_values, 2)`` values.
        ValueError: if the mean is not positive (the CV of ln values needs RMSSD > 1 ms).

    Example:
        >>> round(coefficient_of_variation_pct([4.0, 4.2, 3.8]), 3)
        5.0
    """
    needed = max(min_values, 2)
    if len(values) < needed:
        raise InsufficientDataError(_METRIC_CV, needed=needed, got=len(values))
    mean = statistics.fmean(values)
    if mean <= 0:
        msg = f"the coefficient of variation needs a positive mean, got {mean}"
        raise ValueError(msg)
    return 100.0 * statistics.stdev(values) / mean


def normal_range(
    values: Sequence[float], *, swc_factor: float = SWC_FACTOR, min_values: int = MIN_NORMAL_VALUES
) -> tuple[float, float, float, float]:
    """Return ``(mean, sd, normal_low, normal_high)`` of a baseline period.

    Formula:
        ``mean`` = arithmetic mean; ``sd`` = sample SD (ddof 1); ``normal = mean -/+ k * sd``
        with ``k = swc_factor`` (0.5 SD = smallest worthwhile change, Plews et al. 2012;
        Buchheit 2014; 60-day period: HRV4Training).

    Minimum data:
        ``min_values`` values (default 14, science.md §5.5).

    Raises:
        InsufficientDataError: with fewer than ``max(min_values, 2)`` values.
        ValueError: for a negative ``swc_factor``.

    Example:
        >>> normal_range([1.0, 2.0, 3.0], min_values=3)
        (2.0, 1.0, 1.5, 2.5)
    """
    if swc_factor < 0:
        msg = f"swc_factor must be >= 0, got {swc_factor}"
        raise ValueError(msg)
    needed = max(min_values, 2)
    if len(values) < needed:
        raise InsufficientDataError(_METRIC_NORMAL_RANGE, needed=needed, got=len(values))
    mean = statistics.fmean(values)
    sd = statistics.stdev(values)
    return mean, sd, mean - swc_factor * sd, mean + swc_factor * sd


# --------------------------------------------------------------------------- daily values


def daily_values(
    measurements: Iterable[tuple[datetime, float | None]],
    *,
    tz: tzinfo,
    morning_start: time = MORNING_START,
    morning_end: time = MORNING_END,
) -> dict[date, float]:
    """Pick each local day's value: the first valid measurement inside the morning window.

    Rule (science.md §5.5, project rule "first valid morning measurement"):
        Each measurement is ``(measured_at, value)`` with an aware ``measured_at``. Its local
        date and clock time are read in ``tz``. It is a candidate when its local clock time
        lies in ``[morning_start, morning_end)`` and its value is valid: not ``None`` (pass
        ``None`` for a rejected measurement) and finite. Per local date the candidate with the
        earliest instant wins (ties: input order); later ones that morning are ignored, even if
        "better" — a second try after a rejected first one is how a valid value is obtained,
        a second valid one would be cherry-picking. Days without a candidate are absent.

    Args:
        measurements: ``(measured_at, value)`` pairs in any order, e.g. ``(m_at, m.ln_rmssd)``
            or ``(m_at, m.hr_bpm)`` of ``MorningMeasurement`` objects (``None`` when rejected).
        tz: the person's local zone.
        morning_start: window start, inclusive (default 04:00).
        morning_end: window end, exclusive (default 12:00); must be after ``morning_start``.

    Returns:
        ``{local date: value}``, sorted by date.

    Raises:
        ValueError: for a naive ``measured_at`` or a window that does not run forward.
        TypeError: if ``tz`` is not a tzinfo.
    """
    _require_tz(tz)
    if not morning_start < morning_end:
        msg = f"morning_start {morning_start} must be before morning_end {morning_end}"
        raise ValueError(msg)
    best: dict[date, tuple[datetime, float]] = {}
    for measured_at, value in measurements:
        if measured_at.tzinfo is None or measured_at.utcoffset() is None:
            msg = f"measured_at must be timezone-aware, got naive {measured_at.isoformat()}"
            raise ValueError(msg)
        if value is None or not math.isfinite(value):
            continue
        local = measured_at.astimezone(tz)
        if not morning_start <= local.time().replace(tzinfo=None) < morning_end:
            continue
        held = best.get(local.date())
        if held is None or measured_at < held[0]:
            best[local.date()] = (measured_at, float(value))
    return {day: best[day][1] for day in sorted(best)}


# --------------------------------------------------------------------------- baselines


@dataclass(frozen=True, slots=True, kw_only=True)
class BaselineRules:
    """Windows and minima of the baseline (defaults: science.md §5.5).

    Attributes:
        rolling_days: calendar days ``d - rolling_days + 1 .. d`` of the rolling mean (7).
        min_rolling_values: values needed in that window (3).
        normal_days: calendar days ``d - normal_days .. d - 1`` of the normal range (60).
        min_normal_values: values needed in that window (14).
        swc_factor: half-width of the normal range in SDs (0.5).
    """

    rolling_days: int = ROLLING_DAYS
    min_rolling_values: int = MIN_ROLLING_VALUES
    normal_days: int = NORMAL_DAYS
    min_normal_values: int = MIN_NORMAL_VALUES
    swc_factor: float = SWC_FACTOR

    def __post_init__(self) -> None:
        """Reject windows that make no sense."""
        if self.rolling_days < 1 or self.normal_days < 1:
            msg = "rolling_days and normal_days must be >= 1"
            raise ValueError(msg)
        if not 2 <= self.min_rolling_values <= self.rolling_days:  # noqa: PLR2004  (SD needs 2)
            msg = f"min_rolling_values must be in 2..rolling_days, got {self.min_rolling_values}"
            raise ValueError(msg)
        if not 2 <= self.min_normal_values <= self.normal_days:  # noqa: PLR2004
            msg = f"min_normal_values must be in 2..normal_days, got {self.min_normal_values}"
            raise ValueError(msg)
        if not (math.isfinite(self.swc_factor) and self.swc_factor >= 0):
            msg = f"swc_factor must be a finite number >= 0, got {self.swc_factor}"
            raise ValueError(msg)


DEFAULT_BASELINE_RULES: Final = BaselineRules()


@dataclass(frozen=True, slots=True, kw_only=True)
class _Baseline:
    day: date
    today_value: float | None
    rolling_mean_7d: float | None
    cv_7d_pct: float | None
    mean_60d: float | None
    sd_60d: float | None
    normal_low: float | None
    normal_high: float | None
    status: BaselineStatus
    today_status: BaselineStatus
    count_7d: int
    count_60d: int

    def _deviation_sd(self, value: float | None) -> float | None:
        """``(value - mean_60d) / sd_60d``; infinite for a flat baseline and a different value."""
        if value is None or self.mean_60d is None or self.sd_60d is None:
            return None
        diff = value - self.mean_60d
        if self.sd_60d > 0:
            return diff / self.sd_60d
        return 0.0 if diff == 0 else math.copysign(math.inf, diff)

    @property
    def deviation_7d_sd(self) -> float | None:
        """7-day mean minus ``mean_60d`` in baseline SDs (``None`` if either is unknown)."""
        return self._deviation_sd(self.rolling_mean_7d)

    @property
    def deviation_today_sd(self) -> float | None:
        """Today's value minus ``mean_60d`` in baseline SDs (``None`` if either is unknown)."""
        return self._deviation_sd(self.today_value)

    def _as_dict(self, suffix: str) -> dict[str, object]:
        values = {
            "today_value": self.today_value,
            "rolling_mean_7d": self.rolling_mean_7d,
            "mean_60d": self.mean_60d,
            "sd_60d": self.sd_60d,
            "normal_low": self.normal_low,
            "normal_high": self.normal_high,
        }
        out: dict[str, object] = {"day": self.day.isoformat()}
        out.update({f"{key}{suffix}": value for key, value in values.items()})
        out["cv_7d_pct"] = self.cv_7d_pct
        out["status"] = self.status.value
        out["today_status"] = self.today_status.value
        out["count_7d"] = self.count_7d
        out["count_60d"] = self.count_60d
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class HrvBaseline(_Baseline):
    """Morning lnRMSSD of one day against its own history (:func:`hrv_baseline`).

    Values are ln(RMSSD in ms), dimensionless. Fields that cannot be computed are ``None``.

    Attributes:
        day: the day evaluated.
        today_value: ``x_d``, the day's own value, ``None`` without a measurement that day.
        rolling_mean_7d: mean of ``x`` over ``d-6 .. d`` (>= 3 values).
        cv_7d_pct: 100 * SD (ddof 1) / mean of the same values (>= 3 values).
        mean_60d: mean of ``x`` over ``d-60 .. d-1`` (>= 14 values).
        sd_60d: SD (ddof 1) of the same values (>= 14 values).
        normal_low: ``mean_60d - 0.5 * sd_60d``.
        normal_high: ``mean_60d + 0.5 * sd_60d``.
        status: ``rolling_mean_7d`` against ``[normal_low, normal_high]``, or
            ``insufficient_data``.
        today_status: ``today_value`` against the same range, or ``insufficient_data``.
        count_7d: values in the 7-day window.
        count_60d: values in the 60-day window.
    """

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-friendly dict (ln values are dimensionless: no unit suffix)."""
        return self._as_dict("")


@dataclass(frozen=True, slots=True, kw_only=True)
class RhrBaseline(_Baseline):
    """Morning resting HR (bpm) of one day against its own history (:func:`rhr_baseline`).

    Same fields and rules as :class:`HrvBaseline`, values in bpm; *above* is the adverse side.
    """

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-friendly dict with ``_bpm``-suffixed value keys."""
        return self._as_dict("_bpm")


def _classify(value: float | None, low: float | None, high: float | None) -> BaselineStatus:
    if value is None or low is None or high is None:
        return BaselineStatus.INSUFFICIENT_DATA
    if value < low:
        return BaselineStatus.BELOW
    if value > high:
        return BaselineStatus.ABOVE
    return BaselineStatus.WITHIN


def _window(
    daily: Mapping[date, float], last: date, days: int, name: str, *, positive: bool
) -> list[float]:
    """Values of the calendar days ``last - days + 1 .. last`` that are present, oldest first.

    Only the values inside the window are validated, so a long history costs nothing extra.
    """
    out: list[float] = []
    for back in range(days - 1, -1, -1):
        key = last - timedelta(days=back)
        value = daily.get(key)
        if value is not None:
            _require_finite(value, f"{name}[{key}]")
            if positive and value <= 0:
                msg = f"{name}[{key}] must be > 0, got {value}"
                raise ValueError(msg)
            out.append(value)
    return out


def _build_baseline[B: _Baseline](  # noqa: PLR0913  (one private builder for both kinds)
    cls: type[B],
    daily: Mapping[date, float],
    day: date,
    rules: BaselineRules,
    name: str,
    *,
    positive: bool = False,
) -> B:
    _require_date(day, "day")
    recent = _window(daily, day, rules.rolling_days, name, positive=positive)
    history = _window(daily, day - timedelta(days=1), rules.normal_days, name, positive=positive)
    if not recent and not history:
        # Nothing found: make sure that is not because the keys are datetimes or strings.
        for key in daily:
            _require_date(key, f"{name} key")
    rolling = cv = mean = sd = low = high = None
    if len(recent) >= rules.min_rolling_values:
        rolling = statistics.fmean(recent)
        if rolling > 0:
            cv = coefficient_of_variation_pct(recent, min_values=rules.min_rolling_values)
    if len(history) >= rules.min_normal_values:
        mean, sd, low, high = normal_range(
            history, swc_factor=rules.swc_factor, min_values=rules.min_normal_values
        )
    today = recent[-1] if recent and daily.get(day) is not None else None
    return cls(
        day=day,
        today_value=today,
        rolling_mean_7d=rolling,
        cv_7d_pct=cv,
        mean_60d=mean,
        sd_60d=sd,
        normal_low=low,
        normal_high=high,
        status=_classify(rolling, low, high),
        today_status=_classify(today, low, high),
        count_7d=len(recent),
        count_60d=len(history),
    )


def hrv_baseline(
    daily_ln_rmssd: Mapping[date, float],
    day: date,
    *,
    rules: BaselineRules = DEFAULT_BASELINE_RULES,
) -> HrvBaseline:
    """Evaluate one day's morning lnRMSSD against its history (Plews / HRV4Training method).

    Formula (science.md §5.5, defaults of :class:`BaselineRules`):
        ``rolling_mean_7d = mean(x[d-6 .. d])``; ``cv_7d_pct = 100 * SD(x[d-6 .. d]) /
        rolling_mean_7d``; ``mean_60d, sd_60d = mean, SD(x[d-60 .. d-1])`` (today excluded);
        ``normal_low/high = mean_60d -/+ 0.5 * sd_60d``; ``status`` = ``rolling_mean_7d``
        against ``[normal_low, normal_high]`` (inclusive). Calendar days without a value are
        skipped, never filled.

    Estimator:
        Arithmetic means; sample SD with ddof 1 (``statistics.stdev``).

    Minimum data:
        3 values in the 7-day window (rolling mean, CV7) and 14 in the 60-day window (normal
        range). When either is missing ``status`` is ``insufficient_data`` and the fields that
        cannot be computed are ``None`` — this function does not raise for too little data.
        ``cv_7d_pct`` is ``None`` if the 7-day mean is not positive.

    Args:
        daily_ln_rmssd: one ln(RMSSD in ms) per local date (see :func:`daily_values`); values
            after ``day`` are ignored.
        day: the local date to evaluate.
        rules: windows, minima and the SWC factor.

    Raises:
        TypeError: if ``day`` or a key is not a date (a datetime is rejected).
        ValueError: for a non-finite value inside the windows (values outside them are not
            read).

    References:
        Plews D.J. et al. (2012) Eur J Appl Physiol 112:3729-3741; (2013) Sports Med
        43(9):773-781; (2014) Int J Sports Physiol Perform 9(5):783-790. Buchheit M. (2014)
        Front Physiol 5:73. HRV4Training (Altini) 60-day normal range [vendor].

    Example:
        >>> from datetime import date, timedelta
        >>> d0 = date(2026, 1, 1)
        >>> x = {d0 + timedelta(days=i): 4.0 + 0.1 * (i % 2) for i in range(20)}
        >>> b = hrv_baseline(x, d0 + timedelta(days=19))
        >>> b.status, round(b.rolling_mean_7d, 4), b.count_60d
        (<BaselineStatus.WITHIN: 'within'>, 4.0571, 19)
    """
    return _build_baseline(HrvBaseline, daily_ln_rmssd, day, rules, "daily_ln_rmssd")


def rhr_baseline(
    daily_rhr_bpm: Mapping[date, float],
    day: date,
    *,
    rules: BaselineRules = DEFAULT_BASELINE_RULES,
) -> RhrBaseline:
    """Evaluate one day's morning resting HR against its history (science.md §6).

    Formula, estimator and minimum data exactly as :func:`hrv_baseline`, on HR in bpm
    (``60000 / MeanNN`` of the morning window). ``above`` is the adverse side.

    Raises:
        TypeError: if ``day`` or a key is not a date.
        ValueError: for a non-finite or non-positive value inside the windows.

    References:
        Buchheit M. (2014). Front Physiol 5:73 (HR and HRV complementary; same SWC logic).
    """
    return _build_baseline(RhrBaseline, daily_rhr_bpm, day, rules, "daily_rhr_bpm", positive=True)


# --------------------------------------------------------------------------- readiness inputs


@dataclass(frozen=True, slots=True, kw_only=True)
class SleepInputs:
    """Plain sleep values for :func:`readiness` (or pass a ``SleepSummary``).

    Attributes:
        target_sleep_h: nightly sleep target, h (> 0).
        last_night_h: time asleep last night, h; ``None`` without a record.
        sleep_debt_h: sleep debt over the summary window, h (``sleep.sleep_debt_h``).
        sri: Sleep Regularity Index (published only with >= 5 valid paired days).
    """

    target_sleep_h: float
    last_night_h: float | None = None
    sleep_debt_h: float | None = None
    sri: float | None = None

    def __post_init__(self) -> None:
        """Reject impossible values."""
        _require_finite(self.target_sleep_h, "target_sleep_h")
        if self.target_sleep_h <= 0:
            msg = f"target_sleep_h must be > 0, got {self.target_sleep_h}"
            raise ValueError(msg)
        for name in ("last_night_h", "sleep_debt_h", "sri"):
            value = getattr(self, name)
            if value is not None:
                _require_finite(value, name)
        if (self.last_night_h is not None and self.last_night_h < 0) or (
            self.sleep_debt_h is not None and self.sleep_debt_h < 0
        ):
            msg = "last_night_h and sleep_debt_h must be >= 0"
            raise ValueError(msg)

    @classmethod
    def from_summary(cls, summary: SleepSummary) -> SleepInputs:
        """Take last night, debt and SRI from a ``SleepSummary`` of the sleep module."""
        record = summary.last_night_record
        return cls(
            target_sleep_h=summary.target_sleep_h,
            last_night_h=record.duration_h if record is not None else None,
            sleep_debt_h=summary.sleep_debt_h,
            sri=summary.sri,
        )


class TrainingLoadLike(Protocol):
    """What :func:`readiness` reads from a training load such as ``training_load.TrainingLoad``.

    Allen & Coggan's Performance Management Chart quantities.

    ``ctl`` (chronic load, 42-d), ``tsb`` (form = yesterday's CTL - ATL), same load unit.
    """

    @property
    def ctl(self) -> float | None:
        """Chronic training load."""
        ...

    @property
    def tsb(self) -> float | None:
        """Training stress balance (form)."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadinessSettings:
    """Weights, slopes and bands of the readiness model (project defaults, module docstring).

    Weights are relative (renormalised over the contributors present); they must be >= 0 and
    at least one must be positive. Band minima must satisfy
    ``ready_min >= moderate_min >= easy_min >= active_recovery_min``.
    """

    weight_hrv_status: float = 0.30
    weight_hrv_today: float = 0.10
    weight_resting_hr: float = 0.15
    weight_last_night_sleep: float = 0.15
    weight_sleep_debt: float = 0.10
    weight_sleep_regularity: float = 0.05
    weight_training_load: float = 0.15
    points_per_sd: float = POINTS_PER_SD
    short_sleep_points_per_h: float = SHORT_SLEEP_POINTS_PER_H
    sleep_debt_points_per_h: float = SLEEP_DEBT_POINTS_PER_H
    sri_zero: float = SRI_ZERO
    sri_full: float = SRI_FULL
    form_full_pct: float = FORM_FULL_PCT
    form_points_per_pct: float = FORM_POINTS_PER_PCT
    ready_min: int = READY_MIN
    moderate_min: int = MODERATE_MIN
    easy_min: int = EASY_MIN
    active_recovery_min: int = ACTIVE_RECOVERY_MIN

    def __post_init__(self) -> None:
        """Reject settings that make no sense."""
        for item in fields(self):
            _require_finite(getattr(self, item.name), item.name)
        weights = self.weights()
        if any(w < 0 for w in weights.values()) or not any(w > 0 for w in weights.values()):
            msg = "weights must be >= 0 and at least one must be > 0"
            raise ValueError(msg)
        if not self.sri_full > self.sri_zero:
            msg = "sri_full must be greater than sri_zero"
            raise ValueError(msg)
        if (
            not (_MAX_SCORE >= self.ready_min >= self.moderate_min >= self.easy_min)
            or not self.easy_min >= self.active_recovery_min >= 0
        ):
            msg = "bands must satisfy 100 >= ready >= moderate >= easy >= active_recovery >= 0"
            raise ValueError(msg)

    def weights(self) -> dict[str, float]:
        """Return the nominal weight of every contributor key."""
        return {key: float(getattr(self, f"weight_{key}")) for key in CONTRIBUTOR_KEYS}


DEFAULT_READINESS_SETTINGS: Final = ReadinessSettings()


# --------------------------------------------------------------------------- readiness result


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    """One reason behind the result: a translation key and its placeholders.

    Attributes:
        key: a member of :data:`REASON_KEYS`.
        placeholders: ``(name, value)`` pairs (names per :data:`REASON_PLACEHOLDERS`).
    """

    key: str
    placeholders: tuple[tuple[str, float | int], ...] = ()

    def placeholders_dict(self) -> dict[str, float | int]:
        """Return the placeholders as a dict."""
        return dict(self.placeholders)

    def as_dict(self) -> dict[str, object]:
        """Return ``{"key": ..., "placeholders": {...}}``."""
        return {"key": self.key, "placeholders": self.placeholders_dict()}


@dataclass(frozen=True, slots=True, kw_only=True)
class Contributor:
    """One input of the readiness score.

    Attributes:
        key: one of :data:`CONTRIBUTOR_KEYS`.
        sub_score: 0-100 (rounded to 0.1), ``None`` when the input is missing.
        weight: nominal weight from the settings.
        effective_weight: share of the score after renormalisation (0 when missing).
        value: the input in ``unit`` (``None`` when missing).
        unit: ``"ln(ms)"`` (lnRMSSD), ``"bpm"``, ``"h"``, ``"sri"`` or ``"tsb"``.
        status: good / fair / poor / missing.
    """

    key: str
    sub_score: float | None
    weight: float
    effective_weight: float
    value: float | None
    unit: str
    status: ContributorStatus

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-friendly dict."""
        return {
            "key": self.key,
            "status": self.status.value,
            "sub_score": self.sub_score,
            "weight_ratio": self.weight,
            "effective_weight_ratio": self.effective_weight,
            "value": self.value,
            "unit": self.unit,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Readiness:
    """Recovery readiness of one day (:func:`readiness`).

    Attributes:
        day: the local date.
        score: 0-100, ``None`` when no contributor is present (never 0 for unknown).
        level: rest / low / moderate / ready; ``None`` with the score.
        recommendation: rest / active_recovery / easy / moderate / hard; ``None`` with the
            score.
        contributors: every contributor in :data:`CONTRIBUTOR_KEYS` order, missing ones too.
        reasons: translation keys with placeholders, most important first.
        missing_inputs: keys of the missing contributors.
        weight_coverage_ratio: present nominal weight / total nominal weight (0-1).
    """

    day: date
    score: int | None
    level: ReadinessLevel | None
    recommendation: Recommendation | None
    contributors: tuple[Contributor, ...]
    reasons: tuple[Reason, ...]
    missing_inputs: tuple[str, ...]
    weight_coverage_ratio: float

    def contributor(self, key: str) -> Contributor:
        """Return the contributor with ``key``.

        Raises:
            KeyError: for an unknown key.
        """
        for item in self.contributors:
            if item.key == key:
                return item
        raise KeyError(key)

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-friendly dict for service responses."""
        return {
            "day": self.day.isoformat(),
            "score": self.score,
            "level": self.level.value if self.level is not None else None,
            "recommendation": (
                self.recommendation.value if self.recommendation is not None else None
            ),
            "weight_coverage_ratio": self.weight_coverage_ratio,
            "contributors": [c.as_dict() for c in self.contributors],
            "reasons": [r.as_dict() for r in self.reasons],
            "missing_inputs": list(self.missing_inputs),
        }


# --------------------------------------------------------------------------- the model


def _adverse_sd_score(deviation_sd: float | None, *, sign: float, points: float) -> float | None:
    """``100 - points * max(0, sign * deviation)``, clamped; ``sign`` -1 for HRV, +1 for HR."""
    if deviation_sd is None:
        return None
    return _clamp_score(100.0 - points * max(0.0, sign * deviation_sd))


def _status_of(sub_score: float | None) -> ContributorStatus:
    if sub_score is None:
        return ContributorStatus.MISSING
    if sub_score >= GOOD_MIN:
        return ContributorStatus.GOOD
    if sub_score >= FAIR_MIN:
        return ContributorStatus.FAIR
    return ContributorStatus.POOR


def _band(score: int, s: ReadinessSettings) -> tuple[ReadinessLevel, Recommendation]:
    if score >= s.ready_min:
        return ReadinessLevel.READY, Recommendation.HARD
    if score >= s.moderate_min:
        return ReadinessLevel.MODERATE, Recommendation.MODERATE
    if score >= s.easy_min:
        return ReadinessLevel.LOW, Recommendation.EASY
    if score >= s.active_recovery_min:
        return ReadinessLevel.LOW, Recommendation.ACTIVE_RECOVERY
    return ReadinessLevel.REST, Recommendation.REST


def _ms(ln_value: float) -> float:
    return _round1(math.exp(ln_value))


@dataclass(slots=True)
class _Part:
    key: str
    sub: float | None
    value: float | None
    unit: str
    reason: Reason | None = None


def _hrv_parts(hrv: HrvBaseline | None, s: ReadinessSettings) -> list[_Part]:
    if hrv is None:
        return [_Part(HRV_STATUS, None, None, "ln(ms)"), _Part(HRV_TODAY, None, None, "ln(ms)")]
    status = _Part(
        HRV_STATUS,
        _adverse_sd_score(hrv.deviation_7d_sd, sign=-1.0, points=s.points_per_sd),
        hrv.rolling_mean_7d,
        "ln(ms)",
    )
    if status.sub is not None and hrv.rolling_mean_7d is not None:
        assert hrv.normal_low is not None  # noqa: S101  (implied by a sub-score)
        assert hrv.normal_high is not None  # noqa: S101
        status.reason = Reason(
            key="hrv_below_normal",
            placeholders=(
                ("rmssd_7d_ms", _ms(hrv.rolling_mean_7d)),
                ("normal_low_ms", _ms(hrv.normal_low)),
                ("normal_high_ms", _ms(hrv.normal_high)),
            ),
        )
    today = _Part(
        HRV_TODAY,
        _adverse_sd_score(hrv.deviation_today_sd, sign=-1.0, points=s.points_per_sd),
        hrv.today_value,
        "ln(ms)",
    )
    if today.sub is not None and hrv.today_value is not None and hrv.normal_low is not None:
        today.reason = Reason(
            key="hrv_today_below_normal",
            placeholders=(
                ("rmssd_ms", _ms(hrv.today_value)),
                ("normal_low_ms", _ms(hrv.normal_low)),
            ),
        )
    return [status, today]


def _rhr_part(rhr: RhrBaseline | None, s: ReadinessSettings) -> _Part:
    if rhr is None:
        return _Part(RESTING_HR, None, None, "bpm")
    part = _Part(
        RESTING_HR,
        _adverse_sd_score(rhr.deviation_today_sd, sign=1.0, points=s.points_per_sd),
        rhr.today_value,
        "bpm",
    )
    if part.sub is not None and rhr.today_value is not None and rhr.normal_high is not None:
        part.reason = Reason(
            key="rhr_elevated",
            placeholders=(
                ("rhr_bpm", _round1(rhr.today_value)),
                ("normal_high_bpm", _round1(rhr.normal_high)),
            ),
        )
    return part


def _sleep_parts(sleep: SleepInputs | None, s: ReadinessSettings) -> list[_Part]:
    if sleep is None:
        return [
            _Part(LAST_NIGHT_SLEEP, None, None, "h"),
            _Part(SLEEP_DEBT, None, None, "h"),
            _Part(SLEEP_REGULARITY, None, None, "sri"),
        ]
    night = _Part(LAST_NIGHT_SLEEP, None, sleep.last_night_h, "h")
    if sleep.last_night_h is not None:
        short_h = max(0.0, sleep.target_sleep_h - sleep.last_night_h)
        night.sub = _clamp_score(100.0 - s.short_sleep_points_per_h * short_h)
        night.reason = Reason(
            key="short_sleep",
            placeholders=(
                ("duration_h", _round1(sleep.last_night_h)),
                ("target_h", _round1(sleep.target_sleep_h)),
            ),
        )
    debt = _Part(SLEEP_DEBT, None, sleep.sleep_debt_h, "h")
    if sleep.sleep_debt_h is not None:
        debt.sub = _clamp_score(100.0 - s.sleep_debt_points_per_h * sleep.sleep_debt_h)
        debt.reason = Reason(
            key="sleep_debt", placeholders=(("debt_h", _round1(sleep.sleep_debt_h)),)
        )
    regularity = _Part(SLEEP_REGULARITY, None, sleep.sri, "sri")
    if sleep.sri is not None:
        regularity.sub = _clamp_score(100.0 * (sleep.sri - s.sri_zero) / (s.sri_full - s.sri_zero))
        regularity.reason = Reason(
            key="irregular_sleep", placeholders=(("sri", _round1(sleep.sri)),)
        )
    return [night, debt, regularity]


def _load_part(load: TrainingLoadLike | None, s: ReadinessSettings) -> _Part:
    part = _Part(TRAINING_LOAD, None, None, "tsb")
    if load is None or load.ctl is None or load.tsb is None or not load.ctl > 0:
        return part
    _require_finite(load.ctl, "training_load.ctl")
    _require_finite(load.tsb, "training_load.tsb")
    form_pct = 100.0 * load.tsb / load.ctl
    part.value = load.tsb
    part.sub = _clamp_score(100.0 - s.form_points_per_pct * max(0.0, s.form_full_pct - form_pct))
    part.reason = Reason(
        key="high_training_load",
        placeholders=(("tsb", _round1(load.tsb)), ("ctl", _round1(load.ctl))),
    )
    return part


def _data_reasons(
    hrv: HrvBaseline | None,
    rhr: RhrBaseline | None,
    sleep: SleepInputs | None,
    rules: BaselineRules,
) -> list[Reason]:
    reasons: list[Reason] = []
    baselines = [b for b in (hrv, rhr) if b is not None]
    if not baselines or all(b.count_7d == 0 and b.count_60d == 0 for b in baselines):
        reasons.append(Reason(key="no_strap_data"))
    elif hrv is not None and (hrv.count_7d or hrv.count_60d):
        if hrv.count_60d < rules.min_normal_values:
            reasons.append(
                Reason(
                    key="hrv_calibrating",
                    placeholders=(("days", hrv.count_60d), ("needed", rules.min_normal_values)),
                )
            )
        elif hrv.count_7d < rules.min_rolling_values:
            reasons.append(
                Reason(
                    key="few_recent_measurements",
                    placeholders=(("days", hrv.count_7d), ("needed", rules.min_rolling_values)),
                )
            )
        if hrv.today_value is None:
            reasons.append(Reason(key="no_measurement_today"))
    if sleep is None:
        reasons.append(Reason(key="no_sleep_data"))
    elif sleep.last_night_h is None:
        reasons.append(Reason(key="no_sleep_last_night"))
    return reasons


def _cap[T: (ReadinessLevel, Recommendation)](value: T, ceiling: T, order: tuple[T, ...]) -> T:
    return value if order.index(value) <= order.index(ceiling) else ceiling


def readiness(  # noqa: PLR0913  (keyword-only inputs of one documented model)
    *,
    day: date,
    hrv: HrvBaseline | None = None,
    rhr: RhrBaseline | None = None,
    sleep: SleepSummary | SleepInputs | None = None,
    training_load: TrainingLoadLike | None = None,
    settings: ReadinessSettings = DEFAULT_READINESS_SETTINGS,
    baseline_rules: BaselineRules = DEFAULT_BASELINE_RULES,
) -> Readiness:
    """Combine HRV, resting HR, sleep and training load into a readiness score for ``day``.

    The model — contributors, sub-score formulas, weights and their renormalisation, bands,
    ceilings, reasons and limits — is documented in the module docstring (README "The readiness
    model"). In short: ``score = round(sum(w_i * s_i) / sum(w_i))`` over the contributors
    present; ``level`` and ``recommendation`` from the score bands, then capped by the HRV-guided
    training rules.

    Args:
        day: the local date; must equal ``hrv.day``, ``rhr.day`` and a summary's ``today``.
        hrv: :func:`hrv_baseline` of ``day`` (``None``: no strap / no HRV data). Today's
            value is ``hrv.today_value``.
        rhr: :func:`rhr_baseline` of ``day`` (``None``: no resting-HR data).
        sleep: a ``SleepSummary`` for ``day`` (last night, debt, SRI are read from it) or
            plain :class:`SleepInputs`; ``None``: no sleep data.
        training_load: an object with ``ctl`` and ``tsb`` (``training_load.TrainingLoad``);
            ``None`` without training history — listed as missing.
        settings: weights, slopes and bands.
        baseline_rules: the rules the baselines were built with (for the minima quoted in the
            ``hrv_calibrating`` / ``few_recent_measurements`` reasons).

    Returns:
        A :class:`Readiness`; ``score``, ``level`` and ``recommendation`` are ``None`` only when
        no contributor is present.

    Raises:
        ValueError: if a baseline or summary belongs to another day.
        TypeError: if ``day`` is not a date.

    Example:
        >>> r = readiness(day=date(2026, 1, 1), sleep=SleepInputs(target_sleep_h=8.0,
        ...               last_night_h=7.0))
        >>> r.score, r.level.value, r.recommendation.value, r.missing_inputs[:2]
        (80, 'moderate', 'moderate', ('hrv_status', 'hrv_today'))
    """
    _require_date(day, "day")
    for name, item in (("hrv", hrv), ("rhr", rhr)):
        if item is not None and item.day != day:
            msg = f"{name} baseline is for {item.day}, not {day}"
            raise ValueError(msg)
    if isinstance(sleep, SleepSummary):
        if sleep.today != day:
            msg = f"sleep summary is for {sleep.today}, not {day}"
            raise ValueError(msg)
        sleep = SleepInputs.from_summary(sleep)

    parts = [
        *_hrv_parts(hrv, settings),
        _rhr_part(rhr, settings),
        *_sleep_parts(sleep, settings),
        _load_part(training_load, settings),
    ]
    weights = settings.weights()
    present = sum(weights[p.key] for p in parts if p.sub is not None)
    total = sum(weights.values())
    contributors = tuple(
        Contributor(
            key=p.key,
            sub_score=_round1(p.sub) if p.sub is not None else None,
            weight=weights[p.key],
            effective_weight=(weights[p.key] / present if p.sub is not None and present else 0.0),
            value=p.value,
            unit=p.unit,
            status=_status_of(p.sub),
        )
        for p in parts
    )

    score: int | None = None
    level: ReadinessLevel | None = None
    recommendation: Recommendation | None = None
    if present > 0:
        exact = sum(weights[p.key] * p.sub for p in parts if p.sub is not None) / present
        score = math.floor(exact + 0.5)
        level, recommendation = _band(score, settings)
        hrv_below = hrv is not None and hrv.status is BaselineStatus.BELOW
        rhr_high = rhr is not None and rhr.today_status is BaselineStatus.ABOVE
        hrv_today_below = hrv is not None and hrv.today_status is BaselineStatus.BELOW
        any_poor = any(c.status is ContributorStatus.POOR for c in contributors)
        hrv_unknown = hrv is None or hrv.status is BaselineStatus.INSUFFICIENT_DATA
        stale = hrv is not None and hrv.today_value is None  # no morning measurement today
        if any_poor or rhr_high or hrv_unknown or stale:
            level = _cap(level, ReadinessLevel.MODERATE, _LEVEL_ORDER)
            recommendation = _cap(recommendation, Recommendation.MODERATE, _RECOMMENDATION_ORDER)
        if hrv_below:
            level = _cap(level, ReadinessLevel.LOW, _LEVEL_ORDER)
            ceiling = (
                Recommendation.ACTIVE_RECOVERY
                if hrv_today_below or rhr_high
                else Recommendation.EASY
            )
            recommendation = _cap(recommendation, ceiling, _RECOMMENDATION_ORDER)

    adverse = sorted(
        (p for p in parts if p.sub is not None and p.sub < GOOD_MIN and p.reason is not None),
        key=lambda p: p.sub if p.sub is not None else 0.0,
    )
    reasons = [p.reason for p in adverse if p.reason is not None]
    if hrv is not None and hrv.status is BaselineStatus.ABOVE:
        assert hrv.rolling_mean_7d is not None  # noqa: S101  (implied by the status)
        assert hrv.normal_low is not None  # noqa: S101
        assert hrv.normal_high is not None  # noqa: S101
        reasons.append(
            Reason(
                key="hrv_above_normal",
                placeholders=(
                    ("rmssd_7d_ms", _ms(hrv.rolling_mean_7d)),
                    ("normal_low_ms", _ms(hrv.normal_low)),
                    ("normal_high_ms", _ms(hrv.normal_high)),
                ),
            )
        )
    data_reasons = _data_reasons(hrv, rhr, sleep, baseline_rules)
    missing = tuple(c.key for c in contributors if c.sub_score is None)
    hrv_above = hrv is not None and hrv.status is BaselineStatus.ABOVE
    if score is not None and not adverse and not data_reasons and not hrv_above:
        reasons.append(Reason(key="all_within_normal"))
    reasons.extend(data_reasons)
    return Readiness(
        day=day,
        score=score,
        level=level,
        recommendation=recommendation,
        contributors=contributors,
        reasons=tuple(reasons),
        missing_inputs=missing,
        weight_coverage_ratio=present / total,
    )
