"""Reading past workouts from a CSV file (the `import_sessions` action).

So that fitness (CTL) does not start at 0 on day one, a person's past sessions can be imported
from any tool that exports a table. The header names the columns (case and surrounding spaces
ignored, any order, unknown columns ignored)::

    start,duration_min,sport,avg_hr_bpm,max_hr_bpm,rpe,source_load,source_id
    2026-03-02T18:30:00,45,running,148,171,6,92.5,garmin-1234

``start`` and ``duration_min`` are required, and at least one of ``avg_hr_bpm`` / ``rpe``;
the other columns are optional, and an empty cell is unknown. Every row is checked on its own
(input is hostile until checked) and rejected with a reason key when it fails:

* ``bad_timestamp`` / ``nonexistent_local_time`` / ``date_too_old`` / ``date_in_future``:
  ``start`` is an ISO date-time (local time without a zone, as `import_history`), from 2000 on;
  the session must have ended (5 min clock skew allowed).
* ``bad_duration``: 1-1440 min (the range of `log_session`).
* ``needs_hr_or_rpe``: neither an average heart rate nor an RPE: the load would be unknown.
* ``implausible_hr``: average or maximum heart rate outside 30-250 bpm (the range of
  `log_session`); ``max_below_avg`` when the maximum is below the average.
* ``bad_rpe``: session RPE outside Borg's CR-10 scale 0-10 (Foster et al. 2001).
* ``bad_source_load``: the tool's own load is not a number in 0-10,000 (it is shown, never
  added to our scale).
* ``text_too_long``: ``sport`` or ``source_id`` longer than 64 characters.
* ``duplicate``: the same workout is stored already: the same ``source_id``, or a time overlap
  of at least half of the shorter session (`TrainingSettings.merge_min_overlap_ratio`, the
  rule `merge_sessions` uses for one workout reported by several sources);
  ``duplicate_in_file`` for the same against an earlier row of the file.
* ``field_too_large`` / ``malformed_row`` / ``unbalanced_quote``: the CSV reader cannot read
  the row (see `history_import`).

Accepted rows become `SessionRecord`s with source ``import`` and are loaded on the same scale as
a `log_session` entry (`session_load`: TRIMP of the average HR, else calibrated session RPE).
Importing the same file twice adds nothing: every row is then a duplicate.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Final

from ..physiology.plausibility import REASON_DATE_IN_FUTURE, REASON_IMPLAUSIBLE_HR
from ..physiology.training_load import (
    CR10_MAX,
    DEFAULT_TRAINING_SETTINGS,
    SessionRecord,
    TrainingSettings,
)
from .history_import import (
    CLOCK_SKEW,
    ImportFileError,
    RejectedRow,
    csv_reader,
    parse_instant,
    read_rows,
)

MAX_SESSIONS_FILE_BYTES: Final = 2 * 1024 * 1024
"""Largest sessions file read: about 25,000 rows of all columns, decades of daily training.

The bound also bounds the work after an import: merging and loading every stored session
(`TrainingTracker.training_load`) takes about 0.1 s per 6,500 sessions on the event loop.
"""
SOURCE_IMPORT: Final = "import"
COLUMNS: Final = (
    "start",
    "duration_min",
    "sport",
    "avg_hr_bpm",
    "max_hr_bpm",
    "rpe",
    "source_load",
    "source_id",
)
DURATION_MIN_RANGE: Final = (1.0, 1440.0)
"""Session length, min (the range `log_session` accepts)."""
HR_BPM_RANGE: Final = (30.0, 250.0)
"""Average or maximum heart rate during exercise, bpm (the range `log_session` accepts)."""
MAX_SOURCE_LOAD: Final = 10_000.0
"""Largest vendor load accepted (Garmin/Polar loads of an ultra stay below 2,000)."""
MAX_TEXT_LEN: Final = 64
MAX_SESSION_S: Final = DURATION_MIN_RANGE[1] * 60.0

REASON_BAD_DURATION: Final = "bad_duration"
REASON_NEEDS_HR_OR_RPE: Final = "needs_hr_or_rpe"
REASON_MAX_BELOW_AVG: Final = "max_below_avg"
REASON_BAD_RPE: Final = "bad_rpe"
REASON_BAD_SOURCE_LOAD: Final = "bad_source_load"
REASON_TEXT_TOO_LONG: Final = "text_too_long"
REASON_DUPLICATE: Final = "duplicate"
REASON_DUPLICATE_IN_FILE: Final = "duplicate_in_file"


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedSessions:
    """What a sessions file yields: the sessions to add and the rows it rejected."""

    sessions: tuple[SessionRecord, ...]
    rejected: tuple[RejectedRow, ...]


class _RowError(ValueError):
    """A cell that fails its check; ``reason`` is the row's rejection key."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _number(text: str, bounds: tuple[float, float], reason: str) -> float | None:
    """An optional number within ``bounds`` (None when the cell is empty)."""
    if not (text := text.strip()):
        return None
    try:
        value = float(text)
    except ValueError:
        raise _RowError(reason) from None
    if not (math.isfinite(value) and bounds[0] <= value <= bounds[1]):
        raise _RowError(reason)
    return value


def _text(text: str) -> str | None:
    if len(text := text.strip()) > MAX_TEXT_LEN:
        raise _RowError(REASON_TEXT_TOO_LONG)
    return text or None


