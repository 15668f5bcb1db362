"""`kenes create-api-token USERNAME [--name NAME]`: print a new personal API token (shown once)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.api.models import ApiToken


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it (only its hash is stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="A label to recognise the token later.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        if not user.is_active:
            raise CommandError(f"User {user.username!r} is not active.")
        _token, plain = ApiToken.generate(user=user, name=options["name"])
        self.stdout.write(plain)
        self.stderr.write(
            f"API token for {user.username} created. It is shown only now; use it as 'Authorization: Bearer <token>'."
        )
