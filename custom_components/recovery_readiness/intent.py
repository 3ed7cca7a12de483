"""Voice and LLM agents: readiness, sleep, bedtime, training and the day's advice of a person.

Six intents are registered when the integration loads (by the intent integration):
`RecoveryReadinessGetStatus`, `RecoveryReadinessGetSleep`, `RecoveryReadinessGetBedtime`,
`RecoveryReadinessGetTraining`, `RecoveryReadinessGetAdvice` and
`RecoveryReadinessStartBreathing`.
Home Assistant offers every registered intent handler to LLM conversation agents as a tool (the
Assist API), described below; the built-in agent reaches them through the sentences `voice`
registers. Each answer is in the language of the request, from ``texts/<language>.json``.

Whose answer (`resolve_profile`): a name in the request picks that profile; otherwise the
Home Assistant user of the request → the `person.*` entity with that ``user_id`` → the profile
linked to it (option ``person_entity``); otherwise the only profile (profiles linked to another
person excluded). Voice satellites send no user, so the only profile or a name decides.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Final

import voluptuous as vol
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import intent
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .physiology.breathing import MAX_BREATHS_PER_MIN, MIN_BREATHS_PER_MIN
from .physiology.sleep import SUMMARY_NIGHTS
from .profile import ProfileRuntime
from .profile.breathing import DEFAULT_MINUTES, MAX_MINUTES, MIN_MINUTES, BreathingError
from .texts import Texts, async_texts

INTENT_READINESS: Final = "RecoveryReadinessGetStatus"
INTENT_SLEEP: Final = "RecoveryReadinessGetSleep"
INTENT_BEDTIME: Final = "RecoveryReadinessGetBedtime"
INTENT_START_BREATHING: Final = "RecoveryReadinessStartBreathing"
INTENT_TRAINING: Final = "RecoveryReadinessGetTraining"
INTENT_ADVICE: Final = "RecoveryReadinessGetAdvice"
MAX_SPOKEN_REASONS: Final = 2
SELF_WORDS: Final = frozenset({"i", "me", "myself", "ik", "mij", "mezelf", "ikzelf"})
"""A "name" that means the speaker (a wildcard sentence can capture "I")."""
SLOT_NAME: Final = "name"


async def async_setup_intents(hass: HomeAssistant) -> None:
    """Register the intents (called by the intent integration)."""
    intent.async_register(hass, ReadinessIntentHandler())
    intent.async_register(hass, SleepIntentHandler())
    intent.async_register(hass, BedtimeIntentHandler())
    intent.async_register(hass, StartBreathingIntentHandler())
    intent.async_register(hass, TrainingIntentHandler())
    intent.async_register(hass, AdviceIntentHandler())


def _profiles(hass: HomeAssistant) -> list[ProfileRuntime]:
    """Every loaded person profile."""
    return [
        entry.runtime_data
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.state is ConfigEntryState.LOADED and isinstance(entry.runtime_data, ProfileRuntime)
    ]


def _person_of_user(hass: HomeAssistant, user_id: str) -> str | None:
    """The `person.*` entity whose ``user_id`` attribute is this Home Assistant user."""
    for state in hass.states.async_all("person"):
        if state.attributes.get("user_id") == user_id:
            return state.entity_id
    return None


def resolve_profile(
    hass: HomeAssistant, texts: Texts, *, user_id: str | None, name: str
) -> ProfileRuntime | str:
    """The profile the request is about, or the spoken reason why there is none."""
    profiles = _profiles(hass)
    if not profiles:
        return texts.voice("no_profile")
    wanted = name.strip().casefold()
    if wanted and wanted not in SELF_WORDS:
        named = [p for p in profiles if p.settings.name.casefold() == wanted]
        return named[0] if named else texts.voice("unknown_person", name=wanted)
    person = None if user_id is None else _person_of_user(hass, user_id)
    candidates = profiles
    if person is not None:
        if linked := [p for p in profiles if p.settings.person_entity == person]:
            return linked[0]
        candidates = [p for p in profiles if p.settings.person_entity is None]
    if len(candidates) == 1:
        return candidates[0]
    names = ", ".join(sorted(p.settings.name for p in profiles))
    return texts.voice("which_person", names=names)


def _clock(value: datetime) -> str:
    """Local wall-clock time, e.g. ``22:45``."""
    return dt_util.as_local(value).strftime("%H:%M")


def _duration(texts: Texts, hours: float) -> str:
    """Hours as spoken words: "7 hours and 30 minutes", "1 hour" (rounded to the minute)."""
    h, m = divmod(round(hours * 60), 60)
    hours_text = texts.voice("duration_hour") if h == 1 else texts.voice("duration_hours", hours=h)
    minutes_text = (
        texts.voice("duration_minute") if m == 1 else texts.voice("duration_minutes", minutes=m)
    )
    if h and m:
        return texts.voice("duration_join", hours=hours_text, minutes=minutes_text)
    return hours_text if h else minutes_text


class _ProfileIntentHandler(intent.IntentHandler):
    """An answer about one person: resolve the profile, then speak from its report."""

    platforms = None  # offered to LLM agents whatever domains are exposed

    @property
    def slot_schema(self) -> dict[Any, Any]:
        """An optional person name."""
        return {
            vol.Optional(
                SLOT_NAME,
                description="The person's name; leave out when the user asks about themself",
            ): cv.string
        }

    def answer(self, profile: ProfileRuntime, texts: Texts, slots: dict[str, Any]) -> str:
        """The spoken answer for this profile (``slots``: the validated request slots)."""
        raise NotImplementedError

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Answer about the person the request is about, in the request's language."""
        hass = intent_obj.hass
        slots = self.async_validate_slots(intent_obj.slots)
        texts = await async_texts(hass, intent_obj.language)
        found = resolve_profile(
            hass,
            texts,
            user_id=intent_obj.context.user_id,
            name=str(slots.get(SLOT_NAME, {}).get("value", "")),
        )
        speech = found if isinstance(found, str) else self.answer(found, texts, slots)
        response = intent_obj.create_response()
        response.async_set_speech(" ".join(speech.split()))
        return response


