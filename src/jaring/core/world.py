"""The reference world of the Gresik scenario: areas, organisations and one user per role.

One script serves the tests (named actors) and the demo (printed logins), Datasette-style.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from jaring.accounts.models import Organisation, OrganisationKind, Profile, Role
from jaring.geo.models import Area
from jaring.geo.services import load_areas

GRESIK = "35.25"
MANYAR = "35.25.10"
LERAN = "35.25.10.2010"
# Another village in Manyar (Desa Gumeno), for "another village's operator".
GUMENO = "35.25.10.2004"
LERAN_BPS_CODE = "3525110009"

DEMO_PASSWORD = "jaring-demo-2025"  # noqa: S105 - printed on purpose: synthetic demo logins only

ORGANISATIONS: list[tuple[str, str, str, str | None, str | None]] = [
    # slug, name, kind, area code, parent slug
    ("pemkab-gresik", "Pemerintah Kabupaten Gresik", OrganisationKind.REGENCY_GOVERNMENT, GRESIK, None),
    (
        "disnaker-gresik",
        "Dinas Tenaga Kerja Kabupaten Gresik",
        OrganisationKind.REGENCY_OFFICE,
        GRESIK,
        "pemkab-gresik",
    ),
    (
        "diskominfo-gresik",
        "Dinas Komunikasi dan Informatika Kabupaten Gresik",
        OrganisationKind.REGENCY_OFFICE,
        GRESIK,
        "pemkab-gresik",
    ),
    ("bps-gresik", "BPS Kabupaten Gresik", OrganisationKind.STATISTICS, GRESIK, None),
    ("bpjstk-gresik", "BPJS Ketenagakerjaan Cabang Gresik", OrganisationKind.SOCIAL_SECURITY, GRESIK, None),
    ("petrokimia-gresik", "PT Petrokimia Gresik", OrganisationKind.COMPANY, GRESIK, None),
    ("desa-leran", "Pemerintah Desa Leran", OrganisationKind.VILLAGE_GOVERNMENT, LERAN, None),
    ("desa-gumeno", "Pemerintah Desa Gumeno", OrganisationKind.VILLAGE_GOVERNMENT, GUMENO, None),
]

# username, first name, role, organisation slug, area code
USERS: list[tuple[str, str, str, str, str]] = [
    ("operator.leran", "Operator Desa Leran", Role.VILLAGE_OPERATOR, "desa-leran", LERAN),
    ("operator.gumeno", "Operator Desa Gumeno", Role.VILLAGE_OPERATOR, "desa-gumeno", GUMENO),
    ("bps.reviewer", "Reviewer BPS Gresik", Role.BPS_REVIEWER, "bps-gresik", GRESIK),
    ("disnaker.officer", "Petugas Program Disnaker", Role.PROGRAMME_OFFICER, "disnaker-gresik", GRESIK),
    ("diskominfo.steward", "Walidata Diskominfo", Role.DATA_STEWARD, "diskominfo-gresik", GRESIK),
    ("petrokimia.sponsor", "CSR PT Petrokimia Gresik", Role.SPONSOR, "petrokimia-gresik", GRESIK),
    ("auditor", "Auditor Inspektorat", Role.AUDITOR, "pemkab-gresik", GRESIK),
]


@dataclass
class World:
    """Handles on the scenario's parties, for tests and the demo."""

    regency: Area
    leran: Area
    gumeno: Area
    organisations: dict[str, Organisation]
    users: dict[str, AbstractUser]


def ensure_world(password: str = DEMO_PASSWORD) -> World:
    """Create (or leave as they are) Gresik's areas, the scenario's organisations and one user per role."""
    User = get_user_model()
    with transaction.atomic():
        if not Area.objects.filter(code=GRESIK).exists() or Area.objects.within(GRESIK).count() < 300:
            load_areas(GRESIK)
        Area.objects.filter(code=LERAN, bps_code="").update(bps_code=LERAN_BPS_CODE)
        areas = {a.code: a for a in Area.objects.filter(code__in=[GRESIK, LERAN, GUMENO])}
        orgs: dict[str, Organisation] = {}
        for slug, name, kind, area_code, parent in ORGANISATIONS:
            org, _ = Organisation.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "kind": kind,
                    "area": Area.objects.get(code=area_code) if area_code else None,
                    "parent": orgs.get(parent) if parent else None,
                },
            )
            orgs[slug] = org
        users: dict[str, AbstractUser] = {}
        for username, first_name, role, org_slug, area_code in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(username=username, password=password, first_name=first_name)
                Profile.objects.create(
                    user=user, organisation=orgs[org_slug], role=role, area=Area.objects.get(code=area_code)
                )
            users[username] = user
        if not User.objects.filter(username="admin").exists():
            users["admin"] = User.objects.create_superuser(
                username="admin", password=password, email="admin@example.invalid"
            )
        else:
            users["admin"] = User.objects.get(username="admin")
    return World(
        regency=areas[GRESIK], leran=areas[LERAN], gumeno=areas[GUMENO], organisations=orgs, users=users
    )
