"""Per-user API tokens. Only a SHA-256 hash of each token is stored; the token itself is shown once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kenes.prepared import Prepared

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
        last used, at most once a minute."""
        if not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
            return None
        token = ACTIVE_TOKEN.first(hash_token(plain))
        if token is None:
            return None
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USE_PRECISION:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


# A token by its hash (of its own columns only those user_for reads), with its user loaded from the
# same row (all the user's columns, as Django's ModelBackend loads a user): every API write
# authenticates, so the query is compiled once per process (kenes.prepared: compiling the token
# with its user cost several times running it).
ACTIVE_TOKEN = Prepared(
    ApiToken,
    lambda token_hash: ApiToken.objects.active().select_related("user").only("last_used_at", "user")
    .filter(token_hash=token_hash).order_by(),
    "text",
)