class ReadinessIntentHandler(_ProfileIntentHandler):
    """Speak today's readiness: score, level, training advice and the main reasons."""

    intent_type = INTENT_READINESS
    description = (
        "Tells how recovered a person is today and whether to train hard: the readiness score "
        "(0-100), the training advice and the main reasons (morning HRV, resting heart rate, "
        "sleep). Optional: the person's name; without it, the person who asks."
    )

    def answer(self, profile: ProfileRuntime, texts: Texts, _slots: dict[str, Any]) -> str:
        """Score, level, advice and the first reasons; or why there is no score."""
        report = profile.report
        result = report.readiness.readiness
        reasons = " ".join(
            texts.reason(r.key, **r.placeholders_dict())
            for r in (result.reasons if result else ())[:MAX_SPOKEN_REASONS]
        )
        if result is None or result.score is None or result.level is None:
            return texts.voice("no_score", name=report.name, reasons=reasons)
        return texts.voice(
            "readiness",
            name=report.name,
            score=result.score,
            level=texts.state("readiness_level", result.level.value),
            recommendation=texts.state(
                "recommendation",
                result.recommendation.value if result.recommendation else "",
            ),
            reasons=reasons,
        )


class SleepIntentHandler(_ProfileIntentHandler):
    """Speak last night's sleep, the sleep debt and the usual bedtime."""

    intent_type = INTENT_SLEEP
    description = (
        "Tells how a person slept last night (hours asleep, bedtime and wake time), their sleep "
        f"debt over the last {SUMMARY_NIGHTS} nights and their usual bedtime. Optional: the "
        "person's name; without it, the person who asks."
    )

    def answer(self, profile: ProfileRuntime, texts: Texts, _slots: dict[str, Any]) -> str:
        """Last night (or that none was recorded), then the debt and usual bedtime if known."""
        report = profile.report
        sleep = report.sleep
        night = sleep.last_night
        parts = [
            texts.voice("sleep_none", name=report.name)
            if night is None
            else texts.voice(
                "sleep_last_night",
                name=report.name,
                duration=_duration(texts, night.duration_h),
                bedtime=_clock(night.bedtime),
                wake_time=_clock(night.wake_time),
            )
        ]
        if sleep.sleep_debt_h is not None:
            parts.append(
                texts.voice("sleep_debt", debt=_duration(texts, sleep.sleep_debt_h))
                if round(sleep.sleep_debt_h * 60) > 0
                else texts.voice("sleep_no_debt")
            )
        usual = None if sleep.summary is None else sleep.summary.usual_bedtime
        if usual is not None:
            parts.append(texts.voice("usual_bedtime", time=usual.strftime("%H:%M")))
        return " ".join(parts)


