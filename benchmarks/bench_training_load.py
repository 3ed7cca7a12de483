"""Time session analysis of a 2-hour run and CTL/ATL/TSB over 5 years against trivial references.

Stages (each the median of ``--repeat`` runs; ratios are against a reference computed in the
same run, so the numbers travel between machines):

``fmean-2h``       reference: one pass of ``statistics.fmean`` over the 7,200 HR values of the run
``detect-2h``      ``detect_sessions`` over the whole stream: 10-min warm-up, 2-h run at 1 Hz with
                   intervals and a 2-min strap gap, 5-min cool-down, 5 min standing (target
                   <= 100 ms: it runs once when a session closes)
``feed-per-sample`` the same stream fed sample by sample to ``SessionDetector``; reported per
                   sample, ratio against fmean-2h per value (target <= 20 us: it runs on the
                   event loop for every notification)
``trimp-2h``       ``banister_trimp`` over the detected session's samples
``fmean-5y``       reference: ``statistics.fmean`` over 1,826 daily loads
``ctl-5y``         ``fitness_fatigue`` for the last day of 5 years of daily load (target <= 5 ms)
``history-5y``     ``training_history`` for the same day
``merge-5y``       ``merge_sessions`` over 5 years of sessions reported by two sources each
``recompute-5y``   what a profile derives when its sessions change (a new session, an import):
                   ``merge_sessions`` + the sRPE calibration + ``daily_load`` over those 5 years
                   (``derive_loads``, run in the executor by the profile), then
                   ``fitness_fatigue`` (target <= 5,000x fmean-5y)
``anchors-5y``     what it derives when only the HR anchors moved (the morning resting-HR
                   baseline, after a measurement): the merged sessions are reused, the
                   calibration and every session's TRIMP are computed again (executor)
``publish-5y``     what runs on the event loop on every publish: ``fitness_fatigue`` +
                   ``training_history`` over the derived daily loads (target <= 500x fmean-5y)

The strap sessions carry their HR as the store keeps it: seconds per whole bpm of a 1-h 1 Hz
stream (``store.training.hr_histogram``, ~95 bins each), so every session's TRIMP is computed
from its stream as it is after a restart.

Targets are ratios against the reference of the same run (they travel between machines); the
absolute budgets they were derived from on the reference machine are printed beside them.
Timings are printed, never asserted. Usage::

    python benchmarks/bench_training_load.py [--repeat 7] [--markdown]
"""

from __future__ import annotations

import argparse
import math
import platform
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(
    0, str(Path(__file__).resolve().parents[1] / "custom_components" / "recovery_readiness")
)

from physiology.training_load import (
    SessionRecord,
    banister_trimp,
    derive_loads,
    fitness_fatigue,
    heart_rate_profile,
    merge_sessions,
    training_history,
)
from physiology.training_session import SessionDetector, detect_sessions

if TYPE_CHECKING:
    from collections.abc import Callable

REST, MAX = 50.0, 190.0
DAYS = 1826
TARGETS: dict[str, tuple[float, str, float]] = {
    # stage: (largest ratio to its reference, the reference, the absolute budget it came from)
    # With fmean-2h ~ 0.1 ms and fmean-5y ~ 0.02 ms on the reference machine
    # (benchmarks/results/bench_training_load.md), the budgets are: closing a session once
    # <= 100 ms; one notification on the event loop <= 20 us; the daily EWMA <= 5 ms; the
    # recompute after a change <= 100 ms (it runs in the executor and delays the new session's
    # announcement); a publish on the event loop <= 10 ms.
    "detect-2h": (1000.0, "fmean-2h", 100.0),
    "feed-per-sample": (1400.0, "fmean-2h per value", 0.02),
    "ctl-5y": (250.0, "fmean-5y", 5.0),
    "recompute-5y": (5000.0, "fmean-5y", 100.0),
    "publish-5y": (500.0, "fmean-5y", 10.0),
}
PROFILE = heart_rate_profile(sex="male", configured_rest_bpm=REST, configured_max_bpm=MAX)


