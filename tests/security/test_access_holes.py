"""One test per access hole found by the outside review; each failed before its fix.

Most fixes make a class of bug impossible (every admin history page is read-only
and scoped; every select is scoped) rather than patching one instance; the
enumerated matrix in ``test_matrix.py`` proves the class.
"""

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from pathways.models import Node, Pathway, PathwayVersion
from rota.access import NETWORK_LEAD, REFERRER
from rota.models import Cover, Leave, Membership, Network, Site
from tests.factories import ClinicianFactory, ContactMethodFactory, london, user_in
from tests.pages import CHECK_THE_ADDRESS, NOT_FOUND, problem, title


def staff_client(user) -> Client:
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def history_form(obj, admin_name: str) -> str:
    record = obj.history.latest("history_date")
    return reverse(f"admin:{admin_name}_simple_history", args=[obj.pk, record.history_id])


# --- History pages write nothing ----------------------------------------------------------


def test_history_form_post_by_coordinator_changes_no_switchboard(world):
    """Controls H-15."""
    client = staff_client(world.coordinator)
    url = history_form(world.preston, "rota_site")
    response = client.post(url, {"name": "Changed", "switchboard": "01632 960000",
                                 "trust": world.trust_a.pk, "ods_code": "RXN02"})
    world.preston.refresh_from_db()
    assert response.status_code in (404, 405)
    assert (world.preston.name, world.preston.switchboard) == (
        "Royal Preston Hospital", "01772 716565"
    )


@pytest.mark.parametrize("admin_name, row", [
    ("rota_site", lambda w: w.preston),
    ("rota_network", lambda w: w.network),
    ("rota_membership", lambda w: w.switchboard.memberships.get()),
])
def test_history_form_post_by_admin_is_refused_and_writes_nothing(world, admin_name, row):
    obj = row(world)
    obj.refresh_from_db()
    before = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    client = staff_client(world.admin)
    url = history_form(obj, admin_name)
    assert client.get(url).status_code == 200  # reading history stays
    response = client.post(url, {"name": "Changed", "user": world.outsider.pk})
    obj.refresh_from_db()
    assert response.status_code == 405
    assert {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields} == before


def test_history_form_of_published_version_is_405_not_500(world, published):
    _, version = published
    client = staff_client(world.lead)
    response = client.post(history_form(version, "pathways_pathwayversion"),
                           {"change_summary": "Rewritten"})
    assert response.status_code == 405
    version.refresh_from_db()
    assert version.change_summary != "Rewritten"


def test_lead_of_another_network_cannot_read_or_move_a_pathway_through_history(
    world, published
):
    """Controls H-15."""
    pathway, version = published
    other_lead = user_in("other-lead", group=NETWORK_LEAD, network=world.other_network)
    client = staff_client(other_lead)
    listed = client.get(reverse("admin:pathways_pathway_history", args=[pathway.pk]))
    moved = client.post(history_form(pathway, "pathways_pathway"), {
        "title": pathway.title, "slug": pathway.slug, "network": world.other_network.pk,
        "specialty": pathway.specialty, "review_date": "2027-01-01",
    })
    node = version.nodes.first()
    node_history = client.get(history_form(node, "pathways_node"))
    assert (listed.status_code, moved.status_code, node_history.status_code) == (404, 405, 404)
    assert Pathway.objects.get(pk=pathway.pk).network_id == world.network.id


# --- Writes that cross networks ------------------------------------------------------------


def test_api_cover_with_another_networks_clinician_is_refused(world, rotas):
    """Controls H-01."""
    stranger = ClinicianFactory(name="Dr Stranger", home_trust=world.outsider.memberships.get()
                                .home_site.trust)
    ContactMethodFactory(clinician=stranger, kind="mobile", value="07700 900999",
                         visibility="switchboard")
    client = APIClient()
    client.force_login(world.coordinator)
    response = client.post("/api/v1/covers/", {
        "rota": "ir-night", "covering": stranger.pk, "replaces": rotas.night_clinician.pk,
        "start": "2026-03-18T17:00", "end": "2026-03-19T08:00", "reason": "Swap",
    }, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid", "field": "covering",
        "message": "Dr Stranger works in another network; choose a clinician of "
                   "Lancashire and South Cumbria.",
    }
    assert not Cover.objects.exists()


