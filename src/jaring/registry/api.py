"""REST endpoints for persons (mounted at /api/v1/persons in jaring.api)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from jaring.accounts.scope import scope_for
from jaring.core.http import request_id
from jaring.geo.models import Area
from jaring.registry import services
from jaring.registry.models import ChangeVia, OccupationCategory, Person
from jaring.registry.schemas import ChangeOut, ErrorOut, PersonIn, PersonOut, PersonPage, PersonPatch
from jaring.registry.search import PersonFilters, capped_count, with_list_relations

router = Router(tags=["persons"])

MAX_LIMIT = 500


def person_out(p: Person) -> dict[str, Any]:
    """A person as the API returns it."""
    data = {f: getattr(p, f) for f in PersonOut.model_fields if hasattr(p, f)}
    data["village_code"] = p.village.code
    data["village_name"] = p.village.name
    data["occupation"] = p.occupation.slug if p.occupation is not None else None
    return data


def _get_person(request: HttpRequest, person_id: int) -> Person:
    # Outside the scope is a 404, not a 403: the caller must not learn that the person exists.
    found = list(
        scope_for(request.user)
        .persons()
        .select_related("village", "occupation")
        .filter(pk=person_id)
        .order_by()[:1]
    )
    person = found[0] if found else None
    if person is None:
        raise Http404("Not found / tidak ditemukan")
    return person


def _resolve(payload: dict[str, Any]) -> dict[str, Any]:
    """Turn the API's codes (village_code, occupation slug) into model instances."""
    data = dict(payload)
    if "village_code" in data:
        code = data.pop("village_code")
        village = Area.objects.villages().filter(code=code).first()
        if village is None:
            raise HttpError(422, f"Unknown village code {code!r} / kode desa {code!r} tidak dikenal")
        data["village"] = village
    if "occupation" in data:
        slug = data["occupation"]
        if slug:
            occ = OccupationCategory.objects.filter(slug=slug).first()
            if occ is None:
                raise HttpError(422, f"Unknown occupation {slug!r} / pekerjaan {slug!r} tidak dikenal")
            data["occupation"] = occ
        else:
            data["occupation"] = None
    return data


@router.get("", response=PersonPage, summary="List persons in your scope")
def list_persons(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="NIK (or its first digits) or the start of a name."),
    nik: str = Query("", max_length=32, description="Exact NIK."),
    village: str = Query("", max_length=13, description="Area code: a village, or a district/regency."),
    occupation: str = Query("", max_length=60, description="Occupation category slug."),
    sex: str = Query("", max_length=1, description="L or P."),
    bpjs_status: str = Query("", max_length=10, description="none, active or lapsed."),
    is_synthetic: bool | None = Query(
        None, description="Only synthetic (true) or only real (false) persons."
    ),
    limit: int = Query(50, ge=1, le=MAX_LIMIT, description="Page size (at most 500)."),
    offset: int = Query(0, ge=0, le=1_000_000, description="Rows to skip."),
) -> dict[str, Any]:
    """Persons you may read, filtered; sponsors and users without a role get an empty list."""
    filters = PersonFilters(
        q=q,
        nik=nik,
        village=village,
        occupation=occupation,
        sex=sex,
        bpjs_status=bpjs_status,
        is_synthetic=is_synthetic,
    )
    qs = filters.scoped(scope_for(request.user))
    count, capped = capped_count(qs)
    page = with_list_relations(qs)[offset : offset + limit]
    items = [person_out(p) for p in page]
    return {"items": items, "count": count, "count_capped": capped, "limit": limit, "offset": offset}


class SimilarPersonOut(Schema):
    """A registered person who may be the one being entered; outside your scope only the village is told."""

    reason: str = Field(..., description="name_birth_date, nik_same or nik_one_digit.")
    score: float = Field(
        ..., description="Name similarity 0–1 (Jaro-Winkler after normalisation); 1 for the same NIK."
    )
    village_code: str
    village_name: str
    in_scope: bool = Field(
        ..., description="Whether you may open the record (else the fields below are null)."
    )
    person_id: int | None
    nik: str | None
    full_name: str | None
    birth_date: dt.date | None
    message_id: str = Field(..., description="The warning in Indonesian.")
    message_en: str = Field(..., description="The warning in English.")


class SimilarPage(Schema):
    items: list[SimilarPersonOut]
    count: int


@router.get(
    "/similar",
    response={200: SimilarPage, 403: ErrorOut},
    summary="Registered persons similar to one being entered",
)
def similar_persons(
    request: HttpRequest,
    name: str = Query("", max_length=200, description="Full name as typed."),
    birth_date: dt.date | None = Query(None, description="Birth date (YYYY-MM-DD)."),  # noqa: B008
    nik: str = Query("", max_length=32, description="NIK as typed (spaces and dots allowed)."),
    exclude: int | None = Query(None, ge=1, description="Id of the person being edited (left out)."),
) -> Any:
    """Same birth date and a similar name, the same NIK, or a NIK one digit away, across the registry."""
    from jaring.registry.similar import find_similar

    scope = scope_for(request.user)
    if not scope.can_read_personal_data:
        raise HttpError(403, "Your role cannot check persons / peran Anda tidak dapat memeriksa orang")
    items = find_similar(scope, name=name, birth_date=birth_date, nik=nik, exclude_id=exclude)
    return {"items": items, "count": len(items)}