def make_run(seed: int = 2026) -> list[tuple[float, float]]:
    """Warm-up, 2-h run with 6 x 4-min intervals and a 2-min gap, cool-down, standing."""
    rng = random.Random(seed)
    stream: list[tuple[float, float]] = []
    t = 0.0

    def add(seconds: int, hr: Callable[[int], float]) -> None:
        nonlocal t
        for i in range(seconds):
            stream.append((t, hr(i) + rng.gauss(0.0, 1.5)))
            t += 1.0

    add(600, lambda i: 70 + 45 * i / 600)
    for block in range(6):
        add(600, lambda _i: 150.0)
        add(240, lambda _i: 172.0)
        if block == 2:
            t += 120.0  # strap gap, stitched
    add(7200 - 6 * 840 - 120, lambda _i: 150.0)
    add(300, lambda _i: 127.0)
    add(300, lambda i: 75 + 52 * math.exp(-(i + 1) / 40))
    return stream


def make_daily_load(first: date, days: int, seed: int = 2026) -> dict[date, float]:
    """5 sessions a week, TRIMP ~ N(90, 35) clipped at 20, a hard one on Saturdays."""
    rng = random.Random(seed)
    loads: dict[date, float] = {}
    for i in range(days):
        day = first + timedelta(days=i)
        if day.weekday() in {0, 4}:
            continue
        base = 180.0 if day.weekday() == 5 else 90.0
        loads[day] = max(20.0, rng.gauss(base, 35.0))
    return loads


def stored_histogram(rng: random.Random) -> tuple[tuple[float, float], ...]:
    """Seconds per whole bpm of a 1-h run at 1 Hz around 140 bpm (as the store keeps it)."""
    bins: dict[int, float] = {}
    for _ in range(3600):
        hr = round(rng.gauss(140.0, 15.0))
        bins[hr] = bins.get(hr, 0.0) + 1.0
    return tuple((bins[hr], float(hr)) for hr in sorted(bins))


def make_sessions(loads: dict[date, float], seed: int = 7) -> list[SessionRecord]:
    rng = random.Random(seed)
    out: list[SessionRecord] = []
    for day in loads:
        start = datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC)
        out.append(
            SessionRecord(
                start=start, duration_s=3600.0, source="strap", hr_samples=stored_histogram(rng)
            )
        )
        out.append(
            SessionRecord(
                start=start + timedelta(minutes=1),
                duration_s=3540.0,
                source="garmin_connect",
                avg_hr_bpm=141.0,
                vendor_load=120.0,
            )
        )
    return out


def recompute(sessions: list[SessionRecord], day: date) -> object:
    """What a profile derives after its sessions changed, then the day's EWMA."""
    return fitness_fatigue(derive_loads(tuple(sessions), PROFILE, UTC).daily, day)


