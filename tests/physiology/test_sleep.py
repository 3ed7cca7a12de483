"""Behaviour of physiology.sleep with hand-computed expectations (science.md §7)."""

from __future__ import annotations

import dataclasses
import doctest
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import physiology.sleep
import pytest
from physiology import InsufficientDataError
from physiology.sleep import (
    DEFAULT_SLEEP_RULES,
    SleepEpisode,
    SleepRules,
    SleepSummary,
    blank_sparse_days,
    clock_sd_min,
    episodes_to_epochs,
    find_naps,
    find_nights,
    merge_episodes,
    night_of,
    noon_anchored_h,
    recommended_bedtime,
    sleep_debt_h,
    sleep_regularity_index,
    social_jetlag_h,
    sri_valid_paired_days,
    summarize_nights,
    usual_clock_time,
)

AMS = ZoneInfo("Europe/Amsterdam")
NYC = ZoneInfo("America/New_York")
# 2026 transitions in Europe/Amsterdam: 29 March 02:00 CET -> 03:00 CEST,
# 25 October 03:00 CEST -> 02:00 CET.
SPRING_NIGHT = date(2026, 3, 28)
AUTUMN_NIGHT = date(2026, 10, 24)


def at(day: date, hour: int, minute: int = 0, tz: ZoneInfo = AMS) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def night(
    evening: date,
    bed: tuple[int, int] = (23, 0),
    wake: tuple[int, int] = (7, 0),
    tz: ZoneInfo = AMS,
) -> SleepEpisode:
    """A night from `bed` on `evening` to `wake` on the next morning, local wall time."""
    start_day = evening if bed[0] >= 12 else evening + timedelta(days=1)
    return SleepEpisode(at(start_day, *bed, tz=tz), at(evening + timedelta(days=1), *wake, tz=tz))


def nights(first: date, count: int, **kwargs: tuple[int, int]) -> list[SleepEpisode]:
    return [night(first + timedelta(days=i), **kwargs) for i in range(count)]


# --------------------------------------------------------------------------- SleepEpisode


def test_sleep_episode_accepts_positional_start_and_end():
    episode = SleepEpisode(at(date(2026, 1, 5), 23), at(date(2026, 1, 6), 7))
    assert episode.duration_h == 8.0


def test_sleep_episode_durations_are_elapsed_time_on_dst_nights():
    assert night(SPRING_NIGHT).duration_h == 7.0
    assert night(AUTUMN_NIGHT).duration_h == 9.0


def test_sleep_episode_rejects_naive_datetimes():
    with pytest.raises(ValueError, match="timezone-aware"):
        SleepEpisode(datetime(2026, 1, 5, 23), at(date(2026, 1, 6), 7))  # noqa: DTZ001  (naive on purpose)
    with pytest.raises(ValueError, match="timezone-aware"):
        SleepEpisode(at(date(2026, 1, 5), 23), datetime(2026, 1, 6, 7))  # noqa: DTZ001  (naive on purpose)


def test_sleep_episode_rejects_end_not_after_start():
    with pytest.raises(ValueError, match="must be after start"):
        SleepEpisode(at(date(2026, 1, 6), 7), at(date(2026, 1, 5), 23))
    with pytest.raises(ValueError, match="must be after start"):
        SleepEpisode(at(date(2026, 1, 6), 7), at(date(2026, 1, 6), 7))


def test_sleep_episode_compares_ends_in_absolute_time_across_the_fall_back_hour():
    # 02:30 CEST (fold 0) is one hour before 02:10 CET (fold 1).
    start = datetime(2026, 10, 25, 2, 30, tzinfo=AMS)
    end = datetime(2026, 10, 25, 2, 10, fold=1, tzinfo=AMS)
    assert SleepEpisode(start, end).duration_h == pytest.approx(40 / 60)


def test_sleep_episode_rejects_non_datetimes():
    with pytest.raises(TypeError, match="must be a datetime"):
        SleepEpisode(date(2026, 1, 5), at(date(2026, 1, 6), 7))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- clock helpers


def test_noon_anchored_clock_puts_2350_and_0010_twenty_minutes_apart():
    before = noon_anchored_h(at(date(2026, 1, 5), 23, 50), AMS)
    after = noon_anchored_h(at(date(2026, 1, 6), 0, 10), AMS)
    assert (after - before) * 60 == pytest.approx(20.0)
    assert noon_anchored_h(at(date(2026, 1, 5), 12), AMS) == -12.0
    assert noon_anchored_h(at(date(2026, 1, 6), 1, 30), AMS) == 1.5


