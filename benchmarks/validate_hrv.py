"""Validate physiology.artifacts / physiology.hrv against NeuroKit2 and the Malik rule.

Runs in a side environment of its own (``benchmarks/.venv-reference``, git-ignored), created on
first use with the system Python 3.11 (``python3 -m venv``) and the pinned reference libraries
below; never installed into the project's environments. Our own code is imported from the
component folder (standard library only, so it runs there too). Reads ``../shared/data``
(or ``$RR_SHARED_DATA``) and exits cleanly when it is absent.

Sections:
  1. clean data    Welltory rows, pyhrv series, Polar rest: MeanNN / SDNN / RMSSD / pNN50 vs
                   NeuroKit2 ``hrv_time`` (max relative difference) and vs the Welltory app.
  2. corrupted     clean recordings corrupted by a seeded generator (ectopic pairs, missed,
                   extra, long, short beats at 1-5 % of beats); RMSSD error against the
                   uncorrupted truth and detection precision/recall for ours, NeuroKit2's
                   Kubios-method correction and the Malik 20 % rule (hrv-analysis); plus our
                   break policies (drop pairs around corrected values vs differencing them).
  3. real noise    Polar files: counts per artefact kind, ours next to NeuroKit2 (first pass).
  4. speed         correct_rr + time_domain vs NeuroKit2 signal_fixpeaks + hrv_time on a
                   5-min and an 8-hour recording, as a ratio in the same run.

Usage (from a clean clone; the first run installs the side environment, a few minutes)::

    python3 benchmarks/validate_hrv.py            # full run, writes benchmarks/results/...
    python3 benchmarks/validate_hrv.py --quick    # subset, does not overwrite the results

Timings are printed and recorded, never asserted.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import shutil
import statistics
import struct
import subprocess
import sys
import time
import types
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
COMPONENT = ROOT / "custom_components" / "recovery_readiness"
VENV = ROOT / "benchmarks" / ".venv-reference"
RESULTS = ROOT / "benchmarks" / "results" / "validate_hrv.md"
RAW_OUT = ROOT / "benchmarks" / "out" / "validate_hrv.json"
PINS = [
    "neurokit2==0.3.0",
    "hrv-analysis==1.0.6",
    "numpy==2.4.6",
    "pandas==3.1.1",
    "scipy==1.17.1",
    "astropy==8.0.2",
    "nolds==0.6.3",
]
SEED = 20190173  # fixed; J Med Eng Technol 43(3):173
RATES = (0.01, 0.02, 0.03, 0.04, 0.05)
KINDS = ("ectopic", "missed", "extra", "long", "short")
CHUNK_BEATS = 300


# --- side environment ---------------------------------------------------------------------------


def _venv_python() -> Path:
    return VENV / "bin" / "python"


def _ensure_venv() -> Path:
    py = _venv_python()
    marker = VENV / "pins.txt"
    if py.exists() and marker.exists() and marker.read_text() == "\n".join(PINS):
        return py
    base = shutil.which("python3.11") or shutil.which("python3")
    if base is None:
        sys.exit("python3.11 not found: needed for the reference environment")
    print(f"creating {VENV} with {base} (reference libraries: {', '.join(PINS)})", flush=True)
    subprocess.run([base, "-m", "venv", "--clear", str(VENV)], check=True)
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run([str(py), "-m", "pip", "install", "-q", *PINS], check=True)
    marker.write_text("\n".join(PINS))
    return py


def _in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


# --- data ---------------------------------------------------------------------------------------


def _shared_data() -> Path:
    return Path(os.environ.get("RR_SHARED_DATA", ROOT.parent / "shared" / "data"))


def _read_npy_int64(path: Path) -> list[float]:
    raw = path.read_bytes()
    header_len = struct.unpack("<H", raw[8:10])[0]
    body = raw[10 + header_len :]
    return [float(v) for v in struct.unpack(f"<{len(body) // 8}q", body)]


def _read_hrm(path: Path) -> list[float]:
    lines = path.read_text().splitlines()
    start = lines.index("[HRData]") + 1
    return [float(v) for v in lines[start:] if v.strip()]


def _read_lines(path: Path) -> list[float]:
    return [float(v) for v in path.read_text().split() if v.strip()]


def _welltory(data: Path) -> list[dict[str, Any]]:
    with (data / "welltory" / "hrv_measurements.csv").open(newline="") as fh:
        return [
            {
                "id": row["rr_code"],
                "rr": [float(v) for v in row["rr_data"].split(",")],
                "app": {k: float(row[k]) for k in ("meanrr", "sdnn", "rmssd", "pnn50")},
            }
            for row in csv.DictReader(fh)
        ]


# --- the run (inside the side environment) ------------------------------------------------------


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    h = (len(ordered) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo])


def _corrupt(
    rr: list[float],
    rate: float,
    rng: random.Random,
    events: list[tuple[str, tuple[int, ...]]] | None = None,
) -> tuple[list[float], set[int]]:
    """Inject artefacts at ``rate`` of the beats; return the series and the affected indices.

    Kinds, drawn uniformly: ectopic pair (premature beat at ``1 - p``, p ~ U(0.2, 0.4), then a
    compensatory pause of the same amount, sum preserved), missed (two intervals merged),
    extra (one interval split at f ~ U(0.3, 0.7)), long (x U(1.3, 1.7)), short (x U(0.5, 0.75)).
    Positions are at least 4 beats apart and 2 beats away from both ends.

    ``events``, when given, receives ``(kind, indices in the output)`` per injected artefact
    (for the oracle); it does not touch the random draws.
    """
    n = len(rr)
    count = max(1, round(rate * n))
    slots = list(range(2, n - 3, 4))
    positions = sorted(rng.sample(slots, min(count, len(slots))))
    out: list[float] = []
    truth: set[int] = set()
    i = 0
    for p in [*positions, n]:
        while i < min(p, n):
            out.append(rr[i])
            i += 1
        if p >= n:
            break
        kind = rng.choice(KINDS)
        if kind == "ectopic":
            d = rng.uniform(0.2, 0.4) * rr[i]
            out += [rr[i] - d, rr[i + 1] + d]
            truth |= {len(out) - 2, len(out) - 1}
            i += 2
        elif kind == "missed":
            out.append(rr[i] + rr[i + 1])
            truth.add(len(out) - 1)
            i += 2
        elif kind == "extra":
            f = rng.uniform(0.3, 0.7)
            out += [rr[i] * f, rr[i] * (1 - f)]
            truth |= {len(out) - 2, len(out) - 1}
            i += 1
        elif kind == "long":
            out.append(rr[i] * rng.uniform(1.3, 1.7))
            truth.add(len(out) - 1)
            i += 1
        else:
            out.append(rr[i] * rng.uniform(0.5, 0.75))
            truth.add(len(out) - 1)
            i += 1
        if events is not None:
            span = 1 if kind in ("missed", "long", "short") else 2
            events.append((kind, tuple(range(len(out) - span, len(out)))))
    return out, truth


def _physiology_path() -> None:
    """Make ``physiology.artifacts`` / ``physiology.hrv`` importable in the side environment.

    The package ``__init__`` re-exports every physiology module, some of which use syntax newer
    than the side environment's Python 3.11; the modules validated here do not. An empty
    package object pointing at the folder lets them load (with their relative imports) without
    running ``__init__``.
    """
    if "physiology" in sys.modules:
        return
    sys.path.insert(0, str(COMPONENT))
    package = types.ModuleType("physiology")
    package.__path__ = [str(COMPONENT / "physiology")]
    sys.modules["physiology"] = package


def _summary(errs: list[float]) -> dict[str, float]:
    """Median and 90th percentile of absolute relative errors, in %."""
    if not errs:
        return {"median_pct": math.nan, "p90_pct": math.nan, "n": 0}
    return {
        "median_pct": 100 * statistics.median(errs),
        "p90_pct": 100 * _pct(errs, 0.9),
        "n": len(errs),
    }


def _oracle_labels(n: int, events: list[tuple[str, tuple[int, ...]]], kind_enum: Any) -> list[Any]:
    """Labels the detector should have produced: the true positions and kinds.

    An ectopic pair labels both beats ectopic (both values are wrong), an extra beat labels its
    first part (``correct_rr`` merges it with the next), the others their single interval.
    """
    labels: list[Any] = [None] * n
    for kind, idx in events:
        labels[idx[0]] = kind_enum(kind)
        if kind == "ectopic":
            labels[idx[1]] = kind_enum.ECTOPIC
    return labels


def _decompose(pool: list[list[float]], seed: int, lib: Any) -> dict[str, Any]:
    """Split our RMSSD error on the corrupted set into policy floor, misses and false alarms.

    For every corrupted recording (same generator and draw order as section 2) the correction
    and break policy of ``correct_rr`` is applied to four label sets:

    - ``oracle``: the true positions and kinds (error of the correction policy alone);
    - ``ours``: our detector;
    - ``ours_fn_fixed``: ours, with every injected artefact that we did not flag completely
      labelled as the oracle would (cost of missed detections);
    - ``ours_fn_misclass_fixed``: additionally every injected artefact relabelled to its true
      kind (cost of detected-but-misclassified artefacts); the remaining gap to the oracle is the
      cost of false alarms.

    Per kind: how many injected artefacts of that kind we missed (no index flagged), caught
    partially, or caught with another kind, and the error when only that kind is fixed.
    False alarms are counted by our label and by distance from the nearest injected artefact
    (<= 2 beats: collateral of a true artefact; farther: an alarm in clean signal).
    """
    rng = random.Random(seed)
    ak = lib.ArtifactKind
    variants = ("oracle", "ours", "ours_fn_fixed", "ours_fn_misclass_fixed")
    err: dict[str, list[float]] = {v: [] for v in variants}
    err_kind_fixed: dict[str, list[float]] = {k: [] for k in KINDS}
    err_fp_removed: list[float] = []
    by_rate: dict[str, dict[str, list[float]]] = {}
    by_length: dict[str, dict[str, list[float]]] = {}
    by_kind_count = {k: {"injected": 0, "missed": 0, "partial": 0, "other_kind": 0} for k in KINDS}
    fp = {"near": {}, "far": {}}  # our label -> count
    single_kind: dict[str, dict[str, list[float]]] = {k: {"oracle": [], "ours": []} for k in KINDS}

    interpolated = {ak.ECTOPIC, ak.LONG, ak.SHORT, ak.OUT_OF_RANGE}

    def policy(labels: list[Any], idx: tuple[int, ...]) -> list[str]:
        """What the correction does to an artefact's intervals (interpolated kinds are one)."""
        out = []
        for i in idx:
            k = labels[i]
            out.append("interpolate" if k in interpolated else str(k))
            if k is ak.EXTRA:
                break  # the merge consumes the next interval whatever its label
        return out

    def rmssd(c: Any) -> float:
        return lib.time_domain(
            c.nn_ms, breaks=c.breaks, min_successive=1, min_duration_s=0.0
        ).rmssd_ms

    for rr in pool:
        truth = lib.time_domain(rr, min_successive=1, min_duration_s=0.0).rmssd_ms
        length = "100-104 beats" if len(rr) < 200 else ">= 300 beats"
        for rate in RATES:
            events: list[tuple[str, tuple[int, ...]]] = []
            bad, injected = _corrupt(rr, rate, rng, events)
            n = len(bad)
            oracle = _oracle_labels(n, events, ak)
            ours = lib.detect(bad)
            flagged = {i for i, k in enumerate(ours) if k is not None}
            flagged |= {i + 1 for i, k in enumerate(ours) if k is ak.EXTRA}
            fn_fixed = list(ours)
            all_fixed = list(ours)
            per_kind_fixed = {k: list(ours) for k in KINDS}
            for kind, idx in events:
                by_kind_count[kind]["injected"] += 1
                hit = [i in flagged for i in idx]
                want = [oracle[i] for i in idx]
                if not any(hit):
                    by_kind_count[kind]["missed"] += 1
                elif not all(hit):
                    by_kind_count[kind]["partial"] += 1
                elif policy(ours, idx) != policy(oracle, idx):
                    by_kind_count[kind]["other_kind"] += 1
                for i, w in zip(idx, want, strict=True):
                    all_fixed[i] = w
                    per_kind_fixed[kind][i] = w
                    if not all(hit):
                        fn_fixed[i] = w
            for i in sorted(flagged - injected):
                dist = min((abs(i - j) for j in injected), default=n)
                label = str(ours[i] if ours[i] is not None else ak.EXTRA)
                side = fp["near"] if dist <= 2 else fp["far"]
                side[label] = side.get(label, 0) + 1
            # ours without its false alarms (an extra whose second part is injected stays)
            no_fp = [
                k if (i in injected or (k is ak.EXTRA and i + 1 in injected)) else None
                for i, k in enumerate(ours)
            ]
            values = {
                "oracle": rmssd(lib.apply_labels(bad, oracle)),
                "ours": rmssd(lib.apply_labels(bad, ours)),
                "ours_fn_fixed": rmssd(lib.apply_labels(bad, fn_fixed)),
                "ours_fn_misclass_fixed": rmssd(lib.apply_labels(bad, all_fixed)),
            }
            rate_key = f"{rate:.2f}"
            for v, x in values.items():
                e = abs(x / truth - 1)
                err[v].append(e)
                by_rate.setdefault(rate_key, {}).setdefault(v, []).append(e)
                by_length.setdefault(length, {}).setdefault(v, []).append(e)
            for kind in KINDS:
                x = rmssd(lib.apply_labels(bad, per_kind_fixed[kind]))
                err_kind_fixed[kind].append(abs(x / truth - 1))
            err_fp_removed.append(abs(rmssd(lib.apply_labels(bad, no_fp)) / truth - 1))
            kinds_here = {k for k, _ in events}
            if len(kinds_here) == 1:
                (only,) = kinds_here
                single_kind[only]["oracle"].append(abs(values["oracle"] / truth - 1))
                single_kind[only]["ours"].append(abs(values["ours"] / truth - 1))
    return {
        "seed": seed,
        "recordings": len(err["ours"]),
        "overall": {v: _summary(e) for v, e in err.items()},
        "by_rate": {r: {v: _summary(e) for v, e in d.items()} for r, d in by_rate.items()},
        "by_length": {r: {v: _summary(e) for v, e in d.items()} for r, d in by_length.items()},
        "kind_fixed": {k: _summary(e) for k, e in err_kind_fixed.items()},
        "fp_removed": _summary(err_fp_removed),
        "kind_counts": by_kind_count,
        "false_alarms": fp,
        "single_kind": {k: {v: _summary(e) for v, e in d.items()} for k, d in single_kind.items()},
    }


