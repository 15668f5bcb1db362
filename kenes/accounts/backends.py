"""Django's model authentication backend with a cheaper read of the signed-in user
(AUTHENTICATION_BACKENDS in kenes.settings).

Every request of a signed-in user loads its user. Django's backend does it through the ORM
(`User.objects.get(pk=...)`), whose query compilation costs about as much CPU as the rest of the
lookup; this one runs the same query compiled once (kenes.prepared). Signing in, permissions and
the active check are Django's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError

from kenes.accounts.models import User
from kenes.prepared import Prepared

# The signed-in user by primary key, compiled once (kenes.prepared).
USER_BY_PK = Prepared(User, lambda pk: User._default_manager.filter(pk=pk), "number")


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id: Any) -> Any:
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        if pk is None:
            return None
        user = USER_BY_PK.first(pk)
        return user if user is not None and self.user_can_authenticate(user) else None
