from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from rota import access
from rota.access import (
    ANONYMOUS,
    EVERY_CONTACT,
    NETWORK_LEAD,
    PUBLIC_ONLY,
    REFERRER,
    ROLES,
    ROTA_COORDINATOR,
    STAFF_VISIBLE,
    SWITCHBOARD,
    Kind,
    Viewer,
)
from rota.models import Membership
from rota.oncall import ContactInfo
from tests.factories import user_in


def user(world, name):
    return AnonymousUser() if name == "anonymous" else getattr(world, name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("anonymous", ANONYMOUS),
        ("referrer_a", Viewer(True, STAFF_VISIBLE, frozenset({REFERRER}))),
        ("referrer_b", Viewer(True, STAFF_VISIBLE, frozenset({REFERRER}))),
        ("switchboard", Viewer(True, EVERY_CONTACT, frozenset({SWITCHBOARD}))),
        ("coordinator", Viewer(True, EVERY_CONTACT, frozenset({ROTA_COORDINATOR}))),
        ("lead", Viewer(True, EVERY_CONTACT, frozenset({NETWORK_LEAD}))),
        ("outsider", ANONYMOUS),
        ("admin", Viewer(True, EVERY_CONTACT, frozenset(ROLES), is_admin=True)),
    ],
)
def test_viewer_for_each_role_in_own_network(world, name, expected):
    assert access.viewer_for(user(world, name), world.network.id) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("anonymous", ANONYMOUS),
        ("referrer_a", ANONYMOUS),
        ("switchboard", ANONYMOUS),
        ("coordinator", ANONYMOUS),
        ("outsider", Viewer(True, EVERY_CONTACT, frozenset({SWITCHBOARD}))),
        ("admin", Viewer(True, EVERY_CONTACT, frozenset(ROLES), is_admin=True)),
    ],
)
def test_viewer_for_in_the_other_network(world, name, expected):
    assert access.viewer_for(user(world, name), world.other_network.id) == expected


def test_viewer_for_none_inactive_or_roleless_member_is_anonymous(world):
    world.switchboard.is_active = False
    roleless = user_in("no-role", group=None, network=world.network)
    assert access.viewer_for(None, world.network.id) == ANONYMOUS
    assert access.viewer_for(world.switchboard, world.network.id) == ANONYMOUS
    assert access.viewer_for(roleless, world.network.id) == ANONYMOUS
    assert ANONYMOUS.is_anonymous is True
    assert ANONYMOUS.visibilities == PUBLIC_ONLY


CONTACTS = (
    ContactInfo("phone", "01772 716565", "public", None),
    ContactInfo("mobile", "07700 900123", "switchboard", None),
    ContactInfo("bleep", "2345", "staff", None),
    ContactInfo("email", "a.example@nhs.net", "staff", None),
)


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("anonymous", ["01772 716565"]),
        ("outsider", ["01772 716565"]),
        ("referrer_a", ["01772 716565", "2345", "a.example@nhs.net"]),
        ("switchboard", ["01772 716565", "07700 900123", "2345", "a.example@nhs.net"]),
        ("coordinator", ["01772 716565", "07700 900123", "2345", "a.example@nhs.net"]),
        ("lead", ["01772 716565", "07700 900123", "2345", "a.example@nhs.net"]),
        ("admin", ["01772 716565", "07700 900123", "2345", "a.example@nhs.net"]),
    ],
)
def test_visible_contacts_by_viewer_in_stored_order(world, name, values):
    viewer = access.viewer_for(user(world, name), world.network.id)
    assert [c.value for c in access.visible_contacts(viewer, CONTACTS)] == values


