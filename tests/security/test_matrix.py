"""The access matrix: every URL and every admin model, for every kind of caller.

The URLs come from the resolver and the models from the admin's registry, so a
new page, endpoint or admin cannot be added without an entry here: the first
test fails on any that has none. Expectations are written by hand from the
rules table in the README (not computed with ``rota.access``), so a change to
the rules has to change this file too.

GETs check the status and that the body holds no personal mobile the caller may
not see and, in the admin, no row of a network the caller may not manage.
POSTs send a valid, changed form or body and check the database afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from pathways.decisions import referral_record
from pathways.models import Decision, Node, NodeKind, Pathway, PathwayVersion
from pathways.publishing import version_create_draft
from rota.models import (
    ApiToken,
    Clinician,
    ClosureDate,
    ContactMethod,
    Cover,
    Divert,
    FeedToken,
    Leave,
    Membership,
    Network,
    Note,
    PatternParticipant,
    Rota,
    RotationPattern,
    Shift,
    Site,
    Trust,
)
from rota.tokens import api_token_create, feed_token_create
from tests.factories import ClinicianFactory, ContactMethodFactory, RotaFactory, london, user_in
from tests.pathways.conftest import make_pathway
from tests.web.conftest import NOW

USERS = ["anonymous", "referrer", "switchboard", "coordinator", "lead", "dual", "coordinator2",
         "admin"]
TOKENS = ["token-referrer", "token-switchboard", "token-coordinator", "token-lead"]
EVERYONE = USERS + TOKENS
LSC_MOBILE, OTHER_MOBILE = "07700 900123", "07700 900999"

# Who sees personal (switchboard-only) numbers of each network's clinicians.
SEES_MOBILES = (
    {"switchboard", "coordinator", "lead", "dual", "admin", "token-switchboard",
     "token-coordinator", "token-lead"},
    {"coordinator2", "admin"},
)

# Kinds of object and who may change them, (in lsc, in the other network): the README table.
_COORDINATORS = ({"coordinator", "admin"}, {"coordinator2", "admin"})
_LEADS = ({"lead", "dual", "admin"}, {"admin"})
_ADMIN = ({"admin"}, {"admin"})
CHANGES = {
    "reference": _ADMIN,
    "people": _COORDINATORS,
    "rota": _COORDINATORS,
    "leave": _COORDINATORS,
    "note": ({"switchboard", "coordinator", "lead", "dual", "admin"}, {"coordinator2", "admin"}),
    "pathway": _LEADS,
    "draft": _LEADS,
    "membership": _LEADS,
    "secret": _ADMIN,
    "django": _ADMIN,
    "decision": (set(), set()),
}
# Decisions are read, never changed: staff of the network and admins.
READS_DECISIONS = (
    {"referrer", "switchboard", "coordinator", "lead", "dual", "admin"},
    {"dual", "coordinator2", "admin"},
)


@dataclass
class AdminCase:
    kind: str
    edit: tuple[str, object] | None = None  # (field, new value) for the change POST
    # A draft's row is edited in the leads' editor: its change page sends there, saving nothing.
    opens_editor: bool = False


ADMIN_CASES: dict[type, AdminCase] = {
    Network: AdminCase("reference", ("name", "Renamed network")),
    Trust: AdminCase("reference", ("name", "Renamed trust")),
    Site: AdminCase("reference", ("name", "Renamed hospital")),
    ClosureDate: AdminCase("rota", ("reason", "Renamed closure")),
    Clinician: AdminCase("people", ("name", "Dr Renamed")),
    ContactMethod: AdminCase("people", ("order", 7)),
    Membership: AdminCase("membership", ("role", "switchboard")),
    Rota: AdminCase("rota", ("name", "Renamed rota")),
    RotationPattern: AdminCase("rota", ("name", "Renamed pattern")),
    PatternParticipant: AdminCase("rota", ("position", 9)),
    Shift: AdminCase("rota", ("clinician", "spare")),
    Cover: AdminCase("rota", ("reason", "Renamed cover")),
    Leave: AdminCase("leave", ("reason", "Renamed leave")),
    Divert: AdminCase("rota", ("reason", "Renamed divert")),
    Note: AdminCase("note", ("text", "Renamed note")),
    ApiToken: AdminCase("secret"),
    FeedToken: AdminCase("secret"),
    Pathway: AdminCase("pathway", ("title", "Renamed pathway")),
    PathwayVersion: AdminCase("draft", ("change_summary", "Renamed summary")),
    Node: AdminCase("draft", ("text", "Renamed question"), opens_editor=True),
    Decision: AdminCase("decision"),
    User: AdminCase("django"),
    Group: AdminCase("django"),
    AccessAttempt: AdminCase("django"),
    AccessLog: AdminCase("django"),
    AccessFailureLog: AdminCase("django"),
}


# --- The world -------------------------------------------------------------------------------


@dataclass
class Matrix:
    world: object
    lsc: dict  # model -> a row of the lsc network
    other: dict  # model -> a row of the other network
    spare: dict  # network slug -> another clinician of that network, for edits
    users: dict
    tokens: dict
    feeds: dict  # "rota", "clinician" -> secret
    decision: Decision
    draft_number: int


def _network_rows(world, network, site, trust, prefix: str, mobile: str, user) -> dict:
    clinician = ClinicianFactory(name=f"Dr {prefix} Consultant", home_trust=trust)
    contact = ContactMethodFactory(clinician=clinician, kind="mobile", value=mobile,
                                   visibility="switchboard")
    ContactMethodFactory(clinician=clinician, kind="bleep", value="4321", visibility="staff",
                         site=site)
    rota = RotaFactory(network=network, slug=f"{prefix.lower()}-matrix", name=f"{prefix} rota",
                       based_at=site, role="matrix-consultant")
    pattern = RotationPattern.objects.create(
        rota=rota, name=f"{prefix} pattern", cadence="weekly", every=1,
        shift_start=time(8), shift_end=time(8), days="all", start_date=date(2026, 3, 2),
        end_date=date(2026, 3, 8),
    )
    participant = PatternParticipant.objects.create(pattern=pattern, clinician=clinician,
                                                    position=1)
    shift = Shift.objects.create(rota=rota, clinician=clinician, kind="manual",
                                 start=london(2026, 3, 18, 8), end=london(2026, 3, 19, 8))
    spare = ClinicianFactory(name=f"Dr {prefix} Spare", home_trust=trust)
    cover = Cover.objects.create(rota=rota, covering=spare, replaces=clinician,
                                 start=london(2026, 3, 18, 12), end=london(2026, 3, 18, 14),
                                 reason=f"{prefix} cover")
    leave = Leave.objects.create(clinician=clinician, start=london(2026, 4, 1, 0),
                                 end=london(2026, 4, 3, 0), reason=f"{prefix} leave")
    other_rota = RotaFactory(network=network, slug=f"{prefix.lower()}-second",
                             name=f"{prefix} second rota", based_at=site,
                             role="matrix-second")
    divert = Divert.objects.create(rota=rota, to_rota=other_rota, start=london(2026, 4, 5, 8),
                                   end=london(2026, 4, 5, 20), reason=f"{prefix} divert")
    note = Note.objects.create(rota=rota, start=london(2026, 3, 18, 8),
                               end=london(2026, 3, 18, 20), text=f"{prefix} note", author=user)
    closure = ClosureDate.objects.create(network=network, date=date(2026, 12, 29),
                                         reason=f"{prefix} closure")
    membership = Membership.objects.create(
        user=User.objects.create_user(f"{prefix.lower()}-member"), network=network,
        role="referrer", home_site=site,
    )
    token, _ = api_token_create(name=f"{prefix} telephony", role="switchboard",
                                network=network, created_by=world.admin)
    feed, _ = feed_token_create(rota=rota, clinician=None, name=f"{prefix} feed",
                                created_by=world.admin)
    return {
        Network: network, Trust: trust, Site: site, ClosureDate: closure, Clinician: clinician,
        ContactMethod: contact, Membership: membership, Rota: rota, RotationPattern: pattern,
        PatternParticipant: participant, Shift: shift, Cover: cover, Leave: leave,
        Divert: divert, Note: note, ApiToken: token, FeedToken: feed, "spare": spare,
    }


def _other_pathway(world, site) -> tuple[Pathway, PathwayVersion, Node]:
    pathway = Pathway.objects.create(network=world.other_network, slug="elsewhere-bleed",
                                     title="Elsewhere pathway", specialty="Vascular",
                                     review_date=date(2028, 1, 1))
    draft = version_create_draft(pathway=pathway, user=world.admin)
    node = Node.objects.create(version=draft, key="elsewhere-q", kind=NodeKind.QUESTION,
                               text="Elsewhere question")
    return pathway, draft, node


@pytest.fixture
def matrix(world, rotas, fixed_now) -> Matrix:
    elsewhere_site = Site.objects.get(ods_code="RZZ01")
    lsc = _network_rows(world, world.network, world.preston, world.trust_a, "Lsc", LSC_MOBILE,
                        world.switchboard)
    other = _network_rows(world, world.other_network, elsewhere_site, elsewhere_site.trust,
                          "Elsewhere", OTHER_MOBILE, world.outsider)
    pathway, published = make_pathway(world, user=world.lead)
    draft = version_create_draft(pathway=pathway, user=world.lead)
    lsc |= {Pathway: pathway, PathwayVersion: draft, Node: draft.nodes.order_by("pk").first()}
    o_pathway, o_draft, o_node = _other_pathway(world, elsewhere_site)
    other |= {Pathway: o_pathway, PathwayVersion: o_draft, Node: o_node}
    _, decision = referral_record(
        version=published, answers={"bleeding": "yes"}, referring_site=world.chorley,
        user=world.referrer_a, at=None, now=NOW, channel="web",
    )
    lsc[Decision] = other[Decision] = decision
    dual = user_in("dual", group="lead", network=world.network)
    Membership.objects.create(user=dual, network=world.other_network, role="referrer")
    coordinator2 = user_in("coordinator2", group="coordinator", network=world.other_network)
    users = {"referrer": world.referrer_a, "switchboard": world.switchboard,
             "coordinator": world.coordinator, "lead": world.lead, "dual": dual,
             "coordinator2": coordinator2, "admin": world.admin}
    for user in users.values():
        user.is_staff = True  # the admin opens for everyone: the rules must still hold
        user.save()
    for model, row in ((User, world.lead), (Group, Group.objects.create(name="Auditors"))):
        lsc[model] = other[model] = row
    attempt = AccessAttempt.objects.create(username="someone", ip_address="10.0.0.1",
                                           user_agent="test", failures_since_start=1)
    log = AccessLog.objects.create(username="someone", ip_address="10.0.0.1", user_agent="t")
    failure = AccessFailureLog.objects.create(username="someone", ip_address="10.0.0.1",
                                              user_agent="t", locked_out=False)
    for model, row in ((AccessAttempt, attempt), (AccessLog, log),
                       (AccessFailureLog, failure)):
        lsc[model] = other[model] = row
    tokens = {}
    for name in TOKENS:
        _, secret = api_token_create(name=name, role=name.removeprefix("token-"),
                                     network=world.network, created_by=world.admin)
        tokens[name] = secret
    _, rota_secret = feed_token_create(rota=lsc[Rota], clinician=None, name="feed",
                                       created_by=world.admin)
    _, clinician_secret = feed_token_create(rota=None, clinician=lsc[Clinician], name="feed",
                                            created_by=world.admin)
    return Matrix(
        world=world, lsc=lsc, other=other,
        spare={"lsc": lsc.pop("spare"), "elsewhere": other.pop("spare")},
        users=users, tokens=tokens,
        feeds={"rota": rota_secret, "clinician": clinician_secret},
        decision=decision, draft_number=draft.number,
    )


def client_as(m: Matrix, who: str):
    if who.startswith("token-"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {m.tokens[who]}")
        return client
    client = Client()
    if who != "anonymous":
        client.force_login(m.users[who])
    return client


def assert_no_hidden_mobiles(body: str, who: str, where: str) -> None:
    digits = re.sub(r"\D", "", body)
    for mobile, seers in ((LSC_MOBILE, SEES_MOBILES[0]), (OTHER_MOBILE, SEES_MOBILES[1])):
        if who not in seers:
            assert re.sub(r"\D", "", mobile) not in digits, f"{who} sees {mobile} at {where}"


# --- Every URL has an entry -------------------------------------------------------------------


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin is enumerated from its registry below
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or str(pattern.pattern)}"


ADMIN_SITE_VIEWS = {"index", "login", "logout", "password_change", "password_change_done",
                    "autocomplete", "jsi18n", "app_list", "view_on_site", None}


# Every model admin has these; a model admin's own views need an ADMIN_VIEW_CASES entry.
STANDARD_MODEL_ADMIN_VIEWS = {"changelist", "add", "history", "delete", "change",
                              "simple_history", None}


def _model_admin_views():
    for model, model_admin in admin.site._registry.items():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for pattern in model_admin.get_urls():
            name = pattern.name.removeprefix(prefix) if pattern.name else None
            if name not in STANDARD_MODEL_ADMIN_VIEWS:
                yield model, pattern.name


def test_matrix_every_url_and_admin_model_has_an_entry():
    """Controls H-15."""
    names = set(_walk(get_resolver().url_patterns))
    assert names - set(URL_CASES) == set(), "a URL without an access expectation"
    assert set(URL_CASES) - names == set(), "an expectation for a URL that no longer exists"
    assert set(admin.site._registry) - set(ADMIN_CASES) == set()
    site_views = {p.name for p in admin.site.get_urls() if isinstance(p, URLPattern)}
    assert site_views - ADMIN_SITE_VIEWS == set(), "an admin view without an expectation"
    own_views = {name for _, name in _model_admin_views()}
    assert own_views == set(ADMIN_VIEW_CASES), "a model admin view without an expectation"


# --- Pages, API and feeds --------------------------------------------------------------------


def _all(status):
    return {who: status for who in EVERYONE}


def _only(allowed: set, yes=200, no=403, anonymous=None):
    statuses = {who: (yes if who in allowed else no) for who in EVERYONE}
    if anonymous is not None:
        statuses["anonymous"] = anonymous
    return statuses


_PAGE = {**{who: 200 for who in USERS}, **{who: 200 for who in TOKENS}}
_SIGNED_IN = {**{who: 200 for who in USERS}, "anonymous": 302,
              **{who: 302 for who in TOKENS}}  # a token is not a session: the page asks to sign in
_DECISION_READERS = READS_DECISIONS[0] | {"token-referrer", "token-switchboard",
                                          "token-coordinator", "token-lead"}
_DRAFT_READERS = {"lead", "dual", "admin", "token-lead"}
_ROTA_WRITERS = {"coordinator", "admin", "token-coordinator"}


@dataclass
class UrlCase:
    path: object  # Matrix -> str
    get: dict  # who -> status
    post: object = None  # (Matrix -> body, who -> status, Matrix -> int count) or None


def _count(model, **filters):
    return lambda m: model.objects.filter(**filters).count()


URL_CASES: dict[str, UrlCase] = {
    # For load balancers: whether the database answers, and no more.
    "healthz": UrlCase(lambda m: "/healthz", _all(200)),
    "login": UrlCase(lambda m: "/accounts/login/", _PAGE),
    "logout": UrlCase(lambda m: "/accounts/logout/", _all(405)),
    "password_change": UrlCase(lambda m: "/accounts/password_change/", _SIGNED_IN),
    "password_change_done": UrlCase(lambda m: "/accounts/password_change/done/", _SIGNED_IN),
    "network-list": UrlCase(lambda m: "/api/v1/networks/", _all(200)),
    "network-detail": UrlCase(lambda m: "/api/v1/networks/elsewhere/", _all(200)),
    "trust-list": UrlCase(lambda m: "/api/v1/trusts/", _all(200)),
    "trust-detail": UrlCase(lambda m: "/api/v1/trusts/RZZ/", _all(200)),
    "site-list": UrlCase(lambda m: "/api/v1/sites/", _all(200)),
    "site-detail": UrlCase(lambda m: "/api/v1/sites/RZZ01/", _all(200)),
    "rota-list": UrlCase(lambda m: "/api/v1/rotas/", _all(200)),
    "rota-detail": UrlCase(lambda m: "/api/v1/rotas/elsewhere-matrix/", _all(200)),
    "rota-shifts": UrlCase(
        lambda m: "/api/v1/rotas/lsc-matrix/shifts/?from=2026-03-17&to=2026-03-20", _all(200)
    ),
    "clinician-list": UrlCase(lambda m: "/api/v1/clinicians/", _all(200)),
    "clinician-detail": UrlCase(lambda m: f"/api/v1/clinicians/{m.other[Clinician].pk}/",
                                _all(200)),
    "pathway-list": UrlCase(lambda m: "/api/v1/pathways/", _all(200)),
    "pathway-detail": UrlCase(lambda m: "/api/v1/pathways/vascular-test/", _all(200)),
    "pathway-versions": UrlCase(lambda m: "/api/v1/pathways/vascular-test/versions/",
                                _all(200)),
    "pathway-version": UrlCase(
        lambda m: f"/api/v1/pathways/vascular-test/versions/{m.draft_number}/",
        _only(_DRAFT_READERS, no=404),
    ),
    "pathway-evaluate": UrlCase(
        lambda m: "/api/v1/pathways/vascular-test/evaluate/", _all(405),
        post=(lambda m: {"referring_site": "RXN01", "answers": {"bleeding": "yes"}}, _all(200),
              _count(Decision)),
    ),
    "decision-list": UrlCase(
        lambda m: "/api/v1/decisions/", _only(_DECISION_READERS | {"coordinator2"},
                                              anonymous=401),
    ),
    "decision-detail": UrlCase(
        lambda m: f"/api/v1/decisions/{m.decision.reference}/",
        _only(_DECISION_READERS, no=404),
    ),
    "api-oncall": UrlCase(lambda m: "/api/v1/oncall/?rota=lsc-matrix&at=2026-03-18T13:00",
                          _all(200)),
    "api-covers": UrlCase(
        lambda m: "/api/v1/covers/", _all(405) | {"anonymous": 401},
        post=(lambda m: {"rota": "lsc-matrix", "covering": m.spare["lsc"].pk,
                         "start": "2026-03-18T15:00", "end": "2026-03-18T16:00",
                         "reason": "Matrix"},
              _only(_ROTA_WRITERS, yes=201, anonymous=401),
              _count(Cover, reason="Matrix")),
    ),
    "api-leave": UrlCase(
        lambda m: "/api/v1/leave/", _all(405) | {"anonymous": 401},
        post=(lambda m: {"clinician": m.spare["lsc"].pk, "first_day": "2026-05-01",
                         "last_day": "2026-05-02", "reason": "Matrix"},
              _only(_ROTA_WRITERS, yes=201, anonymous=401),
              _count(Leave, reason="Matrix")),
    ),
    "api-schema": UrlCase(lambda m: "/api/schema/", _all(200)),
    "api-docs": UrlCase(lambda m: "/api/docs/", _all(200)),
    "feed-rota": UrlCase(lambda m: f"/feeds/rota/{m.feeds['rota']}.ics", _all(200)),
    "feed-clinician": UrlCase(lambda m: f"/feeds/clinician/{m.feeds['clinician']}.ics",
                              _all(200)),
    "^api/": UrlCase(lambda m: "/api/v1/nowhere/", _all(404)),
    # The switchboard's pages: for anyone holding a role in a network (a token is no
    # session: the page asks to sign in). The board shows the caller's own network.
    "rota:board": UrlCase(lambda m: "/switchboard/", _SIGNED_IN),
    "rota:rota": UrlCase(
        lambda m: "/switchboard/rotas/lsc-matrix/",
        _SIGNED_IN | {"coordinator2": 404},
    ),
    "rota:clinician": UrlCase(
        lambda m: f"/switchboard/clinicians/{m.lsc[Clinician].pk}/",
        _SIGNED_IN | {"coordinator2": 404},
    ),
    "rota:note_add": UrlCase(
        lambda m: "/switchboard/rotas/lsc-matrix/notes/", _all(405),
        post=(lambda m: {"text": "Matrix note", "until_date": "2026-03-18",
                         "until_time": "18:00"},
              _only(set(CHANGES["note"][0]), yes=302, no=404) | {"anonymous": 302}
              | {who: 302 for who in TOKENS},
              _count(Note, text="Matrix note")),
    ),
    "rota:note_end": UrlCase(
        lambda m: f"/switchboard/notes/{m.lsc[Note].pk}/end/", _all(405),
    ),
    "pathways:start": UrlCase(lambda m: "/", _PAGE),
    "pathways:site": UrlCase(lambda m: "/site/", _PAGE),
    "pathways:pathway": UrlCase(lambda m: "/pathways/vascular-test/", _PAGE),
    "pathways:refer": UrlCase(lambda m: "/pathways/vascular-test/refer/?v=1&site=RXN01", _PAGE),
    "pathways:decision_lookup": UrlCase(lambda m: "/decisions/", _PAGE),
    # Printed pathways: the published version for anyone; a draft for its network's leads.
    "pathways:pathway_pdf": UrlCase(lambda m: "/pathways/vascular-test.pdf", _all(200)),
    "pathways:version_pdf": UrlCase(
        lambda m: f"/pathways/vascular-test/v{m.draft_number}.pdf",
        _only({"lead", "dual", "admin"}, no=404),
    ),
    # Trying a draft in the referrer's flow: its network's leads and admins (never logged).
    "pathways:preview": UrlCase(
        lambda m: f"/pathways/vascular-test/v{m.draft_number}/preview/?site=RXN01",
        _only({"lead", "dual", "admin"}, no=404),
    ),
    # The rota pack's staff edition: staff of the network (a token is no session).
    "rota_pack:pack_pdf": UrlCase(
        lambda m: "/rota/pack.pdf?network=lsc&days=1&edition=staff",
        _only({"referrer", "switchboard", "coordinator", "lead", "dual", "admin"})
        | {"anonymous": 302} | {who: 302 for who in TOKENS},
    ),
    "pathways:decision": UrlCase(
        lambda m: f"/decisions/{m.decision.reference}/",
        # A token is no session on a page: like anyone without a role there, 404.
        _only(READS_DECISIONS[0], no=404),
    ),
}


@pytest.mark.parametrize("name", sorted(URL_CASES))
def test_matrix_url(matrix, name):
    case = URL_CASES[name]
    path = case.path(matrix)
    for who in EVERYONE:
        response = client_as(matrix, who).get(path)
        assert response.status_code == case.get[who], (who, path, response.status_code)
        body = response.content.decode(errors="replace")
        assert_no_hidden_mobiles(body, who, path)
    if case.post is None:
        return
    body_for, statuses, count = case.post
    for who in EVERYONE:
        before = count(matrix)
        client = client_as(matrix, who)
        if isinstance(client, APIClient):
            response = client.post(path, body_for(matrix), format="json")
        elif path.startswith("/switchboard/"):
            response = client.post(path, body_for(matrix))
        else:
            response = client.post(path, body_for(matrix), content_type="application/json")
        assert response.status_code == statuses[who], (who, path, response.content[:300])
        wrote = statuses[who] in (200, 201) or (
            statuses[who] == 302 and who in USERS and who != "anonymous"
        )
        assert count(matrix) == before + (1 if wrote else 0), who
        assert_no_hidden_mobiles(response.content.decode(), who, path)
        Cover.objects.filter(reason="Matrix").delete()
        Note.objects.filter(text="Matrix note").delete()
        Leave.objects.filter(reason="Matrix").delete()


# --- The admin ---------------------------------------------------------------------------------


class _FormReader(HTMLParser):
    """The fields of a page's admin form, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("id") or "").endswith("_form"):
            self._in_form = True
        if not self._in_form or "name" not in a and tag in ("input", "select", "textarea"):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.setdefault(a["name"], []).append(a.get("value", default))
        elif tag == "select":
            self._select = a["name"]
            self.data.setdefault(self._select, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data[self._textarea] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def _form_data(html: str) -> dict[str, list[str]]:
    reader = _FormReader()
    reader.feed(html)
    return reader.data


def _admin_url(obj, view: str, *extra) -> str:
    opts = obj._meta
    from django.urls import reverse

    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk, *extra])


