"""Small template filters for the switchboard pages."""

from datetime import datetime

from django import template

from rota.calendars import local

register = template.Library()


@register.filter
def wall(value) -> str:
    """``08:00 Tue 1 Dec (GMT)``: an instant (or its ISO text) in Europe/London."""
    if not value:
        return ""
    instant = datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{local(instant):%H:%M %a %-d %b (%Z)}"


@register.filter
def names_of(people) -> str:
    """The names of described people, joined; empty when the viewer sees none."""
    return " and ".join(p["name"] for p in people or () if p.get("name"))
