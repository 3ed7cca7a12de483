"""Time the readiness recompute over 5 years of daily history against a trivial reference.

Stages (each the median of ``--repeat`` runs; ratios are against the reference computed in the
same run, so the numbers travel between machines):

``fmean-5y``       reference: one pass of ``statistics.fmean`` over the 1,826 daily lnRMSSD values
``recompute``      the daily job: ``hrv_baseline`` + ``rhr_baseline`` + ``readiness`` (with a
                   plain ``SleepInputs``) for the last day of a 5-year history (target <= 5 ms)
``readiness``      ``readiness`` alone, baselines given
``daily-values``   ``daily_values`` over 5 years of measurements (two tries on 30 % of mornings)
``series-5y``      ``hrv_baseline`` for every one of the 1,826 days (a full rebuild after an
                   import; informational)

Timings are printed, never asserted. Usage::

    python benchmarks/bench_readiness.py [--repeat 7] [--markdown]
"""

from __future__ import annotations

import argparse
import math
import platform
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

sys.path.insert(
    0, str(Path(__file__).resolve().parents[1] / "custom_components" / "recovery_readiness")
)

from physiology.readiness import (
    SleepInputs,
    daily_values,
    hrv_baseline,
    readiness,
    rhr_baseline,
)

if TYPE_CHECKING:
    from collections.abc import Callable

TZ = ZoneInfo("Europe/Amsterdam")
DAYS = 1826
TARGET_MS = 5.0


def make_history(
    first: date, days: int, seed: int = 2026
) -> tuple[dict[date, float], dict[date, float], list[tuple[datetime, float | None]]]:
    """lnRMSSD ~ N(4.0, 0.15) and RHR ~ N(52, 2.5) with 15 % of days missing."""
    rng = random.Random(seed)
    ln_rmssd: dict[date, float] = {}
    rhr: dict[date, float] = {}
    measurements: list[tuple[datetime, float | None]] = []
    for i in range(days):
        day = first + timedelta(days=i)
        if rng.random() < 0.15:
            continue
        ln_rmssd[day] = rng.gauss(4.0, 0.15)
        rhr[day] = rng.gauss(52.0, 2.5)
        at = datetime(day.year, day.month, day.day, 6, 30, tzinfo=TZ)
        if rng.random() < 0.3:
            measurements.append((at - timedelta(minutes=8), None))  # a rejected first try
        measurements.append((at, ln_rmssd[day]))
    return ln_rmssd, rhr, measurements


def median_s(func: Callable[[], object], repeat: int, inner: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(inner):
            func()
        times.append((time.perf_counter() - start) / inner)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()

    first = date(2021, 1, 1)
    ln_rmssd, rhr, measurements = make_history(first, DAYS)
    last = first + timedelta(days=DAYS - 1)
    values = list(ln_rmssd.values())
    sleep = SleepInputs(target_sleep_h=8.0, last_night_h=7.2, sleep_debt_h=3.5, sri=78.0)
    hrv_b, rhr_b = hrv_baseline(ln_rmssd, last), rhr_baseline(rhr, last)

    def recompute() -> object:
        return readiness(
            day=last,
            hrv=hrv_baseline(ln_rmssd, last),
            rhr=rhr_baseline(rhr, last),
            sleep=sleep,
        )

    def series() -> object:
        return [hrv_baseline(ln_rmssd, first + timedelta(days=i)) for i in range(DAYS)]

    ref_s = median_s(lambda: statistics.fmean(values), args.repeat, 200)
    stages = [
        ("recompute", median_s(recompute, args.repeat, 50)),
        (
            "readiness",
            median_s(
                lambda: readiness(day=last, hrv=hrv_b, rhr=rhr_b, sleep=sleep), args.repeat, 200
            ),
        ),
        ("daily-values", median_s(lambda: daily_values(measurements, tz=TZ), args.repeat, 3)),
        ("series-5y", median_s(series, args.repeat, 1)),
    ]
    result = recompute()
    if args.markdown:
        print(
            f"Python {platform.python_version()} on {platform.machine()}, median of {args.repeat}"
        )
        print()
        print("| stage | median | ratio to fmean-5y |")
        print("|---|---:|---:|")
        print(f"| fmean-5y (reference, {len(values)} values) | {ref_s * 1e3:.4f} ms | 1.0x |")
        for name, took in stages:
            print(f"| {name} | {took * 1e3:.4f} ms | {took / ref_s:.1f}x |")
    else:
        print(f"{'stage':<14}{'median':>14}{'ratio':>10}")
        print(f"{'fmean-5y':<14}{ref_s * 1e3:>12.4f}ms{1.0:>9.1f}x")
        for name, took in stages:
            print(f"{name:<14}{took * 1e3:>12.4f}ms{took / ref_s:>9.1f}x")
    recompute_ms = stages[0][1] * 1e3
    verdict = "met" if recompute_ms <= TARGET_MS else "NOT met"
    print()
    print(
        f"recompute {recompute_ms:.3f} ms vs target {TARGET_MS:.0f} ms: {verdict}; "
        f"{len(values)} measured days, score {getattr(result, 'score', math.nan)}"
    )


if __name__ == "__main__":
    main()
