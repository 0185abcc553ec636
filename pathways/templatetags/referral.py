"""Filters for the referral pages: instants in London time with their zone, urgency tags."""

from __future__ import annotations

from datetime import datetime

from django import template

from rota.calendars import local
from rota.presentation import spoken

register = template.Library()

URGENCY_TAG_COLOURS = {"immediate": "red", "urgent": "orange", "routine": "grey"}


def _instant(value) -> datetime | None:
    if not value:
        return None
    return local(datetime.fromisoformat(value) if isinstance(value, str) else value)


@register.filter
def london(value) -> str:
    """``03:12 on Mon 28 Dec 2026 (GMT)``: every instant says its zone, clock changes included."""
    instant = _instant(value)
    return spoken(instant) if instant else ""


@register.filter
def london_time(value) -> str:
    """``08:00 on Tue 29 Dec (GMT)``, for an until or a handover close to now."""
    instant = _instant(value)
    return f"{instant:%H:%M on %a %-d %b} ({instant:%Z})" if instant else ""


@register.filter
def urgency_colour(urgency: str) -> str:
    return URGENCY_TAG_COLOURS.get(urgency, "grey")


@register.filter
def names(people) -> str:
    """People's names as a sentence; empty when names are withheld from the viewer."""
    labels = [p["name"] for p in people or () if p.get("name")]
    if len(labels) < 2:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} and {labels[-1]}"


@register.filter
def error_pairs(form) -> list[tuple[str, str]]:
    """A bound form's errors as (field id, message) for the error summary include.

    Errors that concern no one field link to the form's first field.
    """
    if not form.errors:
        return []
    fields = list(form)
    pairs = [(fields[0].id_for_label, message) for message in form.non_field_errors()]
    for field in fields:
        pairs += [(field.id_for_label, message) for message in field.errors]
    return pairs


@register.filter
def reached(answer: dict | None) -> dict:
    """What a caller reaches through a described answer, for the page.

    ``warnings`` are the gaps and diverts passed on the way, in words;
    ``answer`` is the answer that names who picks up (or whose switchboard
    route to use when nobody does); ``contact`` a divert's fixed number.
    """
    warnings: list[str] = []
    while answer:
        name = answer["rota"]["name"]
        if answer["status"] == "diverted":
            divert = answer["divert"]
            until = f" until {london_time(divert['until'])}" if divert.get("until") else ""
            warnings.append(f"{name} is diverted{until}: {divert['reason']}.")
            if divert.get("to_rota"):
                answer = divert["to_rota"]
                continue
            if divert.get("contact"):
                return {"warnings": warnings, "answer": None, "contact": divert["contact"]}
            if divert.get("unavailable"):
                warnings.append(divert["unavailable"])
            return {"warnings": warnings, "answer": answer, "contact": None}
        if answer["status"] == "gap":
            if answer.get("fallback"):
                warnings.append(
                    f"Gap in the rota: nobody is on the {name} rota now. Its fallback, "
                    f"{answer['fallback']['rota']['name']}, answers instead."
                )
                answer = answer["fallback"]
                continue
            warnings.append(
                f"Gap in the rota: nobody is on the {name} rota now. "
                f"{answer.get('fallback_unavailable') or 'It has no fallback.'} "
                "Ask the switchboard for the consultant covering."
            )
        return {"warnings": warnings, "answer": answer, "contact": None}
    return {"warnings": warnings, "answer": None, "contact": None}


@register.filter
def people_word(people) -> str:
    """``2 consultants`` or ``2 people``: how many are on call, in a referrer's words."""
    people = list(people or ())
    consultants = all(p.get("role", "").lower().startswith("consultant") for p in people)
    noun = "consultant" if consultants else "person"
    if len(people) == 1:
        return f"1 {noun}"
    return f"{len(people)} {'consultants' if consultants else 'people'}"


@register.filter
def then_sentence(contact: dict) -> str:
    """``Until 08:00 on Tue 29 Dec (GMT), then Dr B (LTH IR consultant, in hours).``

    Who answers the step next for the referring site (the contact's ``then``),
    never the rota's own next shift; names only if the viewer may see them.
    """
    if not contact.get("until"):
        return ""
    sentence = f"Until {london_time(contact['until'])}"
    then = contact.get("then")
    if not then:
        return f"{sentence}."
    if then.get("unresolved"):
        return f"{sentence}. Then: {then['unresolved']}"
    reach = reached(then.get("answer"))
    if reach["contact"]:
        contact_then = reach["contact"]
        return f"{sentence}, then {contact_then['label']} on {contact_then['number']}."
    answer = reach["answer"]
    if answer is None:
        return f"{sentence}."
    rota = answer["rota"]
    if not answer["clinicians"]:
        return f"{sentence}, then nobody: the {rota['name']} rota is not covered then."
    who = names(answer["clinicians"]) or rota["ask_for"]
    return f"{sentence}, then {who} ({rota['name']})."
