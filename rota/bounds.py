"""The named limits on what callers may send, refused with a message saying which.

Each is a clinical or operational bound, not a technical accident: leave longer
than a year or a cover longer than a month is a typing error in practice, and an
instant further than ten years away is one too. The request limits keep a
single caller from tying up a worker.
"""

from datetime import timedelta

MAX_REQUEST_BODY_BYTES = 64 * 1024
MAX_JSON_DEPTH = 5
MAX_ANSWERS = 100
LONGEST_LEAVE = timedelta(days=366)
LONGEST_COVER = timedelta(days=31)
# A manual shift of a month is the most a rota page offers; a rotation's are a day.
LONGEST_SHIFT = timedelta(days=31)
# A rota note is a short, timed message ("in theatre until 14:00"), not a record.
LONGEST_NOTE = timedelta(days=7)
NOTE_LENGTH = 280
# Far enough for planning leave and reading history; near enough that every
# window around an instant (four weeks either side) stays a valid datetime.
FURTHEST = timedelta(days=3660)

# Stored rows obey the limits above with a day to spare for clock changes (the
# limits are wall-clock lengths). The database enforces it, so a loader may
# bound a window's index scan on both sides: a row overlapping ``[start, end)``
# ends before ``end`` plus its longest stored length.
CLOCK_CHANGE_SLACK = timedelta(days=1)


def longest_stored(longest: timedelta) -> timedelta:
    """The longest ``end - start`` the database holds for a limit of ``longest``."""
    return longest + CLOCK_CHANGE_SLACK
