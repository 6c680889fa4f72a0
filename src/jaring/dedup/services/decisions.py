"""Decisions on a pair: merge (field by field), different people, and undo from the change log."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Field
from django.utils import timezone

from jaring.dedup.models import (
    CandidatePair,
    Decision,
    PairDecision,
    PairStatus,
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

from .access import FK_FIELDS, MERGE_FIELDS, DedupError, _require_decider


def _lock_pair(pair: CandidatePair) -> tuple[Person, Person]:
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update().filter(pk__in=[pair.person_a_id, pair.person_b_id])
    }
    if len(locked) != 2:
        raise DedupError(
            "person_missing", "One of the two records no longer exists.", "Salah satu data sudah tidak ada."
        )
    return locked[pair.person_a_id], locked[pair.person_b_id]


def _log(
    person: Person, action: str, *, actor: Any, via: str, request_id: str, before: Any, after: Any
) -> PersonChange:
    return PersonChange.objects.create(
        person_id=person.pk,
        nik=person.nik,
        action=action,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        via=via,
        request_id=request_id[:64],
        before=before,
        after=after,
    )


def _image(person: Person) -> dict[str, Any]:
    """The change log's image of a person, with the merge link (undo needs it)."""
    return {**person.snapshot(), "merged_into_id": person.merged_into_id}


def _lock_mergeable(
    pair: CandidatePair, actor: Any, versions: tuple[int, int] | None
) -> tuple[CandidatePair, Person, Person]:
    """Lock the open pair and its two records; refuse a decided pair, a stale edit or a merged record."""
    pair = CandidatePair.objects.select_for_update().get(pk=pair.pk)
    if pair.status != PairStatus.OPEN:
        raise DedupError(
            "not_open",
            f"The pair is already decided ({pair.status}).",
            f"Pasangan ini sudah diputuskan ({pair.status}).",
        )
    a, b = _lock_pair(pair)
    _require_decider(actor, a.village, b.village)
    if versions is not None:
        for person, expected in zip((a, b), versions, strict=True):
            if person.version != expected:
                raise StaleVersion(person.pk, expected, person.version)
    if a.merged_into_id or b.merged_into_id:
        raise DedupError(
            "already_merged",
            "One of the two records is already merged into another record.",
            "Salah satu data sudah digabung ke data lain.",
        )
    return pair, a, b


def _take_chosen_values(
    survivor: Person, other: Person, by_side: dict[str, Person], choices: dict[str, str], side: str
) -> None:
    """The survivor takes each field from the side chosen for it (the NIK's side by default)."""
    for name in MERGE_FIELDS:
        if name == "nik":
            continue
        if by_side[choices.get(name, side)] is other:
            attr = f"{name}_id" if name in FK_FIELDS else name
            setattr(survivor, attr, getattr(other, attr))


def merge_pair(
    pair: CandidatePair,
    *,
    actor: Any,
    choices: dict[str, str] | None = None,
    versions: tuple[int, int] | None = None,
    via: str = ChangeVia.WEB,
    request_id: str = "",
) -> PairDecision:
    """Merge the pair: the survivor (whose NIK is chosen) takes the chosen values; the other stays, merged."""
    choices = {k: v for k, v in (choices or {}).items() if k in MERGE_FIELDS and v in ("a", "b")}
    with transaction.atomic():
        pair, a, b = _lock_mergeable(pair, actor, versions)
        side = choices.get("nik", "a")
        survivor, other = (a, b) if side == "a" else (b, a)
        before_s, before_o = _image(survivor), _image(other)
        _take_chosen_values(survivor, other, {"a": a, "b": b}, choices, side)
        if survivor.village_id != before_s["village_id"]:
            survivor.village = Area.objects.get(pk=survivor.village_id)
            _require_decider(actor, survivor.village)
        data = {n: getattr(survivor, n) for n in [*PERSON_FIELDS, "is_synthetic"]}
        validate_person_data(data, exclude_person_id=survivor.pk)
        now = timezone.now()
        survivor.version += 1
        survivor.updated_at = now
        survivor.save()
        other.merged_into = survivor
        other.version += 1
        other.updated_at = now
        other.save()
        rid = request_id or f"dedup-merge-{pair.pk}"
        change_s = _log(
            survivor,
            ChangeAction.MERGE,
            actor=actor,
            via=via,
            request_id=rid,
            before=before_s,
            after=_image(survivor),
        )
        change_o = _log(
            other,
            ChangeAction.MERGE,
            actor=actor,
            via=via,
            request_id=rid,
            before=before_o,
            after=_image(other),
        )
        user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
        pair.status, pair.decided_at, pair.decided_by = PairStatus.MERGED, now, user
        pair.save(update_fields=["status", "decided_at", "decided_by"])
        return PairDecision.objects.create(
            pair=pair,
            person_a_id=a.pk,
            person_b_id=b.pk,
            decision=Decision.MERGED,
            survivor_id=survivor.pk,
            merged_id=other.pk,
            choices={**{n: choices.get(n, side) for n in MERGE_FIELDS}, "nik": side},
            survivor_change_id=change_s.pk,
            merged_change_id=change_o.pk,
            survivor_version=survivor.version,
            merged_version=other.version,
            decided_by=user,
            decided_at=now,
            via=via,
        )


