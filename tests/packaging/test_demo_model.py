"""The demo runner's person model and the demo strap's RR series (HA-free)."""

from __future__ import annotations

import importlib.util
import itertools
import math
import statistics
import sys
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 12, 3)


def _load(name: str, path: Path) -> ModuleType:
    """Load one file as a module (its package's __init__ imports Home Assistant)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


model = _load(
    "demo_person_model",
    ROOT / "demo" / "custom_components" / "recovery_readiness_demo" / "person_model.py",
)
frames = _load("demo_frames", ROOT / "tests" / "emulated" / "frames.py")
DEMO = ROOT / "demo" / "custom_components" / "recovery_readiness_demo" / "__init__.py"
DEMO_HR_DRIFT_BPM = float(
    next(
        line.split("=")[1]
        for line in DEMO.read_text(encoding="utf-8").splitlines()
        if line.startswith("HR_DRIFT_BPM")
    )
)
PUBLISH_FRAMES = 5  # the strap coordinator publishes the median HR of 5 s of 1-Hz frames
LIVE_CHECK_PUBLICATIONS = 7  # the browser check's first reading and 30 s after it


def _days(start: date, count: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(count)]


def test_history_spans_sixty_days_ending_yesterday() -> None:
    history = model.history(TODAY)
    days = [m.day for m in history.mornings]
    assert days == _days(TODAY - timedelta(days=60), 60)
    assert history.nights[-1].wake_day == TODAY
    assert len(history.nights) == 60
    assert all(TODAY - timedelta(days=60) <= a.day < TODAY for a in history.activities)


def test_weekly_rhythm() -> None:
    days = _days(date(2026, 1, 5), 7 * 40)  # 40 weeks from a Monday
    by_weekday: dict[int, set[str]] = {d: set() for d in range(7)}
    for day in days:
        for activity in model.activities_on(day):
            by_weekday[day.weekday()].add(activity.kind)
    assert by_weekday[0] == set()
    assert by_weekday[4] == set()
    assert by_weekday[1] == {"intervals"}
    assert by_weekday[6] == {"long"}
    assert by_weekday[3] == {"easy", "tempo"}  # tempo only in block weeks
    tempo_days = [d for d in days for a in model.activities_on(d) if a.kind == "tempo"]
    assert tempo_days
    assert all(model.is_block_week(d) for d in tempo_days)
    week_load = [
        sum(a.trimp for d in days[i : i + 7] for a in model.activities_on(d))
        for i in range(0, len(days), 7)
    ]
    block = [w for i, w in enumerate(week_load) if model.is_block_week(days[i * 7])]
    normal = [w for i, w in enumerate(week_load) if not model.is_block_week(days[i * 7])]
    assert min(block) > max(normal)


def test_the_last_sixty_days_hold_one_block_week_and_a_couple_of_short_nights() -> None:
    history = model.history(TODAY)
    assert {a.day for a in history.activities if a.kind == "tempo"}
    assert 1 <= sum(n.short for n in history.nights) <= 4


def test_deterministic_and_independent_of_the_start_day() -> None:
    assert model.history(TODAY) == model.history(TODAY)
    later = model.history(TODAY + timedelta(days=3))
    shared = {m.day: m for m in model.history(TODAY).mornings}
    assert all(m == shared[m.day] for m in later.mornings if m.day in shared)
    assert model.history(TODAY, seed=1) != model.history(TODAY, seed=2)
    ids = [a.activity_id for a in model.history(TODAY).activities]
    assert len(ids) == len(set(ids))


def test_values_are_plausible() -> None:
    for day in _days(date(2026, 1, 1), 365):
        morning = model.morning(day)
        assert 35 < morning.rmssd_ms < 110
        assert 42 < morning.resting_hr_bpm < 62
        night = model.night_ending(day)
        assert 5.5 <= night.hours <= 8.6
        assert night.bedtime < night.wake
        for activity in model.activities_on(day):
            assert 20 * 60 < activity.duration_s < 150 * 60
            assert 120 <= activity.avg_hr_bpm <= activity.max_hr_bpm < model.MAX_HR_BPM
            assert activity.start.date() == day
            assert 10 < activity.trimp < 300
    history = model.history(TODAY)
    normal = [n.hours for n in history.nights if not n.short]
    assert 7.4 < statistics.mean(normal) < 8.2


def test_hrv_falls_and_resting_hr_rises_after_load() -> None:
    days = _days(date(2026, 1, 1), 365)
    after_hard = [d for d in days if model.fatigue(d) > 150]
    after_rest = [d for d in days if model.fatigue(d) < 90]
    assert after_hard
    assert after_rest
    ln_hard = statistics.mean(model.expected_morning(d).ln_rmssd for d in after_hard)
    ln_rest = statistics.mean(model.expected_morning(d).ln_rmssd for d in after_rest)
    hr_hard = statistics.mean(model.expected_morning(d).resting_hr_bpm for d in after_hard)
    hr_rest = statistics.mean(model.expected_morning(d).resting_hr_bpm for d in after_rest)
    assert ln_rest - ln_hard > 0.05
    assert hr_hard - hr_rest > 1.5
    # Monday (after the long run) is the lowest morning of a normal week, Saturday (after a
    # rest day) among the highest.
    mondays = [d for d in days if d.weekday() == 0 and not model.is_block_week(d)]
    saturdays = [d for d in days if d.weekday() == 5 and not model.is_block_week(d)]
    assert statistics.mean(model.expected_morning(d).ln_rmssd for d in mondays) < (
        statistics.mean(model.expected_morning(d).ln_rmssd for d in saturdays) - 0.05
    )


def test_short_sleep_lowers_hrv() -> None:
    days = _days(date(2026, 1, 1), 365)
    short = [d for d in days if model.night_ending(d).short]
    assert short
    for day in short:
        morning = model.expected_morning(day)
        assert morning.sleep_deficit_h > 1.0
        assert morning.ln_rmssd == pytest.approx(
            math.log(model.RMSSD_RESTED_MS)
            - model.A_LOAD * morning.fatigue_trimp
            - model.B_SLEEP * morning.sleep_deficit_h
        )
        assert morning.resting_hr_bpm == pytest.approx(
            model.REST_HR_RESTED_BPM
            + model.C_LOAD * morning.fatigue_trimp
            + model.E_SLEEP * morning.sleep_deficit_h
        )
    deficits = [model.expected_morning(d).sleep_deficit_h for d in days]
    assert sum(x > 0 for x in deficits) == len(short)  # only short nights leave a deficit


@pytest.mark.parametrize("today", _days(TODAY - timedelta(days=28), 29))
def test_today_agrees_with_the_recent_baseline(today: date) -> None:
    """The expected morning lies near the history's 7-day mean (within 2 SD of 60 days)."""
    history = model.history(today)
    ln = [m.ln_rmssd for m in history.mornings]
    hr = [m.resting_hr_bpm for m in history.mornings]
    expected = model.expected_morning(today)
    assert abs(expected.ln_rmssd - statistics.mean(ln[-7:])) < 2 * statistics.stdev(ln)
    assert abs(expected.resting_hr_bpm - statistics.mean(hr[-7:])) < 2 * statistics.stdev(hr)


