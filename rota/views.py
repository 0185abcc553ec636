"""The switchboard's pages: the board, a rota, a clinician, and rota notes.

Adapters only: each view loads one schedule (a constant number of queries,
whatever the number of rotas) and calls :mod:`rota.board`, :mod:`rota.oncall`
and :mod:`rota.presentation`; access is :mod:`rota.access`. Anyone holding a
role in a network (referrers too) reaches its board, with the contacts their
role may see there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from api.timeparse import InstantError, parse_instant
from common.london import both_instants, instant_at, local
from rota import services
from rota.access import (
    NETWORK_LEAD,
    ROTA_COORDINATOR,
    SWITCHBOARD,
    Kind,
    is_staff_of,
    may_change,
    member_network_ids,
    roles_by_network,
    shown_contacts,
    viewer_for,
    visible_name,
)
from rota.board import board_groups, matches, next_change
from rota.bounds import LONGEST_NOTE, NOTE_LENGTH
from rota.models import Clinician, Network, Note, Rota, Site
from rota.oncall import resolve_timeline
from rota.presentation import describe_contact
from rota.selectors import load_schedule

TIMELINE_DAYS = 14
BOARD_BEHIND = timedelta(days=1)
BOARD_AHEAD = timedelta(days=8)
CLINICIAN_DAYS = 28
RECENT_CHANGES = 15


# --- The instant asked for ------------------------------------------------------------------


@dataclass(frozen=True)
class AskedInstant:
    """The instant a page shows, and what to say when the wall time asked is not one."""

    at: datetime
    is_now: bool
    problem: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (label, ?at= value) to pick from


def _wall_text(query) -> str:
    if query.get("at"):
        return query["at"]
    if query.get("date"):
        return f"{query['date']}T{query.get('time') or '00:00'}"
    return ""


def asked_instant(query, now: datetime) -> AskedInstant:
    """``?at=`` or ``?date=&time=`` (Europe/London wall time), else now.

    On clock-change nights an hour that happens twice offers both instants,
    and an hour that does not exist offers the next valid one, rather than a
    dead end.
    """
    text = _wall_text(query)
    if not text:
        return AskedInstant(now, True)
    try:
        at = parse_instant(text, now=now)
    except InstantError as error:
        naive = _naive(text)
        if error.code == "ambiguous_time" and naive is not None:
            first, second = both_instants(naive)
            return AskedInstant(now, True, problem=(
                f"{naive:%H:%M} on {naive:%a %d %b %Y} happens twice: the clocks go back "
                "that night. Choose which one."
            ), choices=(
                (f"{naive:%H:%M} BST (the first)", first.isoformat()),
                (f"{naive:%H:%M} GMT (the second)", second.isoformat()),
            ))
        if error.code == "nonexistent_time" and naive is not None:
            valid = local(instant_at(naive.date(), naive.time()))
            return AskedInstant(now, True, problem=(
                f"{naive:%H:%M} on {naive:%a %d %b %Y} does not exist: the clocks go forward "
                f"that night. The next valid time is {valid:%H:%M}."
            ), choices=((f"{valid:%H:%M} BST", valid.isoformat()),))
        return AskedInstant(now, True, problem=error.message)
    return AskedInstant(at, False)


def _naive(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is None else None


# --- The board ---------------------------------------------------------------------------------


def _networks_of(user):
    """The user's networks, those where they work the switchboard (or run it) first."""
    if user.is_superuser:
        return list(Network.objects.order_by("name"))
    roles = roles_by_network(user)
    networks = Network.objects.filter(id__in=member_network_ids(user))
    return sorted(networks, key=lambda n: (not (roles[n.id] & BOARD_ROLES), n.name))


BOARD_ROLES = frozenset({SWITCHBOARD, ROTA_COORDINATOR, NETWORK_LEAD})


