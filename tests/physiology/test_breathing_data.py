"""physiology.breathing on the shared real RR recordings (data README: pyhrv, polar_hrm).

The files are read in place from ../shared/data and never copied; every test skips when its
file is absent. Spontaneous breathing at rest is not coherent: the ratio stays low. Agreement
with SciPy on the same files is measured in benchmarks/validate_breathing.py.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

import pytest
from physiology.artifacts import correct_rr
from physiology.breathing import coherence, recent_window

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.shared_data


def _require(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"missing shared data file: {path.name}")
    return path


def _read_npy_int64(path: Path) -> list[float]:
    raw = path.read_bytes()
    assert raw[:6] == b"\x93NUMPY"
    header_len = struct.unpack("<H", raw[8:10])[0]
    body = raw[10 + header_len :]
    return [float(v) for v in struct.unpack(f"<{len(body) // 8}q", body)]


def test_pyhrv_short_series_regression(shared_data):
    rr = _read_npy_int64(_require(shared_data / "pyhrv" / "SampleNNISeriesShort.npy"))
    c = coherence(rr)
    # Regression values of this implementation (identical to SciPy's Welch on the same
    # corrected series, benchmarks/results/validate_breathing.md): 337 beats, 8 segments.
    assert c.segment_count == 8
    assert c.artifact_count == 4
    assert c.peak_hz == 62 / 256  # 0.242 Hz: spontaneous breathing at ~14.5 breaths/min
    assert c.score == pytest.approx(0.18079, rel=1e-4)
    assert c.total_power_ms2 == pytest.approx(5660.0, rel=1e-4)


def test_polar_rest_recording_is_not_coherent(shared_data):
    path = _require(shared_data / "polar_hrm" / "rest_rri.txt")
    rr = [float(v) for v in path.read_text().split() if v.strip()]
    nn = list(correct_rr(rr).nn_ms)
    scores = []
    end = len(nn)
    while end > 0:
        window = recent_window(nn[:end])
        if sum(window[1:]) < 64_000.0:
            break
        scores.append(coherence(window, correct_artifacts=False).score)
        end -= len(window)
    assert len(scores) >= 10
    assert max(scores) < 1.0
