"""API tokens: only a hash is stored; `kenes create-api-token`."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kenes.api.models import TOKEN_PREFIX, ApiToken, hash_token

pytestmark = pytest.mark.django_db


def test_only_the_hash_is_stored(users: Any) -> None:
    token, plain = ApiToken.generate(user=users["citizen"], name="laptop")
    assert plain.startswith(TOKEN_PREFIX) and len(plain) > 40
    assert token.token_hash == hash_token(plain) and plain not in token.token_hash
    with connection.cursor() as cursor:
        cursor.execute("SELECT prefix, token_hash, name FROM api_apitoken")
        rows = cursor.fetchall()
    assert all(plain not in str(value) for row in rows for value in row)
    assert ApiToken.user_for(plain) == users["citizen"]
    assert ApiToken.user_for(plain + "x") is None
    assert ApiToken.user_for("") is None
    assert ApiToken.user_for(TOKEN_PREFIX + "x" * 5000) is None


def test_last_use_is_recorded_and_revocation_works(users: Any) -> None:
    token, plain = ApiToken.generate(user=users["analyst"])
    assert token.last_used_at is None
    ApiToken.user_for(plain)
    token.refresh_from_db()
    assert token.last_used_at is not None
    token.revoke()
    assert ApiToken.user_for(plain) is None


def test_create_api_token_command(users: Any) -> None:
    out, err = StringIO(), StringIO()
    call_command("create-api-token", "citizen1", "--name", "script", stdout=out, stderr=err)
    plain = out.getvalue().strip()
    assert ApiToken.user_for(plain) == users["citizen"]
    assert ApiToken.objects.get().name == "script"
    assert "shown only now" in err.getvalue()


def test_create_api_token_refuses_unknown_and_inactive_users(users: Any) -> None:
    with pytest.raises(CommandError, match="No user"):
        call_command("create-api-token", "nobody", stdout=StringIO(), stderr=StringIO())
    users["citizen2"].is_active = False
    users["citizen2"].save()
    with pytest.raises(CommandError, match="not active"):
        call_command("create-api-token", "citizen2", stdout=StringIO(), stderr=StringIO())
    assert ApiToken.objects.count() == 0
