"""Single-person writes (web, API, CLI) with validation, the change log and optimistic locking.

Bulk writes from imports go through :mod:`jaring.registry.bulk`; both record a ``PersonChange`` per person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from lokal import normalize_phone, parse_nik

from jaring.accounts.scope import Scope, scope_for
from jaring.geo.models import Area
from jaring.registry import hooks
from jaring.registry.models import PERSON_FIELDS, ChangeAction, ChangeVia, Person, PersonChange

# Fields a caller may set on a person (``village`` and ``occupation`` are model instances).
WRITABLE_FIELDS = [*PERSON_FIELDS, "is_synthetic"]
REQUIRED_FIELDS = ["nik", "full_name", "sex", "village"]


class StaleVersion(Exception):
    """The person changed since the caller read it (optimistic locking)."""

    def __init__(self, person_id: int, expected: int, current: int) -> None:
        self.person_id, self.expected, self.current = person_id, expected, current
        super().__init__(
            f"Person {person_id} was changed by someone else (version {current}, you sent {expected}). / "
            f"Data orang ini sudah diubah pengguna lain (versi {current}, Anda mengirim {expected})."
        )

    @property
    def message_en(self) -> str:
        return (
            f"Someone else changed this person meanwhile (now version {self.current}, yours was "
            f"{self.expected}). Reload, check their change and apply yours again."
        )

    @property
    def message_id(self) -> str:
        return (
            f"Data orang ini sudah diubah pengguna lain (sekarang versi {self.current}, versi Anda "
            f"{self.expected}). Muat ulang, periksa perubahannya, lalu ulangi perubahan Anda."
        )


@dataclass
class FieldError:
    """One problem with one submitted field."""

    field: str
    code: str
    message_id: str
    message_en: str
    severity: str = "error"


@dataclass
class PersonInvalid(Exception):
    """The submitted person has errors (warnings alone never block a write)."""

    errors: list[FieldError] = field(default_factory=list)
    warnings: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{e.field}: {e.message_en}" for e in self.errors)


def normalise_data(data: dict[str, Any]) -> dict[str, Any]:
    """Trim text, repair a NIK/KK typed with spaces or dots and normalise the phone to E.164."""
    out = {k: v for k, v in data.items() if k in WRITABLE_FIELDS}
    for key in ("nik", "kk"):
        if isinstance(out.get(key), str):
            out[key] = "".join(ch for ch in out[key] if ch.isdigit() or ch.isalpha())
    for key, value in list(out.items()):
        if isinstance(value, str) and key not in ("nik", "kk"):
            out[key] = " ".join(value.split()) if key == "full_name" else value.strip()
    phone = out.get("phone")
    if phone:
        out["phone"] = normalize_phone(phone) or phone
    return out


def _issues_to_errors(issues: list[Any]) -> tuple[list[FieldError], list[FieldError]]:
    errors: list[FieldError] = []
    warnings: list[FieldError] = []
    for issue in issues:
        fe = FieldError(
            field=str(getattr(issue, "field", None) or getattr(issue, "column", "") or ""),
            code=str(getattr(issue, "code", "invalid")),
            message_id=str(getattr(issue, "message_id", "") or getattr(issue, "message", "")),
            message_en=str(getattr(issue, "message_en", "") or getattr(issue, "message", "")),
            severity=str(getattr(issue, "severity", "error")),
        )
        (warnings if fe.severity == "warning" else errors).append(fe)
    return errors, warnings


def validate_person_data(data: dict[str, Any], *, exclude_person_id: int | None = None) -> list[FieldError]:
    """Check a person's data with the import's rules; raise PersonInvalid on errors, return warnings."""
    errors: list[FieldError] = []
    for name in REQUIRED_FIELDS:
        if data.get(name) in (None, ""):
            errors.append(FieldError(name, "required", "Wajib diisi.", "This field is required."))
    if errors:
        raise PersonInvalid(errors)
    village: Area = data["village"]
    validate_records = hooks.person_validator()
    if validate_records is not None:
        record = {k: v for k, v in data.items() if k not in ("village", "occupation")}
        record["village_id"] = village.pk
        record["village_code"] = village.code
        if data.get("occupation") is not None:
            record["occupation_id"] = data["occupation"].pk
        errs, warns = _issues_to_errors(
            validate_records([record], village, exclude_person_id=exclude_person_id)
        )
    else:
        errs, warns = _basic_checks(data, exclude_person_id)
    if errs:
        raise PersonInvalid(errs, warns)
    return warns


def _basic_checks(
    data: dict[str, Any], exclude_person_id: int | None
) -> tuple[list[FieldError], list[FieldError]]:
    """NIK validity, NIK/sex agreement and NIK uniqueness (used only without the import's validator)."""
    errors: list[FieldError] = []
    nik = str(data["nik"])
    info = parse_nik(nik)
    if len(nik) != 16 or not nik.isdigit():
        errors.append(FieldError("nik", "nik_length", "NIK harus 16 angka.", "NIK must be 16 digits."))
    elif not info.valid:
        errors.append(FieldError("nik", "nik_invalid", "NIK tidak valid.", "NIK is not valid."))
    elif info.gender and data.get("sex") and info.gender != data["sex"]:
        errors.append(
            FieldError(
                "sex",
                "nik_sex_mismatch",
                "Jenis kelamin tidak cocok dengan NIK.",
                "Sex disagrees with the NIK.",
            )
        )
    others = Person.objects.filter(nik=nik)
    if exclude_person_id is not None:
        others = others.exclude(pk=exclude_person_id)
    if others.exists():
        errors.append(
            FieldError(
                "nik", "nik_in_registry", "NIK sudah ada di registri.", "NIK is already in the registry."
            )
        )
    return errors, []


def _log(
    person: Person, action: str, *, actor: Any, via: str, request_id: str, before: Any, after: Any
) -> None:
    PersonChange.objects.create(
        person_id=person.pk,
        nik=person.nik,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        via=via,
        batch=person.batch if action == ChangeAction.CREATE else None,
        request_id=request_id or "",
        before=before,
        after=after,
    )


def _check_scope(actor: Any, village: Area | None) -> None:
    # actor None = the system itself (CLI maintenance); every human path passes a user.
    if actor is not None:
        scope_for(actor).check_can_edit_in(village)


def create_person(
    data: dict[str, Any], *, actor: Any, via: str = ChangeVia.WEB, request_id: str = ""
) -> Person:
    """Validate and create a person, with a ``create`` entry in the change log (one transaction)."""
    clean = normalise_data(data)
    _check_scope(actor, clean.get("village"))
    validate_person_data(clean)
    with transaction.atomic():
        person = Person(**clean)
        person.save()
        _log(
            person,
            ChangeAction.CREATE,
            actor=actor,
            via=via,
            request_id=request_id,
            before=None,
            after=person.snapshot(),
        )
    return person


def update_person(
    person: Person,
    data: dict[str, Any],
    *,
    actor: Any,
    expected_version: int,
    via: str = ChangeVia.WEB,
    request_id: str = "",
) -> Person:
    """Apply changes if ``expected_version`` is still current (else StaleVersion), logging before/after."""
    clean = normalise_data(data)
    _check_scope(actor, person.village)
    if "village" in clean:
        _check_scope(actor, clean["village"])
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.version != expected_version:
            raise StaleVersion(locked.pk, expected_version, locked.version)
        before = locked.snapshot()
        for key, value in clean.items():
            setattr(locked, key, value)
        merged = {name: getattr(locked, name) for name in WRITABLE_FIELDS}
        validate_person_data(merged, exclude_person_id=locked.pk)
        after = locked.snapshot()
        if after == before:
            return locked
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save()
        _log(
            locked,
            ChangeAction.UPDATE,
            actor=actor,
            via=via,
            request_id=request_id,
            before=before,
            after=after,
        )
    return locked


def delete_person(
    person: Person,
    *,
    actor: Any,
    via: str = ChangeVia.WEB,
    request_id: str = "",
    expected_version: int | None = None,
) -> None:
    """Delete a person, keeping a ``delete`` entry (with the last image) in the change log."""
    _check_scope(actor, person.village)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if expected_version is not None and locked.version != expected_version:
            raise StaleVersion(locked.pk, expected_version, locked.version)
        _log(
            locked,
            ChangeAction.DELETE,
            actor=actor,
            via=via,
            request_id=request_id,
            before=locked.snapshot(),
            after=None,
        )
        locked.delete()


def household_members(person: Person, scope: Scope) -> QuerySet[Person]:
    """The other persons sharing this person's KK, as far as the scope lets the user see them."""
    if not person.kk:
        return Person.objects.none()
    return scope.persons().filter(kk=person.kk).exclude(pk=person.pk).select_related("village", "occupation")


def households(scope: Scope) -> QuerySet[Any]:
    """Households (KK numbers) in scope with their member counts, largest first."""
    from django.db.models import Count

    return (
        scope.persons()
        .exclude(kk="")
        .values("kk", "village__code", "village__name")
        .annotate(members=Count("id"))
        .order_by("-members", "kk")
    )


def person_changes(person_id: int) -> QuerySet[PersonChange]:
    """The change log of one person, newest first."""
    return PersonChange.objects.filter(person_id=person_id).select_related("actor", "batch")
