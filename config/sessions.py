"""Database sessions that ignore a malformed session cookie instead of failing on it.

Django accepts any cookie value of eight characters or more as a session key
and looks it up; PostgreSQL refuses text holding a NUL byte, so a tampered
cookie would turn into a 500. The keys Django issues are lowercase letters and
digits, so anything else is simply no session.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        return bool(key) and key.isascii() and key.isalnum() and super()._validate_session_key(key)
