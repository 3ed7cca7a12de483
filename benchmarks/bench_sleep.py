"""Time the sleep mathematics against trivial references computed in the same run.

Stages (each the median of ``--repeat`` runs; ratios are against the reference of its group,
so the numbers travel between machines):

``loop-60d``       reference: one plain Python loop over 60 days of 30-s epochs (172,800)
                   comparing each epoch with the one 24 h later
``sri-60d``        ``sleep_regularity_index`` on the same states (validation + pairwise SRI)
``epochs-60d``     ``episodes_to_epochs`` for 60 nights on a 30-s grid
``sort-5y``        reference: sorting 5 years of episodes (1,826 nights + naps) by start
``summary-5y``     ``summarize_nights`` over those 5 years with ``days`` = 1,826 (merging,
                   nights, naps, 1-min SRI grid, statistics)
``summary-14d``    the everyday call: the same 5-year history, default 14-day window

Timings are printed, never asserted. Usage::

    python benchmarks/bench_sleep.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

sys.path.insert(
    0, str(Path(__file__).resolve().parents[1] / "custom_components" / "recovery_readiness")
)

from physiology.sleep import (
    SleepEpisode,
    episodes_to_epochs,
    sleep_regularity_index,
    summarize_nights,
)

if TYPE_CHECKING:
    from collections.abc import Callable

TZ = ZoneInfo("Europe/Amsterdam")
EPOCH_S = 30
PER_DAY = 86_400 // EPOCH_S


def make_history(first: date, nights: int, seed: int = 2026) -> list[SleepEpisode]:
    """Nights around 23:15-07:00 with jitter, a short awakening now and then, some naps."""
    rng = random.Random(seed)
    episodes: list[SleepEpisode] = []
    for i in range(nights):
        evening = first + timedelta(days=i)
        bed = datetime(evening.year, evening.month, evening.day, 23, tzinfo=TZ) + timedelta(
            minutes=rng.gauss(15, 40)
        )
        bed_utc = bed.astimezone(UTC)
        length = timedelta(hours=rng.gauss(7.6, 0.8))
        if rng.random() < 0.3:
            split = bed_utc + length / 2
            episodes.append(SleepEpisode(bed_utc, split))
            episodes.append(SleepEpisode(split + timedelta(minutes=12), bed_utc + length))
        else:
            episodes.append(SleepEpisode(bed_utc, bed_utc + length))
        if rng.random() < 0.2:
            nap = datetime(evening.year, evening.month, evening.day, 14, tzinfo=TZ)
            episodes.append(SleepEpisode(nap, nap + timedelta(minutes=rng.uniform(10, 80))))
    return episodes


def reference_loop(states: list[int | None]) -> int:
    same = 0
    for i in range(len(states) - PER_DAY):
        if states[i] == states[i + PER_DAY]:
            same += 1
    return same


def median_s(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    first = date(2021, 1, 1)
    sixty = make_history(first, 60)
    states = list(episodes_to_epochs(sixty, tz=TZ, first_day=first, days=60, epoch_s=EPOCH_S))
    assert len(states) == 60 * PER_DAY

    years = 1826
    history = make_history(first, years)
    today = first + timedelta(days=years)

    groups = [
        (
            ("loop-60d", lambda: reference_loop(states)),
            [
                ("sri-60d", lambda: sleep_regularity_index(states, epoch_s=EPOCH_S)),
                (
                    "epochs-60d",
                    lambda: episodes_to_epochs(
                        sixty, tz=TZ, first_day=first, days=60, epoch_s=EPOCH_S
                    ),
                ),
            ],
        ),
        (
            ("sort-5y", lambda: sorted(history, key=lambda e: e.start)),
            [
                (
                    "summary-5y",
                    lambda: summarize_nights(history, tz=TZ, today=today, days=years),
                ),
                ("summary-14d", lambda: summarize_nights(history, tz=TZ, today=today)),
            ],
        ),
    ]
    print(f"{'stage':<14}{'median':>12}{'ratio':>10}")
    for (ref_name, ref), stages in groups:
        ref_s = median_s(ref, args.repeat)
        print(f"{ref_name:<14}{ref_s * 1e3:>10.2f}ms{1.0:>9.1f}x")
        for name, func in stages:
            took = median_s(func, args.repeat)
            print(f"{name:<14}{took * 1e3:>10.2f}ms{took / ref_s:>9.1f}x")
    summary = summarize_nights(history, tz=TZ, today=today, days=years)
    print(
        f"5y: {len(summary.nights)} nights, {len(summary.naps)} naps, "
        f"SRI {summary.sri:.1f} over {summary.sri_valid_days:.0f} paired days"
    )


if __name__ == "__main__":
    main()