def test_noon_anchored_clock_reads_wall_time_in_the_given_zone():
    utc_instant = datetime(2026, 7, 1, 21, 0, tzinfo=UTC)  # 23:00 CEST
    assert noon_anchored_h(utc_instant, AMS) == -1.0
    assert noon_anchored_h(utc_instant, UTC) == -3.0


def test_clock_sd_min_of_2350_and_0010_is_twenty_over_root_two():
    times = [at(date(2026, 1, 5), 23, 50), at(date(2026, 1, 6), 0, 10)]
    assert clock_sd_min(times, tz=AMS) == pytest.approx(20 / 2**0.5)


def test_clock_sd_min_needs_two_instants():
    with pytest.raises(InsufficientDataError) as err:
        clock_sd_min([at(date(2026, 1, 5), 23)], tz=AMS)
    assert (err.value.needed, err.value.got) == (2, 1)


def test_usual_clock_time_is_the_median_across_midnight():
    times = [
        at(date(2026, 1, 5), 23, 40),
        at(date(2026, 1, 7), 0, 20),
        at(date(2026, 1, 8), 0, 0),
        at(date(2026, 1, 9), 3, 0),  # one late night does not move the median
    ]
    assert usual_clock_time(times, tz=AMS) == time(0, 10)
    with pytest.raises(InsufficientDataError):
        usual_clock_time([], tz=AMS)


def test_night_of_assigns_noon_to_noon_on_local_wall_time():
    assert night_of(at(date(2026, 1, 5), 23, 30), AMS) == date(2026, 1, 5)
    assert night_of(at(date(2026, 1, 6), 2, 0), AMS) == date(2026, 1, 5)
    assert night_of(at(date(2026, 1, 6), 11, 59), AMS) == date(2026, 1, 5)
    assert night_of(at(date(2026, 1, 6), 12, 0), AMS) == date(2026, 1, 6)
    # 23:30 UTC on the 5th is 00:30 in Amsterdam on the 6th: still the night of the 5th.
    assert night_of(datetime(2026, 1, 5, 23, 30, tzinfo=UTC), AMS) == date(2026, 1, 5)
    with pytest.raises(ValueError, match="timezone-aware"):
        night_of(datetime(2026, 1, 5, 23), AMS)  # noqa: DTZ001  (naive on purpose)


# --------------------------------------------------------------------------- merging


def test_merge_joins_awakenings_shorter_than_twenty_minutes():
    day = date(2026, 1, 5)
    periods = merge_episodes(
        [
            SleepEpisode(at(day, 23), at(day + timedelta(days=1), 3)),
            SleepEpisode(at(day + timedelta(days=1), 3, 15), at(day + timedelta(days=1), 7)),
        ]
    )
    assert len(periods) == 1
    (period,) = periods
    assert period.awakenings == 1
    assert period.duration_h == pytest.approx(7.75)
    assert period.time_in_bed_h == pytest.approx(8.0)
    assert period.start == at(day, 23)
    assert period.start.tzinfo is UTC


def test_merge_keeps_an_awakening_of_exactly_twenty_minutes_apart():
    day = date(2026, 1, 6)
    periods = merge_episodes(
        [SleepEpisode(at(day, 1), at(day, 3)), SleepEpisode(at(day, 3, 20), at(day, 7))]
    )
    assert [p.duration_h for p in periods] == [2.0, pytest.approx(11 / 3)]


def test_merge_unites_overlapping_duplicates_once():
    day = date(2026, 1, 5)
    periods = merge_episodes(
        [
            SleepEpisode(at(day, 23, 40), at(day + timedelta(days=1), 9, 20)),
            SleepEpisode(at(day, 22, 40), at(day + timedelta(days=1), 8, 20)),
            SleepEpisode(at(day, 23), at(day + timedelta(days=1), 1)),  # inside
        ]
    )
    assert len(periods) == 1
    assert periods[0].duration_h == pytest.approx(10 + 40 / 60)
    assert periods[0].awakenings == 0


def test_merge_counts_time_asleep_after_an_overlap_and_an_awakening():
    day = date(2026, 1, 6)
    periods = merge_episodes(
        [
            SleepEpisode(at(day, 1), at(day, 3)),
            SleepEpisode(at(day, 2), at(day, 4)),
            SleepEpisode(at(day, 4, 10), at(day, 5)),
            SleepEpisode(at(day, 4, 30), at(day, 6)),
        ]
    )
    (period,) = periods
    assert period.duration_h == pytest.approx(3 + 110 / 60)
    assert period.time_in_bed_h == pytest.approx(5.0)
    assert period.awakenings == 1


