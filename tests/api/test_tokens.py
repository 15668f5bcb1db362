"""API tokens: only a hash is stored; the lookup (one query) refuses revoked tokens and inactive users
and records the last use at most once a minute; `kenes create-api-token`."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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


def test_token_lookup_is_one_query_and_loads_the_user_as_the_backend_does(users: Any) -> None:
    from kenes.accounts.backends import ModelBackend

    citizen = users["citizen"]
    _token, plain = ApiToken.generate(user=citizen)
    ApiToken.user_for(plain)  # the first use records last_used_at
    with CaptureQueriesContext(connection) as queries:
        user = ApiToken.user_for(plain)
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"]
    assert '"accounts_user"."password"' in sql and '"api_apitoken"."name"' not in sql  # the token's used columns only
    by_backend = ModelBackend().get_user(citizen.pk)
    assert type(user) is type(by_backend)
    fields = [field.attname for field in type(user)._meta.concrete_fields]
    assert [getattr(user, name) for name in fields] == [getattr(by_backend, name) for name in fields]


def test_last_use_is_written_at_most_once_a_minute(users: Any) -> None:
    token, plain = ApiToken.generate(user=users["citizen"])

    def writes() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert ApiToken.user_for(plain) == users["citizen"]
        return sum(q["sql"].startswith("UPDATE") for q in queries.captured_queries)

    assert writes() == 1  # never used: recorded
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    assert writes() == 0  # used a moment ago
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(seconds=50))
    assert writes() == 0
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(seconds=61))
    assert writes() == 1
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > first_use


def test_revoked_tokens_and_inactive_users_find_no_one(users: Any) -> None:
    token, plain = ApiToken.generate(user=users["citizen"])
    _other, plain2 = ApiToken.generate(user=users["citizen2"])
    token.revoke()
    users["citizen2"].is_active = False
    users["citizen2"].save()
    assert ApiToken.user_for(plain) is None and ApiToken.user_for(plain2) is None
    assert not ApiToken.objects.filter(last_used_at__isnull=False).exists()