@pytest.mark.parametrize(
    ("name", "rotas", "pathways", "notes"),
    [
        ("anonymous", False, False, False),
        ("referrer_a", False, False, False),
        ("switchboard", False, False, True),
        ("coordinator", True, False, True),
        ("lead", False, True, True),
        ("outsider", False, False, False),
        ("admin", True, True, True),
    ],
)
def test_may_change_matrix(world, name, rotas, pathways, notes):
    who = user(world, name)
    assert access.may_change(who, Kind.ROTA, world.network.id) is rotas
    assert access.may_change(who, Kind.DRAFT, world.network.id) is pathways
    assert access.may_change(who, Kind.NOTE, world.network.id) is notes
    assert access.may_see_board(who, world.network.id) is notes


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("anonymous", "none"),
        ("switchboard", "none"),
        ("coordinator", "lsc"),
        ("outsider", "none"),
        ("admin", "all"),
    ],
)
def test_network_ids_where_rotas_change(world, name, expected):
    wanted = {"none": frozenset(), "lsc": frozenset({world.network.id}), "all": None}
    assert access.network_ids_where(user(world, name), Kind.ROTA, change=True) == wanted[expected]


@pytest.mark.parametrize(
    ("name", "led", "member_of"),
    [
        ("anonymous", "none", "none"),
        ("referrer_a", "none", "lsc"),
        ("coordinator", "none", "lsc"),
        ("lead", "lsc", "lsc"),
        ("outsider", "none", "elsewhere"),
        ("admin", "all", "none"),  # an admin reaches every network without a membership
    ],
)
def test_draft_and_member_network_ids(world, name, led, member_of):
    ids = {"none": set(), "lsc": {world.network.id}, "elsewhere": {world.other_network.id},
           "all": None}
    who = user(world, name)
    found = access.network_ids_where(who, Kind.DRAFT, change=True)
    assert (None if found is None else set(found)) == ids[led]
    assert set(access.member_network_ids(who)) == (ids[member_of] or set())


@pytest.mark.parametrize(
    ("name", "made", "expected"),
    [
        ("anonymous", False, False),
        ("anonymous", True, True),  # the session that made it
        ("referrer_a", False, True),  # staff of the network are quoted the reference
        ("switchboard", False, True),
        ("lead", False, True),
        ("outsider", False, False),
        ("outsider", True, True),
        ("admin", False, True),
    ],
)
def test_may_read_decision_session_staff_and_admins(world, name, made, expected):
    who = user(world, name)
    assert access.may_read_decision(
        who, network_id=world.network.id, made_in_this_session=made
    ) is expected


def test_roles_belong_to_the_membership_not_the_user(world):
    """A lead in one network who refers in another is a referrer there, nothing more."""
    both = user_in("both", group=NETWORK_LEAD, network=world.network)
    Membership.objects.create(user=both, network=world.other_network, role=REFERRER)
    assert access.may_change(both, Kind.DRAFT, world.network.id) is True
    assert access.may_change(both, Kind.DRAFT, world.other_network.id) is False
    assert access.viewer_for(both, world.other_network.id).visibilities == STAFF_VISIBLE
    assert access.may_read(both, Kind.MEMBERSHIP, world.other_network.id) is False


@pytest.mark.parametrize(
    ("name", "role", "expected"),
    [
        ("lead", REFERRER, True),
        ("lead", ROTA_COORDINATOR, True),
        ("lead", NETWORK_LEAD, False),
        ("coordinator", REFERRER, False),
        ("admin", NETWORK_LEAD, True),
    ],
)
def test_may_grant_role_leads_any_role_but_lead(world, name, role, expected):
    assert access.may_grant_role(user(world, name), world.network.id, role) is expected


def test_may_read_leave_reason_coordinators_and_admins(world):
    assert access.may_read_leave_reason(world.coordinator, world.network.id) is True
    assert access.may_read_leave_reason(world.admin, world.network.id) is True
    assert access.may_read_leave_reason(world.lead, world.network.id) is False
    assert access.may_read_leave_reason(world.switchboard, world.network.id) is False


def test_readme_roles_table_is_the_rules():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert access.rules_table() in readme
