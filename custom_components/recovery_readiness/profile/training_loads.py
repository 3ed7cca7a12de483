"""A person's merged sessions, sRPE calibration and daily loads, derived off the event loop.

Years of sessions make this the costly part of the training state: merging the sources'
duplicates and the Banister TRIMP of every stored HR histogram take about 0.1 s for five years
of daily two-source sessions (``benchmarks/bench_training_load.py``, ``recompute-5y``). They
change only when the stored sessions, the HR anchors (the morning resting-HR baseline moves
after a measurement) or the time zone change, so `LoadDeriver` keeps the last derivation and
derives a new one in the executor:

- after sessions are stored (`async_update`, awaited before the new session is announced);
- when a publish finds the anchors or the time zone moved (`get` returns the previous
  derivation and schedules a new one; the profile republishes when it is ready, and the
  training events wait for it, `current`).

Merging depends on the sessions only, so an anchor change reuses the merged sessions. The
derivation itself is `physiology.training_load.derive_loads` (pure).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Final

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ..physiology.training_load import (
    DerivedLoads,
    HeartRateProfile,
    SessionRecord,
    TrainingSettings,
    derive_loads,
)

MAX_ROUNDS: Final = 5
"""A background derivation tries this many times to catch up with inputs that keep moving."""

type Inputs = tuple[tuple[SessionRecord, ...], HeartRateProfile | None]


class LoadDeriver:
    """Keeps the last `DerivedLoads` and derives the next one in the executor."""

    def __init__(
        self,
        hass: HomeAssistant,
        settings: TrainingSettings,
        inputs: Callable[[], Inputs],
        on_ready: Callable[[], None],
    ) -> None:
        """``inputs`` gives the current sessions and anchors; ``on_ready`` republishes."""
        self._hass = hass
        self._settings = settings
        self._inputs = inputs
        self._on_ready = on_ready
        self._derived: DerivedLoads | None = None
        self._task: asyncio.Task[None] | None = None

    def _matches(self, derived: DerivedLoads | None) -> bool:
        sessions, profile = self._inputs()
        return (
            derived is not None
            and derived.sessions is sessions
            and derived.profile == profile
            and derived.tz == dt_util.get_default_time_zone()
        )

    @property
    def current(self) -> bool:
        """The kept derivation belongs to the current sessions, anchors and time zone."""
        return self._matches(self._derived)

    def _job(self) -> Callable[[], DerivedLoads]:
        sessions, profile = self._inputs()
        old = self._derived
        return partial(
            derive_loads,
            sessions,
            profile,
            dt_util.get_default_time_zone(),
            self._settings,
            merged=old.merged if old is not None and old.sessions is sessions else None,
        )

    def fresh(self) -> DerivedLoads:
        """The current derivation; derived here, on the event loop, only when it is stale."""
        if self._derived is None or not self.current:
            self._derived = self._job()()
        return self._derived

    def get(self) -> DerivedLoads:
        """The current derivation, else the previous one while a new one is derived."""
        if self._derived is None:
            return self.fresh()
        if not self.current and (self._task is None or self._task.done()):
            self._task = self._hass.async_create_task(self._async_catch_up())
        return self._derived

    async def async_update(self) -> DerivedLoads:
        """Derive for the current inputs in the executor (nothing to do when current)."""
        for _ in range(MAX_ROUNDS):
            if self._derived is not None and self.current:
                break
            result = await self._hass.async_add_executor_job(self._job())
            if self._matches(result):
                self._derived = result
        return self.fresh()

    async def _async_catch_up(self) -> None:
        await self.async_update()
        self._on_ready()