def _refused(response) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    return response.status_code == 302 and (
        "/admin/login/" in response["Location"] or response["Location"] == "/admin/"
    )


def _snapshot(obj) -> dict:
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}


@pytest.mark.parametrize("model", list(ADMIN_CASES), ids=lambda m: m.__name__)
def test_matrix_admin(matrix, model):
    case = ADMIN_CASES[model]
    lsc_row, other_row = matrix.lsc[model], matrix.other[model]
    changers = CHANGES[case.kind]
    readers = READS_DECISIONS if case.kind == "decision" else changers
    opts = model._meta
    from django.urls import reverse

    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    for who in USERS:
        client = client_as(matrix, who)
        lists_any = who in readers[0] | readers[1]
        response = client.get(changelist)
        if who == "anonymous":
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
            continue
        assert response.status_code == (200 if lists_any else 403), (who, changelist)
        body = response.content.decode()
        assert_no_hidden_mobiles(body, who, changelist)
        if lists_any and lsc_row is not other_row:
            assert (_admin_url(lsc_row, "change") in body) == (who in readers[0]), who
            assert (_admin_url(other_row, "change") in body) == (who in readers[1]), who
        if model in (AccessAttempt, AccessLog, AccessFailureLog):
            continue  # sign-in records: signing in (even forced) rewrites them
        for row, network in ((lsc_row, 0), (other_row, 1)):
            if row is other_row and row is lsc_row and network == 1:
                continue
            reads = who in readers[network]
            before = _snapshot(row)
            for view, args in (("change", ()), ("history", ())):
                page = client.get(_admin_url(row, view, *args))
                if view == "change" and case.opens_editor and reads:
                    assert page["Location"] == _editor_url(row), (who, model.__name__)
                    continue
                assert (page.status_code == 200) == reads or (
                    view == "history" and not hasattr(model, "history") and _refused(page)
                ), (who, view, model.__name__, page.status_code)
                if not reads:
                    assert _refused(page), (who, view, page.status_code)
                assert_no_hidden_mobiles(page.content.decode(), who, view)
            if hasattr(model, "history"):
                record = model.history.filter(**{opts.pk.attname: row.pk}).first()
                url = _admin_url(row, "simple_history", record.history_id)
                shown = client.get(url)
                assert (shown.status_code == 200) == reads, (who, url, shown.status_code)
                written = client.post(url, {"name": "Reverted", "text": "Reverted"})
                assert written.status_code in (404, 405) or _refused(written), who
            assert _snapshot(row) == before, (who, model.__name__, "history wrote")
    _post_changes(matrix, model, case, changers)


