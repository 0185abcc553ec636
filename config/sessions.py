"""Database sessions: a malformed cookie is no session, and a save is one statement.

Django accepts any cookie value of eight characters or more as a session key
and looks it up; PostgreSQL refuses text holding a NUL byte, so a tampered
cookie would turn into a 500. The keys Django issues are lowercase letters and
digits, so anything else is simply no session.

Every logged referral from a caller without a session makes one (it is how the
caller reads its decision back). Django's database store spends four round
trips on that: a SELECT to check the new key is free, then BEGIN, INSERT and
COMMIT. Here the INSERT runs alone: a key already taken is refused by the
primary key and :meth:`create` draws another, exactly as after the SELECT.
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import DatabaseError, IntegrityError, router
from django.utils.crypto import get_random_string

from common.db import alone_or_in_a_savepoint


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        return bool(key) and key.isascii() and key.isalnum() and super()._validate_session_key(key)

    def _get_new_session_key(self):
        # 32 characters of 36 (about 2^165): save(must_create=True) refuses a key in
        # use and create() draws again, so the SELECT Django asks first is not needed.
        return get_random_string(32, VALID_KEY_CHARS)

    def save(self, must_create=False):
        """As Django's, with the one INSERT or UPDATE alone in autocommit (in a
        savepoint inside a transaction) instead of in a transaction of its own."""
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)
        obj = self.create_model_instance(data)
        using = router.db_for_write(self.model, instance=obj)
        try:
            with alone_or_in_a_savepoint(using):
                obj.save(force_insert=must_create, force_update=not must_create, using=using)
        except IntegrityError as error:
            if must_create:
                raise CreateError from error
            raise
        except DatabaseError as error:
            if not must_create:
                raise UpdateError from error
            raise