def _load_hrvanalysis_preprocessing() -> Any:
    """Load ``hrvanalysis/preprocessing.py`` (NumPy/pandas only) without the package.

    ``import hrvanalysis`` imports ``nolds``, whose 0.6.3 release (the minimum hrv-analysis
    1.0.6 accepts) calls ``importlib.resources.files`` on a module at import time, which fails
    on Python 3.11. The Malik rule lives in ``preprocessing.py``, which needs neither.
    """
    import importlib.util  # noqa: PLC0415 - needed only here

    spec = importlib.util.find_spec("hrvanalysis")
    if spec is None or spec.submodule_search_locations is None:
        sys.exit("hrv-analysis is not installed in the side environment")
    path = Path(next(iter(spec.submodule_search_locations))) / "preprocessing.py"
    module_spec = importlib.util.spec_from_file_location("hrvanalysis_preprocessing", path)
    if module_spec is None or module_spec.loader is None:
        sys.exit(f"cannot load {path}")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def run(args: argparse.Namespace) -> None:
    import neurokit2 as nk  # noqa: PLC0415 - only inside the side environment
    import numpy as np  # noqa: PLC0415 - only inside the side environment

    pre = _load_hrvanalysis_preprocessing()
    interpolate_nan_values = pre.interpolate_nan_values
    remove_ectopic_beats = pre.remove_ectopic_beats
    remove_outliers = pre.remove_outliers

    _physiology_path()
    from physiology import artifacts  # noqa: PLC0415 - after the sys.path insert
    from physiology.artifacts import (  # noqa: PLC0415 - after the sys.path insert
        ArtifactKind,
        classify_rr,
        correct_rr,
    )
    from physiology.hrv import time_domain  # noqa: PLC0415 - after the sys.path insert

    warnings.filterwarnings("ignore")
    data = _shared_data()
    if not data.is_dir():
        print(f"shared data not found at {data}; nothing to validate")
        return
    loose = {"min_successive": 1, "min_duration_s": 0.0}
    report: dict[str, Any] = {"pins": PINS, "seed": args.seed, "quick": args.quick}

    def ours_td(nn: list[float], breaks: Any = ()) -> Any:
        return time_domain(nn, breaks=breaks, **loose)

    def nk_peaks(rr: list[float]) -> Any:
        return nk.intervals_to_peaks(np.asarray(rr, dtype=float), sampling_rate=1000)

    def nk_time(rr: list[float]) -> dict[str, float]:
        # dict form (science.md §9.3): intervals reach NeuroKit2 exactly; rebuilding them from
        # peak positions adds ~1e-13 ms of float error, enough to flip |dNN| = 50 ms in NN50
        rri = np.asarray(rr, dtype=float)
        out = nk.hrv_time({"RRI": rri, "RRI_Time": np.cumsum(rri) / 1000.0})
        return {k: float(out[f"HRV_{k}"].iloc[0]) for k in ("MeanNN", "SDNN", "RMSSD", "pNN50")}

    def nk_first_pass(rr: list[float]) -> dict[str, list[int]]:
        info, _ = nk.signal_fixpeaks(
            nk_peaks(rr), sampling_rate=1000, iterative=False, method="Kubios"
        )
        return {
            k: [int(p) - 1 for p in info[k]] for k in ("ectopic", "missed", "extra", "longshort")
        }

    def nk_flag_set(rr: list[float]) -> set[int]:
        flags = nk_first_pass(rr)
        found = set(flags["ectopic"]) | set(flags["missed"]) | set(flags["longshort"])
        for k in flags["extra"]:  # an extra beat affects both parts, as in ours
            found |= {k, k + 1}
        return {i for i in found if 0 <= i < len(rr)}

    def nk_corrected_rmssd(rr: list[float]) -> float:
        _, fixed = nk.signal_fixpeaks(
            nk_peaks(rr), sampling_rate=1000, iterative=True, method="Kubios"
        )
        d = np.diff(np.diff(np.asarray(fixed, dtype=float)))
        return float(np.sqrt(np.mean(d * d)))

    def malik(rr: list[float]) -> tuple[float, set[int]]:
        screened = remove_outliers(list(rr), low_rri=300, high_rri=2000, verbose=False)
        bad = {i for i, v in enumerate(screened) if v is None or np.isnan(v)}
        filled = interpolate_nan_values(screened)
        nn = remove_ectopic_beats(filled, method="malik", verbose=False)
        bad |= {i for i, v in enumerate(nn) if v is None or np.isnan(v)}
        nn = interpolate_nan_values(nn)
        d = np.diff(np.asarray(nn, dtype=float))
        return float(np.sqrt(np.mean(d * d))), bad

    # ---------------------------------------------------------------- 1. clean data
    welltory = _welltory(data)
    pyhrv_short = _read_npy_int64(data / "pyhrv" / "SampleNNISeriesShort.npy")
    pyhrv_long = _read_npy_int64(data / "pyhrv" / "SampleNNISeriesLong.npy")
    rest = _read_lines(data / "polar_hrm" / "rest_rri.txt")
    noisy = _read_hrm(data / "polar_hrm" / "noisy_rri.hrm")
    exercise = _read_hrm(data / "polar_hrm" / "exercise_rri.hrm")
    if args.quick:
        welltory = welltory[:300]
    clean_sets = [(r["rr"], r) for r in welltory] + [
        (pyhrv_short, None),
        (pyhrv_long, None),
        (rest, None),
    ]
    worst = dict.fromkeys(("MeanNN", "SDNN", "RMSSD", "pNN50"), 0.0)
    worst_app = dict.fromkeys(("meanrr", "sdnn", "rmssd", "pnn50"), 0.0)
    pnn50_raw_nk = 0.0
    for rr, row in clean_sets:
        s = ours_td(rr)
        ref = nk_time(rr)
        m = s.successive_count
        ours = {"MeanNN": s.mean_nn_ms, "SDNN": s.sdnn_ms, "RMSSD": s.rmssd_ms}
        for k, v in ours.items():
            worst[k] = max(worst[k], abs(v - ref[k]) / abs(ref[k]))
        # NeuroKit2 divides NN50 by len(diff) + 1 = M + 1; ours by M (science.md §2.3)
        nk_pnn50_per_m = ref["pNN50"] * (m + 1) / m
        if nk_pnn50_per_m > 0:
            worst["pNN50"] = max(worst["pNN50"], abs(s.pnn50_pct - nk_pnn50_per_m) / nk_pnn50_per_m)
        elif s.pnn50_pct != 0:
            worst["pNN50"] = math.inf
        if ref["pNN50"] > 0:
            pnn50_raw_nk = max(pnn50_raw_nk, abs(s.pnn50_pct - ref["pNN50"]) / ref["pNN50"])
        if row is not None:
            app = row["app"]
            got = {"meanrr": s.mean_nn_ms, "sdnn": s.sdnn_ms, "rmssd": s.rmssd_ms}
            got["pnn50"] = s.pnn50_pct
            for k, v in got.items():
                worst_app[k] = max(worst_app[k], abs(v - app[k]))
    report["clean"] = {
        "recordings": len(clean_sets),
        "max_rel_diff_vs_neurokit2": worst,
        "max_rel_diff_pnn50_nk_own_denominator": pnn50_raw_nk,
        "max_abs_diff_vs_welltory_app": worst_app,
        "welltory_rows": len(welltory),
    }
    print("1. clean", json.dumps(report["clean"], indent=1), flush=True)

    # ---------------------------------------------------------------- 2. corrupted data
    # clean pool: whole Welltory recordings and 300-beat chunks of the long clean series on
    # which neither our detector nor NeuroKit2's first pass flags anything (nor out of range)
    candidates = [r["rr"] for r in welltory] + [pyhrv_short]
    for series in (pyhrv_long, rest):
        candidates += [
            series[k : k + CHUNK_BEATS]
            for k in range(0, len(series) - CHUNK_BEATS + 1, CHUNK_BEATS)
        ]
    pool: list[list[float]] = []
    ours_clean_changes: list[float] = []
    nk_clean_changes: list[float] = []
    malik_clean_changes: list[float] = []
    ours_clean_flagged = nk_clean_flagged = 0
    ours_only_clean: list[list[float]] = []
    nk_only_clean: list[list[float]] = []
    for rr in candidates:
        c = correct_rr(rr)
        nk_flags = nk_flag_set(rr)
        ours_flags = set(c.artifact_indices)
        if not ours_flags and not nk_flags:
            pool.append(rr)
        if not nk_flags:
            nk_only_clean.append(rr)  # clean by NeuroKit2: does ours leave it alone?
        if not ours_flags:
            ours_only_clean.append(rr)
    for rr in nk_only_clean:
        c = correct_rr(rr)
        truth = ours_td(rr).rmssd_ms
        ours_clean_changes.append(abs(ours_td(list(c.nn_ms), c.breaks).rmssd_ms / truth - 1))
        ours_clean_flagged += bool(c.artifact_indices)
        malik_clean_changes.append(abs(malik(rr)[0] / truth - 1))
    for rr in ours_only_clean:
        truth = ours_td(rr).rmssd_ms
        nk_clean_changes.append(abs(nk_corrected_rmssd(rr) / truth - 1))
        nk_clean_flagged += bool(nk_flag_set(rr))
    report["clean_untouched"] = {
        "candidates": len(candidates),
        "pool_both_clean": len(pool),
        "ours_on_nk_clean": {
            "n": len(nk_only_clean),
            "median_pct": 100 * statistics.median(ours_clean_changes),
            "p90_pct": 100 * _pct(ours_clean_changes, 0.9),
            "recordings_changed": ours_clean_flagged,
        },
        "malik_on_nk_clean": {
            "median_pct": 100 * statistics.median(malik_clean_changes),
            "p90_pct": 100 * _pct(malik_clean_changes, 0.9),
        },
        "nk_on_ours_clean": {
            "n": len(ours_only_clean),
            "median_pct": 100 * statistics.median(nk_clean_changes),
            "p90_pct": 100 * _pct(nk_clean_changes, 0.9),
            "recordings_changed": nk_clean_flagged,
        },
    }
    print("2a. clean untouched", json.dumps(report["clean_untouched"], indent=1), flush=True)

    rng = random.Random(args.seed)
    errors: dict[str, list[float]] = {
        k: [] for k in ("ours", "ours_interp_all", "ours_break_all", "neurokit2", "malik", "raw")
    }
    detect = {k: {"tp": 0, "fp": 0, "fn": 0} for k in ("ours", "neurokit2", "malik")}
    by_rate: dict[str, dict[str, list[float]]] = {}
    for rr in pool:
        truth = ours_td(rr).rmssd_ms
        for rate in RATES:
            bad, injected = _corrupt(rr, rate, rng)
            c = correct_rr(bad)
            nn = list(c.nn_ms)
            untrusted = [k for k, kind in enumerate(c.nn_kinds) if kind is not None]
            break_all = sorted({b for k in untrusted for b in (k, k + 1) if 0 < b < len(nn)})
            results = {
                "ours": ours_td(nn, c.breaks).rmssd_ms,
                "ours_interp_all": ours_td(nn).rmssd_ms,
                "ours_break_all": ours_td(nn, break_all).rmssd_ms,
                "neurokit2": nk_corrected_rmssd(bad),
                "raw": ours_td(bad).rmssd_ms,
            }
            malik_rmssd, malik_flags = malik(bad)
            results["malik"] = malik_rmssd
            for k, v in results.items():
                err = abs(v / truth - 1)
                errors[k].append(err)
                by_rate.setdefault(f"{rate:.2f}", {}).setdefault(k, []).append(err)
            for name, found in (
                ("ours", set(c.artifact_indices)),
                ("neurokit2", nk_flag_set(bad)),
                ("malik", malik_flags),
            ):
                detect[name]["tp"] += len(found & injected)
                detect[name]["fp"] += len(found - injected)
                detect[name]["fn"] += len(injected - found)

    def summary(errs: list[float]) -> dict[str, float]:
        return {"median_pct": 100 * statistics.median(errs), "p90_pct": 100 * _pct(errs, 0.9)}

    report["corrupted"] = {
        "pool": len(pool),
        "corrupted_recordings": len(errors["ours"]),
        "rmssd_error": {k: summary(v) for k, v in errors.items()},
        "rmssd_error_by_rate": {
            r: {k: summary(v) for k, v in d.items()} for r, d in by_rate.items()
        },
        "detection": {
            k: {
                "precision": v["tp"] / max(1, v["tp"] + v["fp"]),
                "recall": v["tp"] / max(1, v["tp"] + v["fn"]),
                **v,
            }
            for k, v in detect.items()
        },
    }
    print("2b. corrupted", json.dumps(report["corrupted"], indent=1), flush=True)

    lib = types.SimpleNamespace(
        ArtifactKind=ArtifactKind,
        detect=artifacts._detect,  # noqa: SLF001 - the benchmark measures the private stages
        apply_labels=artifacts._apply_labels,  # noqa: SLF001
        time_domain=time_domain,
    )
    report["decomposition"] = _decompose(pool, args.seed, lib)
    print("2c. decomposition", json.dumps(report["decomposition"], indent=1), flush=True)

    # ---------------------------------------------------------------- 3. real noise
    real: dict[str, Any] = {}
    for name, rr in (("rest", rest), ("noisy", noisy), ("exercise", exercise)):
        c = correct_rr(rr)
        kinds = classify_rr(rr)
        nkf = nk_first_pass(rr)
        real[name] = {
            "beats": len(rr),
            "ours": {
                "ectopic": c.ectopic_count,
                "missed": c.missed_count,
                "extra": c.extra_count,
                "long": c.long_count,
                "short": c.short_count,
                "out_of_range": c.out_of_range_count,
                "flagged_pct": 100 * c.artifact_ratio,
            },
            "neurokit2": {k: len(v) for k, v in nkf.items()},
            "shared_flags": len(
                {i for i, k in enumerate(kinds) if k is not None and k is not ArtifactKind.EXTRA}
                & nk_flag_set(rr)
            ),
            "nk_flagged": len(nk_flag_set(rr)),
            "rmssd_raw": ours_td(rr).rmssd_ms,
            "rmssd_ours": ours_td(list(c.nn_ms), c.breaks).rmssd_ms,
            "rmssd_neurokit2": nk_corrected_rmssd(rr),
            "rmssd_malik": malik(rr)[0],
        }
    report["real"] = real
    print("3. real", json.dumps(real, indent=1), flush=True)

    # ---------------------------------------------------------------- 4. speed
    eight_h: list[float] = []
    while sum(eight_h) < 8 * 3600 * 1000:
        eight_h += pyhrv_long
    five_min = pyhrv_short

    def best_of(fn: Any, repeat: int) -> float:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return min(times)

    def ours_pipeline(rr: list[float]) -> None:
        c = correct_rr(rr)
        time_domain(c.nn_ms, breaks=c.breaks, **loose)

    def nk_pipeline(rr: list[float]) -> None:
        _, fixed = nk.signal_fixpeaks(
            nk_peaks(rr), sampling_rate=1000, iterative=True, method="Kubios"
        )
        nk.hrv_time(fixed, sampling_rate=1000)

    speed = {}
    for name, rr, repeat in (("5 min", five_min, 7), ("8 h", eight_h, 2 if args.quick else 3)):
        ours_s = best_of(lambda rr=rr: ours_pipeline(rr), repeat)
        nk_s = best_of(lambda rr=rr: nk_pipeline(rr), repeat)
        speed[name] = {"beats": len(rr), "ours_s": ours_s, "neurokit2_s": nk_s}
        speed[name]["ratio_ours_over_nk"] = ours_s / nk_s
    report["speed"] = speed
    print("4. speed", json.dumps(speed, indent=1), flush=True)

    raw_out = RAW_OUT if args.seed == SEED else RAW_OUT.with_stem(f"{RAW_OUT.stem}-{args.seed}")
    raw_out.parent.mkdir(parents=True, exist_ok=True)
    raw_out.write_text(json.dumps(report, indent=1))
    table = _markdown(report)
    print(table)
    if args.quick or args.seed != SEED:
        print("(--quick or a development seed: results file not written)")
    else:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(table)
        print(f"wrote {RESULTS.relative_to(ROOT)}")