def _editor_url(node) -> str:
    from django.urls import reverse

    return reverse("admin:pathways_pathwayversion_node", args=[node.version_id, node.key])


def _post_changes(matrix, model, case, changers):
    if case.edit is None:
        return
    field, value = case.edit
    for network, row in enumerate((matrix.lsc[model], matrix.other[model])):
        if case.opens_editor:
            # The editor's own pages are in ADMIN_VIEW_CASES; here, nothing is saved.
            for who in USERS:
                before = _snapshot(row)
                response = client_as(matrix, who).post(_admin_url(row, "change"),
                                                       {field: "Posted here", "_save": "Save"})
                if who in changers[network]:
                    assert response["Location"] == _editor_url(row), (who, model.__name__)
                else:
                    assert _refused(response), (who, model.__name__, response.status_code)
                assert _snapshot(row) == before, (who, model.__name__, "saved past the editor")
            continue
        admin_client = client_as(matrix, "admin")
        page = admin_client.get(_admin_url(row, "change"))
        assert page.status_code == 200, (model.__name__, page.status_code)
        data = _form_data(page.content.decode())
        slug = "lsc" if network == 0 else "elsewhere"
        new = matrix.spare[slug].pk if value == "spare" else value
        data[field] = [str(new)]
        data["_save"] = ["Save"]
        for who in USERS:
            before = _snapshot(row)
            response = client_as(matrix, who).post(_admin_url(row, "change"), data)
            after = _snapshot(row)
            if who in changers[network]:
                assert response.status_code == 302, (who, model.__name__, _errors(response))
                assert after != before, (who, model.__name__, "change not saved")
                type(row)._default_manager.filter(pk=row.pk).update(
                    **{k: v for k, v in before.items() if k != "id"}
                )
            else:
                assert _refused(response), (who, model.__name__, response.status_code)
                assert after == before, (who, model.__name__, "refused yet changed")


