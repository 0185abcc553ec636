"""Who may see and change what: the one place access is decided.

Roles are Django groups; a :class:`rota.models.Membership` says which networks
a user works in. A user's role counts only in the networks they belong to:
elsewhere they see what an anonymous caller sees.
"""

from __future__ import annotations

from dataclasses import dataclass

REFERRER = "Referrer"
SWITCHBOARD = "Switchboard"
ROTA_COORDINATOR = "Rota coordinator"
NETWORK_LEAD = "Network lead"
ROLE_GROUPS = (REFERRER, SWITCHBOARD, ROTA_COORDINATOR, NETWORK_LEAD)

PUBLIC_ONLY = frozenset({"public"})
STAFF_VISIBLE = frozenset({"public", "staff"})
EVERY_CONTACT = frozenset({"public", "staff", "switchboard"})


@dataclass(frozen=True)
class Viewer:
    """What one user may see of one network's on-call answers."""

    sees_names: bool
    visibilities: frozenset[str]
    roles: frozenset[str] = frozenset()
    is_admin: bool = False

    @property
    def is_anonymous(self) -> bool:
        return not self.sees_names


ANONYMOUS = Viewer(sees_names=False, visibilities=PUBLIC_ONLY)


def _roles(user) -> frozenset[str]:
    cached = getattr(user, "_role_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_groups = cached
    return cached


def _network_ids(user) -> frozenset[int]:
    cached = getattr(user, "_network_ids", None)
    if cached is None:
        cached = frozenset(user.memberships.values_list("network_id", flat=True))
        user._network_ids = cached
    return cached


def viewer_for(user, network_id: int) -> Viewer:
    """What ``user`` may see in network ``network_id``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    if user.is_superuser:
        return Viewer(True, EVERY_CONTACT, frozenset(ROLE_GROUPS), is_admin=True)
    if network_id not in _network_ids(user):
        return ANONYMOUS
    roles = _roles(user) & frozenset(ROLE_GROUPS)
    if roles & {SWITCHBOARD, ROTA_COORDINATOR, NETWORK_LEAD}:
        return Viewer(True, EVERY_CONTACT, roles)
    if REFERRER in roles:
        return Viewer(True, STAFF_VISIBLE, roles)
    return ANONYMOUS


def visible_contacts(viewer: Viewer, contacts):
    """The contact methods ``viewer`` may see, in their stored order."""
    return tuple(c for c in contacts if c.visibility in viewer.visibilities)


def may_manage_rotas(user, network_id: int) -> bool:
    viewer = viewer_for(user, network_id)
    return viewer.is_admin or ROTA_COORDINATOR in viewer.roles


def rota_network_ids(user) -> frozenset[int] | None:
    """The networks whose rotas ``user`` may manage; None means every network (admin)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return None
    return frozenset(n for n in _network_ids(user) if may_manage_rotas(user, n))


def may_manage_pathways(user, network_id: int) -> bool:
    viewer = viewer_for(user, network_id)
    return viewer.is_admin or NETWORK_LEAD in viewer.roles


def pathway_network_ids(user) -> list[int]:
    """The networks whose pathways and decision log ``user`` may manage: every one for an admin."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        from rota.models import Network  # models import nothing from here; keep it that way

        return list(Network.objects.values_list("id", flat=True))
    return sorted(n for n in _network_ids(user) if may_manage_pathways(user, n))


def member_network_ids(user) -> frozenset[int]:
    """The networks a signed-in user works in (empty for anyone else)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    return _network_ids(user)


def may_read_decision(user, *, network_id: int, referrer_id: int | None) -> bool:
    """A logged decision: its referrer, the network's leads and admins; nobody else."""
    if may_manage_pathways(user, network_id):
        return True
    own_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    return own_id is not None and own_id == referrer_id


def may_write_notes(user, network_id: int) -> bool:
    viewer = viewer_for(user, network_id)
    return viewer.is_admin or bool(viewer.roles & {SWITCHBOARD, ROTA_COORDINATOR, NETWORK_LEAD})


def may_see_board(user, network_id: int) -> bool:
    return may_write_notes(user, network_id)
