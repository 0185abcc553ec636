"""The switchboard board, rota and clinician pages, and rota notes."""

import re
from datetime import UTC, date, timedelta

import pytest
from django.test import Client
from rest_framework.test import APIClient

from rota.demo import seed_demo_network
from rota.models import Membership, Note, Rota
from tests.factories import (
    ClinicianFactory,
    RotaFactory,
    ShiftFactory,
    london,
    user_in,
)
from tests.pages import CHECK_THE_ADDRESS, NOT_FOUND, problem

ROW = re.compile(r'<article class="[^"]*board-row[^"]*"[^>]*data-rota="([^"]*)"(.*?)</article>',
                 re.S)
NAME = re.compile(r'<p class="board-person__name">(?:<a [^>]*>)?([^<]*)')


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows(html: str) -> list[tuple[str, list[str]]]:
    """(rota slug, names shown) for each row of the board, in order."""
    return [(slug, NAME.findall(body)) for slug, body in ROW.findall(html)]


def test_board_asks_anonymous_callers_to_sign_in(world):
    response = Client().get("/switchboard/")
    assert (response.status_code, response["Location"]) == (
        302, "/accounts/login/?next=/switchboard/"
    )


def test_board_names_who_answers_now_and_who_answers_next_across_the_handover(world, night):
    html = signed_in(world.switchboard).get("/switchboard/").content.decode()
    assert rows(html) == [("ir-ooh", ["Dr Alpha"])]
    assert "Until 08:00 Tue 5 May (BST), then Dr Bravo (IR in hours)." in html
    assert 'href="tel:+447700900111">Mobile 07700 900111</a>' in html


def test_board_referrer_sees_no_personal_mobile_and_cannot_search_by_it(world, night):
    client = signed_in(world.referrer_a)
    html = client.get("/switchboard/").content.decode()
    assert "Dr Alpha" in html and "07700 900111" not in html and "2345" in html
    found = client.get("/switchboard/", {"q": "07700 900111"}).content.decode()
    assert rows(found) == []
    operator = signed_in(world.switchboard).get("/switchboard/", {"q": "07700900111"})
    assert rows(operator.content.decode()) == [("ir-ooh", ["Dr Alpha"])]


@pytest.mark.parametrize("query, found", [
    ("alpha", True), ("Royal Preston", True), ("out of hours", True), ("IR consultant", True),
    ("2345", True), ("bravo", True), ("nobody-by-that-name", False),
])
def test_board_search_by_name_site_rota_role_and_number(world, night, query, found):
    html = signed_in(world.switchboard).get("/switchboard/", {"q": query}).content.decode()
    assert bool(rows(html)) is found


def test_board_at_another_time_is_labelled_not_now(world, night):
    """Controls H-24."""
    html = signed_in(world.switchboard).get(
        "/switchboard/", {"date": "2026-05-05", "time": "10:00"}
    ).content.decode()
    assert rows(html) == [("ir-day", ["Dr Bravo"])]
    assert "Not now: 10:00 Tue 5 May (BST)" in html
    past = signed_in(world.switchboard).get(
        "/switchboard/", {"at": "2026-05-04T20:00"}
    ).content.decode()
    assert "as it stands now, later changes included" in past


def test_board_ambiguous_autumn_time_offers_both_instants(world, night):
    """Controls H-05."""
    html = signed_in(world.switchboard).get(
        "/switchboard/", {"date": "2026-10-25", "time": "01:30"}
    ).content.decode()
    assert "01:30 on Sun 25 Oct 2026 happens twice" in html
    assert "at=2026-10-25T01%3A30%3A00%2B01%3A00" in html  # BST, the first
    assert "at=2026-10-25T01%3A30%3A00%2B00%3A00" in html  # GMT, the second
    assert "Show 01:30 BST (the first)" in html and "Show 01:30 GMT (the second)" in html


def test_board_missing_spring_time_offers_the_next_valid_one(world, night):
    """Controls H-05."""
    html = signed_in(world.switchboard).get(
        "/switchboard/", {"at": "2026-03-29T01:30"}
    ).content.decode()
    assert "01:30 on Sun 29 Mar 2026 does not exist" in html
    assert "The next valid time is 02:00." in html
    assert "at=2026-03-29T02%3A00%3A00%2B01%3A00" in html


def test_board_network_switcher_for_a_user_of_two_networks(world, night):
    Membership.objects.create(user=world.switchboard, network=world.other_network,
                              role="referrer")
    html = signed_in(world.switchboard).get("/switchboard/").content.decode()
    assert 'href="?network=elsewhere"' in html and 'href="?network=lsc" aria-current="page"' in html


