"""The daily loads are derived in the executor: a publish never waits for years of sessions."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.recovery_readiness.physiology.training_load import (
    DEFAULT_TRAINING_SETTINGS,
    HeartRateProfile,
    SessionRecord,
    daily_load,
    fit_srpe_calibration,
    heart_rate_profile,
    merge_sessions,
    srpe_pairs,
)
from custom_components.recovery_readiness.profile import training_loads
from custom_components.recovery_readiness.profile.training_loads import (
    DerivedLoads,
    LoadDeriver,
    derive_loads,
)


def _sessions(days: int) -> tuple[SessionRecord, ...]:
    """A strap run every day, reported again by a watch (merged), and an RPE-only session."""
    start = datetime(2026, 1, 1, 7, tzinfo=UTC)
    out: list[SessionRecord] = []
    for day in range(days):
        t0 = start + timedelta(days=day)
        stream = tuple((60.0, 120.0 + (minute * 7 + day) % 50) for minute in range(45))
        out.append(SessionRecord(start=t0, duration_s=2700.0, source="strap", hr_samples=stream))
        out.append(
            SessionRecord(
                start=t0 + timedelta(minutes=1),
                duration_s=2640.0,
                source="garmin_connect",
                avg_hr_bpm=142.0,
                rpe=5.0 + day % 3,
            )
        )
    out.append(
        SessionRecord(start=start - timedelta(days=2), duration_s=1800.0, source="manual", rpe=6.0)
    )
    return tuple(sorted(out, key=lambda s: s.start))


@dataclass
class _Inputs:
    """What the tracker hands the deriver: its sessions and HR anchors, as they are now."""

    sessions: tuple[SessionRecord, ...]
    profile: HeartRateProfile | None

    def __call__(self) -> tuple[tuple[SessionRecord, ...], HeartRateProfile | None]:
        return self.sessions, self.profile


def _profile(rest_bpm: float) -> HeartRateProfile:
    return heart_rate_profile(sex="female", morning_rest_bpm=rest_bpm, configured_max_bpm=186.0)


def test_derive_loads_is_merge_calibration_and_daily_load() -> None:
    sessions = _sessions(12)
    profile = _profile(50.0)
    merged = merge_sessions(sessions)
    calibration = fit_srpe_calibration(srpe_pairs(merged, profile=profile))
    assert calibration is not None  # the watch's RPE next to the strap's HR: pairs to fit
    derived = derive_loads(sessions, profile, UTC, DEFAULT_TRAINING_SETTINGS)
    assert derived.merged == merged
    assert derived.calibration == calibration
    assert derived.daily == daily_load(merged, tz=UTC, profile=profile, calibration=calibration)
    assert len(derived.daily) == 13
    # Reusing the merged sessions (only the anchors moved) gives the same as merging again.
    other = _profile(56.0)
    assert derive_loads(sessions, other, UTC, DEFAULT_TRAINING_SETTINGS, merged=merged) == (
        derive_loads(sessions, other, UTC, DEFAULT_TRAINING_SETTINGS)
    )


async def test_new_anchors_are_derived_off_the_loop_then_republished(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = _Inputs(sessions=_sessions(20), profile=_profile(50.0))
    ready: list[DerivedLoads] = []
    threads: list[str] = []
    real = training_loads.derive_loads

    def spy(*args: Any, **kwargs: Any) -> DerivedLoads:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    deriver = LoadDeriver(
        hass,
        DEFAULT_TRAINING_SETTINGS,
        inputs,
        lambda: ready.append(deriver.get()),
    )
    monkeypatch.setattr(training_loads, "derive_loads", spy)
    first = await deriver.async_update()
    assert deriver.current
    assert threads
    assert threads[-1] != threading.main_thread().name

    # The morning baseline moved: a publish gets the previous loads at once, and events
    # wait (`current` is False) until the new ones are derived in the executor.
    inputs.profile = _profile(55.0)
    assert deriver.get() is first
    assert not deriver.current
    await hass.async_block_till_done()
    assert deriver.current
    [new] = ready
    assert new.profile == inputs.profile
    assert new.merged is first.merged  # the sessions did not change: not merged again
    assert sum(new.daily.values()) < sum(first.daily.values())  # higher rest, less TRIMP
    assert new == derive_loads(
        inputs.sessions,
        inputs.profile,
        dt_util.get_default_time_zone(),
        DEFAULT_TRAINING_SETTINGS,
    )
    assert all(name != threading.main_thread().name for name in threads)

    # Stored sessions: derived again (the caller awaits this before announcing).
    inputs.sessions = _sessions(21)
    assert not deriver.current
    updated = await deriver.async_update()
    assert deriver.current
    assert len(updated.daily) == len(new.daily) + 1


async def test_inputs_that_move_during_a_derivation_are_caught_up(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = _Inputs(sessions=_sessions(5), profile=_profile(50.0))
    deriver = LoadDeriver(
        hass,
        DEFAULT_TRAINING_SETTINGS,
        inputs,
        lambda: None,
    )
    await deriver.async_update()
    real = training_loads.derive_loads
    calls = 0

    def moving(*args: Any, **kwargs: Any) -> DerivedLoads:
        nonlocal calls
        calls += 1
        if calls == 1:  # the anchors move again while the first derivation runs
            inputs.profile = _profile(58.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(training_loads, "derive_loads", moving)
    inputs.profile = _profile(54.0)
    deriver.get()
    await hass.async_block_till_done()
    assert calls == 2
    assert deriver.current
    assert deriver.get().profile == _profile(58.0)
