"""Training load: Banister TRIMP, session loads, CTL/ATL/TSB, supercompensation window, advice.

Standard library only, no I/O, no clock, no logging, deterministic: days and instants are
always passed in. Orientation for healthy adults, **not** a training prescription and not
medical advice. Model defaults live in :class:`TrainingSettings` (science.md §8).

Load scale
    Our one load unit is the **Banister TRIMP** (:func:`banister_trimp`) computed from the full
    heart-rate stream of a session. Every other input is converted to that scale and labelled
    with its method (:class:`LoadMethod`): a session known only by its average HR gets the TRIMP
    of that average (an estimate that underrates interval sessions); a session known only by
    its RPE gets its session RPE (Foster et al. 2001) times a per-person calibration factor
    (:func:`fit_srpe_calibration`). Vendor loads (Garmin, Polar, WHOOP, ...) are carried along
    for display but never added to our scale.

Pipeline
    1. :func:`heart_rate_profile` — resting HR (morning baseline, else configured) and max HR
       (configured, else Tanaka et al. 2001, labelled estimated).
    2. :class:`SessionRecord` from any source (strap sessions from
       :mod:`.training_session`); :func:`merge_sessions` removes duplicates by time overlap.
    3. :func:`session_load` per session; :func:`daily_load` sums them per local date.
    4. :func:`fitness_fatigue` (CTL, ATL, TSB, ACWR) and :func:`training_history` (days since
       the last hard session, training days in the last two weeks).
    5. :func:`supercompensation_window` and :func:`daily_advice`; :func:`suggested_load_range`
       for the load that keeps tomorrow's form in a target band.

References:
    Banister E.W. (1991). Modeling elite athletic performance. In Physiological Testing of the
    High-Performance Athlete, Human Kinetics.
    Morton R.H., Fitz-Clarke J.R., Banister E.W. (1990). J Appl Physiol 69(3):1171-1177.
    Foster C. et al. (2001). A new approach to monitoring exercise training. J Strength Cond
    Res 15(1):109-115.
    Tanaka H., Monahan K.D., Seals D.R. (2001). Age-predicted maximal heart rate revisited.
    J Am Coll Cardiol 37(1):153-156.
    Allen H., Coggan A. (2010). Training and Racing with a Power Meter, 2nd ed.
    Impellizzeri F.M. et al. (2021). Sports Med 51:581-592 (ACWR is descriptive only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from .errors import InsufficientDataError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

__all__ = [
    "DEFAULT_TRAINING_SETTINGS",
    "FEMALE_A",
    "FEMALE_B",
    "MALE_A",
    "MALE_B",
    "AdviceKind",
    "AdviceReason",
    "DailyAdvice",
    "DerivedLoads",
    "HeartRateProfile",
    "HrSource",
    "LoadMethod",
    "LoadRange",
    "LoadSeed",
    "SessionLoad",
    "SessionRecord",
    "Sex",
    "SrpeCalibration",
    "TrainingHistory",
    "TrainingLoad",
    "TrainingSettings",
    "TrainingWindow",
    "WindowAssessment",
    "WindowReason",
    "banister_trimp",
    "daily_advice",
    "daily_load",
    "derive_loads",
    "fit_srpe_calibration",
    "fitness_fatigue",
    "fitness_fatigue_days",
    "heart_rate_profile",
    "load_for_target_form",
    "merge_sessions",
    "session_load",
    "session_rpe",
    "srpe_pairs",
    "suggested_load_range",
    "supercompensation_window",
    "tanaka_max_hr_bpm",
    "training_history",
    "trimp_weight",
]

# --------------------------------------------------------------------------- constants

MALE_A: Final = 0.64
"""Banister weighting factor ``a`` for men (Banister 1991; Morton et al. 1990)."""
MALE_B: Final = 1.92
"""Banister weighting exponent ``b`` for men."""
FEMALE_A: Final = 0.86
"""Banister weighting factor ``a`` for women (Morton et al. 1990)."""
FEMALE_B: Final = 1.67
"""Banister weighting exponent ``b`` for women."""
TANAKA_INTERCEPT_BPM: Final = 208.0
"""HRmax = 208 - 0.7 * age (Tanaka et al. 2001)."""
TANAKA_SLOPE_BPM_PER_YEAR: Final = 0.7
"""Slope of the Tanaka formula, bpm per year of age."""
CR10_MAX: Final = 10.0
"""Top of Borg's CR-10 scale used by session RPE (Foster et al. 2001)."""

_SECONDS_PER_MINUTE: Final = 60.0
_METRIC_TRIMP: Final = "banister_trimp"
_METRIC_FITNESS: Final = "fitness_fatigue"
_METRIC_PROFILE: Final = "heart_rate_profile"
_METRIC_WINDOW: Final = "supercompensation_window"
_METRIC_SUGGESTED: Final = "suggested_load_range"


