"""NIK conflicts: rows an import refused because the NIK is registered, and how they are resolved."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jaring.dedup.models import (
    ConflictStatus,
    NikConflict,
)
from jaring.geo.models import Area
from jaring.registry.models import (
    AUDITED_FIELDS,
    PERSON_FIELDS,
    ChangeAction,
    ChangeVia,
    Person,
    PersonChange,
)
from jaring.registry.services import StaleVersion, validate_person_data

from .access import DedupError, _require_decider
from .decisions import _image, _log, _restore, model_field

CONFLICT_CODES = ("nik_exists", "nik_duplicate_in_file")


# Typed columns of a refused row that become a person's values when "take the new row" is chosen.
_INCOMING_FIELDS = [f for f in AUDITED_FIELDS if f != "nik"]


def collect_conflicts(*, area: Area | None = None, batch: Any = None) -> int:
    """Record a NikConflict for every refused row whose NIK is registered (committed batches not yet read)."""
    from jaring.imports.models import Batch, BatchIssue, BatchStatus

    batches = Batch.objects.filter(status=BatchStatus.COMMITTED, issues__code__in=CONFLICT_CODES).distinct()
    if batch is not None:
        batches = batches.filter(pk=batch.pk)
    if area is not None:
        batches = batches.filter(Q(village__code=area.code) | Q(village__code__startswith=area.code + "."))
    seen = set(NikConflict.objects.values_list("batch_id", flat=True).distinct())
    added = 0
    for b in batches.exclude(pk__in=seen).select_related("village"):
        issues = list(
            BatchIssue.objects.filter(batch=b, code__in=CONFLICT_CODES).values_list("row", "code", "value")
        )
        added += _record_batch_conflicts(b, issues)
    return added


def _record_batch_conflicts(batch: Any, issues: list[tuple[int, str, str]]) -> int:
    values = _incoming_rows(batch, sorted({row for row, _c, _v in issues}))
    niks = {str(v) for _r, _c, v in issues if v}
    persons = dict(Person.objects.filter(nik__in=niks).values_list("nik", "id"))
    objs = []
    done: set[int] = set()
    for row, code, nik in issues:
        person_id = persons.get(nik)
        if row in done or person_id is None:
            continue  # no registered person with that NIK: an invalid row, not a conflict
        # The person that the same file's earlier row created is the same batch's record: still a conflict.
        done.add(row)
        objs.append(
            NikConflict(
                batch=batch, row=row, code=code, nik=nik, person_id=person_id, incoming=values.get(row, {})
            )
        )
    NikConflict.objects.bulk_create(objs, ignore_conflicts=True, batch_size=1000)
    return len(objs)


def _incoming_rows(batch: Any, rows: list[int]) -> dict[int, dict[str, Any]]:
    """The typed values of ``rows`` of the batch's file (read again with the import's own readers)."""
    from jaring.imports.lib.headers import map_headers
    from jaring.imports.lib.issues import IssueSink
    from jaring.imports.lib.reader import FileProblem
    from jaring.imports.services import read_batch_table
    from jaring.imports.validation import Lookups, check_frame, prepare_frame

    try:
        raw = read_batch_table(batch)
    except (FileProblem, OSError, ValueError):
        return {}
    raw.frame = raw.frame.filter(pl.col("_row").is_in(rows))
    hmap = map_headers(raw.headers, batch.mapping or None)
    sink = IssueSink(hmap.header_of(raw.headers))
    typed = prepare_frame(raw, hmap, sink, Lookups.load())
    checked = check_frame(typed, batch.village, sink)
    keep = [c for c in _INCOMING_FIELDS if c in checked.columns]
    out: dict[int, dict[str, Any]] = {}
    for rec in checked.select("_row", "nik", *keep).iter_rows(named=True):
        row = rec.pop("_row")
        out[row] = {k: v for k, v in rec.items() if v is not None}
    return out


def resolve_conflict(
    conflict: NikConflict,
    resolution: str,
    *,
    actor: Any,
    note: str = "",
    expected_version: int | None = None,
    via: str = ChangeVia.WEB,
    request_id: str = "",
) -> NikConflict:
    """Decide a conflict: keep the registered record, take the new row, or return the row to the village."""
    if resolution not in {ConflictStatus.KEPT, ConflictStatus.TAKEN, ConflictStatus.RETURNED}:
        raise DedupError(
            "bad_resolution",
            f"Unknown resolution {resolution!r}.",
            f"Keputusan {resolution!r} tidak dikenal.",
        )
    with transaction.atomic():
        conflict = (
            NikConflict.objects.select_for_update().select_related("batch__village").get(pk=conflict.pk)
        )
        if conflict.status != ConflictStatus.OPEN:
            raise DedupError("not_open", "The conflict is already decided.", "Konflik ini sudah diputuskan.")
        person = (
            Person.objects.select_for_update()
            .filter(pk=conflict.person_id or 0)
            .select_related("village")
            .first()
        )
        _require_decider(actor, conflict.batch.village, person.village if person else None)
        if resolution == ConflictStatus.TAKEN:
            if person is None:
                raise DedupError(
                    "person_missing",
                    "The registered record no longer exists.",
                    "Data terdaftar sudah tidak ada.",
                )
            _take_incoming(
                person,
                conflict,
                actor=actor,
                expected_version=expected_version,
                via=via,
                request_id=request_id,
            )
        # A reopened conflict's note holds the earlier decision's trail: add to it, never overwrite it.
        conflict.status = resolution
        conflict.note = "\n".join(part for part in (conflict.note, note[:2000]) if part)[:4000]
        conflict.decided_at = timezone.now()
        conflict.decided_by = (
            actor if actor is not None and getattr(actor, "is_authenticated", False) else None
        )
        conflict.save(
            update_fields=["status", "note", "decided_at", "decided_by", "change_id", "person_version"]
        )
    return conflict


def _take_incoming(
    person: Person,
    conflict: NikConflict,
    *,
    actor: Any,
    expected_version: int | None,
    via: str,
    request_id: str,
) -> None:
    if expected_version is not None and person.version != expected_version:
        raise StaleVersion(person.pk, expected_version, person.version)
    before = _image(person)
    for name, value in conflict.incoming.items():
        if name not in _INCOMING_FIELDS or value in (None, ""):
            continue
        setattr(person, name, model_field(name).to_python(value))
    if person.village_id != before["village_id"]:
        person.village = Area.objects.get(pk=person.village_id)
    data = {n: getattr(person, n) for n in [*PERSON_FIELDS, "is_synthetic"]}
    validate_person_data(data, exclude_person_id=person.pk)
    if _image(person) == before:
        return
    person.version += 1
    person.updated_at = timezone.now()
    person.save()
    change = _log(
        person,
        ChangeAction.UPDATE,
        actor=actor,
        via=via,
        request_id=request_id or f"dedup-conflict-{conflict.pk}",
        before=before,
        after=_image(person),
    )
    conflict.change_id, conflict.person_version = change.pk, person.version


def reopen_conflict(
    conflict: NikConflict, *, actor: Any, via: str = ChangeVia.WEB, request_id: str = ""
) -> NikConflict:
    """Undo a resolution: "take the new row" restores the person from the change log; the conflict reopens."""
    with transaction.atomic():
        conflict = (
            NikConflict.objects.select_for_update().select_related("batch__village").get(pk=conflict.pk)
        )
        if conflict.status == ConflictStatus.OPEN:
            raise DedupError(
                "not_decided", "The conflict is not resolved yet.", "Konflik ini belum diputuskan."
            )
        person = (
            Person.objects.select_for_update()
            .filter(pk=conflict.person_id or 0)
            .select_related("village")
            .first()
        )
        _require_decider(actor, conflict.batch.village, person.village if person else None)
        if conflict.status == ConflictStatus.TAKEN and conflict.change_id and person is not None:
            if person.version != conflict.person_version:
                # Changed after the resolution: restoring would silently lose that change.
                raise StaleVersion(person.pk, conflict.person_version or 0, person.version)
            change = PersonChange.objects.get(pk=conflict.change_id)
            before = _image(person)
            _restore(person, change.before or {})
            person.version += 1
            person.updated_at = timezone.now()
            person.save()
            _log(
                person,
                ChangeAction.UPDATE,
                actor=actor,
                via=via,
                request_id=request_id or f"dedup-conflict-reopen-{conflict.pk}",
                before=before,
                after=_image(person),
            )
        # The conflict keeps one row: the earlier decision stays readable in its note.
        who = (
            actor.get_username()
            if actor is not None and getattr(actor, "is_authenticated", False)
            else "system"
        )
        trail = f"[{timezone.now():%Y-%m-%d %H:%M} {who}: reopened, was {conflict.status}]"
        conflict.note = f"{conflict.note}\n{trail}".strip()[:4000]
        conflict.status, conflict.decided_at, conflict.decided_by = ConflictStatus.OPEN, None, None
        conflict.change_id = conflict.person_version = None
        conflict.save(
            update_fields=["status", "note", "decided_at", "decided_by", "change_id", "person_version"]
        )
    return conflict
