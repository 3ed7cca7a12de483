"""Heart Rate Measurement (0x2A37) frame encoding and a synthetic RR source (no bumble, no HA).

Everything here is pure Python so unit tests and the demo can share it.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

RR_TICKS_PER_SECOND = 1024
MAX_RR_PER_FRAME_MTU23 = 9  # uint8 HR, no Energy Expended, 20-byte payload
VLF_HZ = 1.0 / 30.0  # very slow heart-rate drift: one period every 30 s
_FLAG_HR_UINT16 = 0x01
_FLAG_CONTACT_DETECTED = 0x02
_FLAG_CONTACT_SUPPORTED = 0x04
_FLAG_ENERGY = 0x08
_FLAG_RR = 0x10
_UINT8_MAX = 0xFF
_UINT16_MAX = 0xFFFF


def ms_to_ticks(rr_ms: float) -> int:
    """Convert an RR interval in ms to 1/1024 s ticks, as a strap sends it."""
    return round(rr_ms * RR_TICKS_PER_SECOND / 1000)


def encode_hrm(
    hr_bpm: int,
    rr_ms: Iterable[float] = (),
    *,
    contact: bool | None = None,
    energy_kj: int | None = None,
    uint16: bool = False,
) -> bytes:
    """Build spec-correct 0x2A37 bytes.

    Args:
        hr_bpm: heart rate; uint8 unless ``uint16`` (forced to uint16 above 255).
        rr_ms: RR intervals in ms, oldest first; sent as round(ms * 1024 / 1000) ticks.
        contact: ``None`` = contact not supported (bits 1-2 clear); True/False = supported
            and detected / not detected.
        energy_kj: cumulative Energy Expended (uint16) or ``None`` for absent.
        uint16: force the uint16 HR format.
    """
    flags = 0
    wide = uint16 or hr_bpm > _UINT8_MAX
    if wide:
        flags |= _FLAG_HR_UINT16
    if contact is not None:
        flags |= _FLAG_CONTACT_SUPPORTED | (_FLAG_CONTACT_DETECTED if contact else 0)
    if energy_kj is not None:
        flags |= _FLAG_ENERGY
    ticks = [ms_to_ticks(value) for value in rr_ms]
    if ticks:
        flags |= _FLAG_RR
    out = bytearray([flags])
    out += hr_bpm.to_bytes(2 if wide else 1, "little")
    if energy_kj is not None:
        out += min(energy_kj, _UINT16_MAX).to_bytes(2, "little")
    for tick in ticks:
        out += min(tick, _UINT16_MAX).to_bytes(2, "little")
    return bytes(out)


def synthetic_rr_ms(
    *,
    seed: int = 1,
    mean_rr_ms: float = 1040.0,
    rsa_amplitude_ms: float = 45.0,
    breaths_per_min: float = 14.0,
    lf_amplitude_ms: float = 15.0,
    vlf_amplitude_ms: float = 0.0,
    noise_ms: float = 8.0,
) -> Iterator[float]:
    """Yield an endless, deterministic resting RR series (ms).

    Mean ≈ 1040 ms (≈ 57.7 bpm) with respiratory sinus arrhythmia (a sine at the breathing
    rate in beat time), a slow 0.1 Hz (Mayer-wave) component, an optional very slow
    `VLF_HZ` component (the drift of resting heart rate over tens of seconds; off by
    default) and small Gaussian noise. Same seed, same series.
    """
    rng = random.Random(seed)  # noqa: S311 - deterministic test data
    t = 0.0
    resp_hz = breaths_per_min / 60.0
    resp_phase = rng.uniform(0, 2 * math.pi)
    lf_phase = rng.uniform(0, 2 * math.pi)
    vlf_phase = rng.uniform(0, 2 * math.pi) if vlf_amplitude_ms else 0.0
    while True:
        rr = (
            mean_rr_ms
            + rsa_amplitude_ms * math.sin(2 * math.pi * resp_hz * t + resp_phase)
            + lf_amplitude_ms * math.sin(2 * math.pi * 0.1 * t + lf_phase)
            + vlf_amplitude_ms * math.sin(2 * math.pi * VLF_HZ * t + vlf_phase)
            + rng.gauss(0.0, noise_ms)
        )
        rr = max(300.0, min(2000.0, rr))
        t += rr / 1000.0
        yield rr


@dataclass
class FramePacer:
    """Turn a beat series into 1 Hz 0x2A37 frames, the way a strap does.

    Each call to :meth:`next_frame` advances the strap clock by one second and returns the
    frame carrying the RR intervals of the beats completed in that second (0, 1, 2 or more;
    at most ``max_rr`` per frame, the rest carried over). HR is 60000 / mean of the last
    few RR (the previous value when no beat completed).
    """

    rr_source: Iterator[float]
    contact: bool | None = True
    max_rr: int = MAX_RR_PER_FRAME_MTU23
    fallback: Iterator[float] | None = None
    _clock_s: float = 0.0
    _next_beat_s: float | None = None
    _pending: list[float] = field(default_factory=list)
    _recent: list[float] = field(default_factory=list)
    _next_rr: float | None = None

    def _pull(self) -> float:
        try:
            return next(self.rr_source)
        except StopIteration:
            if self.fallback is None:
                self.fallback = synthetic_rr_ms()
            self.rr_source = self.fallback
            return next(self.rr_source)

    def next_frame(self) -> bytes:
        """Return the next second's frame."""
        if self._next_rr is None:
            self._next_rr = self._pull()
            self._next_beat_s = self._next_rr / 1000.0
        self._clock_s += 1.0
        assert self._next_beat_s is not None
        while self._next_beat_s <= self._clock_s:
            self._pending.append(self._next_rr)
            self._recent = [*self._recent[-3:], self._next_rr]
            self._next_rr = self._pull()
            self._next_beat_s += self._next_rr / 1000.0
        send, self._pending = self._pending[: self.max_rr], self._pending[self.max_rr :]
        basis = self._recent or [self._next_rr]
        hr = round(60000.0 / (sum(basis) / len(basis)))
        return encode_hrm(hr, send, contact=self.contact)


