"""The afternoon nap advice: sent when the person is home, not at a fixed moment.

With a sleep debt of at least 2 h the day's advice contains ``nap`` (primary on a recovery day,
else secondary; `physiology.training_load.daily_advice`). A 20-40 min early-afternoon nap helps
most after restricted night sleep (Lastella et al. 2021), and only someone at home can take
one. So the ``advice`` event of kind ``nap`` is not sent with the morning's advice but from
``nap_reminder_time`` (default 13:30) to ``NAP_WINDOW_H`` hours later, at the first moment the
linked ``person.*`` entity is ``home`` (at once without a linked person); once per day, also
across restarts (`TrainingTracker.announce_advice`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Final

from homeassistant.const import STATE_HOME
from homeassistant.core import CALLBACK_TYPE, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event, async_track_time_change
from homeassistant.util import dt as dt_util

from ..physiology.training_load import AdviceKind
from ..report import TrainingState
from .settings import ProfileSettings
from .training import TrainingTracker

NAP_WINDOW_H: Final = 3.0
"""The nap advice is not sent later than this many hours after the nap reminder time."""


class NapReminder:
    """Sends the day's nap advice in the afternoon once the person is home."""

    def __init__(
        self,
        hass: HomeAssistant,
        settings: ProfileSettings,
        training: TrainingTracker,
        state: Callable[[], TrainingState],
    ) -> None:
        """``state`` returns the current training state (recomputed by the caller)."""
        self._hass = hass
        self._settings = settings
        self._training = training
        self._state = state
        self._pending: date | None = None

    @callback
    def async_start(self) -> list[CALLBACK_TYPE]:
        """Follow the clock and the linked person; returns the unsubscribe callbacks."""
        moment = self._settings.nap_reminder_time
        unsubs = [
            async_track_time_change(
                self._hass, self._at_nap_time, hour=moment.hour, minute=moment.minute, second=0
            )
        ]
        if (person := self._settings.person_entity) is not None:
            unsubs.append(async_track_state_change_event(self._hass, [person], self._on_person))
        return unsubs

    @callback
    def _at_nap_time(self, now: datetime) -> None:
        self._pending = dt_util.as_local(now).date()
        self._try()

    @callback
    def _on_person(self, event: Event[EventStateChangedData]) -> None:
        if (new := event.data["new_state"]) is not None and new.state == STATE_HOME:
            self._try()

    def _home(self) -> bool:
        person = self._settings.person_entity
        if person is None:
            return True
        state = self._hass.states.get(person)
        return state is not None and state.state == STATE_HOME

    @callback
    def _try(self) -> None:
        now = dt_util.now()
        day = self._pending
        if day is None or day != now.date() or not self._home():
            return
        self._pending = None  # one try at home per day; after the window there is none
        start = datetime.combine(day, self._settings.nap_reminder_time, tzinfo=now.tzinfo)
        if now > start + timedelta(hours=NAP_WINDOW_H):
            return
        advice = self._state().advice
        if advice is None or AdviceKind.NAP not in (advice.kind, *advice.also):
            return
        self._training.announce_advice(
            day, AdviceKind.NAP.value, advice.reasons, primary=advice.kind is AdviceKind.NAP
        )