@router.get("/by-nik/{nik}", response={200: PersonOut, 404: ErrorOut}, summary="Get a person by NIK")
def get_by_nik(request: HttpRequest, nik: str) -> Any:
    """The person with this NIK, if it lies in your scope."""
    digits = "".join(ch for ch in nik if ch.isdigit())[:16]
    # Unordered [:1] rather than .first(): no ORDER BY to build for a unique key (this is the hot lookup).
    found = list(
        scope_for(request.user)
        .persons()
        .select_related("village", "occupation")
        .filter(nik=digits)
        .order_by()[:1]
    )
    person = found[0] if found else None
    if person is None:
        raise Http404("Not found / tidak ditemukan")
    return person_out(person)


@router.get("/{int:person_id}", response={200: PersonOut, 404: ErrorOut}, summary="Get a person")
def get_person(request: HttpRequest, person_id: int) -> Any:
    """One person in your scope."""
    return person_out(_get_person(request, person_id))


@router.get("/{int:person_id}/changes", response={200: list[ChangeOut], 404: ErrorOut}, summary="Change log")
def get_changes(request: HttpRequest, person_id: int) -> Any:
    """The change log of a person in your scope, newest first."""
    person = _get_person(request, person_id)
    return [
        {
            "id": c.pk,
            "action": c.action,
            "at": c.at,
            "actor": c.actor.get_username() if c.actor else None,
            "via": c.via,
            "batch_id": c.batch_id,
            "request_id": c.request_id,
            "changes": {f: [b, a] for f, b, a in c.changed_fields()},
        }
        for c in services.person_changes(person.pk)[:200]
    ]


@router.post("", response={201: PersonOut, 403: ErrorOut, 422: ErrorOut}, summary="Create a person")
def create_person(request: HttpRequest, payload: PersonIn) -> Any:
    """Create a person in a village of your scope (operators and data stewards)."""
    scope = scope_for(request.user)
    if not scope.can_edit:
        raise HttpError(
            403, "Your role cannot change the registry / peran Anda tidak dapat mengubah registri"
        )
    data = _resolve(payload.model_dump())
    person = services.create_person(
        data, actor=request.user, via=ChangeVia.API, request_id=request_id(request)
    )
    return Status(201, person_out(Person.objects.select_related("village", "occupation").get(pk=person.pk)))


def _update(request: HttpRequest, person_id: int, payload: PersonPatch, *, partial: bool) -> Any:
    person = _get_person(request, person_id)
    if not scope_for(request.user).can_edit:
        raise HttpError(
            403, "Your role cannot change the registry / peran Anda tidak dapat mengubah registri"
        )
    raw = payload.model_dump(exclude_unset=partial)
    version = raw.pop("version")
    data = _resolve(
        {k: v for k, v in raw.items() if not (partial and v is None and k in ("nik", "full_name", "sex"))}
    )
    if not partial:
        # PUT replaces: fields not sent fall back to their defaults, but identity fields must be present.
        missing = [k for k in ("nik", "full_name", "sex", "village") if data.get(k) in (None, "")]
        if missing:
            raise HttpError(422, f"PUT needs {', '.join(missing)} / PUT memerlukan {', '.join(missing)}")
        for key, value in list(data.items()):
            if value is None and key in ("kk", "birth_place", "dusun", "rt", "rw", "address", "phone"):
                data[key] = ""
            if value is None and key in ("has_disability", "is_household_head"):
                data[key] = False
            if value is None and key == "bpjs_status":
                data[key] = "none"
            if value is None and key in ("occupation_text", "kbji_code", "employment_status", "bpjs_number"):
                data[key] = ""
    updated = services.update_person(
        person,
        data,
        actor=request.user,
        expected_version=version,
        via=ChangeVia.API,
        request_id=request_id(request),
    )
    return person_out(Person.objects.select_related("village", "occupation").get(pk=updated.pk))


@router.patch(
    "/{int:person_id}",
    response={200: PersonOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Change some fields of a person",
)
def patch_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> Any:
    """Change the fields sent; ``version`` must be the one you read (else 409)."""
    return _update(request, person_id, payload, partial=True)


@router.put(
    "/{int:person_id}",
    response={200: PersonOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Replace a person",
)
def put_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> Any:
    """Replace a person's fields; ``version`` must be the one you read (else 409)."""
    return _update(request, person_id, payload, partial=False)


@router.delete(
    "/{int:person_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Delete a person",
)
def delete_person(request: HttpRequest, person_id: int, version: int | None = Query(None, ge=1)) -> Any:
    """Delete a person in your scope (logged); pass ``version`` to guard against concurrent changes."""
    person = _get_person(request, person_id)
    if not scope_for(request.user).can_edit:
        raise HttpError(
            403, "Your role cannot change the registry / peran Anda tidak dapat mengubah registri"
        )
    services.delete_person(
        person,
        actor=request.user,
        via=ChangeVia.API,
        request_id=request_id(request),
        expected_version=version,
    )
    return Status(204, None)
