"""iCalendar feeds of resolved timelines, per rota and per clinician.

Events are the segments of :func:`rota.oncall.resolve_timeline` (covers
applied, leave removed, gaps shown on rota feeds) from four weeks back to
thirteen weeks ahead. Times are written in UTC, so clock changes need no
VTIMEZONE. A UID is derived from the rota, the clinician(s) and the start, so a
client that refreshes the feed updates events rather than duplicating them.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.db.models import Q
from django.http import HttpResponse, HttpResponseNotFound
from django.utils import timezone
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event

from common.london import instant_at, local, utc_stamp
from rota.models import Clinician, Cover, Rota, Shift
from rota.oncall import Schedule, Segment, answer_spans, resolve_timeline
from rota.presentation import switchboard_route
from rota.selectors import load_schedule
from rota.tokens import feed_for_secret

FEED_PAST = timedelta(weeks=4)
FEED_AHEAD = timedelta(weeks=13)
# Loaded beyond the window so that an event crossing its edge keeps its true
# start (and so its UID) from one refresh to the next.
MARGIN = timedelta(days=7)
GAP_SUMMARY = "GAP: nobody on call"
PRODID = "-//IR on-call pathway service//Rota feeds//EN"
UID_DOMAIN = "ir-oncall"


def feed_window(now: datetime) -> tuple[datetime, datetime]:
    """Whole Europe/London days from four weeks before ``now`` to thirteen weeks after."""
    today = local(now).date()
    return (
        instant_at(today - FEED_PAST, time(0, 0)),
        instant_at(today + FEED_AHEAD + timedelta(days=1), time(0, 0)),
    )


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-published-ttl", "PT1H")
    return calendar


def _event(*, uid: str, start: datetime, end: datetime, summary: str, description: str,
           now: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", end.astimezone(UTC))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    return event


def _visible(segments: list[Segment], start: datetime, end: datetime) -> list[Segment]:
    return [s for s in segments if s.start < end and s.end > start]


def rota_segment_summary(schedule: Schedule, segment: Segment) -> str:
    """What a rota feed calls a segment: who is on call, a gap, or a divert."""
    if segment.divert is not None:
        return f"Diverted: {segment.divert.reason}"
    if segment.gap:
        return GAP_SUMMARY
    return " and ".join(schedule.clinicians[i].name for i in segment.clinician_ids)


def rota_calendar(schedule: Schedule, rota_id: int, *, start: datetime, end: datetime,
                  now: datetime) -> Calendar:
    """The rota's timeline over ``[start, end)`` as a calendar; quiet hours are left out."""
    rota = schedule.rotas[rota_id]
    calendar = _calendar(rota.name)
    route = f"{switchboard_route(rota.based_at, rota.ask_for)}."
    fallback = schedule.rotas.get(rota.fallback_id) if rota.fallback_id else None
    for segment in _visible(answer_spans(schedule, rota_id), start, end):
        if not (segment.on_call or segment.gap or segment.divert):
            continue
        if segment.divert is not None:
            who = f"divert-{segment.divert.id}"
        elif segment.gap:
            who = "gap"
        else:
            who = "-".join(str(i) for i in segment.clinician_ids)
        description = f"{rota.name}. {route}"
        if segment.gap:
            description = (
                f"Nobody is on call for {rota.name}. "
                + (f"Calls go to {fallback.name}." if fallback else "There is no fallback rota.")
            )
        calendar.add_component(_event(
            uid=f"rota-{rota.slug}-{who}-{utc_stamp(segment.start)}@{UID_DOMAIN}",
            start=segment.start, end=segment.end,
            summary=rota_segment_summary(schedule, segment),
            description=description, now=now,
        ))
    return calendar


def clinician_calendar(schedule: Schedule, clinician_id: int, name: str, *, start: datetime,
                       end: datetime, now: datetime) -> Calendar:
    """When the clinician is on call, rota by rota, over ``[start, end)``.

    Adjacent segments of one rota are joined (a colleague joining for an hour
    does not split the clinician's shift), unless a divert starts or ends.
    """
    calendar = _calendar(f"On call: {name}")
    for rota in sorted(schedule.rotas.values(), key=lambda r: (r.name, r.id)):
        spans: list[list] = []
        for segment in resolve_timeline(schedule, rota.id):
            if clinician_id not in segment.clinician_ids:
                continue
            if spans and spans[-1][1] == segment.start and spans[-1][2] == segment.divert:
                spans[-1][1] = segment.end
            else:
                spans.append([segment.start, segment.end, segment.divert])
        for span_start, span_end, divert in spans:
            if not (span_start < end and span_end > start):
                continue
            summary = f"On call: {rota.name}"
            if divert is not None:
                summary += f" (diverted: {divert.reason})"
            calendar.add_component(_event(
                uid=f"rota-{rota.slug}-clinician-{clinician_id}-{utc_stamp(span_start)}"
                    f"@{UID_DOMAIN}",
                start=span_start, end=span_end, summary=summary,
                description=f"{rota.name}, based at {rota.based_at.name}.", now=now,
            ))
    return calendar


def rota_feed(rota: Rota, *, now: datetime) -> bytes:
    """The rota's calendar feed as iCalendar bytes."""
    start, end = feed_window(now)
    schedule = load_schedule(network_ids=[rota.network_id], start=start - MARGIN,
                             end=end + MARGIN)
    return rota_calendar(schedule, rota.id, start=start, end=end, now=now).to_ical()


def clinician_feed(clinician: Clinician, *, now: datetime) -> bytes:
    """The clinician's on-call calendar, across every network they have duties in."""
    start, end = feed_window(now)
    lo, hi = start - MARGIN, end + MARGIN
    overlapping = Q(start__lt=hi, end__gt=lo)
    network_ids = set(
        Shift.objects.filter(overlapping, clinician=clinician).values_list(
            "rota__network_id", flat=True
        )
    ) | set(
        Cover.objects.filter(overlapping, covering=clinician).values_list(
            "rota__network_id", flat=True
        )
    )
    network_ids.add(clinician.home_trust.network_id)
    schedule = load_schedule(network_ids=network_ids, start=lo, end=hi)
    return clinician_calendar(
        schedule, clinician.id, clinician.name, start=start, end=end, now=now
    ).to_ical()


# --- Views: secret addresses, no sign-in (calendar clients cannot sign in) --


def _feed_response(body: bytes, filename: str) -> HttpResponse:
    return HttpResponse(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'inline; filename="{filename}.ics"',
            "Cache-Control": "private, max-age=300",
        },
    )


_GONE = "This calendar feed does not exist or has been revoked; ask for a new address."


@require_GET
def rota_feed_view(request, secret: str):
    feed = feed_for_secret(secret, kind="rota")
    if feed is None:
        return HttpResponseNotFound(_GONE, content_type="text/plain; charset=utf-8")
    return _feed_response(rota_feed(feed.rota, now=timezone.now()), feed.rota.slug)


@require_GET
def clinician_feed_view(request, secret: str):
    feed = feed_for_secret(secret, kind="clinician")
    if feed is None:
        return HttpResponseNotFound(_GONE, content_type="text/plain; charset=utf-8")
    return _feed_response(
        clinician_feed(feed.clinician, now=timezone.now()), f"clinician-{feed.clinician_id}"
    )
