"""The decision page: the outcome as each viewer may see it, read in five seconds."""

from datetime import timedelta

import pytest
from django.test import Client

from pathways.decisions import referral_record, session_remember_decision
from pathways.models import Decision
from rota.models import Divert, Leave, Shift
from tests.factories import ClinicianFactory, ContactMethodFactory, RotaFactory, ShiftFactory
from tests.pathways.conftest import make_pathway
from tests.web.conftest import NOW, OUT_OF_HOURS, client_for

pytestmark = pytest.mark.usefixtures("fixed_now")


def refer(world, version, answers=None, user=None, site=None):
    _, decision = referral_record(
        version=version, answers=answers or {"bleeding": "yes"},
        referring_site=site or world.chorley, user=user, at=None, now=NOW, channel="web",
    )
    return decision


def made_here(client, decision) -> None:
    """As if ``client``'s session had made the referral: its outcome page is theirs."""
    session = client.session
    session_remember_decision(session, decision.reference)
    session.save()


def page(client, decision) -> str:
    made_here(client, decision)
    response = client.get(f"/decisions/{decision.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def test_decision_page_shows_urgency_contact_until_instructions_and_reference(world, published):
    _, v1 = published
    decision = refer(world, v1, user=world.referrer_a)
    html = page(client_for(world, "referrer"), decision)
    tag = '<strong class="nhsuk-tag nhsuk-tag--red outcome-urgency">Immediate: call now</strong>'
    assert tag in html
    assert "IR consultant now" in html
    assert f'<strong class="outcome-reference">{decision.reference}</strong>' in html
    assert "Dr Day" in html
    assert ('<a class="nhsuk-button outcome-call" href="tel:+441772716565">Call Royal Preston '
            "switchboard: 01772 716565</a>") in html
    assert "Ask for the on-call ir consultant." in html
    assert "Consultant interventional radiologist, at Royal Preston Hospital" in html
    assert "Call <strong>now</strong>." in html  # the instructions, rendered
    assert "Vascular test</a>, version 1" in html
    assert "10:00 on Wed 18 Mar 2026 (GMT)" in html
    assert "Chorley and South Ribble Hospital" in html
    assert "Print this page" in html
    assert "On-call may have changed since" not in html


@pytest.mark.parametrize("role, sees", [
    ("anonymous", set()),
    ("outsider", set()),
    ("referrer", {"name", "bleep"}),
    ("switchboard", {"name", "bleep", "mobile"}),
    ("lead", {"name", "bleep", "mobile"}),
    ("admin", {"name", "bleep", "mobile"}),
])
def test_decision_page_shows_each_viewer_only_what_they_may_see(world, published, role, sees):
    _, v1 = published
    html = page(client_for(world, role), refer(world, v1))
    shown = {
        "name": "Dr Day" in html,
        "bleep": "Royal Preston switchboard 01772 716565, bleep 2345" in html,
        "mobile": 'href="tel:+447700900123">Mobile 07700 900123</a>' in html,
    }
    assert {what for what, present in shown.items() if present} == sees
    assert "Call Royal Preston switchboard: 01772 716565</a>" in html
    assert ("Names and direct numbers are shown to signed-in NHS staff" in html) == (not sees)


def test_decision_page_warns_of_a_gap_and_gives_the_fallback(world, published, rotas):
    """Controls H-02."""
    rotas.day.fallback = rotas.vascular
    rotas.day.save()
    Leave.objects.create(clinician=rotas.day_clinician, start=NOW - timedelta(hours=2),
                         end=NOW + timedelta(hours=2), reason="Sick")
    _, v1 = published
    html = page(client_for(world, "referrer"), refer(world, v1))
    assert (f"Gap in the rota: nobody is on the {rotas.day.name} rota now. Its fallback, "
            f"{rotas.vascular.name}, answers instead.") in html
    assert "Mr Vascular" in html
    # Dr Day is named only as who answers once the leave ends.
    assert html.count("Dr Day") == 1
    assert f"Until 12:00 on Wed 18 Mar (GMT), then Dr Day ({rotas.day.name})." in html


def test_decision_page_says_a_rota_is_diverted(world, published, rotas):
    """Controls H-03."""
    Divert.objects.create(rota=rotas.day, to_rota=rotas.vascular, start=NOW - timedelta(hours=1),
                          end=NOW + timedelta(hours=1), reason="IR suite maintenance")
    _, v1 = published
    html = page(client_for(world, "referrer"), refer(world, v1))
    assert (f"{rotas.day.name} is diverted until 11:00 on Wed 18 Mar (GMT): IR suite "
            "maintenance.") in html
    assert "Mr Vascular" in html


def test_decision_page_gives_a_handover_notice_within_30_minutes(world, published, rotas):
    """Controls H-07."""
    shift = Shift.objects.get(rota=rotas.day, start__lte=NOW, end__gt=NOW)
    handover = NOW + timedelta(minutes=20)
    successor = ClinicianFactory(name="Dr Next", home_trust=world.trust_a)
    ShiftFactory(rota=rotas.day, clinician=successor, start=handover, end=shift.end)
    shift.end = handover
    shift.save()
    _, v1 = published
    html = page(client_for(world, "referrer"), refer(world, v1))
    assert "Handover at 10:20 on Wed 18 Mar (GMT)." in html
    assert "Dr Day hands over to Dr Next." in html
    assert f"Until 10:20 on Wed 18 Mar (GMT), then Dr Next ({rotas.day.name})." in html


def test_decision_page_without_a_handover_soon_has_no_notice(world, published):
    _, v1 = published
    assert "Handover at" not in page(client_for(world, "referrer"), refer(world, v1))


def test_decision_page_shows_the_transfer_destination(world, published, fixed_now):
    _, v1 = published
    _, decision = referral_record(
        version=v1, answers={}, referring_site=world.chorley, user=None,
        at=None, now=NOW + timedelta(hours=12), channel="web",
    )
    fixed_now["now"] = NOW + timedelta(hours=12)
    html = page(Client(), decision)
    assert "<h2>Transfer</h2>" in html
    assert "<strong>Royal Preston Hospital</strong>" in html
    assert "Royal Preston IR suite" in html


def test_old_decision_warns_that_on_call_may_have_changed(world, published, fixed_now):
    _, v1 = published
    decision = refer(world, v1)
    fixed_now["now"] = NOW + timedelta(minutes=31)
    html = page(Client(), decision)
    assert "On-call may have changed since" in html
    assert ('<a class="nhsuk-link" href="/pathways/vascular-test/refer/?site=RXN01">Run the '
            "pathway again now</a>") in html


def test_decision_page_reference_forgives_case_and_unknown_is_404(world, published):
    _, v1 = published
    decision = refer(world, v1)
    typed = decision.reference.lower().replace("-", "")
    client = Client()
    made_here(client, decision)
    response = client.get(f"/decisions/{typed}/")
    assert (response.status_code, response["Location"]) == (
        302, f"/decisions/{decision.reference}/"
    )
    missing = Client().get("/decisions/IR-2222-22/")
    assert missing.status_code == 404
    assert b"No decision has this reference." in missing.content


def test_decision_lookup_form_finds_a_quoted_reference(world, published):
    _, v1 = published
    decision = refer(world, v1)
    client = Client()
    made_here(client, decision)
    response = client.get("/decisions/", {"reference": f" {decision.reference.lower()} "})
    assert response["Location"] == f"/decisions/{decision.reference}/"
    blank = Client().get("/decisions/", {"reference": ""}).content.decode()
    assert '<a href="#reference">Enter the decision reference, for example IR-7KQ4-M2</a>' in blank
    assert Client().get("/decisions/").status_code == 200


@pytest.mark.parametrize("role, queries", [("anonymous", 2), ("referrer", 4), ("switchboard", 4)])
def test_decision_page_query_count_is_constant(world, published, rotas, role, queries,
                                               django_assert_num_queries):
    _, v1 = published
    one_contact = refer(world, v1)
    two_contacts = refer(world, v1, answers={"bleeding": "no"})
    assert len(two_contacts.outcome["contacts"]) == 2
    client = client_for(world, role)
    made_here(client, one_contact)
    made_here(client, two_contacts)
    # The session and the decision; signed in, the user and their roles per network.
    with django_assert_num_queries(queries):
        client.get(f"/decisions/{one_contact.reference}/")
    with django_assert_num_queries(queries):
        client.get(f"/decisions/{two_contacts.reference}/")
    assert Decision.objects.count() == 2


@pytest.mark.parametrize("role, status", [
    ("anonymous", 404), ("outsider", 404), ("referrer", 200), ("switchboard", 200),
    ("lead", 200), ("admin", 200),
])
def test_decision_page_is_for_its_session_staff_of_the_network_and_admins(
    world, published, role, status
):
    """The same rule as the API: holding a reference is not enough to read it."""
    _, v1 = published
    decision = refer(world, v1)
    response = client_for(world, role).get(f"/decisions/{decision.reference}/")
    assert response.status_code == status
    if status == 404:  # the same page as for a reference nobody was given
        assert "No decision has this reference." in response.content.decode()
        assert "Dr Day" not in response.content.decode()


@pytest.fixture
def two_on_call(world, rotas):
    """Dr Day and Dr Blackburn both on the in-hours rota; Dr Blackburn's bleep is at Blackburn."""
    second = ClinicianFactory(name="Dr Blackburn", home_trust=world.trust_b)
    ContactMethodFactory(clinician=second, kind="bleep", value="3201", visibility="staff",
                         site=world.blackburn)
    ShiftFactory(rota=rotas.day, clinician=second, start=NOW - timedelta(hours=2),
                 end=NOW + timedelta(hours=6))
    return second


def test_decision_page_two_on_call_anonymously_says_two_and_asks_for_either(
    world, published, two_on_call
):
    """Controls H-18."""
    _, v1 = published
    html = page(client_for(world, "anonymous"), refer(world, v1))
    assert ('<p class="outcome-who outcome-who--count">2 consultants are on call: ask '
            "switchboard for either</p>") in html
    # Not two identical blocks naming the role.
    assert "The on-call ir consultant</p>" not in html
    assert "Ask for the on-call ir consultant: either of them can take the call." in html
    assert "Dr Blackburn" not in html and "Dr Day" not in html


def test_decision_page_two_on_call_signed_in_names_both_where_they_are(
    world, published, two_on_call
):
    """Controls H-18."""
    _, v1 = published
    html = page(client_for(world, "referrer"), refer(world, v1))
    assert "2 consultants are on call: ask switchboard for either" in html
    assert "Dr Day</p>" in html and "Dr Blackburn</p>" in html
    # Each person's place is where their bleep is answered, not the rota's base.
    assert "Consultant interventional radiologist, at Royal Preston Hospital" in html
    assert "Consultant interventional radiologist, at Royal Blackburn Teaching Hospital" in html
    assert ('Dr Blackburn: <a class="nhsuk-link" href="tel:+441254263555">Royal Blackburn '
            "switchboard 01254 263555, bleep 3201</a>") in html
    assert ('Dr Day: <a class="nhsuk-link" href="tel:+441772716565">Royal Preston switchboard '
            "01772 716565, bleep 2345</a>") in html


def test_decision_page_then_names_the_in_hours_rota_not_the_nights_next(world, published, rotas):
    # Wednesday 22:15: the night rota answers until 08:00, then the in-hours rota does.
    _, v1 = published
    _, decision = referral_record(
        version=v1, answers={}, referring_site=world.blackburn, user=None,
        at=None, now=OUT_OF_HOURS, channel="web",
    )
    contact = decision.outcome["contacts"][0]
    assert contact["answer"]["rota"]["slug"] == "ir-night"
    assert contact["until"] == "2026-03-19T08:00:00+00:00"
    assert (contact["then"]["from"], contact["then"]["answer"]["rota"]["slug"]) == (
        "2026-03-19T08:00:00+00:00", "ir-day"
    )
    assert contact["answer"]["next"] is None  # the rota's own next shift: none in the window
    html = page(client_for(world, "referrer"), decision)
    assert f"Until 08:00 on Thu 19 Mar (GMT), then Dr Day ({rotas.day.name})." in html


ESCALATING = [
    {"key": "when", "kind": "time_window", "text": "In hours or out of hours",
     "branches": [{"condition": "in_hours", "next": "o-day"},
                  {"condition": "out_of_hours", "next": "o-now"}]},
    {"key": "o-day", "kind": "outcome", "text": "IR in hours", "urgency": "urgent",
     "instructions": "Go.",
     "steps": [{"kind": "role", "role": "ir-consultant", "instruction": "The IR consultant"}]},
    {"key": "o-now", "kind": "outcome", "text": "IR now", "urgency": "immediate",
     "instructions": "Go.",
     "steps": [{"kind": "role", "role": "ir-consultant", "instruction": "The IR consultant"},
               {"kind": "role", "role": "ir-second",
                "instruction": "If not answered in 10 minutes, call the second on call"}]},
]


def test_decision_page_gap_goes_straight_to_the_later_step_and_logs_what_it_showed(
    world, rotas
):
    second = RotaFactory(network=world.network, slug="ir-second", role="ir-second",
                         required_coverage="out_of_hours", based_at=world.preston,
                         ask_for="the second on-call IR consultant")
    ShiftFactory(rota=second, clinician=ClinicianFactory(name="Dr Second",
                                                         home_trust=world.trust_a),
                 start=OUT_OF_HOURS - timedelta(days=1), end=OUT_OF_HOURS + timedelta(days=1))
    rotas.night.fallback = second
    rotas.night.save()
    Shift.objects.filter(rota=rotas.night).delete()  # the first on call is in a gap
    _, version = make_pathway(world, slug="escalating", nodes=ESCALATING, root="when")
    _, decision = referral_record(
        version=version, answers={}, referring_site=world.chorley, user=None,
        at=None, now=OUT_OF_HOURS, channel="web",
    )
    first, later = decision.outcome["contacts"]
    assert (first["go_to_step"], first["same_as_step"], later["same_as_step"]) == (2, 2, None)
    assert later["reasons"] == ["The IR consultant",
                                "If not answered in 10 minutes, call the second on call"]
    html = page(client_for(world, "referrer"), decision)
    assert "Gap: nobody is on this rota now: go straight to step 2." in html
    assert html.count("Dr Second</p>") == 1
    assert ("If nobody above answers, call Royal Preston switchboard on 01772 716565") in html


@pytest.mark.parametrize("answers", [{"bleeding": "yes"}, {"bleeding": "no"}],
                         ids=["one-step", "two-steps"])
def test_decision_logging_query_count_does_not_grow_with_steps(
    world, published, answers, django_assert_num_queries
):
    # Whether anything was built ahead (nothing here), the tree, four weeks of the rotas it
    # needs, the insert (in a savepoint): the same for any outcome.
    _, v1 = published
    with django_assert_num_queries(26):
        refer(world, v1, answers=answers)


def test_decision_page_links_the_pdf_of_the_version_it_used(world, published):
    _, v1 = published
    html = page(client_for(world, "referrer"), refer(world, v1, user=world.referrer_a))
    assert 'href="/pathways/vascular-test/v1.pdf">PDF of this version</a>' in html


def test_decision_logged_before_the_escalation_marks_still_shows_its_instruction(
    world, published
):
    _, v1 = published
    decision = refer(world, v1)
    outcome = dict(decision.outcome)
    outcome.pop("if_no_answer")
    outcome["contacts"] = [
        {key: value for key, value in contact.items()
         if key not in {"until", "then", "same_as_step", "go_to_step", "reasons"}}
        for contact in outcome["contacts"]
    ]
    old = Decision.objects.create(
        reference="IR-2345-67", version=decision.version, answers=decision.answers,
        outcome=outcome, referring_site=decision.referring_site, at=decision.at,
        created_at=decision.created_at, channel="web",
    )
    html = page(client_for(world, "referrer"), old)
    assert '<p class="outcome-reason">The IR consultant</p>' in html