def test_lead_admin_selects_and_filters_list_only_their_network(world, published, rotas):
    client = staff_client(world.lead)
    add = client.get(reverse("admin:pathways_pathway_add"))
    networks = list(add.context["adminform"].form.fields["network"].queryset)
    assert networks == [world.network]
    node = Node.objects.filter(version__pathway=published[0]).first()
    draft_version = PathwayVersion.objects.filter(pathway=published[0]).first()
    assert draft_version is not None and node is not None
    changelist = client.get(reverse("admin:pathways_pathway_changelist"))
    choices = []
    for spec in changelist.context["cl"].filter_specs:
        if getattr(spec, "field_path", "") == "network":
            choices = [label for _, label in spec.lookup_choices]
    assert "Elsewhere imaging network" not in choices


def test_lead_may_grant_any_role_but_lead(world):
    client = staff_client(world.lead)
    newcomer = User.objects.create_user("newcomer", password="correct-horse-battery")
    form = client.get(reverse("admin:rota_membership_add")).context["adminform"].form
    assert [value for value, _ in form.fields["role"].choices if value] == [
        "referrer", "switchboard", "coordinator"
    ]
    assert list(form.fields["network"].queryset) == [world.network]
    refused = client.post(reverse("admin:rota_membership_add"), {
        "user": newcomer.pk, "network": world.network.pk, "role": NETWORK_LEAD,
    })
    granted = client.post(reverse("admin:rota_membership_add"), {
        "user": newcomer.pk, "network": world.network.pk, "role": REFERRER,
    })
    assert refused.status_code == 200 and refused.context["adminform"].form.errors
    assert granted.status_code == 302
    assert list(newcomer.memberships.values_list("role", flat=True)) == [REFERRER]
    lead_row = world.lead.memberships.get()
    assert client.post(reverse("admin:rota_membership_delete", args=[lead_row.pk]),
                       {"post": "yes"}).status_code == 403
    assert Membership.objects.filter(pk=lead_row.pk).exists()


# --- Sign-in lockout ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_lockout_after_repeated_failures_but_not_for_colleagues(world, path):
    """Controls H-23."""
    world.switchboard.is_staff = True
    world.switchboard.save()
    client = Client(REMOTE_ADDR="10.1.2.3")
    for _ in range(30):
        client.post(path, {"username": "switchboard", "password": "wrong"})
    locked = client.post(path, {"username": "switchboard", "password": "correct-horse-battery"})
    html = locked.content.decode()
    assert locked.status_code == 429
    assert "2222" in html and "without signing in" in html and "fallback" in html
    colleague = Client(REMOTE_ADDR="10.1.2.3")  # the same trust's outbound address
    signed_in = colleague.post("/accounts/login/", {
        "username": "coordinator", "password": "correct-horse-battery",
    })
    assert (signed_in.status_code, signed_in.get("Location")) == (302, "/")


def test_lockout_lifts_when_an_admin_resets_it(world):
    """Controls H-23."""
    from axes.utils import reset

    client = Client(REMOTE_ADDR="10.1.2.3")
    for _ in range(10):
        client.post("/accounts/login/", {"username": "referrer-a", "password": "wrong"})
    locked = client.post("/accounts/login/", {
        "username": "referrer-a", "password": "correct-horse-battery"})
    assert locked.status_code == 429
    # The lockout page, which puts 2222 first, not the sign-in form again.
    assert title(locked) == "Sign-in paused – IR on-call pathways"
    assert "2222" in locked.content.decode()
    reset(username="referrer-a")
    signed_in = client.post("/accounts/login/", {
        "username": "referrer-a", "password": "correct-horse-battery"})
    assert (signed_in.status_code, signed_in["Location"]) == (302, "/")


def test_password_reset_is_not_offered_without_mail(world):
    assert problem(Client().get("/accounts/password_reset/")) == (
        404, NOT_FOUND, CHECK_THE_ADDRESS
    )


