"""``jaring token create|list|revoke``: API tokens, each bound to one agreement and one purpose."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jaring.accounts.models import ApiToken
from jaring.agreements import services
from jaring.agreements.models import Agreement, Purpose, TokenBinding
from jaring.core.lib.cli import named_user


class Command(BaseCommand):
    help = "Create, list or revoke API tokens (Authorization: Bearer <key>)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a token and print its key once.")
        create.add_argument("--user", required=True, help="Username the token acts as.")
        create.add_argument("--name", required=True, help="What the token is for.")
        create.add_argument("--agreement", help="Agreement id or number the token reads under.")
        create.add_argument("--purpose", choices=Purpose.values, help="The one purpose of its calls.")
        listing = sub.add_parser("list", help="List tokens (never their keys).")
        listing.add_argument("--user", help="Only this user's tokens.")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix (as `list` shows it).")
        revoke.add_argument("prefix", help="The 8-character prefix of the key (after jrg_).")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"])(options)

    def _create(self, options: dict[str, Any]) -> None:
        user = named_user(options["user"])
        agreement = None
        if options.get("agreement") or options.get("purpose"):
            if not (options.get("agreement") and options.get("purpose")):
                raise CommandError(
                    "berikan --agreement dan --purpose bersama / give --agreement and --purpose together"
                )
            agreement = find_agreement(options["agreement"])
            decision = services.decide_for(
                user,
                area_code=_widest(agreement),
                purpose=options["purpose"],
                field_groups=(),
                agreement=agreement,
            )
            if not decision.allowed and not decision.as_provider:
                reasons = "; ".join(f"{r.message_id} / {r.message_en}" for r in decision.reasons)
                raise CommandError(reasons)
        token, key = ApiToken.issue(user, options["name"])
        if agreement is not None:
            TokenBinding.objects.create(token=token, agreement=agreement, purpose=options["purpose"])
        self.stdout.write(key)
        bound = f" under {agreement.number} for {options['purpose']}" if agreement else ""
        self.stderr.write(
            f"Token {token.prefix}… for {user.get_username()}{bound}: shown once, store it now."
        )

    def _list(self, options: dict[str, Any]) -> None:
        qs = ApiToken.objects.select_related("user", "binding__agreement").order_by("created_at")
        if options.get("user"):
            qs = qs.filter(user__username=options["user"])
        for t in qs:
            state = "revoked" if t.revoked else "active"
            used = t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "never"
            binding = getattr(t, "binding", None)
            bound = f"\t{binding.agreement.number}:{binding.purpose}" if binding else "\tunbound"
            self.stdout.write(
                f"{t.prefix}\t{t.user.get_username()}\t{t.name}\t{state}\tlast used {used}{bound}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        n = ApiToken.objects.filter(prefix=options["prefix"], revoked=False).update(revoked=True)
        if n == 0:
            raise CommandError(f"No active token with prefix {options['prefix']!r}")
        self.stdout.write(f"Revoked {n} token(s).")


def find_agreement(ref: str) -> Agreement:
    """The agreement an option names by id or number; CommandError when there is none."""
    found = Agreement.objects.filter(number=ref).first()
    if found is None and ref.isdigit():
        found = Agreement.objects.filter(pk=int(ref)).first()
    if found is None:
        raise CommandError(f"perjanjian '{ref}' tidak ada / no agreement '{ref}'")
    return found


def _widest(agreement: Agreement) -> str:
    return min(agreement.areas, key=len) if agreement.areas else ""