def test_merge_of_nothing_is_empty_and_a_negative_gap_is_rejected():
    assert merge_episodes([]) == ()
    with pytest.raises(ValueError, match="max_gap_min"):
        merge_episodes([], max_gap_min=-1)


# --------------------------------------------------------------------------- naps and nights


def test_daytime_naps_of_ten_to_ninety_minutes_with_sweet_spot():
    day = date(2026, 1, 7)
    episodes = [
        SleepEpisode(at(day, 13), at(day, 13, 30)),  # sweet spot
        SleepEpisode(at(day, 15), at(day, 15, 50)),  # nap, too long for the sweet spot
        SleepEpisode(at(day, 17), at(day, 17, 8)),  # too short
        SleepEpisode(at(day, 8, 30), at(day, 9)),  # before the daytime window
        SleepEpisode(at(day, 21), at(day, 21, 30)),  # window end is exclusive
        SleepEpisode(at(day, 10), at(day, 11, 40)),  # longer than 90 min
    ]
    naps = find_naps(merge_episodes(episodes), tz=AMS)
    assert [(n.start.time(), n.duration_min, n.sweet_spot) for n in naps] == [
        (time(13), 30.0, True),
        (time(15), 50.0, False),
    ]
    assert naps[0].day == day
    assert naps[0].start.tzinfo is AMS


def test_nap_bounds_are_inclusive_and_configurable():
    day = date(2026, 1, 7)
    episodes = [
        SleepEpisode(at(day, 10), at(day, 10, 10)),
        SleepEpisode(at(day, 12), at(day, 13, 30)),
        SleepEpisode(at(day, 15), at(day, 15, 20)),
        SleepEpisode(at(day, 17), at(day, 17, 40)),
    ]
    naps = find_naps(merge_episodes(episodes), tz=AMS)
    assert [(n.duration_min, n.sweet_spot) for n in naps] == [
        (10.0, False),
        (90.0, False),
        (20.0, True),
        (40.0, True),
    ]
    strict = SleepRules(nap_min_min=15, nap_max_min=60)
    assert [n.duration_min for n in find_naps(merge_episodes(episodes), tz=AMS, rules=strict)] == [
        20.0,
        40.0,
    ]


def test_night_is_the_longest_period_per_noon_to_noon_day():
    day = date(2026, 1, 7)  # a Wednesday
    episodes = [
        SleepEpisode(at(day, 22), at(day + timedelta(days=1), 2)),  # 4 h
        SleepEpisode(at(day + timedelta(days=1), 3), at(day + timedelta(days=1), 7, 30)),  # 4.5 h
        SleepEpisode(at(day, 14), at(day, 14, 30)),  # nap, never the night
        SleepEpisode(at(day + timedelta(days=1), 9), at(day + timedelta(days=1), 11)),  # 2 h
    ]
    (main,) = find_nights(merge_episodes(episodes), tz=AMS)
    assert main.night_of == day
    assert main.bedtime == at(day + timedelta(days=1), 3)
    assert main.duration_h == 4.5
    assert main.bedtime.tzinfo is AMS
    assert main.work_night  # Thursday morning is a work day


def test_periods_shorter_than_the_minimum_are_not_night_sleep():
    day = date(2026, 1, 7)
    short = [SleepEpisode(at(day + timedelta(days=1), 3), at(day + timedelta(days=1), 4))]
    assert find_nights(merge_episodes(short), tz=AMS) == ()
    relaxed = SleepRules(min_night_sleep_min=30)
    assert len(find_nights(merge_episodes(short), tz=AMS, rules=relaxed)) == 1


def test_merged_night_reports_awakenings_time_in_bed_and_midsleep():
    day = date(2026, 1, 9)  # Friday
    episodes = [
        SleepEpisode(at(day, 23), at(day + timedelta(days=1), 2)),
        SleepEpisode(at(day + timedelta(days=1), 2, 10), at(day + timedelta(days=1), 7)),
    ]
    (main,) = find_nights(merge_episodes(episodes), tz=AMS)
    assert main.awakenings == 1
    assert main.duration_h == pytest.approx(7 + 50 / 60)
    assert main.time_in_bed_h == 8.0
    assert main.midsleep == at(day + timedelta(days=1), 3)
    assert not main.work_night  # Saturday morning is free


# --------------------------------------------------------------------------- SRI


def test_sri_hand_computed_with_pairwise_exclusion():
    # 6-h epochs: 4 per day. Day 1 -> 2: 3 of 4 agree; day 2 -> 3: 3 of 3 valid agree.
    states = [*[1, 0, 0, 0], *[1, 1, 0, 0], *[1, 1, 0, None]]
    assert sleep_regularity_index(states, epoch_s=21_600) == pytest.approx(-100 + 200 * 6 / 7)
    assert sri_valid_paired_days(states, epoch_s=21_600) == 7 / 4