class BedtimeIntentHandler(_ProfileIntentHandler):
    """Speak the recommended bedtime of the coming (or current) night."""

    intent_type = INTENT_BEDTIME
    description = (
        "Tells when a person should go to bed tonight: the recommended bedtime from their "
        "sleep target and target wake time (or usual bedtime and recent sleep). Optional: the "
        "person's name; without it, the person who asks."
    )

    def answer(self, profile: ProfileRuntime, texts: Texts, _slots: dict[str, Any]) -> str:
        """Tonight's bedtime, a bedtime already passed, or tomorrow's when tonight is done."""
        report = profile.report
        window = report.sleep.window
        if window is None:
            return texts.voice("bedtime_unknown", name=report.name)
        now = dt_util.now()
        if window.bedtime <= now:
            key = "bedtime_passed"
        elif window.night_of > now.date():
            key = "bedtime_tomorrow"
        else:
            key = "bedtime"
        return texts.voice(
            key,
            name=report.name,
            time=_clock(window.bedtime),
            target=_duration(texts, profile.settings.target_sleep_h),
        )


def _number(slots: dict[str, Any], key: str, low: float, high: float) -> float | None:
    """A numeric slot within [low, high]; None when absent or out of range (never guessed)."""
    raw = slots.get(key, {}).get("value")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if low <= value <= high else None


class StartBreathingIntentHandler(_ProfileIntentHandler):
    """Start a guided-breathing session (the pacer's phase events drive lights and sounds)."""

    intent_type = INTENT_START_BREATHING
    description = (
        "Starts a guided slow-breathing session for a person: a pacer (inhale/exhale events for "
        "lights) and, with their heart-rate strap, coherence and HRV before, during and after. "
        "Optional: the person's name (without it, the person who asks), minutes (1-60, default "
        "5), breaths per minute (3-12, default their resonance pace)."
    )

    @property
    def slot_schema(self) -> dict[Any, Any]:
        """Optional person name, minutes and pace."""
        return super().slot_schema | {
            vol.Optional("minutes", description="Session length in minutes, 1-60"): cv.string,
            vol.Optional("pace", description="Breaths per minute, 3-12"): cv.string,
        }

    def answer(self, profile: ProfileRuntime, texts: Texts, slots: dict[str, Any]) -> str:
        """Start the session and say how it runs, or that one already runs."""
        name = profile.settings.name
        minutes = _number(slots, "minutes", MIN_MINUTES, MAX_MINUTES) or DEFAULT_MINUTES
        pace = _number(slots, "pace", MIN_BREATHS_PER_MIN, MAX_BREATHS_PER_MIN)
        try:
            profile.breathing.async_start(
                breaths_per_min=pace, minutes=minutes, resonance=False, trigger="voice"
            )
        except BreathingError:
            return texts.voice("breathing_running", name=name)
        status = profile.breathing.status
        key = "breathing_started" if status.strap else "breathing_started_no_strap"
        return texts.voice(
            key, name=name, pace=f"{status.breaths_per_min:g}", minutes=f"{status.minutes:g}"
        )


def _days_ago(texts: Texts, today: date, when: datetime) -> str:
    """Spoken day of a past instant: today, yesterday or N days ago (local calendar days)."""
    days = (today - dt_util.as_local(when).date()).days
    if days <= 0:
        return texts.voice("day_today")
    if days == 1:
        return texts.voice("day_yesterday")
    return texts.voice("days_ago", days=days)


