"""Agreements: write, amend, suspend, revoke, renew; the access decision for a user; expiry warnings."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from jaring.accounts.models import Organisation, OrganisationKind
from jaring.accounts.scope import Scope, scope_for
from jaring.agreements.lib.policy import FORBIDDEN_ALWAYS, Decision, covers, decide
from jaring.agreements.models import (
    Agreement,
    AgreementChange,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    AgreementVersion,
    FieldGroup,
    PartyRole,
    Purpose,
)
from jaring.geo.models import Area

# Expiry warnings are given this many days ahead (dashboard and `jaring agreements warn`).
WARN_DAYS = (90, 30, 7)
STATUS_ID = {
    "draft": "draf",
    "active": "berlaku",
    "suspended": "ditangguhkan",
    "expired": "berakhir",
    "revoked": "dicabut",
}
# Status steps a steward may take; `expired` is set by the calendar, `renew` leaves it.
TRANSITIONS: dict[str, set[str]] = {
    AgreementStatus.DRAFT: {AgreementStatus.ACTIVE, AgreementStatus.REVOKED},
    AgreementStatus.ACTIVE: {AgreementStatus.SUSPENDED, AgreementStatus.REVOKED},
    AgreementStatus.SUSPENDED: {AgreementStatus.ACTIVE, AgreementStatus.REVOKED},
    AgreementStatus.EXPIRED: {AgreementStatus.REVOKED},
    AgreementStatus.REVOKED: set(),
}


class AgreementError(Exception):
    """A refused agreement write, with its reasons in Indonesian and English."""

    def __init__(self, errors: list[tuple[str, str, str]]):
        self.errors = errors  # (field, message_id, message_en)
        super().__init__("; ".join(f"{f}: {mid} / {men}" for f, mid, men in errors))


@dataclass
class Parsed:
    """A validated agreement text, ready to write."""

    fields: dict[str, Any]
    parties: list[tuple[Organisation, str]]
    document: tuple[str, bytes] | None


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def _date(errors: list[tuple[str, str, str]], name: str, value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        errors.append(
            (name, f"tanggal '{value}' tidak sah (YYYY-MM-DD)", f"'{value}' is not a date (YYYY-MM-DD)")
        )
        return None


def parse(data: dict[str, Any], *, base_dir: Path | None = None) -> Parsed:
    """Check an agreement text (from YAML/JSON or a form); every fault named, nothing written."""
    errors: list[tuple[str, str, str]] = []
    for key in ("number", "title", "valid_from", "valid_to", "parties"):
        if not data.get(key):
            errors.append((key, f"'{key}' wajib diisi", f"'{key}' is required"))
    kind = str(data.get("kind") or AgreementKind.MOU)
    if kind not in AgreementKind.values:
        errors.append(("kind", f"jenis '{kind}' tidak dikenal", f"unknown kind '{kind}'"))
    start = _date(errors, "valid_from", data.get("valid_from")) if data.get("valid_from") else None
    end = _date(errors, "valid_to", data.get("valid_to")) if data.get("valid_to") else None
    if start and end and end < start:
        errors.append(("valid_to", "tanggal akhir sebelum tanggal mulai", "the end date is before the start"))
    purposes = _list(data.get("purposes"))
    for p in purposes:
        if p in FORBIDDEN_ALWAYS:
            errors.append(("purposes", f"tujuan '{p}' selalu dilarang", f"purpose '{p}' is always forbidden"))
        elif p not in Purpose.values:
            errors.append(("purposes", f"tujuan '{p}' tidak dikenal", f"unknown purpose '{p}'"))
    groups = _list(data.get("field_groups"))
    for g in groups:
        if g not in FieldGroup.values:
            errors.append(
                ("field_groups", f"kelompok kolom '{g}' tidak dikenal", f"unknown field group '{g}'")
            )
    areas = _list(data.get("areas"))
    if not areas:
        errors.append(("areas", "minimal satu wilayah", "at least one area"))
    known = set(Area.objects.filter(code__in=areas).values_list("code", flat=True))
    for code in sorted(set(areas) - known):
        errors.append(("areas", f"kode wilayah '{code}' tidak dikenal", f"unknown area code '{code}'"))
    parties: list[tuple[Organisation, str]] = []
    orgs = {
        o.slug: o
        for o in Organisation.objects.filter(slug__in=[_party(p)[0] for p in data.get("parties") or []])
    }
    for p in data.get("parties") or []:
        slug, role = _party(p)
        if role not in PartyRole.values:
            errors.append(("parties", f"peran '{role}' tidak dikenal", f"unknown party role '{role}'"))
        elif slug not in orgs:
            errors.append(("parties", f"organisasi '{slug}' tidak ada", f"no organisation '{slug}'"))
        else:
            parties.append((orgs[slug], role))
    roles = {r for _, r in parties}
    if parties and not {"provider", "user"} <= roles:
        errors.append(
            ("parties", "perlu penyedia dan pengguna data", "needs a data provider and a data user")
        )
    try:
        min_cell = int(data.get("min_cell", 5))
        if min_cell < 1:
            raise ValueError
    except (TypeError, ValueError):
        errors.append(
            ("min_cell", "ambang sel harus bilangan ≥ 1", "the cell threshold must be a number ≥ 1")
        )
        min_cell = 5
    document = None
    if data.get("document"):
        path = Path(str(data["document"]))
        path = path if path.is_absolute() or base_dir is None else base_dir / path
        if not path.is_file():
            errors.append(("document", f"berkas '{path}' tidak ada", f"no file '{path}'"))
        else:
            document = (path.name, path.read_bytes())
    if errors:
        raise AgreementError(errors)
    assert start is not None and end is not None
    fields = {
        "title": str(data["title"]),
        "kind": kind,
        "valid_from": start,
        "valid_to": end,
        "purposes": sorted(set(purposes)),
        "forbidden_uses": sorted(set(_list(data.get("forbidden_uses"))) | set(FORBIDDEN_ALWAYS)),
        "field_groups": sorted(set(groups)),
        "areas": sorted(set(areas)),
        "aggregates_only": bool(data.get("aggregates_only", False)),
        "min_cell": min_cell,
        "notes": str(data.get("notes") or ""),
    }
    return Parsed(fields=fields, parties=sorted(parties, key=lambda p: (p[1], p[0].slug)), document=document)


def _party(p: Any) -> tuple[str, str]:
    if isinstance(p, dict):
        return str(p.get("organisation", "")), str(p.get("role", ""))
    slug, _, role = str(p).partition(":")
    return slug.strip(), role.strip()


def load_file(path: Path) -> dict[str, Any]:
    """The agreement text of a YAML or JSON file; AgreementError when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise AgreementError(
            [("file", f"berkas tidak dapat dibaca: {exc}", f"the file cannot be read: {exc}")]
        ) from exc
    if not isinstance(data, dict):
        raise AgreementError([("file", "isi berkas harus satu objek", "the file must hold one object")])
    return data


