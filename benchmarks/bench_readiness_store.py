"""Size on disk of five years of readiness history, and its load/serialise time.

Run with the HA "latest" environment (the store module imports Home Assistant):

    ~/.cache/recovery-readiness/venvs/latest/bin/python benchmarks/bench_readiness_store.py

It builds 5 x 365 daily morning measurements (plus 10 % second measurements on the same day),
serialises them as the Store does (Home Assistant's `save_json` writes .storage files with
orjson's 2-space indent), and reports the file size and the time to parse and rebuild the
history, with a plain `json_loads` of the same bytes as the reference in the same run.
"""

from __future__ import annotations

import math
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson
from homeassistant.helpers.json import json_bytes
from homeassistant.util.json import json_loads

from custom_components.recovery_readiness.store.measurements import (
    StoredMeasurement,
    history_from_json,
    history_to_json,
)

YEARS = 5


def _history() -> list[StoredMeasurement]:
    rng = random.Random(2026)
    start = datetime(2021, 1, 1, 6, 30, tzinfo=UTC)
    out = []
    for day in range(365 * YEARS):
        for extra in range(2 if rng.random() < 0.1 else 1):
            rmssd = math.exp(rng.gauss(4.0, 0.25))
            out.append(
                StoredMeasurement(
                    measured_at=start
                    + timedelta(days=day, minutes=rng.randint(0, 90) + extra * 30),
                    ln_rmssd=math.log(rmssd),
                    rmssd_ms=rmssd,
                    hr_bpm=rng.gauss(52, 3),
                    artifact_ratio=rng.random() * 0.03,
                    duration_s=120.0 + rng.random(),
                    source="strap",
                )
            )
    return out


def _median_ms(fn, runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    history = _history()
    document = {
        "version": 1,
        "minor_version": 1,
        "key": "recovery_readiness.readiness.x",
        "data": history_to_json(history),
    }
    compact = json_bytes(document)
    indented = orjson.dumps(document, option=orjson.OPT_INDENT_2)  # as HA's save_json writes
    load_ours = _median_ms(lambda: history_from_json(json_loads(compact)["data"]))
    load_ref = _median_ms(lambda: json_loads(compact))
    dump_ours = _median_ms(lambda: json_bytes({"data": history_to_json(history)}))
    rows = [
        ("measurements", f"{len(history):,}"),
        ("file size, compact JSON", f"{len(compact) / 1024:.0f} KiB"),
        ("file size, indented as in .storage", f"{len(indented) / 1024:.0f} KiB"),
        ("bytes per measurement (indented)", f"{len(indented) / len(history):.0f}"),
        ("load + rebuild history (median)", f"{load_ours:.1f} ms"),
        ("reference: json_loads only", f"{load_ref:.1f} ms ({load_ours / load_ref:.1f}x)"),
        ("serialise (median)", f"{dump_ours:.1f} ms"),
    ]
    print(f"Readiness store, {YEARS} years of daily morning measurements")
    print("| quantity | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