@login_required
def board(request):
    networks = _networks_of(request.user)
    if not networks:
        return render(request, "rota/no_board.html", status=403)
    chosen = request.GET.get("network")
    network = next((n for n in networks if n.slug == chosen), networks[0])
    now = timezone.now()
    asked = asked_instant(request.GET, now)
    at = asked.at
    # Who answers now, until when and who then: a day back and a week ahead is
    # enough for every handover, and a quarter of what four weeks either side costs.
    schedule = load_schedule(network_ids=[network.id], start=at - BOARD_BEHIND,
                             end=at + BOARD_AHEAD)
    viewer = viewer_for(request.user, network.id)
    site_names = dict(
        Site.objects.filter(trust__network=network).values_list("id", "short_name")
    )
    groups = board_groups(schedule, network_id=network.id, at=at, viewer=viewer,
                          site_names=site_names)
    query = request.GET.get("q", "")
    shown = [
        (group, [row for row in group.rows if matches(row, query)]) for group in groups
    ]
    shown = [(group, rows) for group, rows in shown if rows]
    personal = any(
        contact["visibility"] == "switchboard"
        for group, rows in shown for row in rows
        for person in (row.now.answer or {}).get("clinicians", ())
        for contact in person.get("contacts", ())
    )
    upcoming = next_change(groups)
    return render(request, "rota/board.html", {
        "networks": networks,
        "network": network,
        "asked": asked,
        "at": at,
        "now": now,
        "past": at < now - timedelta(minutes=1),
        "groups": shown,
        "query": query,
        "viewer": viewer,
        "personal_numbers": personal,
        "next_change": upcoming,
        "refresh_seconds": _refresh_seconds(now, upcoming) if asked.is_now else None,
        "horizon": at + BOARD_AHEAD,
        "date_value": local(at).date().isoformat(),
        "time_value": local(at).strftime("%H:%M"),
        "can_write_notes": may_change(request.user, Kind.NOTE, network.id),
    })


def _refresh_seconds(now: datetime, upcoming: datetime | None) -> int:
    """Every minute, and at the next handover if sooner (a second after it)."""
    if upcoming is None:
        return 60
    return max(5, min(60, int((upcoming - now).total_seconds()) + 1))


# --- A rota ----------------------------------------------------------------------------------