@transaction.atomic
def save(
    data: dict[str, Any], *, user: Any = None, reason: str = "", base_dir: Path | None = None
) -> tuple[Agreement, str]:
    """Create an agreement or amend it as a new version; the action is created, amended or unchanged."""
    parsed = parse(data, base_dir=base_dir)
    number = str(data["number"])
    agreement = Agreement.objects.select_for_update().filter(number=number).first()
    action = "created" if agreement is None else "amended"
    if agreement is None:
        status = str(data.get("status") or AgreementStatus.DRAFT)
        agreement = Agreement(number=number, status=status, version=1)
    before = agreement.snapshot() if agreement.pk else None
    for key, value in parsed.fields.items():
        setattr(agreement, key, value)
    if parsed.document is not None:
        name, content = parsed.document
        digest = hashlib.sha256(content).hexdigest()
        if digest != agreement.document_sha256:
            agreement.document.save(name, ContentFile(content), save=False)
            agreement.document_sha256 = digest
    if before is not None:
        agreement.save()
        _set_parties(agreement, parsed.parties)
        after = agreement.snapshot()
        after["version"] = before["version"]
        if after == before:
            return agreement, "unchanged"
        agreement.version += 1
    agreement.updated_at = timezone.now()
    agreement.save()
    _set_parties(agreement, parsed.parties)
    _record_version(agreement, user, reason, action, before)
    return agreement, action


