"""``jaring token create|list|revoke``: API tokens for the REST API."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jaring.accounts.models import ApiToken
from jaring.core.lib.cli import named_user


class Command(BaseCommand):
    help = "Create, list or revoke API tokens (Authorization: Bearer <key>)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a token and print its key once.")
        create.add_argument("--user", required=True, help="Username the token acts as.")
        create.add_argument("--name", required=True, help="What the token is for.")
        listing = sub.add_parser("list", help="List tokens (never their keys).")
        listing.add_argument("--user", help="Only this user's tokens.")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix (as `list` shows it).")
        revoke.add_argument("prefix", help="The 8-character prefix of the key (after jrg_).")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            user = named_user(options["user"])
            token, key = ApiToken.issue(user, options["name"])
            self.stdout.write(key)
            self.stderr.write(f"Token {token.prefix}… for {user.get_username()}: shown once, store it now.")
        elif action == "list":
            qs = ApiToken.objects.select_related("user").order_by("created_at")
            if options.get("user"):
                qs = qs.filter(user__username=options["user"])
            for t in qs:
                state = "revoked" if t.revoked else "active"
                used = t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "never"
                self.stdout.write(f"{t.prefix}\t{t.user.get_username()}\t{t.name}\t{state}\tlast used {used}")
        elif action == "revoke":
            n = ApiToken.objects.filter(prefix=options["prefix"], revoked=False).update(revoked=True)
            if n == 0:
                raise CommandError(f"No active token with prefix {options['prefix']!r}")
            self.stdout.write(f"Revoked {n} token(s).")