class TrainingIntentHandler(_ProfileIntentHandler):
    """Speak the training status: window, why, last session and the load figures."""

    intent_type = INTENT_TRAINING
    description = (
        "Tells a person's training status (recovering, ready for a hard session, window "
        "closing, detraining, overreaching) with the main reason, when they last trained and "
        "their fitness, fatigue and form (training load). Says so when there is no training "
        "history. Optional: the person's name; without it, the person who asks."
    )

    def answer(self, profile: ProfileRuntime, texts: Texts, _slots: dict[str, Any]) -> str:
        """Status and reason, last session, load; or that there is no history (yet)."""
        report = profile.report
        training = report.training
        last, window, load = training.last_session, training.window, training.load
        day = training.day or dt_util.now().date()
        if last is None:
            parts = [texts.voice("training_none", name=report.name)]
        elif window is None:
            parts = [texts.voice("training_no_status", name=report.name)]
        else:
            parts = [
                texts.voice(
                    "training_status",
                    name=report.name,
                    status=texts.state("training_status", window.state.value),
                ),
                *(texts.voice(f"window_reason_{r.value}") for r in window.reasons[:1]),
            ]
        if last is not None:
            parts.append(
                texts.voice("training_last_session", when=_days_ago(texts, day, last.start))
            )
        if load is not None:
            parts.append(
                texts.voice(
                    "training_load", ctl=round(load.ctl), atl=round(load.atl), tsb=round(load.tsb)
                )
                if load.form_reliable
                else texts.voice(
                    "training_load_settling",
                    ctl=round(load.ctl),
                    atl=round(load.atl),
                    days=load.history_days,
                )
            )
        if training.recording:
            parts.append(texts.voice("training_recording"))
        return " ".join(parts)


_SAID_APART: Final = frozenset({"no_measurement_today", "no_training_history"})
"""Advice reasons the answer speaks from the report itself (whatever the advice's reasons)."""


class AdviceIntentHandler(_ProfileIntentHandler):
    """Speak the day's advice: what to do, how hard, why, and what it does not know."""

    intent_type = INTENT_ADVICE
    description = (
        "Tells a person what to do today: the daily advice (rest, active recovery, nap, "
        "protein, breathing, build up, train, train hard to catch the window), whether hard "
        "training fits, secondary advice, the main reasons and the training status; says when "
        "there is no morning measurement today or no training history. Optional: the "
        "person's name; without it, the person who asks."
    )

    def answer(self, profile: ProfileRuntime, texts: Texts, _slots: dict[str, Any]) -> str:
        """Advice, intensity, reasons, secondary advice, status and the missing data."""
        report = profile.report
        training = report.training
        advice = training.advice
        if advice is None:
            return texts.voice("advice_none", name=report.name)
        parts = [
            texts.voice(
                "advice",
                name=report.name,
                advice=texts.state("training_advice", advice.kind.value),
            )
        ]
        if advice.hard_training_allowed:
            parts.append(texts.voice("advice_hard_allowed"))
        elif advice.capped:
            parts.append(texts.voice("advice_capped"))
        parts.extend(
            texts.voice(f"advice_reason_{r.value}")
            for r in [r for r in advice.reasons if r.value not in _SAID_APART][:MAX_SPOKEN_REASONS]
        )
        if advice.also:
            kinds = ", ".join(texts.state("training_advice", k.value) for k in advice.also)
            parts.append(texts.voice("advice_also", kinds=kinds))
        if training.window is not None:
            parts.append(
                texts.voice(
                    "advice_status",
                    status=texts.state("training_status", training.window.state.value),
                )
            )
        elif training.last_session is None:
            parts.append(texts.voice("advice_reason_no_training_history"))
        else:
            parts.append(texts.voice("advice_status_tomorrow"))
        result = report.readiness.readiness
        if result is None or result.score is None:
            parts.append(texts.voice("advice_no_score"))
        if report.readiness.today is None:
            parts.append(texts.voice("advice_no_measurement"))
        return " ".join(dict.fromkeys(parts))
