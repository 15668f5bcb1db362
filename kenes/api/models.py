"""Per-user API tokens. Only a SHA-256 hash of each token is stored; the token itself is shown once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "kns_"  # noqa: S105 (a public marker, not a secret)
LAST_USE_PRECISION = timedelta(seconds=60)  # last_used_at is written at most once a minute


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, help_text=_("The first characters, to recognise a token."))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def generate(cls, *, user: Any, name: str = "") -> tuple[ApiToken, str]:
        """A new token for `user`: the stored row and the plain token (returned once, never stored)."""
        plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name[:100], prefix=plain[:12], token_hash=hash_token(plain))
        return token, plain

    @classmethod
    def user_for(cls, plain: str) -> Any | None:
        """The active user holding the token `plain` (not revoked), or None; records when it was
        last used, at most once a minute.

        Every API write authenticates here, so this is one plain query rather than the ORM's (whose
        compilation of the token with its user cost several times the query): the user's row as
        Django's ModelBackend loads it (see kenes.accounts.backends), under the conditions of
        `active()`, with two columns of the token: its id, and whether its last use is more than a
        minute ago (compared in the database, as a filter on last_used_at would be)."""
        if not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
            return None
        user_model = get_user_model()
        manager = user_model._default_manager
        connection = connections[manager.db]
        name = connection.ops.quote_name
        user_meta, token_meta = user_model._meta, cls._meta
        last_used = f"t.{name('last_used_at')}"
        sql = (
            f"SELECT u.*, t.{name(token_meta.pk.column)} AS api_token_id,"  # noqa: S608  (names from the models, quoted)
            f" ({last_used} IS NULL OR {last_used} < %s) AS api_token_stale"
            f" FROM {name(token_meta.db_table)} t"
            f" JOIN {name(user_meta.db_table)} u ON u.{name(user_meta.pk.column)} = t.{name('user_id')}"
            f" WHERE t.{name('token_hash')} = %s AND t.{name('revoked_at')} IS NULL AND u.{name('is_active')} = %s"
        )
        now = timezone.now()
        stale_before = connection.ops.adapt_datetimefield_value(now - LAST_USE_PRECISION)
        user = next(iter(manager.raw(sql, [stale_before, hash_token(plain), True])), None)
        if user is None:
            return None
        # The two token columns are not the user's: take them off the user object.
        token_id = user.__dict__.pop("api_token_id")
        if user.__dict__.pop("api_token_stale"):
            cls.objects.filter(pk=token_id).update(last_used_at=now)
        return user

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