def _errors(response) -> str:
    context = getattr(response, "context", None)
    if context and "adminform" in context:
        return str(context["adminform"].form.errors) + str(
            [f.errors for f in context.get("inline_admin_formsets", [])]
        )
    return str(response.status_code)


# --- Model admins' own views -----------------------------------------------------------------

# A model admin's views beyond the standard ones, by URL name. Each shows a row (the
# one of each network in ADMIN_CASES), read like that row's change page.


@dataclass
class AdminViewCase:
    model: type
    extra: object = None  # row -> further URL arguments
    reads: int = 200  # what a GET by one who may read the row gets
    post: object = None  # row -> a form body that changes the row's first node


def _first_node_key(version) -> list:
    return [version.nodes.order_by("pk").first().key]


ADMIN_VIEW_CASES: dict[str, AdminViewCase] = {
    "pathways_pathwayversion_tree": AdminViewCase(PathwayVersion),
    "pathways_pathwayversion_diff": AdminViewCase(PathwayVersion),
    "pathways_pathwayversion_node": AdminViewCase(
        PathwayVersion, _first_node_key,
        post=lambda row: {"revision": PathwayVersion.objects.get(pk=row.pk).revision,
                          "text": "Matrix wording", "help_text": ""},
    ),
    "pathways_pathwayversion_node_act": AdminViewCase(PathwayVersion, _first_node_key, 405),
    "pathways_pathwayversion_node_remove": AdminViewCase(PathwayVersion, _first_node_key),
    "pathways_pathwayversion_publish": AdminViewCase(PathwayVersion),
    "auth_user_password_change": AdminViewCase(User),
}


