"""Deduplication logic: runs, the review queue's decisions (merge, different people, undo) and NIK conflicts.

Pages, API, CLI, jobs and the demo all go through these functions. Writes to persons keep the registry's
rules: optimistic locking on ``version``, validation with the import's rules, one ``PersonChange`` per
person and change, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Field, Q, QuerySet
from django.utils import timezone

from jaring.accounts.roles import Action, roles_with
from jaring.accounts.scope import Scope, scope_for
from jaring.dedup.models import (
    CandidatePair,
    ConflictStatus,
    Decision,
    DedupRun,
    NikConflict,
    PairDecision,
    PairStatus,
    RunStatus,
)
from jaring.dedup.records import registry_frame
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

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]

# Roles that decide on pairs and conflicts of their area (village operators only read: see docs/dedup.md).
# Only the data steward merges (BPS supervises, read-only): the role table in jaring.accounts.roles.
DECIDER_ROLES = roles_with(Action.MERGE)
# Fields a reviewer chooses per merge; the NIK's choice also names the surviving record.
MERGE_FIELDS = [f for f in PERSON_FIELDS]
FK_FIELDS = {"village", "occupation"}

# Progress messages are made outside any request: stored in English and Indonesian.
MESSAGES: dict[str, tuple[str, str]] = {
    "queued": ("Queued", "Dalam antrean"),
    "reading": ("Reading {n} persons from the registry", "Membaca {n} orang dari registri"),
    "conflicts": ("Recording NIK conflicts of imports", "Mencatat konflik NIK dari impor"),
    "linking": ("Comparing records", "Membandingkan data"),
    "saving": ("Saving {n} pairs to the review queue", "Menyimpan {n} pasangan ke antrean pemeriksaan"),
    "done": (
        "{pairs} pairs ({new} new) in {clusters} clusters among {n} persons",
        "{pairs} pasangan ({new} baru) dalam {clusters} klaster dari {n} orang",
    ),
    "failed": ("Failed: {error}", "Gagal: {error}"),
}


def message(code: str, **values: Any) -> tuple[str, str]:
    """The (English, Indonesian) text of a progress message."""
    en, idn = MESSAGES[code]
    return en.format(**values), idn.format(**values)


class DedupError(Exception):
    """A decision that the pair's or conflict's state does not allow (HTTP 409)."""

    def __init__(self, code: str, message_en: str, message_id: str) -> None:
        self.code, self.message_en, self.message_id = code, message_en, message_id
        super().__init__(f"{message_id} / {message_en}")


def linkage() -> Any:
    """The linkage engine module (imported late: it loads Splink and DuckDB)."""
    from jaring.dedup.lib import linkage as engine

    return engine


# --- scope ---------------------------------------------------------------------------------------------


def pairs_for(scope: Scope) -> QuerySet[CandidatePair]:
    """Pairs whose two persons this user may both see (so no pair leaks a person outside the scope)."""
    qs = CandidatePair.objects.all()
    if not scope.can_read_personal_data:
        return qs.none()
    if scope.is_superuser:
        return qs
    villages = scope.villages().values("id")
    return qs.filter(person_a__village__in=villages, person_b__village__in=villages)


def decidable(qs: QuerySet[CandidatePair]) -> QuerySet[CandidatePair]:
    """Leave out open pairs of which a record was merged meanwhile (e.g. in a cluster of three)."""
    return qs.exclude(
        Q(status=PairStatus.OPEN)
        & (Q(person_a__merged_into__isnull=False) | Q(person_b__merged_into__isnull=False))
    )


def search_pairs(qs: QuerySet[CandidatePair], q: str) -> QuerySet[CandidatePair]:
    """Pairs with a person whose NIK starts with ``q`` (digits) or whose name starts with it."""
    from jaring.registry.lib.names import search_key

    q = q.strip()
    if not q:
        return qs
    if q.isdigit():
        return qs.filter(Q(person_a__nik__startswith=q) | Q(person_b__nik__startswith=q))
    key = search_key(q)
    return qs.filter(Q(person_a__name_search__startswith=key) | Q(person_b__name_search__startswith=key))


def conflicts_for(scope: Scope) -> QuerySet[NikConflict]:
    """NIK conflicts of batches this user may see."""
    return NikConflict.objects.filter(batch__in=scope.batches().values("id"))


def can_decide(scope: Scope, *areas: Area | None) -> bool:
    """Whether this user decides on pairs/conflicts whose records live in ``areas``."""
    if scope.is_superuser:
        return True
    if scope.role not in DECIDER_ROLES:
        return False
    return all(scope.covers_area(a) for a in areas)


def can_start_run(scope: Scope) -> bool:
    """Whether this user may start a deduplication run (the deciders)."""
    return scope.is_superuser or (scope.role in DECIDER_ROLES and scope.area_code is not None)


def _require_decider(actor: Any, *areas: Area | None) -> None:
    if actor is None:
        return  # the system itself (CLI maintenance, demo)
    if not can_decide(scope_for(actor), *areas):
        raise PermissionDenied(
            "Only the data steward of the area decides (BPS supervises) / "
            "hanya walidata wilayah ini yang memutuskan (BPS mengawasi)"
        )


# --- runs ----------------------------------------------------------------------------------------------


def create_run(*, area: Area | None, threshold: float, user: Any) -> DedupRun:
    """A queued run (the job or the CLI then calls :func:`run_dedup`)."""
    en, idn = message("queued")
    return DedupRun.objects.create(
        area=area,
        threshold=threshold,
        created_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
        progress_message=en,
        progress_message_id=idn,
    )


# A queued or running run older than this is taken as abandoned (a killed worker) and no longer blocks.
STALE_AFTER = dt.timedelta(hours=3)


def run_in_progress() -> DedupRun | None:
    """The run that is queued or running now, if any (abandoned ones excepted)."""
    since = timezone.now() - STALE_AFTER
    return (
        DedupRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING], created_at__gte=since)
        .order_by("-pk")
        .first()
    )


def _set_progress(run: DedupRun, value: float, code: str, callback: Progress | None, **values: Any) -> None:
    en, idn = message(code, **values)
    run.progress = max(0.0, min(1.0, value))
    run.progress_message, run.progress_message_id = en[:200], idn[:200]
    DedupRun.objects.filter(pk=run.pk).update(
        progress=run.progress,
        progress_message=run.progress_message,
        progress_message_id=run.progress_message_id,
    )
    if callback is not None:
        callback(run.progress, en)


def persons_of(area: Area | None) -> QuerySet[Person]:
    """Persons living in ``area`` (all persons without one)."""
    qs = Person.objects.all()
    if area is None:
        return qs
    return qs.filter(Q(village__code=area.code) | Q(village__code__startswith=area.code + "."))


def distinct_memory() -> pl.DataFrame:
    """Pairs decided "different people" (not undone), as ``id_l < id_r``: never proposed again."""
    rows = list(
        PairDecision.objects.filter(decision=Decision.DISTINCT, undone_at__isnull=True).values_list(
            "person_a_id", "person_b_id"
        )
    )
    frame = pl.DataFrame(rows, schema={"id_l": pl.Int64, "id_r": pl.Int64}, orient="row")
    return frame.select(
        pl.min_horizontal("id_l", "id_r").alias("id_l"), pl.max_horizontal("id_l", "id_r").alias("id_r")
    ).unique()


@dataclass
class RunOutcome:
    """What a run found, with NIKs (the CLI's ``--json`` object)."""

    run: DedupRun
    records: int = 0
    pairs: list[dict[str, Any]] = field(default_factory=list)
    clusters: list[list[str]] = field(default_factory=list)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """The documented ``jaring dedup --json`` object."""
        return {
            "records": self.records,
            "pairs": self.pairs,
            "clusters": self.clusters,
            "seconds": self.seconds,
        }


def run_dedup(run: DedupRun, progress: Progress | None = None) -> RunOutcome:
    """Compare the area's current persons, replace the open pairs of earlier runs, keep every decision."""
    started = time.monotonic()
    run.status, run.started_at, run.error_message = RunStatus.RUNNING, timezone.now(), ""
    run.save(update_fields=["status", "started_at", "error_message"])
    try:
        outcome = _run(run, progress, started)
    except Exception as exc:  # a failed run must say so, never stay "running"
        log.exception("dedup run %s failed", run.pk)
        text = f"{type(exc).__name__}: {str(exc)[:300]}"
        run.status, run.finished_at, run.error_message = RunStatus.FAILED, timezone.now(), text
        run.seconds = round(time.monotonic() - started, 3)
        run.save(update_fields=["status", "finished_at", "error_message", "seconds"])
        _set_progress(run, 1.0, "failed", progress, error=text[:150])
        raise
    return outcome


def _run(run: DedupRun, progress: Progress | None, started: float) -> RunOutcome:
    _set_progress(run, 0.01, "conflicts", progress)
    try:
        collect_conflicts(area=run.area)
    except Exception:  # conflicts are a side task: a surprise in an old file must not stop the run
        log.exception("recording NIK conflicts failed")
    frame = registry_frame(persons_of(run.area))
    _set_progress(run, 0.05, "reading", progress, n=frame.height)
    exclude = distinct_memory()
    engine = linkage()

    def on_engine(fraction: float, _text: str) -> None:
        _set_progress(run, 0.05 + 0.85 * max(0.0, min(1.0, fraction)), "linking", progress)

    if frame.height >= 2:
        result = engine.find_duplicates(
            frame, threshold=run.threshold, exclude_pairs=exclude, progress=on_engine
        )
        pairs = result.pairs.select(
            pl.min_horizontal("id_l", "id_r").cast(pl.Int64).alias("id_l"),
            pl.max_horizontal("id_l", "id_r").cast(pl.Int64).alias("id_r"),
            pl.col("probability").cast(pl.Float64),
        )
        clusters = [sorted(int(i) for i in c) for c in result.clusters if len(c) >= 2]
    else:  # nothing to compare: the engine is not even loaded
        pairs = pl.DataFrame(schema={"id_l": pl.Int64, "id_r": pl.Int64, "probability": pl.Float64})
        clusters = []
    pairs = (
        pairs.filter(pl.col("probability") >= run.threshold)
        .join(exclude, on=["id_l", "id_r"], how="anti")
        .unique(["id_l", "id_r"], keep="first")
        .sort("probability", "id_l", "id_r", descending=[True, False, False])
    )
    cluster_of = {pid: i for i, members in enumerate(clusters, start=1) for pid in members}
    _set_progress(run, 0.92, "saving", progress, n=pairs.height)
    new = _save_pairs(run, pairs, cluster_of)
    run.records, run.pairs_found, run.pairs_new, run.clusters_found = (
        frame.height,
        pairs.height,
        new,
        len(clusters),
    )
    run.status, run.finished_at = RunStatus.DONE, timezone.now()
    run.seconds = round(time.monotonic() - started, 3)
    run.save()
    _set_progress(
        run, 1.0, "done", progress, pairs=pairs.height, new=new, clusters=len(clusters), n=frame.height
    )
    nik_of = dict(zip(frame.get_column("id").to_list(), frame.get_column("nik").to_list(), strict=True))
    return RunOutcome(
        run=run,
        records=frame.height,
        pairs=[
            {"a": nik_of[a], "b": nik_of[b], "probability": round(float(p), 6)}
            for a, b, p in pairs.iter_rows()
        ],
        clusters=[[nik_of[i] for i in c] for c in clusters],
        seconds=run.seconds,
    )


def _save_pairs(run: DedupRun, pairs: pl.DataFrame, cluster_of: dict[int, int]) -> int:
    """Replace the area's open pairs with ``pairs``; pairs already decided stay as they are."""
    with transaction.atomic():
        in_area = CandidatePair.objects.filter(person_a__in=persons_of(run.area).values("id"))
        in_area.filter(status=PairStatus.OPEN).delete()
        # What is left after the delete: decided pairs (few: human decisions) and other areas' open pairs.
        decided = set(CandidatePair.objects.values_list("person_a_id", "person_b_id"))
        now = timezone.now()
        objs = [
            CandidatePair(
                run=run,
                person_a_id=a,
                person_b_id=b,
                probability=p,
                cluster=cluster_of.get(a, 0),
                created_at=now,
            )
            for a, b, p in pairs.iter_rows()
            if (a, b) not in decided
        ]
        CandidatePair.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


# --- merge, different people, undo ----------------------------------------------------------------------


def _value(person: Person, name: str) -> Any:
    return getattr(person, f"{name}_id" if name in FK_FIELDS else name)


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
        side = choices.get("nik", "a")
        survivor, other = (a, b) if side == "a" else (b, a)
        by_side = {"a": a, "b": b}
        before_s, before_o = _image(survivor), _image(other)
        for name in MERGE_FIELDS:
            if name == "nik":
                continue
            source = by_side[choices.get(name, side)]
            if source is other:
                attr = f"{name}_id" if name in FK_FIELDS else name
                setattr(survivor, attr, getattr(other, attr))
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


# --- NIK conflicts --------------------------------------------------------------------------------------

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


# --- linking an outside list ------------------------------------------------------------------------------

LINK_COLUMNS = ["nik", "kk", "full_name", "sex", "birth_date", "village_code", "phone"]


@dataclass
class LinkOutcome:
    """The rows of an outside list matched against the registry."""

    rows: pl.DataFrame  # row, status, person_id, nik, probability, candidates
    seconds: float
    marked: int = 0

    def counts(self) -> dict[str, int]:
        """Rows per status."""
        got = dict(self.rows.group_by("status").len().iter_rows())
        return {s: int(got.get(s, 0)) for s in ("matched", "unmatched", "ambiguous")}

    def as_json(self) -> dict[str, Any]:
        """The ``jaring link --json`` object."""
        return {
            "rows": self.rows.height,
            **self.counts(),
            "marked_bpjs_active": self.marked,
            "seconds": round(self.seconds, 3),
            "listing": self.rows.to_dicts(),
        }


def read_outside_list(path: Any, columns: list[str], *, sheet: str | None = None) -> pl.DataFrame:
    """An outside CSV/XLSX as the engine's frame (``row`` + typed columns), read with the import's readers."""
    from pathlib import Path

    from jaring.imports.lib.headers import map_headers
    from jaring.imports.lib.issues import IssueSink
    from jaring.imports.lib.reader import read_table
    from jaring.imports.validation import Lookups, prepare_frame

    unknown = [c for c in columns if c not in LINK_COLUMNS]
    if unknown:
        raise ValueError(f"unknown columns {', '.join(unknown)}; use {', '.join(LINK_COLUMNS)}")
    raw = read_table(Path(path), sheet=sheet)
    hmap = map_headers(raw.headers)
    missing = [c for c in columns if c not in hmap.fields]
    if missing:
        raise ValueError(
            f"the file has no column for {', '.join(missing)} (headers: {', '.join(raw.headers)})"
        )
    typed = prepare_frame(raw, hmap, IssueSink(hmap.header_of(raw.headers)), Lookups.load())
    keep = [pl.col("_row").alias("row"), *[pl.col(c) for c in columns if c in typed.columns]]
    if "bpjs_number" in hmap.fields:
        keep.append(pl.col("bpjs_number"))
    return typed.select(keep)


def link_list(
    outside: pl.DataFrame,
    *,
    area: Area | None = None,
    threshold: float = 0.9,
    progress: Progress | None = None,
) -> LinkOutcome:
    """Match each outside row to at most one current registry person (matched, unmatched or ambiguous)."""
    started = time.monotonic()
    registry = registry_frame(persons_of(area))
    engine_input = outside.select([c for c in outside.columns if c == "row" or c in LINK_COLUMNS])
    result = linkage().link_records(registry, engine_input, threshold=threshold, progress=progress)
    niks = registry.select(pl.col("id").alias("person_id"), "nik")
    rows = result.rows.join(niks, on="person_id", how="left").select(
        "row", "status", "person_id", "nik", "probability", "candidates"
    )
    if "bpjs_number" in outside.columns:
        rows = rows.join(outside.select("row", "bpjs_number"), on="row", how="left")
    return LinkOutcome(rows=rows.sort("row"), seconds=time.monotonic() - started)


def mark_bpjs_active(outcome: LinkOutcome, *, actor: Any, via: str = ChangeVia.CLI) -> int:
    """Mark the matched persons active BPJS members (and their number, if listed), in one transaction."""
    from jaring.registry.models import BpjsStatus
    from jaring.registry.services import update_person

    matched = outcome.rows.filter(pl.col("status") == "matched")
    numbers = {}
    if "bpjs_number" in matched.columns:
        numbers = {pid: num for pid, num in matched.select("person_id", "bpjs_number").iter_rows() if num}
    ids = matched.get_column("person_id").to_list()
    changed = 0
    with transaction.atomic():
        for person in Person.objects.filter(pk__in=ids).select_related("village", "occupation"):
            data: dict[str, Any] = {"bpjs_status": BpjsStatus.ACTIVE}
            if person.pk in numbers:
                data["bpjs_number"] = str(numbers[person.pk])[:20]
            updated = update_person(
                person, data, actor=actor, expected_version=person.version, via=via, request_id="jaring-link"
            )
            changed += int(updated.version != person.version)
    outcome.marked = changed
    return changed
