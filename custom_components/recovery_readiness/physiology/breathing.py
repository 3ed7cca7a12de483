"""Guided resonance breathing: pacer, HRV coherence and the resonance-frequency assessment.

Slow breathing at about 6 breaths/min (0.1 Hz) drives large heart-rate oscillations, because
respiratory sinus arrhythmia and the baroreflex loop reinforce each other near the
cardiovascular system's resonance frequency (Vaschillo et al. 2002; Lehrer & Gevirtz 2014). The
individual resonance pace lies between about 4.5 and 6.5 breaths/min and is found by breathing
at 6.5, 6.0, 5.5, 5.0 and 4.5 breaths/min for 2 minutes each and keeping the pace with the
largest oscillation (Lehrer et al. 2000; Shaffer & Meehan 2020). The individual pace matters:
after 15 min at it, mood, LF/HF and systolic pressure improved against quiet sitting, while a
pace 1 breath/min faster did not differ significantly from either (Steffen et al. 2017).

This module is the pure part of the feature: standard library only, no I/O, no clock; the Home
Assistant layer passes elapsed seconds and RR intervals in.

- :func:`pacer`, :func:`pacer_phase`, :func:`session_plan`: the breathing pacer.
- :func:`coherence`, :func:`recent_window`: spectral coherence of an RR series (HeartMath
  coherence ratio), live on the last 64 s.
- :func:`resonance_protocol`, :func:`protocol_step_at`, :func:`split_rr_by_protocol`,
  :func:`resonance_assessment`: the resonance-frequency assessment.
- :func:`session_summary`: RMSSD and mean HR before, during and after a session.

Spectrum (used by :func:`coherence`): beat times are the running sum of RR; the RR tachogram
(``RR_i`` placed at the time of the beat that closes it) is linearly interpolated onto a 2-Hz
grid (HeartMath's rate), cut into 64-s segments (128 samples, 50 % overlap, anchored at the most
recent sample), each linearly detrended, Hann-windowed and zero-padded to 512 points
(0.0039-Hz bins); the one-sided periodograms (ms²/Hz) are averaged (Welch 1967). Validated
against ``scipy.signal.welch`` with the same settings in ``benchmarks/validate_breathing.py``.

References:
    Lehrer P.M., Vaschillo E., Vaschillo B. (2000). Resonant frequency biofeedback training to
    increase cardiac variability: rationale and manual for training. Appl Psychophysiol
    Biofeedback 25(3):177-191.
    Vaschillo E., Lehrer P., Rishe N., Konstantinov M. (2002). Heart rate variability
    biofeedback as a method for assessing baroreflex function: a preliminary study of
    resonance in the cardiovascular system. Appl Psychophysiol Biofeedback 27(1):1-27.
    Lehrer P.M., Gevirtz R. (2014). Heart rate variability biofeedback: how and why does it
    work? Front Psychol 5:756.
    Shaffer F., Meehan Z.M. (2020). A practical guide to resonance frequency assessment for
    heart rate variability biofeedback. Front Neurosci 14:570400.
    doi:10.3389/fnins.2020.570400.
    Steffen P.R. et al. (2017). The impact of resonance frequency breathing on measures of
    heart rate variability, blood pressure, and mood. Front Public Health 5:222.
    McCraty R., Atkinson M., Tomasino D., Bradley R.T. (2009). The coherent heart:
    heart-brain interactions, psychophysiological coherence, and the emergence of system-wide
    order. Integral Review 5(2):10-115 (coherence ratio).
    Welch P.D. (1967). The use of fast Fourier transform for the estimation of power spectra.
    IEEE Trans Audio Electroacoust 15(2):70-73.
    Task Force of the ESC and NASPE (1996). Circulation 93(5):1043-1065 (LF band).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from .artifacts import correct_rr
from .errors import InsufficientDataError
from .hrv import MIN_DURATION_S, MIN_SUCCESSIVE_DIFFERENCES, time_domain

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = [
    "DEFAULT_INHALE_SHARE",
    "LF_BAND_HZ",
    "MAX_BREATHS_PER_MIN",
    "MIN_BREATHS_PER_MIN",
    "NFFT",
    "PEAK_BAND_HZ",
    "PEAK_WINDOW_HZ",
    "RESAMPLE_HZ",
    "RESONANCE_PACES_BPM",
    "RESONANCE_STEP_S",
    "SEGMENT_OVERLAP",
    "TIE_TOLERANCE",
    "TOTAL_BAND_HZ",
    "UPDATE_S",
    "WINDOW_S",
    "BreathPhase",
    "BreathingCoherence",
    "BreathingPace",
    "BreathingPlan",
    "BreathingSegment",
    "BreathingSessionSummary",
    "PacerPhase",
    "ResonanceAssessment",
    "ResonancePace",
    "ResonanceStep",
    "coherence",
    "pacer",
    "pacer_phase",
    "protocol_step_at",
    "recent_window",
    "resonance_assessment",
    "resonance_protocol",
    "session_plan",
    "session_summary",
    "split_rr_by_protocol",
]

MIN_BREATHS_PER_MIN: Final = 3.0
"""Slowest pace :func:`pacer` accepts, breaths/min (project bound; resonance is 4.5-6.5)."""
MAX_BREATHS_PER_MIN: Final = 12.0
"""Fastest pace :func:`pacer` accepts, breaths/min (project bound; ordinary resting rate)."""
DEFAULT_INHALE_SHARE: Final = 0.4
"""Inhalation share of a breath (4 s in, 6 s out at 6/min): project default, longer exhale."""

RESAMPLE_HZ: Final = 2.0
"""Rate of the evenly resampled RR series, Hz (HeartMath: beats interpolated at 2 Hz)."""
WINDOW_S: Final = 64.0
"""Spectral segment length, s (HeartMath's 64-s window); also the minimum data."""
UPDATE_S: Final = 5.0
"""Suggested refresh of live coherence, s (HeartMath: the 64-s window is updated every 5 s)."""
SEGMENT_OVERLAP: Final = 0.5
"""Overlap of consecutive 64-s segments when more data is given (Welch 1967, 50 %)."""
NFFT: Final = 512
"""DFT length: 128 samples zero-padded to 512, bins of 2 / 512 = 0.0039 Hz."""
PEAK_BAND_HZ: Final = (0.04, 0.26)
"""Band searched for the dominant oscillation, Hz (McCraty et al. 2009)."""
PEAK_WINDOW_HZ: Final = 0.030
"""Width of the window around the peak whose power is the peak power, Hz (McCraty 2009)."""
TOTAL_BAND_HZ: Final = (0.0033, 0.4)
"""Band of the total power, Hz (McCraty et al. 2009; Task Force 1996 VLF+LF+HF)."""
LF_BAND_HZ: Final = (0.04, 0.15)
"""Low-frequency band, Hz (Task Force 1996); holds every resonance pace (0.075-0.108 Hz)."""

RESONANCE_PACES_BPM: Final = (6.5, 6.0, 5.5, 5.0, 4.5)
"""Paces of the assessment, in protocol order (Lehrer et al. 2000; Shaffer & Meehan 2020)."""
RESONANCE_STEP_S: Final = 120.0
"""Duration of each pace of the assessment, s (Lehrer et al. 2000: 2 minutes)."""
TIE_TOLERANCE: Final = 0.05
"""LF powers within 5 % of the largest count as tied (project default; see the assessment)."""

_SECONDS_PER_MINUTE: Final = 60.0
_MS_PER_S: Final = 1000.0
_MS_PER_MINUTE: Final = 60_000.0
_SEGMENT_SAMPLES: Final = round(WINDOW_S * RESAMPLE_HZ)
_SEGMENT_STEP: Final = round(_SEGMENT_SAMPLES * (1.0 - SEGMENT_OVERLAP))
_BIN_HZ: Final = RESAMPLE_HZ / NFFT
_EPS_HZ: Final = 1e-9
_MIN_CYCLE_BEATS: Final = 2


# --- the pacer ------------------------------------------------------------------------------


class BreathPhase(StrEnum):
    """Half of a paced breath."""

    INHALE = "inhale"
    EXHALE = "exhale"


@dataclass(frozen=True, slots=True, kw_only=True)
class BreathingPace:
    """One breathing pace, from :func:`pacer`.

    Attributes:
        breaths_per_min: the pace, breaths/min.
        breath_hz: breathing frequency = breaths_per_min / 60, Hz.
        cycle_s: one breath = 60 / breaths_per_min, s.
        inhale_share: inhale_s / cycle_s, 0-1.
        inhale_s: inhalation = inhale_share * cycle_s, s.
        exhale_s: exhalation = cycle_s - inhale_s, s.
    """

    breaths_per_min: float
    breath_hz: float
    cycle_s: float
    inhale_share: float
    inhale_s: float
    exhale_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class PacerPhase:
    """Where the pacer stands at an elapsed time, from :func:`pacer_phase`.

    Attributes:
        phase: inhale or exhale.
        breath_index: 0-based index of the current breath (completed breaths so far).
        phase_duration_s: full duration of the current phase, s.
        phase_elapsed_s: time since the phase began, s.
        phase_left_s: time until the phase ends, s (> 0).
        phase_progress: phase_elapsed_s / phase_duration_s, 0-1 (for an animated pacer).
    """

    phase: BreathPhase
    breath_index: int
    phase_duration_s: float
    phase_elapsed_s: float
    phase_left_s: float
    phase_progress: float


@dataclass(frozen=True, slots=True, kw_only=True)
class BreathingPlan:
    """A paced-breathing session of whole breaths, from :func:`session_plan`.

    Attributes:
        pace: the pace.
        breath_count: number of whole breaths, ceil(minutes * breaths_per_min).
        total_s: breath_count * cycle_s, s (ends after a full exhale).
    """

    pace: BreathingPace
    breath_count: int
    total_s: float


def _check_pace(breaths_per_min: float) -> None:
    if not (
        math.isfinite(breaths_per_min)
        and MIN_BREATHS_PER_MIN <= breaths_per_min <= MAX_BREATHS_PER_MIN
    ):
        msg = (
            f"breaths_per_min must be within {MIN_BREATHS_PER_MIN}-{MAX_BREATHS_PER_MIN}, "
            f"got {breaths_per_min}"
        )
        raise ValueError(msg)


def pacer(breaths_per_min: float, *, inhale_share: float = DEFAULT_INHALE_SHARE) -> BreathingPace:
    """Return the inhale and exhale durations of a breathing pace.

    Formulas:
        cycle_s   = 60 / breaths_per_min
        inhale_s  = inhale_share * cycle_s
        exhale_s  = cycle_s - inhale_s
    The default share 0.4 gives a longer exhalation (4 s in, 6 s out at 6 breaths/min; a
    project default). Van Diest et al. (2014) found slow breathing with a short inhalation
    (inhalation/exhalation ratio 0.42) more relaxing, and with more high-frequency HRV power,
    than with a long one (ratio 2.33).

    Args:
        breaths_per_min: pace, 3-12 breaths/min (``MIN_BREATHS_PER_MIN``..``MAX_BREATHS_PER_MIN``).
        inhale_share: share of the breath spent inhaling, strictly between 0 and 1.

    Returns:
        The :class:`BreathingPace`.

    Raises:
        ValueError: if the pace is outside 3-12 breaths/min or the share outside (0, 1).

    References:
        Lehrer P.M. et al. (2000). Appl Psychophysiol Biofeedback 25(3):177-191. Shaffer F.,
        Meehan Z.M. (2020). Front Neurosci 14:570400. Van Diest I. et al. (2014).
        Inhalation/exhalation ratio modulates the effect of slow breathing on heart rate
        variability and relaxation. Appl Psychophysiol Biofeedback 39(3-4):171-180.

    Example:
        >>> p = pacer(6.0)
        >>> p.cycle_s, p.inhale_s, p.exhale_s
        (10.0, 4.0, 6.0)
    """
    _check_pace(breaths_per_min)
    if not (math.isfinite(inhale_share) and 0.0 < inhale_share < 1.0):
        msg = f"inhale_share must be strictly between 0 and 1, got {inhale_share}"
        raise ValueError(msg)
    cycle_s = _SECONDS_PER_MINUTE / breaths_per_min
    inhale_s = inhale_share * cycle_s
    return BreathingPace(
        breaths_per_min=float(breaths_per_min),
        breath_hz=breaths_per_min / _SECONDS_PER_MINUTE,
        cycle_s=cycle_s,
        inhale_share=float(inhale_share),
        inhale_s=inhale_s,
        exhale_s=cycle_s - inhale_s,
    )


def pacer_phase(pace: BreathingPace, elapsed_s: float) -> PacerPhase:
    """Return the pacer's phase at ``elapsed_s`` seconds after the first inhale began.

    Formula:
        t = elapsed_s mod cycle_s (``math.fmod``, exact); breath_index = (elapsed_s - t) / cycle_s;
        inhale while t < inhale_s (left = inhale_s - t), else exhale (left = cycle_s - t).
    The pacer repeats forever; the caller ends the session (see :func:`session_plan`).

    Args:
        pace: the pace from :func:`pacer`.
        elapsed_s: seconds since the session (or protocol step) started, >= 0.

    Returns:
        The :class:`PacerPhase`.

    Raises:
        ValueError: if ``elapsed_s`` is negative or not finite.

    Example:
        >>> s = pacer_phase(pacer(6.0), 17.0)
        >>> s.phase.value, s.breath_index, s.phase_left_s
        ('exhale', 1, 3.0)
    """
    if not (math.isfinite(elapsed_s) and elapsed_s >= 0.0):
        msg = f"elapsed_s must be finite and >= 0, got {elapsed_s}"
        raise ValueError(msg)
    t = math.fmod(elapsed_s, pace.cycle_s)  # exact: 0 <= t < cycle_s
    breath_index = round((elapsed_s - t) / pace.cycle_s)
    if t < pace.inhale_s:
        phase, duration, elapsed = BreathPhase.INHALE, pace.inhale_s, t
    else:
        phase, duration, elapsed = BreathPhase.EXHALE, pace.exhale_s, t - pace.inhale_s
    return PacerPhase(
        phase=phase,
        breath_index=breath_index,
        phase_duration_s=duration,
        phase_elapsed_s=elapsed,
        phase_left_s=duration - elapsed,
        phase_progress=elapsed / duration,
    )


def session_plan(pace: BreathingPace, *, minutes: float) -> BreathingPlan:
    """Plan a session of about ``minutes`` minutes made of whole breaths.

    Formula:
        breath_count = ceil(minutes * breaths_per_min) (at least the requested time, ending
        after a full exhale); total_s = breath_count * cycle_s.

    Args:
        pace: the pace from :func:`pacer`.
        minutes: requested duration, minutes, > 0.

    Returns:
        The :class:`BreathingPlan`.

    Raises:
        ValueError: if ``minutes`` is not a finite positive number.

    Example:
        >>> p = session_plan(pacer(5.5), minutes=5)
        >>> p.breath_count, round(p.total_s, 3)
        (28, 305.455)
    """
    if not (math.isfinite(minutes) and minutes > 0.0):
        msg = f"minutes must be finite and > 0, got {minutes}"
        raise ValueError(msg)
    # Guard against 5 * 6.0 = 30.000000000000004 asking for a 31st breath.
    count = max(1, math.ceil(round(minutes * pace.breaths_per_min, 9)))
    return BreathingPlan(pace=pace, breath_count=count, total_s=count * pace.cycle_s)


# --- coherence ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class BreathingCoherence:
    """Spectral coherence of an RR series, from :func:`coherence`.

    Spectrum: Welch average of 64-s segments (2-Hz linear resampling, linear detrend, Hann
    window, zero-padded to 512 points, one-sided density in ms²/Hz); powers are rectangle-rule
    sums ``Σ PSD_k x Δf`` with ``Δf = 2 / 512 Hz``, over the bins whose centre frequency lies in
    the band.

    Attributes:
        peak_hz: frequency of the highest spectral bin in 0.04-0.26 Hz, Hz (resolution 0.0039).
        score: HeartMath coherence ratio = peak_power_ms2 / (total_power_ms2 - peak_power_ms2)
            (McCraty et al. 2009); ``math.inf`` only if all power lies in the peak window.
        peak_power_ms2: power of the bins within ±0.015 Hz of ``peak_hz`` (the 0.030-Hz
            window), ms².
        total_power_ms2: power in 0.0033-0.4 Hz, ms².
        lf_power_ms2: power in 0.04-0.15 Hz, ms² (Task Force 1996 LF band).
        lf_peak_amplitude: spectral density at ``peak_hz``, ms²/Hz (the "maximum LF peak"
            of Shaffer & Meehan 2020 when the peak lies in the LF band).
        hr_oscillation_bpm: mean peak-to-trough heart rate over breaths, bpm: instantaneous
            HR = 60000 / RR_i at each beat, split into consecutive cycles of 60 /
            breaths_per_min s (or 1 / peak_hz s when no pace is given) from the first
            analysed beat; per complete cycle with >= 2 beats, max HR - min HR; mean over
            cycles (Lehrer et al. 2000; Shaffer & Meehan 2020).
        mean_hr_bpm: 60000 / mean RR over the analysed span, bpm.
        segment_count: number of 64-s segments averaged.
        analysed_s: length of the analysed span = samples used / 2 Hz, s (64 s per segment,
            + 32 s per further segment).
        artifact_count: input intervals changed by the artefact correction (0 when the
            correction was off).
    """

    peak_hz: float
    score: float
    peak_power_ms2: float
    total_power_ms2: float
    lf_power_ms2: float
    lf_peak_amplitude: float
    hr_oscillation_bpm: float
    mean_hr_bpm: float
    segment_count: int
    analysed_s: float
    artifact_count: int


def _bin_range(band: tuple[float, float]) -> range:
    """Indices k of the bins with ``band[0] <= k * Δf <= band[1]``."""
    low = math.ceil(band[0] / _BIN_HZ - _EPS_HZ)
    high = math.floor(band[1] / _BIN_HZ + _EPS_HZ)
    return range(low, high + 1)


@lru_cache(maxsize=4)
def _dft_rows(
    n: int, nfft: int, k_max: int
) -> tuple[tuple[tuple[float, ...], ...], tuple[tuple[float, ...], ...]]:
    """Cosine and sine DFT rows ``cos/sin(2π k m / nfft)``, k = 0..k_max, m = 0..n-1 (cached)."""
    cos = [math.cos(2.0 * math.pi * j / nfft) for j in range(nfft)]
    sin = [math.sin(2.0 * math.pi * j / nfft) for j in range(nfft)]
    ks = range(k_max + 1)
    return (
        tuple(tuple(cos[(k * m) % nfft] for m in range(n)) for k in ks),
        tuple(tuple(sin[(k * m) % nfft] for m in range(n)) for k in ks),
    )


@lru_cache(maxsize=4)
def _hann(n: int) -> tuple[float, ...]:
    """Periodic Hann window ``w_m = 0.5 - 0.5 cos(2πm / n)`` (SciPy's ``hann``, fftbins)."""
    return tuple(0.5 - 0.5 * math.cos(2.0 * math.pi * m / n) for m in range(n))


def _resample(times_s: list[float], values: list[float], start_s: float, count: int) -> list[float]:
    """Linear interpolation of (times_s, values) at ``start_s + j / RESAMPLE_HZ``."""
    out: list[float] = []
    i = 0
    last = len(times_s) - 1
    for j in range(count):
        t = start_s + j / RESAMPLE_HZ
        while i < last - 1 and times_s[i + 1] < t:
            i += 1
        t0, t1 = times_s[i], times_s[i + 1]
        v0, v1 = values[i], values[i + 1]
        out.append(v0 + (v1 - v0) * (t - t0) / (t1 - t0) if t1 > t0 else v1)
    return out


def _detrended(x: list[float]) -> list[float]:
    """Subtract the least-squares line (SciPy ``detrend(type='linear')``)."""
    n = len(x)
    mean_m = (n - 1) / 2.0
    mean_x = math.fsum(x) / n
    sxx = math.fsum((m - mean_m) ** 2 for m in range(n))
    sxy = math.fsum((m - mean_m) * (v - mean_x) for m, v in enumerate(x))
    slope = sxy / sxx
    return [v - mean_x - slope * (m - mean_m) for m, v in enumerate(x)]


def _welch_psd(samples: list[float], k_max: int) -> tuple[list[float], int]:
    """One-sided Welch PSD (ms²/Hz) of bins 0..k_max and the number of segments."""
    n = _SEGMENT_SAMPLES
    count = 1 + (len(samples) - n) // _SEGMENT_STEP
    used = samples[len(samples) - (n + (count - 1) * _SEGMENT_STEP) :]
    window = _hann(n)
    cos_rows, sin_rows = _dft_rows(n, NFFT, k_max)
    scale = 1.0 / (RESAMPLE_HZ * math.fsum(w * w for w in window))
    psd = [0.0] * (k_max + 1)
    for s in range(count):
        seg = _detrended(used[s * _SEGMENT_STEP : s * _SEGMENT_STEP + n])
        xw = [v * w for v, w in zip(seg, window, strict=True)]
        for k in range(k_max + 1):
            re = math.sumprod(xw, cos_rows[k])
            im = math.sumprod(xw, sin_rows[k])
            power = (re * re + im * im) * scale
            psd[k] += power if k == 0 else 2.0 * power  # one-sided; k_max < NFFT / 2
    return [p / count for p in psd], count


def _hr_oscillation_bpm(times_s: list[float], rr: list[float], cycle_s: float) -> float:
    """Mean (max HR - min HR) over consecutive complete cycles of ``cycle_s`` seconds."""
    start = times_s[0]
    cycles = math.floor((times_s[-1] - start) / cycle_s + 1e-9)
    swings: list[float] = []
    i = 0
    for c in range(cycles):
        end = start + (c + 1) * cycle_s
        hrs: list[float] = []
        while i < len(times_s) and times_s[i] < end:
            hrs.append(_MS_PER_MINUTE / rr[i])
            i += 1
        if len(hrs) >= _MIN_CYCLE_BEATS:
            swings.append(max(hrs) - min(hrs))
    if not swings:
        metric = "hr_oscillation_bpm (breath cycles)"
        raise InsufficientDataError(metric, needed=1, got=0)
    return math.fsum(swings) / len(swings)


def recent_window(rr_ms: Sequence[float], *, window_s: float = WINDOW_S) -> tuple[float, ...]:
    """Return the shortest tail of ``rr_ms`` whose beat times span at least ``window_s``.

    Beat ``i`` closes at ``t_i = Σ_{j<=i} RR_j``; the tail ``rr_ms[k:]`` spans
    ``t_{N-1} - t_k = Σ_{j>k} RR_j``, so it holds one interval more than ``window_s`` of RR.
    This is exactly what :func:`coherence` needs for one 64-s segment: for live biofeedback
    call ``coherence(recent_window(rr_ms))`` every ``UPDATE_S`` seconds. If the whole series
    is shorter, it is returned unchanged (and :func:`coherence` will raise).

    Args:
        rr_ms: RR intervals in ms, oldest first.
        window_s: span to cover, s (> 0).

    Raises:
        ValueError: if ``window_s`` is not a finite positive number.

    Example:
        >>> len(recent_window([1000.0] * 100))
        65
    """
    if not (math.isfinite(window_s) and window_s > 0.0):
        msg = f"window_s must be finite and > 0, got {window_s}"
        raise ValueError(msg)
    span_ms = 0.0
    target_ms = window_s * _MS_PER_S
    for k in range(len(rr_ms) - 1, 0, -1):
        span_ms += rr_ms[k]
        if span_ms >= target_ms - 1e-6:
            return tuple(float(v) for v in rr_ms[k - 1 :])
    return tuple(float(v) for v in rr_ms)


def coherence(
    rr_ms: Sequence[float],
    *,
    breaths_per_min: float | None = None,
    correct_artifacts: bool = True,
) -> BreathingCoherence:
    """Compute the HeartMath coherence ratio and the heart-rate oscillation of an RR series.

    Steps:
        1. Artefacts (``correct_artifacts``, default on): :func:`~.artifacts.correct_rr`
           (Lipponen & Tarvainen 2019) merges extra beats, splits missed beats and
           interpolates ectopic beats. A spectrum needs a continuous, evenly timed series, so
           corrected values are kept here (Task Force 1996: ectopic beats distort the
           spectrum; Kubios corrects before spectral analysis), unlike RMSSD where they end a
           segment. One ectopic beat left in 64 s spreads power over every frequency and
           lowers the ratio.
        2. Beat times ``t_i = Σ_{j<=i} RR_j / 1000`` s; the tachogram ``(t_i, RR_i)`` is
           linearly interpolated at 2 Hz from ``t_0`` to ``t_{N-1}``.
        3. The last ``128 + 64 (K - 1)`` samples are cut into K 64-s segments with 50 %
           overlap (K = 1 + (n - 128) // 64); each is linearly detrended, multiplied by a
           periodic Hann window ``w``, zero-padded to 512 points and transformed
           (direct DFT of the bins up to 0.4 Hz, ``math.sumprod``):
           ``PSD_k = 2 |X_k|² / (fs Σ w²)`` (ms²/Hz, k > 0), averaged over segments.
        4. ``peak_hz`` = frequency of the largest ``PSD_k`` with 0.04 <= f_k <= 0.26 Hz.
        5. Powers ``P(band) = Σ_{f_k in band} PSD_k Δf``, ``Δf = 1/256 Hz``:
           ``peak = P(|f - peak_hz| <= 0.015)``, ``total = P(0.0033-0.4)``.
        6. ``score = peak / (total - peak)`` (McCraty et al. 2009).

    The HeartMath ratio is defined on one 64-s window (updated every 5 s in their devices):
    pass :func:`recent_window` (the last ~65 s of beats) for live biofeedback. Longer input
    gives the Welch average of its 64-s segments (one ratio of the averaged spectrum, not a
    mean of ratios).
    HeartMath's proprietary product score (scaling, smoothing) is not public and is not
    reproduced; the ratio is comparable across sessions of this implementation only.

    Minimum data:
        beats spanning >= 64 s between the first and the last beat time (128 resampled
        samples), i.e. about 65 s of RR; less raises :class:`InsufficientDataError`.

    Args:
        rr_ms: RR intervals in ms, oldest first, one contiguous recording (no gap).
        breaths_per_min: the paced breathing rate, if known: sets the cycle length of
            ``hr_oscillation_bpm`` (60 / pace); otherwise 1 / ``peak_hz`` is used.
        correct_artifacts: run the artefact correction first (default True).

    Returns:
        The :class:`BreathingCoherence`.

    Raises:
        InsufficientDataError: if the beats span less than 64 s.
        ValueError: if an interval is not finite and positive, the pace is outside 3-12
            breaths/min, or the series has no variability at all (zero total power).

    References:
        McCraty R. et al. (2009). The coherent heart. Integral Review 5(2):10-115 (ratio,
        0.04-0.26 Hz peak band, 0.030-Hz window, 0.0033-0.4 Hz total, 64-s window).
        Welch P.D. (1967). IEEE Trans Audio Electroacoust 15(2):70-73. Task Force of the ESC
        and NASPE (1996). Circulation 93(5):1043-1065 (bands, LF power). Lehrer P.M. et al.
        (2000); Shaffer F., Meehan Z.M. (2020) (peak-to-trough HR, LF peak).
        Lipponen J.A., Tarvainen M.P. (2019). J Med Eng Technol 43(3):173-181.

    Example:
        >>> rr = [1000 + 50 * math.sin(2 * math.pi * 0.1 * t) for t in range(120)]
        >>> c = coherence(rr)
        >>> round(c.peak_hz, 3), c.score > 3
        (0.102, True)
    """
    if breaths_per_min is not None:
        _check_pace(breaths_per_min)
    if correct_artifacts:
        correction = correct_rr(rr_ms)
        rr = list(correction.nn_ms)
        artifact_count = len(correction.artifact_indices)
    else:
        rr = [float(v) for v in rr_ms]
        for v in rr:
            if not (math.isfinite(v) and v > 0.0):
                msg = f"RR intervals must be finite and positive, got {v}"
                raise ValueError(msg)
        artifact_count = 0
    times: list[float] = []
    acc = 0.0
    for v in rr:
        acc += v / _MS_PER_S
        times.append(acc)
    span_s = times[-1] - times[0] if times else 0.0
    count = math.floor(span_s * RESAMPLE_HZ + 1e-9) + 1 if len(times) >= 2 else 0  # noqa: PLR2004
    if count < _SEGMENT_SAMPLES:
        metric = "coherence (2-Hz samples of a 64-s window)"
        raise InsufficientDataError(metric, needed=_SEGMENT_SAMPLES, got=count)
    samples = _resample(times, rr, times[0], count)

    total_bins = _bin_range(TOTAL_BAND_HZ)
    psd, segments = _welch_psd(samples, total_bins[-1])
    used = _SEGMENT_SAMPLES + (segments - 1) * _SEGMENT_STEP
    analysed_start = times[0] + (count - used) / RESAMPLE_HZ

    peak_k = max(_bin_range(PEAK_BAND_HZ), key=psd.__getitem__)
    peak_hz = peak_k * _BIN_HZ
    half = PEAK_WINDOW_HZ / 2.0
    peak_bins = _bin_range((peak_hz - half, peak_hz + half))
    total = math.fsum(psd[k] for k in total_bins) * _BIN_HZ
    peak = math.fsum(psd[k] for k in peak_bins if k in total_bins) * _BIN_HZ
    lf = math.fsum(psd[k] for k in _bin_range(LF_BAND_HZ)) * _BIN_HZ
    if not total > 0.0:
        msg = "the RR series has no variability (zero spectral power)"
        raise ValueError(msg)
    rest = total - peak
    score = peak / rest if rest > 0.0 else math.inf

    first = next(i for i, t in enumerate(times) if t >= analysed_start - 1e-9)
    cycle_s = _SECONDS_PER_MINUTE / breaths_per_min if breaths_per_min else 1.0 / peak_hz
    span_times, span_rr = times[first:], rr[first:]
    return BreathingCoherence(
        peak_hz=peak_hz,
        score=score,
        peak_power_ms2=peak,
        total_power_ms2=total,
        lf_power_ms2=lf,
        lf_peak_amplitude=psd[peak_k],
        hr_oscillation_bpm=_hr_oscillation_bpm(span_times, span_rr, cycle_s),
        mean_hr_bpm=_MS_PER_MINUTE * len(span_rr) / math.fsum(span_rr),
        segment_count=segments,
        analysed_s=used / RESAMPLE_HZ,
        artifact_count=artifact_count,
    )


# --- resonance-frequency assessment ---------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ResonanceStep:
    """One pace of the assessment protocol, from :func:`resonance_protocol`.

    Attributes:
        index: 0-based position in the protocol.
        breaths_per_min: the pace to follow during the step.
        start_s: step start, s after the protocol start (inclusive).
        end_s: step end, s after the protocol start (exclusive).
    """

    index: int
    breaths_per_min: float
    start_s: float
    end_s: float


def resonance_protocol(
    paces_bpm: Sequence[float] = RESONANCE_PACES_BPM, *, step_s: float = RESONANCE_STEP_S
) -> tuple[ResonanceStep, ...]:
    """Return the schedule of the resonance-frequency assessment.

    Protocol: paced breathing at 6.5, 6.0, 5.5, 5.0 and 4.5 breaths/min, 2 minutes each, back
    to back (Lehrer et al. 2000; Shaffer & Meehan 2020). Step ``i`` runs over
    ``[i * step_s, (i + 1) * step_s)``; total 10 minutes by default. Drive the pacer of a step
    with ``pacer_phase(pacer(step.breaths_per_min), elapsed_s - step.start_s)`` so that every
    pace starts with an inhale.

    Args:
        paces_bpm: paces in protocol order, each 3-12 breaths/min, distinct.
        step_s: duration of each pace, s; at least 64 s so that each can be analysed.

    Returns:
        The steps, in order.

    Raises:
        ValueError: if a pace is invalid or repeated, no pace is given, or ``step_s`` is
            shorter than 64 s or not finite.

    References:
        Lehrer P.M. et al. (2000). Appl Psychophysiol Biofeedback 25(3):177-191. Shaffer F.,
        Meehan Z.M. (2020). Front Neurosci 14:570400.

    Example:
        >>> [(s.breaths_per_min, s.start_s) for s in resonance_protocol()][:2]
        [(6.5, 0.0), (6.0, 120.0)]
    """
    if not paces_bpm:
        msg = "the protocol needs at least one pace"
        raise ValueError(msg)
    for pace in paces_bpm:
        _check_pace(pace)
    if len(set(paces_bpm)) != len(paces_bpm):
        msg = f"paces must be distinct, got {tuple(paces_bpm)}"
        raise ValueError(msg)
    if not (math.isfinite(step_s) and step_s >= WINDOW_S):
        msg = f"step_s must be finite and >= {WINDOW_S}, got {step_s}"
        raise ValueError(msg)
    return tuple(
        ResonanceStep(
            index=i,
            breaths_per_min=float(pace),
            start_s=i * step_s,
            end_s=(i + 1) * step_s,
        )
        for i, pace in enumerate(paces_bpm)
    )


def protocol_step_at(schedule: Sequence[ResonanceStep], elapsed_s: float) -> ResonanceStep | None:
    """Return the step running at ``elapsed_s`` s after the protocol start, ``None`` after it.

    Raises:
        ValueError: if ``elapsed_s`` is negative or not finite.

    Example:
        >>> protocol_step_at(resonance_protocol(), 250.0).breaths_per_min
        5.5
    """
    if not (math.isfinite(elapsed_s) and elapsed_s >= 0.0):
        msg = f"elapsed_s must be finite and >= 0, got {elapsed_s}"
        raise ValueError(msg)
    for step in schedule:
        if step.start_s <= elapsed_s < step.end_s:
            return step
    return None


def split_rr_by_protocol(
    rr_ms: Sequence[float], schedule: Sequence[ResonanceStep], *, settle_s: float = 0.0
) -> dict[float, tuple[float, ...]]:
    """Assign the RR intervals of one protocol recording to the paces of ``schedule``.

    The recording starts at the protocol start: beat ``i`` closes at
    ``t_i = Σ_{j<=i} RR_j / 1000`` s. An interval belongs to the step whose
    ``[start_s + settle_s, end_s)`` contains ``t_i``; intervals outside every step (settling
    time, after the end) are dropped. Pass the result to :func:`resonance_assessment`.

    Args:
        rr_ms: RR intervals in ms from the protocol start, oldest first, no gap.
        schedule: the steps from :func:`resonance_protocol`.
        settle_s: seconds ignored at the start of each step while breathing adapts (>= 0;
            default 0: the whole 2 minutes are analysed).

    Returns:
        Pace (breaths/min) -> its RR intervals in ms; every step has an entry, maybe empty.

    Raises:
        ValueError: if ``settle_s`` is negative or not finite.
    """
    if not (math.isfinite(settle_s) and settle_s >= 0.0):
        msg = f"settle_s must be finite and >= 0, got {settle_s}"
        raise ValueError(msg)
    parts: dict[float, list[float]] = {step.breaths_per_min: [] for step in schedule}
    t = 0.0
    for rr in rr_ms:
        t += rr / _MS_PER_S
        for step in schedule:
            if step.start_s + settle_s <= t < step.end_s:
                parts[step.breaths_per_min].append(float(rr))
                break
    return {pace: tuple(values) for pace, values in parts.items()}


@dataclass(frozen=True, slots=True, kw_only=True)
class ResonancePace:
    """Figures of one pace of the assessment.

    Attributes:
        breaths_per_min: the pace.
        coherence: the :func:`coherence` of the pace's RR (with the pace as cycle length).
        peak_matches_pace: ``|peak_hz - breaths_per_min / 60| <= 0.015 Hz`` (inside the
            0.030-Hz peak window): the heart-rate oscillation followed the pacer.
    """

    breaths_per_min: float
    coherence: BreathingCoherence
    peak_matches_pace: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ResonanceAssessment:
    """Result of :func:`resonance_assessment`.

    Attributes:
        resonance_breaths_per_min: the chosen pace, breaths/min.
        points: figures of every analysed pace, fastest pace first.
        skipped_breaths_per_min: paces given with too little data (< 64 s), not analysed.
        tied_breaths_per_min: paces whose LF power was within the tie tolerance of the
            largest (the chosen one among them), fastest first.
    """

    resonance_breaths_per_min: float
    points: tuple[ResonancePace, ...]
    skipped_breaths_per_min: tuple[float, ...]
    tied_breaths_per_min: tuple[float, ...]


def resonance_assessment(
    rr_by_pace: Mapping[float, Sequence[float]],
    *,
    tie_tolerance: float = TIE_TOLERANCE,
    correct_artifacts: bool = True,
) -> ResonanceAssessment:
    """Choose the resonance breathing pace: the one with the largest heart-rate oscillation.

    Each pace's RR (about 2 minutes, see :func:`split_rr_by_protocol`) is analysed with
    :func:`coherence` (``breaths_per_min`` = the pace).

    Criterion (project choice among those listed by Shaffer & Meehan 2020):
        1. the largest LF power (0.04-0.15 Hz, ms²) — "maximum LF power"; every assessed pace
           (0.075-0.108 Hz) lies in the LF band and the oscillation at resonance dominates it
           (Lehrer et al. 2000; Vaschillo et al. 2002);
        2. paces whose LF power is within ``tie_tolerance`` (5 %) of the largest are tied; among
           them the largest mean peak-to-trough heart rate (``hr_oscillation_bpm``) wins —
           "maximum peak-to-trough HR difference";
        3. an exact tie on both goes to the faster pace (first in protocol order).
    Phase synchrony between heart rate and breathing and the smoothness of the HR curve, the
    other criteria, need a respiration signal or visual judgement and are not used.
    ``peak_matches_pace`` of each point tells whether the person followed the pacer; it does
    not change the choice.

    Args:
        rr_by_pace: pace (breaths/min) -> RR intervals in ms recorded while breathing at it.
        tie_tolerance: relative LF-power margin counted as a tie, 0 <= tol < 1.
        correct_artifacts: passed to :func:`coherence`.

    Returns:
        The :class:`ResonanceAssessment`.

    Raises:
        InsufficientDataError: if fewer than two paces have 64 s of beats.
        ValueError: if a pace is outside 3-12 breaths/min, the tolerance is invalid, or an RR
            value is invalid.

    References:
        Lehrer P.M., Vaschillo E., Vaschillo B. (2000). Appl Psychophysiol Biofeedback
        25(3):177-191. Shaffer F., Meehan Z.M. (2020). Front Neurosci 14:570400,
        doi:10.3389/fnins.2020.570400. Task Force (1996) for the LF band.
    """
    if not (math.isfinite(tie_tolerance) and 0.0 <= tie_tolerance < 1.0):
        msg = f"tie_tolerance must be within [0, 1), got {tie_tolerance}"
        raise ValueError(msg)
    points: list[ResonancePace] = []
    skipped: list[float] = []
    for pace in sorted(rr_by_pace, reverse=True):
        _check_pace(pace)
        try:
            result = coherence(
                rr_by_pace[pace], breaths_per_min=pace, correct_artifacts=correct_artifacts
            )
        except InsufficientDataError:
            skipped.append(float(pace))
            continue
        matches = abs(result.peak_hz - pace / _SECONDS_PER_MINUTE) <= PEAK_WINDOW_HZ / 2.0
        points.append(
            ResonancePace(breaths_per_min=float(pace), coherence=result, peak_matches_pace=matches)
        )
    if len(points) < 2:  # noqa: PLR2004 - a choice needs two candidates
        metric = "resonance_assessment (paces with 64 s of beats)"
        raise InsufficientDataError(metric, needed=2, got=len(points))
    best_lf = max(p.coherence.lf_power_ms2 for p in points)
    tied = [p for p in points if p.coherence.lf_power_ms2 >= (1.0 - tie_tolerance) * best_lf]
    # max() keeps the first of equal keys: the faster pace on an exact tie.
    chosen = max(tied, key=lambda p: p.coherence.hr_oscillation_bpm)
    return ResonanceAssessment(
        resonance_breaths_per_min=chosen.breaths_per_min,
        points=tuple(points),
        skipped_breaths_per_min=tuple(skipped),
        tied_breaths_per_min=tuple(p.breaths_per_min for p in tied),
    )


# --- before / during / after ----------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class BreathingSegment:
    """RMSSD and mean HR of one part of a session.

    Attributes:
        rmssd_ms: RMSSD of the corrected series, differences inside segments only (ms).
        ln_rmssd: ln(rmssd_ms).
        mean_hr_bpm: 60000 / MeanNN, bpm.
        beat_count: N, corrected intervals.
        duration_s: analysed NN time, s.
        artifact_ratio: share of input intervals changed by the correction, 0-1.
    """

    rmssd_ms: float
    ln_rmssd: float
    mean_hr_bpm: float
    beat_count: int
    duration_s: float
    artifact_ratio: float


@dataclass(frozen=True, slots=True, kw_only=True)
class BreathingSessionSummary:
    """Before / during / after figures of a breathing session; ``None`` = too little data.

    Attributes:
        before: the resting segment before the session.
        during: the paced-breathing segment.
        after: the resting segment after the session.
    """

    before: BreathingSegment | None
    during: BreathingSegment | None
    after: BreathingSegment | None


def _segment(
    rr_ms: Sequence[float], min_successive: int, min_duration_s: float
) -> BreathingSegment | None:
    try:
        correction = correct_rr(rr_ms)
        s = time_domain(
            correction.nn_ms,
            breaks=correction.breaks,
            min_successive=min_successive,
            min_duration_s=min_duration_s,
        )
    except InsufficientDataError:
        return None
    return BreathingSegment(
        rmssd_ms=s.rmssd_ms,
        ln_rmssd=s.ln_rmssd,
        mean_hr_bpm=s.hr_bpm,
        beat_count=s.beat_count,
        duration_s=s.duration_s,
        artifact_ratio=correction.artifact_ratio,
    )


def session_summary(
    *,
    before_rr_ms: Sequence[float],
    during_rr_ms: Sequence[float],
    after_rr_ms: Sequence[float],
    min_successive: int = MIN_SUCCESSIVE_DIFFERENCES,
    min_duration_s: float = MIN_DURATION_S,
) -> BreathingSessionSummary:
    """Summarise RMSSD and mean heart rate before, during and after a breathing session.

    Each part is corrected with :func:`~.artifacts.correct_rr` (Lipponen & Tarvainen 2019) and
    measured with :func:`~.hrv.time_domain`, exactly as the morning measurement
    (science.md §2.2, §3.4): ``RMSSD = sqrt(Σ ΔNN² / M)`` over differences that touch no
    corrected value, ``HR = 60000 / MeanNN``. A part with too little data (default: fewer
    than 60 successive differences or 60 s) is ``None``, never 0. During slow breathing RMSSD
    rises with the respiratory oscillation (Lehrer et al. 2000). Steffen et al. (2017): after
    15 min at the resonance pace, higher LF/HF and positive mood than quiet sitting, and lower
    systolic pressure during a later stress task, while a pace 1 breath/min faster did not
    differ from either group. The comparison is descriptive.

    Args:
        before_rr_ms: RR in ms of the rest before the session (e.g. 2 minutes).
        during_rr_ms: RR in ms of the paced breathing.
        after_rr_ms: RR in ms of the rest after the session.
        min_successive: minimum M per part (see :func:`~.hrv.time_domain`).
        min_duration_s: minimum analysed time per part, s.

    Returns:
        The :class:`BreathingSessionSummary`.

    Raises:
        ValueError: if an RR value or a minimum is invalid.

    References:
        Task Force of the ESC and NASPE (1996). Circulation 93(5):1043-1065. Steffen P.R. et
        al. (2017). Front Public Health 5:222. Lipponen J.A., Tarvainen M.P. (2019).
    """
    if min_successive < 1 or not (math.isfinite(min_duration_s) and min_duration_s >= 0.0):
        msg = f"invalid minimums: min_successive={min_successive}, min_duration_s={min_duration_s}"
        raise ValueError(msg)
    return BreathingSessionSummary(
        before=_segment(before_rr_ms, min_successive, min_duration_s),
        during=_segment(during_rr_ms, min_successive, min_duration_s),
        after=_segment(after_rr_ms, min_successive, min_duration_s),
    )
