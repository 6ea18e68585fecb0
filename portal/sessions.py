"""Django's database sessions without the look-up before each new session.

Django draws a new session key and first asks the database whether it is taken, then inserts it. The insert
alone answers that question: the key is the table's primary key, a taken key fails the insert
(`save(must_create=True)` raises CreateError) and `create()` draws another. A visitor's first form page (the
complaint form, a tracking look-up) then costs one query fewer. Everything else is Django's.
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    def _get_new_session_key(self) -> str:
        # 32 characters of 36: a collision is practically impossible, and the primary key still refuses one.
        return get_random_string(32, VALID_KEY_CHARS)
