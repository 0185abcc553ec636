"""Sessions: a new one is one INSERT; a key in use is drawn again; updates are checked."""

from unittest import mock

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from config.sessions import SessionStore

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_a_new_session_is_one_insert_with_no_check_first():
    """Outside a transaction, as a request's session is saved: the INSERT alone."""
    store = SessionStore()
    store["decisions_made"] = ["IR-7KQ4-M2"]
    with CaptureQueriesContext(connection) as queries:
        store.save()
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT"]
    assert SessionStore(store.session_key)["decisions_made"] == ["IR-7KQ4-M2"]


def test_a_key_already_taken_is_drawn_again():
    taken = SessionStore()
    taken["who"] = "first"
    taken.save()
    keys = iter([taken.session_key, "k" * 32])
    store = SessionStore()
    store["who"] = "second"
    with mock.patch("config.sessions.get_random_string", side_effect=lambda *a: next(keys)):
        store.save()
    assert store.session_key == "k" * 32
    assert SessionStore(taken.session_key)["who"] == "first"
    assert SessionStore("k" * 32)["who"] == "second"


def test_a_key_taken_inside_a_transaction_leaves_it_usable():
    taken = SessionStore()
    taken.save()
    keys = iter([taken.session_key, "m" * 32])
    with transaction.atomic():
        store = SessionStore()
        store["who"] = "inside"
        with mock.patch("config.sessions.get_random_string", side_effect=lambda *a: next(keys)):
            store.save()
        assert Session.objects.filter(session_key="m" * 32).exists()


def test_saving_a_session_deleted_meanwhile_is_an_update_error():
    store = SessionStore()
    store["who"] = "gone"
    store.save()
    Session.objects.filter(session_key=store.session_key).delete()
    store["who"] = "still here?"
    with pytest.raises(UpdateError):
        store.save()
    assert not Session.objects.filter(session_key=store.session_key).exists()