class NoteForm(forms.Form):
    text = forms.CharField(
        max_length=NOTE_LENGTH, label="Note",
        help_text="Never write patient details in a note. At most 280 characters.",
        error_messages={"required": "Enter the note, for example: in theatre until 14:00",
                        "max_length": "A note is at most 280 characters; shorten it."},
    )
    until_date = forms.DateField(label="Until (date)")
    until_time = forms.TimeField(label="Until (time)")

    def __init__(self, *args, now: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now

    def clean(self):
        data = super().clean()
        if data.get("until_date") and data.get("until_time"):
            until = instant_at(data["until_date"], data["until_time"])
            if until <= self.now:
                self.add_error("until_time", "The note must last until a time in the future.")
            elif until - self.now > LONGEST_NOTE:
                self.add_error("until_date", "A note lasts at most 7 days; post it again then.")
            data["until"] = until
        return data


def _rota_or_404(slug: str) -> Rota:
    return get_object_or_404(Rota.objects.select_related("network", "based_at"), slug=slug)


@login_required
def rota_detail(request, slug):
    rota = _rota_or_404(slug)
    if not (request.user.is_superuser or is_staff_of(request.user, rota.network_id)):
        raise Http404
    now = timezone.now()
    form = NoteForm(now=now, initial=_note_initial(now))
    return _render_rota(request, rota, asked_instant(request.GET, now), form, now)


def _render_rota(request, rota, asked: AskedInstant, form, now, status=200):
    start, end = asked.at, asked.at + timedelta(days=TIMELINE_DAYS)
    schedule = load_schedule(network_ids=[rota.network_id], start=start - timedelta(days=1),
                             end=end + timedelta(days=1))
    viewer = viewer_for(request.user, rota.network_id)
    segments = [
        _segment_view(segment, schedule, viewer)
        for segment in resolve_timeline(schedule, rota.id, start, end)
    ]
    return render(request, "rota/rota.html", {
        "rota": rota,
        "asked": asked,
        "segments": segments,
        "chain": _fallback_chain(rota),
        "changes": _recent_changes(rota),
        "notes": Note.objects.filter(rota=rota, end__gt=now).order_by("start"),
        "note_form": form,
        "can_write_notes": may_change(request.user, Kind.NOTE, rota.network_id),
        "viewer": viewer,
        "now": now,
    }, status=status)


def _note_initial(now: datetime) -> dict:
    later = local(now + timedelta(hours=4))
    return {"until_date": later.date().isoformat(), "until_time": later.strftime("%H:%M")}


def _segment_view(segment, schedule, viewer) -> dict:
    people = []
    for entry in segment.on_call:
        clinician = schedule.clinicians[entry.clinician_id]
        replaced = (schedule.clinicians.get(entry.replaces_id) if entry.replaces_id else None)
        people.append({
            "name": visible_name(viewer, clinician.name),
            "role": clinician.role,
            "source": entry.source,
            "replaces": visible_name(viewer, replaced.name) if replaced else None,
        })
    return {
        "start": segment.start,
        "end": segment.end,
        "people": people,
        "gap": segment.gap,
        "divert": segment.divert,
    }


def _fallback_chain(rota: Rota) -> list[Rota]:
    chain, seen, current = [], {rota.pk}, rota.fallback
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = current.fallback
    return chain


def _recent_changes(rota: Rota) -> list[dict]:
    """The latest changes to what this rota answers, with who made them."""
    from rota.models import Cover, Divert, Shift

    changes = []
    for model, label in ((Shift, "Shift"), (Cover, "Cover"), (Divert, "Divert"),
                         (Note, "Note")):
        records = (
            model.history.filter(rota_id=rota.pk).select_related("history_user")
            .order_by("-history_date")[:RECENT_CHANGES]
        )
        for record in records:
            changes.append({
                "when": record.history_date,
                "what": f"{label} {dict(CHANGE_WORDS).get(record.history_type, 'changed')}",
                "detail": str(record.instance),
                "who": record.history_user.get_username() if record.history_user else "system",
            })
    changes.sort(key=lambda c: c["when"], reverse=True)
    return changes[:RECENT_CHANGES]


CHANGE_WORDS = (("+", "added"), ("~", "changed"), ("-", "removed"))


@require_POST
@login_required
def note_add(request, slug):
    rota = _rota_or_404(slug)
    if not may_change(request.user, Kind.NOTE, rota.network_id):
        raise Http404
    now = timezone.now()
    form = NoteForm(request.POST, now=now)
    if form.is_valid():
        try:
            services.note_create(rota=rota, start=now, end=form.cleaned_data["until"],
                                 text=form.cleaned_data["text"], user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return HttpResponseRedirect(reverse("rota:rota", args=[rota.slug]) + "#notes")
    return _render_rota(request, rota, AskedInstant(now, True), form, now, status=400)


@require_POST
@login_required
def note_end(request, pk):
    note = get_object_or_404(Note.objects.select_related("rota"), pk=pk)
    if not may_change(request.user, Kind.NOTE, note.rota.network_id):
        raise Http404
    services.note_end(note=note, at=timezone.now(), user=request.user)
    return HttpResponseRedirect(reverse("rota:rota", args=[note.rota.slug]) + "#notes")


# --- A clinician -------------------------------------------------------------------------------


@login_required
def clinician_detail(request, pk):
    clinician = get_object_or_404(
        Clinician.objects.select_related("home_trust__network"), pk=pk
    )
    network_id = clinician.home_trust.network_id
    if not (request.user.is_superuser or is_staff_of(request.user, network_id)):
        raise Http404
    viewer = viewer_for(request.user, network_id)
    if not viewer.sees_names:
        raise Http404
    now = timezone.now()
    end = now + timedelta(days=CLINICIAN_DAYS)
    schedule = load_schedule(network_ids=[network_id], start=now, end=end)
    upcoming = []
    for rota in sorted(schedule.rotas.values(), key=lambda r: r.name):
        for segment in resolve_timeline(schedule, rota.id, now, end):
            if clinician.pk in segment.clinician_ids:
                upcoming.append({"rota": rota, "start": segment.start, "end": segment.end})
    upcoming = _merge_adjacent(upcoming)
    upcoming.sort(key=lambda item: item["start"])
    info = schedule.clinicians.get(clinician.pk)
    contacts = [
        describe_contact(c) for c in shown_contacts(viewer, info.contacts if info else ())
    ]
    if info is None:
        contacts = [
            {"label": m.get_kind_display(), "value": m.value, "route": f"{m.value}",
             "tel": None}
            for m in shown_contacts(viewer, clinician.contact_methods.order_by("order"))
        ]
    return render(request, "rota/clinician.html", {
        "clinician": clinician, "upcoming": upcoming, "contacts": contacts, "now": now,
    })


def _merge_adjacent(items: list[dict]) -> list[dict]:
    merged: list[dict] = []
    for item in sorted(items, key=lambda i: (i["rota"].id, i["start"])):
        last = merged[-1] if merged else None
        if last and last["rota"].id == item["rota"].id and last["end"] == item["start"]:
            last["end"] = item["end"]
        else:
            merged.append(dict(item))
    return merged


def board_url(network: Network, **params) -> str:
    return reverse("rota:board") + "?" + urlencode({"network": network.slug, **params})

