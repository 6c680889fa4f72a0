"""REST endpoints of dedup (mounted under /api/v1/dedup): runs, the pair queue, decisions, NIK conflicts."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from jaring.accounts.scope import Scope, scope_for
from jaring.core.http import request_id
from jaring.dedup import services
from jaring.dedup.models import (
    CandidatePair,
    ConflictStatus,
    DedupRun,
    NikConflict,
    PairDecision,
    PairStatus,
)
from jaring.dedup.tasks import start_run
from jaring.geo.models import Area
from jaring.registry.models import ChangeVia, Person

router = Router(tags=["dedup"])
MAX_LIMIT = 500


class DedupProblem(Schema):
    """Why a dedup request was refused."""

    detail: str = Field(..., description="Message (Indonesian / English).")
    code: str = Field("", description="Machine-readable code.")


class DedupRunOut(Schema):
    """One deduplication run (a background job) with its progress and counts."""

    id: int
    status: str = Field(..., description="queued, running, done or failed.")
    area_code: str | None = Field(None, description="Area whose persons were compared (null: all).")
    threshold: float = Field(..., description="Match probability at or above which pairs were kept.")
    progress: float = Field(..., description="0–1 while the job runs.")
    progress_message: str = Field(..., description="Progress in English.")
    progress_message_id: str = Field(..., description="Progress in Indonesian.")
    error_message: str = Field(..., description="Why the run failed (empty otherwise).")
    records: int = Field(..., description="Persons compared.")
    pairs_found: int = Field(..., description="Pairs at or above the threshold.")
    pairs_new: int = Field(
        ..., description="Pairs added to the queue (pairs already decided stay as decided)."
    )
    clusters_found: int = Field(..., description="Clusters of two or more persons.")
    seconds: float = Field(..., description="Wall time of the run.")
    created_at: dt.datetime
    created_by: str | None = Field(None, description="Username of who started it.")
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class DedupRunPage(Schema):
    items: list[DedupRunOut]
    count: int
    limit: int
    offset: int


class RunIn(Schema):
    """Start a run."""

    threshold: float = Field(0.9, ge=0.5, le=0.999, description="Match probability threshold.")
    area: str = Field("", max_length=13, description="Area code (default: your whole area).")


class PairPersonOut(Schema):
    """One side of a candidate pair."""

    id: int = Field(..., description="Person id.")
    nik: str
    full_name: str
    sex: str
    birth_date: dt.date | None
    village_code: str
    village_name: str
    phone: str
    kk: str
    version: int = Field(..., description="Send it back with a merge (optimistic locking).")
    merged_into: int | None = Field(None, description="Id of the record this one was merged into.")


class DecisionOut(Schema):
    """A decision on a pair (kept after an undo, with ``undone_at``)."""

    id: int
    decision: str = Field(..., description="merged or distinct.")
    survivor_id: int | None = Field(None, description="The surviving person of a merge.")
    merged_id: int | None = Field(None, description="The person merged into the survivor.")
    choices: dict[str, str] = Field(..., description="Field → a or b: whose value survived.")
    decided_at: dt.datetime
    decided_by: str | None
    undone_at: dt.datetime | None


class PairOut(Schema):
    """Two persons the engine thinks are one, with the match probability."""

    id: int
    probability: float
    cluster: int = Field(..., description="Cluster number within its run (0: none).")
    status: str = Field(..., description="open, merged or distinct (different people).")
    run_id: int | None
    person_a: PairPersonOut
    person_b: PairPersonOut
    decided_at: dt.datetime | None
    decided_by: str | None
    decision: DecisionOut | None = Field(None, description="The decision in force, if any.")


class PairPage(Schema):
    items: list[PairOut]
    count: int
    limit: int
    offset: int


class MergeIn(Schema):
    """A merge: whose value survives per field, and the versions you saw."""

    choices: dict[str, Literal["a", "b"]] = Field(
        default_factory=dict,
        description="Person field → a or b. The record whose nik is chosen survives (default a); "
        "fields left out keep the survivor's value.",
    )
    version_a: int | None = Field(None, description="Version of person A you reviewed.")
    version_b: int | None = Field(None, description="Version of person B you reviewed.")


class ConflictOut(Schema):
    """A row refused at import because its NIK is already registered."""

    id: int
    batch_id: int
    row: int = Field(..., description="Row in the batch's spreadsheet.")
    code: str = Field(..., description="nik_exists or nik_duplicate_in_file.")
    nik: str
    person_id: int | None = Field(None, description="The registered person (null if outside your scope).")
    incoming: dict[str, Any] = Field(..., description="The refused row's values, named as person fields.")
    status: str = Field(..., description="open, kept, taken or returned.")
    note: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None


class ConflictPage(Schema):
    items: list[ConflictOut]
    count: int
    limit: int
    offset: int


class ResolveIn(Schema):
    """How a NIK conflict is resolved."""

    resolution: Literal["kept", "taken", "returned"] = Field(
        ...,
        description="kept: same person, keep the registered record; taken: same person, take the new row's "
        "values and village; returned: different people, the NIK is wrong, back to the village.",
    )
    note: str = Field("", max_length=2000)
    version: int | None = Field(None, description="Version of the registered person you saw (for taken).")


def _user(u: Any) -> str | None:
    return u.get_username() if u is not None else None


def run_out(run: DedupRun) -> dict[str, Any]:
    """A run as the API returns it."""
    data = {f: getattr(run, f) for f in DedupRunOut.model_fields if f not in ("area_code", "created_by")}
    data["area_code"] = run.area.code if run.area else None
    data["created_by"] = _user(run.created_by)
    return data


def _person_out(p: Person) -> dict[str, Any]:
    data = {
        f: getattr(p, f) for f in ("id", "nik", "full_name", "sex", "birth_date", "phone", "kk", "version")
    }
    data.update(village_code=p.village.code, village_name=p.village.name, merged_into=p.merged_into_id)
    return data


def _decision_out(d: PairDecision | None) -> dict[str, Any] | None:
    if d is None:
        return None
    data = {f: getattr(d, f) for f in DecisionOut.model_fields if f != "decided_by"}
    data["decided_by"] = _user(d.decided_by)
    return data


def pair_out(pair: CandidatePair, *, with_decision: bool = False) -> dict[str, Any]:
    """A pair as the API returns it."""
    return {
        "id": pair.pk,
        "probability": pair.probability,
        "cluster": pair.cluster,
        "status": pair.status,
        "run_id": pair.run_id,
        "person_a": _person_out(pair.person_a),
        "person_b": _person_out(pair.person_b),
        "decided_at": pair.decided_at,
        "decided_by": _user(pair.decided_by),
        "decision": _decision_out(services.last_decision(pair)) if with_decision else None,
    }


def visible_person_ids(conflicts: list[NikConflict], scope: Scope) -> set[int]:
    """The registered persons of these conflicts that are in the scope: one query for a whole page."""
    ids = {c.person_id for c in conflicts if c.person_id is not None}
    return set(scope.persons().filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def conflict_out(c: NikConflict, scope: Scope, visible: set[int] | None = None) -> dict[str, Any]:
    """A conflict as the API returns it (the registered person only if it is in your scope)."""
    data = {f: getattr(c, f) for f in ConflictOut.model_fields if f not in ("decided_by", "person_id")}
    visible = visible_person_ids([c], scope) if visible is None else visible
    data["person_id"] = c.person_id if c.person_id in visible else None
    data["decided_by"] = _user(c.decided_by)
    return data


def _problem(status: int, exc: services.DedupError) -> Status:
    return Status(status, {"detail": f"{exc.message_id} / {exc.message_en}", "code": exc.code})


def _get_pair(request: HttpRequest, pair_id: int) -> CandidatePair:
    pair = (
        services.pairs_for(scope_for(request.user))
        .select_related("person_a__village", "person_b__village", "decided_by")
        .filter(pk=pair_id)
        .first()
    )
    if pair is None:
        raise Http404("Not found / tidak ditemukan")
    return pair


def _get_conflict(request: HttpRequest, conflict_id: int) -> NikConflict:
    conflict = (
        services.conflicts_for(scope_for(request.user))
        .select_related("decided_by")
        .filter(pk=conflict_id)
        .first()
    )
    if conflict is None:
        raise Http404("Not found / tidak ditemukan")
    return conflict


# --- runs ----------------------------------------------------------------------------------------------


@router.get("/runs", response=DedupRunPage, summary="List deduplication runs")
def list_runs(
    request: HttpRequest,
    limit: int = Query(20, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> dict[str, Any]:
    """Runs, newest first (empty for roles that see aggregates only)."""
    qs = services.runs_for(scope_for(request.user)).select_related("area", "created_by")
    return {
        "items": [run_out(r) for r in qs[offset : offset + limit]],
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
    }


@router.post(
    "/runs",
    response={202: DedupRunOut, 403: DedupProblem, 409: DedupProblem, 422: DedupProblem},
    summary="Start a deduplication run",
)
def create_run(request: HttpRequest, body: RunIn) -> Any:
    """Queue a run over your area (BPS reviewers and data stewards); poll GET /dedup/runs/{id}."""
    scope = scope_for(request.user)
    if not services.can_start_run(scope):
        return Status(
            403,
            {
                "detail": "Only BPS reviewers and data stewards / hanya reviewer BPS dan walidata",
                "code": "forbidden",
            },
        )
    code = body.area.strip() or scope.area_code or ""
    area = Area.objects.filter(code=code).first() if code else None
    if code and (area is None or not scope.covers_area(area)):
        return Status(
            422, {"detail": f"Unknown area code {code!r} / kode wilayah tidak dikenal", "code": "area"}
        )
    if services.run_in_progress() is not None:
        return Status(
            409, {"detail": "A run is in progress / proses lain sedang berjalan", "code": "running"}
        )
    run = start_run(area=area, threshold=body.threshold, user=request.user)
    return Status(202, run_out(run))


@router.get("/runs/{int:run_id}", response={200: DedupRunOut, 404: DedupProblem}, summary="Get a run")
def get_run(request: HttpRequest, run_id: int) -> Any:
    """One run with its status, progress and counts."""
    run = (
        services.runs_for(scope_for(request.user))
        .select_related("area", "created_by")
        .filter(pk=run_id)
        .first()
    )
    if run is None:
        raise Http404("Not found / tidak ditemukan")
    return run_out(run)


# --- pairs and decisions ----------------------------------------------------------------------------------


@router.get("/pairs", response=PairPage, summary="List candidate pairs (the review queue)")
def list_pairs(
    request: HttpRequest,
    status: str = Query("open", max_length=8, description="open, merged, distinct or all."),
    village: str = Query("", max_length=13, description="Only pairs with a person in this village."),
    q: str = Query("", max_length=100, description="NIK prefix (digits) or name prefix of either person."),
    min_probability: float = Query(0.0, ge=0.0, le=1.0),
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> dict[str, Any]:
    """Pairs whose two persons you may see, most probable first."""
    qs = services.pairs_for(scope_for(request.user)).select_related(
        "person_a__village", "person_b__village", "decided_by"
    )
    if status != "all":
        qs = qs.filter(status=status) if status in PairStatus.values else qs.none()
    if village:
        qs = qs.filter(Q(person_a__village__code=village) | Q(person_b__village__code=village))
    if min_probability:
        qs = qs.filter(probability__gte=min_probability)
    qs = services.search_pairs(services.decidable(qs), q)
    qs = qs.order_by("-probability", "id")
    return {
        "items": [pair_out(p) for p in qs[offset : offset + limit]],
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
    }


@router.get("/pairs/{int:pair_id}", response={200: PairOut, 404: DedupProblem}, summary="Get a pair")
def get_pair(request: HttpRequest, pair_id: int) -> Any:
    """One pair with both persons and the decision in force."""
    return pair_out(_get_pair(request, pair_id), with_decision=True)


@router.post(
    "/pairs/{int:pair_id}/merge",
    response={200: PairOut, 403: DedupProblem, 404: DedupProblem, 409: DedupProblem, 422: DedupProblem},
    summary="Same person: merge the pair",
)
def merge(request: HttpRequest, pair_id: int, body: MergeIn) -> Any:
    """Merge in one transaction: the survivor takes the chosen values, the other is kept as merged."""
    pair = _get_pair(request, pair_id)
    versions = None
    if body.version_a is not None and body.version_b is not None:
        versions = (body.version_a, body.version_b)
    try:
        services.merge_pair(
            pair,
            actor=request.user,
            choices=dict(body.choices),
            versions=versions,
            via=ChangeVia.API,
            request_id=request_id(request),
        )
    except services.DedupError as exc:
        return _problem(409, exc)
    return pair_out(_get_pair(request, pair_id), with_decision=True)


@router.post(
    "/pairs/{int:pair_id}/distinct",
    response={200: PairOut, 403: DedupProblem, 404: DedupProblem, 409: DedupProblem},
    summary="Different people: never propose the pair again",
)
def distinct(request: HttpRequest, pair_id: int) -> Any:
    """Remember that the two are different people."""
    pair = _get_pair(request, pair_id)
    try:
        services.mark_distinct(pair, actor=request.user, via=ChangeVia.API)
    except services.DedupError as exc:
        return _problem(409, exc)
    return pair_out(_get_pair(request, pair_id), with_decision=True)


@router.post(
    "/pairs/{int:pair_id}/undo",
    response={200: PairOut, 403: DedupProblem, 404: DedupProblem, 409: DedupProblem},
    summary="Undo the pair's decision",
)
def undo(request: HttpRequest, pair_id: int) -> Any:
    """Undo a merge (both records restored from the change log) or a "different people"; the pair reopens."""
    pair = _get_pair(request, pair_id)
    try:
        services.undo_decision(pair, actor=request.user, via=ChangeVia.API, request_id=request_id(request))
    except services.DedupError as exc:
        return _problem(409, exc)
    return pair_out(_get_pair(request, pair_id), with_decision=True)


# --- NIK conflicts ----------------------------------------------------------------------------------------


@router.get("/conflicts", response=ConflictPage, summary="List NIK conflicts")
def list_conflicts(
    request: HttpRequest,
    status: str = Query("open", max_length=8, description="open, kept, taken, returned or all."),
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> dict[str, Any]:
    """Rows refused at import because their NIK is registered, of batches you may see."""
    scope = scope_for(request.user)
    qs = services.conflicts_for(scope).select_related("decided_by").order_by("created_at", "id")
    if status != "all":
        qs = qs.filter(status=status) if status in ConflictStatus.values else qs.none()
    page = list(qs[offset : offset + limit])
    visible = visible_person_ids(page, scope)
    return {
        "items": [conflict_out(c, scope, visible) for c in page],
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
    }


@router.get(
    "/conflicts/{int:conflict_id}",
    response={200: ConflictOut, 404: DedupProblem},
    summary="Get a NIK conflict",
)
def get_conflict(request: HttpRequest, conflict_id: int) -> Any:
    """One NIK conflict."""
    return conflict_out(_get_conflict(request, conflict_id), scope_for(request.user))


@router.post(
    "/conflicts/{int:conflict_id}/resolve",
    response={200: ConflictOut, 403: DedupProblem, 404: DedupProblem, 409: DedupProblem, 422: DedupProblem},
    summary="Resolve a NIK conflict",
)
def resolve(request: HttpRequest, conflict_id: int, body: ResolveIn) -> Any:
    """Keep the registered record, take the new row's values (an update with the change log), or return it."""
    conflict = _get_conflict(request, conflict_id)
    try:
        services.resolve_conflict(
            conflict,
            body.resolution,
            actor=request.user,
            note=body.note,
            expected_version=body.version,
            via=ChangeVia.API,
            request_id=request_id(request),
        )
    except services.DedupError as exc:
        return _problem(409, exc)
    return conflict_out(_get_conflict(request, conflict_id), scope_for(request.user))


@router.post(
    "/conflicts/{int:conflict_id}/reopen",
    response={200: ConflictOut, 403: DedupProblem, 404: DedupProblem, 409: DedupProblem},
    summary="Undo a NIK conflict's resolution",
)
def reopen(request: HttpRequest, conflict_id: int) -> Any:
    """Reopen a resolved conflict; a "taken" row's update is reverted from the change log's before image."""
    conflict = _get_conflict(request, conflict_id)
    try:
        services.reopen_conflict(
            conflict, actor=request.user, via=ChangeVia.API, request_id=request_id(request)
        )
    except services.DedupError as exc:
        return _problem(409, exc)
    return conflict_out(_get_conflict(request, conflict_id), scope_for(request.user))