def test_sri_identical_days_give_100_and_alternating_days_give_minus_100():
    day = [1] * 16 + [0] * 32
    flipped = [1 - s for s in day]
    assert sleep_regularity_index(day * 3, epoch_s=1800) == 100.0
    assert sleep_regularity_index((day + flipped) * 2, epoch_s=1800) == -100.0


def test_sri_ignores_a_trailing_partial_day():
    day = [1, 1, 0, 0]
    assert sleep_regularity_index(day * 2 + [0, 0, 1], epoch_s=21_600) == 100.0


def test_sri_raises_only_below_one_day_of_valid_pairs():
    two_days = [1, 0, 0, 0] * 2
    assert sleep_regularity_index(two_days, epoch_s=21_600) == 100.0
    with pytest.raises(InsufficientDataError) as err:
        sleep_regularity_index([*[1, 0, 0, 0], *[1, 0, 0, None]], epoch_s=21_600)
    assert (err.value.metric, err.value.needed, err.value.got) == ("sleep_regularity_index", 4, 3)
    with pytest.raises(InsufficientDataError):
        sleep_regularity_index([1, 0, 0, 0], epoch_s=21_600)
    with pytest.raises(InsufficientDataError):
        sleep_regularity_index([])


@pytest.mark.parametrize("epoch_s", [0, -30, 7, 30.0, True])
def test_sri_rejects_epochs_that_do_not_tile_a_day(epoch_s):
    with pytest.raises(ValueError, match="epoch_s"):
        sleep_regularity_index([1, 0] * 10, epoch_s=epoch_s)


def test_sri_rejects_states_other_than_asleep_awake_missing():
    with pytest.raises(ValueError, match="states must be"):
        sleep_regularity_index([1, 0, 2, 0] * 2, epoch_s=21_600)


# --------------------------------------------------------------------------- epochs


def test_episodes_to_epochs_marks_sleep_by_epoch_midpoint_on_a_noon_grid():
    first = date(2026, 1, 5)
    states = episodes_to_epochs(
        [night(first, bed=(23, 0), wake=(7, 0)), night(first + timedelta(days=1), bed=(23, 40))],
        tz=AMS,
        first_day=first,
        days=2,
        epoch_s=3600,
    )
    day1 = [0] * 11 + [1] * 8 + [0] * 5  # 23:00..06:59
    day2 = [0] * 12 + [1] * 7 + [0] * 5  # 23:40 is after the 23:30 midpoint: from 00:00
    assert states == tuple(day1 + day2)


def test_episodes_to_epochs_counts_days_without_sleep_as_missing_not_awake():
    first = date(2026, 1, 5)
    states = episodes_to_epochs(
        [night(first), night(first + timedelta(days=2))],
        tz=AMS,
        first_day=first,
        days=3,
        epoch_s=3600,
    )
    assert states[24:48] == (None,) * 24
    assert states[:24].count(1) == 8


def test_episodes_to_epochs_marks_the_future_missing_and_clips_to_the_grid():
    first = date(2026, 1, 5)
    episodes = [
        SleepEpisode(at(first, 6), at(first, 13)),  # starts before the grid
        night(first + timedelta(days=1), wake=(13, 0)),  # ends after it
    ]
    states = episodes_to_epochs(
        episodes,
        tz=AMS,
        first_day=first,
        days=2,
        epoch_s=3600,
        known_until=at(first + timedelta(days=2), 9),
    )
    assert states[0] == 1
    assert states[1] == 0
    assert states[24 + 11 : 24 + 21] == (1,) * 10
    assert states[24 + 21 :] == (None,) * 3


def test_episodes_to_epochs_validates_its_arguments():
    with pytest.raises(ValueError, match="days"):
        episodes_to_epochs([], tz=AMS, first_day=date(2026, 1, 5), days=0)
    with pytest.raises(ValueError, match="timezone-aware"):
        episodes_to_epochs(
            [],
            tz=AMS,
            first_day=date(2026, 1, 5),
            days=1,
            known_until=datetime(2026, 1, 6),  # noqa: DTZ001  (naive on purpose)
        )
    with pytest.raises(TypeError, match="tzinfo"):
        episodes_to_epochs([], tz="Europe/Amsterdam", first_day=date(2026, 1, 5), days=1)  # type: ignore[arg-type]


