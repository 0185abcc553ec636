"""The rota pack: the switchboard's paper fallback, for when systems are down.

For each rota of a network, day by day (Europe/London days), who is on call
from when to when, with their contact routes; gaps and diverts stand out.
It reads the resolved timelines of :mod:`rota.oncall` (``answer_spans``) and
shows people through :mod:`rota.presentation` and
:func:`rota.access.visible_contacts`: no rule of its own.

Two editions: ``staff`` (names and the contacts staff may see) and
``switchboard`` (every contact, personal numbers included, and it says so
on every page). The instant it was made is printed on every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.template.loader import render_to_string

from common.london import instant_at, local, spoken
from rota.access import (
    EVERY_CONTACT,
    STAFF_VISIBLE,
    Viewer,
    may_see_board,
    viewer_for,
    visible_contacts,
)
from rota.calendars import bank_holiday
from rota.oncall import Schedule, answer_spans
from rota.pdf import css_string, render_pdf
from rota.presentation import describe_contact, status_of, switchboard_route
from rota.selectors import load_schedule

EDITIONS = ("staff", "switchboard")
MIN_DAYS, MAX_DAYS = 1, 14
EDITION_VIEWERS = {
    "staff": Viewer(sees_names=True, visibilities=STAFF_VISIBLE),
    "switchboard": Viewer(sees_names=True, visibilities=EVERY_CONTACT),
}
HOLDS_NUMBERS = (
    "Switchboard edition: holds personal numbers. Keep it at the switchboard and "
    "shred it when replaced."
)


def pack_editions_for(user, network_id: int) -> frozenset[str]:
    """The editions of a network's pack ``user`` may have.

    The one place the pack asks about roles, so that the rewrite of access
    (roles per network membership) can re-point it: staff of the network get
    the staff edition; its switchboard, coordinators and leads (and admins)
    also get the switchboard edition.
    """
    editions = set()
    if viewer_for(user, network_id).sees_names:
        editions.add("staff")
    if may_see_board(user, network_id):
        editions.add("switchboard")
    return frozenset(editions)


@dataclass(frozen=True)
class PackPerson:
    name: str
    routes: tuple[str, ...]


@dataclass(frozen=True)
class PackEntry:
    """One span of a rota's timeline, as seen on one day."""

    start: datetime
    end: datetime
    starts_before: bool  # began before the loaded window: the start is not known
    ends_after: bool  # continues past the loaded window
    status: str  # on_call, gap, diverted, outside_hours
    people: tuple[PackPerson, ...] = ()
    note: str = ""  # what to do in a gap or divert

    @property
    def clinician_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.people)


@dataclass(frozen=True)
class PackDay:
    day: date
    label: str  # "Sun 29 Mar 2026 (clocks go forward)" or "... bank holiday: Easter Monday"
    entries: tuple[PackEntry, ...]


@dataclass(frozen=True)
class PackRota:
    slug: str
    name: str
    route: str
    coverage: str
    fallback: str
    days: tuple[PackDay, ...]


@dataclass(frozen=True)
class Pack:
    network: str
    network_slug: str
    edition: str
    made_at: datetime
    start: datetime
    end: datetime
    days: int
    rotas: tuple[PackRota, ...]

    @property
    def holds_personal_numbers(self) -> bool:
        return self.edition == "switchboard"


def pack_window(made_at: datetime, days: int) -> tuple[datetime, datetime]:
    """From the start of ``made_at``'s London day, ``days`` London days (23 to 25 hours each)."""
    first = local(made_at).date()
    return instant_at(first, time(0)), instant_at(first + timedelta(days=days), time(0))


COVERAGE_WORDS = {"always": "24 hours", "in_hours": "in hours", "out_of_hours": "out of hours"}


def _day_label(schedule: Schedule, network_id: int, day: date) -> str:
    label = f"{day:%a %-d %b %Y}"
    length = instant_at(day + timedelta(days=1), time(0)) - instant_at(day, time(0))
    if length < timedelta(hours=24):
        label += " (clocks go forward: a 23-hour day)"
    elif length > timedelta(hours=24):
        label += " (clocks go back: a 25-hour day)"
    holiday = bank_holiday(schedule.calendars[network_id], day)
    if holiday:
        label += f", bank holiday: {holiday}"
    return label


def _people(schedule: Schedule, clinician_ids, viewer: Viewer) -> tuple[PackPerson, ...]:
    people = []
    for clinician_id in clinician_ids:
        clinician = schedule.clinicians[clinician_id]
        routes = tuple(
            describe_contact(contact)["route"]
            for contact in visible_contacts(viewer, clinician.contacts)
        )
        people.append(PackPerson(clinician.name, routes))
    return tuple(people)


def _note(schedule: Schedule, rota, segment) -> str:
    if segment.divert is not None:
        divert = segment.divert
        target = schedule.rotas.get(divert.to_rota_id) if divert.to_rota_id else None
        if target is not None:
            where = f"calls go to {target.name} (see its rows)"
        elif divert.to_rota_id:
            where = "calls go to a rota of another network: ask its switchboard"
        else:
            where = f"call {divert.contact_label} on {divert.contact_number}"
        return f"Diverted: {divert.reason}. Until the divert ends, {where}."
    if segment.gap:
        fallback = schedule.rotas.get(rota.fallback_id) if rota.fallback_id else None
        return (
            f"Gap: nobody on call. Calls go to {fallback.name} (see its rows)." if fallback
            else "Gap: nobody on call and no fallback rota. Escalate to the duty manager."
        )
    if not segment.on_call:
        return "Not covered: outside this rota's hours."
    return ""