def _set_parties(agreement: Agreement, parties: list[tuple[Organisation, str]]) -> None:
    wanted = {(o.pk, r) for o, r in parties}
    have = {(p.organisation_id, p.role): p.pk for p in agreement.parties.all()}
    AgreementParty.objects.filter(pk__in=[pk for key, pk in have.items() if key not in wanted]).delete()
    AgreementParty.objects.bulk_create(
        [AgreementParty(agreement=agreement, organisation_id=o, role=r) for o, r in wanted - set(have)]
    )


def _record_version(
    agreement: Agreement, user: Any, reason: str, action: str, before: dict[str, Any] | None
) -> None:
    snap = agreement.snapshot()
    AgreementVersion.objects.create(
        agreement=agreement,
        version=agreement.version,
        snapshot=snap,
        sha256=AgreementVersion.hash_snapshot(snap),
        created_by=user,
        reason=reason,
    )
    changed = sorted(k for k in snap if before is not None and before.get(k) != snap[k] and k != "version")
    AgreementChange.objects.create(
        agreement=agreement,
        actor=user,
        action=action,
        version=agreement.version,
        reason=reason,
        details={"changed": changed} if before is not None else {},
    )


@transaction.atomic
def set_status(agreement: Agreement, status: str, *, user: Any, reason: str) -> Agreement:
    """Activate, suspend or revoke (takes effect on the next request: decisions are never cached)."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    current = agreement.effective_status()
    if status not in TRANSITIONS.get(current, set()):
        raise AgreementError(
            [
                (
                    "status",
                    f"status {STATUS_ID[current]} tidak dapat menjadi {STATUS_ID[status]}",
                    f"cannot go from {current} to {status}",
                )
            ]
        )
    if not reason.strip() and status != AgreementStatus.ACTIVE:
        raise AgreementError([("reason", "alasan wajib diisi", "a reason is required")])
    agreement.status = status
    agreement.updated_at = timezone.now()
    agreement.save(update_fields=["status", "updated_at"])
    action = {"active": "activated", "suspended": "suspended", "revoked": "revoked"}[status]
    AgreementChange.objects.create(
        agreement=agreement, actor=user, action=action, version=agreement.version, reason=reason
    )
    return agreement


@transaction.atomic
def renew(agreement: Agreement, *, user: Any, reason: str, until: dt.date | None = None) -> Agreement:
    """A new version valid from the old end (or today) for the same length, or to ``until``; status active."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status == AgreementStatus.REVOKED:
        raise AgreementError(
            [
                (
                    "status",
                    "perjanjian yang dicabut tidak dapat diperpanjang",
                    "a revoked agreement cannot be renewed",
                )
            ]
        )
    length = agreement.valid_to - agreement.valid_from
    start = max(agreement.valid_to + dt.timedelta(days=1), timezone.localdate())
    end = until or start + length
    if end <= agreement.valid_to:
        raise AgreementError(
            [("until", "tanggal akhir baru harus setelah yang lama", "the new end must be after the old one")]
        )
    before = agreement.snapshot()
    agreement.valid_to = end
    agreement.status = AgreementStatus.ACTIVE
    agreement.version += 1
    agreement.updated_at = timezone.now()
    agreement.save()
    _record_version(agreement, user, reason, "renewed", before)
    return agreement


def mark_expired(on: dt.date | None = None) -> list[Agreement]:
    """Set active agreements past their end to expired (with a change-log entry each)."""
    on = on or timezone.localdate()
    done = []
    for agreement in Agreement.objects.filter(status=AgreementStatus.ACTIVE, valid_to__lt=on):
        agreement.status = AgreementStatus.EXPIRED
        agreement.save(update_fields=["status"])
        AgreementChange.objects.create(agreement=agreement, action="expired", version=agreement.version)
        done.append(agreement)
    return done


@dataclass(frozen=True)
class Warning_:
    """An agreement that ends soon."""

    agreement: Agreement
    days_left: int
    threshold: int


