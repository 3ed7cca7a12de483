"""CSV layouts of the history import, parsed without Home Assistant state."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from homeassistant.util import dt as dt_util

from custom_components.recovery_readiness.profile.history_import import (
    ImportFileError,
    parse_history_csv,
)

AMS = ZoneInfo("Europe/Amsterdam")


def _parse(text: str, **kw):
    return parse_history_csv(text, tz=AMS, daily_time=time(7, 30), **kw)


def _rr_series(n: int = 100, swing: float = 40.0) -> list[int]:
    return [round(1000 + swing * math.sin(2 * math.pi * i / 6)) for i in range(n)]


def _rmssd(rr: list[int]) -> float:
    d = [b - a for a, b in itertools.pairwise(rr)]
    return math.sqrt(sum(x * x for x in d) / len(d))


def test_welltory_rows_are_remeasured_from_their_rr_data():
    rr = _rr_series()
    text = (
        "user_code,rr_code,measurement_datetime,time_of_day,bpm,rmssd,rr_data\n"
        f'u1,r1,2020-03-01 07:05:00,morning,60,999,"{",".join(map(str, rr))}"\n'
    )
    parsed = _parse(text)
    assert parsed.layout == "welltory"
    [m] = parsed.measurements
    assert m.rmssd_ms == pytest.approx(_rmssd(rr), rel=1e-12)  # not the app's 999
    assert m.ln_rmssd == pytest.approx(math.log(_rmssd(rr)), rel=1e-12)
    assert m.hr_bpm == pytest.approx(60000 / (sum(rr) / len(rr)), rel=1e-12)
    assert m.measured_at == dt_util.as_utc(dt_util.parse_datetime("2020-03-01T07:05:00+01:00"))
    assert m.source == "import"


def test_welltory_file_with_several_people_needs_a_user_code():
    rr = ",".join(map(str, _rr_series()))
    text = (
        "user_code,measurement_datetime,rr_data\n"
        f'u1,2020-03-01 07:05:00,"{rr}"\n'
        f'u2,2020-03-01 07:06:00,"{rr}"\n'
    )
    with pytest.raises(ImportFileError) as err:
        _parse(text)
    assert err.value.key == "several_users"
    assert len(_parse(text, user_code="u2").measurements) == 1
    with pytest.raises(ImportFileError) as err:
        _parse(text, user_code="nobody")
    assert err.value.key == "unknown_user"


def test_rr_rows_with_problems_are_rejected_with_their_line_and_reason():
    good = " ".join(map(str, _rr_series()))
    noisy = _rr_series()
    for i in range(10, 100, 10):
        noisy[i] *= 2  # nine missed beats in 100: far above 5 %
    text = (
        "timestamp,rr_ms\n"
        f"2026-03-01T07:00:00+01:00,{good}\n"
        "not a time,800 810\n"
        "2026-03-02T07:00:00,800 810 790\n"
        f"2026-03-03T07:00:00,{' '.join(map(str, noisy))}\n"
        "2026-03-04T07:00:00,800 abc\n"
    )
    parsed = _parse(text)
    assert parsed.layout == "rr"
    assert len(parsed.measurements) == 1
    assert [(r.line, r.reason) for r in parsed.rejected] == [
        (3, "bad_timestamp"),
        (4, "too_short"),
        (5, "too_many_artifacts"),
        (6, "bad_rr"),
    ]


def test_daily_rows_take_the_day_at_the_given_local_time():
    text = "date,rmssd_ms,resting_hr_bpm\n2026-03-29,55.5,48\n2026-03-30,-1,50\nx,40,\n"
    parsed = _parse(text)
    assert parsed.layout == "daily"
    [m] = parsed.measurements
    assert m.rmssd_ms == 55.5
    assert m.ln_rmssd == pytest.approx(math.log(55.5))
    assert m.hr_bpm == 48
    # 07:30 in Amsterdam on the day summer time starts is 05:30 UTC.
    assert m.measured_at == dt_util.parse_datetime("2026-03-29T05:30:00+00:00").astimezone(UTC)
    assert [(r.line, r.reason) for r in parsed.rejected] == [(3, "bad_rmssd"), (4, "bad_timestamp")]


def test_an_unknown_layout_is_refused_naming_its_columns():
    with pytest.raises(ImportFileError) as err:
        _parse("when,value\n1,2\n")
    assert err.value.key == "unknown_layout"
    assert err.value.placeholders == {"columns": "value, when"}


NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _parse_now(text: str, **kw):
    return parse_history_csv(text, tz=AMS, daily_time=time(7, 30), now=NOW, **kw)


def test_absurd_daily_values_and_dates_are_rejected_per_row_with_a_reason():
    text = (
        "date,rmssd_ms,resting_hr_bpm\n"
        "2026-05-01,100000,50\n"
        "2026-05-02,0.0001,50\n"
        "2026-05-03,1e308,50\n"
        "2026-05-04,45,10000\n"
        "0001-01-01,45,50\n"
        "1700-01-01,45,50\n"
        "2030-01-01,45,50\n"
        "9999-12-31,45,50\n"
        "1999-12-31,45,50\n"
        "2026-06-02,45,50\n"
        "2000-01-01,45,50\n"
        "2026-06-01,300,25\n"
        "2026-05-31,3,150\n"
    )
    parsed = _parse_now(text)
    assert [(r.line, r.reason) for r in parsed.rejected] == [
        (2, "implausible_rmssd"),
        (3, "implausible_rmssd"),
        (4, "implausible_rmssd"),
        (5, "implausible_hr"),
        (6, "date_too_old"),
        (7, "date_too_old"),
        (8, "date_in_future"),
        (9, "date_in_future"),
        (10, "date_too_old"),
        (11, "date_in_future"),
    ]
    assert [m.day.isoformat() for m in parsed.measurements] == [
        "2000-01-01",
        "2026-06-01",
        "2026-05-31",
    ]


def test_absurd_recordings_are_rejected_per_row_with_a_reason():
    good = " ".join(map(str, _rr_series()))
    fast = " ".join(str(round(350 + 5 * math.sin(i))) for i in range(400))  # 171 bpm, 140 s
    huge = " ".join(str(100000 + 50000 * (i % 2)) for i in range(100))  # no beat plausible
    long_rr = _rr_series(30_000)  # 30,000 beats: about 8 h as one "morning measurement"
    text = (
        "timestamp,rr_ms\n"
        f"2026-05-01T07:00:00+02:00,{fast}\n"
        f"2026-05-02T07:00:00+02:00,{huge}\n"
        f"2026-05-03T07:00:00+02:00,{' '.join(map(str, long_rr[:20_000]))}\n"
        f"0001-01-01T07:00:00,{good}\n"
        f"9999-12-31T23:59:59-05:00,{good}\n"
        f"2026-06-01T14:30:00+00:00,{good}\n"  # later today than now
        f"2026-06-01T12:04:00+00:00,{good}\n"  # within the clock skew
        f"2026-05-04T07:00:00+02:00,{good}\n"
    )
    parsed = _parse_now(text)
    assert [(r.line, r.reason) for r in parsed.rejected] == [
        (2, "implausible_hr"),
        (3, "too_short"),  # every interval is an artefact: nothing left to measure
        (4, "recording_too_long"),
        (5, "date_too_old"),
        (6, "date_in_future"),
        (7, "date_in_future"),
    ]
    assert len(parsed.measurements) == 2


def test_a_field_beyond_the_csv_limit_rejects_only_its_row():
    good = " ".join(map(str, _rr_series()))
    giant = " ".join(["1000"] * 100_000)  # about 500,000 characters in one field
    text = (
        "timestamp,rr_ms\n"
        f"2026-05-01T07:00:00+02:00,{good}\n"
        f'2026-05-02T07:00:00+02:00,"{giant}"\n'
        f"2026-05-03T07:00:00+02:00,{good}\n"
    )
    parsed = _parse_now(text)
    assert [(r.line, r.reason) for r in parsed.rejected] == [(3, "field_too_large")]
    assert len(parsed.measurements) == 2


def test_an_unbalanced_quote_is_reported_at_the_line_where_it_opens():
    text = 'date,rmssd_ms\n2026-05-01,40\n2026-05-02,"41\n2026-05-03,42\n2026-05-04,43\n'
    parsed = _parse_now(text)
    assert [(r.line, r.reason) for r in parsed.rejected] == [(3, "unbalanced_quote")]
    assert [m.rmssd_ms for m in parsed.measurements] == [40.0]


def test_a_stray_quote_inside_a_field_rejects_its_row():
    text = 'date,rmssd_ms\n2026-05-01,"40"x\n2026-05-02,41\n'
    parsed = _parse_now(text)
    assert [(r.line, r.reason) for r in parsed.rejected] == [(2, "malformed_row")]
    assert [m.rmssd_ms for m in parsed.measurements] == [41.0]


def test_nonexistent_local_times_are_reported_as_such_not_as_duplicates():
    good = " ".join(map(str, _rr_series()))
    text = (
        "timestamp,rr_ms\n"
        f"2026-03-29T02:15:00,{good}\n"  # Amsterdam skips 02:00-03:00 that night
        f"2026-03-29T02:45:00,{good}\n"
        f"2026-03-29T03:15:00,{good}\n"
        f"2026-10-25T02:30:00,{good}\n"  # the repeated hour exists (first occurrence)
    )
    parsed = _parse_now(text.replace("2026-10-25", "2026-05-25"))
    assert [(r.line, r.reason) for r in parsed.rejected] == [
        (2, "nonexistent_local_time"),
        (3, "nonexistent_local_time"),
    ]
    assert len(parsed.measurements) == 2


def test_a_header_the_csv_reader_cannot_read_refuses_the_file():
    with pytest.raises(ImportFileError) as err:
        _parse_now('"date,rmssd_ms\n2026-05-01,40\n')
    assert err.value.key == "malformed_header"


def test_a_daily_value_that_is_not_a_number_is_rejected():
    parsed = _parse_now("date,rmssd_ms\n2026-05-01,abc\n2026-05-02,41\n")
    assert [(r.line, r.reason) for r in parsed.rejected] == [(2, "bad_rmssd")]