def build_pack(schedule: Schedule, *, network_id: int, network: str, network_slug: str,
               edition: str, made_at: datetime, days: int) -> Pack:
    """The pack over ``days`` London days from ``made_at``'s; pure over ``schedule``.

    ``schedule`` must cover the window (see :func:`load_pack`).
    """
    viewer = EDITION_VIEWERS[edition]
    start, end = pack_window(made_at, days)
    dates = [local(start).date() + timedelta(days=n) for n in range(days)]
    rotas = []
    for rota in sorted(
        (r for r in schedule.rotas.values() if r.network_id == network_id),
        key=lambda r: (r.name, r.id),
    ):
        spans = [s for s in answer_spans(schedule, rota.id) if s.start < end and s.end > start]
        entries = [
            PackEntry(
                start=span.start, end=span.end,
                starts_before=span.start <= schedule.start, ends_after=span.end >= schedule.end,
                status=status_of(diverted=span.divert is not None, gap=span.gap,
                                 on_call=bool(span.on_call)),
                people=_people(schedule, span.clinician_ids, viewer),
                note=_note(schedule, rota, span),
            )
            for span in spans
        ]
        pack_days = []
        for day in dates:
            opens, closes = instant_at(day, time(0)), instant_at(day + timedelta(days=1), time(0))
            pack_days.append(PackDay(
                day, _day_label(schedule, network_id, day),
                tuple(e for e in entries if e.start < closes and e.end > opens),
            ))
        fallback = schedule.rotas.get(rota.fallback_id) if rota.fallback_id else None
        rotas.append(PackRota(
            slug=rota.slug, name=rota.name,
            route=switchboard_route(rota.based_at, rota.ask_for),
            coverage=COVERAGE_WORDS.get(rota.required_coverage, rota.required_coverage),
            fallback=fallback.name if fallback else "none",
            days=tuple(pack_days),
        ))
    return Pack(network, network_slug, edition, made_at.astimezone(UTC), start, end, days,
                tuple(rotas))


def load_pack(network, *, edition: str, made_at: datetime, days: int) -> Pack:
    """Load what the pack needs (a day either side, to show true starts and ends), then build it."""
    if edition not in EDITIONS:
        raise ValueError(f"Unknown edition {edition!r}")
    start, end = pack_window(made_at, days)
    schedule = load_schedule(
        network_ids=[network.id], start=start - timedelta(days=1), end=end + timedelta(days=1)
    )
    return build_pack(schedule, network_id=network.id, network=network.name,
                      network_slug=network.slug, edition=edition, made_at=made_at, days=days)


def _when(instant: datetime, day: date) -> str:
    wall = local(instant)
    text = f"{wall:%H:%M}" if wall.date() == day else f"{wall:%H:%M %a %-d %b}"
    return f"{text} ({wall:%Z})"


def pack_rows(pack: Pack):
    """Rows for the template: per rota, per day, each entry with its times as printed."""
    for rota in pack.rotas:
        days = []
        for pack_day in rota.days:
            rows = [
                {
                    "entry": entry,
                    "from": "before the pack" if entry.starts_before
                    else _when(entry.start, pack_day.day),
                    "until": "after the pack" if entry.ends_after
                    else _when(entry.end, pack_day.day),
                }
                for entry in pack_day.entries
            ]
            days.append({"day": pack_day, "rows": rows})
        yield {"rota": rota, "days": days}


def render_pack_pdf(pack: Pack) -> bytes:
    """The pack as an A4 landscape, tagged PDF/UA-1."""
    made_text = f"Made {spoken(pack.made_at)}"
    title = f"{pack.network}: on-call rota pack, {pack.edition} edition"
    html = render_to_string("pdf/pack.html", {
        "pack": pack,
        "title": title,
        "made": made_text,
        "first_day": f"{local(pack.start):%a %-d %b %Y}",
        "last_day": f"{local(pack.end) - timedelta(days=1):%a %-d %b %Y}",
        "rotas": list(pack_rows(pack)),
        "holds_numbers": HOLDS_NUMBERS,
    })
    top = f"{made_text}. {HOLDS_NUMBERS}" if pack.holds_personal_numbers else made_text
    page_css = (
        "@page { size: A4 landscape;"
        f" @top-center {{ content: {css_string(top)}; font-size: 9pt; font-weight: bold;"
        f" color: {'#d5281b' if pack.holds_personal_numbers else '#212b32'}; }}"
        f" @bottom-left {{ content: {css_string(title)}; font-size: 8pt; }} }}"
    )
    return render_pdf(html, page_css=page_css)


def pack_filename(pack: Pack) -> str:
    return f"rota-pack-{pack.network_slug}-{pack.edition}-{local(pack.start):%Y-%m-%d}.pdf"
