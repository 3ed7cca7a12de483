"""Centred rolling order statistics for the artefact detector (private).

Windows are centred and truncated at the series edges (``width // 2`` values either side where
they exist), so every position gets a value; quantiles interpolate linearly between order
statistics (Hyndman & Fan 1996 definition 7, the default of NumPy and pandas). A sorted window is
maintained with ``bisect`` so a series of n values costs O(n * width) element moves in C, not
O(n * width * log width) Python comparisons.
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["quantile_sorted", "rolling"]


def quantile_sorted(ordered: Sequence[float], q: float) -> float:
    """Return the q-quantile of sorted values, linear interpolation (Hyndman-Fan type 7).

    Formula:
        h = (n - 1) * q; Q = x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]).

    Raises:
        ValueError: if ``ordered`` is empty.
    """
    if not ordered:
        msg = "quantile of an empty window"
        raise ValueError(msg)
    h = (len(ordered) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo])


def rolling(
    values: Sequence[float], width: int, statistic: Callable[[list[float]], float]
) -> list[float]:
    """Apply ``statistic`` to the sorted centred window around every position.

    The window at position k holds ``values[max(0, k - width // 2) : k + width // 2 + 1]``,
    sorted ascending. ``statistic`` must not modify the list it receives.
    """
    n = len(values)
    half = width // 2
    window = sorted(values[:half])
    out: list[float] = []
    for k in range(n):
        entering = k + half
        if entering < n:
            insort(window, values[entering])
        leaving = k - half - 1
        if leaving >= 0:
            del window[bisect_left(window, values[leaving])]
        out.append(statistic(window))
    return out