@pytest.mark.parametrize("name", sorted(ADMIN_VIEW_CASES))
def test_matrix_model_admin_view(matrix, name):
    from django.urls import reverse

    case = ADMIN_VIEW_CASES[name]
    readers = CHANGES[ADMIN_CASES[case.model].kind]
    for who in USERS:
        client = client_as(matrix, who)
        for network, row in enumerate((matrix.lsc[case.model], matrix.other[case.model])):
            extra = case.extra(row) if case.extra else []
            url = reverse(f"admin:{name}", args=[row.pk, *extra])
            node = row.nodes.order_by("pk").first() if case.post else None
            before = _snapshot(row)
            response = client.get(url)
            if who == "anonymous":
                assert response.status_code == 302 and "/admin/login/" in response["Location"]
            elif who in readers[network]:
                assert response.status_code == case.reads, (who, url, response.status_code)
            else:
                assert _refused(response), (who, url, response.status_code)
            assert_no_hidden_mobiles(response.content.decode(), who, url)
            assert _snapshot(row) == before, (who, url)
            if case.post is None:
                continue
            node_before = _snapshot(node)
            response = client.post(url, case.post(row))
            if who in readers[network]:
                assert response.status_code == 302, (who, url, response.status_code)
                assert _snapshot(node)["text"] == "Matrix wording", (who, url)
                Node.objects.filter(pk=node.pk).update(text=node_before["text"])
            else:
                assert _refused(response), (who, url, response.status_code)
                assert _snapshot(node) == node_before, (who, url, "refused yet changed")


