"""Per-day series of one person for charts (the card, the `history` websocket command).

Pure functions over the profile's own stores, so a chart shows exactly the daily values the
readiness model counted, from the first day after an import (no recorder history needed):

* HRV: per local day ``d`` the counted morning lnRMSSD ``x_d`` (or None), and the baseline of
  that day as `physiology.readiness.hrv_baseline` computes it: ``mean_7d = mean(x[d-6 .. d])``
  (>= 3 values), ``normal_low/high = mean(x[d-60 .. d-1]) -/+ 0.5 * SD`` (>= 14 values). The
  same day in ms is ``exp(x_d)``; the mean and the band in ms are ``exp`` of the ln values (the
  geometric mean and band; the model works in ln, Plews et al. 2012).
* Resting HR: the same rules on the morning HR in bpm (`rhr_baseline`).
* Sleep: the main sleep of each night (`physiology.sleep.merge_episodes` + `find_nights`, the
  same rules as the summary) whose ``night_of`` lies in ``today - days .. today - 1``.
* Training: per local day the summed session load ``L_d`` (TRIMP; None on a day without a
  session with a known load) and the Performance Management Chart of that day from
  `physiology.training_load.fitness_fatigue_days` with the person's seed (one pass of the
  recurrence `fitness_fatigue` uses for the training sensors' today):
  ``CTL_d = CTL_{d-1} + (L_d - CTL_{d-1}) / 42``, ``ATL_d = ATL_{d-1}
  + (L_d - ATL_{d-1}) / 7``, ``TSB_d = CTL_{d-1} - ATL_{d-1}`` (None before the first modelled
  day).

Missing is None, never 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, timedelta, tzinfo
from typing import Any, Final

from ..physiology.breathing import pacer
from ..physiology.readiness import hrv_baseline, rhr_baseline
from ..physiology.sleep import SleepEpisode, SleepRules, find_nights, merge_episodes
from ..physiology.training_load import (
    DEFAULT_TRAINING_SETTINGS,
    LoadSeed,
    TrainingSettings,
    fitness_fatigue_days,
)

MIN_DAYS: Final = 1
MAX_DAYS: Final = 400
"""Longest series: the sleep store keeps 400 days (`profile.sleep.HISTORY_RETENTION`)."""
DEFAULT_DAYS: Final = 60


def _r(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _exp(value: float | None) -> float | None:
    return None if value is None else round(math.exp(value), 2)


def days_ending(today: date, days: int) -> list[date]:
    """The ``days`` local dates ``today - days + 1 .. today``, oldest first."""
    return [today - timedelta(days=back) for back in range(days - 1, -1, -1)]


def hrv_series(
    daily_ln_rmssd: Mapping[date, float], today: date, days: int
) -> list[dict[str, Any]]:
    """Per day: ``ln_rmssd``, ``rmssd_ms``, ``mean_7d``, ``normal_low/high`` (ln and ``_ms``).

    ln values are rounded to 4 decimals, ms values to 2; ``status`` is the 7-day mean against
    the band.
    """
    out: list[dict[str, Any]] = []
    for day in days_ending(today, days):
        b = hrv_baseline(daily_ln_rmssd, day)
        out.append(
            {
                "day": day.isoformat(),
                "ln_rmssd": _r(b.today_value, 4),
                "rmssd_ms": _exp(b.today_value),
                "mean_7d": _r(b.rolling_mean_7d, 4),
                "mean_7d_ms": _exp(b.rolling_mean_7d),
                "normal_low": _r(b.normal_low, 4),
                "normal_high": _r(b.normal_high, 4),
                "normal_low_ms": _exp(b.normal_low),
                "normal_high_ms": _exp(b.normal_high),
                "status": b.status.value,
            }
        )
    return out


def resting_hr_series(
    daily_hr_bpm: Mapping[date, float], today: date, days: int
) -> list[dict[str, Any]]:
    """Per day: ``hr_bpm``, ``mean_7d_bpm``, ``normal_low_bpm``, ``normal_high_bpm`` (2 dp)."""
    out: list[dict[str, Any]] = []
    for day in days_ending(today, days):
        b = rhr_baseline(daily_hr_bpm, day)
        out.append(
            {
                "day": day.isoformat(),
                "hr_bpm": _r(b.today_value, 2),
                "mean_7d_bpm": _r(b.rolling_mean_7d, 2),
                "normal_low_bpm": _r(b.normal_low, 2),
                "normal_high_bpm": _r(b.normal_high, 2),
                "status": b.status.value,
            }
        )
    return out


def sleep_nights(  # noqa: PLR0913  (keyword-only inputs of one documented rule)
    episodes: Iterable[SleepEpisode],
    *,
    tz: tzinfo,
    today: date,
    days: int,
    target_sleep_h: float,
    rules: SleepRules,
) -> list[dict[str, Any]]:
    """The main sleep of each night ``today - days .. today - 1`` that has one, oldest first.

    Per night: ``night_of``, local ISO ``bedtime`` and ``wake_time``, ``duration_h`` (time
    asleep, 2 dp), ``time_in_bed_h`` and ``target_h`` (the person's nightly target).
    """
    first = today - timedelta(days=days)
    periods = merge_episodes(episodes, max_gap_min=rules.merge_gap_min)
    return [
        {
            "night_of": n.night_of.isoformat(),
            "bedtime": n.bedtime.isoformat(),
            "wake_time": n.wake_time.isoformat(),
            "duration_h": round(n.duration_h, 2),
            "time_in_bed_h": round(n.time_in_bed_h, 2),
            "target_h": target_sleep_h,
        }
        for n in find_nights(periods, tz=tz, rules=rules)
        if first <= n.night_of < today
    ]


def training_days(
    daily_load_trimp: Mapping[date, float],
    today: date,
    days: int,
    *,
    seed: LoadSeed | None,
    settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
) -> list[dict[str, Any]]:
    """Per day: ``load_trimp`` (None without a session), ``ctl``, ``atl``, ``tsb`` (1 dp).

    ``ctl`` / ``atl`` / ``tsb`` are None before the first modelled day (no history and no seed
    yet); a modelled day without a session has load 0 in the model but ``load_trimp`` None
    here (nothing was recorded that day).
    """
    window = days_ending(today, days)
    modelled = {
        t.day: t
        for t in fitness_fatigue_days(
            daily_load_trimp, window[0], window[-1], seed=seed, settings=settings
        )
    }
    out: list[dict[str, Any]] = []
    for day in window:
        pmc = modelled.get(day)
        out.append(
            {
                "day": day.isoformat(),
                "load_trimp": _r(daily_load_trimp.get(day), 1),
                "ctl": None if pmc is None else _r(pmc.ctl, 1),
                "atl": None if pmc is None else _r(pmc.atl, 1),
                "tsb": None if pmc is None else _r(pmc.tsb, 1),
            }
        )
    return out


def breathing_plan(steps: Iterable[tuple[float, float, int]]) -> tuple[list[dict[str, Any]], float]:
    """The steps (start s, breaths/min, whole breaths) of a breathing session, for a pacer.

    Per step ``start_s``, ``breaths_per_min``, ``breaths``, ``inhale_s`` and ``exhale_s``
    (`physiology.breathing.pacer`: inhale 40 % of ``60 / breaths_per_min``); and the session's
    length ``start_s + breaths * cycle_s`` of the last step. A phase at ``t`` s into a step is
    inhale while ``t mod cycle_s < inhale_s`` (each step starts with an inhale).
    """
    plan: list[dict[str, Any]] = []
    total_s = 0.0
    for start_s, bpm, count in steps:
        pace = pacer(bpm)
        total_s = start_s + count * pace.cycle_s
        plan.append(
            {
                "start_s": start_s,
                "breaths_per_min": bpm,
                "breaths": count,
                "inhale_s": round(pace.inhale_s, 3),
                "exhale_s": round(pace.exhale_s, 3),
            }
        )
    return plan, round(total_s, 1)