def _markdown(r: dict[str, Any]) -> str:
    c = r["clean"]
    w = c["max_rel_diff_vs_neurokit2"]
    a = c["max_abs_diff_vs_welltory_app"]
    u = r["clean_untouched"]
    k = r["corrupted"]
    e = k["rmssd_error"]
    d = k["detection"]
    lines = [
        "# validate_hrv — latest run",
        "",
        (
            "Command: `python3 benchmarks/validate_hrv.py` (side environment "
            f"`benchmarks/.venv-reference`: {', '.join(r['pins'])}; seed {r['seed']})."
        ),
        "",
        "## 1. Clean data vs NeuroKit2 `hrv_time` and the Welltory app",
        "",
        (
            f"{c['recordings']} recordings ({c['welltory_rows']} Welltory rows, "
            "pyhrv short + long, Polar rest)."
        ),
        "",
        "| metric | max relative diff. vs NeuroKit2 | max absolute diff. vs Welltory app |",
        "|---|---|---|",
        f"| MeanNN | {w['MeanNN']:.1e} | {a['meanrr']:.4f} ms |",
        f"| SDNN (ddof 1) | {w['SDNN']:.1e} | {a['sdnn']:.4f} ms |",
        f"| RMSSD | {w['RMSSD']:.1e} | {a['rmssd']:.4f} ms |",
        f"| pNN50 (÷ M; NK rescaled from ÷ (M+1)) | {w['pNN50']:.1e} | {a['pnn50']:.4f} %-points |",
        "",
        (
            f"NeuroKit2's own pNN50 (÷ M+1) differs by up to "
            f"{100 * c['max_rel_diff_pnn50_nk_own_denominator']:.2f} % relative: a convention, "
            "science.md §2.3."
        ),
        "",
        "## 2. Corrupted data (RMSSD error against the uncorrupted recording)",
        "",
        (
            f"Pool: {k['pool']} clean recordings (whole Welltory recordings, pyhrv short, and "
            f"{CHUNK_BEATS}-beat chunks of pyhrv long and Polar rest on which neither our detector "
            "nor NeuroKit2's first pass flags anything), each corrupted at 1, 2, 3, 4 and 5 % of "
            f"beats = {k['corrupted_recordings']} recordings. Kinds drawn uniformly: ectopic pair "
            "(premature by 20-40 % with compensatory pause), missed (two intervals merged), extra "
            "(split at 30-70 %), long (x1.3-1.7), short (x0.5-0.75)."
        ),
        "",
        "| method | median abs RMSSD error | 90th percentile | precision | recall |",
        "|---|---|---|---|---|",
    ]
    names = {
        "ours": "ours: L&T + drop pairs at split/interpolated values (default)",
        "ours_break_all": "ours, also drop pairs at merged extra beats",
        "ours_interp_all": "ours, difference the corrected series (no breaks)",
        "neurokit2": "NeuroKit2 0.3.0 Kubios method (iterative)",
        "malik": "Malik 20 % rule (hrv-analysis 1.0.6, interpolated)",
        "raw": "no correction",
    }
    det = {"ours": d["ours"], "neurokit2": d["neurokit2"], "malik": d["malik"]}
    for key, label in names.items():
        p = f"{det[key]['precision']:.3f}" if key in det else "-"
        rc = f"{det[key]['recall']:.3f}" if key in det else "-"
        lines.append(
            f"| {label} | {e[key]['median_pct']:.2f} % | {e[key]['p90_pct']:.2f} % | {p} | {rc} |"
        )
    ours = e["ours"]
    refs = [e["neurokit2"], e["malik"]]
    below = all(ours[q] < ref[q] for ref in refs for q in ("median_pct", "p90_pct"))
    untouched = u["ours_on_nk_clean"]["median_pct"]

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    lines += [
        "",
        (
            "Targets (issue 4): median <= 1 % "
            f"{verdict(ours['median_pct'] <= 1.0)}; 90th percentile <= 3 % "
            f"{verdict(ours['p90_pct'] <= 3.0)}; both below NeuroKit2 and Malik {verdict(below)}; "
            f"clean recordings median change <= 0.5 % {verdict(untouched <= 0.5)}."
        ),
    ]
    lines += ["", "By corruption rate (median / 90th percentile, %):", ""]
    lines += ["| rate | ours | NeuroKit2 | Malik |", "|---|---|---|---|"]
    for rate, vals in k["rmssd_error_by_rate"].items():
        cells = [
            f"{vals[m]['median_pct']:.2f} / {vals[m]['p90_pct']:.2f}"
            for m in ("ours", "neurokit2", "malik")
        ]
        lines.append(f"| {float(rate) * 100:.0f} % | " + " | ".join(cells) + " |")
    lines += _markdown_decomposition(r["decomposition"])
    o = u["ours_on_nk_clean"]
    n = u["nk_on_ours_clean"]
    m = u["malik_on_nk_clean"]
    lines += [
        "",
        "Clean recordings left untouched (RMSSD change, median / 90th percentile):",
        "",
        "| method | set | recordings | changed | median | 90th percentile |",
        "|---|---|---|---|---|---|",
        (
            f"| ours | NeuroKit2 flags nothing | {o['n']} | {o['recordings_changed']} | "
            f"{o['median_pct']:.2f} % | {o['p90_pct']:.2f} % |"
        ),
        (
            f"| Malik 20 % | NeuroKit2 flags nothing | {o['n']} | - | {m['median_pct']:.2f} % | "
            f"{m['p90_pct']:.2f} % |"
        ),
        (
            f"| NeuroKit2 | ours flags nothing | {n['n']} | {n['recordings_changed']} | "
            f"{n['median_pct']:.2f} % | {n['p90_pct']:.2f} % |"
        ),
        "",
        "## 3. Real noise: Polar chest-strap files",
        "",
        (
            "| file | beats | ours ect/miss/extra/long/short/range | flagged | NeuroKit2 "
            "ect/miss/extra/long-short | shared flags | RMSSD raw · ours · NK · Malik (ms) |"
        ),
        "|---|---|---|---|---|---|---|",
    ]
    for name, v in r["real"].items():
        o = v["ours"]
        nk = v["neurokit2"]
        lines.append(
            f"| {name} | {v['beats']} | {o['ectopic']}/{o['missed']}/{o['extra']}/{o['long']}/"
            f"{o['short']}/{o['out_of_range']} | {o['flagged_pct']:.2f} % | {nk['ectopic']}/"
            f"{nk['missed']}/{nk['extra']}/{nk['longshort']} | {v['shared_flags']} of "
            f"{v['nk_flagged']} | {v['rmssd_raw']:.1f} · {v['rmssd_ours']:.1f} · "
            f"{v['rmssd_neurokit2']:.1f} · {v['rmssd_malik']:.1f} |"
        )
    lines += [
        "",
        "## 4. Speed (correct_rr + time_domain vs signal_fixpeaks(iterative) + hrv_time)",
        "",
        "| recording | beats | ours | NeuroKit2 | ours / NeuroKit2 |",
        "|---|---|---|---|---|",
    ]
    for name, v in r["speed"].items():
        lines.append(
            f"| {name} | {v['beats']} | {1000 * v['ours_s']:.1f} ms | "
            f"{1000 * v['neurokit2_s']:.1f} ms | {v['ratio_ours_over_nk']:.2f} |"
        )
    lines.append("")
    return "\n".join(lines)


