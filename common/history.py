"""Who made a change and why, as django-simple-history records it.

Every write that keeps history names its user (only a signed-in one: an
anonymous referrer or a system is recorded as nobody) and, where there is one,
a reason short enough for the history table's column.
"""

from __future__ import annotations

# simple_history's history_change_reason column.
CHANGE_REASON_LENGTH = 100


def acting(user):
    """The user a change is recorded against: ``user`` when signed in, else None."""
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def change_reason(text: str) -> str:
    """``text`` as a history change reason: shortened, with an ellipsis, to fit."""
    if len(text) <= CHANGE_REASON_LENGTH:
        return text
    return text[: CHANGE_REASON_LENGTH - 1] + "…"


def with_history(instance, *, user=None, reason: str = ""):
    """``instance``, its next save or delete recorded against ``user`` with ``reason``."""
    if acting(user) is not None:
        instance._history_user = user
    if reason:
        instance._change_reason = change_reason(reason)
    return instance