def expiry_warnings(agreements: Iterable[Agreement], on: dt.date | None = None) -> list[Warning_]:
    """Active agreements ending within 90, 30 or 7 days, with the smallest threshold they are under."""
    on = on or timezone.localdate()
    out = []
    for a in agreements:
        left = (a.valid_to - on).days
        if a.status == AgreementStatus.ACTIVE and 0 <= left <= max(WARN_DAYS):
            out.append(Warning_(a, left, min(d for d in WARN_DAYS if left <= d)))
    return sorted(out, key=lambda w: w.days_left)


def organisation_ids(user: Any) -> set[int]:
    """The reader's organisation and the organisations above it (an office acts for its government)."""
    profile = getattr(user, "profile", None) if user is not None else None
    org = profile.organisation if profile is not None else None
    ids: set[int] = set()
    while org is not None and org.pk not in ids:
        ids.add(org.pk)
        org = org.parent
    return ids


def is_provider_of(user: Any, area_code: str) -> bool:
    """A village government's own operator reads its own village as the provider: no agreement needed."""
    profile = getattr(user, "profile", None) if user is not None else None
    org = profile.organisation if profile is not None else None
    return bool(
        org is not None
        and org.kind == OrganisationKind.VILLAGE_GOVERNMENT
        and org.area_id is not None
        and covers([org.area.code], area_code)
    )


def decide_for(
    user: Any,
    *,
    area_code: str,
    purpose: str,
    field_groups: Iterable[str],
    person_level: bool = True,
    on: dt.date | None = None,
    agreement: Agreement | None = None,
) -> Decision:
    """The agreement decision for one read by ``user`` (read fresh: a suspension counts at once).

    With ``agreement`` (a bound API token), that agreement alone is considered.
    """
    from jaring.agreements.lib.policy import FIELD_GROUPS

    groups = frozenset(field_groups)
    if purpose not in FORBIDDEN_ALWAYS and is_provider_of(user, area_code):
        return Decision(True, field_groups=groups or frozenset(FIELD_GROUPS), as_provider=True)
    ids = organisation_ids(user)
    # A token bound to one agreement reads under that agreement only.
    qs = Agreement.objects.filter(pk=agreement.pk) if agreement is not None else Agreement.objects.all()
    terms = [
        a.terms() for a in qs.filter(parties__organisation_id__in=ids).distinct().prefetch_related("parties")
    ]
    return decide(
        terms,
        organisation_ids=ids,
        area_code=area_code,
        purpose=purpose,
        field_groups=groups,
        on=on or timezone.localdate(),
        person_level=person_level,
    )


def visible_to(scope: Scope) -> QuerySet[Agreement]:
    """Agreements a user may read: stewards and auditors all, others those that name their organisation."""
    qs = Agreement.objects.all()
    if scope.is_superuser or scope.role in ("data_steward", "auditor"):
        return qs
    ids = organisation_ids(scope.user)
    return qs.filter(parties__organisation_id__in=ids).distinct() if ids else qs.none()


def report_area(user: Any, agreement: Agreement) -> str | None:
    """The area whose reads ``user`` may see in the access report: '' for all, None for none.

    Stewards, auditors and the supervisor see every read; a provider sees the reads of its own area.
    """
    scope = scope_for(user)
    if scope.is_superuser or scope.role in ("data_steward", "auditor"):
        return ""
    ids = organisation_ids(user)
    roles = {p.role for p in agreement.parties.all() if p.organisation_id in ids}
    if "supervisor" in roles:
        return ""
    if "provider" in roles:
        profile = getattr(user, "profile", None)
        org = profile.organisation if profile is not None else None
        return org.area.code if org is not None and org.area_id else None
    return None


def can_manage(user: Any) -> bool:
    """Only data stewards (Diskominfo, the walidata) and superusers write agreements."""
    scope = scope_for(user)
    return scope.is_superuser or scope.role == "data_steward"


def agreement_out(a: Agreement) -> dict[str, Any]:
    """An agreement as JSON for the CLI and the API."""
    snap = a.snapshot()
    return {
        "id": a.pk,
        **snap,
        "status": a.status,
        "effective_status": a.effective_status(),
        "parties": [
            {"organisation": p.organisation.slug, "name": p.organisation.name, "role": p.role}
            for p in a.parties.all()  # prefetched by the lists (select_related here would query per row)
        ],
    }