# --- The admin's own views ---------------------------------------------------------------------


def test_matrix_admin_site_views(matrix):
    for who in USERS:
        client = client_as(matrix, who)
        index = client.get("/admin/")
        if who == "anonymous":
            assert index.status_code == 302
            assert client.get("/admin/login/").status_code == 200
            assert client.get("/admin/jsi18n/").status_code == 302
            continue
        assert index.status_code == 200
        assert_no_hidden_mobiles(index.content.decode(), who, "/admin/")
        assert client.get("/admin/jsi18n/").status_code == 200
        assert client.get("/admin/password_change/").status_code == 200
        assert client.get("/admin/password_change/done/").status_code == 200
        rota_app = client.get("/admin/rota/")
        assert rota_app.status_code == (404 if who == "referrer" else 200), who
        # Autocomplete reads the related admin's scoped rows: never another network's.
        found = client.get("/admin/autocomplete/", {
            "app_label": "rota", "model_name": "cover", "field_name": "covering", "term": "Dr",
        })
        if who in CHANGES["people"][0] | CHANGES["people"][1]:
            names = [r["text"] for r in found.json()["results"]]
            assert names, who
            assert all("Elsewhere" not in n for n in names) == (who == "coordinator"), who
            assert all("Lsc" not in n for n in names) == (who == "coordinator2"), who
        else:
            assert found.status_code == 403, who
        on_site = client.get(f"/admin/r/{1}/{matrix.lsc[Rota].pk}/")
        assert on_site.status_code == 404
    logout = client_as(matrix, "lead").post("/admin/logout/")
    assert (logout.status_code, logout["Location"]) == (302, "/")
