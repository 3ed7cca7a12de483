"""Time-domain HRV: hand-computed golden vectors and the shared reference series."""

from __future__ import annotations

import csv
import math
import struct
from pathlib import Path

import pytest
from physiology import InsufficientDataError
from physiology.hrv import HrvSummary, successive_differences_ms, time_domain

LOOSE = {"min_successive": 1, "min_duration_s": 0.0}


def _read_npy_int64(path: Path) -> list[float]:
    """Read a 1-D little-endian int64 .npy file (format 1.0) without NumPy."""
    raw = path.read_bytes()
    assert raw[:6] == b"\x93NUMPY"
    header_len = struct.unpack("<H", raw[8:10])[0]
    body = raw[10 + header_len :]
    return [float(v) for v in struct.unpack(f"<{len(body) // 8}q", body)]


def test_rmssd_skips_differences_across_breaks():
    # science.md §2.2 golden vector: segments [800 820 810 790 805] and [900 910 905 895].
    # Differences 20 -10 -20 15 | 10 -5 -10: sum of squares 400+100+400+225+100+25+100 = 1350,
    # M = 7, RMSSD = sqrt(1350 / 7) = 13.887 ms.
    nn = [800, 820, 810, 790, 805, 900, 910, 905, 895]
    s = time_domain(nn, breaks={5}, **LOOSE)
    assert s.successive_count == 7
    assert s.segment_count == 2
    assert s.rmssd_ms == pytest.approx(math.sqrt(1350 / 7))
    assert round(s.rmssd_ms, 3) == 13.887


def test_rmssd_across_the_gap_would_be_much_larger():
    # Same vector without the break: the 805 -> 900 step adds 95**2 = 9025, M = 8,
    # RMSSD = sqrt(10375 / 8) = 36.012 ms.
    s = time_domain([800, 820, 810, 790, 805, 900, 910, 905, 895], **LOOSE)
    assert s.successive_count == 8
    assert round(s.rmssd_ms, 3) == 36.012


def test_time_domain_golden_small_series():
    # NN 800 810 790 800: mean 800, deviations 0 10 -10 0 -> SDNN = sqrt(200 / 3) (ddof 1);
    # differences 10 -20 10 -> RMSSD = sqrt(600 / 3) = sqrt(200); HR = 60000 / 800 = 75 bpm.
    s = time_domain([800, 810, 790, 800], **LOOSE)
    assert s.mean_nn_ms == 800.0
    assert s.hr_bpm == 75.0
    assert s.sdnn_ms == pytest.approx(math.sqrt(200 / 3))
    assert s.rmssd_ms == pytest.approx(math.sqrt(200))
    assert s.ln_rmssd == pytest.approx(math.log(math.sqrt(200)))
    assert s.beat_count == 4
    assert s.successive_count == 3
    assert s.duration_s == pytest.approx(3.2)
    assert s.pnn50_pct == 0.0


def test_pnn50_divides_by_the_number_of_differences():
    # Differences 60 -60 10: NN50 = 2, M = 3 -> 66.67 % (dividing by N = 4 would give 50 %).
    s = time_domain([800, 860, 800, 810], **LOOSE)
    assert s.nn50_count == 2
    assert s.pnn50_pct == pytest.approx(200 / 3)


def test_nn50_counts_only_differences_strictly_above_50_ms():
    s = time_domain([800, 850, 800, 851], **LOOSE)  # |d| = 50, 50, 51
    assert s.nn50_count == 1


def test_sdsd_uses_ddof_1_over_the_differences():
    # Differences 60 -60 10, mean 10/3: squares of deviations (170/3)^2 + (190/3)^2 + (20/3)^2
    # = (28900 + 36100 + 400) / 9 = 65400 / 9; / (M - 1 = 2) -> sqrt(65400 / 18).
    s = time_domain([800, 860, 800, 810], **LOOSE)
    assert s.sdsd_ms == pytest.approx(math.sqrt(65400 / 18))


def test_sdsd_is_none_with_a_single_difference():
    s = time_domain([800, 820], **LOOSE)
    assert s.sdsd_ms is None
    assert s.rmssd_ms == 20.0


def test_constant_series_has_zero_rmssd_and_minus_infinite_ln():
    s = time_domain([800.0] * 5, **LOOSE)
    assert s.rmssd_ms == 0.0
    assert s.ln_rmssd == -math.inf
    assert s.sdnn_ms == 0.0


def test_break_at_index_zero_changes_nothing():
    a = time_domain([800, 810, 790, 800], breaks={0}, **LOOSE)
    b = time_domain([800, 810, 790, 800], **LOOSE)
    assert a == b
    assert a.segment_count == 1


