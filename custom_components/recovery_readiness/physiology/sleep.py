"""Sleep timing, duration, naps and regularity from sleep episodes (science.md §7).

Standard library only, no I/O, no clock: "today" and "now" are always passed in.

Two time axes are used on purpose:

* **Elapsed time** (durations, sleep debt, SRI epoch pairs) is real elapsed time, computed in
  UTC. A night from 23:00 to 07:00 local lasts 7 h on the spring-forward night and 9 h on the
  fall-back night.
* **Clock time** (bedtime, wake time, their SD, usual bedtime, social jet lag, the night a sleep
  belongs to) is local wall time in the ``tz`` passed in. Clock hours are mapped to a
  **noon-anchored axis** ``h = ((t - local midnight) / 1 h + 12) mod 24 - 12`` so that 23:50
  (-0.17 h) and 00:10 (+0.17 h) are 20 minutes apart (science.md §7.2).

Caution for callers: Python subtracts two aware datetimes that share one ``tzinfo`` object on
the wall clock (``wake_time - bedtime`` is 8 h on a 7-h DST night). Use the ``duration_h``
fields, or convert to UTC first.

Pipeline used by :func:`summarize_nights` (each step is a public pure function):

1. :func:`merge_episodes` — union overlapping episodes and merge awakenings shorter than
   ``merge_gap_min`` (default 20 min) into one :class:`SleepPeriod`.
2. :func:`find_naps` — daytime periods of 10-90 min are naps; 20-40 min is the sweet spot.
3. :func:`find_nights` — per noon-to-noon local day, the longest remaining period of at least
   ``min_night_sleep_min`` is that night's main sleep (:class:`SleepNight`).
4. :func:`episodes_to_epochs` + :func:`blank_sparse_days` + :func:`sleep_regularity_index`.
5. :func:`clock_sd_min`, :func:`usual_clock_time`, :func:`social_jetlag_h`,
   :func:`sleep_debt_h`; :func:`recommended_bedtime` on top of the summary.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Final

from .errors import InsufficientDataError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "DEFAULT_MERGE_GAP_MIN",
    "DEFAULT_MIN_NIGHT_SLEEP_MIN",
    "DEFAULT_SLEEP_RULES",
    "DEFAULT_TARGET_SLEEP_H",
    "DEFAULT_WORK_DAYS",
    "RECENT_NIGHTS",
    "SUMMARY_NIGHTS",
    "Nap",
    "SleepEpisode",
    "SleepNight",
    "SleepPeriod",
    "SleepRules",
    "SleepSummary",
    "blank_sparse_days",
    "clock_sd_min",
    "episodes_to_epochs",
    "find_naps",
    "find_nights",
    "merge_episodes",
    "night_of",
    "noon_anchored_h",
    "recommended_bedtime",
    "sleep_debt_h",
    "sleep_regularity_index",
    "social_jetlag_h",
    "sri_valid_paired_days",
    "summarize_nights",
    "usual_clock_time",
]

SECONDS_PER_DAY: Final = 86_400
"""Length of one SRI day: pairs are 24 h apart in absolute time (science.md §7.8)."""

DEFAULT_EPOCH_S: Final = 30
"""Epoch length of Phillips et al. 2017 (30-s actigraphy epochs)."""

DEFAULT_SUMMARY_EPOCH_S: Final = 60
"""Epoch length the summary uses for the SRI (project default, science.md §7.8: 1-min grid)."""

SRI_MIN_VALID_PAIRED_DAYS: Final = 5.0
"""Publish SRI only from 5 valid paired days (sleepreg rule, Windred et al. 2021; §7.8)."""

SRI_MAX_MISSING_H_PER_DAY: Final = 6.0
"""Blank a noon-to-noon day with more than 6 h missing (sleepreg rule; science.md §7.8)."""

DEFAULT_TARGET_SLEEP_H: Final = 8.0
"""Nightly sleep target, h (project default: the seed's "about 8 h"; Watson et al. 2015: >= 7 h)."""
SUMMARY_NIGHTS: Final = 14
"""Nights behind a summary: SRI grid, timing SDs, usual times and the sleep debt (project default).

The debt is summed over 14 nights because restricted sleep keeps costing performance over two
weeks (Van Dongen et al. 2003) and is not repaid by one long night (Kitamura et al. 2016).
"""
RECENT_NIGHTS: Final = 7
"""Nights behind the average sleep duration shown to the user (project default)."""
DEFAULT_MERGE_GAP_MIN: Final = 20.0
"""Awakenings shorter than this are merged into one period (project default)."""

DEFAULT_MIN_NIGHT_SLEEP_MIN: Final = 90.0
"""Shortest period that can be a night's main sleep: one sleep cycle (project default)."""

NAP_MIN_MIN: Final = 10.0
"""Shortest nap (project default)."""

NAP_MAX_MIN: Final = 90.0
"""Longest nap: one sleep cycle (project default)."""

NAP_SWEET_SPOT_MIN: Final = (20.0, 40.0)
"""Nap lengths that refresh without much sleep inertia (project default, inclusive bounds)."""

NAP_WINDOW: Final = (time(9), time(21))
"""A nap starts in this local clock window [start, end) (project default)."""

DEFAULT_WORK_DAYS: Final = frozenset({0, 1, 2, 3, 4})
"""Work days as ``date.weekday()`` numbers (Monday = 0): Monday to Friday (science.md §7.3)."""

SURPLUS_CREDIT_CAP_H: Final = 1.0
"""Oversleeping repays at most 1 h of debt per night (project default)."""

MAX_BEDTIME_ADVANCE_H: Final = 1.0
"""A recommended bedtime is at most 1 h earlier than the usual bedtime (project default)."""

MIN_NIGHTS_TIMING: Final = 5
"""Nights needed for timing SDs and social jet lag in the summary (project default; Fischer
et al. 2021 recommend more than a week for an unbiased SD)."""

MIN_NIGHTS_USUAL: Final = 3
"""Nights needed for a usual bedtime / wake time (project default)."""

_METRIC_CLOCK_SD_MIN: Final = "clock_sd_min"
_METRIC_USUAL_CLOCK_TIME: Final = "usual_clock_time"
_METRIC_SLEEP_REGULARITY_INDEX: Final = "sleep_regularity_index"
_METRIC_SLEEP_DEBT_H: Final = "sleep_debt_h"
_METRIC_SOCIAL_JETLAG_H: Final = "social_jetlag_h"
_HOURS_PER_DAY: Final = 24.0
_HALF_DAY_H: Final = 12.0
_NOON: Final = time(12)


def _require_aware(value: object, name: str) -> None:
    if not isinstance(value, datetime):
        msg = f"{name} must be a datetime, got {type(value).__name__}"
        raise TypeError(msg)
    if value.tzinfo is None or value.utcoffset() is None:
        msg = f"{name} must be timezone-aware, got naive {value.isoformat()}"
        raise ValueError(msg)


def _require_tz(tz: object) -> None:
    if not isinstance(tz, tzinfo):
        msg = f"tz must be a tzinfo such as zoneinfo.ZoneInfo, got {type(tz).__name__}"
        raise TypeError(msg)


def _epochs_per_day(epoch_s: int) -> int:
    if isinstance(epoch_s, bool) or not isinstance(epoch_s, int) or epoch_s <= 0:
        msg = f"epoch_s must be a positive whole number of seconds, got {epoch_s!r}"
        raise ValueError(msg)
    if SECONDS_PER_DAY % epoch_s:
        msg = f"epoch_s must divide a day ({SECONDS_PER_DAY} s) evenly, got {epoch_s}"
        raise ValueError(msg)
    return SECONDS_PER_DAY // epoch_s


def _elapsed_s(start: datetime, end: datetime) -> float:
    """Real elapsed seconds (UTC arithmetic, immune to the shared-tzinfo wall-clock rule)."""
    return (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds()


def _local_datetime(day: date, clock: time, tz: tzinfo) -> datetime:
    """Return the aware instant at wall time ``clock`` on ``day`` in ``tz``.

    A wall time in the spring-forward gap does not exist; it is resolved with the offset in
    force before the gap (fold = 0) and normalised, so 02:30 becomes 03:30 summer time.
    """
    naive = datetime.combine(day, clock.replace(tzinfo=None, fold=0))
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def _round_to_minute(value: datetime, tz: tzinfo) -> datetime:
    utc = value.astimezone(UTC)
    floored = utc.replace(second=0, microsecond=0)
    if utc - floored >= timedelta(seconds=30):
        floored += timedelta(minutes=1)
    return floored.astimezone(tz)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class SleepEpisode:
    """One interval of sleep as reported by a source: ``SleepEpisode(start, end)``.

    Both ends are timezone-aware datetimes (any zone; they are compared in absolute time).
    Positional construction is part of the contract, so this input type is not keyword-only.

    Raises:
        ValueError: if an end is naive or ``end`` is not after ``start``.
        TypeError: if an end is not a datetime.
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        """Validate awareness and order."""
        _require_aware(self.start, "start")
        _require_aware(self.end, "end")
        if _elapsed_s(self.start, self.end) <= 0:
            msg = (
                f"sleep episode end {self.end.isoformat()} must be after "
                f"start {self.start.isoformat()}"
            )
            raise ValueError(msg)

    @property
    def duration_h(self) -> float:
        """Real elapsed duration in hours."""
        return _elapsed_s(self.start, self.end) / 3600.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SleepRules:
    """The configurable knobs of the sleep pipeline (all project defaults, see constants).

    Attributes:
        merge_gap_min: awakenings strictly shorter than this merge two episodes (20).
        min_night_sleep_min: shortest period that can be a night's main sleep (90).
        nap_min_min: shortest nap, inclusive (10).
        nap_max_min: longest nap, inclusive (90).
        nap_window_start: a nap starts at or after this local time (09:00).
        nap_window_end: a nap starts before this local time (21:00).
        sweet_spot_min_min: shortest sweet-spot nap, inclusive (20).
        sweet_spot_max_min: longest sweet-spot nap, inclusive (40).
        work_days: weekdays (Monday = 0) that are work days (Mon-Fri); a night is a work night
            when the morning after it is a work day (MCTQ convention).
        surplus_credit_cap_h: oversleeping repays at most this much debt per night (1 h).
        sri_epoch_s: epoch length of the summary's SRI grid (60 s).
        sri_min_valid_days: valid paired days needed to publish SRI (5).
        sri_max_missing_h: a day with more missing than this is blanked for the SRI (6 h).
        min_nights_timing: nights needed for timing SDs and social jet lag (5).
        min_nights_usual: nights needed for the usual bedtime / wake time (3).
    """

    merge_gap_min: float = DEFAULT_MERGE_GAP_MIN
    min_night_sleep_min: float = DEFAULT_MIN_NIGHT_SLEEP_MIN
    nap_min_min: float = NAP_MIN_MIN
    nap_max_min: float = NAP_MAX_MIN
    nap_window_start: time = NAP_WINDOW[0]
    nap_window_end: time = NAP_WINDOW[1]
    sweet_spot_min_min: float = NAP_SWEET_SPOT_MIN[0]
    sweet_spot_max_min: float = NAP_SWEET_SPOT_MIN[1]
    work_days: frozenset[int] = field(default=DEFAULT_WORK_DAYS)
    surplus_credit_cap_h: float = SURPLUS_CREDIT_CAP_H
    sri_epoch_s: int = DEFAULT_SUMMARY_EPOCH_S
    sri_min_valid_days: float = SRI_MIN_VALID_PAIRED_DAYS
    sri_max_missing_h: float = SRI_MAX_MISSING_H_PER_DAY
    min_nights_timing: int = MIN_NIGHTS_TIMING
    min_nights_usual: int = MIN_NIGHTS_USUAL

    def __post_init__(self) -> None:
        """Reject settings that make no sense."""
        checks = (
            (self.merge_gap_min >= 0, "merge_gap_min must be >= 0"),
            (self.min_night_sleep_min >= 0, "min_night_sleep_min must be >= 0"),
            (0 <= self.nap_min_min <= self.nap_max_min, "need 0 <= nap_min_min <= nap_max_min"),
            (
                self.sweet_spot_min_min <= self.sweet_spot_max_min,
                "need sweet_spot_min_min <= sweet_spot_max_min",
            ),
            (
                all(isinstance(d, int) and 0 <= d <= 6 for d in self.work_days),  # noqa: PLR2004  (Sunday = 6)
                "work_days must be weekday numbers 0 (Monday) to 6 (Sunday)",
            ),
            (self.surplus_credit_cap_h >= 0, "surplus_credit_cap_h must be >= 0"),
            (self.sri_min_valid_days >= 0, "sri_min_valid_days must be >= 0"),
            (self.sri_max_missing_h >= 0, "sri_max_missing_h must be >= 0"),
            (self.min_nights_timing >= 2, "min_nights_timing must be >= 2 (SD needs 2)"),  # noqa: PLR2004
            (self.min_nights_usual >= 1, "min_nights_usual must be >= 1"),
        )
        for ok, msg in checks:
            if not ok:
                raise ValueError(msg)
        _epochs_per_day(self.sri_epoch_s)


DEFAULT_SLEEP_RULES: Final = SleepRules()
"""All project defaults."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True, kw_only=True)
class SleepPeriod:
    """Episodes merged across short awakenings (see :func:`merge_episodes`).

    Attributes:
        start: first sleep instant (UTC).
        end: last sleep instant (UTC).
        duration_h: time asleep, real elapsed hours (merged awakenings excluded).
        time_in_bed_h: ``end - start`` in real elapsed hours (awakenings included).
        awakenings: number of short awakenings merged inside the period.
    """

    start: datetime
    end: datetime
    duration_h: float
    time_in_bed_h: float
    awakenings: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SleepNight:
    """The main sleep of one night.

    Attributes:
        night_of: local date of the evening (noon-to-noon assignment on the bedtime).
        bedtime: start of the main sleep, aware, in the summary's local zone.
        wake_time: end of the main sleep, aware, in the summary's local zone.
        midsleep: ``bedtime + (wake_time - bedtime) / 2`` in elapsed time, local zone.
        duration_h: time asleep in real elapsed hours (short awakenings excluded).
        time_in_bed_h: wake time minus bedtime, real elapsed hours.
        awakenings: short awakenings merged into this night.
        work_night: the morning after is a work day (MCTQ "sleep before a work day").
    """

    night_of: date
    bedtime: datetime
    wake_time: datetime
    midsleep: datetime
    duration_h: float
    time_in_bed_h: float
    awakenings: int
    work_night: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Nap:
    """A daytime sleep period of nap length.

    Attributes:
        day: local date of the nap's start.
        start: aware, in the summary's local zone.
        end: aware, in the summary's local zone.
        duration_min: time asleep, real elapsed minutes.
        sweet_spot: ``duration_min`` lies in the 20-40 min sweet spot (inclusive).
    """

    day: date
    start: datetime
    end: datetime
    duration_min: float
    sweet_spot: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class SleepSummary:
    """Sleep over the ``days`` nights before ``today`` (see :func:`summarize_nights`).

    Every metric is ``None`` ("unknown") when its minimum data is missing, never 0.

    Attributes:
        today: the day the summary was made for (local date).
        first_night: ``night_of`` of the first night in the window (``today - days``).
        last_night: ``night_of`` of the last night in the window (``today - 1``).
        target_sleep_h: the target the debt is measured against.
        nights: one record per night with data, oldest first.
        naps: naps that started on ``first_night + 1 .. today``, oldest first.
        average_duration_h: mean ``duration_h`` over ``nights`` (>= 1 night).
        sleep_debt_h: see :func:`sleep_debt_h` (>= 1 night).
        sri: Sleep Regularity Index, only with ``sri_valid_days >= 5`` (rule configurable).
        sri_valid_days: valid paired days behind the SRI (valid 24-h pairs / epochs per day).
        bedtime_sd_min: SD (ddof 1) of bedtimes on the noon-anchored local clock.
        wake_time_sd_min: SD (ddof 1) of wake times on the noon-anchored local clock.
        midsleep_sd_min: SD (ddof 1) of mid-sleep times on the noon-anchored local clock.
        usual_bedtime: median bedtime on the noon-anchored local clock.
        usual_wake_time: median wake time on the noon-anchored local clock.
        social_jetlag_h: ``|MSF - MSW|`` (needs a free and a work night and ``min_nights_timing``).
    """

    today: date
    first_night: date
    last_night: date
    target_sleep_h: float
    nights: tuple[SleepNight, ...]
    naps: tuple[Nap, ...]
    average_duration_h: float | None
    sleep_debt_h: float | None
    sri: float | None
    sri_valid_days: float
    bedtime_sd_min: float | None
    wake_time_sd_min: float | None
    midsleep_sd_min: float | None
    usual_bedtime: time | None
    usual_wake_time: time | None
    social_jetlag_h: float | None

    @property
    def last_night_record(self) -> SleepNight | None:
        """The night of ``today - 1`` (the one that ended this morning), if any."""
        if self.nights and self.nights[-1].night_of == self.last_night:
            return self.nights[-1]
        return None

    @property
    def sweet_spot_naps(self) -> int:
        """Number of naps in the sweet spot."""
        return sum(1 for nap in self.naps if nap.sweet_spot)


# --------------------------------------------------------------------------- clock helpers


def noon_anchored_h(instant: datetime, tz: tzinfo) -> float:
    """Return the local wall-clock time of ``instant`` on the noon-anchored axis, in hours.

    Formula:
        ``h = ((t - local midnight) / 1 h + 12) mod 24 - 12``, in ``[-12, 12)``; 23:00 -> -1,
        01:30 -> +1.5 (science.md §7.2). Wall time: 23:00 is -1 in winter and in summer.

    Raises:
        ValueError: if ``instant`` is naive.
    """
    _require_aware(instant, "instant")
    local = instant.astimezone(tz)
    clock_h = local.hour + local.minute / 60.0 + (local.second + local.microsecond / 1e6) / 3600.0
    return (clock_h + _HALF_DAY_H) % _HOURS_PER_DAY - _HALF_DAY_H


def _clock_time_from_noon_h(value_h: float) -> time:
    """Turn a noon-anchored hour back into a wall-clock time (rounded to the second)."""
    total_s = round((value_h % _HOURS_PER_DAY) * 3600.0) % SECONDS_PER_DAY
    return time(total_s // 3600, (total_s % 3600) // 60, total_s % 60)


def night_of(instant: datetime, tz: tzinfo) -> date:
    """Return the night an instant belongs to: the local date of its noon-to-noon day.

    Rule:
        ``night_of = (local wall time of instant - 12 h).date()``. A bedtime of 23:30 or of
        02:00 on the 5th both belong to the night of the 4th; 12:00 on the 5th starts the night
        of the 5th. Nights are assigned by their bedtime (start).

    Raises:
        ValueError: if ``instant`` is naive.
    """
    _require_aware(instant, "instant")
    local = instant.astimezone(tz).replace(tzinfo=None)
    return (local - timedelta(hours=12)).date()


def clock_sd_min(instants: Sequence[datetime], *, tz: tzinfo) -> float:
    """Return the SD of local clock times on the noon-anchored axis, in minutes.

    Formula:
        ``SD(h_i) * 60`` with ``h_i = noon_anchored_h(instant_i, tz)``.

    Estimator:
        Sample SD, ddof = 1 (``statistics.stdev``). Wall time, so a fixed 23:00 bedtime has
        SD 0 across daylight-saving transitions.

    Minimum data:
        2 instants. Fischer, Klerman & Phillips (2021) recommend more than a week of nights
        for an unbiased estimate; the summary uses ``SleepRules.min_nights_timing``.

    Raises:
        InsufficientDataError: with fewer than 2 instants.

    References:
        science.md §7.2; Fischer D., Klerman E.B., Phillips A.J.K. (2021) Sleep 44(12):zsab103.
    """
    if len(instants) < 2:  # noqa: PLR2004  (ddof 1)
        raise InsufficientDataError(_METRIC_CLOCK_SD_MIN, needed=2, got=len(instants))
    return statistics.stdev(noon_anchored_h(t, tz) for t in instants) * 60.0


def usual_clock_time(instants: Sequence[datetime], *, tz: tzinfo) -> time:
    """Return the usual local clock time: the median on the noon-anchored axis.

    Formula:
        ``median(h_i)`` (mean of the two middle values for an even count), mapped back to a
        wall-clock time and rounded to the second. The median resists a single late night.

    Minimum data:
        1 instant.

    Raises:
        InsufficientDataError: with no instants.
    """
    if not instants:
        raise InsufficientDataError(_METRIC_USUAL_CLOCK_TIME, needed=1, got=0)
    return _clock_time_from_noon_h(statistics.median(noon_anchored_h(t, tz) for t in instants))


# --------------------------------------------------------------------------- episodes


def merge_episodes(
    episodes: Iterable[SleepEpisode], *, max_gap_min: float = DEFAULT_MERGE_GAP_MIN
) -> tuple[SleepPeriod, ...]:
    """Merge overlapping episodes and awakenings shorter than ``max_gap_min``.

    Rule:
        Episodes are sorted by start in absolute time. Overlapping or touching episodes are
        united (a duplicate from a second source is counted once). Two periods separated by an
        awakening strictly shorter than ``max_gap_min`` (default 20 min) become one period;
        the awakening counts towards ``time_in_bed_h`` but not towards ``duration_h``.

    Raises:
        ValueError: if ``max_gap_min`` is negative.

    Returns:
        Periods ordered by start, with UTC datetimes.
    """
    if max_gap_min < 0:
        msg = f"max_gap_min must be >= 0, got {max_gap_min}"
        raise ValueError(msg)
    max_gap = timedelta(minutes=max_gap_min)
    spans = sorted((e.start.astimezone(UTC), e.end.astimezone(UTC)) for e in episodes)
    periods: list[SleepPeriod] = []
    if not spans:
        return ()
    cur_start, cur_end = spans[0]
    asleep = timedelta(0)
    seg_start, seg_end = spans[0]
    awakenings = 0

    def close() -> None:
        periods.append(
            SleepPeriod(
                start=cur_start,
                end=cur_end,
                duration_h=(asleep + (seg_end - seg_start)).total_seconds() / 3600.0,
                time_in_bed_h=(cur_end - cur_start).total_seconds() / 3600.0,
                awakenings=awakenings,
            )
        )

    for start, end in spans[1:]:
        if start <= seg_end:  # overlap: union
            seg_end = max(seg_end, end)
            cur_end = max(cur_end, end)
        elif start - seg_end < max_gap:  # short awakening: merge
            asleep += seg_end - seg_start
            awakenings += 1
            seg_start, seg_end = start, end
            cur_end = end
        else:
            close()
            cur_start, cur_end = start, end
            seg_start, seg_end = start, end
            asleep = timedelta(0)
            awakenings = 0
    close()
    return tuple(periods)


def _is_nap(period: SleepPeriod, tz: tzinfo, rules: SleepRules) -> bool:
    minutes = period.duration_h * 60.0
    if not rules.nap_min_min <= minutes <= rules.nap_max_min:
        return False
    start_clock = period.start.astimezone(tz).time()
    return rules.nap_window_start <= start_clock < rules.nap_window_end


def find_naps(
    periods: Iterable[SleepPeriod], *, tz: tzinfo, rules: SleepRules = DEFAULT_SLEEP_RULES
) -> tuple[Nap, ...]:
    """Return the naps among merged periods.

    Rule:
        A period is a nap when its time asleep lies in ``[nap_min_min, nap_max_min]``
        (default 10-90 min, inclusive) and it starts in the local daytime window
        ``[nap_window_start, nap_window_end)`` (default 09:00-21:00). ``sweet_spot`` marks
        naps of 20-40 min (inclusive): long enough to refresh, short enough to avoid deep-sleep
        inertia. Naps are never a night's main sleep.

    Returns:
        Naps ordered by start, datetimes in ``tz``.
    """
    _require_tz(tz)
    naps: list[Nap] = []
    for period in periods:
        if not _is_nap(period, tz, rules):
            continue
        minutes = period.duration_h * 60.0
        start = period.start.astimezone(tz)
        naps.append(
            Nap(
                day=start.date(),
                start=start,
                end=period.end.astimezone(tz),
                duration_min=minutes,
                sweet_spot=rules.sweet_spot_min_min <= minutes <= rules.sweet_spot_max_min,
            )
        )
    return tuple(naps)


def find_nights(
    periods: Iterable[SleepPeriod], *, tz: tzinfo, rules: SleepRules = DEFAULT_SLEEP_RULES
) -> tuple[SleepNight, ...]:
    """Return one main sleep per night.

    Rule:
        Naps (see :func:`find_naps`) and periods with less than ``min_night_sleep_min`` asleep
        (default 90 min) are set aside. The rest are grouped by :func:`night_of` of their start
        (noon-to-noon local day); the period with the most time asleep is the night's main
        sleep (ties: the earlier one). Other periods of that night (a second block after an
        awakening of ``merge_gap_min`` or more) are not added: raise ``merge_gap_min`` for a
        source that splits nights. ``work_night`` is true when the morning after
        (``night_of + 1``) is in ``work_days``.

    Returns:
        Nights ordered by ``night_of``; datetimes in ``tz``; durations in real elapsed time.
    """
    _require_tz(tz)
    best: dict[date, SleepPeriod] = {}
    for period in periods:
        if _is_nap(period, tz, rules) or period.duration_h * 60.0 < rules.min_night_sleep_min:
            continue
        key = night_of(period.start, tz)
        current = best.get(key)
        if current is None or period.duration_h > current.duration_h:
            best[key] = period
    nights: list[SleepNight] = []
    for key in sorted(best):
        period = best[key]
        midsleep = period.start + (period.end - period.start) / 2  # UTC: elapsed arithmetic
        nights.append(
            SleepNight(
                night_of=key,
                bedtime=period.start.astimezone(tz),
                wake_time=period.end.astimezone(tz),
                midsleep=midsleep.astimezone(tz),
                duration_h=period.duration_h,
                time_in_bed_h=period.time_in_bed_h,
                awakenings=period.awakenings,
                work_night=(key + timedelta(days=1)).weekday() in rules.work_days,
            )
        )
    return tuple(nights)


# --------------------------------------------------------------------------- SRI


def _sri_counts(states: Sequence[int | None], epoch_s: int) -> tuple[int, int, int]:
    """Return (agreeing pairs, valid pairs, epochs per day) over whole days."""
    per_day = _epochs_per_day(epoch_s)
    bad = set(states) - {0, 1, None}
    if bad:
        msg = (
            f"states must be 1 (asleep), 0 (awake) or None (missing), got {sorted(map(repr, bad))}"
        )
        raise ValueError(msg)
    usable = (len(states) // per_day) * per_day
    same = valid = 0
    for first, second in zip(states[: usable - per_day], states[per_day:usable], strict=False):
        if first is None or second is None:
            continue
        valid += 1
        if first == second:
            same += 1
    return same, valid, per_day


def sri_valid_paired_days(states: Sequence[int | None], *, epoch_s: int = DEFAULT_EPOCH_S) -> float:
    """Return the valid paired days behind an SRI: valid 24-h pairs / epochs per day.

    Same layout and exclusions as :func:`sleep_regularity_index` (whole days only, a pair with
    a missing side is not valid). ``mengelhard/sri`` ``test.csv``: 4.997.

    Raises:
        ValueError: for an epoch length that does not divide 24 h or states other than 0/1/None.
    """
    _, valid, per_day = _sri_counts(states, epoch_s)
    return valid / per_day


def sleep_regularity_index(
    states: Sequence[int | None], *, epoch_s: int = DEFAULT_EPOCH_S
) -> float:
    """Return the Sleep Regularity Index (Phillips et al. 2017), -100 to 100.

    Args:
        states: one value per epoch, oldest first, starting at a day boundary (the summary
            uses local noon): 1 = asleep, 0 = awake, None = missing.
        epoch_s: epoch length in seconds; must divide 86,400 (30 s -> M = 2,880 per day).

    Formula:
        Lay the states out as N whole days of M epochs (a trailing partial day is ignored) and
        compare each epoch with the epoch 24 h later::

            SRI = -100 + 200 * (agreeing pairs) / (valid pairs)

        which equals Phillips' ``-100 + 200 / (M (N-1)) * sum delta(s[i,j], s[i+1,j])`` when no
        epoch is missing. 100 = identical days, 0 = random, -100 = alternating.

    Estimator:
        Pairwise exclusion: a pair with a missing side is left out of numerator and
        denominator. On ``mengelhard/sri`` ``test.csv`` (30-s epochs, 6 whole days, 5 missing
        epochs) this gives **80.81** over 4.997 valid paired days; the published 80.7
        (``calculate_sri``, 80.69) counts pairs with a missing side as mismatches, which
        collapses with real gaps (science.md §7.1). Pairs are 24 h apart in absolute time, so
        a DST switch shifts one pair-day by 1 h (not special-cased).

    Minimum data:
        One day's worth of valid pairs (M). Publishing needs 5 valid paired days (science.md
        §7.8): check :func:`sri_valid_paired_days` or use ``SleepSummary.sri``.

    Raises:
        InsufficientDataError: if fewer than M valid pairs remain.
        ValueError: for an epoch length that does not divide 24 h or states other than 0/1/None.

    References:
        Phillips A.J.K. et al. (2017). Sci Rep 7:3216. Lunsford-Avery J.R. et al. (2018). Sci Rep
        8:14158 (code: mengelhard/sri).

    Example:
        >>> day = [1] * 16 + [0] * 32  # 30-min epochs: asleep 8 h, then awake
        >>> sleep_regularity_index(day * 3, epoch_s=1800)
        100.0
    """
    same, valid, per_day = _sri_counts(states, epoch_s)
    if valid < per_day:
        raise InsufficientDataError(_METRIC_SLEEP_REGULARITY_INDEX, needed=per_day, got=valid)
    return -100.0 + 200.0 * same / valid


def episodes_to_epochs(  # noqa: PLR0913  (keyword-only grid description)
    episodes: Iterable[SleepEpisode],
    *,
    tz: tzinfo,
    first_day: date,
    days: int,
    epoch_s: int = DEFAULT_SUMMARY_EPOCH_S,
    known_until: datetime | None = None,
) -> tuple[int | None, ...]:
    """Turn sleep episodes into epoch states on a noon-to-noon grid for the SRI.

    Rule:
        The grid starts at local noon of ``first_day`` in ``tz`` and runs ``days`` x 24 h in
        absolute time (``days * 86_400 / epoch_s`` epochs), so epochs 24 h apart pair up; after
        a DST switch the grid's day boundary sits at 11:00 or 13:00 local (documented, not
        special-cased; science.md §7.8). An epoch is asleep (1) when its midpoint lies in
        ``[start, end)`` of any episode, else awake (0). A grid day without any asleep epoch
        is **missing** (None), not awake: no sleep logged means no data. Epochs whose midpoint
        is at or after ``known_until`` (the present) are missing.

    Raises:
        ValueError: for ``days < 1``, a bad ``epoch_s`` or a naive ``known_until``.
    """
    _require_tz(tz)
    per_day = _epochs_per_day(epoch_s)
    if days < 1:
        msg = f"days must be >= 1, got {days}"
        raise ValueError(msg)
    origin = _local_datetime(first_day, _NOON, tz).astimezone(UTC)
    total = days * per_day
    epoch_us = epoch_s * 1_000_000
    unit = timedelta(microseconds=1)

    def first_epoch_at_or_after(instant: datetime) -> int:
        # smallest k with origin + (k + 1/2) * epoch >= instant
        offset_us = (instant.astimezone(UTC) - origin) // unit
        return -((epoch_us - 2 * offset_us) // (2 * epoch_us))

    states: list[int | None] = [0] * total
    for episode in episodes:
        lo = max(first_epoch_at_or_after(episode.start), 0)
        hi = min(first_epoch_at_or_after(episode.end), total)
        if lo < hi:
            states[lo:hi] = [1] * (hi - lo)
    for day in range(days):
        chunk = slice(day * per_day, (day + 1) * per_day)
        if 1 not in states[chunk]:
            states[chunk] = [None] * per_day
    if known_until is not None:
        _require_aware(known_until, "known_until")
        cut = min(max(first_epoch_at_or_after(known_until), 0), total)
        states[cut:] = [None] * (total - cut)
    return tuple(states)


def blank_sparse_days(
    states: Sequence[int | None],
    *,
    epoch_s: int = DEFAULT_SUMMARY_EPOCH_S,
    max_missing_h: float = SRI_MAX_MISSING_H_PER_DAY,
) -> tuple[int | None, ...]:
    """Blank (set to None) every whole day with more than ``max_missing_h`` missing.

    Rule:
        sleepreg's rule (Windred et al. 2021; science.md §7.8): a noon-to-noon day with more
        than 6 h of missing epochs is unreliable and is excluded entirely. A trailing partial
        day is returned unchanged (the SRI ignores it).

    Raises:
        ValueError: for a bad ``epoch_s`` or a negative ``max_missing_h``.
    """
    per_day = _epochs_per_day(epoch_s)
    if max_missing_h < 0:
        msg = f"max_missing_h must be >= 0, got {max_missing_h}"
        raise ValueError(msg)
    limit = max_missing_h * 3600.0 / epoch_s
    out = list(states)
    for day in range(len(out) // per_day):
        chunk = slice(day * per_day, (day + 1) * per_day)
        if out[chunk].count(None) > limit:
            out[chunk] = [None] * per_day
    return tuple(out)


# --------------------------------------------------------------------------- night statistics


def sleep_debt_h(
    durations_h: Iterable[float],
    *,
    target_sleep_h: float = DEFAULT_TARGET_SLEEP_H,
    surplus_credit_cap_h: float = SURPLUS_CREDIT_CAP_H,
) -> float:
    """Return the sleep debt in hours over the given nights.

    Formula:
        ``debt = max(0, sum_i max(0, target - d_i) - sum_i min(max(0, d_i - target), cap))``.
        Every night short of the target adds its shortfall; a night beyond the target repays
        at most ``cap`` hours (default 1 h per night), so a 12-h lie-in does not erase a week
        of 6-h nights. Nights without data are not counted (no data is not 0 h of sleep).

    Minimum data:
        1 night.

    Raises:
        InsufficientDataError: with no nights.
        ValueError: for a non-positive target or a negative cap.
    """
    if target_sleep_h <= 0:
        msg = f"target_sleep_h must be > 0, got {target_sleep_h}"
        raise ValueError(msg)
    if surplus_credit_cap_h < 0:
        msg = f"surplus_credit_cap_h must be >= 0, got {surplus_credit_cap_h}"
        raise ValueError(msg)
    shortfall = credit = 0.0
    count = 0
    for duration in durations_h:
        count += 1
        shortfall += max(0.0, target_sleep_h - duration)
        credit += min(max(0.0, duration - target_sleep_h), surplus_credit_cap_h)
    if count == 0:
        raise InsufficientDataError(_METRIC_SLEEP_DEBT_H, needed=1, got=0)
    return max(0.0, shortfall - credit)


def social_jetlag_h(nights: Sequence[SleepNight], *, tz: tzinfo) -> float:
    """Return social jet lag ``|MSF - MSW|`` in hours.

    Formula:
        Mid-sleep ``MS = bedtime + (wake_time - bedtime) / 2`` (elapsed time) per night, read on
        the noon-anchored local clock; MSW = mean over work nights, MSF = mean over free nights
        (``SleepNight.work_night``: the morning after is a work day). ``SJL = |MSF - MSW|``,
        taken as the shorter way round the clock (ropensci/mctq ``sjl()``).

    Minimum data:
        1 work night and 1 free night.

    Raises:
        InsufficientDataError: if either kind of night is missing (``needed=1``).

    References:
        Wittmann M. et al. (2006). Chronobiol Int 23(1-2):497-509; science.md §7.3.
    """
    work = [noon_anchored_h(n.midsleep, tz) for n in nights if n.work_night]
    free = [noon_anchored_h(n.midsleep, tz) for n in nights if not n.work_night]
    if not work or not free:
        raise InsufficientDataError(
            _METRIC_SOCIAL_JETLAG_H, needed=1, got=min(len(work), len(free))
        )
    diff = abs(statistics.fmean(free) - statistics.fmean(work)) % _HOURS_PER_DAY
    return min(diff, _HOURS_PER_DAY - diff)


# --------------------------------------------------------------------------- summary


def summarize_nights(  # noqa: PLR0913  (keyword-only knobs of one documented pipeline)
    episodes: Iterable[SleepEpisode],
    *,
    tz: tzinfo,
    today: date,
    target_sleep_h: float = DEFAULT_TARGET_SLEEP_H,
    days: int = SUMMARY_NIGHTS,
    rules: SleepRules = DEFAULT_SLEEP_RULES,
    now: datetime | None = None,
) -> SleepSummary:
    """Summarise the ``days`` nights before ``today``.

    Args:
        episodes: sleep episodes in any order, any aware zone, may overlap; older or newer
            episodes outside the window are ignored.
        tz: the local zone for clock statistics and night assignment.
        today: local date the summary is for; the window holds the nights
            ``today - days .. today - 1`` (the last one ended this morning) and the naps that
            started on ``today - days + 1 .. today``.
        target_sleep_h: nightly sleep target for the debt.
        days: window length in nights (and SRI grid days).
        rules: the configurable knobs (:class:`SleepRules`).
        now: the present, if known; SRI epochs from then on are missing, not awake.

    Rules:
        Nights and naps: :func:`merge_episodes`, :func:`find_naps`, :func:`find_nights`.
        ``average_duration_h``: mean time asleep of the nights with data (>= 1 night).
        ``sleep_debt_h``: :func:`sleep_debt_h` with ``rules.surplus_credit_cap_h``.
        ``sri``: raw episodes on a ``rules.sri_epoch_s`` grid over the ``days`` noon-to-noon
        days of the window (:func:`episodes_to_epochs`), days with more than 6 h missing
        blanked (:func:`blank_sparse_days`), pairwise exclusion; published only when
        ``sri_valid_days >= rules.sri_min_valid_days`` (5), else None. With 14 days at most 13
        paired days exist.
        Timing SDs (ddof 1, noon-anchored local clock) and social jet lag need
        ``rules.min_nights_timing`` nights (5); usual times need ``rules.min_nights_usual`` (3).

    Raises:
        ValueError: for ``days < 1``, a non-positive target, a ``datetime`` passed as
            ``today`` or a naive ``now``.
        TypeError: if ``tz`` is not a tzinfo.
    """
    _require_tz(tz)
    if isinstance(today, datetime) or not isinstance(today, date):
        msg = f"today must be a date (not a datetime), got {type(today).__name__}"
        raise TypeError(msg)
    if days < 1:
        msg = f"days must be >= 1, got {days}"
        raise ValueError(msg)
    if target_sleep_h <= 0:
        msg = f"target_sleep_h must be > 0, got {target_sleep_h}"
        raise ValueError(msg)
    if now is not None:
        _require_aware(now, "now")

    first_night = today - timedelta(days=days)
    last_night = today - timedelta(days=1)
    episode_list = list(episodes)
    periods = merge_episodes(episode_list, max_gap_min=rules.merge_gap_min)
    nights = tuple(
        n
        for n in find_nights(periods, tz=tz, rules=rules)
        if first_night <= n.night_of <= last_night
    )
    naps = tuple(n for n in find_naps(periods, tz=tz, rules=rules) if first_night < n.day <= today)

    durations = [n.duration_h for n in nights]
    average = statistics.fmean(durations) if durations else None
    debt = (
        sleep_debt_h(
            durations,
            target_sleep_h=target_sleep_h,
            surplus_credit_cap_h=rules.surplus_credit_cap_h,
        )
        if durations
        else None
    )

    states = episodes_to_epochs(
        episode_list,
        tz=tz,
        first_day=first_night,
        days=days,
        epoch_s=rules.sri_epoch_s,
        known_until=now,
    )
    states = blank_sparse_days(
        states, epoch_s=rules.sri_epoch_s, max_missing_h=rules.sri_max_missing_h
    )
    sri_days = sri_valid_paired_days(states, epoch_s=rules.sri_epoch_s)
    sri = (
        sleep_regularity_index(states, epoch_s=rules.sri_epoch_s)
        if sri_days >= max(rules.sri_min_valid_days, 1.0)
        else None
    )

    timing = len(nights) >= rules.min_nights_timing
    usual = len(nights) >= rules.min_nights_usual
    has_both = any(n.work_night for n in nights) and not all(n.work_night for n in nights)
    return SleepSummary(
        today=today,
        first_night=first_night,
        last_night=last_night,
        target_sleep_h=target_sleep_h,
        nights=nights,
        naps=naps,
        average_duration_h=average,
        sleep_debt_h=debt,
        sri=sri,
        sri_valid_days=sri_days,
        bedtime_sd_min=clock_sd_min([n.bedtime for n in nights], tz=tz) if timing else None,
        wake_time_sd_min=clock_sd_min([n.wake_time for n in nights], tz=tz) if timing else None,
        midsleep_sd_min=clock_sd_min([n.midsleep for n in nights], tz=tz) if timing else None,
        usual_bedtime=usual_clock_time([n.bedtime for n in nights], tz=tz) if usual else None,
        usual_wake_time=usual_clock_time([n.wake_time for n in nights], tz=tz) if usual else None,
        social_jetlag_h=social_jetlag_h(nights, tz=tz) if timing and has_both else None,
    )


def recommended_bedtime(  # noqa: PLR0913  (keyword-only inputs of one rule)
    summary: SleepSummary | None,
    *,
    tz: tzinfo,
    day: date,
    target_sleep_h: float = DEFAULT_TARGET_SLEEP_H,
    target_wake_time: time | None = None,
    max_advance_h: float = MAX_BEDTIME_ADVANCE_H,
) -> datetime | None:
    """Return the recommended bedtime for the night of ``day`` (the evening's local date).

    Rule:
        * **With a target wake time:** wake at ``target_wake_time`` local on ``day + 1``;
          go to bed ``target_sleep_h`` of real elapsed time earlier. On the spring-forward
          night a 07:00 wake-up with an 8-h target gives 22:00; on the fall-back night 00:00.
          ``summary`` is not needed.
        * **Otherwise, anchored on the usual bedtime:** start from ``summary.usual_bedtime``
          (local wall clock) and move earlier by the average shortfall
          ``target_sleep_h - summary.average_duration_h``, at most ``max_advance_h`` (1 h) and
          never later than usual. This is wall-clock arithmetic: a usual 23:00 stays 23:00
          local on a DST transition night. Bedtimes before noon on the anchored axis fall on
          ``day + 1`` (e.g. 00:30).
        * **None** when there is no target wake time and no usual bedtime (too few nights).

        Results are rounded to the minute; a wall time that does not exist (spring-forward
        gap) moves forward by the gap (02:30 -> 03:30).

    Returns:
        An aware datetime in ``tz``, or None.

    Raises:
        ValueError: for a non-positive target or a negative ``max_advance_h``.
    """
    _require_tz(tz)
    if target_sleep_h <= 0:
        msg = f"target_sleep_h must be > 0, got {target_sleep_h}"
        raise ValueError(msg)
    if max_advance_h < 0:
        msg = f"max_advance_h must be >= 0, got {max_advance_h}"
        raise ValueError(msg)
    if target_wake_time is not None:
        wake = _local_datetime(day + timedelta(days=1), target_wake_time, tz)
        return _round_to_minute(wake.astimezone(UTC) - timedelta(hours=target_sleep_h), tz)
    if summary is None or summary.usual_bedtime is None:
        return None
    usual = summary.usual_bedtime
    usual_h = (usual.hour + usual.minute / 60.0 + usual.second / 3600.0 + 12.0) % 24.0 - 12.0
    advance_h = 0.0
    if summary.average_duration_h is not None:
        advance_h = min(max(target_sleep_h - summary.average_duration_h, 0.0), max_advance_h)
    bed_h = usual_h - advance_h
    seconds = round(bed_h * 3600.0 / 60.0) * 60  # whole minutes on the anchored axis
    bed_day = day if seconds < 0 else day + timedelta(days=1)
    return _local_datetime(bed_day, _clock_time_from_noon_h(seconds / 3600.0), tz)
