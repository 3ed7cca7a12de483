"""Properties of physiology.sleep that hold for any input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from physiology import InsufficientDataError
from physiology.sleep import (
    SleepEpisode,
    merge_episodes,
    sleep_debt_h,
    sleep_regularity_index,
    sri_valid_paired_days,
    summarize_nights,
)

AMS = ZoneInfo("Europe/Amsterdam")
EPOCH_S = 3600  # 24 epochs per day keeps examples small

day_pattern = st.lists(st.integers(0, 1), min_size=24, max_size=24)
state = st.one_of(st.none(), st.integers(0, 1))


@given(pattern=day_pattern, days=st.integers(2, 10), tail=st.lists(st.integers(0, 1), max_size=23))
def test_sri_of_a_perfectly_regular_schedule_is_100(pattern, days, tail):
    assert sleep_regularity_index(pattern * days + tail, epoch_s=EPOCH_S) == 100.0


@given(states=st.lists(state, max_size=24 * 8))
def test_sri_lies_between_minus_100_and_100(states):
    if sri_valid_paired_days(states, epoch_s=EPOCH_S) < 1:
        with pytest.raises(InsufficientDataError):
            sleep_regularity_index(states, epoch_s=EPOCH_S)
    else:
        assert -100.0 <= sleep_regularity_index(states, epoch_s=EPOCH_S) <= 100.0


@given(
    starts_min=st.lists(st.integers(0, 48 * 60), min_size=1, max_size=12),
    lengths_min=st.lists(st.integers(1, 600), min_size=12, max_size=12),
)
def test_merging_never_invents_sleep(starts_min, lengths_min):
    origin = datetime(2026, 3, 28, 11, tzinfo=UTC)  # UTC: no wall-clock arithmetic
    episodes = [
        SleepEpisode(origin + timedelta(minutes=s), origin + timedelta(minutes=s + length))
        for s, length in zip(starts_min, lengths_min, strict=False)
    ]
    periods = merge_episodes(episodes)
    asleep = sum(p.duration_h for p in periods)
    assert asleep <= sum(e.duration_h for e in episodes) + 1e-9
    assert asleep >= max(e.duration_h for e in episodes) - 1e-9
    assert all(p.duration_h <= p.time_in_bed_h + 1e-9 for p in periods)


@given(durations=st.lists(st.floats(0, 14), min_size=1, max_size=30))
def test_sleep_debt_is_between_zero_and_the_total_shortfall(durations):
    debt = sleep_debt_h(durations, target_sleep_h=8.0)
    assert 0.0 <= debt <= sum(max(0.0, 8.0 - d) for d in durations) + 1e-9


@given(bed_min=st.integers(-120, 120), length_min=st.integers(300, 600))
def test_fixed_wall_clock_schedule_has_zero_bedtime_sd_across_dst(bed_min, length_min):
    first = datetime(2026, 3, 22, 23)  # noqa: DTZ001  (naive wall time on purpose; nights 22 March .. 4 April)
    episodes = []
    for i in range(14):
        start = (first + timedelta(days=i, minutes=bed_min)).replace(tzinfo=AMS)
        episodes.append(SleepEpisode(start, start + timedelta(minutes=length_min)))
    summary = summarize_nights(episodes, tz=AMS, today=date(2026, 4, 5))
    assert len(summary.nights) == 14
    assert summary.bedtime_sd_min == pytest.approx(0.0, abs=1e-6)
