"""Below / within / above the normal range for the multi-week Welltory users (science.md §5.5).

Two daily series per user, both evaluated with ``physiology.readiness.hrv_baseline`` on every
calendar day from the user's first to last morning day (a day counts as *evaluable* when its
status is not ``insufficient_data``: >= 3 values in ``d-6..d`` and >= 14 in ``d-60..d-1``):

``science``  the procedure of science.md §5.5's worked example: rows with
             ``time_of_day == "morning"``; day = date of ``measurement_datetime`` as written
             (time zone undocumented); RMSSD recomputed from ``rr_data``; the day's value is
             ``ln(mean RMSSD of that day's morning rows)``.
``project``  the project rule: :func:`daily_values` — the first recording (by timestamp) whose
             clock time lies in 04:00-12:00, whatever its label; RMSSD from ``rr_data``; no
             artefact screening (the recordings are 100-beat camera/strap mixes).

Users: every user with >= 14 morning days (science definition). The last column is CV7 on the
user's last morning day. The data stay in ../shared/data; the printed table is derived health
data of anonymised people and is kept inside the project only (data README).

Usage::

    python benchmarks/welltory_baselines.py [--data ../shared/data] > table.md
"""

from __future__ import annotations

import argparse
import csv
import itertools
import math
import os
import statistics
import sys
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(
    0, str(Path(__file__).resolve().parents[1] / "custom_components" / "recovery_readiness")
)

from physiology.readiness import BaselineStatus, daily_values, hrv_baseline

ROOT = Path(__file__).resolve().parents[1]
MIN_MORNING_DAYS = 14


def rmssd_ms(rr: list[int]) -> float:
    diffs = [b - a for a, b in itertools.pairwise(rr)]
    return math.sqrt(sum(d * d for d in diffs) / len(diffs))


def load(path: Path) -> dict[str, list[tuple[datetime, str, float]]]:
    """``user -> [(naive timestamp, time_of_day, RMSSD from rr_data)]``, oldest first."""
    users: dict[str, list[tuple[datetime, str, float]]] = defaultdict(list)
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            rr = [int(v) for v in row["rr_data"].split(",")]
            users[row["user_code"]].append(
                (
                    datetime.fromisoformat(row["measurement_datetime"]),
                    row["time_of_day"],
                    rmssd_ms(rr),
                )
            )
    for rows in users.values():
        rows.sort(key=lambda r: r[0])
    return users


def science_series(rows: list[tuple[datetime, str, float]]) -> dict[date, float]:
    per_day: dict[date, list[float]] = defaultdict(list)
    for at, label, rmssd in rows:
        if label == "morning":
            per_day[at.date()].append(rmssd)
    return {day: math.log(statistics.fmean(v)) for day, v in sorted(per_day.items())}


def project_series(rows: list[tuple[datetime, str, float]]) -> dict[date, float]:
    return daily_values(((at.replace(tzinfo=UTC), math.log(r)) for at, _, r in rows), tz=UTC)


def count_states(series: dict[date, float]) -> tuple[dict[BaselineStatus, int], float | None]:
    counts = dict.fromkeys(BaselineStatus, 0)
    first, last = min(series), max(series)
    day = first
    while day <= last:
        counts[hrv_baseline(series, day).status] += 1
        day += timedelta(days=1)
    return counts, hrv_baseline(series, last).cv_7d_pct


def _cells(series: dict[date, float]) -> list[str]:
    counts, cv = count_states(series)
    evaluable = sum(n for s, n in counts.items() if s is not BaselineStatus.INSUFFICIENT_DATA)
    return [
        str(evaluable),
        str(counts[BaselineStatus.BELOW]),
        str(counts[BaselineStatus.WITHIN]),
        str(counts[BaselineStatus.ABOVE]),
        "-" if cv is None else f"{cv:.2f}",
    ]


def main() -> int:
    default = Path(os.environ.get("RR_SHARED_DATA", ROOT.parent / "shared" / "data"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default)
    args = parser.parse_args()
    path = args.data / "welltory" / "hrv_measurements.csv"
    if not path.is_file():
        print(f"shared data not found: {path}", file=sys.stderr)
        return 0
    users = load(path)
    table = []
    for user, rows in users.items():
        science = science_series(rows)
        if len(science) >= MIN_MORNING_DAYS:
            table.append((user, science, project_series(rows)))
    table.sort(key=lambda t: (-len(t[1]), t[0]))

    print(
        "| user | morning days | evaluable | below | within | above | CV7 last % |"
        " project: days | evaluable | below | within | above | CV7 last % |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    totals = [0] * 8
    for user, science, project in table:
        sci = _cells(science)
        pro = _cells(project) if project else ["0", "0", "0", "0", "-"]
        for i, cell in enumerate(sci[:4] + pro[:4]):
            totals[i] += int(cell)
        print(
            f"| `{user}` | {len(science)} | "
            + " | ".join(sci)
            + f" | {len(project)} | "
            + " | ".join(pro)
            + " |"
        )
    sci_t, pro_t = totals[:4], totals[4:]
    print(
        f"| **all {len(table)} users** | | {sci_t[0]} | {sci_t[1]} | {sci_t[2]} | {sci_t[3]} | |"
        f" | {pro_t[0]} | {pro_t[1]} | {pro_t[2]} | {pro_t[3]} | |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