def test_the_demo_day_is_an_ordinary_morning() -> None:
    """On the reference day the expected morning is inside the 60-day normal range (0.5 SD)."""
    history = model.history(TODAY)
    ln = [m.ln_rmssd for m in history.mornings]
    hr = [m.resting_hr_bpm for m in history.mornings]
    expected = model.expected_morning(TODAY)
    assert abs(expected.ln_rmssd - statistics.mean(ln)) < 0.5 * statistics.stdev(ln)
    assert abs(expected.resting_hr_bpm - statistics.mean(hr)) < 0.5 * statistics.stdev(hr)


@pytest.mark.parametrize("hr_drift_bpm", [0.0, DEMO_HR_DRIFT_BPM])
@pytest.mark.parametrize(("rmssd_ms", "hr_bpm"), [(60.0, 50.0), (45.0, 58.0), (80.0, 47.0)])
def test_strap_series_hits_the_model(rmssd_ms: float, hr_bpm: float, hr_drift_bpm: float) -> None:
    beats = frames.resting_rr_ms(
        rmssd_ms=rmssd_ms, hr_bpm=hr_bpm, seed=3, hr_drift_bpm=hr_drift_bpm
    )
    rr = [next(beats) for _ in range(120)]  # about two minutes: a morning measurement
    diffs = [b - a for a, b in itertools.pairwise(rr)]
    rmssd = math.sqrt(sum(d * d for d in diffs) / len(diffs))
    assert rmssd == pytest.approx(rmssd_ms, rel=0.08)
    assert 60000 / statistics.mean(rr) == pytest.approx(hr_bpm, abs=1.0)


def _stuck_30_s_windows(seed: int, hr_drift_bpm: float) -> int:
    """30-s windows in 20 min of the strap's published HR that show one whole number only."""
    beats = frames.resting_rr_ms(rmssd_ms=59.0, hr_bpm=50.4, seed=seed, hr_drift_bpm=hr_drift_bpm)
    pacer = frames.FramePacer(beats)
    hr = [pacer.next_frame()[1] for _ in range(1200)]
    shown = [
        round(statistics.median(hr[i : i + PUBLISH_FRAMES]))
        for i in range(0, len(hr) - PUBLISH_FRAMES + 1, PUBLISH_FRAMES)
    ]
    return sum(
        len(set(shown[i : i + LIVE_CHECK_PUBLICATIONS])) == 1
        for i in range(len(shown) - LIVE_CHECK_PUBLICATIONS + 1)
    )


@pytest.mark.parametrize("seed", range(739_000, 739_020))
def test_demo_strap_live_heart_rate_moves_within_30_s(seed: int) -> None:
    """Every 30 s of the demo strap's published heart rate holds at least two whole numbers.

    The strap coordinator publishes the median of 5 s of frames; the card shows it rounded;
    the browser check wants it to change within 30 s.
    """
    assert _stuck_30_s_windows(seed, DEMO_HR_DRIFT_BPM) == 0


def test_without_drift_a_50_bpm_morning_can_hold_still_for_30_s() -> None:
    """Why the demo drifts: its 4-beat HR at 50 bpm averages the breathing out."""
    assert any(_stuck_30_s_windows(seed, 0.0) for seed in range(739_000, 739_020))