def test_sri_pairs_are_24h_apart_in_absolute_time_across_spring_forward():
    # 23:00-07:00 every night. On 1-h epochs from noon CET on 27 March the 7-h spring night
    # ends one epoch early (pair-day 1 differs at 06:00) and later nights start one epoch
    # earlier in absolute time (pair-day 2 differs at 23:00 CET): 70 of 72 pairs agree.
    first = date(2026, 3, 27)
    states = episodes_to_epochs(nights(first, 4), tz=AMS, first_day=first, days=4, epoch_s=3600)
    assert sleep_regularity_index(states, epoch_s=3600) == pytest.approx(-100 + 200 * 70 / 72)


def test_blank_sparse_days_drops_days_with_more_than_six_hours_missing():
    day_ok = [1] * 6 + [None] * 6 + [0] * 12  # exactly 6 h missing: kept
    day_bad = [1] * 6 + [None] * 7 + [0] * 11
    tail = [None, 1]
    out = blank_sparse_days(day_ok + day_bad + tail, epoch_s=3600)
    assert out == tuple(day_ok + [None] * 24 + tail)
    with pytest.raises(ValueError, match="max_missing_h"):
        blank_sparse_days([], epoch_s=3600, max_missing_h=-1)


# --------------------------------------------------------------------------- statistics


def test_sleep_debt_counts_shortfall_and_caps_the_repayment_per_night():
    assert sleep_debt_h([6.0, 7.0, 10.0], target_sleep_h=8.0) == pytest.approx(2.0)
    assert sleep_debt_h([6.0, 7.0, 10.0], target_sleep_h=8.0, surplus_credit_cap_h=0) == 3.0
    assert sleep_debt_h([9.0, 12.0, 7.5], target_sleep_h=8.0) == 0.0


def test_sleep_debt_needs_a_night_and_sane_settings():
    with pytest.raises(InsufficientDataError):
        sleep_debt_h([])
    with pytest.raises(ValueError, match="target_sleep_h"):
        sleep_debt_h([7.0], target_sleep_h=0)
    with pytest.raises(ValueError, match="surplus_credit_cap_h"):
        sleep_debt_h([7.0], surplus_credit_cap_h=-1)


def test_social_jetlag_is_the_midsleep_difference_between_free_and_work_nights():
    monday = date(2026, 1, 5)
    week = [night(monday + timedelta(days=i)) for i in range(4)]  # Mon-Thu: midsleep 03:00
    week += [night(monday + timedelta(days=4), bed=(1, 0), wake=(9, 0))]  # Fri: 05:00
    week += [night(monday + timedelta(days=5), bed=(1, 0), wake=(10, 0))]  # Sat: 05:30
    week += [night(monday + timedelta(days=6))]  # Sunday evening before Monday: work night
    found = find_nights(merge_episodes(week), tz=AMS)
    assert [n.work_night for n in found] == [True] * 4 + [False, False, True]
    assert social_jetlag_h(found, tz=AMS) == pytest.approx(2.25)


def test_social_jetlag_goes_the_shorter_way_round_the_clock():
    monday = date(2026, 1, 5)
    # Work nights' midsleep 11:00 (+11 h), free night's 13:00 (-11 h on the noon axis).
    work = night(monday, bed=(7, 0), wake=(15, 0))
    free = SleepEpisode(at(monday + timedelta(days=5), 9), at(monday + timedelta(days=5), 17))
    found = find_nights(merge_episodes([work, free]), tz=AMS)
    assert social_jetlag_h(found, tz=AMS) == pytest.approx(2.0)


def test_social_jetlag_needs_both_kinds_of_night():
    found = find_nights(merge_episodes(nights(date(2026, 1, 5), 3)), tz=AMS)
    with pytest.raises(InsufficientDataError) as err:
        social_jetlag_h(found, tz=AMS)
    assert err.value.got == 0


# --------------------------------------------------------------------------- summary


def test_summary_of_a_regular_sleeper_across_both_2026_dst_transitions():
    for first in (date(2026, 3, 21), date(2026, 10, 17)):
        episodes = nights(first, 14)
        summary = summarize_nights(episodes, tz=AMS, today=first + timedelta(days=14))
        durations = {n.night_of: n.duration_h for n in summary.nights}
        assert len(durations) == 14
        assert summary.bedtime_sd_min == 0.0
        assert summary.wake_time_sd_min == 0.0
        assert summary.usual_bedtime == time(23)
        assert summary.usual_wake_time == time(7)
        assert all(n.bedtime.hour == 23 for n in summary.nights)
    spring = summarize_nights(nights(date(2026, 3, 21), 14), tz=AMS, today=date(2026, 4, 4))
    autumn = summarize_nights(nights(date(2026, 10, 17), 14), tz=AMS, today=date(2026, 10, 31))
    assert {n.night_of: n.duration_h for n in spring.nights}[SPRING_NIGHT] == 7.0
    assert {n.night_of: n.duration_h for n in autumn.nights}[AUTUMN_NIGHT] == 9.0
    assert spring.sleep_debt_h == pytest.approx(1.0)  # the 7-h night
    assert autumn.sleep_debt_h == 0.0
    # Absolute 24-h pairs: the switch costs a little regularity, nothing more.
    assert spring.sri is not None
    assert 95.0 < spring.sri < 100.0
    assert spring.sri_valid_days == 13.0


