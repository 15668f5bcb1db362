"""HTTP Bearer authentication with per-user API tokens (`kenes create-api-token USERNAME`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from kenes.api.models import ApiToken


class TokenAuth(HttpBearer):
    """`Authorization: Bearer kns_…`; the request's user becomes the token's owner."""

    openapi_description = "A personal API token: `kenes create-api-token USERNAME` prints one."

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = ApiToken.user_for(token.strip())
        if user is None:
            return None
        request.user = user
        return user
