"""Reading morning-HRV history from CSV exports (the `import_history` action).

Layouts, recognised by their header:

* **Welltory export** — columns ``measurement_datetime`` and ``rr_data`` (comma-separated RR
  intervals in ms, oldest first), plus ``user_code`` when a file holds several people. RMSSD
  and resting HR are recomputed from the RR intervals with the same artefact correction and
  rules as a strap measurement; the app's own columns are not trusted.
* **Generic RR** — ``timestamp`` and ``rr_ms`` (RR intervals in ms separated by spaces,
  semicolons or commas).
* **Generic daily** — ``date`` and ``rmssd_ms`` (or ``rmssd``), optionally ``resting_hr_bpm``
  (or ``hr_bpm``). Such a value belongs to its date (it is timed in the middle of the morning
  window only for display); a strap measurement of the same morning takes precedence.

Timestamps without a zone are local time; a local time that does not exist (the hour skipped
when clocks spring forward) is rejected as ``nonexistent_local_time``. RR-based rows go through
`correct_rr` + `time_domain` and are rejected above 5 % artefacts or below the 60-s /
60-difference minimum. Every row must be plausible (`physiology.plausibility`: RMSSD, resting
HR, recording length, a date from 2000 up to now). A row the CSV reader cannot read (a field
longer than the reader's limit, a stray quote) is rejected on its own (``field_too_large``,
``malformed_row``); a quote that is never closed swallows the rest of the file, which is
reported as ``unbalanced_quote`` at the line where it opened. Every rejected row is reported
with its line number and a reason key; nothing already stored is touched.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Final

from ..physiology import InsufficientDataError
from ..physiology.artifacts import correct_rr
from ..physiology.hrv import time_domain
from ..physiology.measurement import MAX_ARTIFACT_RATIO
from ..physiology.plausibility import REASON_DATE_IN_FUTURE, check_date, check_measurement
from ..store.measurements import StoredMeasurement

MAX_FILE_BYTES: Final = 20 * 1024 * 1024
_RR_SPLIT = re.compile(r"[\s;,]+")
CLOCK_SKEW: Final = timedelta(minutes=5)
"""A recording may be timed this far after now (clocks of phone and server differ)."""
REASON_BAD_TIMESTAMP: Final = "bad_timestamp"
REASON_NONEXISTENT_LOCAL_TIME: Final = "nonexistent_local_time"
REASON_FIELD_TOO_LARGE: Final = "field_too_large"
REASON_UNBALANCED_QUOTE: Final = "unbalanced_quote"
REASON_MALFORMED_ROW: Final = "malformed_row"


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; `key` is a translation key."""

    def __init__(self, key: str, **placeholders: str) -> None:
        """Name the problem."""
        super().__init__(key)
        self.key = key
        self.placeholders = placeholders


@dataclass(frozen=True, slots=True, kw_only=True)
class RejectedRow:
    """A row that was not imported: its line number (header = 1) and a reason key."""

    line: int
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedHistory:
    """What a file holds: the measurements it yields and the rows it rejected."""

    layout: str
    measurements: tuple[StoredMeasurement, ...]
    rejected: tuple[RejectedRow, ...]


def _measure_rr(  # noqa: PLR0911  (one return per rejection reason)
    rr_text: str, measured_at: datetime
) -> StoredMeasurement | str:
    """Measure one recording made at ``measured_at``, or return the rejection reason key."""
    try:
        rr_ms = [float(v) for v in _RR_SPLIT.split(rr_text.strip()) if v]
    except ValueError:
        return "bad_rr"
    if not rr_ms or not all(math.isfinite(v) and v > 0 for v in rr_ms):
        return "bad_rr"
    try:
        correction = correct_rr(rr_ms)
        summary = time_domain(correction.nn_ms, breaks=correction.breaks)
    except InsufficientDataError:
        return "too_short"
    if correction.artifact_ratio > MAX_ARTIFACT_RATIO:
        return "too_many_artifacts"
    if summary.rmssd_ms <= 0:
        return "bad_rr"
    if reason := check_measurement(
        rmssd_ms=summary.rmssd_ms, hr_bpm=summary.hr_bpm, duration_s=summary.duration_s
    ):
        return reason
    return StoredMeasurement(
        measured_at=measured_at,
        ln_rmssd=summary.ln_rmssd,
        rmssd_ms=summary.rmssd_ms,
        hr_bpm=summary.hr_bpm,
        artifact_ratio=correction.artifact_ratio,
        duration_s=summary.duration_s,
        source="import",
    )


