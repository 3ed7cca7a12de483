"""A person's sleep from any Home Assistant source: summaries, bedtime window and events.

`SleepTracker` is the sleep part of a person profile. It

* follows the sleep source (a `binary_sensor` that is on while in bed, or a `sensor` with a set
  of "asleep" states) and turns its changes into sleep episodes, plus episodes logged with the
  `log_sleep` action;
* stores them (`store.sleep`), so an episode in progress survives a restart;
* recomputes the sleep summary (`physiology.sleep.summarize_nights`) whenever an episode is
  recorded, when settings change and daily at local noon, and fires
  ``recovery_readiness_sleep_recorded`` for every new or changed night and nap;
* keeps the bedtime window (on from recommended bedtime minus the reminder lead time until the
  person goes to bed, at the latest `WINDOW_MAX_AFTER_BEDTIME` after the recommended bedtime) and
  fires ``recovery_readiness_bedtime_window`` when it turns on.

Source rules (documented in the README):

* asleep state → an episode opens (or the stored open one continues);
* awake state → the open episode closes now; if the source was unavailable or unknown in
  between (or HA restarted), it closes at the last instant the source was known to report
  asleep, so no sleep is invented;
* unavailable / unknown / missing → nothing starts and nothing ends;
* asleep again after an unknown stretch longer than `MAX_UNCONFIRMED_GAP` (4 h) → the open
  episode ends where it was last known and a new one starts;
* an episode longer than 24 h (a stuck sensor) is dropped with a warning.

An episode counts as recorded once the person has been up for the merge gap (default 20 min):
a shorter awakening merges into the same sleep, so figures and events wait for it.

Times: all arithmetic on instants is done in UTC; local dates and wall-clock times come from HA's
configured time zone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    EVENT_HOMEASSISTANT_STOP,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers.event import (
    async_track_point_in_time,
    async_track_state_change_event,
    async_track_time_change,
    async_track_time_interval,
)
from homeassistant.util import dt as dt_util

from ..const import EVENT_BEDTIME_WINDOW, EVENT_SLEEP_RECORDED, LOGGER
from ..physiology.sleep import (
    NAP_MIN_MIN,
    RECENT_NIGHTS,
    SUMMARY_NIGHTS,
    SleepEpisode,
    SleepSummary,
    recommended_bedtime,
    summarize_nights,
)
from ..report import BedtimeWindow, SleepState, event_base, rounded
from ..store.sleep import SleepHistory, SleepStore, StoredEpisode
from .settings import ProfileSettings

HISTORY_RETENTION: Final = timedelta(days=400)
"""Closed episodes older than this are dropped from the store (`log_sleep` refuses them)."""
MIN_LOGGED_EPISODE: Final = timedelta(minutes=NAP_MIN_MIN)
"""Shortest episode `log_sleep` accepts: the shortest nap the summary counts."""
MAX_EPISODE: Final = timedelta(hours=24)
"""Longest episode: `log_sleep` refuses longer ones, a source's are dropped (stuck sensor)."""
MAX_UNCONFIRMED_GAP: Final = timedelta(hours=4)
"""An open episode continues across an unknown stretch (source unavailable, HA down) of at
most this long; after a longer one it ends where it was last known and a new one starts."""
WINDOW_MAX_AFTER_BEDTIME: Final = timedelta(hours=3)
"""The bedtime window closes at the latest this long after the recommended bedtime."""
HEARTBEAT: Final = timedelta(minutes=5)
"""While the source reports asleep, the 'still asleep' instant is saved this often."""
DAILY_RECOMPUTE: Final = time(12, 0, 0)
"""Local time of the daily summary refresh (the noon-to-noon day boundary)."""
_HOUR: Final = timedelta(hours=1)

# Reasons `log_sleep` refuses an episode (translation keys under "exceptions").
ERR_END_NOT_AFTER_START: Final = "end_not_after_start"
ERR_END_IN_FUTURE: Final = "end_in_future"
ERR_EPISODE_TOO_LONG: Final = "episode_too_long"
ERR_EPISODE_OVERLAPS: Final = "episode_overlaps"
ERR_EPISODE_TOO_SHORT: Final = "episode_too_short"
ERR_EPISODE_TOO_OLD: Final = "episode_too_old"


class SleepLogError(Exception):
    """An episode was refused; ``key`` is the translation key of the reason."""

    def __init__(self, key: str, placeholders: dict[str, str] | None = None) -> None:
        """Keep the key and the message placeholders."""
        super().__init__(key)
        self.key = key
        self.placeholders = placeholders or {}


