"""Calendar feeds, each parsed by two parsers and checked against the on-call answers."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar
from rest_framework.test import APIClient

from rota import ics, services
from rota.calendars import instant_at
from rota.models import Rota
from rota.selectors import who_is_on_call
from rota.tokens import feed_token_create, revoke
from tests.factories import ClinicianFactory, RotaFactory, ShiftFactory, london

SECOND = timedelta(seconds=1)


# --- A strict RFC 5545 reader, independent of the icalendar library -------


def _unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append("\n" if following in "nN" else following)
        else:
            out.append(char)
    return "".join(out)


def _utc(value: str) -> datetime:
    assert value.endswith("Z"), value
    return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def strict_events(data: bytes) -> tuple[dict, list[dict]]:
    """The calendar's properties and its events; fails on anything not well formed."""
    text = data.decode("utf-8")
    assert text.endswith("\r\n")
    lines = text[:-2].split("\r\n")
    unfolded: list[str] = []
    for line in lines:
        assert "\n" not in line and "\r" not in line
        assert len(line.encode()) <= 75, line
        if line.startswith((" ", "\t")):
            unfolded[-1] += line[1:]
        else:
            unfolded.append(line)
    stack, calendar, events, current = [], {}, [], None
    for line in unfolded:
        head, separator, value = line.partition(":")
        assert separator, line
        name = head.split(";")[0].upper()
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                current = {}
        elif name == "END":
            assert stack.pop() == value
            if value == "VEVENT":
                assert {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"} <= set(current)
                events.append({
                    "uid": current["UID"], "start": _utc(current["DTSTART"]),
                    "end": _utc(current["DTEND"]), "summary": _unescape(current["SUMMARY"]),
                })
                current = None
        elif current is not None:
            assert name not in current, f"{name} twice in one event"
            current[name] = value
        else:
            calendar[name] = value
    assert stack == [] and unfolded[0] == "BEGIN:VCALENDAR"
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    return calendar, events


def library_events(data: bytes) -> list[dict]:
    calendar = Calendar.from_ical(data)
    return [
        {"uid": str(e["UID"]), "start": e.decoded("DTSTART"), "end": e.decoded("DTEND"),
         "summary": str(e["SUMMARY"])}
        for e in calendar.walk("VEVENT")
    ]


def parsed(data: bytes) -> list[dict]:
    """The events, after checking that both parsers read the same ones."""
    _, strict = strict_events(data)
    assert strict == library_events(data)
    assert len({e["uid"] for e in strict}) == len(strict)
    return strict


# --- The world: a daily 08:00 handover through both clock changes ----------


@pytest.fixture
def feed_world(world):
    backup = RotaFactory(network=world.network, slug="backup", name="Backup",
                         based_at=world.blackburn)
    rota = RotaFactory(network=world.network, slug="ir", name="IR consultant",
                       based_at=world.preston, fallback=backup)
    a = ClinicianFactory(name="Dr Alpha", home_trust=world.trust_a)
    b = ClinicianFactory(name="Dr Bravo, FRCR", home_trust=world.trust_a)
    d = ClinicianFactory(name="Dr Delta", home_trust=world.trust_b)
    for first, last in ((date(2026, 3, 1), date(2026, 4, 30)),
                        (date(2026, 10, 1), date(2026, 11, 15))):
        day = first
        while day <= last:
            ShiftFactory(rota=rota, clinician=a if day.toordinal() % 2 else b, kind="rotation",
                         start=instant_at(day, time(8)),
                         end=instant_at(day + timedelta(days=1), time(8)))
            day += timedelta(days=1)
    # Covers across both changes, leave that leaves gaps, one divert.
    night_a = a if date(2026, 3, 28).toordinal() % 2 else b
    services.cover_create(rota=rota, covering=d, replaces=night_a,
                          start=london(2026, 3, 29, 0), end=london(2026, 3, 29, 4))
    services.cover_create(rota=rota, covering=d, replaces=None,
                          start=london(2026, 10, 25, 0), end=london(2026, 10, 25, 3))
    services.leave_create(clinician=b, start=london(2026, 4, 10, 0), end=london(2026, 4, 14, 0))
    services.leave_create(clinician=a, start=london(2026, 10, 25, 1, 0).replace(fold=1),
                          end=london(2026, 10, 25, 12))
    services.divert_create(rota=rota, start=london(2026, 4, 20, 9), end=london(2026, 4, 20, 12),
                           reason="Hub suite down", to_rota=backup)
    return rota, a, b, d


def _answer(rota, at):
    answer, schedule = who_is_on_call(rota, at)
    return answer, schedule


def _check_rota_event(rota, event):
    answer, schedule = _answer(rota, event["start"])
    names = " and ".join(schedule.clinicians[e.clinician_id].name for e in answer.on_call)
    if answer.divert is not None:
        assert event["summary"] == f"Diverted: {answer.divert.reason}"
    elif answer.gap:
        assert event["summary"] == ics.GAP_SUMMARY
    else:
        assert event["summary"] == names
    if answer.until is not None:
        assert answer.until == event["end"]
    last, _ = _answer(rota, event["end"] - SECOND)
    assert _who(last) == _who(answer)


def _who(answer):
    return [e.clinician_id for e in answer.on_call], answer.gap, answer.divert


@pytest.mark.parametrize("now", [london(2026, 3, 29, 12), london(2026, 10, 20, 12)])
def test_rota_feed_matches_the_answers_at_every_event(feed_world, now):
    rota = feed_world[0]
    events = parsed(ics.rota_feed(rota, now=now))
    start, end = ics.feed_window(now)
    assert events[0]["start"] <= start + timedelta(days=1) and events[-1]["end"] >= end
    for event in events:
        _check_rota_event(rota, event)
    for before, after in zip(events, events[1:], strict=False):
        assert before["end"] == after["start"]  # an always-covered rota: no quiet hours


def test_rota_feed_nights_across_the_clock_changes(feed_world):
    rota = feed_world[0]
    spring = parsed(ics.rota_feed(rota, now=london(2026, 3, 29, 12)))
    autumn = parsed(ics.rota_feed(rota, now=london(2026, 10, 20, 12)))
    by_start = {e["start"]: e for e in spring + autumn}
    # 28 March 08:00 GMT to 29 March 08:00 BST: 23 hours, split by the cover from 00:00
    # GMT to 04:00 BST (three hours).
    assert [(e["start"], e["end"], e["summary"]) for e in spring
            if london(2026, 3, 28, 8) <= e["start"] < london(2026, 3, 29, 8)] == [
        (datetime(2026, 3, 28, 8, tzinfo=UTC), datetime(2026, 3, 29, 0, tzinfo=UTC), "Dr Alpha"),
        (datetime(2026, 3, 29, 0, tzinfo=UTC), datetime(2026, 3, 29, 3, tzinfo=UTC), "Dr Delta"),
        (datetime(2026, 3, 29, 3, tzinfo=UTC), datetime(2026, 3, 29, 7, tzinfo=UTC), "Dr Alpha"),
    ]
    # 24 October 08:00 BST to 25 October 08:00 GMT: 25 hours.
    assert [(e["start"], e["end"], e["summary"]) for e in autumn
            if london(2026, 10, 24, 8) <= e["start"] < london(2026, 10, 25, 8)] == [
        (datetime(2026, 10, 24, 7, tzinfo=UTC), datetime(2026, 10, 24, 23, tzinfo=UTC),
         "Dr Alpha"),
        (datetime(2026, 10, 24, 23, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC),
         "Dr Alpha and Dr Delta"),
        (datetime(2026, 10, 25, 1, tzinfo=UTC), datetime(2026, 10, 25, 3, tzinfo=UTC),
         "Dr Delta"),
        (datetime(2026, 10, 25, 3, tzinfo=UTC), datetime(2026, 10, 25, 8, tzinfo=UTC),
         ics.GAP_SUMMARY),
    ]
    assert by_start[datetime(2026, 4, 20, 8, tzinfo=UTC)]["summary"] == "Diverted: Hub suite down"


def test_rota_feed_names_gaps_when_nobody_is_on_call(feed_world):
    rota = feed_world[0]
    events = parsed(ics.rota_feed(rota, now=london(2026, 3, 29, 12)))
    gaps = [(e["start"], e["end"]) for e in events if e["summary"] == ics.GAP_SUMMARY]
    # Before the first shift (shown from the start of the loaded margin), Dr Bravo's two
    # days of leave, and after the last shift to the end of the loaded margin.
    assert gaps == [
        (datetime(2026, 2, 22, 0, tzinfo=UTC), datetime(2026, 3, 1, 8, tzinfo=UTC)),
        (datetime(2026, 4, 10, 7, tzinfo=UTC), datetime(2026, 4, 11, 7, tzinfo=UTC)),
        (datetime(2026, 4, 12, 7, tzinfo=UTC), datetime(2026, 4, 13, 7, tzinfo=UTC)),
        (datetime(2026, 5, 1, 7, tzinfo=UTC), datetime(2026, 7, 5, 23, tzinfo=UTC)),
    ]


def test_rota_feed_uids_survive_a_refresh(feed_world):
    rota = feed_world[0]
    today = parsed(ics.rota_feed(rota, now=london(2026, 3, 29, 12)))
    later = parsed(ics.rota_feed(rota, now=london(2026, 3, 29, 23)))
    tomorrow = parsed(ics.rota_feed(rota, now=london(2026, 3, 30, 9)))
    assert today == later
    shared = {e["start"]: e["uid"] for e in today}
    assert all(shared[e["start"]] == e["uid"] for e in tomorrow if e["start"] in shared)
    assert len([e for e in tomorrow if e["start"] in shared]) == len(today) - 1


def test_clinician_feed_matches_the_answers(feed_world):
    rota, a, _, d = feed_world
    for clinician in (a, d):
        for now in (london(2026, 3, 29, 12), london(2026, 10, 20, 12)):
            events = parsed(ics.clinician_feed(clinician, now=now))
            assert events
            for event in events:
                assert event["summary"] in {"On call: IR consultant",
                                            "On call: IR consultant (diverted: Hub suite down)"}
                for at in (event["start"], event["end"] - SECOND):
                    answer, _ = _answer(rota, at)
                    assert clinician.id in [e.clinician_id for e in answer.on_call], at
                after, _ = _answer(rota, event["end"])
                assert clinician.id not in [e.clinician_id for e in after.on_call]


def test_clinician_feed_of_the_cover_clinician(feed_world):
    _, _, _, d = feed_world
    events = parsed(ics.clinician_feed(d, now=london(2026, 10, 20, 12)))
    assert [(e["start"], e["end"]) for e in events] == [
        (datetime(2026, 10, 24, 23, tzinfo=UTC), datetime(2026, 10, 25, 3, tzinfo=UTC)),
    ]
    assert events[0]["uid"] == f"rota-ir-clinician-{d.id}-20261024T230000Z@ir-oncall"


def test_clinician_feed_spans_every_network_of_their_duties(feed_world, world):
    _, a, _, _ = feed_world
    other = RotaFactory(network=world.other_network, slug="other-ir", name="Other IR",
                        based_at=Rota.objects.get(slug="ir").based_at)
    ShiftFactory(rota=other, clinician=a, start=london(2026, 4, 2, 9), end=london(2026, 4, 2, 17))
    events = parsed(ics.clinician_feed(a, now=london(2026, 3, 29, 12)))
    assert [(e["start"], e["summary"]) for e in events if e["summary"] == "On call: Other IR"] == [
        (datetime(2026, 4, 2, 8, tzinfo=UTC), "On call: Other IR"),
    ]


def test_feed_views_serve_live_secrets_only(feed_world, world, clock):
    rota, a, _, _ = feed_world
    clock["now"] = london(2026, 3, 29, 12).astimezone(UTC)
    rota_feed, rota_secret = feed_token_create(rota=rota, created_by=world.admin)
    _, clinician_secret = feed_token_create(clinician=a, created_by=world.admin)
    client = APIClient()
    response = client.get(f"/feeds/rota/{rota_secret}.ics")
    assert (response.status_code, response["Content-Type"]) == (
        200, "text/calendar; charset=utf-8"
    )
    assert parsed(response.content) == parsed(ics.rota_feed(rota, now=london(2026, 3, 29, 12)))
    assert client.get(f"/feeds/clinician/{clinician_secret}.ics").status_code == 200
    assert client.get(f"/feeds/clinician/{rota_secret}.ics").status_code == 404
    assert client.post(f"/feeds/rota/{rota_secret}.ics").status_code == 405
    revoke(rota_feed, at=timezone.now())
    response = client.get(f"/feeds/rota/{rota_secret}.ics")
    assert (response.status_code, response.content.decode()) == (404, ics._GONE)


def test_rota_feed_joins_a_rotation_shift_and_the_same_clinicians_manual_shift(world):
    rota = RotaFactory(network=world.network, slug="joined", based_at=world.preston)
    a = ClinicianFactory(name="Dr Alpha", home_trust=world.trust_a)
    ShiftFactory(rota=rota, clinician=a, kind="rotation", start=london(2026, 5, 4, 8),
                 end=london(2026, 5, 5, 8))
    ShiftFactory(rota=rota, clinician=a, kind="manual", start=london(2026, 5, 5, 8),
                 end=london(2026, 5, 6, 8))
    events = parsed(ics.rota_feed(rota, now=london(2026, 5, 4, 12)))
    assert [(e["start"], e["end"], e["summary"]) for e in events
            if e["summary"] == "Dr Alpha"] == [
        (datetime(2026, 5, 4, 7, tzinfo=UTC), datetime(2026, 5, 6, 7, tzinfo=UTC), "Dr Alpha"),
    ]
    for event in events:
        _check_rota_event(rota, event)