def test_summary_keeps_one_night_per_date_while_travelling_across_zones():
    # Amsterdam 23:00-07:00 for the nights of 1-5 June, then New York 23:00-07:00 (EDT)
    # for 6-10 June: 05:00-13:00 on the Amsterdam clock, still one night per evening.
    home = nights(date(2026, 6, 1), 5)
    away = [night(date(2026, 6, 6) + timedelta(days=i), tz=NYC) for i in range(5)]
    summary = summarize_nights(home + away, tz=AMS, today=date(2026, 6, 11), days=10)
    assert [n.night_of for n in summary.nights] == [
        date(2026, 6, 1) + timedelta(days=i) for i in range(10)
    ]
    assert all(n.duration_h == 8.0 for n in summary.nights)
    assert summary.nights[-1].bedtime == datetime(2026, 6, 11, 5, tzinfo=AMS)
    # Bedtimes -1 h (x5) and +5 h (x5): SD sqrt(90 / 9) h.
    assert summary.bedtime_sd_min == pytest.approx(10**0.5 * 60)
    assert summary.sleep_debt_h == 0.0
    # Read on the New York clock, the trip nights are the regular ones.
    in_ny = summarize_nights(away, tz=NYC, today=date(2026, 6, 11), days=5)
    assert in_ny.bedtime_sd_min == 0.0
    assert in_ny.usual_bedtime == time(23)


def test_summary_without_data_is_unknown_not_zero():
    summary = summarize_nights([], tz=AMS, today=date(2026, 1, 20))
    assert summary.nights == ()
    assert summary.naps == ()
    assert summary.average_duration_h is None
    assert summary.sleep_debt_h is None
    assert summary.sri is None
    assert summary.sri_valid_days == 0.0
    assert summary.bedtime_sd_min is None
    assert summary.wake_time_sd_min is None
    assert summary.midsleep_sd_min is None
    assert summary.usual_bedtime is None
    assert summary.social_jetlag_h is None
    assert summary.last_night_record is None
    assert summary.first_night == date(2026, 1, 6)
    assert summary.last_night == date(2026, 1, 19)


def test_summary_publishes_sri_only_from_five_valid_paired_days():
    today = date(2026, 1, 20)
    five_days = summarize_nights(nights(date(2026, 1, 14), 5), tz=AMS, today=today)
    assert five_days.sri_valid_days == 4.0
    assert five_days.sri is None
    six_days = summarize_nights(nights(date(2026, 1, 13), 6), tz=AMS, today=today)
    assert six_days.sri_valid_days == 5.0
    assert six_days.sri == 100.0
    lenient = SleepRules(sri_min_valid_days=1)
    assert summarize_nights(
        nights(date(2026, 1, 14), 5), tz=AMS, today=today, rules=lenient
    ).sri == pytest.approx(100.0)


def test_summary_treats_the_rest_of_today_as_missing_when_now_is_given():
    today = date(2026, 1, 20)
    episodes = nights(date(2026, 1, 13), 7)
    summary = summarize_nights(episodes, tz=AMS, today=today, now=at(today, 8))
    assert summary.sri_valid_days == pytest.approx(6 - 4 / 24)
    assert summary.sri == 100.0


def test_summary_window_selects_nights_and_naps():
    today = date(2026, 1, 20)
    episodes = [
        *nights(date(2026, 1, 1), 19),  # nights of 1..19 January
        SleepEpisode(at(date(2026, 1, 5), 14), at(date(2026, 1, 5), 14, 25)),  # before window
        SleepEpisode(at(date(2026, 1, 7), 14), at(date(2026, 1, 7), 14, 25)),
        SleepEpisode(at(today, 13), at(today, 14)),
    ]
    summary = summarize_nights(episodes, tz=AMS, today=today, days=14)
    assert summary.nights[0].night_of == date(2026, 1, 6)
    assert summary.nights[-1].night_of == date(2026, 1, 19)
    assert [n.day for n in summary.naps] == [date(2026, 1, 7), today]
    assert summary.sweet_spot_naps == 1
    assert summary.last_night_record is summary.nights[-1]
    assert summary.average_duration_h == 8.0