def _rmssd_ms(rr_ms: list[float]) -> float:
    diffs = [b - a for a, b in itertools.pairwise(rr_ms)]
    return math.sqrt(sum(d * d for d in diffs) / len(diffs))


def resting_rr_ms(
    *,
    rmssd_ms: float,
    hr_bpm: float,
    seed: int = 1,
    calibration_beats: int = 600,
    hr_drift_bpm: float = 0.0,
) -> Iterator[float]:
    """An endless resting RR series (ms) whose RMSSD and mean HR are the given ones.

    `synthetic_rr_ms` with ``mean_rr_ms = 60000 / hr_bpm`` (so 60000 / MeanNN = ``hr_bpm``) and
    the respiratory (RSA) amplitude chosen for the RMSSD: the components are nearly
    independent, so ``RMSSD^2 ≈ k * A^2 + RMSSD_0^2`` with ``RMSSD_0`` the series without RSA;
    ``k`` is measured on ``calibration_beats`` beats of the same seed and
    ``A = sqrt((rmssd^2 - RMSSD_0^2) / k)``. An RMSSD below ``RMSSD_0`` (noise and the slow
    component alone, about 12 ms) cannot be reached: the series then has no RSA.

    ``hr_drift_bpm`` adds the `VLF_HZ` drift with that heart-rate amplitude (``ΔRR ≈
    MeanRR · Δhr / hr``); it is part of ``RMSSD_0``, so the RMSSD stays the given one.
    """
    mean_rr = 60000.0 / hr_bpm
    vlf_ms = mean_rr * hr_drift_bpm / hr_bpm

    def series(amplitude: float) -> Iterator[float]:
        return synthetic_rr_ms(
            seed=seed, mean_rr_ms=mean_rr, rsa_amplitude_ms=amplitude, vlf_amplitude_ms=vlf_ms
        )

    def measured(amplitude: float) -> float:
        beats = series(amplitude)
        return _rmssd_ms([next(beats) for _ in range(calibration_beats)])

    probe = 40.0
    base, with_rsa = measured(0.0), measured(probe)
    k = (with_rsa**2 - base**2) / probe**2
    amplitude = math.sqrt(max(0.0, rmssd_ms**2 - base**2) / k) if k > 0 else 0.0
    return series(amplitude)
