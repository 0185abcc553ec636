"""Instants typed by people and systems: ISO 8601, read as Europe/London when no offset is given.

The one place where an ``at`` (or ``start``, ``end``) given as text becomes an
aware instant: the on-call API, the shifts range, cover and leave writes and
pathway evaluation all call :func:`parse_instant`, so they refuse the same
inputs with the same messages.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from common.london import LONDON, wall_time_exists, wall_time_is_ambiguous
from rota.bounds import FURTHEST

URL_HINT = "(in a URL, write + as %2B)"


class InstantError(ValueError):
    """Text that is not an instant the service can answer for; ``code`` says why."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _when(naive: datetime) -> str:
    return naive.strftime("%d %b %Y %H:%M")


def _with_offset(wall: datetime, hours: int) -> str:
    return wall.replace(tzinfo=timezone(timedelta(hours=hours))).isoformat()


def parse_instant(text: str | None, *, now: datetime) -> datetime:
    """The instant ``text`` names, or ``now`` when it is empty.

    ``text`` is ISO 8601 (``2026-03-29T08:00``, ``2026-03-29T07:00:00Z``,
    ``2026-03-29T08:00+01:00``, or a date for its midnight). Without an offset
    it is Europe/London wall time, refused when that wall time does not exist
    (spring clock change) or occurs twice (autumn). Instants more than about ten
    years from ``now`` are refused. Raises :class:`InstantError`.
    """
    if text is None or not text.strip():
        return now
    raw = text.strip()
    try:
        # fromisoformat stops reading at a NUL byte: "08:00\x00junk" would pass as 08:00.
        if "\x00" in raw:
            raise ValueError("NUL byte")
        parsed = datetime.fromisoformat(raw)
    except (ValueError, TypeError) as error:
        hint = (
            " A space where the offset should be usually means a + was not written as %2B."
            if " " in raw
            else ""
        )
        raise InstantError(
            f"{raw!r} is not an ISO 8601 date and time, e.g. 2026-03-29T08:00 "
            f"(Europe/London) or 2026-03-29T08:00:00+01:00.{hint}",
            "malformed",
        ) from error
    if parsed.tzinfo is None:
        if not wall_time_exists(parsed):
            raise InstantError(
                f"{_when(parsed)} does not exist in Europe/London: the clocks go forward "
                f"that night. Give it with an offset, e.g. {_with_offset(parsed, 0)} "
                f"{URL_HINT}.",
                "nonexistent_time",
            )
        if wall_time_is_ambiguous(parsed):
            raise InstantError(
                f"{_when(parsed)} happens twice in Europe/London: the clocks go back that "
                f"night. Give it with an offset: {_with_offset(parsed, 1)} for the first "
                f"(BST), {_with_offset(parsed, 0)} for the second (GMT) {URL_HINT}.",
                "ambiguous_time",
            )
        parsed = parsed.replace(tzinfo=LONDON)
    try:
        distance = abs(parsed - now)
    except OverflowError:
        distance = FURTHEST * 2
    if distance > FURTHEST:
        raise InstantError(
            f"{raw!r} is more than ten years from now; the service answers for instants "
            "within ten years.",
            "out_of_range",
        )
    return parsed
