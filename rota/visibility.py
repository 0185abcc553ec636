"""What a viewer sees of a clinician: the one rule for names and contact methods.

Pure (no models), so that describing and redacting an on-call answer stays
pure; :func:`rota.access.viewer_for` decides which :class:`Viewer` a user is
in a network, by the roles they hold there.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def visible_contacts(viewer: Viewer, contacts) -> tuple:
    """The contact methods whose visibility ``viewer``'s role allows, in their stored order.

    ``contacts`` are rows or infos (``.visibility``) or described dictionaries.
    """
    return tuple(
        c for c in contacts
        if (c["visibility"] if isinstance(c, dict) else c.visibility) in viewer.visibilities
    )


def shown_contacts(viewer: Viewer, contacts) -> tuple:
    """The contacts of a person ``viewer`` is shown: none unless they see names, then the visible.

    The one rule for a clinician's contacts wherever they are shown: on-call
    answers, the API's clinicians, the clinician page.
    """
    return visible_contacts(viewer, contacts) if viewer.sees_names else ()


def visible_name(viewer: Viewer, name: str | None) -> str | None:
    """A person's name as ``viewer`` may see it: withheld (None) unless they see names."""
    return name if viewer.sees_names else None