# --- Input bounds ---------------------------------------------------------------------------


def test_leave_across_the_calendar_is_a_400_not_an_overflow(world, rotas):
    client = APIClient()
    client.force_login(world.coordinator)
    response = client.post("/api/v1/leave/", {
        "clinician": rotas.day_clinician.pk, "first_day": "0001-01-01", "last_day": "9999-12-31",
    }, format="json")
    assert response.status_code == 400
    assert "at most a year" in response.json()["error"]["message"]
    assert not Leave.objects.exists()


def test_leave_ten_years_away_is_refused(world, rotas):
    client = APIClient()
    client.force_login(world.coordinator)
    response = client.post("/api/v1/leave/", {
        "clinician": rotas.day_clinician.pk, "first_day": "9999-12-30", "last_day": "9999-12-31",
    }, format="json")
    assert response.status_code == 400
    assert "more than ten years from today" in response.json()["error"]["message"]


def test_cover_longer_than_31_days_is_refused(world, rotas):
    client = APIClient()
    client.force_login(world.coordinator)
    response = client.post("/api/v1/covers/", {
        "rota": "ir-night", "covering": rotas.day_clinician.pk, "start": "2026-03-18T17:00",
        "end": "2026-04-19T17:00",
    }, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "A cover lasts at most 31 days; enter a longer one as several covers."
    )


def test_evaluate_answers_nested_5000_deep_is_a_400(world, published):
    body = '{"referring_site": "RXN01", "answers": ' + "[" * 5000 + "]" * 5000 + "}"
    response = APIClient().post("/api/v1/pathways/vascular-test/evaluate/", body,
                                content_type="application/json")
    assert response.status_code == 400
    assert "nests more than 5 levels" in response.json()["error"]["message"]


def test_evaluate_more_than_100_answers_is_a_400(world, published):
    answers = {f"q{n}": "yes" for n in range(101)}
    response = APIClient().post("/api/v1/pathways/vascular-test/evaluate/", {
        "referring_site": "RXN01", "answers": answers}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_many"


def test_a_body_over_64_kb_is_a_413_in_the_error_shape(world, published):
    body = json.dumps({"referring_site": "RXN01", "answers": {}, "pad": "x" * 70_000})
    response = APIClient().post("/api/v1/pathways/vascular-test/evaluate/", body,
                                content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_models_refuse_a_membership_home_site_in_another_network(world):
    membership = Membership(user=world.lead, network=world.network, role=REFERRER,
                            home_site=Site.objects.get(ods_code="RZZ01"))
    with pytest.raises(Exception, match="home site must be a hospital of this network"):
        membership.full_clean()


def test_network_list_is_unchanged_by_all_of_the_above(world):
    assert sorted(Network.objects.values_list("slug", flat=True)) == ["elsewhere", "lsc"]


def test_fixed_clock_instants_are_aware():
    assert london(2026, 5, 4, 8).utcoffset().total_seconds() == 3600


def test_pages_carry_an_enforced_policy_with_a_nonce_and_no_unsafe_inline(world):
    response = Client().get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()
    assert "Content-Security-Policy-Report-Only" not in response


def test_rota_notes_are_for_staff_of_the_network_only(world, rotas):
    """Controls H-16."""
    from rota.models import Note

    Note.objects.create(rota=rotas.night, start=london(2026, 3, 18, 8),
                        end=london(2026, 3, 18, 20), text="In theatre until 14:00",
                        author=world.switchboard)
    seen = {}
    for name in ("anonymous", "outsider", "referrer_a", "switchboard"):
        client = APIClient()
        if name != "anonymous":
            client.force_login(getattr(world, name))
        body = client.get("/api/v1/oncall/", {"rota": "ir-night",
                                              "at": "2026-03-18T13:00"}).json()
        seen[name] = [n["text"] for n in body["answers"][0]["notes"]]
    assert seen == {"anonymous": [], "outsider": [],
                    "referrer_a": ["In theatre until 14:00"],
                    "switchboard": ["In theatre until 14:00"]}
