"""Who may see and change what: the one place access is decided.

A role is held in a network (:class:`rota.models.Membership`: user x network x
role); every question is asked about the network of the object at hand. An
administrator is a superuser; Django's ``is_staff`` flag only opens the admin.
"Staff of a network" means anyone holding any role in it.

There is one rule per kind of object (:data:`RULES`), and every path asks it:
pages, API (session users and token principals), calendar feeds, PDFs and every
admin path. The table is rendered in the README and checked against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rota.models import Role
from rota.visibility import (  # noqa: F401  (asked of rota.access by pages and the API)
    ANONYMOUS,
    EVERY_CONTACT,
    PUBLIC_ONLY,
    STAFF_VISIBLE,
    Viewer,
    shown_contacts,
    visible_contacts,
    visible_name,
)

REFERRER = Role.REFERRER.value
SWITCHBOARD = Role.SWITCHBOARD.value
ROTA_COORDINATOR = Role.COORDINATOR.value
NETWORK_LEAD = Role.LEAD.value
ROLES = tuple(Role.values)



class Kind(StrEnum):
    """Kinds of object, each with one read rule and one change rule."""

    REFERENCE = "networks, trusts, sites"
    PEOPLE = "clinicians, contacts"
    ROTA = "rotas, patterns, shifts, covers, diverts, closure dates"
    LEAVE = "leave"
    NOTE = "notes"
    PATHWAY = "pathways and published versions"
    DRAFT = "drafts"
    DECISION = "decisions"
    MEMBERSHIP = "memberships"
    SECRET = "API tokens, feeds"


ANYONE = "anyone"
STAFF = frozenset(ROLES)
NOBODY = frozenset()


@dataclass(frozen=True)
class Rule:
    """Who may read and change one kind of object in a network; admins always may
    (except where ``admin_changes`` is False)."""

    read: str | frozenset[str]  # ANYONE, or the roles in the object's network
    change: frozenset[str]
    read_note: str
    change_note: str
    admin_changes: bool = True


RULES: dict[Kind, Rule] = {
    Kind.REFERENCE: Rule(ANYONE, NOBODY, "anyone (reference data)", "admin"),
    Kind.PEOPLE: Rule(
        ANYONE, frozenset({ROTA_COORDINATOR}),
        "per contact visibility and the viewer's role in that clinician's network",
        "coordinators of that network, admin",
    ),
    Kind.ROTA: Rule(
        ANYONE, frozenset({ROTA_COORDINATOR}),
        "anyone (answers are redacted per viewer)",
        "coordinators of that network, admin; a cover's clinician must belong to the "
        "rota's network",
    ),
    Kind.LEAVE: Rule(
        STAFF, frozenset({ROTA_COORDINATOR}),
        "staff of that network (its reason: coordinators and admins only)",
        "coordinators of that network, admin; only for that network's clinicians",
    ),
    Kind.NOTE: Rule(
        STAFF, frozenset({SWITCHBOARD, ROTA_COORDINATOR, NETWORK_LEAD}),
        "staff of that network", "switchboard, coordinators and leads of that network, admin",
    ),
    Kind.PATHWAY: Rule(
        ANYONE, frozenset({NETWORK_LEAD}), "anyone",
        "leads of that network (drafts only), admin",
    ),
    Kind.DRAFT: Rule(
        frozenset({NETWORK_LEAD}), frozenset({NETWORK_LEAD}),
        "leads of that network, admins", "leads of that network, admins",
    ),
    Kind.DECISION: Rule(
        STAFF, NOBODY,
        "the session that made it; staff of that network; admins; everyone else 404",
        "nobody", admin_changes=False,
    ),
    Kind.MEMBERSHIP: Rule(
        frozenset({NETWORK_LEAD}), frozenset({NETWORK_LEAD}),
        "leads of that network, admin", "leads of that network (any role but lead), admin",
    ),
    Kind.SECRET: Rule(NOBODY, NOBODY, "admin", "admin"),
}


# --- Who the user is, per network ---------------------------------------------


def _signed_in(user) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def is_admin(user) -> bool:
    return _signed_in(user) and bool(getattr(user, "is_superuser", False))


def roles_by_network(user) -> dict[int, frozenset[str]]:
    """Each network the user holds a role in, with those roles (cached on the user)."""
    if not _signed_in(user):
        return {}
    cached = getattr(user, "_roles_by_network", None)
    if cached is None:
        collected: dict[int, set[str]] = {}
        for network_id, role in user.memberships.values_list("network_id", "role"):
            collected.setdefault(network_id, set()).add(role)
        cached = {network_id: frozenset(roles) for network_id, roles in collected.items()}
        user._roles_by_network = cached
    return cached


def roles_in(user, network_id: int | None) -> frozenset[str]:
    return roles_by_network(user).get(network_id, frozenset())


def is_staff_of(user, network_id: int) -> bool:
    return bool(roles_in(user, network_id))


def member_network_ids(user) -> frozenset[int]:
    """The networks a signed-in user holds any role in (empty for anyone else)."""
    return frozenset(roles_by_network(user))


# --- The rules ----------------------------------------------------------------------


def may_read(user, kind: Kind, network_id: int | None) -> bool:
    rule = RULES[kind]
    if rule.read == ANYONE or is_admin(user):
        return True
    return bool(roles_in(user, network_id) & rule.read)


def may_change(user, kind: Kind, network_id: int | None) -> bool:
    rule = RULES[kind]
    if is_admin(user):
        return rule.admin_changes
    return bool(roles_in(user, network_id) & rule.change)


def network_ids_where(user, kind: Kind, *, change: bool) -> frozenset[int] | None:
    """The networks in which ``user`` may read (or change) ``kind``; None means every one."""
    rule = RULES[kind]
    if is_admin(user):
        return None if (rule.admin_changes or not change) else frozenset()
    if not change and rule.read == ANYONE:
        return None
    allowed = rule.change if change else rule.read
    return frozenset(n for n, roles in roles_by_network(user).items() if roles & allowed)


def may_grant_role(user, network_id: int, role: str) -> bool:
    """Leads grant any role but lead in their network; admins grant any role."""
    if is_admin(user):
        return True
    return may_change(user, Kind.MEMBERSHIP, network_id) and role != NETWORK_LEAD


def may_read_leave_reason(user, network_id: int) -> bool:
    return is_admin(user) or ROTA_COORDINATOR in roles_in(user, network_id)


def may_read_decision(user, *, network_id: int, made_in_this_session: bool) -> bool:
    """A logged decision: the session that made it, staff of its network, admins."""
    return made_in_this_session or may_read(user, Kind.DECISION, network_id)


# --- What a viewer sees of on-call answers ---------------------------------------------------


def viewer_for(user, network_id: int | None) -> Viewer:
    """What ``user`` may see in network ``network_id``: contacts by the role held there;
    ``None``: in any network where the user holds no role."""
    if is_admin(user):
        return Viewer(True, EVERY_CONTACT, frozenset(ROLES), is_admin=True)
    roles = roles_in(user, network_id)
    if roles & {SWITCHBOARD, ROTA_COORDINATOR, NETWORK_LEAD}:
        return Viewer(True, EVERY_CONTACT, roles)
    if REFERRER in roles:
        return Viewer(True, STAFF_VISIBLE, roles)
    return ANONYMOUS


def may_see_board(user, network_id: int) -> bool:
    return may_change(user, Kind.NOTE, network_id)


def rules_table() -> str:
    """The rules as the Markdown table the README carries."""
    lines = ["| object | read | change |", "| --- | --- | --- |"]
    lines += [f"| {kind.value} | {rule.read_note} | {rule.change_note} |"
              for kind, rule in RULES.items()]
    return "\n".join(lines)