def test_summary_debt_sd_usual_times_and_social_jetlag():
    monday = date(2026, 1, 5)
    episodes = []
    for week in range(2):
        base = monday + timedelta(days=7 * week)
        episodes += [night(base + timedelta(days=i), bed=(23, 0), wake=(6, 0)) for i in range(4)]
        episodes += [night(base + timedelta(days=4 + i), bed=(1, 0), wake=(9, 0)) for i in range(2)]
        episodes += [night(base + timedelta(days=6), bed=(23, 0), wake=(6, 0))]
    summary = summarize_nights(episodes, tz=AMS, today=date(2026, 1, 19), target_sleep_h=7.5)
    assert len(summary.nights) == 14
    # 10 work nights of 7 h (0.5 h short), 4 free nights of 8 h (+0.5 h credit each).
    assert summary.sleep_debt_h == pytest.approx(10 * 0.5 - 4 * 0.5)
    assert summary.average_duration_h == pytest.approx((10 * 7 + 4 * 8) / 14)
    assert summary.usual_bedtime == time(23)
    assert summary.usual_wake_time == time(6)
    # Midsleep 02:30 on work nights, 05:00 on free nights.
    assert summary.social_jetlag_h == pytest.approx(2.5)
    assert summary.midsleep_sd_min is not None
    assert summary.bedtime_sd_min == pytest.approx(
        clock_sd_min([n.bedtime for n in summary.nights], tz=AMS)
    )


def test_summary_needs_enough_nights_for_timing_statistics():
    summary = summarize_nights(nights(date(2026, 1, 15), 4), tz=AMS, today=date(2026, 1, 19))
    assert summary.usual_bedtime == time(23)
    assert summary.bedtime_sd_min is None
    assert summary.social_jetlag_h is None
    few = summarize_nights(nights(date(2026, 1, 17), 2), tz=AMS, today=date(2026, 1, 19))
    assert few.usual_bedtime is None
    assert few.average_duration_h == 8.0