def parse_instant(text: str, tz: tzinfo, now: datetime) -> datetime | str:
    """An aware UTC instant, or the reason key it is refused.

    Without a zone the time is local; a local time skipped by a spring-forward transition does
    not survive the round trip through UTC and is refused, never silently shifted.
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return REASON_BAD_TIMESTAMP
    if reason := check_date(value.date(), today=now.astimezone(tz).date()):
        return reason
    try:
        if value.tzinfo is None:
            local = value.replace(tzinfo=tz)
            instant = local.astimezone(UTC)
            if instant.astimezone(tz).replace(tzinfo=None) != value:
                return REASON_NONEXISTENT_LOCAL_TIME
        else:
            instant = value.astimezone(UTC)
    except (OverflowError, ValueError):
        return REASON_BAD_TIMESTAMP
    return REASON_DATE_IN_FUTURE if instant > now + CLOCK_SKEW else instant


def _positive(text: str | None) -> float | None:
    try:
        value = float(text) if text not in (None, "") else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) and value > 0 else None


def parse_history_csv(
    text: str,
    *,
    tz: tzinfo,
    daily_time: time,
    user_code: str | None = None,
    now: datetime | None = None,
) -> ParsedHistory:
    """Parse a CSV export into measurements (see the module docstring for the layouts).

    Args:
        text: the file's content.
        tz: zone of timestamps written without one (Home Assistant's).
        daily_time: local time given to rows of the daily layout.
        user_code: for Welltory files holding several people, whose rows to import.
        now: the current instant (aware); nothing later is accepted. Defaults to the clock.

    Raises:
        ImportFileError: unknown layout, several people without ``user_code``, no such user,
            a header the CSV reader cannot read.
    """
    now = datetime.now(UTC) if now is None else now
    reader, fields = csv_reader(text)
    unreadable: list[RejectedRow] = []
    rows = list(read_rows(reader, unreadable))
    if {"measurement_datetime", "rr_data"} <= fields:
        welltory = _welltory_rows(rows, user_code)
        parsed = _parse_rr_rows("welltory", welltory, ("measurement_datetime", "rr_data"), tz, now)
    elif {"timestamp", "rr_ms"} <= fields:
        parsed = _parse_rr_rows("rr", rows, ("timestamp", "rr_ms"), tz, now)
    elif "date" in fields and fields & {"rmssd_ms", "rmssd"}:
        parsed = _parse_daily_rows(rows, tz, daily_time, now)
    else:
        raise ImportFileError(key="unknown_layout", columns=", ".join(sorted(fields)) or "-")
    rejected = sorted((*parsed.rejected, *unreadable), key=lambda r: r.line)
    return ParsedHistory(
        layout=parsed.layout, measurements=parsed.measurements, rejected=tuple(rejected)
    )


def csv_reader(text: str) -> tuple[csv.DictReader[str], set[str]]:
    """A strict CSV reader over ``text`` and its header's names (trimmed, lower case).

    Raises:
        ImportFileError: ``malformed_header`` when the CSV reader cannot read the header.
    """
    reader = csv.DictReader(io.StringIO(text), strict=True)
    try:
        fields = {f.strip().lower() for f in reader.fieldnames or ()}
    except csv.Error as err:
        raise ImportFileError(key="malformed_header", error=str(err)) from err
    return reader, fields


def read_rows(
    reader: csv.DictReader[str], unreadable: list[RejectedRow]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (first line, row with normalised keys); unreadable rows go to ``unreadable``."""
    last_line = reader.line_num
    while True:
        line = last_line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            message = str(err)
            if "field limit" in message:
                reason = REASON_FIELD_TOO_LARGE
            elif "unexpected end of data" in message:
                reason = REASON_UNBALANCED_QUOTE
            else:
                reason = REASON_MALFORMED_ROW
            unreadable.append(RejectedRow(line=line, reason=reason))
            last_line = max(line, reader.line_num)
            continue
        last_line = reader.line_num
        yield line, {k.strip().lower(): (v or "") for k, v in row.items() if k is not None}


def _welltory_rows(
    rows: list[tuple[int, dict[str, str]]], user_code: str | None
) -> list[tuple[int, dict[str, str]]]:
    users = {row.get("user_code", "") for _line, row in rows} - {""}
    if user_code is None:
        if len(users) > 1:
            raise ImportFileError(key="several_users", count=str(len(users)))
        return rows
    if user_code not in users:
        raise ImportFileError(key="unknown_user", user_code=user_code)
    return [(line, row) for line, row in rows if row.get("user_code") == user_code]


def _parse_rr_rows(
    layout: str,
    rows: list[tuple[int, dict[str, str]]],
    columns: tuple[str, str],
    tz: tzinfo,
    now: datetime,
) -> ParsedHistory:
    time_column, rr_column = columns
    measurements: list[StoredMeasurement] = []
    rejected: list[RejectedRow] = []
    for line, row in rows:
        at = parse_instant(row.get(time_column, ""), tz, now)
        if isinstance(at, str):
            rejected.append(RejectedRow(line=line, reason=at))
            continue
        measured = _measure_rr(row.get(rr_column, ""), at)
        if isinstance(measured, str):
            rejected.append(RejectedRow(line=line, reason=measured))
            continue
        measurements.append(measured)
    return ParsedHistory(layout=layout, measurements=tuple(measurements), rejected=tuple(rejected))


def _parse_daily_rows(
    rows: list[tuple[int, dict[str, str]]],
    tz: tzinfo,
    daily_time: time,
    now: datetime,
) -> ParsedHistory:
    measurements: list[StoredMeasurement] = []
    rejected: list[RejectedRow] = []
    today = now.astimezone(tz).date()
    for line, row in rows:
        try:
            day = date.fromisoformat(row.get("date", "").strip())
        except ValueError:
            rejected.append(RejectedRow(line=line, reason=REASON_BAD_TIMESTAMP))
            continue
        if reason := check_date(day, today=today):
            rejected.append(RejectedRow(line=line, reason=reason))
            continue
        rmssd_ms = _positive(row.get("rmssd_ms") or row.get("rmssd"))
        if rmssd_ms is None:
            rejected.append(RejectedRow(line=line, reason="bad_rmssd"))
            continue
        hr_bpm = _positive(row.get("resting_hr_bpm") or row.get("hr_bpm"))
        if reason := check_measurement(rmssd_ms=rmssd_ms, hr_bpm=hr_bpm, duration_s=None):
            rejected.append(RejectedRow(line=line, reason=reason))
            continue
        measurements.append(
            StoredMeasurement(
                measured_at=datetime.combine(day, daily_time, tzinfo=tz).astimezone(UTC),
                ln_rmssd=math.log(rmssd_ms),
                rmssd_ms=rmssd_ms,
                hr_bpm=hr_bpm,
                artifact_ratio=None,
                duration_s=None,
                source="import",
                day=day,
            )
        )
    return ParsedHistory(layout="daily", measurements=tuple(measurements), rejected=tuple(rejected))