def test_board_for_a_user_without_a_network_says_so(world):
    stranger = user_in("stranger", group=None)
    response = signed_in(stranger).get("/switchboard/")
    assert response.status_code == 403
    assert "You do not work in any network yet" in response.content.decode()


@pytest.mark.parametrize("extra", [0, 15])
def test_board_query_count_is_constant_in_the_number_of_rotas(
    world, night, extra, django_assert_max_num_queries
):
    for n in range(extra):
        rota = RotaFactory(network=world.network, slug=f"extra-{n}", role=f"role-{n}",
                           based_at=world.chorley)
        ShiftFactory(rota=rota, clinician=ClinicianFactory(home_trust=world.trust_a),
                     start=london(2026, 5, 3, 8), end=london(2026, 5, 5, 8))
    client = signed_in(world.switchboard)
    # Session, user, roles, networks, sites, the schedule (11).
    with django_assert_max_num_queries(17):
        response = client.get("/switchboard/")
    assert len(rows(response.content.decode())) == 1 + extra


def test_board_shows_a_gap_in_red_with_the_fallback(world, night, clock):
    """Controls H-02."""
    ooh, _, alpha, _ = night
    backup = RotaFactory(network=world.network, slug="ir-backup", name="IR backup",
                         role="ir-backup", based_at=world.blackburn)
    ShiftFactory(rota=backup, clinician=ClinicianFactory(name="Dr Charlie",
                                                         home_trust=world.trust_b),
                 start=london(2026, 5, 1, 8), end=london(2026, 5, 8, 8))
    ooh.fallback = backup
    ooh.save()
    from rota.models import Leave
    Leave.objects.create(clinician=alpha, start=london(2026, 5, 5, 0), end=london(2026, 5, 6, 0))
    html = signed_in(world.switchboard).get("/switchboard/", {"q": "out of hours"})
    body = html.content.decode()
    assert "board-row--gap" in body
    assert "Nobody is on the IR out of hours rota." in body
    assert "The fallback answers: IR backup." in body and "Dr Charlie" in body


# --- Exactly the people the engine and the API name ---------------------------------------


INSTANTS = [
    "2026-03-29T00:30", "2026-03-29T03:00",  # spring clock change night
    "2026-10-25T00:30", "2026-10-25T01:30+00:00", "2026-10-25T03:00",  # autumn
    "2026-12-28T03:00", "2026-12-28T12:00",  # the Boxing Day substitute bank holiday
    "2026-12-29T07:45", "2026-12-29T08:00",  # a handover minute
]


@pytest.mark.parametrize("anchor", [date(2026, 3, 20), date(2026, 10, 20), date(2026, 12, 20)])
def test_board_shows_exactly_whom_the_api_names_for_every_rota(db, anchor):
    seeded = seed_demo_network(anchor)
    operator = user_in("operator", group="switchboard", network=seeded.network)
    board = signed_in(operator)
    api = APIClient()
    api.force_login(operator)
    checked = 0
    for at in INSTANTS:
        at_date = date.fromisoformat(at[:10])
        if not anchor - timedelta(days=20) <= at_date <= anchor + timedelta(days=60):
            continue
        html = board.get("/switchboard/", {"at": at}).content.decode()
        for slug, names in rows(html):
            if not slug:  # no rota has the role for these sites then (a second on call by day)
                assert names == []
                continue
            body = api.get("/api/v1/oncall/", {"rota": slug, "at": at}).json()
            assert "answers" in body, (at, slug, body)
            answer = body["answers"][0]
            while answer["status"] in ("gap", "diverted"):
                answer = answer["fallback"] if answer["status"] == "gap" else (
                    answer["divert"]["to_rota"] or {"status": "fixed", "clinicians": []}
                )
                if answer is None:
                    break
            expected = [p["name"] for p in (answer or {}).get("clinicians", [])]
            assert names == (expected or names), (at, slug, names, expected)
            checked += 1
    assert checked > 0


# --- Rota and clinician pages -------------------------------------------------------------------


def test_rota_page_shows_14_days_the_fallback_chain_and_recent_changes(world, night):
    """Controls H-01."""
    ooh, _, _, _ = night
    backup = RotaFactory(network=world.network, slug="ir-backup", name="IR backup",
                         role="ir-backup", based_at=world.blackburn)
    ooh.fallback = backup
    ooh.save()
    html = signed_in(world.switchboard).get("/switchboard/rotas/ir-ooh/").content.decode()
    assert "The next 14 days" in html and "Dr Alpha" in html
    assert '<a class="nhsuk-link" href="/switchboard/rotas/ir-backup/">IR backup</a>' in html
    assert "Recent changes" in html and "Shift added" in html