def _iso_local(value: datetime) -> str:
    return dt_util.as_local(value).isoformat()


class SleepTracker:
    """A person's sleep: follows the source, keeps the history, plans the bedtime window.

    It publishes a frozen `SleepState` in `state` and calls ``on_change`` after each change;
    it knows nothing about the person's other parts.
    """

    def __init__(  # noqa: PLR0913  (keyword-only wiring of one part)
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        *,
        settings: ProfileSettings,
        store: SleepStore,
        history: SleepHistory,
        on_change: Callable[[], None],
    ) -> None:
        """Create the tracker from the loaded history (call `async_start`)."""
        self.hass = hass
        self._entry = entry
        self.settings = settings
        self._store = store
        self._history = history
        self._on_change = on_change
        self._live_asleep = False
        self._summary: SleepSummary | None = None
        self._window: BedtimeWindow | None = None
        self._window_on = False
        self._announced: dict[tuple[str, str], tuple[str, ...]] = {}
        self._unsub_window: CALLBACK_TYPE | None = None
        self._unsub_finalize: CALLBACK_TYPE | None = None
        self.state = SleepState()

    # ------------------------------------------------------------------ public API

    @property
    def summary(self) -> SleepSummary | None:
        """The latest sleep summary (None before the first computation)."""
        return self._summary

    @property
    def history(self) -> SleepHistory:
        """The stored sleep history (read-only)."""
        return self._history

    async def async_log_sleep(self, start: datetime, end: datetime) -> None:
        """Record an episode from the `log_sleep` action; nothing changes when it is refused.

        Raises:
            SleepLogError: end not after start, end in the future, shorter than 10 min,
                longer than 24 h, older than the retention (it would be dropped at once), or
                overlapping a stored episode or the episode in progress.
        """
        now = dt_util.utcnow()
        oldest = dt_util.as_local(now).date() - HISTORY_RETENTION
        if start.date() < oldest:  # before converting: year 1 would overflow
            raise SleepLogError(ERR_EPISODE_TOO_OLD, {"days": str(HISTORY_RETENTION.days)})
        if end.date() > dt_util.as_local(now).date() + timedelta(days=1):
            raise SleepLogError(ERR_END_IN_FUTURE)
        start_utc, end_utc = dt_util.as_utc(start), dt_util.as_utc(end)
        if end_utc <= start_utc:
            raise SleepLogError(ERR_END_NOT_AFTER_START)
        if end_utc > now:
            raise SleepLogError(ERR_END_IN_FUTURE)
        if end_utc - start_utc < MIN_LOGGED_EPISODE:
            raise SleepLogError(ERR_EPISODE_TOO_SHORT, {"minutes": f"{NAP_MIN_MIN:.0f}"})
        if end_utc - start_utc > MAX_EPISODE:
            raise SleepLogError(ERR_EPISODE_TOO_LONG)
        spans = [(e.start, e.end) for e in self._history.episodes]
        if self._history.open_start is not None:
            spans.append((self._history.open_start, now))
        for other_start, other_end in spans:
            if other_start < end_utc and start_utc < other_end:
                raise SleepLogError(
                    ERR_EPISODE_OVERLAPS,
                    {"start": _iso_local(other_start), "end": _iso_local(other_end)},
                )
        self._add_episode(StoredEpisode(start=start_utc, end=end_utc, origin="service"))
        await self._store.async_save(self._history_for_save())  # on disk before the reply
        self._recompute(now, announce=True)
        self._update_window(now)
        self._publish()

    async def async_remove_episodes(
        self, remove: Callable[[StoredEpisode], bool]
    ) -> tuple[StoredEpisode, ...]:
        """Remove the stored episodes ``remove`` selects, write at once, recompute; return them."""
        removed = tuple(e for e in self._history.episodes if remove(e))
        if removed:
            kept = tuple(e for e in self._history.episodes if not remove(e))
            self._set_history(replace(self._history, episodes=kept))
            await self._store.async_save(self._history_for_save())
            now = dt_util.utcnow()
            self._recompute(now, announce=False)
            self._update_window(now)
            self._publish()
        return removed

    # ------------------------------------------------------------------ lifecycle

    async def async_start(self) -> None:
        """Follow the source, schedule the daily refresh, compute the first summary."""
        entry = self._entry
        now = dt_util.utcnow()
        if self.settings.sleep_source is not None:
            entry.async_on_unload(
                async_track_state_change_event(
                    self.hass, [self.settings.sleep_source], self._async_on_source_event
                )
            )
        entry.async_on_unload(
            async_track_time_change(
                self.hass,
                self._async_daily,
                hour=DAILY_RECOMPUTE.hour,
                minute=DAILY_RECOMPUTE.minute,
                second=DAILY_RECOMPUTE.second,
            )
        )
        # A new local date: the summary's "today" moves, so readiness keeps its sleep inputs.
        entry.async_on_unload(
            async_track_time_change(self.hass, self._async_daily, hour=0, minute=0, second=1)
        )
        entry.async_on_unload(
            async_track_time_interval(self.hass, self._async_heartbeat, HEARTBEAT)
        )
        entry.async_on_unload(
            self.hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, self._async_on_hass_stop)
        )
        # An episode that ended less than the merge gap ago is still to be announced.
        episodes = self._history.episodes
        gap = timedelta(minutes=self.settings.merge_gap_min)
        pending = episodes[-1] if episodes and episodes[-1].end + gap > now else None
        self._recompute(now, announce=False, baseline=True, leave_out=pending)
        if pending is not None:
            self._recompute(now, announce=False)
            self._schedule_finalize(pending.end)
        if self.settings.sleep_source is None:
            if self._history.open_start is not None:
                self._close_open_episode(self._confirmed_until())
        else:
            self._apply_source(self.hass.states.get(self.settings.sleep_source), now)
        self._update_window(now)
        self._publish()

    async def async_stop(self) -> None:
        """Cancel timers and save now (the open episode is confirmed up to this instant)."""
        for unsub in (self._unsub_window, self._unsub_finalize):
            if unsub is not None:
                unsub()
        self._unsub_window = self._unsub_finalize = None
        await self._store.async_save(self._history_for_save())

    # ------------------------------------------------------------------ source

    def _is_asleep(self, state: State | None) -> bool | None:
        """Classify a source state: True asleep, False awake, None unknown."""
        if state is None or state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            return None
        if state.domain == "binary_sensor":
            return state.state == STATE_ON
        return state.state.strip().casefold() in self.settings.asleep_states

    @callback
    def _async_on_source_event(self, event: Event[EventStateChangedData]) -> None:
        now = dt_util.utcnow()
        self._apply_source(event.data["new_state"], now)
        self._update_window(now)
        self._publish()

    def _apply_source(self, state: State | None, now: datetime) -> None:
        asleep = self._is_asleep(state)
        history = self._history
        if asleep is None:
            if self._live_asleep and history.open_start is not None:
                self._set_history(replace(history, open_confirmed_at=now))
            self._live_asleep = False
            return
        if asleep:
            if (
                history.open_start is not None
                and not self._live_asleep
                and now - self._confirmed_until() > MAX_UNCONFIRMED_GAP
            ):
                # Asleep again after a long unknown stretch: the old episode ends where it was
                # last known, a new one starts now (nothing is assumed about the gap).
                self._close_open_episode(self._confirmed_until())
                history = self._history
            if history.open_start is None:
                LOGGER.debug("%s: in bed", self.settings.name)
                self._set_history(
                    replace(history, open_start=now, open_confirmed_at=now, last_bed_at=now)
                )
                self._cancel_finalize()
            self._live_asleep = True
            return
        if history.open_start is not None:
            self._close_open_episode(now if self._live_asleep else self._confirmed_until())
        self._live_asleep = False

    def _confirmed_until(self) -> datetime:
        history = self._history
        assert history.open_start is not None  # noqa: S101  (callers check)
        return history.open_confirmed_at or history.open_start

    def _close_open_episode(self, end: datetime) -> None:
        history = self._history
        assert history.open_start is not None  # noqa: S101  (callers check)
        start = history.open_start
        self._set_history(replace(history, open_start=None, open_confirmed_at=None))
        if end <= start:
            LOGGER.debug("%s: empty episode dropped", self.settings.name)
            return
        if end - start > MAX_EPISODE:
            LOGGER.warning(
                "%s: ignored %.0f h in bed from %s (longer than %.0f h: is %s stuck?)",
                self.settings.name,
                (end - start) / _HOUR,
                dt_util.as_local(start).isoformat(),
                MAX_EPISODE / _HOUR,
                self.settings.sleep_source,
            )
            return
        LOGGER.debug("%s: out of bed after %.2f h", self.settings.name, (end - start) / _HOUR)
        self._add_episode(StoredEpisode(start=start, end=end, origin="source"))
        self._schedule_finalize(end)

    def _add_episode(self, episode: StoredEpisode) -> None:
        cutoff = dt_util.utcnow() - HISTORY_RETENTION
        kept = [e for e in self._history.episodes if e.end >= cutoff]
        kept.append(episode)
        kept.sort(key=lambda e: e.start)
        self._set_history(replace(self._history, episodes=tuple(kept)))

    def _schedule_finalize(self, end: datetime) -> None:
        """Record the episode once the person has been up for the merge gap."""
        self._cancel_finalize()
        due = end + timedelta(minutes=self.settings.merge_gap_min)
        self._unsub_finalize = async_track_point_in_time(self.hass, self._async_finalize, due)

    def _cancel_finalize(self) -> None:
        if self._unsub_finalize is not None:
            self._unsub_finalize()
            self._unsub_finalize = None

    @callback
    def _async_finalize(self, now: datetime) -> None:
        self._unsub_finalize = None
        self._recompute(now, announce=True)
        self._update_window(now)
        self._publish()

    # ------------------------------------------------------------------ persistence

    def _set_history(self, history: SleepHistory) -> None:
        self._history = history
        self._store.async_schedule_save(self._history_for_save)

    def _history_for_save(self) -> SleepHistory:
        """The history as it should be written now: a live 'asleep' is confirmed until now."""
        if self._live_asleep and self._history.open_start is not None:
            return replace(self._history, open_confirmed_at=dt_util.utcnow())
        return self._history

    @callback
    def _async_on_hass_stop(self, _event: Event) -> None:
        """Queue a save; HA's final write stores the open episode confirmed until now."""
        self._store.async_schedule_save(self._history_for_save)

    @callback
    def _async_heartbeat(self, _now: datetime) -> None:
        if self._live_asleep and self._history.open_start is not None:
            self._store.async_schedule_save(self._history_for_save)

    # ------------------------------------------------------------------ summary and events

    @callback
    def _async_daily(self, now: datetime) -> None:
        self._recompute(now, announce=False)
        self._update_window(now)
        self._publish()

    def _recompute(
        self,
        now: datetime,
        *,
        announce: bool,
        baseline: bool = False,
        leave_out: StoredEpisode | None = None,
    ) -> None:
        """Summarise the stored episodes; announce new or changed nights and naps.

        ``announce`` fires ``sleep_recorded`` for records that differ from those announced
        before; ``baseline`` (startup) takes the current records as announced; the daily
        refresh does neither, so a recording still waiting for its merge gap is announced.
        ``leave_out`` keeps an episode out (one still waiting for its merge gap at startup).
        """
        tz = dt_util.get_default_time_zone()
        today = dt_util.as_local(now).date()
        cutoff = dt_util.as_utc(now) - timedelta(days=SUMMARY_NIGHTS + 2)
        episodes = [
            SleepEpisode(e.start, e.end)
            for e in self._history.episodes
            if e.end >= cutoff and e is not leave_out
        ]
        self._summary = summarize_nights(
            episodes,
            tz=tz,
            today=today,
            target_sleep_h=self.settings.target_sleep_h,
            days=SUMMARY_NIGHTS,
            rules=self.settings.sleep_rules,
            now=dt_util.as_utc(now),
        )
        records = self._records(self._summary)
        if announce:
            for key, (signature, data) in records.items():
                if self._announced.get(key) != signature:
                    self.hass.bus.async_fire(EVENT_SLEEP_RECORDED, data)
        if announce or baseline:
            self._announced = {key: signature for key, (signature, _) in records.items()}

    def _event_base(self) -> dict[str, Any]:
        return event_base(self.settings.entry_id, self.settings.name)

    def _records(
        self, summary: SleepSummary
    ) -> dict[tuple[str, str], tuple[tuple[str, ...], dict[str, Any]]]:
        """Each night and nap of the summary: (signature, sleep_recorded event data)."""
        average, debt = self._average_h(summary), summary.sleep_debt_h
        records: dict[tuple[str, str], tuple[tuple[str, ...], dict[str, Any]]] = {}
        for night in summary.nights:
            bedtime, wake = night.bedtime.isoformat(), night.wake_time.isoformat()
            records["night", night.night_of.isoformat()] = (
                (bedtime, wake),
                self._event_base()
                | {
                    "kind": "night",
                    "night_of": night.night_of.isoformat(),
                    "bedtime": bedtime,
                    "wake_time": wake,
                    "duration_h": rounded(night.duration_h),
                    "time_in_bed_h": rounded(night.time_in_bed_h),
                    "awakenings": night.awakenings,
                    "work_night": night.work_night,
                    "average_sleep_h": rounded(average),
                    "sleep_debt_h": rounded(debt),
                    "sleep_regularity_index": rounded(summary.sri, 1),
                },
            )
        for nap in summary.naps:
            start, end = nap.start.isoformat(), nap.end.isoformat()
            records["nap", start] = (
                (start, end),
                self._event_base()
                | {
                    "kind": "nap",
                    "day": nap.day.isoformat(),
                    "start": start,
                    "end": end,
                    "duration_min": rounded(nap.duration_min, 1),
                    "sweet_spot": nap.sweet_spot,
                },
            )
        return records

    @staticmethod
    def _average_h(summary: SleepSummary) -> float | None:
        """Average sleep over the last `RECENT_NIGHTS` nights with data."""
        first = summary.today - timedelta(days=RECENT_NIGHTS)
        durations = [n.duration_h for n in summary.nights if n.night_of >= first]
        return sum(durations) / len(durations) if durations else None

    # ------------------------------------------------------------------ bedtime window

    def _plan_window(self, now: datetime) -> BedtimeWindow | None:
        """The window of the first night whose window has not ended and is not done."""
        tz = dt_util.get_default_time_zone()
        today = dt_util.as_local(now).date()
        lead = timedelta(minutes=self.settings.reminder_lead_min)
        for day in (today - timedelta(days=1), today, today + timedelta(days=1)):
            bedtime = recommended_bedtime(
                self._summary,
                tz=tz,
                day=day,
                target_sleep_h=self.settings.target_sleep_h,
                target_wake_time=self.settings.target_wake_time,
            )
            if bedtime is None:
                return None
            bed_utc = dt_util.as_utc(bedtime)
            window = BedtimeWindow(
                night_of=day,
                bedtime=bedtime,
                start=dt_util.as_local(bed_utc - lead),
                end=dt_util.as_local(bed_utc + WINDOW_MAX_AFTER_BEDTIME),
            )
            if now < window.end and not self._window_done(window, now):
                return window
        return None  # pragma: no cover  (tomorrow's window always lies ahead)

    def _window_done(self, window: BedtimeWindow, now: datetime) -> bool:
        """The person went to bed during the window, or is in bed since before it opened."""
        history = self._history
        if history.last_bed_at is not None and window.start <= history.last_bed_at < window.end:
            return True
        return history.open_start is not None and now >= window.start

    def _update_window(self, now: datetime) -> None:
        if self._unsub_window is not None:
            self._unsub_window()
            self._unsub_window = None
        window = self._plan_window(now)
        was_on = self._window_on
        self._window = window
        self._window_on = window is not None and window.start <= now
        if window is None:
            return
        next_change = window.end if self._window_on else window.start
        self._unsub_window = async_track_point_in_time(
            self.hass, self._async_window_timer, next_change
        )
        if self._window_on and not was_on:
            self._announce_window(window)

    def _announce_window(self, window: BedtimeWindow) -> None:
        if self._history.announced_window_night == window.night_of:
            return
        self._set_history(replace(self._history, announced_window_night=window.night_of))
        summary = self._current_summary
        average, debt = self._average_h(summary), summary.sleep_debt_h
        usual = summary.usual_bedtime
        self.hass.bus.async_fire(
            EVENT_BEDTIME_WINDOW,
            self._event_base()
            | {
                "night_of": window.night_of.isoformat(),
                "recommended_bedtime": window.bedtime.isoformat(),
                "window_start": window.start.isoformat(),
                "window_end": window.end.isoformat(),
                "reminder_lead_min": self.settings.reminder_lead_min,
                "target_sleep_h": self.settings.target_sleep_h,
                "usual_bedtime": None if usual is None else usual.strftime("%H:%M"),
                "average_sleep_h": rounded(average),
                "sleep_debt_h": rounded(debt),
            },
        )

    @callback
    def _async_window_timer(self, now: datetime) -> None:
        self._unsub_window = None
        self._update_window(now)
        self._publish()

    # ------------------------------------------------------------------ publication

    @property
    def _current_summary(self) -> SleepSummary:
        """The summary; `async_start` computes it before anything is published."""
        assert self._summary is not None  # noqa: S101  (set by _recompute in async_start)
        return self._summary

    def _publish(self) -> None:
        summary = self._current_summary
        average, debt = self._average_h(summary), summary.sleep_debt_h
        open_start = self._history.open_start
        has_source = self.settings.sleep_source is not None
        self.state = SleepState(
            summary=summary,
            last_night=summary.last_night_record,
            last_nap=summary.naps[-1] if summary.naps else None,
            average_sleep_h=average,
            sleep_debt_h=debt,
            in_bed=(open_start is not None) if has_source else None,
            in_bed_since=None if open_start is None else dt_util.as_local(open_start),
            window=self._window,
            window_on=self._window_on,
        )
        self._on_change()
