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
# Far enough for planning leave and reading history; near enough that every
# window around an instant (four weeks either side) stays a valid datetime.
FURTHEST = timedelta(days=3660)
