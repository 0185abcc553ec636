"""On-call answers as plain, JSON-ready dictionaries, and what each viewer may see of them.

:func:`describe_answer` turns an :class:`~rota.oncall.OnCallAnswer` into the
full description (every contact method, tagged with its visibility); pages,
the API, PDFs and the decision log all start from it. :func:`redact` then
keeps what one viewer may see, using :mod:`rota.access`; a decision stores the
full description and is redacted for whoever reads it.
"""

from __future__ import annotations

# iso and spoken are read from here by pages, the engine and the API.
from common.london import iso, spoken  # noqa: F401
from common.phones import dialling_uri
from rota.oncall import ClinicianInfo, ContactInfo, OnCallAnswer, Schedule, SiteInfo
from rota.visibility import Viewer, shown_contacts

KIND_LABELS = {
    "mobile": "Mobile",
    "phone": "Direct line",
    "bleep": "Bleep",
    "extension": "Extension",
    "email": "Email",
}


def switchboard_route(site: SiteInfo, ask_for: str | None = None, *, opening: bool = True) -> str:
    """How to reach someone through a site's switchboard, as one clause.

    "Call Royal Preston switchboard on 01772 716565 and ask for the on-call IR
    consultant"; without ``ask_for`` only the call. ``opening=False`` for the
    middle of a sentence ("call ..."). Callers add their own full stop.
    """
    route = f"{'Call' if opening else 'call'} {site.short_name} switchboard on {site.switchboard}"
    return f"{route} and ask for {ask_for}" if ask_for else route


def describe_contact(contact: ContactInfo) -> dict:
    """A contact method as shown: a bleep or extension through its site's switchboard."""
    label = KIND_LABELS.get(contact.kind, contact.kind)
    described = {
        "kind": contact.kind,
        "label": label,
        "value": contact.value,
        "visibility": contact.visibility,
        "route": f"{label} {contact.value}",
        "tel": None,
    }
    if contact.site is not None:
        site = contact.site
        described["route"] = (
            f"{site.short_name} switchboard {site.switchboard}, {label.lower()} {contact.value}"
        )
        described["tel"] = dialling_uri(site.switchboard)
    elif contact.kind in {"mobile", "phone"}:
        described["tel"] = dialling_uri(contact.value)
    elif contact.kind == "email":
        described["tel"] = None
        described["href"] = f"mailto:{contact.value}"
    return described


def describe_site(site: SiteInfo) -> dict:
    return {
        "name": site.name,
        "short_name": site.short_name,
        "switchboard": site.switchboard,
        "tel": dialling_uri(site.switchboard),
    }


def clinician_site(clinician: ClinicianInfo) -> SiteInfo | None:
    """Where a clinician is: the site whose switchboard reaches their bleep or extension.

    Not the rota's base: a consultant of a network rota may be at another
    hospital, and the page must not say "at Royal Preston" for someone whose
    bleep goes through Blackpool Victoria's switchboard.
    """
    return next((c.site for c in clinician.contacts if c.site is not None), None)


def describe_clinician(clinician: ClinicianInfo, source: str) -> dict:
    site = clinician_site(clinician)
    return {
        "id": clinician.id,
        "name": clinician.name,
        "role": clinician.role,
        "source": source,
        "site": describe_site(site) if site else None,
        "contacts": [describe_contact(c) for c in clinician.contacts],
    }


def _people(entries, schedule: Schedule) -> list[dict]:
    return [describe_clinician(schedule.clinicians[e.clinician_id], e.source) for e in entries]


def status_of(*, diverted: bool, gap: bool, on_call: bool) -> str:
    """One word for the state of a rota: diverted, gap, on_call or outside_hours."""
    if diverted:
        return "diverted"
    if gap:
        return "gap"
    return "on_call" if on_call else "outside_hours"


def describe_answer(answer: OnCallAnswer, schedule: Schedule) -> dict:
    """The whole answer, with every contact method; redact before showing it."""
    rota = answer.rota
    site = rota.based_at
    status = status_of(
        diverted=answer.divert is not None, gap=answer.gap, on_call=bool(answer.on_call)
    )
    described = {
        "rota": {
            "slug": rota.slug,
            "name": rota.name,
            "role": rota.role,
            "ask_for": rota.ask_for,
            "required_coverage": rota.required_coverage,
            "based_at": describe_site(site),
        },
        "at": iso(answer.at),
        "status": status,
        "switchboard_route": switchboard_route(site, rota.ask_for),
        "clinicians": _people(answer.on_call, schedule),
        "since": iso(answer.since),
        "until": iso(answer.until),
        # The rota's own next shift; who answers a role next is the contact's "then".
        "next": {
            "clinicians": _people(answer.next_on_call, schedule),
            "from": iso(answer.next_from),
        }
        if answer.next_on_call
        else None,
        "handover": {
            "at": iso(answer.handover.at),
            "outgoing": _people(answer.handover.outgoing, schedule),
            "incoming": _people(answer.handover.incoming, schedule),
        }
        if answer.handover
        else None,
        "notes": [
            {"text": n.text, "start": iso(n.start), "end": iso(n.end)} for n in answer.notes
        ],
        "divert": None,
        "fallback": describe_answer(answer.fallback, schedule) if answer.fallback else None,
        "fallback_unavailable": answer.fallback_unavailable,
    }
    if answer.divert is not None:
        divert = answer.divert
        described["divert"] = {
            "reason": divert.reason,
            "until": iso(divert.end),
            "to_rota": describe_answer(answer.divert_answer, schedule)
            if answer.divert_answer
            else None,
            "contact": {
                "label": divert.contact_label,
                "number": divert.contact_number,
                "tel": dialling_uri(divert.contact_number),
            }
            if divert.contact_number
            else None,
            "unavailable": answer.fallback_unavailable if not answer.divert_answer else "",
        }
    return described


def redact_people(people: list[dict], viewer: Viewer) -> list[dict]:
    """Described people as ``viewer`` may see them."""
    if not viewer.sees_names:
        return [{"name": None, "role": p["role"], "source": p["source"], "contacts": []}
                for p in people]
    return [
        {**p, "contacts": list(shown_contacts(viewer, p["contacts"]))}
        for p in people
    ]


def redact(described: dict | None, viewer: Viewer) -> dict | None:
    """What ``viewer`` may see of a described answer.

    Without names (anonymous callers) the clinicians keep their role but lose
    their name and every contact method: the switchboard route remains.
    """
    if described is None:
        return None
    result = dict(described)
    result["clinicians"] = redact_people(described["clinicians"], viewer)
    # Notes are for staff of the network ("in theatre until 14:00"), not the public.
    result["notes"] = described.get("notes", []) if viewer.sees_names else []
    if described.get("next"):
        result["next"] = {
            **described["next"],
            "clinicians": redact_people(described["next"]["clinicians"], viewer),
        }
    if described.get("handover"):
        handover = described["handover"]
        result["handover"] = {
            "at": handover["at"],
            "outgoing": redact_people(handover["outgoing"], viewer),
            "incoming": redact_people(handover["incoming"], viewer),
        }
    result["fallback"] = redact(described.get("fallback"), viewer)
    if described.get("divert"):
        divert = dict(described["divert"])
        divert["to_rota"] = redact(divert.get("to_rota"), viewer)
        result["divert"] = divert
    return result