def _record(row: dict[str, str], tz: tzinfo, now: datetime) -> SessionRecord:
    """One row as a session, or `_RowError` with the first check it fails."""
    start = parse_instant(row.get("start", ""), tz, now)
    if isinstance(start, str):
        raise _RowError(start)
    duration_min = _number(row.get("duration_min", ""), DURATION_MIN_RANGE, REASON_BAD_DURATION)
    if duration_min is None:
        raise _RowError(REASON_BAD_DURATION)
    duration_s = duration_min * 60.0
    if start + timedelta(seconds=duration_s) > now + CLOCK_SKEW:
        raise _RowError(REASON_DATE_IN_FUTURE)
    avg = _number(row.get("avg_hr_bpm", ""), HR_BPM_RANGE, REASON_IMPLAUSIBLE_HR)
    peak = _number(row.get("max_hr_bpm", ""), HR_BPM_RANGE, REASON_IMPLAUSIBLE_HR)
    rpe = _number(row.get("rpe", ""), (0.0, CR10_MAX), REASON_BAD_RPE)
    if avg is None and rpe is None:
        raise _RowError(REASON_NEEDS_HR_OR_RPE)
    if avg is not None and peak is not None and peak < avg:
        raise _RowError(REASON_MAX_BELOW_AVG)
    vendor = _number(row.get("source_load", ""), (0.0, MAX_SOURCE_LOAD), REASON_BAD_SOURCE_LOAD)
    sport = (_text(row.get("sport", "")) or "unknown").casefold()
    return SessionRecord(
        start=start,
        duration_s=duration_s,
        sport=sport,
        source=SOURCE_IMPORT,
        avg_hr_bpm=avg,
        max_hr_bpm=peak,
        rpe=rpe,
        vendor_load=vendor,
        vendor_name=None if vendor is None else SOURCE_IMPORT,
        source_id=_text(row.get("source_id", "")),
    )


class SessionIndex:
    """Stored sessions by start, to find a duplicate (same id, or overlap) in O(log n)."""

    def __init__(
        self,
        sessions: Iterable[SessionRecord],
        *,
        settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
    ) -> None:
        """Index ``sessions``; ``settings.merge_min_overlap_ratio`` defines one workout."""
        self._ratio = settings.merge_min_overlap_ratio
        self._items = sorted((s.start.astimezone(UTC), s.duration_s) for s in sessions)
        self._ids = {s.source_id for s in sessions if s.source_id is not None}
        self._longest_s = max((d for _, d in self._items), default=0.0)

    def holds(self, record: SessionRecord) -> bool:
        """True when ``record`` is a workout already indexed."""
        if record.source_id is not None and record.source_id in self._ids:
            return True
        start = record.start.astimezone(UTC)
        end = start + timedelta(seconds=record.duration_s)
        lo = bisect.bisect_left(self._items, (start - timedelta(seconds=self._longest_s), 0.0))
        hi = bisect.bisect_left(self._items, (end, 0.0))
        for other_start, other_s in self._items[lo:hi]:
            other_end = other_start + timedelta(seconds=other_s)
            overlap_s = (min(end, other_end) - max(start, other_start)).total_seconds()
            if overlap_s > 0 and overlap_s >= self._ratio * min(other_s, record.duration_s):
                return True
        return False

    def add(self, record: SessionRecord) -> None:
        """Index one more session."""
        bisect.insort(self._items, (record.start.astimezone(UTC), record.duration_s))
        if record.source_id is not None:
            self._ids.add(record.source_id)
        self._longest_s = max(self._longest_s, record.duration_s)


def new_sessions(
    candidates: Iterable[SessionRecord],
    stored: Iterable[SessionRecord],
    *,
    settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
) -> tuple[list[SessionRecord], list[SessionRecord]]:
    """Split ``candidates`` into (new, already stored) by `SessionIndex`'s rule."""
    index = SessionIndex(stored, settings=settings)
    fresh: list[SessionRecord] = []
    known: list[SessionRecord] = []
    for record in candidates:
        (known if index.holds(record) else fresh).append(record)
    return fresh, known


def parse_sessions_csv(
    text: str,
    *,
    tz: tzinfo,
    stored: Iterable[SessionRecord] = (),
    now: datetime | None = None,
    settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
) -> ParsedSessions:
    """Parse a sessions file (see the module docstring for the columns and the checks).

    Args:
        text: the file's content.
        tz: zone of start times written without one (Home Assistant's).
        stored: the sessions stored already (rows matching one are ``duplicate``).
        now: the current instant (aware); defaults to the clock.
        settings: the training settings (the overlap rule of duplicates).

    Raises:
        ImportFileError: ``malformed_header``, or ``sessions_missing_columns`` when the header
            lacks ``start``, ``duration_min``, or both ``avg_hr_bpm`` and ``rpe``.
    """
    now = datetime.now(UTC) if now is None else now
    reader, fields = csv_reader(text)
    if not ({"start", "duration_min"} <= fields and fields & {"avg_hr_bpm", "rpe"}):
        raise ImportFileError(
            key="sessions_missing_columns", columns=", ".join(sorted(fields)) or "-"
        )
    rejected: list[RejectedRow] = []
    stored_index = SessionIndex(stored, settings=settings)
    file_index = SessionIndex((), settings=settings)
    sessions: list[SessionRecord] = []
    for line, row in read_rows(reader, rejected):
        try:
            record = _record(row, tz, now)
        except _RowError as bad:
            rejected.append(RejectedRow(line=line, reason=bad.reason))
            continue
        if stored_index.holds(record):
            rejected.append(RejectedRow(line=line, reason=REASON_DUPLICATE))
        elif file_index.holds(record):
            rejected.append(RejectedRow(line=line, reason=REASON_DUPLICATE_IN_FILE))
        else:
            file_index.add(record)
            sessions.append(record)
    return ParsedSessions(
        sessions=tuple(sessions), rejected=tuple(sorted(rejected, key=lambda r: r.line))
    )
