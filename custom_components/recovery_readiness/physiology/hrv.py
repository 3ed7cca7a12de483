"""Time-domain heart rate variability of NN intervals (science.md §2).

All metrics are computed over NN intervals that may be split into *segments* by ``breaks``: a
break is the index of a beat that follows a gap (a transmission gap, a removed beat or an
interpolated value), and no successive difference is ever taken across one. Estimators are fixed
and written into each docstring, because libraries disagree on them (science.md §2.3).

References:
    Task Force of the ESC and NASPE (1996). Heart rate variability: standards of measurement,
    physiological interpretation and clinical use. Circulation 93(5):1043-1065.
    Plews D.J. et al. (2013). Training adaptation and heart rate variability in elite endurance
    athletes: opening the door to effective monitoring. Sports Med 43(9):773-781.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from .errors import InsufficientDataError

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

__all__ = [
    "MIN_DURATION_S",
    "MIN_SUCCESSIVE_DIFFERENCES",
    "NN50_THRESHOLD_MS",
    "HrvSummary",
    "successive_differences_ms",
    "time_domain",
]

MIN_SUCCESSIVE_DIFFERENCES: Final = 60
"""Default minimum number M of successive differences (project default, science.md §2.2)."""

MIN_DURATION_S: Final = 60.0
"""Default minimum analysed NN time, s: the 60-s window of Esco & Flatt (2014), science.md §2.2."""

NN50_THRESHOLD_MS: Final = 50.0
"""NN50 counts ``|dNN| > 50 ms``, strictly greater (Task Force 1996; Mietus et al. 2002)."""

_MS_PER_MINUTE: Final = 60_000.0
_MS_PER_S: Final = 1000.0


@dataclass(frozen=True, slots=True, kw_only=True)
class HrvSummary:
    """Time-domain HRV of one analysed series of NN intervals (science.md §2.2).

    Attributes:
        mean_nn_ms: MeanNN = sum(NN) / N.
        hr_bpm: mean heart rate = 60000 / MeanNN (not the mean of instantaneous HR).
        sdnn_ms: SDNN, sample standard deviation of all NN (ddof = 1).
        rmssd_ms: RMSSD = sqrt(sum(dNN**2) / M), differences inside segments only.
        ln_rmssd: natural logarithm of ``rmssd_ms`` (dimensionless); ``-inf`` when RMSSD is 0
            (a constant series, never physiological).
        sdsd_ms: SDSD, sample standard deviation of the M differences (ddof = 1); ``None``
            when M < 2.
        nn50_count: NN50 = number of differences with ``|dNN| > 50 ms``.
        pnn50_pct: pNN50 = 100 * NN50 / M (denominator: the number of differences).
        beat_count: N, the number of NN intervals.
        successive_count: M, the number of successive differences used.
        segment_count: number of segments the breaks cut the series into.
        duration_s: sum(NN) / 1000, the analysed NN time.
    """

    mean_nn_ms: float
    hr_bpm: float
    sdnn_ms: float
    rmssd_ms: float
    ln_rmssd: float
    sdsd_ms: float | None
    nn50_count: int
    pnn50_pct: float
    beat_count: int
    successive_count: int
    segment_count: int
    duration_s: float


def successive_differences_ms(
    nn_ms: Sequence[float], *, breaks: Collection[int] = ()
) -> tuple[float, ...]:
    """Return the successive differences ``NN[i] - NN[i-1]`` that do not span a break.

    Formula:
        dNN_i = NN_i - NN_{i-1} for every i in 1..N-1 with i not in ``breaks``. A break at i
        means beat i follows a gap, so the pair (i-1, i) is skipped; M = len(result)
        = sum over segments of (n_k - 1).

    Args:
        nn_ms: NN intervals in ms, oldest first.
        breaks: indices of beats that follow a gap (0 <= index < N; index 0 changes nothing).

    Raises:
        ValueError: if a break index lies outside ``0 .. N-1``.

    References:
        Task Force of the ESC and NASPE (1996). Circulation 93(5):1043-1065; science.md §2.1
        rule 2 (differences only inside a segment).

    Example:
        >>> successive_differences_ms([800.0, 820.0, 900.0, 910.0], breaks={2})
        (20.0, 10.0)
    """
    n = len(nn_ms)
    for index in breaks:
        if not 0 <= index < n:
            msg = f"break index {index} outside 0..{n - 1}"
            raise ValueError(msg)
    skip = set(breaks)
    return tuple(nn_ms[i] - nn_ms[i - 1] for i in range(1, n) if i not in skip)


def time_domain(
    nn_ms: Sequence[float],
    *,
    breaks: Collection[int] = (),
    min_successive: int = MIN_SUCCESSIVE_DIFFERENCES,
    min_duration_s: float = MIN_DURATION_S,
) -> HrvSummary:
    """Compute time-domain HRV of NN intervals, never differencing across a break.

    Formulas (science.md §2.2; N = number of NN, M = number of successive differences taken
    inside segments, dNN = NN_i - NN_{i-1} inside a segment):
        MeanNN = sum(NN) / N
        HR     = 60000 / MeanNN                                   (bpm)
        SDNN   = sqrt(sum((NN - MeanNN)**2) / (N - 1))            (ddof = 1, all segments)
        RMSSD  = sqrt(sum(dNN**2) / M)                            (mean over M, never N)
        lnRMSSD = ln(RMSSD in ms)
        SDSD   = sqrt(sum((dNN - mean dNN)**2) / (M - 1))         (ddof = 1)
        NN50   = #{|dNN| > 50 ms}  (strict)
        pNN50  = 100 * NN50 / M                                   (denominator M, not N)

    Sums use ``math.fsum`` (exactly rounded); SDNN and SDSD use the two-pass formula.

    Minimum data:
        M >= ``min_successive`` (default 60) and sum(NN) >= ``min_duration_s`` (default 60 s,
        Esco & Flatt 2014), and always N >= 2, M >= 1. Too little data raises
        :class:`InsufficientDataError`; it is never reported as 0.

    Args:
        nn_ms: NN intervals in ms (already screened, e.g. ``correct_rr(...).nn_ms``).
        breaks: indices of beats that follow a gap; no difference spans one.
        min_successive: minimum M (>= 1).
        min_duration_s: minimum analysed NN time in s (>= 0).

    Returns:
        The :class:`HrvSummary` of the series.

    Raises:
        InsufficientDataError: if N, M or the duration is below its minimum.
        ValueError: if an interval is not a finite positive number, a break index is out of
            range, or a minimum is invalid.

    References:
        Task Force of the ESC and NASPE (1996). Circulation 93(5):1043-1065 (MeanNN, SDNN,
        RMSSD, SDSD, NN50). Plews D.J. et al. (2013). Sports Med 43(9):773-781 (lnRMSSD).
        Mietus J.E. et al. (2002). Heart 88:378-380 (pNNx). Esco M.R., Flatt A.A. (2014).
        J Sports Sci Med 13(3):535-541 (60-s minimum).

    Example:
        Two segments (science.md §2.2 golden vector), M = 7:

        >>> nn = [800, 820, 810, 790, 805, 900, 910, 905, 895]
        >>> s = time_domain(nn, breaks={5}, min_successive=1, min_duration_s=0)
        >>> round(s.rmssd_ms, 3), s.successive_count
        (13.887, 7)
    """
    if min_successive < 1:
        msg = f"min_successive must be >= 1, got {min_successive}"
        raise ValueError(msg)
    if not min_duration_s >= 0.0:
        msg = f"min_duration_s must be >= 0, got {min_duration_s}"
        raise ValueError(msg)
    values = [float(v) for v in nn_ms]
    for v in values:
        if not (math.isfinite(v) and v > 0.0):
            msg = f"NN intervals must be finite and positive, got {v}"
            raise ValueError(msg)
    n = len(values)
    if n < 2:  # noqa: PLR2004 - SDNN with ddof 1 needs two values
        metric = "sdnn_ms"
        raise InsufficientDataError(metric, needed=2, got=n)
    diffs = successive_differences_ms(values, breaks=breaks)
    m = len(diffs)
    if m < min_successive:
        metric = "rmssd_ms (successive differences)"
        raise InsufficientDataError(metric, needed=min_successive, got=m)
    total_ms = math.fsum(values)
    if total_ms / _MS_PER_S < min_duration_s:
        metric = "analysed NN duration (s)"
        raise InsufficientDataError(
            metric,
            needed=math.ceil(min_duration_s),
            got=math.floor(total_ms / _MS_PER_S),
        )

    mean_nn = total_ms / n
    sdnn = math.sqrt(math.fsum((v - mean_nn) ** 2 for v in values) / (n - 1))
    rmssd = math.sqrt(math.fsum(d * d for d in diffs) / m)
    sdsd: float | None = None
    if m >= 2:  # noqa: PLR2004 - ddof 1
        mean_d = math.fsum(diffs) / m
        sdsd = math.sqrt(math.fsum((d - mean_d) ** 2 for d in diffs) / (m - 1))
    nn50 = sum(1 for d in diffs if abs(d) > NN50_THRESHOLD_MS)
    segments = 1 + sum(1 for b in set(breaks) if b > 0)
    return HrvSummary(
        mean_nn_ms=mean_nn,
        hr_bpm=_MS_PER_MINUTE / mean_nn,
        sdnn_ms=sdnn,
        rmssd_ms=rmssd,
        ln_rmssd=math.log(rmssd) if rmssd > 0.0 else -math.inf,
        sdsd_ms=sdsd,
        nn50_count=nn50,
        pnn50_pct=100.0 * nn50 / m,
        beat_count=n,
        successive_count=m,
        segment_count=segments,
        duration_s=total_ms / _MS_PER_S,
    )