def _require_finite(value: float, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        msg = f"{name} must be a finite number, got {value!r}"
        raise ValueError(msg)


def _require_date(value: object, name: str) -> None:
    if isinstance(value, datetime) or not isinstance(value, date):
        msg = f"{name} must be a date, got {type(value).__name__}"
        raise TypeError(msg)


def _require_aware(value: object, name: str) -> None:
    if not isinstance(value, datetime):
        msg = f"{name} must be a datetime, got {type(value).__name__}"
        raise TypeError(msg)
    if value.tzinfo is None or value.utcoffset() is None:
        msg = f"{name} must be timezone-aware, got naive {value.isoformat()}"
        raise ValueError(msg)


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingSettings:
    """Every default of the training-load model in one place (project defaults unless cited).

    Fitness-fatigue (Allen & Coggan 2010; science.md §8.4):
        ctl_days: 42, time constant of fitness (chronic load); ``lambda = 1 / ctl_days``.
        atl_days: 7, time constant of fatigue (acute load); ``lambda = 1 / atl_days``.
        acwr_acute_days / acwr_chronic_days: 7 / 28, rolling averages of the descriptive ACWR
            (Gabbett 2016; never a risk signal, Impellizzeri et al. 2021).
        form_min_history_days: 84, without a seed, form (TSB) is trusted from two CTL time
            constants of history on (CTL then holds 1 - (41/42)^84 = 86 % of a steady load).

    Hard session and window (docstrings of :func:`training_history` and
    :func:`supercompensation_window`):
        hard_load_ctl_ratio: 2.0, a day is *hard* when its load is at least twice the CTL
            entering it (twice the average daily load of the last six weeks) ...
        hard_load_min_trimp: 100.0, ... and at least 100 TRIMP (about 60 min at 70 % HRR for
            a man), so a beginner's CTL near 0 does not make every jog hard.
        ready_after_days: 2, a hard session 0-1 days ago means *recovering*; from day 2 the
            person is *ready* (48 h; Bishop et al. 2008: most markers recover in 24-72 h).
        window_closing_after_days: 4, from day 4 after the last hard session the window is
            *closing* (textbook supercompensation curve, Bompa & Haff 2009: the gain fades
            within days without a new stimulus).
        detraining_gap_days: 7, no training at all for more than 7 days is *detraining*.
        overreaching_form_pct: -30.0, TSB at or below -30 % of CTL is "far below 0"
            (intervals.icu form zones [V]: below -30 % = high risk).
        recovered_min_score: 65, a readiness score below 65 (the readiness model's *low*
            level) means not yet recovered.

    Advice (:func:`daily_advice`):
        rest_below_score: 35, readiness below 35 (the readiness model's *rest* band) -> rest.
        recovery_below_score: 50, readiness below 50 -> a recovery day.
        nap_sleep_debt_h: 2.0, sleep debt from which a nap is the first recovery advice.
        sparse_window_days / sparse_min_training_days: 14 / 2, fewer than 2 training days in
            the last 14 is too sparse to build fitness (ACSM: >= 3 days a week for
            cardiorespiratory fitness).
        target_form_low_pct / target_form_high_pct: -30 / -10, the "optimal" training band of
            form in % of CTL (intervals.icu [V]) used by :func:`suggested_load_range`.

    Session RPE (:func:`fit_srpe_calibration`):
        srpe_min_pairs: 5 sessions with both a HR stream and an RPE before the personal
            calibration replaces the default.
        srpe_default_trimp_per_au: 0.4 TRIMP per sRPE unit (derivation in
            :func:`fit_srpe_calibration`).

    Session detection (:mod:`.training_session`):
        session_hrr_ratio: 0.5, HR at or above 50 % of heart-rate reserve is exercise
            (ACSM: 40-59 % HRR is moderate intensity; 50 % keeps brisk walking out).
        easy_hrr_ratio: 0.6, below 60 % HRR is easy (ACSM: light-to-moderate, < 60 % HRR).
        min_session_s: 600, at least 10 min above the threshold (dips included).
        dip_tolerance_s: 60, dips below the threshold of up to 60 s stay inside a session.
        max_sample_interval_s: 5, samples further apart are a gap (strap disconnect); a
            sample's TRIMP duration is capped at this, so gap time adds no load.
        stitch_gap_s: 300, a gap of up to 5 min is stitched; a longer one closes the session
            at its last sample.
        hrr_s: 60, HRR60 = HR at the end of exercise - HR 60 s later (Cole et al. 1999).
        hr_smoothing_s: 10, HR level for the end search and the two HRR60 readings is a 10-s
            mean (trailing at the end, centred 60 s later), against 1-Hz strap noise.
        end_search_s: 180, the end of exercise is searched in the last 180 s before HR fell
            below the session threshold ...
        end_tolerance_bpm: 3.0, ... as the latest sample within 3 bpm of that stretch's
            maximum.
        cool_down_window_s / cool_down_min_easy_s: 300 / 180, a cool-down is >= 3 of the final
            5 min of a session below ``easy_hrr_ratio`` (ACSM: >= 5-10 min light-to-moderate;
            Van Hooren & Peake 2018).
        hard_part_min_s: 60, a session needs >= 60 s at or above ``easy_hrr_ratio`` before its
            final 5 min for a cool-down verdict (otherwise nothing to cool down from).

    Merging (:func:`merge_sessions`):
        merge_min_overlap_ratio: 0.5, two sessions are one when they overlap by at least half
            of the shorter one.
    """

    ctl_days: float = 42.0
    atl_days: float = 7.0
    acwr_acute_days: int = 7
    acwr_chronic_days: int = 28
    form_min_history_days: int = 84
    hard_load_ctl_ratio: float = 2.0
    hard_load_min_trimp: float = 100.0
    ready_after_days: int = 2
    window_closing_after_days: int = 4
    detraining_gap_days: int = 7
    overreaching_form_pct: float = -30.0
    recovered_min_score: float = 65.0
    rest_below_score: float = 35.0
    recovery_below_score: float = 50.0
    nap_sleep_debt_h: float = 2.0
    sparse_window_days: int = 14
    sparse_min_training_days: int = 2
    target_form_low_pct: float = -30.0
    target_form_high_pct: float = -10.0
    srpe_min_pairs: int = 5
    srpe_default_trimp_per_au: float = 0.4
    session_hrr_ratio: float = 0.5
    easy_hrr_ratio: float = 0.6
    min_session_s: float = 600.0
    dip_tolerance_s: float = 60.0
    max_sample_interval_s: float = 5.0
    stitch_gap_s: float = 300.0
    hrr_s: float = 60.0
    hr_smoothing_s: float = 10.0
    end_search_s: float = 180.0
    end_tolerance_bpm: float = 3.0
    cool_down_window_s: float = 300.0
    cool_down_min_easy_s: float = 180.0
    hard_part_min_s: float = 60.0
    merge_min_overlap_ratio: float = 0.5

    def __post_init__(self) -> None:
        """Reject settings outside their documented ranges."""
        for item in fields(self):
            value = getattr(self, item.name)
            _require_finite(value, item.name)
            if isinstance(item.default, int) and not isinstance(value, int):
                msg = f"{item.name} must be a whole number, got {value!r}"
                raise TypeError(msg)
        positive = (
            "ctl_days",
            "atl_days",
            "acwr_acute_days",
            "acwr_chronic_days",
            "form_min_history_days",
            "min_session_s",
            "max_sample_interval_s",
            "hrr_s",
            "hr_smoothing_s",
            "end_search_s",
            "cool_down_window_s",
            "srpe_min_pairs",
            "srpe_default_trimp_per_au",
            "sparse_window_days",
        )
        non_negative = ("dip_tolerance_s", "stitch_gap_s", "hard_load_ctl_ratio")
        problems = [f"{name} must be > 0" for name in positive if not getattr(self, name) > 0]
        problems += [f"{name} must be >= 0" for name in non_negative if getattr(self, name) < 0]
        rules = (
            (self.ctl_days >= 1 and self.atl_days >= 1, "ctl_days and atl_days must be >= 1"),
            (
                self.acwr_chronic_days >= self.acwr_acute_days,
                "acwr_chronic_days must be >= acwr_acute_days",
            ),
            (
                0 < self.session_hrr_ratio <= self.easy_hrr_ratio <= 1,
                "need 0 < session_hrr_ratio <= easy_hrr_ratio <= 1",
            ),
            (
                0 <= self.ready_after_days <= self.window_closing_after_days,
                "need 0 <= ready_after_days <= window_closing_after_days",
            ),
            (
                self.target_form_low_pct <= self.target_form_high_pct,
                "target_form_low_pct must be <= target_form_high_pct",
            ),
            (
                0 < self.cool_down_min_easy_s <= self.cool_down_window_s,
                "cool_down_min_easy_s must be in (0, cool_down_window_s]",
            ),
            (0 < self.merge_min_overlap_ratio <= 1, "merge_min_overlap_ratio must be in (0, 1]"),
        )
        problems += [msg for ok, msg in rules if not ok]
        if problems:
            raise ValueError("; ".join(problems))


DEFAULT_TRAINING_SETTINGS: Final = TrainingSettings()


# --------------------------------------------------------------------------- TRIMP


class Sex(StrEnum):
    """Sex for the Banister weighting curve."""

    MALE = "male"
    """``a = 0.64, b = 1.92``."""
    FEMALE = "female"
    """``a = 0.86, b = 1.67``."""
    UNSPECIFIED = "unspecified"
    """Mean of the male and female curves (see :func:`trimp_weight`)."""


def _sex(value: str) -> Sex:
    try:
        return Sex(value)
    except ValueError:
        msg = f"sex must be one of {[s.value for s in Sex]}, got {value!r}"
        raise ValueError(msg) from None


def trimp_weight(hr_reserve_ratio: float, sex: str) -> float:
    """Return the Banister weighting ``HRr * a * exp(b * HRr)`` per minute.

    Formula:
        ``y = HRr * a * e^(b * HRr)`` with ``a, b = 0.64, 1.92`` (men) and ``0.86, 1.67``
        (women). ``HRr`` is clipped to [0, 1]. For ``"unspecified"`` the **mean of both
        curves** is used: ``(y_male + y_female) / 2``. Golden Cheetah
        (``src/Metrics/TRIMPPoints.cpp``) falls back to the male curve when sex is not set (and
        keeps ``a = 0.64`` for women too, switching only ``b``); we prefer the mean because it
        never sits on the wrong curve by more than half the sex difference (at HRr 0.8 the
        female weight is ~10 % above the male one, the mean ~5 % from either).

    References:
        Banister E.W. (1991); Morton R.H., Fitz-Clarke J.R., Banister E.W. (1990). J Appl
        Physiol 69(3):1171-1177.

    Example:
        >>> round(trimp_weight(0.5, "male"), 4)
        0.8357
    """
    kind = _sex(sex)
    x = min(1.0, max(0.0, hr_reserve_ratio))
    male = x * MALE_A * math.exp(MALE_B * x)
    female = x * FEMALE_A * math.exp(FEMALE_B * x)
    if kind is Sex.MALE:
        return male
    if kind is Sex.FEMALE:
        return female
    return (male + female) / 2.0


def _check_hr_range(hr_rest_bpm: float, hr_max_bpm: float) -> None:
    _require_finite(hr_rest_bpm, "hr_rest_bpm")
    _require_finite(hr_max_bpm, "hr_max_bpm")
    if not 0 < hr_rest_bpm < hr_max_bpm:
        msg = f"need 0 < hr_rest_bpm < hr_max_bpm, got {hr_rest_bpm} and {hr_max_bpm}"
        raise ValueError(msg)


def banister_trimp(
    samples: Sequence[tuple[float, float]], *, hr_rest_bpm: float, hr_max_bpm: float, sex: str
) -> float:
    """Return the Banister training impulse (TRIMP, dimensionless) of HR samples.

    Formula:
        ``TRIMP = sum(duration_min * HRr * a * e^(b * HRr))`` over the samples, with
        ``HRr = (HR - HR_rest) / (HR_max - HR_rest)`` clipped to [0, 1] and the sex-specific
        ``a, b`` of :func:`trimp_weight` (``"unspecified"`` = mean of both curves).

    Each sample is ``(duration_s, hr_bpm)``: the HR held for that many seconds. Integrate the
    **full stream** (1 Hz from the strap); a session mean underrates interval sessions because
    the weighting is convex (use it only when no stream exists, as :func:`session_load` does,
    which labels the result an estimate).

    Raises:
        InsufficientDataError: if there is no sample (missing load is unknown, never 0).
        ValueError: for ``sex`` outside male/female/unspecified, ``hr_rest_bpm >= hr_max_bpm``,
            a negative or non-finite duration, or a non-finite HR.

    References:
        Banister E.W. (1991); Morton R.H. et al. (1990). J Appl Physiol 69(3):1171-1177.

    Example:
        >>> round(banister_trimp([(1800.0, 150.0)], hr_rest_bpm=50.0, hr_max_bpm=190.0,
        ...     sex="male"), 2)
        54.05
    """
    return _TrimpWeights(hr_rest_bpm, hr_max_bpm, sex).trimp(samples)


class _TrimpWeights:
    """``HRr`` and ``a * e^(b * HRr)`` per HR value for one set of anchors, filled on first use.

    A strap sends whole bpm and a stored session keeps seconds per whole bpm, so a person's
    sessions share a few hundred HR values: `daily_load` computes each weight once for all of
    them. The sum is the same, term for term, as without the table.
    """

    __slots__ = ("_a1", "_a2", "_b1", "_b2", "_reserve", "_rest", "_table")

    def __init__(self, hr_rest_bpm: float, hr_max_bpm: float, sex: str) -> None:
        _check_hr_range(hr_rest_bpm, hr_max_bpm)
        self._rest = hr_rest_bpm
        self._reserve = hr_max_bpm - hr_rest_bpm
        self._a1, self._b1, self._a2, self._b2 = {
            Sex.MALE: (MALE_A, MALE_B, 0.0, 0.0),
            Sex.FEMALE: (FEMALE_A, FEMALE_B, 0.0, 0.0),
            Sex.UNSPECIFIED: (MALE_A / 2, MALE_B, FEMALE_A / 2, FEMALE_B),
        }[_sex(sex)]
        self._table: dict[float, tuple[float, float]] = {}

    def _weight(self, hr_bpm: float) -> tuple[float, float]:
        x = (hr_bpm - self._rest) / self._reserve
        x = 0.0 if x < 0.0 else min(x, 1.0)
        weight = self._a1 * math.exp(self._b1 * x)
        if self._a2:
            weight += self._a2 * math.exp(self._b2 * x)
        self._table[hr_bpm] = (x, weight)
        return x, weight

    def trimp(self, samples: Sequence[tuple[float, float]]) -> float:
        """:func:`banister_trimp` of ``samples`` with these anchors."""
        if not samples:
            raise InsufficientDataError(_METRIC_TRIMP, needed=1, got=0)
        table, isfinite = self._table, math.isfinite
        total = 0.0
        for duration_s, hr_bpm in samples:
            if (
                type(duration_s) is bool
                or type(hr_bpm) is bool
                or not (isfinite(duration_s) and isfinite(hr_bpm))
                or duration_s < 0
            ):
                msg = (
                    "need a finite duration_s >= 0 and a finite hr_bpm, "
                    f"got {duration_s!r}, {hr_bpm!r}"
                )
                raise ValueError(msg)
            x, weight = table.get(hr_bpm) or self._weight(hr_bpm)
            total += duration_s * x * weight
        return total / _SECONDS_PER_MINUTE


# --------------------------------------------------------------------------- HR profile


class HrSource(StrEnum):
    """Where a heart-rate anchor of the profile comes from."""

    MORNING_BASELINE = "morning_baseline"
    """Resting HR from the person's morning measurements (science.md §6)."""
    CONFIGURED = "configured"
    """Entered by the user."""
    ESTIMATED_TANAKA = "estimated_tanaka"
    """Max HR estimated as 208 - 0.7 * age (Tanaka et al. 2001)."""


def tanaka_max_hr_bpm(age_years: float) -> float:
    """Return the age-predicted maximal HR, bpm.

    Formula:
        ``HRmax = 208 - 0.7 * age`` (meta-analysis of 351 studies, 18 712 subjects; SD of the
        prediction about 7-10 bpm, so it is labelled *estimated* wherever it is used).

    Raises:
        ValueError: for an age outside 5-110 years.

    References:
        Tanaka H., Monahan K.D., Seals D.R. (2001). J Am Coll Cardiol 37(1):153-156.

    Example:
        >>> tanaka_max_hr_bpm(40)
        180.0
    """
    _require_finite(age_years, "age_years")
    if not 5 <= age_years <= 110:  # noqa: PLR2004  (plausible human ages)
        msg = f"age_years must be 5-110, got {age_years}"
        raise ValueError(msg)
    return TANAKA_INTERCEPT_BPM - TANAKA_SLOPE_BPM_PER_YEAR * age_years


@dataclass(frozen=True, slots=True, kw_only=True)
class HeartRateProfile:
    """The person's HR anchors for TRIMP.

    Attributes:
        hr_rest_bpm: resting HR, bpm.
        hr_max_bpm: maximal HR, bpm.
        sex: the Banister curve.
        hr_rest_source: morning_baseline or configured.
        hr_max_source: configured or estimated_tanaka.
    """

    hr_rest_bpm: float
    hr_max_bpm: float
    sex: Sex
    hr_rest_source: HrSource
    hr_max_source: HrSource

    def __post_init__(self) -> None:
        """Validate the anchors and the sex."""
        _check_hr_range(self.hr_rest_bpm, self.hr_max_bpm)
        _sex(self.sex)

    @property
    def hr_max_estimated(self) -> bool:
        """``True`` when max HR is the Tanaka estimate."""
        return self.hr_max_source is HrSource.ESTIMATED_TANAKA

    def hr_at_reserve_bpm(self, hr_reserve_ratio: float) -> float:
        """Return ``HR_rest + ratio * (HR_max - HR_rest)`` (Karvonen), bpm."""
        return self.hr_rest_bpm + hr_reserve_ratio * (self.hr_max_bpm - self.hr_rest_bpm)


def heart_rate_profile(
    *,
    sex: str = Sex.UNSPECIFIED,
    morning_rest_bpm: float | None = None,
    configured_rest_bpm: float | None = None,
    configured_max_bpm: float | None = None,
    age_years: float | None = None,
) -> HeartRateProfile:
    """Resolve resting and max HR with their sources.

    Rules:
        Resting HR = the morning baseline (e.g. the 7-day rolling mean of morning HR,
        science.md §6) when given, else the configured value. Max HR = the configured value,
        else Tanaka's ``208 - 0.7 * age`` labelled ``estimated_tanaka``.

    Raises:
        InsufficientDataError: when resting HR or max HR cannot be resolved (``got`` counts
            the anchors found, ``needed`` = 2).
        ValueError: when resting HR is not below max HR.
    """
    rest, rest_source = (
        (morning_rest_bpm, HrSource.MORNING_BASELINE)
        if morning_rest_bpm is not None
        else (configured_rest_bpm, HrSource.CONFIGURED)
    )
    if configured_max_bpm is not None:
        hr_max, max_source = configured_max_bpm, HrSource.CONFIGURED
    elif age_years is not None:
        hr_max, max_source = tanaka_max_hr_bpm(age_years), HrSource.ESTIMATED_TANAKA
    else:
        hr_max, max_source = None, HrSource.CONFIGURED
    if rest is None or hr_max is None:
        got = int(rest is not None) + int(hr_max is not None)
        raise InsufficientDataError(_METRIC_PROFILE, needed=2, got=got)
    return HeartRateProfile(
        hr_rest_bpm=rest,
        hr_max_bpm=hr_max,
        sex=_sex(sex),
        hr_rest_source=rest_source,
        hr_max_source=max_source,
    )


# --------------------------------------------------------------------------- session records


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionRecord:
    """One workout from any source, normalised.

    Attributes:
        start: timezone-aware start instant.
        duration_s: elapsed duration, s (> 0).
        sport: free key such as ``"running"``, ``"cycling"`` or ``"unknown"``.
        source: where it came from, e.g. ``"strap"``, ``"garmin_connect"``, ``"manual"``.
        hr_samples: ``(duration_s, hr_bpm)`` pairs of the full HR stream, or ``None``.
        avg_hr_bpm / max_hr_bpm: as reported, or ``None``.
        vendor_load: the source's own load (Garmin training load, Polar TRIMP, WHOOP strain)
            on **its** scale, shown but never added to ours; ``None`` when absent.
        vendor_load_unit / vendor_name: what that number is and who computed it.
        rpe: session rating of perceived exertion on Borg's CR-10 scale (0-10), or ``None``.
        source_id: the source's identifier (activity id), or ``None``.
        hrr60_bpm: heart-rate recovery 60 s after exercise (strap sessions), or ``None``.
        cooled_down: cool-down verdict of a strap session, ``None`` when unknown.
        merged_from: sources of duplicates merged into this record by :func:`merge_sessions`.
    """

    start: datetime
    duration_s: float
    sport: str = "unknown"
    source: str
    hr_samples: tuple[tuple[float, float], ...] | None = None
    avg_hr_bpm: float | None = None
    max_hr_bpm: float | None = None
    vendor_load: float | None = None
    vendor_load_unit: str | None = None
    vendor_name: str | None = None
    rpe: float | None = None
    source_id: str | None = None
    hrr60_bpm: float | None = None
    cooled_down: bool | None = None
    merged_from: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Validate the instant, duration, HR values and RPE."""
        _require_aware(self.start, "start")
        _require_finite(self.duration_s, "duration_s")
        if not self.duration_s > 0:
            msg = f"duration_s must be > 0, got {self.duration_s}"
            raise ValueError(msg)
        for name in ("avg_hr_bpm", "max_hr_bpm", "vendor_load", "hrr60_bpm"):
            value = getattr(self, name)
            if value is not None:
                _require_finite(value, name)
        if self.rpe is not None:
            _require_finite(self.rpe, "rpe")
            if not 0 <= self.rpe <= CR10_MAX:
                msg = f"rpe must be on the CR-10 scale 0-10, got {self.rpe}"
                raise ValueError(msg)

    @property
    def end(self) -> datetime:
        """Start plus duration."""
        return self.start + timedelta(seconds=self.duration_s)

    @property
    def has_stream(self) -> bool:
        """``True`` when a non-empty HR stream is attached."""
        return bool(self.hr_samples)


def session_rpe(rpe: float, duration_s: float) -> float:
    """Return the session RPE load, arbitrary units (AU).

    Formula:
        ``sRPE = CR-10 rating * duration_min`` (Foster et al. 2001; rating collected ~30 min
        after the session).

    References:
        Foster C. et al. (2001). J Strength Cond Res 15(1):109-115.

    Example:
        >>> session_rpe(5, 3600)
        300.0
    """
    _require_finite(rpe, "rpe")
    _require_finite(duration_s, "duration_s")
    if not 0 <= rpe <= CR10_MAX or duration_s < 0:
        msg = f"need 0 <= rpe <= 10 and duration_s >= 0, got {rpe} and {duration_s}"
        raise ValueError(msg)
    return float(rpe) * duration_s / _SECONDS_PER_MINUTE


# --------------------------------------------------------------------------- sRPE calibration


@dataclass(frozen=True, slots=True, kw_only=True)
class SrpeCalibration:
    """Conversion of session RPE (AU) to the TRIMP scale: ``TRIMP = trimp_per_au * sRPE``.

    Attributes:
        trimp_per_au: slope, TRIMP per sRPE unit.
        pairs: usable pairs behind the fit (sRPE > 0).
        fitted: ``True`` when fitted on the person's pairs, ``False`` for the default.
    """

    trimp_per_au: float
    pairs: int
    fitted: bool


def fit_srpe_calibration(
    pairs: Iterable[tuple[float, float]],
    *,
    settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
) -> SrpeCalibration:
    """Fit ``TRIMP = k * sRPE`` on the person's sessions that have both.

    Estimator:
        Least squares **through the origin**: ``k = sum(sRPE_i * TRIMP_i) / sum(sRPE_i^2)``.
        No intercept because both loads are 0 for no training; with the few pairs a person
        has, an OLS intercept is poorly determined and can give a positive TRIMP for a zero
        session or a negative slope. Pairs with sRPE = 0 carry no information and are not
        counted. Pairs should come from HR **streams** (:func:`srpe_pairs`), never from
        average-HR estimates or vendor loads.

    Minimum data and default:
        With fewer than ``settings.srpe_min_pairs`` (5) usable pairs the documented default
        ``k = 0.4`` TRIMP/AU is returned with ``fitted=False``. Derivation of the default
        (rough, project default): mapping a CR-10 rating ``r`` to ``HRr ~ 0.5 + 0.05 r`` (r 3
        "moderate" ~ 65 % HRR, r 5 "hard" ~ 75 %, r 7 ~ 85 %, r 9 ~ 95 %), the male Banister
        weight per minute divided by ``r`` is 0.48, 0.41, 0.40, 0.42 TRIMP/AU; 0.4 is the
        middle. Foster et al. (2001) and Impellizzeri et al. (2004) found sRPE proportional
        to HR-based loads (r ~ 0.5-0.85 within persons), which is why a personal slope is
        fitted as soon as possible.

    Raises:
        ValueError: for a negative or non-finite value in a pair.

    References:
        Foster C. et al. (2001). J Strength Cond Res 15(1):109-115.
        Impellizzeri F.M. et al. (2004). Use of RPE-based training load in soccer. Med Sci
        Sports Exerc 36(6):1042-1047.

    Example:
        >>> fit_srpe_calibration([(100.0, 50.0)] * 5).trimp_per_au
        0.5
    """
    sxy = sxx = 0.0
    count = 0
    for srpe, trimp in pairs:
        _require_finite(srpe, "srpe")
        _require_finite(trimp, "trimp")
        if srpe < 0 or trimp < 0:
            msg = f"sRPE and TRIMP must be >= 0, got {srpe} and {trimp}"
            raise ValueError(msg)
        if srpe > 0:
            sxy += srpe * trimp
            sxx += srpe * srpe
            count += 1
    if count < settings.srpe_min_pairs:
        return SrpeCalibration(
            trimp_per_au=settings.srpe_default_trimp_per_au, pairs=count, fitted=False
        )
    return SrpeCalibration(trimp_per_au=sxy / sxx, pairs=count, fitted=True)


def srpe_pairs(
    sessions: Iterable[SessionRecord], *, profile: HeartRateProfile
) -> list[tuple[float, float]]:
    """Return ``(sRPE, stream TRIMP)`` for the sessions with an RPE **and** an HR stream."""
    return [
        (
            session_rpe(s.rpe, s.duration_s),
            banister_trimp(
                s.hr_samples,
                hr_rest_bpm=profile.hr_rest_bpm,
                hr_max_bpm=profile.hr_max_bpm,
                sex=profile.sex,
            ),
        )
        for s in sessions
        if s.rpe is not None and s.hr_samples
    ]


# --------------------------------------------------------------------------- session load


class LoadMethod(StrEnum):
    """How a session's load on our TRIMP scale was obtained (best first)."""

    STREAM = "stream"
    """Banister TRIMP of the full HR stream."""
    AVERAGE_HR_ESTIMATE = "average_hr_estimate"
    """Banister TRIMP of the average HR over the duration: underrates interval sessions."""
    SRPE_CALIBRATED = "srpe_calibrated"
    """Session RPE times the person's fitted TRIMP/AU slope."""
    SRPE_DEFAULT = "srpe_default"
    """Session RPE times the default slope (fewer than ``srpe_min_pairs`` pairs yet)."""
    NONE = "none"
    """Nothing usable (no HR anchors and no RPE): load unknown. Vendor loads do not count."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionLoad:
    """Load of one session on our scale.

    Attributes:
        trimp: Banister-TRIMP-scale load, ``None`` when ``method`` is ``none``.
        method: see :class:`LoadMethod`.
        is_estimate: ``True`` for every method but ``stream`` (and for a stream TRIMP whose max
            HR is the Tanaka estimate).
        srpe_au: session RPE when an RPE exists, else ``None``.
        vendor_load / vendor_load_unit / vendor_name: copied from the record for display;
            never part of ``trimp``.
    """

    trimp: float | None
    method: LoadMethod
    is_estimate: bool
    srpe_au: float | None = None
    vendor_load: float | None = None
    vendor_load_unit: str | None = None
    vendor_name: str | None = None

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-friendly dict for service responses."""
        return {
            "trimp": self.trimp,
            "method": self.method.value,
            "is_estimate": self.is_estimate,
            "srpe_au": self.srpe_au,
            "vendor_load": self.vendor_load,
            "vendor_load_unit": self.vendor_load_unit,
            "vendor_name": self.vendor_name,
        }


def session_load(
    session: SessionRecord,
    *,
    profile: HeartRateProfile | None,
    calibration: SrpeCalibration | None = None,
    settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
) -> SessionLoad:
    """Return a session's load on the TRIMP scale and how it was obtained.

    Order (first that applies):
        1. ``stream``: HR stream and a profile -> :func:`banister_trimp` of the stream.
        2. ``average_hr_estimate``: average HR and a profile -> TRIMP of
           ``[(duration_s, avg_hr_bpm)]``. **Estimate**: the Banister weighting is convex, so
           by Jensen's inequality the mean underrates any session whose HR varies (intervals
           most of all).
        3. ``srpe_calibrated`` / ``srpe_default``: RPE -> ``k * sRPE`` with ``k`` from
           ``calibration`` (or the default of :func:`fit_srpe_calibration` when ``None``).
        4. ``none``: load unknown (``trimp=None``). A vendor load alone never gives a load.
    """
    return _session_load(session, profile, calibration, settings, None)


def _session_load(
    session: SessionRecord,
    profile: HeartRateProfile | None,
    calibration: SrpeCalibration | None,
    settings: TrainingSettings,
    weights: _TrimpWeights | None,
) -> SessionLoad:
    """:func:`session_load`, with TRIMP weights shared between sessions (`daily_load`)."""
    srpe = session_rpe(session.rpe, session.duration_s) if session.rpe is not None else None
    trimp: float | None = None
    estimate = True
    if profile is not None and session.hr_samples:
        method = LoadMethod.STREAM
        samples: Sequence[tuple[float, float]] = session.hr_samples
        estimate = profile.hr_max_estimated
    elif profile is not None and session.avg_hr_bpm is not None:
        method = LoadMethod.AVERAGE_HR_ESTIMATE
        samples = [(session.duration_s, session.avg_hr_bpm)]
    elif srpe is not None:
        cal = calibration or fit_srpe_calibration((), settings=settings)
        method = LoadMethod.SRPE_CALIBRATED if cal.fitted else LoadMethod.SRPE_DEFAULT
        trimp = cal.trimp_per_au * srpe
    else:
        method = LoadMethod.NONE
    if profile is not None and method in {LoadMethod.STREAM, LoadMethod.AVERAGE_HR_ESTIMATE}:
        if weights is None:
            weights = _TrimpWeights(profile.hr_rest_bpm, profile.hr_max_bpm, profile.sex)
        trimp = weights.trimp(samples)
    return SessionLoad(
        trimp=trimp,
        method=method,
        is_estimate=estimate,
        srpe_au=srpe,
        vendor_load=session.vendor_load,
        vendor_load_unit=session.vendor_load_unit,
        vendor_name=session.vendor_name,
    )


def daily_load(
    sessions: Iterable[SessionRecord],
    *,
    tz: tzinfo,
    profile: HeartRateProfile | None,
    calibration: SrpeCalibration | None = None,
    settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
) -> dict[date, float]:
    """Sum session loads per local date of the session start (``tz``).

    Sessions whose load is unknown (method ``none``) are skipped, not counted as 0; a date
    with only such sessions is absent. Merge duplicates first (:func:`merge_sessions`). Each
    HR value's Banister weight is computed once for all sessions (`_TrimpWeights`).
    """
    weights = (
        None
        if profile is None
        else _TrimpWeights(profile.hr_rest_bpm, profile.hr_max_bpm, profile.sex)
    )
    totals: dict[date, float] = {}
    for session in sessions:
        load = _session_load(session, profile, calibration, settings, weights)
        if load.trimp is None:
            continue
        day = session.start.astimezone(tz).date()
        totals[day] = totals.get(day, 0.0) + load.trimp
    return totals


# --------------------------------------------------------------------------- merging


def _rank(session: SessionRecord) -> tuple[int, float, str, str]:
    # Lower sorts first: HR stream, then average HR, then RPE, then nothing; then the longer
    # one; then source and id for determinism.
    if session.hr_samples:
        quality = 0
    elif session.avg_hr_bpm is not None:
        quality = 1
    elif session.rpe is not None:
        quality = 2
    else:
        quality = 3
    return (quality, -session.duration_s, session.source, session.source_id or "")


def _overlap_s(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> float:
    return max(0.0, (min(a[1], b[1]) - max(a[0], b[0])).total_seconds())


_FILLABLE: Final = (
    "avg_hr_bpm",
    "max_hr_bpm",
    "vendor_load",
    "rpe",
    "source_id",
    "hrr60_bpm",
    "cooled_down",
)


def _merge_group(group: list[SessionRecord]) -> SessionRecord:
    ordered = sorted(group, key=_rank)
    winner = ordered[0]
    if len(ordered) == 1:
        return winner
    changes: dict[str, object] = {}
    for name in _FILLABLE:
        if getattr(winner, name) is None:
            donor = next((s for s in ordered[1:] if getattr(s, name) is not None), None)
            if donor is not None:
                changes[name] = getattr(donor, name)
                if name == "vendor_load":
                    changes["vendor_load_unit"] = donor.vendor_load_unit
                    changes["vendor_name"] = donor.vendor_name
    if winner.sport == "unknown":
        changes["sport"] = next((s.sport for s in ordered if s.sport != "unknown"), "unknown")
    changes["merged_from"] = tuple(s.source for s in ordered[1:])
    return replace(winner, **changes)  # type: ignore[arg-type]


def merge_sessions(
    sessions: Iterable[SessionRecord],
    *,
    settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
) -> tuple[SessionRecord, ...]:
    """Deduplicate sessions reported by several sources, by time overlap.

    Rule:
        Two sessions are the same workout when they overlap by at least
        ``merge_min_overlap_ratio`` (default 50 %) of the **shorter** one; duplicates chain
        transitively into one group. The winner is the record with an HR stream, else an
        average HR, else an RPE; ties go to the longer one, then to source and id order. The
        winner keeps its own values and borrows only fields it lacks from the others (e.g.
        the RPE of a manual entry, the vendor load of the watch for display);
        ``merged_from`` lists the other sources. Output is sorted by start.
    """
    items = sorted(sessions, key=lambda s: (s.start.astimezone(UTC), _rank(s)))
    span = {id(s): (s.start.astimezone(UTC), s.end.astimezone(UTC)) for s in items}
    ratio = settings.merge_min_overlap_ratio
    groups: list[list[SessionRecord]] = []
    open_groups: list[tuple[datetime, list[SessionRecord]]] = []
    for session in items:
        start, end = span[id(session)]
        open_groups = [(g_end, g) for g_end, g in open_groups if g_end > start]
        matches = [
            (g_end, g)
            for g_end, g in open_groups
            if any(
                _overlap_s(span[id(other)], (start, end))
                >= ratio * min(other.duration_s, session.duration_s)
                for other in g
            )
        ]
        if not matches:
            groups.append([session])
            open_groups.append((end, groups[-1]))
            continue
        target = matches[0][1]
        target.append(session)
        for _, other_group in matches[1:]:  # the session bridges groups: they are one workout
            target.extend(other_group)
            groups.remove(other_group)
        merged_end = max([g_end for g_end, _ in matches] + [end])
        open_groups = [(e, g) for e, g in open_groups if all(g is not m for _, m in matches)]
        open_groups.append((merged_end, target))
    return tuple(sorted((_merge_group(g) for g in groups), key=lambda s: s.start.astimezone(UTC)))


@dataclass(frozen=True, slots=True, kw_only=True)
class DerivedLoads:
    """What a person's stored sessions give under one set of HR anchors and one time zone.

    Attributes:
        sessions: the stored sessions this was derived from (compared by identity).
        profile: the HR anchors used (None: no TRIMP from HR).
        tz: the time zone of the local dates.
        merged: the sessions with cross-source duplicates merged (:func:`merge_sessions`).
        calibration: the person's sRPE-to-TRIMP fit (:func:`fit_srpe_calibration`), or None.
        daily: TRIMP per local date (:func:`daily_load`; days without load absent).
    """

    sessions: tuple[SessionRecord, ...]
    profile: HeartRateProfile | None
    tz: tzinfo
    merged: tuple[SessionRecord, ...]
    calibration: SrpeCalibration | None
    daily: Mapping[date, float]


def derive_loads(
    sessions: tuple[SessionRecord, ...],
    profile: HeartRateProfile | None,
    tz: tzinfo,
    settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
    merged: tuple[SessionRecord, ...] | None = None,
) -> DerivedLoads:
    """Merge (unless ``merged`` is given), fit the sRPE calibration, sum TRIMP per day.

    What a profile derives again when its sessions, HR anchors or time zone change; merging
    depends on the sessions only, so ``merged`` from an earlier derivation of the same
    sessions may be passed. Pure, on immutable inputs.
    """
    if merged is None:
        merged = merge_sessions(sessions, settings=settings)
    calibration = (
        None if profile is None else fit_srpe_calibration(srpe_pairs(merged, profile=profile))
    )
    return DerivedLoads(
        sessions=sessions,
        profile=profile,
        tz=tz,
        merged=merged,
        calibration=calibration,
        daily=daily_load(merged, tz=tz, profile=profile, calibration=calibration),
    )


# --------------------------------------------------------------------------- fitness-fatigue


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadSeed:
    """Fitness and fatigue at the end of ``day`` (imported history, another tool's values).

    Loads on or before ``day`` are ignored when a seed is used; the model starts from these
    values instead of 0.
    """

    day: date
    ctl: float
    atl: float

    def __post_init__(self) -> None:
        """Validate the values."""
        _require_date(self.day, "day")
        _require_finite(self.ctl, "ctl")
        _require_finite(self.atl, "atl")
        if self.ctl < 0 or self.atl < 0:
            msg = "seed ctl and atl must be >= 0"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingLoad:
    """Fitness, fatigue and form of one day (Performance Management Chart).

    Attributes:
        day: the date.
        load: that day's load (0 when no training).
        ctl: chronic training load ("fitness") at the end of the day.
        atl: acute training load ("fatigue") at the end of the day.
        ctl_yesterday / atl_yesterday: the values entering the day (end of yesterday).
        tsb: training stress balance ("form") entering the day = yesterday's CTL - ATL.
        acwr: 7-day mean load / 28-day mean load (coupled rolling averages), descriptive only,
            never a risk signal; ``None`` with < 28 days of history or a zero chronic load.
        history_days: days from the first day of history (or the day after the seed) to
            ``day`` inclusive.
        form_reliable: ``True`` when seeded or with at least ``form_min_history_days`` (84)
            days of history. Started at 0, CTL needs two time constants to reach 86 % of a
            steady load, so before that TSB is strongly negative for *steady* training (about
            -35 % of CTL after 8 weeks): pass ``tsb``/``ctl`` to
            :func:`supercompensation_window` only when this is ``True``.
    """

    day: date
    load: float
    ctl: float
    atl: float
    ctl_yesterday: float
    atl_yesterday: float
    tsb: float
    acwr: float | None
    history_days: int
    form_reliable: bool

    @property
    def form_pct(self) -> float | None:
        """``100 * TSB / CTL_yesterday``; ``None`` when that CTL is not positive."""
        if not self.ctl_yesterday > 0:
            return None
        return 100.0 * self.tsb / self.ctl_yesterday

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-friendly dict for service responses."""
        return {
            "day": self.day.isoformat(),
            "load_trimp": self.load,
            "ctl": self.ctl,
            "atl": self.atl,
            "tsb": self.tsb,
            "form_pct": self.form_pct,
            "acwr_ratio": self.acwr,
            "history_days": self.history_days,
            "form_reliable": self.form_reliable,
        }


def _check_loads(daily_load: Mapping[date, float]) -> None:
    for key, value in daily_load.items():
        if type(key) is not date:  # fast path; subclasses (datetime is rejected) checked fully
            _require_date(key, "daily_load key")
        if type(value) is bool or not math.isfinite(value) or value < 0:
            msg = f"load of {key} must be a finite number >= 0, got {value!r}"
            raise ValueError(msg)


def _start(daily_load: Mapping[date, float], seed: LoadSeed | None) -> tuple[date, float, float]:
    """First modelled day and the CTL/ATL entering it."""
    if seed is not None:
        return seed.day + timedelta(days=1), seed.ctl, seed.atl
    if not daily_load:
        raise InsufficientDataError(_METRIC_FITNESS, needed=1, got=0)
    return min(daily_load), 0.0, 0.0


def fitness_fatigue(
    daily_load: Mapping[date, float],
    day: date,
    *,
    seed: LoadSeed | None = None,
    settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
) -> TrainingLoad:
    """Return CTL, ATL, TSB (and the descriptive ACWR) of ``day``.

    Formula (Allen & Coggan; science.md §8.4, ``lambda = 1 / tau``):
        ``CTL_t = CTL_{t-1} + (L_t - CTL_{t-1}) / 42``;
        ``ATL_t = ATL_{t-1} + (L_t - ATL_{t-1}) / 7``;
        ``TSB_t = CTL_{t-1} - ATL_{t-1}`` (form entering the day). Both start at 0 before the
        first day of history, or at ``seed`` after ``seed.day``. A day without an entry (or
        with 0) counts as no training, ``L_t = 0``.

        ``ACWR = mean(L over d-6..d) / mean(L over d-27..d)`` (coupled rolling averages,
        Gabbett 2016); descriptive only (Impellizzeri et al. 2021), ``None`` before 28 days
        of history or when the 28-day mean is 0. With a seed, only days after it count.

    Raises:
        InsufficientDataError: with no history and no seed, or for a ``day`` before the first
            modelled day.
        ValueError: for a negative or non-finite load.

    References:
        Allen H., Coggan A. (2010). Banister E.W. et al. (1975). Gabbett T.J. (2016). Br J
        Sports Med 50(5):273-280. Impellizzeri F.M. et al. (2021). Sports Med 51:581-592.

    Example:
        >>> r = fitness_fatigue({date(2026, 1, 1): 42.0}, date(2026, 1, 2))
        >>> (r.ctl, round(r.atl, 4), r.tsb)
        (0.9761904761904762, 5.1429, -5.0)
    """
    _require_date(day, "day")
    *_, last = _modelled_days(daily_load, day, day, seed=seed, settings=settings)
    return last


def fitness_fatigue_days(
    daily_load: Mapping[date, float],
    first_day: date,
    last_day: date,
    *,
    seed: LoadSeed | None = None,
    settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
) -> list[TrainingLoad]:
    """:func:`fitness_fatigue` of every modelled day from ``first_day`` to ``last_day``.

    One pass of the same recurrence (a chart's series costs one history, not one per day).
    Days before the first modelled day are left out; empty when none is modelled yet.

    Raises:
        ValueError: for a negative or non-finite load.
    """
    _require_date(first_day, "first_day")
    _require_date(last_day, "last_day")
    try:
        return list(_modelled_days(daily_load, first_day, last_day, seed=seed, settings=settings))
    except InsufficientDataError:
        return []


def _modelled_days(
    daily_load: Mapping[date, float],
    first_day: date,
    last_day: date,
    *,
    seed: LoadSeed | None,
    settings: TrainingSettings,
) -> Iterator[TrainingLoad]:
    """The model's state of each day from ``first_day`` (or the first modelled day) on.

    Raises (when iterated):
        InsufficientDataError: with no history and no seed, or ``last_day`` before the first
            modelled day.
    """
    _check_loads(daily_load)
    first, ctl, atl = _start(daily_load, seed)
    if last_day < first:
        raise InsufficientDataError(_METRIC_FITNESS, needed=1, got=0)
    k_ctl, k_atl = 1.0 / settings.ctl_days, 1.0 / settings.atl_days
    n_days = (last_day - first).days + 1
    loads = [0.0] * n_days
    for key, value in daily_load.items():
        offset = (key - first).days
        if 0 <= offset < n_days:
            loads[offset] = value
    chronic_n, acute_n = settings.acwr_chronic_days, settings.acwr_acute_days
    shown_from = (first_day - first).days
    for i, load in enumerate(loads):
        ctl_yesterday, atl_yesterday = ctl, atl
        ctl += (load - ctl) * k_ctl
        atl += (load - atl) * k_atl
        if i < shown_from:
            continue
        acwr: float | None = None
        if i + 1 >= chronic_n:
            chronic = math.fsum(loads[i + 1 - chronic_n : i + 1]) / chronic_n
            if chronic > 0:
                acwr = (math.fsum(loads[i + 1 - acute_n : i + 1]) / acute_n) / chronic
        yield TrainingLoad(
            day=first + timedelta(days=i),
            load=load,
            ctl=ctl,
            atl=atl,
            ctl_yesterday=ctl_yesterday,
            atl_yesterday=atl_yesterday,
            tsb=ctl_yesterday - atl_yesterday,
            acwr=acwr,
            history_days=i + 1,
            form_reliable=seed is not None or i + 1 >= settings.form_min_history_days,
        )


# --------------------------------------------------------------------------- history facts


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingHistory:
    """Facts about the days **before** ``day`` that the window and the advice need.

    Attributes:
        day: the day being assessed (its own load is not looked at: the window is about the
            morning, like TSB).
        last_session_day: latest day before ``day`` with a load > 0, or ``None``.
        last_hard_day: latest such day whose load was *hard* (see :func:`training_history`),
            or ``None``.
        days_since_last_session / days_since_hard_session: ``day - that day`` in days, or
            ``None``.
        training_days_recent: days with a load > 0 in the ``sparse_window_days`` (14) before
            ``day``.
        hard_session_yesterday: ``True`` when yesterday was hard.
    """

    day: date
    last_session_day: date | None
    last_hard_day: date | None
    days_since_last_session: int | None
    days_since_hard_session: int | None
    training_days_recent: int
    hard_session_yesterday: bool


def training_history(
    daily_load: Mapping[date, float],
    day: date,
    *,
    seed: LoadSeed | None = None,
    settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
) -> TrainingHistory:
    """Find the last session, the last hard session and recent training days before ``day``.

    Hard day (project default, on our load scale, relative to the person):
        ``L_d >= max(hard_load_ctl_ratio * CTL_{d-1}, hard_load_min_trimp)`` — at least twice
        the average daily load of the last six weeks (CTL entering the day) and at least 100
        TRIMP. Relative to CTL because the same session is hard for a beginner and routine
        for a trained person; the floor keeps a near-zero CTL from making every jog hard. For
        days on or before a seed's day the seed's CTL is the reference.

    Raises:
        ValueError: for a negative or non-finite load.
    """
    _require_date(day, "day")
    _check_loads(daily_load)
    k_ctl = 1.0 / settings.ctl_days
    before = sorted(d for d, v in daily_load.items() if d < day and v > 0)
    last_session = before[-1] if before else None
    last_hard: date | None = None
    if before:
        if seed is not None:
            model_first, ctl = seed.day + timedelta(days=1), seed.ctl
        else:
            model_first, ctl = before[0], 0.0
        # CTL entering each training day; days in between have no load and decay CTL by
        # (1 - 1/ctl_days) per day.
        keep = 1.0 - k_ctl
        previous: date | None = None
        for d in before:
            if d >= model_first:
                if previous is None or previous < model_first:
                    ctl *= keep ** (d - model_first).days
                else:
                    ctl += (daily_load[previous] - ctl) * k_ctl
                    ctl *= keep ** ((d - previous).days - 1)
                previous = d
            threshold = max(settings.hard_load_ctl_ratio * ctl, settings.hard_load_min_trimp)
            if daily_load[d] >= threshold:
                last_hard = d
    window_start = day - timedelta(days=settings.sparse_window_days)
    recent = sum(1 for d in before if d >= window_start)
    yesterday = day - timedelta(days=1)
    return TrainingHistory(
        day=day,
        last_session_day=last_session,
        last_hard_day=last_hard,
        days_since_last_session=(day - last_session).days if last_session else None,
        days_since_hard_session=(day - last_hard).days if last_hard else None,
        training_days_recent=recent,
        hard_session_yesterday=last_hard == yesterday,
    )


# --------------------------------------------------------------------------- window


class TrainingWindow(StrEnum):
    """Where the person stands on the supercompensation curve (orientation only)."""

    RECOVERING = "recovering"
    """Too soon after a hard session, or not recovered (readiness/HRV/form)."""
    READY = "ready"
    """Recovered after a recent hard session: a good day for the next one."""
    WINDOW_CLOSING = "window_closing"
    """Recovered for a while (or no recent hard session): the adaptation fades."""
    DETRAINING = "detraining"
    """No training for longer than the configured gap."""
    OVERREACHING = "overreaching"
    """Form far below 0 together with HRV below normal."""


class WindowReason(StrEnum):
    """Reason keys behind a window state (translated in the HA layer)."""

    FORM_VERY_LOW = "form_very_low"
    HRV_BELOW_NORMAL = "hrv_below_normal"
    NO_TRAINING_FOR_DAYS = "no_training_for_days"
    HARD_SESSION_RECENT = "hard_session_recent"
    READINESS_LOW = "readiness_low"
    RECOVERED = "recovered"
    READINESS_UNKNOWN = "readiness_unknown"
    HARD_SESSION_LONG_AGO = "hard_session_long_ago"
    NO_HARD_SESSION = "no_hard_session"


@dataclass(frozen=True, slots=True, kw_only=True)
class WindowAssessment:
    """Result of :func:`supercompensation_window`.

    Attributes:
        state: the window state.
        reasons: keys behind it, most important first.
        days_since_hard_session / days_since_last_session: the inputs.
        form_pct: ``100 * TSB / CTL`` when both are known and CTL > 0, else ``None``.
    """

    state: TrainingWindow
    reasons: tuple[WindowReason, ...]
    days_since_hard_session: int | None
    days_since_last_session: int
    form_pct: float | None

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-friendly dict for service responses."""
        return {
            "state": self.state.value,
            "reasons": [r.value for r in self.reasons],
            "days_since_hard_session": self.days_since_hard_session,
            "days_since_last_session": self.days_since_last_session,
            "form_pct": self.form_pct,
        }


def _check_days(value: int | None, name: str) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"{name} must be a whole number of days >= 0, got {value!r}"
        raise ValueError(msg)


def supercompensation_window(  # noqa: PLR0913  (plain keyword inputs of one documented rule)
    *,
    days_since_hard_session: int | None,
    days_since_last_session: int | None,
    tsb: float | None,
    ctl: float | None,
    readiness_score: float | None = None,
    hrv_below_normal: bool | None = None,
    settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
) -> WindowAssessment:
    """Place today on the supercompensation curve (orientation, not prescription).

    Inputs are plain values: days since the last hard / any session (from
    :func:`training_history`), ``tsb`` and ``ctl`` entering today (``TrainingLoad.tsb`` and
    ``TrainingLoad.ctl_yesterday``; pass ``None`` for both unless
    ``TrainingLoad.form_reliable``), and optionally today's readiness score (0-100) and
    whether the 7-day HRV is below its normal range; ``None`` = unknown.

    Rule (first match wins; defaults in :class:`TrainingSettings`):
        1. ``overreaching``: form ``100 * TSB / CTL <= -30 %`` **and** HRV below normal.
           A heavy block alone (form low, HRV normal) is planned functional overreaching; the
           combination with suppressed HRV is the warning sign (Plews et al. 2013; Meeusen et
           al. 2013 consensus: overreaching is diagnosed from performance and markers, not
           load alone). Reasons ``form_very_low``, ``hrv_below_normal``.
        2. ``detraining``: no training for more than ``detraining_gap_days`` (7) days
           (``no_training_for_days``). Cardiorespiratory adaptations (plasma volume, VO2max)
           start to regress within 1-4 weeks without training (Mujika & Padilla 2000); 7 days
           is the point to act on (project default).
        3. ``recovering``: any of: the last hard session was < ``ready_after_days`` (2) days
           ago (``hard_session_recent``; Bishop et al. 2008: 24-72 h); readiness score <
           ``recovered_min_score`` (65, ``readiness_low``); HRV below normal
           (``hrv_below_normal``; Kiviniemi et al. 2007: low HRV -> no hard session); form at
           or below -30 % without the HRV signal (``form_very_low``).
        4. ``ready``: the last hard session was ``ready_after_days`` to
           ``window_closing_after_days - 1`` (2-3) days ago (``recovered``; plus
           ``readiness_unknown`` when neither readiness nor HRV is known).
        5. ``window_closing``: the last hard session was >= 4 days ago
           (``hard_session_long_ago``) or there is none in the history (``no_hard_session``):
           the supercompensation after a stimulus fades within days without a new one
           (textbook model, Bompa & Haff 2009; Issurin 2010 on residual training effects).

    "Hard" is defined on our load scale relative to the person's CTL in
    :func:`training_history`. The timings are population-typical, project defaults; the
    individual curve differs by session type, fitness and sleep.

    Raises:
        InsufficientDataError: when no session is known at all (``days_since_last_session``
            is ``None``): the window needs at least one session.
        ValueError: for negative days, or a hard session more recent than the last session.

    References:
        Plews D.J. et al. (2013). Sports Med 43(9):773-781.
        Meeusen R. et al. (2013). Prevention, diagnosis and treatment of the overtraining
        syndrome: joint consensus statement of the ECSS and the ACSM. Med Sci Sports Exerc
        45(1):186-205.
        Bishop P.A., Jones E., Woods A.K. (2008). Recovery from training: a brief review.
        J Strength Cond Res 22(3):1015-1024.
        Mujika I., Padilla S. (2000). Detraining: loss of training-induced physiological and
        performance adaptations. Part I. Sports Med 30(2):79-87.
        Kiviniemi A.M. et al. (2007). Eur J Appl Physiol 101:743-751.
        Bompa T.O., Haff G.G. (2009). Periodization: Theory and Methodology of Training, 5th
        ed., Human Kinetics. Issurin V.B. (2010). Sports Med 40(3):189-206.
    """
    _check_days(days_since_hard_session, "days_since_hard_session")
    _check_days(days_since_last_session, "days_since_last_session")
    if days_since_last_session is None:
        raise InsufficientDataError(_METRIC_WINDOW, needed=1, got=0)
    if days_since_hard_session is not None and days_since_hard_session < days_since_last_session:
        msg = "a hard session cannot be more recent than the last session"
        raise ValueError(msg)
    form_pct = _form_pct(tsb, ctl)
    if readiness_score is not None:
        _require_finite(readiness_score, "readiness_score")
    form_very_low = form_pct is not None and form_pct <= settings.overreaching_form_pct
    state, reasons = _window_state(
        days_since_hard_session=days_since_hard_session,
        days_since_last_session=days_since_last_session,
        form_very_low=form_very_low,
        readiness_score=readiness_score,
        hrv_below_normal=hrv_below_normal,
        settings=settings,
    )
    return WindowAssessment(
        state=state,
        reasons=reasons,
        days_since_hard_session=days_since_hard_session,
        days_since_last_session=days_since_last_session,
        form_pct=form_pct,
    )


def _form_pct(tsb: float | None, ctl: float | None) -> float | None:
    if tsb is None or ctl is None:
        return None
    _require_finite(tsb, "tsb")
    _require_finite(ctl, "ctl")
    return 100.0 * tsb / ctl if ctl > 0 else None


def _window_state(  # noqa: PLR0913  (private helper of supercompensation_window)
    *,
    days_since_hard_session: int | None,
    days_since_last_session: int,
    form_very_low: bool,
    readiness_score: float | None,
    hrv_below_normal: bool | None,
    settings: TrainingSettings,
) -> tuple[TrainingWindow, tuple[WindowReason, ...]]:
    if form_very_low and hrv_below_normal is True:
        return TrainingWindow.OVERREACHING, (
            WindowReason.FORM_VERY_LOW,
            WindowReason.HRV_BELOW_NORMAL,
        )
    if days_since_last_session > settings.detraining_gap_days:
        return TrainingWindow.DETRAINING, (WindowReason.NO_TRAINING_FOR_DAYS,)
    checks = (
        (
            days_since_hard_session is not None
            and days_since_hard_session < settings.ready_after_days,
            WindowReason.HARD_SESSION_RECENT,
        ),
        (hrv_below_normal is True, WindowReason.HRV_BELOW_NORMAL),
        (
            readiness_score is not None and readiness_score < settings.recovered_min_score,
            WindowReason.READINESS_LOW,
        ),
        (form_very_low, WindowReason.FORM_VERY_LOW),
    )
    not_recovered = tuple(reason for hit, reason in checks if hit)
    if not_recovered:
        return TrainingWindow.RECOVERING, not_recovered
    unknown = (
        (WindowReason.READINESS_UNKNOWN,)
        if readiness_score is None and hrv_below_normal is None
        else ()
    )
    if days_since_hard_session is None:
        return TrainingWindow.WINDOW_CLOSING, (WindowReason.NO_HARD_SESSION, *unknown)
    if days_since_hard_session < settings.window_closing_after_days:
        return TrainingWindow.READY, (WindowReason.RECOVERED, *unknown)
    return TrainingWindow.WINDOW_CLOSING, (WindowReason.HARD_SESSION_LONG_AGO, *unknown)


# --------------------------------------------------------------------------- advice


class AdviceKind(StrEnum):
    """The day's advice (keys; texts live in the HA translations)."""

    REST = "rest"
    ACTIVE_RECOVERY = "active_recovery"
    NAP = "nap"
    PROTEIN = "protein"
    COOL_DOWN = "cool_down"
    BREATHING = "breathing"
    TRAIN_TO_CATCH_WINDOW = "train_to_catch_window"
    BUILD_MORE = "build_more"
    TRAIN = "train"


class AdviceReason(StrEnum):
    """Reason keys behind the advice."""

    OVERREACHING = "overreaching"
    READINESS_VERY_LOW = "readiness_very_low"
    READINESS_LOW = "readiness_low"
    RECOVERING = "recovering"
    HRV_BELOW_NORMAL = "hrv_below_normal"
    SLEEP_DEBT = "sleep_debt"
    HARD_SESSION_YESTERDAY = "hard_session_yesterday"
    NO_COOL_DOWN_LAST_SESSION = "no_cool_down_last_session"
    DETRAINING = "detraining"
    TRAINING_SPARSE = "training_sparse"
    NO_TRAINING_HISTORY = "no_training_history"
    WINDOW_CLOSING = "window_closing"
    READY = "ready"
    NO_MEASUREMENT_TODAY = "no_measurement_today"
    READINESS_UNKNOWN = "readiness_unknown"


@dataclass(frozen=True, slots=True, kw_only=True)
class DailyAdvice:
    """Result of :func:`daily_advice`.

    Attributes:
        kind: the one primary advice.
        also: secondary advice kinds (e.g. ``cool_down`` next time, ``protein``), in order.
        reasons: keys behind the advice, most important first.
        hard_training_allowed: ``True`` only when a hard session fits today.
        capped: ``True`` when the rule would have advised hard training but a cap withheld it
            (no morning measurement today, or readiness unknown): train easy to moderate.
    """

    kind: AdviceKind
    also: tuple[AdviceKind, ...]
    reasons: tuple[AdviceReason, ...]
    hard_training_allowed: bool
    capped: bool

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-friendly dict for service responses."""
        return {
            "kind": self.kind.value,
            "also": [k.value for k in self.also],
            "reasons": [r.value for r in self.reasons],
            "hard_training_allowed": self.hard_training_allowed,
            "capped": self.capped,
        }


_TRAINING_KINDS: Final = frozenset(
    {AdviceKind.TRAIN, AdviceKind.TRAIN_TO_CATCH_WINDOW, AdviceKind.BUILD_MORE}
)


def daily_advice(  # noqa: PLR0913  (plain keyword inputs of one documented rule)
    *,
    window: TrainingWindow | None,
    readiness_score: float | None,
    has_morning_measurement: bool,
    sleep_debt_h: float | None = None,
    hard_session_yesterday: bool = False,
    last_session_no_cool_down: bool = False,
    hrv_below_normal: bool | None = None,
    training_days_recent: int | None = None,
    settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
) -> DailyAdvice:
    """Pick the day's primary advice from plain inputs (orientation, not prescription).

    Rule (first match wins; thresholds in :class:`TrainingSettings`):
        1. **rest** — window ``overreaching`` (``overreaching``) or readiness < 35
           (``readiness_very_low``; the readiness model's *rest* band).
        2. **recovery day** — window ``recovering`` (``recovering``), readiness < 50
           (``readiness_low``) or HRV below normal (``hrv_below_normal``). Primary: ``nap``
           when sleep debt >= 2 h (``sleep_debt``; Lastella et al. 2021), else ``protein``
           after a hard session yesterday (``hard_session_yesterday``; Jäger et al. 2017),
           else ``breathing`` when HRV is below normal (slow breathing raises vagal HRV
           acutely, Laborde et al. 2022), else ``active_recovery``.
        3. **build** — ``build_more`` when the window is ``detraining`` (``detraining``), when
           there is no training history (``window`` ``None``: ``no_training_history``) or when
           fewer than 2 of the last 14 days had training (``training_sparse``).
        4. **train** — ``train_to_catch_window`` when the window is ``window_closing``
           (``window_closing``), ``train`` when ``ready`` (``ready``).

    Cap:
        Hard training (``train`` / ``train_to_catch_window`` at full intensity) is allowed
        only with **today's morning measurement** and a known readiness score >= 65 and HRV
        not below normal. Without the measurement (``no_measurement_today``) or with unknown
        readiness (``readiness_unknown``) the advice is capped: ``train_to_catch_window``
        becomes ``train``, ``capped`` is ``True`` and ``hard_training_allowed`` ``False`` —
        easy to moderate only (HRV-guided training prescribes hard sessions only when the
        day's HRV is within the person's reference; Kiviniemi et al. 2007; Vesterinen et al.
        2016).

    Secondary kinds (``also``), in this order, when not already primary: ``cool_down`` when
    the last session had no cool-down and training is advised (``cool_down`` is never
    primary), ``nap`` (sleep debt), ``protein`` (hard session yesterday), ``breathing`` (HRV
    below normal).

    References:
        Kiviniemi A.M. et al. (2007). Eur J Appl Physiol 101:743-751.
        Vesterinen V. et al. (2016). Med Sci Sports Exerc 48(7):1347-1354.
        Jäger R. et al. (2017). ISSN position stand: protein and exercise. J Int Soc Sports
        Nutr 14:20.
        Lastella M. et al. (2021). To nap or not to nap? A systematic review evaluating napping
        behavior in athletes and the impact on various measures of athletic performance. Nat
        Sci Sleep 13:841-862 (naps help most after restricted night sleep).
        Laborde S. et al. (2022). Effects of voluntary slow breathing on heart rate and heart
        rate variability: a systematic review and a meta-analysis. Neurosci Biobehav Rev
        138:104711.
        Van Hooren B., Peake J.M. (2018). Do we need a cool-down after exercise? Sports Med
        48(7):1575-1595.
    """
    if readiness_score is not None:
        _require_finite(readiness_score, "readiness_score")
    if sleep_debt_h is not None:
        _require_finite(sleep_debt_h, "sleep_debt_h")
    sleep_debt = sleep_debt_h is not None and sleep_debt_h >= settings.nap_sleep_debt_h
    hrv_low = hrv_below_normal is True
    sparse = (
        training_days_recent is not None
        and training_days_recent < settings.sparse_min_training_days
    )
    kind, reasons = _primary_advice(
        window=window,
        readiness_score=readiness_score,
        sleep_debt=sleep_debt,
        hard_session_yesterday=hard_session_yesterday,
        hrv_low=hrv_low,
        sparse=sparse,
        settings=settings,
    )
    hard_kind = kind in {AdviceKind.TRAIN, AdviceKind.TRAIN_TO_CATCH_WINDOW}
    hard_allowed = (
        hard_kind
        and has_morning_measurement
        and readiness_score is not None
        and readiness_score >= settings.recovered_min_score
        and not hrv_low
    )
    capped = hard_kind and not hard_allowed
    if capped:
        kind = AdviceKind.TRAIN
    flags = (
        (
            not has_morning_measurement and kind in _TRAINING_KINDS,
            AdviceReason.NO_MEASUREMENT_TODAY,
        ),
        (capped and readiness_score is None, AdviceReason.READINESS_UNKNOWN),
        (hrv_low, AdviceReason.HRV_BELOW_NORMAL),
        (sleep_debt, AdviceReason.SLEEP_DEBT),
        (hard_session_yesterday, AdviceReason.HARD_SESSION_YESTERDAY),
    )
    reasons.extend(reason for hit, reason in flags if hit)
    also: list[AdviceKind] = []
    if last_session_no_cool_down and kind in _TRAINING_KINDS:
        also.append(AdviceKind.COOL_DOWN)
        reasons.append(AdviceReason.NO_COOL_DOWN_LAST_SESSION)
    also.extend(
        extra
        for flag, extra in (
            (sleep_debt, AdviceKind.NAP),
            (hard_session_yesterday, AdviceKind.PROTEIN),
            (hrv_low, AdviceKind.BREATHING),
        )
        if flag and kind is not extra
    )
    return DailyAdvice(
        kind=kind,
        also=tuple(also),
        reasons=tuple(dict.fromkeys(reasons)),
        hard_training_allowed=hard_allowed,
        capped=capped,
    )


def _primary_advice(  # noqa: PLR0913  (private helper of daily_advice)
    *,
    window: TrainingWindow | None,
    readiness_score: float | None,
    sleep_debt: bool,
    hard_session_yesterday: bool,
    hrv_low: bool,
    sparse: bool,
    settings: TrainingSettings,
) -> tuple[AdviceKind, list[AdviceReason]]:
    very_low = readiness_score is not None and readiness_score < settings.rest_below_score
    low = readiness_score is not None and readiness_score < settings.recovery_below_score
    if window is TrainingWindow.OVERREACHING or very_low:
        reasons = [AdviceReason.OVERREACHING] if window is TrainingWindow.OVERREACHING else []
        if very_low:
            reasons.append(AdviceReason.READINESS_VERY_LOW)
        return AdviceKind.REST, reasons
    if window is TrainingWindow.RECOVERING or hrv_low or low:
        reasons = [AdviceReason.RECOVERING] if window is TrainingWindow.RECOVERING else []
        if low:
            reasons.append(AdviceReason.READINESS_LOW)
        recovery = (
            (sleep_debt, AdviceKind.NAP),
            (hard_session_yesterday, AdviceKind.PROTEIN),
            (hrv_low, AdviceKind.BREATHING),
            (True, AdviceKind.ACTIVE_RECOVERY),
        )
        return next(kind for hit, kind in recovery if hit), reasons
    if window is None or window is TrainingWindow.DETRAINING or sparse:
        reasons = []
        if window is None:
            reasons.append(AdviceReason.NO_TRAINING_HISTORY)
        elif window is TrainingWindow.DETRAINING:
            reasons.append(AdviceReason.DETRAINING)
        if sparse:
            reasons.append(AdviceReason.TRAINING_SPARSE)
        return AdviceKind.BUILD_MORE, reasons
    if window is TrainingWindow.WINDOW_CLOSING:
        return AdviceKind.TRAIN_TO_CATCH_WINDOW, [AdviceReason.WINDOW_CLOSING]
    return AdviceKind.TRAIN, [AdviceReason.READY]


# --------------------------------------------------------------------------- suggested load


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadRange:
    """Today's load that lands tomorrow's form in the target band.

    Attributes:
        low_trimp: load for the upper (fresher) edge of the band, >= 0.
        high_trimp: load for the lower (more fatigued) edge, >= ``low_trimp``.
        target_form_low_pct / target_form_high_pct: the band, % of CTL.
    """

    low_trimp: float
    high_trimp: float
    target_form_low_pct: float
    target_form_high_pct: float


def load_for_target_form(
    *,
    ctl: float,
    atl: float,
    target_form_pct: float,
    settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
) -> float:
    """Return today's load that makes tomorrow's form ``target_form_pct`` % of CTL (>= 0).

    ``ctl``/``atl`` are the values entering today (``TrainingLoad.ctl_yesterday`` /
    ``atl_yesterday`` of today). With ``a = 1/ctl_days``, ``b = 1/atl_days`` and
    ``p = target_form_pct / 100``, tomorrow's ``TSB = CTL_today - ATL_today`` and we ask
    ``TSB = p * CTL_today``:

    Formula:
        ``L = ((1 - p) * ctl * (1 - a) - atl * (1 - b)) / (b - a + p * a)``, clipped at 0.

    This is the intervals.icu forum formula (``LOAD = (|target| + CTL - ATL) / 0.109594``,
    which uses ``1 - e^(-1/tau)`` decays and an absolute target) solved exactly for our
    ``1/tau`` convention and a target relative to the CTL it will be compared with.

    Raises:
        ValueError: when the band cannot be reached (``b - a + p * a <= 0``) or for negative
            or non-finite inputs.

    Example:
        >>> round(load_for_target_form(ctl=50.0, atl=50.0, target_form_pct=-20.0), 2)
        137.5
    """
    for value, name in ((ctl, "ctl"), (atl, "atl"), (target_form_pct, "target_form_pct")):
        _require_finite(value, name)
    if ctl < 0 or atl < 0:
        msg = "ctl and atl must be >= 0"
        raise ValueError(msg)
    a, b = 1.0 / settings.ctl_days, 1.0 / settings.atl_days
    p = target_form_pct / 100.0
    denominator = b - a + p * a
    if not denominator > 0:
        msg = f"target_form_pct {target_form_pct} cannot be reached with these time constants"
        raise ValueError(msg)
    return max(0.0, ((1.0 - p) * ctl * (1.0 - a) - atl * (1.0 - b)) / denominator)


def suggested_load_range(
    training_load: TrainingLoad,
    *,
    settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
) -> LoadRange:
    """Return today's load range that keeps tomorrow's form in the target band.

    Band: ``target_form_low_pct`` .. ``target_form_high_pct`` (default -30 % .. -10 % of CTL,
    intervals.icu's "optimal" training zone [V]). Uses :func:`load_for_target_form` with the
    CTL/ATL entering ``training_load.day``.

    Raises:
        InsufficientDataError: when the CTL entering the day is 0 (no fitness yet: a band
            relative to CTL means nothing).
    """
    if not training_load.ctl_yesterday > 0:
        raise InsufficientDataError(_METRIC_SUGGESTED, needed=1, got=0)
    ctl, atl = training_load.ctl_yesterday, training_load.atl_yesterday
    return LoadRange(
        low_trimp=load_for_target_form(
            ctl=ctl, atl=atl, target_form_pct=settings.target_form_high_pct, settings=settings
        ),
        high_trimp=load_for_target_form(
            ctl=ctl, atl=atl, target_form_pct=settings.target_form_low_pct, settings=settings
        ),
        target_form_low_pct=settings.target_form_low_pct,
        target_form_high_pct=settings.target_form_high_pct,
    )
