import pytest
from django.contrib.auth.models import AnonymousUser

from rota import access
from rota.access import (
    ANONYMOUS,
    EVERY_CONTACT,
    NETWORK_LEAD,
    PUBLIC_ONLY,
    REFERRER,
    ROLE_GROUPS,
    ROTA_COORDINATOR,
    STAFF_VISIBLE,
    SWITCHBOARD,
    Viewer,
)
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
        ("admin", Viewer(True, EVERY_CONTACT, frozenset(ROLE_GROUPS), is_admin=True)),
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
        ("admin", Viewer(True, EVERY_CONTACT, frozenset(ROLE_GROUPS), is_admin=True)),
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


def test_viewer_for_ignores_groups_that_are_not_roles(world):
    other_group = user_in("auditor", group="Auditor", network=world.network)
    assert access.viewer_for(other_group, world.network.id) == ANONYMOUS


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
def test_may_manage_matrix(world, name, rotas, pathways, notes):
    who = user(world, name)
    assert access.may_manage_rotas(who, world.network.id) is rotas
    assert access.may_manage_pathways(who, world.network.id) is pathways
    assert access.may_write_notes(who, world.network.id) is notes
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
def test_rota_network_ids(world, name, expected):
    wanted = {"none": frozenset(), "lsc": frozenset({world.network.id}), "all": None}
    assert access.rota_network_ids(user(world, name)) == wanted[expected]


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
def test_pathway_and_member_network_ids(world, name, led, member_of):
    ids = {"none": set(), "lsc": {world.network.id}, "elsewhere": {world.other_network.id},
           "all": {world.network.id, world.other_network.id}}
    who = user(world, name)
    assert set(access.pathway_network_ids(who)) == ids[led]
    assert set(access.member_network_ids(who)) == ids[member_of]


@pytest.mark.parametrize(
    ("name", "own", "other"),
    [
        ("anonymous", False, False),
        ("referrer_a", True, False),
        ("switchboard", True, False),
        ("lead", True, True),
        ("outsider", True, False),
        ("admin", True, True),
    ],
)
def test_may_read_decision_its_referrer_leads_and_admins(world, name, own, other):
    who = user(world, name)
    referrer_id = getattr(who, "pk", None)
    assert access.may_read_decision(who, network_id=world.network.id,
                                    referrer_id=referrer_id) is own
    assert access.may_read_decision(who, network_id=world.network.id,
                                    referrer_id=world.referrer_b.pk) is other
