"""Time per Heart Rate Measurement notification: parser, client path, and (later) ingest.

Stages, each timed over the same realistic mix of frames in one run:

``naive``          a straightforward reference parser (slices + int.from_bytes + list)
``parse``          ``strap.protocol.parse_heart_rate_measurement``
``client``         the strap client's notification path: parse + counters + `Reception` +
                   fan-out to one no-op subscriber (what runs on HA's event loop per frame)
``client+ingest``  the same with the HA side's ingest registered as the subscriber
                   (only with ``--ingest``)

The target is a median of <= 20 us per notification for parse + ingest. Timings are
printed, never asserted (``--strict`` turns a miss into exit status 1 for local use).

Adding the ingest half (HA side): write a factory returning a measurement callback,
``def make_ingest() -> Callable[[HeartRateMeasurement, Reception], None]``, in a module
importable without Home Assistant, and run::

    python benchmarks/bench_strap.py --ingest mypkg.module:make_ingest

or append ``("name", callable_taking_a_frame)`` to the list built by `build_stages`.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(
    0, str(Path(__file__).resolve().parents[1] / "custom_components" / "recovery_readiness")
)

from bleak.backends.device import BLEDevice
from strap.client import HeartRateStrap
from strap.models import HeartRateMeasurement, Reception
from strap.protocol import parse_heart_rate_measurement

if TYPE_CHECKING:
    from collections.abc import Callable

TARGET_US = 20.0

FRAMES: tuple[bytes, ...] = tuple(
    bytes.fromhex(h)
    for h in (
        "10 3c 2d 04",  # H10: HR 60, one RR
        "10 3e 16 03 1a 03",  # H10: two RR
        "16 4d 16 03 1a 03",  # H7: contact + two RR
        "10 38",  # low HR, no RR this second
        "16 48 00 04 f0 03 10 04",  # three RR
        "1e 48 10 00 00 04 f0 03",  # contact + EE + two RR
        "19 48 00 02 01 00 04",  # uint16 HR + EE + RR
        "10 40" + " 00 04" * 9,  # 9 RR (full MTU-23 frame)
        "00 00",  # boot frame
        "10 40 00 04 35",  # odd tail
    )
)


def naive_parse(data: bytes | bytearray) -> HeartRateMeasurement:
    """Reference parser written the obvious way (same results, no tricks)."""
    if len(data) < 2:
        msg = "too short"
        raise ValueError(msg)
    flags = data[0]
    index = 1
    if flags & 0x01:
        if len(data) < 3:
            msg = "too short"
            raise ValueError(msg)
        hr = int.from_bytes(data[index : index + 2], "little")
        index += 2
    else:
        hr = data[index]
        index += 1
    contact = None
    if flags & 0x04:
        contact = bool(flags & 0x02)
    truncated = False
    energy = None
    if flags & 0x08:
        if len(data) >= index + 2:
            energy = int.from_bytes(data[index : index + 2], "little")
            index += 2
        else:
            truncated = True
            index = len(data)
    rr: list[int] = []
    if flags & 0x10:
        while index + 1 < len(data):
            rr.append(int.from_bytes(data[index : index + 2], "little"))
            index += 2
        if index < len(data):
            truncated = True
    return HeartRateMeasurement(
        hr_bpm=hr,
        sensor_contact=contact,
        energy_expended_kj=energy,
        rr_1024=tuple(rr),
        truncated=truncated,
    )


def _ble_device() -> BLEDevice:
    if "rssi" in inspect.signature(BLEDevice.__init__).parameters:  # bleak 0.22
        return BLEDevice("C0:11:22:33:44:55", "Polar H10 bench", {}, -60)  # type: ignore[call-arg]
    return BLEDevice("C0:11:22:33:44:55", "Polar H10 bench", {})


def _client_path(
    subscriber: Callable[[HeartRateMeasurement, Reception], None],
) -> Callable[[bytearray], None]:
    """The client's notification handler with `subscriber` registered."""
    strap = HeartRateStrap(_ble_device())
    strap.register_callback(subscriber)
    handler = strap._on_measurement  # noqa: SLF001  (the exact per-frame code path)
    return lambda frame: handler(None, frame)  # type: ignore[arg-type]


def _noop(_measurement: HeartRateMeasurement, _reception: Reception) -> None:
    return None


def load_ingest(spec: str) -> Callable[[HeartRateMeasurement, Reception], None]:
    """Import ``module:factory`` and call the factory to get a measurement callback."""
    module_name, _, attr = spec.partition(":")
    factory: Callable[[], Callable[[HeartRateMeasurement, Reception], None]] = getattr(
        importlib.import_module(module_name), attr
    )
    return factory()


def build_stages(ingest: str | None) -> list[tuple[str, Callable[[Any], object]]]:
    """Name and per-frame callable of every stage to time."""
    stages: list[tuple[str, Callable[[Any], object]]] = [
        ("naive", naive_parse),
        ("parse", parse_heart_rate_measurement),
        ("client", _client_path(_noop)),
    ]
    if ingest:
        stages.append(("client+ingest", _client_path(load_ingest(ingest))))
    return stages


def time_stage(fn: Callable[[Any], object], frames: list[bytearray], rounds: int) -> list[float]:
    """Per-notification time in us of each round (one round = every frame once)."""
    per_frame_us: list[float] = []
    clock = time.perf_counter_ns
    for _ in range(rounds):
        start = clock()
        for frame in frames:
            fn(frame)
        per_frame_us.append((clock() - start) / len(frames) / 1000)
    return per_frame_us


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--batch", type=int, default=100, help="frame-mix repeats per round")
    parser.add_argument("--ingest", help="module:factory returning a measurement callback")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()

    for frame in FRAMES:  # the reference must agree before its timing means anything
        assert naive_parse(frame) == parse_heart_rate_measurement(frame), frame.hex(" ")

    frames = [bytearray(f) for f in FRAMES] * args.batch  # bleak hands over bytearrays
    results: dict[str, dict[str, float]] = {}
    for name, fn in build_stages(args.ingest):
        time_stage(fn, frames, 5)  # warm up
        samples = time_stage(fn, frames, args.rounds)
        results[name] = {
            "median_us": statistics.median(samples),
            "p90_us": statistics.quantiles(samples, n=10)[-1],
            "min_us": min(samples),
        }
    ratio = results["naive"]["median_us"] / results["parse"]["median_us"]
    timed = "client+ingest" if "client+ingest" in results else "client"
    met = results[timed]["median_us"] <= TARGET_US

    if args.json:
        print(json.dumps({"stages": results, "naive_over_parse": ratio, "target_met": met}))
    else:
        print(
            f"{len(FRAMES)}-frame mix x {args.batch}, {args.rounds} rounds, "
            f"Python {sys.version.split()[0]}"
        )
        print(f"{'stage':<15}{'median us':>11}{'p90 us':>9}{'min us':>9}")
        for name, r in results.items():
            print(f"{name:<15}{r['median_us']:>11.2f}{r['p90_us']:>9.2f}{r['min_us']:>9.2f}")
        print(f"naive / parse median ratio: {ratio:.2f}x")
        verdict = "met" if met else "MISSED"
        print(f"target <= {TARGET_US:.0f} us per notification ({timed}): {verdict}")
        if "client+ingest" not in results:
            print("(ingest not included: pass --ingest module:factory)")
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