def median_s(func: Callable[[], object], repeat: int, inner: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(inner):
            func()
        times.append((time.perf_counter() - start) / inner)
    return statistics.median(times)


def feed_all(stream: list[tuple[float, float]]) -> int:
    detector = SessionDetector(hr_rest_bpm=REST, hr_max_bpm=MAX)
    found = 0
    for t_s, hr_bpm in stream:
        found += len(detector.feed(t_s, hr_bpm))
    return found + len(detector.finish())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()

    stream = make_run()
    run_hr = [hr for t, hr in stream if 600 <= t < 600 + 7200]
    (session,) = detect_sessions(stream, hr_rest_bpm=REST, hr_max_bpm=MAX)
    first = date(2021, 1, 1)
    loads = make_daily_load(first, DAYS)
    last = first + timedelta(days=DAYS - 1)
    load_values = list(loads.values())
    sessions = make_sessions(loads)
    merged = merge_sessions(sessions)
    daily = derive_loads(tuple(sessions), PROFILE, UTC, merged=merged).daily

    ref_2h = median_s(lambda: statistics.fmean(run_hr), args.repeat, 50)
    ref_5y = median_s(lambda: statistics.fmean(load_values), args.repeat, 200)
    feed_s = median_s(lambda: feed_all(stream), args.repeat, 1)
    ref_per_value = ref_2h / len(run_hr)
    stages = [
        (
            "detect-2h",
            median_s(
                lambda: detect_sessions(stream, hr_rest_bpm=REST, hr_max_bpm=MAX), args.repeat, 1
            ),
            ref_2h,
            "fmean-2h",
        ),
        ("feed-per-sample", feed_s / len(stream), ref_per_value, "fmean-2h per value"),
        (
            "trimp-2h",
            median_s(
                lambda: banister_trimp(
                    session.hr_samples, hr_rest_bpm=REST, hr_max_bpm=MAX, sex="male"
                ),
                args.repeat,
                5,
            ),
            ref_2h,
            "fmean-2h",
        ),
        (
            "ctl-5y",
            median_s(lambda: fitness_fatigue(loads, last), args.repeat, 20),
            ref_5y,
            "fmean-5y",
        ),
        (
            "history-5y",
            median_s(lambda: training_history(loads, last), args.repeat, 5),
            ref_5y,
            "fmean-5y",
        ),
        (
            "merge-5y",
            median_s(lambda: merge_sessions(sessions), args.repeat, 1),
            ref_5y,
            "fmean-5y",
        ),
        (
            "recompute-5y",
            median_s(lambda: recompute(sessions, last), args.repeat, 1),
            ref_5y,
            "fmean-5y",
        ),
        (
            "anchors-5y",
            median_s(
                lambda: derive_loads(tuple(sessions), PROFILE, UTC, merged=merged),
                args.repeat,
                1,
            ),
            ref_5y,
            "fmean-5y",
        ),
        (
            "publish-5y",
            median_s(
                lambda: (fitness_fatigue(daily, last), training_history(daily, last)),
                args.repeat,
                5,
            ),
            ref_5y,
            "fmean-5y",
        ),
    ]
    if args.markdown:
        print(
            f"Python {platform.python_version()} on {platform.machine()}, median of {args.repeat}"
        )
        print()
        print("| stage | median | ratio to its reference |")
        print("|---|---:|---:|")
        print(f"| fmean-2h (reference, {len(run_hr)} values) | {ref_2h * 1e3:.4f} ms | 1.0x |")
        print(f"| fmean-5y (reference, {len(load_values)} values) | {ref_5y * 1e3:.4f} ms | 1.0x |")
        for name, took, ref, ref_name in stages:
            print(f"| {name} | {took * 1e3:.4f} ms | {took / ref:.1f}x {ref_name} |")
    else:
        print(f"{'stage':<17}{'median':>14}{'ratio':>10}")
        print(f"{'fmean-2h':<17}{ref_2h * 1e3:>12.4f}ms{1.0:>9.1f}x")
        print(f"{'fmean-5y':<17}{ref_5y * 1e3:>12.4f}ms{1.0:>9.1f}x")
        for name, took, ref, _ in stages:
            print(f"{name:<17}{took * 1e3:>12.4f}ms{took / ref:>9.1f}x")
    ratios = {name: took / ref for name, took, ref, _ in stages}
    timings = {name: took for name, took, _, _ in stages}
    print()
    for name, (target_ratio, ref_name, budget_ms) in TARGETS.items():
        verdict = "met" if ratios[name] <= target_ratio else "NOT met"
        print(
            f"{name} {ratios[name]:.0f}x {ref_name} vs target <= {target_ratio:.0f}x: {verdict}"
            f" ({timings[name] * 1e3:.3f} ms; budget on the reference machine {budget_ms:g} ms)"
        )
    print(
        f"session {session.duration_s / 60:.1f} min, gap {session.gap_s:.0f} s, "
        f"HRR60 {session.hrr60_bpm}, cooled_down {session.cooled_down}; "
        f"{len(loads)} training days, {len(sessions)} source sessions -> "
        f"{len(merge_sessions(sessions))} merged"
    )


if __name__ == "__main__":
    main()