def test_summary_rejects_invalid_arguments():
    with pytest.raises(TypeError, match="today must be a date"):
        summarize_nights([], tz=AMS, today=datetime(2026, 1, 5, tzinfo=AMS))
    with pytest.raises(ValueError, match="days"):
        summarize_nights([], tz=AMS, today=date(2026, 1, 5), days=0)
    with pytest.raises(ValueError, match="target_sleep_h"):
        summarize_nights([], tz=AMS, today=date(2026, 1, 5), target_sleep_h=0)
    with pytest.raises(ValueError, match="timezone-aware"):
        summarize_nights([], tz=AMS, today=date(2026, 1, 5), now=datetime(2026, 1, 5, 8))  # noqa: DTZ001  (naive on purpose)
    with pytest.raises(TypeError, match="tzinfo"):
        summarize_nights([], tz="UTC", today=date(2026, 1, 5))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"merge_gap_min": -1}, "merge_gap_min"),
        ({"min_night_sleep_min": -1}, "min_night_sleep_min"),
        ({"nap_min_min": 50, "nap_max_min": 40}, "nap_min_min"),
        ({"sweet_spot_min_min": 50, "sweet_spot_max_min": 40}, "sweet_spot"),
        ({"work_days": frozenset({7})}, "work_days"),
        ({"surplus_credit_cap_h": -1}, "surplus_credit_cap_h"),
        ({"sri_min_valid_days": -1}, "sri_min_valid_days"),
        ({"sri_max_missing_h": -1}, "sri_max_missing_h"),
        ({"min_nights_timing": 1}, "min_nights_timing"),
        ({"min_nights_usual": 0}, "min_nights_usual"),
        ({"sri_epoch_s": 7}, "epoch_s"),
    ],
)
def test_sleep_rules_reject_nonsense(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SleepRules(**kwargs)


def test_default_rules_are_the_documented_project_defaults():
    rules = DEFAULT_SLEEP_RULES
    assert (rules.merge_gap_min, rules.min_night_sleep_min) == (20.0, 90.0)
    assert (rules.nap_min_min, rules.nap_max_min) == (10.0, 90.0)
    assert (rules.sweet_spot_min_min, rules.sweet_spot_max_min) == (20.0, 40.0)
    assert rules.work_days == frozenset(range(5))
    assert (rules.sri_epoch_s, rules.sri_min_valid_days, rules.sri_max_missing_h) == (60, 5.0, 6.0)


# --------------------------------------------------------------------------- bedtime


def _summary(usual: time | None, average_h: float | None) -> SleepSummary:
    base = summarize_nights([], tz=AMS, today=date(2026, 3, 28))
    return dataclasses.replace(base, usual_bedtime=usual, average_duration_h=average_h)


def test_recommended_bedtime_from_target_wake_time_uses_elapsed_time():
    normal = recommended_bedtime(None, tz=AMS, day=date(2026, 3, 20), target_wake_time=time(7))
    assert normal == at(date(2026, 3, 20), 23)
    spring = recommended_bedtime(
        None, tz=AMS, day=SPRING_NIGHT, target_sleep_h=8.0, target_wake_time=time(7)
    )
    assert spring == at(SPRING_NIGHT, 22)
    autumn = recommended_bedtime(None, tz=AMS, day=AUTUMN_NIGHT, target_wake_time=time(7))
    assert autumn == at(AUTUMN_NIGHT + timedelta(days=1), 0)
    assert autumn is not None
    assert autumn.tzinfo is AMS


def test_recommended_bedtime_rounds_to_the_minute():
    bed = recommended_bedtime(
        None, tz=AMS, day=date(2026, 1, 5), target_sleep_h=7.755, target_wake_time=time(6, 30)
    )
    assert bed == at(date(2026, 1, 5), 22, 45)  # 7 h 45 min 18 s before 06:30


def test_recommended_bedtime_anchored_on_usual_bedtime_keeps_wall_time_on_dst_nights():
    for day in (SPRING_NIGHT, AUTUMN_NIGHT):
        bed = recommended_bedtime(_summary(time(23), 8.0), tz=AMS, day=day)
        assert bed == at(day, 23)
        assert bed is not None
        assert (bed.hour, bed.minute) == (23, 0)


def test_recommended_bedtime_moves_earlier_by_the_shortfall_up_to_one_hour():
    day = date(2026, 1, 5)
    assert recommended_bedtime(_summary(time(23), 7.5), tz=AMS, day=day) == at(day, 22, 30)
    assert recommended_bedtime(_summary(time(23), 5.0), tz=AMS, day=day) == at(day, 22)
    assert recommended_bedtime(_summary(time(23), 9.5), tz=AMS, day=day) == at(day, 23)
    assert recommended_bedtime(_summary(time(23), None), tz=AMS, day=day) == at(day, 23)
    assert recommended_bedtime(_summary(time(23), 5.0), tz=AMS, day=day, max_advance_h=2.0) == at(
        day, 21
    )


def test_recommended_bedtime_after_midnight_falls_on_the_next_date():
    day = date(2026, 1, 5)
    bed = recommended_bedtime(_summary(time(0, 30), 8.0), tz=AMS, day=day)
    assert bed == at(day + timedelta(days=1), 0, 30)
    early = recommended_bedtime(_summary(time(0, 30), 7.0), tz=AMS, day=day)
    assert early == at(day, 23, 30)


def test_recommended_bedtime_skips_the_spring_forward_gap():
    bed = recommended_bedtime(_summary(time(2, 30), 8.0), tz=AMS, day=SPRING_NIGHT)
    assert bed == datetime(2026, 3, 29, 3, 30, tzinfo=AMS)
    assert bed is not None
    assert bed.utcoffset() == timedelta(hours=2)


def test_recommended_bedtime_is_none_without_an_anchor():
    day = date(2026, 1, 5)
    assert recommended_bedtime(None, tz=AMS, day=day) is None
    assert recommended_bedtime(_summary(None, 7.0), tz=AMS, day=day) is None


def test_recommended_bedtime_rejects_invalid_settings():
    with pytest.raises(ValueError, match="target_sleep_h"):
        recommended_bedtime(None, tz=AMS, day=date(2026, 1, 5), target_sleep_h=0)
    with pytest.raises(ValueError, match="max_advance_h"):
        recommended_bedtime(None, tz=AMS, day=date(2026, 1, 5), max_advance_h=-1)


def test_recommended_bedtime_from_a_real_summary():
    summary = summarize_nights(
        nights(date(2026, 1, 5), 7, bed=(23, 30), wake=(6, 30)), tz=AMS, today=date(2026, 1, 12)
    )
    assert summary.usual_bedtime == time(23, 30)
    bed = recommended_bedtime(summary, tz=AMS, day=date(2026, 1, 12))
    assert bed == at(date(2026, 1, 12), 22, 30)  # 7-h nights, 8-h target: one hour earlier


def test_docstring_examples_hold():
    assert doctest.testmod(physiology.sleep).failed == 0
