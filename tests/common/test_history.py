"""Who a change is recorded against, and why, in the history tables."""

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser

from common.history import CHANGE_REASON_LENGTH, acting, change_reason, with_history


def test_only_a_signed_in_user_is_acting():
    user = SimpleNamespace(is_authenticated=True)
    assert acting(user) is user
    assert acting(AnonymousUser()) is None
    assert acting(None) is None


def test_reasons_are_shortened_to_fit_the_column():
    assert change_reason("Swap") == "Swap"
    long = change_reason("x" * 300)
    assert len(long) == CHANGE_REASON_LENGTH and long.endswith("…")


def test_with_history_marks_the_next_save():
    user = SimpleNamespace(is_authenticated=True)
    row = with_history(SimpleNamespace(), user=user, reason="y" * 200)
    assert row._history_user is user and len(row._change_reason) == CHANGE_REASON_LENGTH
    quiet = with_history(SimpleNamespace(), user=AnonymousUser())
    assert not hasattr(quiet, "_history_user") and not hasattr(quiet, "_change_reason")