def mark_distinct(pair: CandidatePair, *, actor: Any, via: str = ChangeVia.WEB) -> PairDecision:
    """Decide "different people": remembered, so no later run proposes the two again."""
    with transaction.atomic():
        pair = (
            CandidatePair.objects.select_for_update()
            .select_related("person_a__village", "person_b__village")
            .get(pk=pair.pk)
        )
        _require_decider(actor, pair.person_a.village, pair.person_b.village)
        if pair.status != PairStatus.OPEN:
            raise DedupError(
                "not_open",
                f"The pair is already decided ({pair.status}).",
                f"Pasangan ini sudah diputuskan ({pair.status}).",
            )
        user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
        now = timezone.now()
        pair.status, pair.decided_at, pair.decided_by = PairStatus.DISTINCT, now, user
        pair.save(update_fields=["status", "decided_at", "decided_by"])
        return PairDecision.objects.create(
            pair=pair,
            person_a_id=pair.person_a_id,
            person_b_id=pair.person_b_id,
            decision=Decision.DISTINCT,
            decided_by=user,
            decided_at=now,
            via=via,
        )


def last_decision(pair: CandidatePair) -> PairDecision | None:
    """The pair's decision in force (not undone), if any."""
    return pair.decisions.filter(undone_at__isnull=True).order_by("-decided_at", "-id").first()


def model_field(name: str) -> Field[Any, Any]:
    """The Person model field of ``name`` (a field or its ``_id`` column)."""
    found = Person._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
    assert isinstance(found, Field)
    return found


def field_label(name: str) -> str:
    """The translated label of a person field."""
    return str(model_field(name).verbose_name)


def _restore(person: Person, image: dict[str, Any]) -> None:
    for name in [*AUDITED_FIELDS, "merged_into_id"]:
        if name not in image:
            continue
        value = image[name]
        value = None if value is None else model_field(name).to_python(value)
        setattr(person, name, value)


def undo_decision(
    pair: CandidatePair, *, actor: Any, via: str = ChangeVia.WEB, request_id: str = ""
) -> CandidatePair:
    """Undo the pair's decision: a merge restores both records from the change log; the pair reopens."""
    with transaction.atomic():
        pair = (
            CandidatePair.objects.select_for_update()
            .select_related("person_a__village", "person_b__village")
            .get(pk=pair.pk)
        )
        _require_decider(actor, pair.person_a.village, pair.person_b.village)
        decision = last_decision(pair)
        if pair.status == PairStatus.OPEN or decision is None:
            raise DedupError(
                "not_decided", "The pair has no decision to undo.", "Pasangan ini belum diputuskan."
            )
        user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
        now = timezone.now()
        if decision.decision == Decision.MERGED:
            a, b = _lock_pair(pair)
            by_id = {a.pk: a, b.pk: b}
            survivor, other = by_id[decision.survivor_id or 0], by_id[decision.merged_id or 0]
            if other.merged_into_id != survivor.pk:
                raise DedupError(
                    "not_merged", "The records are no longer merged.", "Data ini sudah tidak tergabung."
                )
            for person, version in ((survivor, decision.survivor_version), (other, decision.merged_version)):
                if person.version != version:
                    # Someone changed a record after the merge: restoring would silently lose that change.
                    raise StaleVersion(person.pk, version or 0, person.version)
            changes = {
                c.pk: c
                for c in PersonChange.objects.filter(
                    pk__in=[decision.survivor_change_id, decision.merged_change_id]
                )
            }
            rid = request_id or f"dedup-undo-{decision.pk}"
            for person, change_id in (
                (survivor, decision.survivor_change_id),
                (other, decision.merged_change_id),
            ):
                before = _image(person)
                _restore(person, changes[change_id or 0].before or {})
                person.version += 1
                person.updated_at = now
                person.save()
                _log(
                    person,
                    ChangeAction.UPDATE,
                    actor=actor,
                    via=via,
                    request_id=rid,
                    before=before,
                    after=_image(person),
                )
        decision.undone_at, decision.undone_by = now, user
        decision.save(update_fields=["undone_at", "undone_by"])
        pair.status, pair.decided_at, pair.decided_by = PairStatus.OPEN, None, None
        pair.save(update_fields=["status", "decided_at", "decided_by"])
    return pair
