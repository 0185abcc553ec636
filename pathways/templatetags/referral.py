"""Filters for the referral pages: instants in London time with their zone, urgency tags."""

from __future__ import annotations

from datetime import datetime

from django import template

from rota.calendars import local

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
    return f"{instant:%H:%M on %a %-d %b %Y} ({instant:%Z})" if instant else ""


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
