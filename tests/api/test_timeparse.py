from datetime import UTC, datetime

import pytest

from api.timeparse import InstantError, parse_instant
from tests.factories import london

NOW = london(2026, 5, 4, 12, 0)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-03-29T00:59", datetime(2026, 3, 29, 0, 59, tzinfo=UTC)),
    ("2026-03-29T02:00", datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
    ("2026-10-25T00:59", datetime(2026, 10, 24, 23, 59, tzinfo=UTC)),
    ("2026-10-25T02:00", datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),
    ("2026-10-25T01:30+01:00", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ("2026-10-25T01:30Z", datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
    ("2026-05-04", datetime(2026, 5, 3, 23, 0, tzinfo=UTC)),
    ("  2026-05-04T08:00:00.5  ", datetime(2026, 5, 4, 7, 0, 0, 500000, tzinfo=UTC)),
])
def test_parse_instant_reads_wall_time_and_offsets(text, expected):
    assert parse_instant(text, now=NOW) == expected


@pytest.mark.parametrize("text", [None, "", "   "])
def test_parse_instant_empty_is_now(text):
    assert parse_instant(text, now=NOW) is NOW


@pytest.mark.parametrize(("text", "code"), [
    ("2026-03-29T01:00", "nonexistent_time"),
    ("2026-03-29T01:59:59", "nonexistent_time"),
    ("2026-10-25T01:00", "ambiguous_time"),
    ("2026-10-25T01:59", "ambiguous_time"),
    ("2026-02-30T08:00", "malformed"),
    ("08:00", "malformed"),
    ("2026-05-04T08:00+25:00", "malformed"),
    ("2026-05-04T08:00\x00junk", "malformed"),
    ("0001-01-01T00:00+14:00", "out_of_range"),
    ("2037-01-01T00:00Z", "out_of_range"),
])
def test_parse_instant_refuses(text, code):
    with pytest.raises(InstantError) as refused:
        parse_instant(text, now=NOW)
    assert refused.value.code == code
