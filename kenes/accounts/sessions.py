"""Django's database sessions with a cheaper read (SESSION_ENGINE = "kenes.accounts.sessions").

Every request of a signed-in user reads its session. Django's backend looks it up through the
ORM (`Session.objects.get(...)`), whose query compilation costs about three times the CPU of
running the query; under load that was a tenth of a public page's cost. This store runs the same
lookup (the key, not expired) as one plain query and leaves everything else, writing included,
to Django's own code.
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> AbstractBaseSession | None:
        if self.session_key is None:
            return None
        model = self.model._meta
        connection = connections[router.db_for_read(self.model)]
        name = connection.ops.quote_name
        sql = (
            f"SELECT {name(model.get_field('session_data').column)} FROM {name(model.db_table)}"  # noqa: S608
            f" WHERE {name(model.get_field('session_key').column)} = %s"
            f" AND {name(model.get_field('expire_date').column)} > %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's store does: a new key on the next save
            return None
        return self.model(session_key=self.session_key, session_data=row[0])