def test_rota_page_is_for_staff_of_its_network(world, night):
    response = signed_in(world.outsider).get("/switchboard/rotas/ir-ooh/")
    assert problem(response) == (404, NOT_FOUND, CHECK_THE_ADDRESS)
    assert "Dr Alpha" not in response.content.decode()


def test_clinician_page_lists_upcoming_shifts_and_contacts_as_the_viewer_may_see(world, night):
    _, _, alpha, _ = night
    operator = signed_in(world.switchboard).get(f"/switchboard/clinicians/{alpha.pk}/")
    referrer = signed_in(world.referrer_a).get(f"/switchboard/clinicians/{alpha.pk}/")
    assert "IR out of hours" in operator.content.decode()
    assert "07700 900111" in operator.content.decode()
    assert "07700 900111" not in referrer.content.decode()
    assert "bleep 2345" in referrer.content.decode()
    assert signed_in(world.outsider).get(f"/switchboard/clinicians/{alpha.pk}/").status_code == 404


# --- Notes ---------------------------------------------------------------------------------------


def _post_note(client, **fields):
    data = {"text": "In theatre until 14:00, expect a delay", "until_date": "2026-05-05",
            "until_time": "14:00", **fields}
    return client.post("/switchboard/rotas/ir-ooh/notes/", data)


def test_note_posted_by_switchboard_shows_until_it_expires_and_keeps_history(
    world, night, clock
):
    client = signed_in(world.switchboard)
    response = _post_note(client)
    assert (response.status_code, response["Location"]) == (
        302, "/switchboard/rotas/ir-ooh/#notes"
    )
    note = Note.objects.get()
    assert (note.start, note.end, note.author) == (
        clock["now"], london(2026, 5, 5, 14), world.switchboard
    )
    assert "In theatre until 14:00" in client.get("/switchboard/").content.decode()
    clock["now"] = london(2026, 5, 5, 14).astimezone(UTC)  # its end: gone, half-open
    assert "In theatre until 14:00" not in client.get(
        "/switchboard/", {"q": "ir"}).content.decode()
    assert note.history.count() == 1


def test_note_ended_early_disappears_and_says_so_in_history(world, night, clock):
    client = signed_in(world.switchboard)
    _post_note(client)
    note = Note.objects.get()
    response = client.post(f"/switchboard/notes/{note.pk}/end/")
    note.refresh_from_db()
    assert response.status_code == 302 and note.end == clock["now"] + timedelta(seconds=1)
    assert note.history.first().history_change_reason == "Ended early"


@pytest.mark.parametrize("fields, message", [
    ({"text": "x" * 281}, "A note is at most 280 characters; shorten it."),
    ({"until_date": "2026-05-13"}, "A note lasts at most 7 days; post it again then."),
    ({"until_date": "2026-05-04"}, "The note must last until a time in the future."),
    ({"text": ""}, "Enter the note, for example: in theatre until 14:00"),
])
def test_note_refused_with_a_message_and_nothing_written(world, night, fields, message):
    """Controls H-16."""
    response = _post_note(signed_in(world.switchboard), **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Note.objects.exists()


@pytest.mark.parametrize("who, status", [("referrer_a", 404), ("outsider", 404),
                                         ("coordinator", 302), ("lead", 302)])
def test_note_writers_are_switchboard_coordinators_and_leads_of_the_network(
    world, night, who, status
):
    assert _post_note(signed_in(getattr(world, who))).status_code == status
    assert Note.objects.count() == (1 if status == 302 else 0)


def test_note_text_is_escaped(world, night):
    client = signed_in(world.switchboard)
    _post_note(client, text="<script>alert(1)</script>")
    html = client.get("/switchboard/rotas/ir-ooh/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_switchboard_sign_in_lasts_a_shift(world):
    """Controls H-26."""
    client = Client()
    client.post("/accounts/login/", {"username": "switchboard",
                                     "password": "correct-horse-battery"})
    assert client.session.get_expiry_age() == 13 * 3600
    other = Client()
    other.post("/accounts/login/", {"username": "referrer-a",
                                    "password": "correct-horse-battery"})
    assert other.session.get_expiry_age() == 8 * 3600


def test_rota_model_is_untouched_by_reading(world, night):
    assert Rota.objects.count() == 2