def test_successive_differences_skip_each_break():
    assert successive_differences_ms([800, 820, 900, 910, 930], breaks=[2, 4]) == (20.0, 10.0)


def test_break_outside_the_series_is_rejected():
    with pytest.raises(ValueError, match="break index 4"):
        time_domain([800, 810, 820, 830], breaks={4}, **LOOSE)


@pytest.mark.parametrize("bad", [0.0, -800.0, math.nan, math.inf])
def test_non_positive_or_non_finite_intervals_are_rejected(bad):
    with pytest.raises(ValueError, match="finite and positive"):
        time_domain([800, bad, 820], **LOOSE)


def test_invalid_minimums_are_rejected():
    with pytest.raises(ValueError, match="min_successive"):
        time_domain([800, 810, 820], min_successive=0)
    with pytest.raises(ValueError, match="min_duration_s"):
        time_domain([800, 810, 820], min_successive=1, min_duration_s=-1.0)


def test_default_minimum_needs_60_successive_differences():
    nn = [800.0 + (i % 7) for i in range(60)]  # 59 differences, 48 s
    with pytest.raises(InsufficientDataError) as info:
        time_domain(nn)
    assert isinstance(info.value, ValueError)
    assert (info.value.needed, info.value.got) == (60, 59)


def test_default_minimum_needs_60_seconds_of_nn():
    nn = [500.0 + (i % 7) for i in range(100)]  # 99 differences but only ~50 s
    with pytest.raises(InsufficientDataError) as info:
        time_domain(nn)
    assert info.value.needed == 60
    assert info.value.got == 50


def test_breaks_can_make_data_insufficient():
    nn = [1000.0 + (i % 5) for i in range(70)]  # 69 differences, 70 s
    assert time_domain(nn).successive_count == 69
    with pytest.raises(InsufficientDataError):
        time_domain(nn, breaks=range(1, 12))  # 11 differences removed -> 58


@pytest.mark.parametrize("nn", [[], [800.0]])
def test_fewer_than_two_intervals_is_insufficient_not_zero(nn):
    with pytest.raises(InsufficientDataError):
        time_domain(nn, **LOOSE)


def test_summary_is_frozen():
    s = time_domain([800, 810, 790, 800], **LOOSE)
    assert isinstance(s, HrvSummary)
    with pytest.raises(AttributeError):
        s.rmssd_ms = 1.0  # type: ignore[misc]


# --- shared data (skipped when ../shared/data is absent) ------------------------------------


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SampleNNISeriesShort.npy", (888.955, 95.690, 101.301, 4.6181, 48.512)),
        ("SampleNNISeriesLong.npy", (768.438, 85.357, 60.523, 4.1030, 28.571)),
    ],
)
def test_pyhrv_reference_series_match_the_published_values(shared_data, name, expected):
    # MeanNN / SDNN / RMSSD / lnRMSSD / pNN50 (÷ M) from science.md §2.3 and §9.4
    mean_nn, sdnn, rmssd, ln_rmssd, pnn50 = expected
    path = shared_data / "pyhrv" / name
    if not path.is_file():
        pytest.skip(f"missing {path}")
    s = time_domain(_read_npy_int64(path))
    assert round(s.mean_nn_ms, 3) == mean_nn
    assert round(s.sdnn_ms, 3) == sdnn
    assert round(s.rmssd_ms, 3) == rmssd
    assert round(s.ln_rmssd, 4) == ln_rmssd
    assert round(s.pnn50_pct, 3) == pnn50


@pytest.mark.shared_data
def test_welltory_rows_match_the_app_rmssd_sdnn_and_pnn50(shared_data):
    path = shared_data / "welltory" / "hrv_measurements.csv"
    if not path.is_file():
        pytest.skip(f"missing {path}")
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 3245
    for row in rows:
        rr = [float(v) for v in row["rr_data"].split(",")]
        s = time_domain(rr, min_duration_s=0.0)
        assert abs(s.rmssd_ms - float(row["rmssd"])) < 0.01, row["rr_code"]
        assert abs(s.sdnn_ms - float(row["sdnn"])) < 0.01, row["rr_code"]
        assert abs(s.pnn50_pct - float(row["pnn50"])) < 0.01, row["rr_code"]
        if row["rr_code"] == "10489a6aea":
            assert round(s.rmssd_ms, 3) == 54.174
            assert round(s.ln_rmssd, 4) == 3.9922
            assert round(s.mean_nn_ms, 3) == 795.900
