"""``jaring otp enrol|remove USER``: an optional TOTP second factor for data stewards and admins."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jaring.core.lib.cli import named_user


class Command(BaseCommand):
    help = "Enrol (or remove) a TOTP authenticator for a data steward or superuser (django-otp)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        enrol = sub.add_parser("enrol", help="Create a TOTP device; print its otpauth:// URI once.")
        enrol.add_argument("user", help="Username (a data steward or a superuser).")
        enrol.add_argument("--json", action="store_true", help="Print JSON.")
        remove = sub.add_parser("remove", help="Remove the user's TOTP devices (a lost phone).")
        remove.add_argument("user", help="Username.")

    def handle(self, *args: Any, **options: Any) -> None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from jaring.core.admin_site import is_steward

        user = named_user(options["user"])
        if options["action"] == "remove":
            count, _ = TOTPDevice.objects.filter(user=user).delete()
            self.stdout.write(f"{count} device(s) removed / {count} perangkat dihapus")
            return
        if not is_steward(user):
            raise CommandError(
                "TOTP hanya untuk walidata dan admin / TOTP is for data stewards and admins only"
            )
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        if options.get("json"):
            self.stdout.write(json.dumps({"user": user.get_username(), "otpauth_uri": device.config_url}))
        else:
            self.stdout.write(device.config_url)
            self.stderr.write(
                "Scan this URI into an authenticator app; shown once. / "
                "Pindai URI ini ke aplikasi autentikator; hanya ditampilkan sekali."
            )
