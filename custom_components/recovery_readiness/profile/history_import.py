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

Timestamps without a zone are local time. RR-based rows go through `correct_rr` + `time_domain`
and are rejected above 5 % artefacts or below the 60-s / 60-difference minimum. Every rejected
row is reported with its line number and a reason key; nothing already stored is touched.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from typing import Final

from ..physiology import InsufficientDataError
from ..physiology.artifacts import correct_rr
from ..physiology.hrv import time_domain
from ..physiology.measurement import MAX_ARTIFACT_RATIO
from ..store.measurements import StoredMeasurement

MAX_FILE_BYTES: Final = 20 * 1024 * 1024
_RR_SPLIT = re.compile(r"[\s;,]+")


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


def _measure_rr(rr_text: str, measured_at: datetime) -> StoredMeasurement | str:
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
    return StoredMeasurement(
        measured_at=measured_at,
        ln_rmssd=summary.ln_rmssd,
        rmssd_ms=summary.rmssd_ms,
        hr_bpm=summary.hr_bpm,
        artifact_ratio=correction.artifact_ratio,
        duration_s=summary.duration_s,
        source="import",
    )


def _parse_instant(text: str, tz: tzinfo) -> datetime | None:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


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
) -> ParsedHistory:
    """Parse a CSV export into measurements (see the module docstring for the layouts).

    Args:
        text: the file's content.
        tz: zone of timestamps written without one (Home Assistant's).
        daily_time: local time given to rows of the daily layout.
        user_code: for Welltory files holding several people, whose rows to import.

    Raises:
        ImportFileError: unknown layout, several people without ``user_code``, no such user.
    """
    reader = csv.DictReader(io.StringIO(text))
    fields = {f.strip().lower() for f in reader.fieldnames or ()}
    rows: Iterable[tuple[int, dict[str, str]]] = (
        (i + 2, {k.strip().lower(): (v or "") for k, v in row.items() if k is not None})
        for i, row in enumerate(reader)
    )
    if {"measurement_datetime", "rr_data"} <= fields:
        welltory = _welltory_rows(list(rows), user_code)
        return _parse_rr_rows("welltory", welltory, ("measurement_datetime", "rr_data"), tz)
    if {"timestamp", "rr_ms"} <= fields:
        return _parse_rr_rows("rr", list(rows), ("timestamp", "rr_ms"), tz)
    if "date" in fields and fields & {"rmssd_ms", "rmssd"}:
        return _parse_daily_rows(list(rows), tz, daily_time)
    raise ImportFileError(key="unknown_layout", columns=", ".join(sorted(fields)) or "-")


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
) -> ParsedHistory:
    time_column, rr_column = columns
    measurements: list[StoredMeasurement] = []
    rejected: list[RejectedRow] = []
    for line, row in rows:
        at = _parse_instant(row.get(time_column, ""), tz)
        if at is None:
            rejected.append(RejectedRow(line=line, reason="bad_timestamp"))
            continue
        measured = _measure_rr(row.get(rr_column, ""), at.astimezone(UTC))
        if isinstance(measured, str):
            rejected.append(RejectedRow(line=line, reason=measured))
            continue
        measurements.append(measured)
    return ParsedHistory(layout=layout, measurements=tuple(measurements), rejected=tuple(rejected))


def _parse_daily_rows(
    rows: list[tuple[int, dict[str, str]]],
    tz: tzinfo,
    daily_time: time,
) -> ParsedHistory:
    measurements: list[StoredMeasurement] = []
    rejected: list[RejectedRow] = []
    for line, row in rows:
        try:
            day = date.fromisoformat(row.get("date", "").strip())
        except ValueError:
            rejected.append(RejectedRow(line=line, reason="bad_timestamp"))
            continue
        rmssd_ms = _positive(row.get("rmssd_ms") or row.get("rmssd"))
        if rmssd_ms is None:
            rejected.append(RejectedRow(line=line, reason="bad_rmssd"))
            continue
        measurements.append(
            StoredMeasurement(
                measured_at=datetime.combine(day, daily_time, tzinfo=tz).astimezone(UTC),
                ln_rmssd=math.log(rmssd_ms),
                rmssd_ms=rmssd_ms,
                hr_bpm=_positive(row.get("resting_hr_bpm") or row.get("hr_bpm")),
                artifact_ratio=None,
                duration_s=None,
                source="import",
                day=day,
            )
        )
    return ParsedHistory(layout="daily", measurements=tuple(measurements), rejected=tuple(rejected))
