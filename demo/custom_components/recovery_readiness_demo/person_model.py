"""The demo runner: a deterministic model of one recreational runner's training, sleep and HRV.

Pure Python (stdlib only, no Home Assistant), so tests can check it without HA. Every value of
a calendar day depends only on that date and the seed, never on the day the demo is started:
a demo started tomorrow seeds the same values for the days it shares with today's.

Times are local wall-clock times without a zone (the demo component attaches Home Assistant's
time zone).

**Training** (`activities_on`): a weekly rhythm by weekday

    Mon rest | Tue intervals (6 x 3 min hard) | Wed easy | Thu easy | Fri rest
    Sat easy (morning) | Sun long run (morning)

with every eighth ISO week (``week % 8 == BLOCK_WEEK_PHASE``) a harder block week: durations
x ``BLOCK_FACTOR`` and Thursday a tempo run instead of an easy one. Durations jitter by
+/- 8 %, average HR by a Gaussian of 1.5 bpm, start times by +/- 20 min. Each session's load is
Banister's TRIMP (Banister 1991; Morton et al. 1990, men's weighting)::

    HRr   = (HR_avg - HR_rest) / (HR_max - HR_rest)
    TRIMP = t_min * HRr * 0.64 * exp(1.92 * HRr)

**Sleep** (`night_ending`): bedtime 23:00 (Fri/Sat nights 23:30) + U(-15, +15) min; time in bed
7.75 h (Fri/Sat nights 8.25 h) + U(-15, +15) min. With probability ``SHORT_NIGHT_P`` a night is
short: bedtime 00:15-00:45 and 5.75-6.25 h in bed.

**Morning HRV and resting HR** (`morning`), with a Banister-like fatigue impulse response
(Banister et al. 1975) over the previous days' loads and the sleep deficit of the night::

    F(d)         = sum_{k=1..7} TRIMP(d-k) * exp(-(k-1) / TAU_FATIGUE_D)
    D(d)         = max(0, SLEEP_NEED_H - hours in bed of the night ending on d)
    ln RMSSD(d)  = ln(RMSSD_rested) - A_LOAD * F(d) - B_SLEEP * D(d) + eps(d)
    RHR(d)       = RHR_rested + C_LOAD * F(d) + E_SLEEP * D(d) + eta(d)

``eps ~ N(0, SD_LN_NOISE)`` and ``eta ~ N(0, SD_RHR_NOISE)`` are the day-to-day noise; the
*expected* morning (`expected_morning`, what the live demo strap is given) leaves them out.
The coefficients make a hard session lower the next morning's ln RMSSD by about 0.1-0.15 and
raise resting HR by 3-4 bpm (Stanley et al. 2013, Sports Med 43:1259; Plews et al. 2013),
and a 2-hour sleep deficit lower ln RMSSD by about 0.1.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

SEED: Final = 8
HISTORY_DAYS: Final = 60
"""Days of history the demo seeds, ending yesterday."""

REST_HR_RESTED_BPM: Final = 46.5
"""Morning resting HR with no recent load and enough sleep."""
RMSSD_RESTED_MS: Final = 70.0
"""Morning RMSSD with no recent load and enough sleep."""
MAX_HR_BPM: Final = 188.0
TRIMP_REST_HR_BPM: Final = 50.0
"""Resting HR used in TRIMP (about the person's usual morning value)."""
AGE_YEARS: Final = 38
SLEEP_NEED_H: Final = 7.5
"""Hours in bed below which the night lowers the next morning's HRV."""

TAU_FATIGUE_D: Final = 1.5
A_LOAD: Final = 0.0011
"""ln RMSSD lost per TRIMP of fatigue."""
B_SLEEP: Final = 0.05
"""ln RMSSD lost per hour of sleep deficit."""
C_LOAD: Final = 0.025
"""Resting HR (bpm) gained per TRIMP of fatigue."""
E_SLEEP: Final = 1.0
"""Resting HR (bpm) gained per hour of sleep deficit."""
SD_LN_NOISE: Final = 0.07
SD_RHR_NOISE: Final = 0.8
FATIGUE_DAYS: Final = 7

BLOCK_WEEK_PHASE: Final = 5
BLOCK_FACTOR: Final = 1.25
SHORT_NIGHT_P: Final = 0.04

EVENING: Final = time(18, 30)
MORNING: Final = time(9, 30)


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionPlan:
    """A session template of the weekly rhythm."""

    kind: str
    name: str
    duration_min: float
    avg_hr_bpm: float
    max_hr_bpm: float
    pace_s_per_km: float
    start: time


EASY: Final = SessionPlan(
    kind="easy",
    name="Easy run",
    duration_min=45,
    avg_hr_bpm=138,
    max_hr_bpm=150,
    pace_s_per_km=360,
    start=EVENING,
)
INTERVALS: Final = SessionPlan(
    kind="intervals",
    name="Intervals 6x3 min",
    duration_min=58,
    avg_hr_bpm=155,
    max_hr_bpm=178,
    pace_s_per_km=315,
    start=EVENING,
)
TEMPO: Final = SessionPlan(
    kind="tempo",
    name="Tempo run",
    duration_min=45,
    avg_hr_bpm=160,
    max_hr_bpm=171,
    pace_s_per_km=290,
    start=EVENING,
)
LONG: Final = SessionPlan(
    kind="long",
    name="Long run",
    duration_min=95,
    avg_hr_bpm=144,
    max_hr_bpm=158,
    pace_s_per_km=350,
    start=MORNING,
)
WEEK: Final[tuple[SessionPlan | None, ...]] = (
    None,  # Monday
    INTERVALS,
    EASY,
    EASY,
    None,  # Friday
    SessionPlan(
        kind="easy",
        name="Easy run",
        duration_min=35,
        avg_hr_bpm=136,
        max_hr_bpm=147,
        pace_s_per_km=365,
        start=MORNING,
    ),
    LONG,
)
"""The plan by weekday (Monday = 0)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity:
    """One run as a watch would report it."""

    activity_id: int
    day: date
    kind: str
    name: str
    start: datetime
    """Local wall-clock start, no zone."""
    duration_s: float
    avg_hr_bpm: float
    max_hr_bpm: float
    distance_m: float
    trimp: float

    @property
    def end(self) -> datetime:
        """Local wall-clock end."""
        return self.start + timedelta(seconds=self.duration_s)


@dataclass(frozen=True, slots=True, kw_only=True)
class Night:
    """Time in bed of the night that ends on the morning of ``wake_day``."""

    wake_day: date
    bedtime: datetime
    wake: datetime
    short: bool

    @property
    def hours(self) -> float:
        """Hours in bed."""
        return (self.wake - self.bedtime).total_seconds() / 3600.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Morning:
    """A morning's HRV and resting HR and the inputs that shaped them."""

    day: date
    ln_rmssd: float
    resting_hr_bpm: float
    fatigue_trimp: float
    sleep_deficit_h: float

    @property
    def rmssd_ms(self) -> float:
        """RMSSD in ms (``exp(ln_rmssd)``)."""
        return math.exp(self.ln_rmssd)


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoHistory:
    """What the demo seeds: ``days`` days ending the day before ``today``."""

    today: date
    activities: tuple[Activity, ...]
    nights: tuple[Night, ...]
    """Nights ending on the mornings ``today - days + 1 .. today`` (last night included)."""
    mornings: tuple[Morning, ...]


def _rng(seed: int, what: str, day: date) -> random.Random:
    """A generator for one day and one purpose; a str seed is hashed stably (not PYTHONHASHSEED)."""
    return random.Random(f"{seed}:{what}:{day.isoformat()}")  # noqa: S311  (demo data)


def trimp(duration_min: float, avg_hr_bpm: float) -> float:
    """Banister TRIMP with the men's weighting (0.64, 1.92); formula in the module docstring."""
    hrr = (avg_hr_bpm - TRIMP_REST_HR_BPM) / (MAX_HR_BPM - TRIMP_REST_HR_BPM)
    hrr = min(max(hrr, 0.0), 1.0)
    return duration_min * hrr * 0.64 * math.exp(1.92 * hrr)


def is_block_week(day: date) -> bool:
    """Whether ``day`` is in a harder block week (ISO week number % 8 == BLOCK_WEEK_PHASE)."""
    return day.isocalendar().week % 8 == BLOCK_WEEK_PHASE


def activities_on(day: date, *, seed: int = SEED) -> tuple[Activity, ...]:
    """The runs of ``day`` (none on rest days)."""
    plan = WEEK[day.weekday()]
    if plan is None:
        return ()
    block = is_block_week(day)
    if block and day.weekday() == 3:  # noqa: PLR2004  (Thursday)
        plan = TEMPO
    rng = _rng(seed, "run", day)
    factor = (BLOCK_FACTOR if block else 1.0) * rng.uniform(0.92, 1.08)
    duration_min = round(plan.duration_min * factor, 1)
    avg_hr = round(plan.avg_hr_bpm + rng.gauss(0.0, 1.5))
    max_hr = round(plan.max_hr_bpm + rng.gauss(0.0, 1.5))
    start = datetime.combine(day, plan.start) + timedelta(minutes=rng.randint(-20, 20))
    pace = plan.pace_s_per_km * rng.uniform(0.97, 1.03)
    duration_s = duration_min * 60.0
    return (
        Activity(
            activity_id=20_000_000_000 + day.toordinal() * 10,
            day=day,
            kind=plan.kind,
            name=plan.name,
            start=start.replace(second=0),
            duration_s=duration_s,
            avg_hr_bpm=float(avg_hr),
            max_hr_bpm=float(max(max_hr, avg_hr)),
            distance_m=round(duration_s / pace * 1000.0),
            trimp=trimp(duration_min, avg_hr),
        ),
    )


def night_ending(wake_day: date, *, seed: int = SEED) -> Night:
    """The night that ends on the morning of ``wake_day``."""
    evening = wake_day - timedelta(days=1)
    rng = _rng(seed, "night", evening)
    weekend = evening.weekday() in (4, 5)  # Friday and Saturday nights
    short = rng.random() < SHORT_NIGHT_P
    if short:
        bedtime = datetime.combine(wake_day, time(0, 15)) + timedelta(minutes=rng.randint(0, 30))
        hours = rng.uniform(5.75, 6.25)
    else:
        base = time(23, 30) if weekend else time(23, 0)
        bedtime = datetime.combine(evening, base) + timedelta(minutes=rng.randint(-15, 15))
        hours = (8.25 if weekend else 7.75) + rng.uniform(-0.25, 0.25)
    wake = bedtime + timedelta(minutes=round(hours * 60))
    return Night(wake_day=wake_day, bedtime=bedtime, wake=wake, short=short)


def fatigue(day: date, *, seed: int = SEED) -> float:
    """``F(day)``: the previous days' TRIMP, decayed (module docstring)."""
    return sum(
        sum(a.trimp for a in activities_on(day - timedelta(days=k), seed=seed))
        * math.exp(-(k - 1) / TAU_FATIGUE_D)
        for k in range(1, FATIGUE_DAYS + 1)
    )


def morning(day: date, *, seed: int = SEED, noise: bool = True) -> Morning:
    """The morning of ``day`` (with its day-to-day noise unless ``noise`` is False)."""
    load = fatigue(day, seed=seed)
    deficit = max(0.0, SLEEP_NEED_H - night_ending(day, seed=seed).hours)
    rng = _rng(seed, "morning", day)
    eps, eta = rng.gauss(0.0, SD_LN_NOISE), rng.gauss(0.0, SD_RHR_NOISE)
    if not noise:
        eps = eta = 0.0
    return Morning(
        day=day,
        ln_rmssd=math.log(RMSSD_RESTED_MS) - A_LOAD * load - B_SLEEP * deficit + eps,
        resting_hr_bpm=REST_HR_RESTED_BPM + C_LOAD * load + E_SLEEP * deficit + eta,
        fatigue_trimp=load,
        sleep_deficit_h=deficit,
    )


def expected_morning(day: date, *, seed: int = SEED) -> Morning:
    """The model's morning of ``day`` without noise: what the live demo strap is given."""
    return morning(day, seed=seed, noise=False)


def history(today: date, *, days: int = HISTORY_DAYS, seed: int = SEED) -> DemoHistory:
    """``days`` days of runs and mornings ending yesterday, and the nights up to last night."""
    first = today - timedelta(days=days)
    span = [first + timedelta(days=i) for i in range(days)]
    return DemoHistory(
        today=today,
        activities=tuple(a for d in span for a in activities_on(d, seed=seed)),
        nights=tuple(night_ending(d + timedelta(days=1), seed=seed) for d in span),
        mornings=tuple(morning(d, seed=seed) for d in span),
    )


def typical_daily_load(*, seed: int = SEED, weeks: int = 8, until: date) -> float:
    """Mean daily TRIMP over ``weeks`` weeks before ``until``: a starting fitness (CTL)."""
    days = weeks * 7
    return (
        sum(
            a.trimp
            for i in range(1, days + 1)
            for a in activities_on(until - timedelta(days=i), seed=seed)
        )
        / days
    )
