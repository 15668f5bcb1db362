"""Django's model authentication backend with a cheaper read of the signed-in user
(AUTHENTICATION_BACKENDS in kenes.settings).

Every request of a signed-in user loads its user. Django's backend does it through the ORM
(`User.objects.get(pk=...)`), whose query compilation costs about as much CPU as the rest of the
lookup; this one runs the same query as plain SQL. Signing in, permissions and the active check
are Django's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError
from django.db import connections


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        if pk is None:
            return None
        manager = model._default_manager
        name = connections[manager.db].ops.quote_name
        sql = f"SELECT * FROM {name(model._meta.db_table)} WHERE {name(model._meta.pk.column)} = %s"  # noqa: S608
        users = manager.raw(sql, [pk])
        user = next(iter(users), None)
        return user if user is not None and self.user_can_authenticate(user) else None
