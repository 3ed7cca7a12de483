"""Fuzz the Heart Rate Measurement parser: nothing but ProtocolError may escape.

Feeds random frames, mutated real-world frames and cut well-formed frames to
`strap.protocol.parse_heart_rate_measurement` and checks, for every frame:

* it returns a `HeartRateMeasurement` or raises `ProtocolError` -- any other exception is
  an *escape*;
* `ProtocolError` happens exactly when no heart rate can be read (fewer than 2 bytes, or the
  uint16 flag with fewer than 3) -- otherwise a *spurious error*;
* a result is sane: ints in uint16 range, at most len(frame) // 2 RR values, no RR value
  made from a single byte (odd RR tail => ``truncated``) -- otherwise a *violation*.

Usage::

    python benchmarks/fuzz_parser.py [--frames 1000000] [--seed 2025]

Exit status 1 if anything escaped or any check failed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(
    0, str(Path(__file__).resolve().parents[1] / "custom_components" / "recovery_readiness")
)

from strap.exceptions import ProtocolError
from strap.models import HeartRateMeasurement
from strap.protocol import parse_heart_rate_measurement

SEEDS = [
    bytes.fromhex(h)
    for h in (
        "10 3c 2d 04",
        "16 4d 16 03 1a 03",
        "00 00",
        "19 2c 01 e8 03 00 04",
        "04 00",
        "10 40" + " 00 04" * 9,
        "10 38 2d 04 35 00",
        "10 40 00 04 35",
        "08 40 01",
        "10 40",
        "e0 3c",
        "01 3c",
        "19 48 00 02 01 00 04",
    )
]


def encode_random(rng: random.Random) -> bytes:
    """A well-formed frame with random fields."""
    flags = rng.getrandbits(8)
    out = bytearray([flags])
    if flags & 0x01:
        out += rng.getrandbits(16).to_bytes(2, "little")
    else:
        out.append(rng.getrandbits(8))
    if flags & 0x08:
        out += rng.getrandbits(16).to_bytes(2, "little")
    if flags & 0x10:
        for _ in range(rng.randint(0, 12)):
            out += rng.getrandbits(16).to_bytes(2, "little")
    return bytes(out)


def mutate(rng: random.Random, frame: bytes) -> bytes:
    """Apply 1-4 random byte-level mutations."""
    data = bytearray(frame)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(7)
        if op == 0 and data:  # flip one bit
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
        elif op == 1 and data:  # replace one byte
            data[rng.randrange(len(data))] = rng.getrandbits(8)
        elif op == 2:  # insert one byte
            data.insert(rng.randint(0, len(data)), rng.getrandbits(8))
        elif op == 3 and data:  # delete one byte
            del data[rng.randrange(len(data))]
        elif op == 4:  # cut
            del data[rng.randint(0, len(data)) :]
        elif op == 5:  # extend
            data += rng.randbytes(rng.randint(1, 8))
        elif data:  # random flags
            data[0] = rng.getrandbits(8)
    return bytes(data)


def make_frame(rng: random.Random) -> bytes:
    """One fuzz frame: random bytes, a mutated seed, or a cut well-formed frame."""
    kind = rng.randrange(10)
    if kind < 3:
        size = rng.randint(0, 24) if rng.random() < 0.98 else rng.randint(25, 512)
        return rng.randbytes(size)
    if kind < 6:
        return mutate(rng, rng.choice(SEEDS))
    frame = encode_random(rng)
    if kind < 8:
        return frame[: rng.randint(0, len(frame))]
    return mutate(rng, frame)


def check(frame: bytes, result: HeartRateMeasurement) -> str | None:  # noqa: PLR0911  (one return per invariant)
    """Return a description of what is wrong with a successful parse, or None."""
    flags = frame[0]
    if not isinstance(result, HeartRateMeasurement):
        return "not a HeartRateMeasurement"
    if not 0 <= result.hr_bpm <= 0xFFFF:
        return "hr out of range"
    if result.sensor_contact is not None and not flags & 0x04:
        return "contact reported without support bit"
    if result.energy_expended_kj is not None and not 0 <= result.energy_expended_kj <= 0xFFFF:
        return "energy out of range"
    if 2 * len(result.rr_1024) > len(frame):
        return "more RR values than bytes"
    if any(not 0 <= rr <= 0xFFFF for rr in result.rr_1024):
        return "rr out of range"
    if result.rr_1024 and not flags & 0x10:
        return "rr without the RR flag"
    if flags & 0x10:
        hr_end = 3 if flags & 0x01 else 2
        ee_end = hr_end + 2 if flags & 0x08 else hr_end
        if len(frame) >= ee_end:
            tail = len(frame) - ee_end
            if len(result.rr_1024) != tail // 2:
                return "rr count does not follow the frame length"
            if tail % 2 and not result.truncated:
                return "odd RR tail not marked truncated"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--frames", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    ok = protocol_errors = spurious = 0
    escapes: dict[str, list[str]] = {}
    violations: dict[str, list[str]] = {}
    wrappers = (bytes, bytearray, memoryview)
    start = time.perf_counter()
    for n in range(args.frames):
        frame = make_frame(rng)
        data = wrappers[n % 3](frame)
        try:
            result = parse_heart_rate_measurement(data)
        except ProtocolError:
            protocol_errors += 1
            readable = len(frame) >= 3 or (len(frame) == 2 and not frame[0] & 0x01)
            if readable:
                spurious += 1
                violations.setdefault("spurious ProtocolError", []).append(frame.hex(" "))
            continue
        except Exception as err:
            escapes.setdefault(type(err).__name__, []).append(frame.hex(" "))
            continue
        ok += 1
        if problem := check(frame, result):
            violations.setdefault(problem, []).append(frame.hex(" "))
    elapsed_s = time.perf_counter() - start

    n_escapes = sum(len(v) for v in escapes.values())
    n_violations = sum(len(v) for v in violations.values())
    print(f"frames fed:          {args.frames:,} (seed {args.seed}, {elapsed_s:.1f} s)")
    print(f"parsed:              {ok:,}")
    print(f"ProtocolError:       {protocol_errors:,} (spurious: {spurious:,})")
    print(f"other exceptions:    {n_escapes:,}")
    print(f"invariant failures:  {n_violations:,}")
    for title, found in (("escape", escapes), ("violation", violations)):
        for kind, frames in found.items():
            print(f"  {title} {kind}: {len(frames)} e.g. {frames[:3]}")
    if n_escapes or n_violations:
        print("FAIL")
        return 1
    print("OK: nothing but ProtocolError escaped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