def _markdown_decomposition(dec: dict[str, Any]) -> list[str]:
    """Section 2c: oracle floor vs our detector, by rate, length and kind."""

    def cell(d: dict[str, float]) -> str:
        return f"{d['median_pct']:.2f} / {d['p90_pct']:.2f}"

    steps = (
        ("oracle", "oracle: true positions and kinds, same correction/break policy"),
        ("ours_fn_misclass_fixed", "ours + every injected artefact labelled right (FP only)"),
        ("ours_fn_fixed", "ours + missed artefacts labelled right (FP + misclassification)"),
        ("ours", "ours (detector as shipped)"),
    )
    lines = [
        "",
        "### 2c. Where our error comes from (oracle decomposition)",
        "",
        (
            f"Same pool, generator and seed ({dec['seed']}); the correction/break policy of "
            "`correct_rr` applied to the true artefact positions (oracle) and to ours with the "
            "misses, then also the misclassifications, replaced by the truth. Median / 90th "
            "percentile of the absolute RMSSD error, %."
        ),
        "",
        "| labels | all | "
        + " | ".join(f"{float(k) * 100:.0f} %" for k in dec["by_rate"])
        + " | "
        + " | ".join(dec["by_length"])
        + " |",
        "|---|---|" + "---|" * (len(dec["by_rate"]) + len(dec["by_length"])),
    ]
    for key, label in steps:
        cells = [cell(dec["overall"][key])]
        cells += [cell(d[key]) for d in dec["by_rate"].values()]
        cells += [cell(d[key]) for d in dec["by_length"].values()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Ours without its false alarms (misses kept): {cell(dec['fp_removed'])}.",
        "",
        (
            "By injected kind: artefacts of the kind not flagged at all (missed), flagged on one "
            "of their two intervals only (partial), flagged but corrected as another policy "
            "(other: e.g. a long beat split as a missed beat); the error of ours when only that "
            "kind is relabelled right; and on recordings whose artefacts are all of that kind, "
            "oracle vs ours."
        ),
        "",
        (
            "| kind | injected | missed | partial | other policy | ours with this kind fixed | "
            "single-kind recordings | oracle | ours |"
        ),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for kind in KINDS:
        k = dec["kind_counts"][kind]
        single = dec["single_kind"][kind]
        lines.append(
            f"| {kind} | {k['injected']} | {k['missed']} | {k['partial']} | {k['other_kind']} | "
            f"{cell(dec['kind_fixed'][kind])} | {single['ours']['n']} | "
            f"{cell(single['oracle'])} | {cell(single['ours'])} |"
        )
    fa = dec["false_alarms"]
    labels = sorted(set(fa["near"]) | set(fa["far"]))
    lines += [
        "",
        "False alarms (flagged intervals that were not injected), by our label:",
        "",
        "| where | " + " | ".join(labels) + " | total |",
        "|---|" + "---|" * (len(labels) + 1),
    ]
    for side, label in (("near", "within 2 beats of an artefact"), ("far", "farther away")):
        counts = [fa[side].get(x, 0) for x in labels]
        lines.append(f"| {label} | " + " | ".join(map(str, counts)) + f" | {sum(counts)} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="subset; results not written")
    parser.add_argument(
        "--seed",
        type=int,
        default=SEED,
        help=(
            f"corruption seed (default {SEED}, the reported one); use another seed to develop "
            "and tune, so that the reported figures are not tuned to their own draws"
        ),
    )
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside or _in_venv():
        run(args)
        return
    if not _shared_data().is_dir():
        print(f"shared data not found at {_shared_data()}; nothing to validate")
        return
    py = _ensure_venv()
    cmd = [str(py), str(Path(__file__).resolve()), "--inside", "--seed", str(args.seed)]
    if args.quick:
        cmd.append("--quick")
    sys.exit(subprocess.run(cmd, check=False).returncode)


if __name__ == "__main__":
    main()
