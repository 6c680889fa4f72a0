"""Pydantic schemas of the persons API (their descriptions appear in /api/v1/openapi.json)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

SexCode = Literal["L", "P"]
EmploymentCode = Literal[
    "own_account",
    "employer_temporary",
    "employer_permanent",
    "employee",
    "casual_agriculture",
    "casual_non_agriculture",
    "unpaid_family",
    "",
]
BpjsCode = Literal["none", "active", "lapsed"]


class PersonOut(Schema):
    """One worker of the registry."""

    id: int = Field(..., description="Internal id (stable; use it in URLs).")
    nik: str = Field(..., description="NIK (16 digits), unique in the registry.")
    kk: str = Field(..., description="Family card (KK) number; persons sharing it form a household.")
    full_name: str = Field(..., description="Full name as written.")
    sex: str = Field(..., description="L (male) or P (female).")
    birth_date: dt.date | None = Field(None, description="Birth date (ISO 8601).")
    birth_place: str = Field(..., description="Birth place.")
    village_code: str = Field(..., description="Kemendagri code of the village (e.g. 35.25.10.2010).")
    village_name: str = Field(..., description="Name of the village.")
    dusun: str = Field(..., description="Dusun (hamlet).")
    rt: str = Field(..., description="RT (neighbourhood unit).")
    rw: str = Field(..., description="RW (community unit).")
    address: str = Field(..., description="Street address.")
    phone: str = Field(..., description="Phone number in E.164 (+62…), normalised with lokal-id.")
    latitude: float | None = Field(None, description="GPS latitude (WGS84).")
    longitude: float | None = Field(None, description="GPS longitude (WGS84).")
    occupation: str | None = Field(None, description="Occupation category slug (see OccupationCategory).")
    occupation_text: str = Field(..., description="Occupation as the source wrote it.")
    kbji_code: str = Field(..., description="KBJI 2014 code, if known.")
    employment_status: str = Field(..., description="Sakernas employment status code (empty if unknown).")
    monthly_income: int | None = Field(None, description="Declared monthly income in Rupiah.")
    dependants: int | None = Field(None, description="Number of dependants.")
    has_disability: bool = Field(..., description="Whether the person has a disability.")
    is_household_head: bool = Field(..., description="Whether the person heads the household (KK).")
    bpjs_status: str = Field(..., description="BPJS Ketenagakerjaan status: none, active or lapsed.")
    bpjs_number: str = Field(..., description="BPJS Ketenagakerjaan membership number.")
    batch_id: int | None = Field(None, description="Import batch the person came from, if any.")
    is_synthetic: bool = Field(..., description="True for synthetic demo/test data (never a real person).")
    version: int = Field(..., description="Optimistic-locking version: send it back when updating.")
    created_at: dt.datetime = Field(..., description="When the person entered the registry.")
    updated_at: dt.datetime = Field(..., description="Last change.")


class PersonPage(Schema):
    """One page of persons."""

    items: list[PersonOut] = Field(..., description="The persons of this page.")
    count: int = Field(..., description="Number of matches, capped (see count_capped).")
    count_capped: bool = Field(
        ..., description="True when there are more matches than `count` (e.g. 10,000+)."
    )
    limit: int = Field(..., description="Page size used.")
    offset: int = Field(..., description="Offset used.")


class PersonIn(Schema):
    """A new worker (create)."""

    nik: str = Field(..., max_length=32, description="NIK, 16 digits (spaces and dots are removed).")
    kk: str = Field("", max_length=32, description="Family card (KK) number, 16 digits.")
    full_name: str = Field(..., min_length=1, max_length=200, description="Full name.")
    sex: SexCode = Field(..., description="L (male) or P (female); must agree with the NIK.")
    birth_date: dt.date | None = Field(None, description="Birth date; must agree with the NIK.")
    birth_place: str = Field("", max_length=100, description="Birth place.")
    village_code: str = Field(
        ..., max_length=13, description="Kemendagri code of a village inside your scope."
    )
    dusun: str = Field("", max_length=100, description="Dusun (hamlet).")
    rt: str = Field("", max_length=3, description="RT.")
    rw: str = Field("", max_length=3, description="RW.")
    address: str = Field("", max_length=300, description="Street address.")
    phone: str = Field(
        "", max_length=30, description="Phone number in any usual Indonesian form; stored as E.164."
    )
    latitude: float | None = Field(None, ge=-90, le=90, description="GPS latitude (WGS84).")
    longitude: float | None = Field(None, ge=-180, le=180, description="GPS longitude (WGS84).")
    occupation: str | None = Field(None, max_length=60, description="Occupation category slug.")
    occupation_text: str = Field("", max_length=200, description="Occupation as written.")
    kbji_code: str = Field("", max_length=5, description="KBJI 2014 code.")
    employment_status: EmploymentCode = Field("", description="Sakernas employment status code.")
    monthly_income: int | None = Field(
        None, ge=0, le=10**12, description="Declared monthly income in Rupiah."
    )
    dependants: int | None = Field(None, ge=0, le=100, description="Number of dependants.")
    has_disability: bool = Field(False, description="Whether the person has a disability.")
    is_household_head: bool = Field(False, description="Whether the person heads the household.")
    bpjs_status: BpjsCode = Field("none", description="BPJS Ketenagakerjaan status.")
    bpjs_number: str = Field("", max_length=20, description="BPJS Ketenagakerjaan membership number.")
    is_synthetic: bool = Field(False, description="Mark as synthetic demo/test data.")


class PersonPatch(Schema):
    """Changes to a worker (PATCH: only the fields sent; PUT: all of them). ``version`` is required."""

    version: int = Field(..., ge=1, description="The version you read; a newer one on the server gives 409.")
    nik: str | None = Field(None, max_length=32, description="NIK, 16 digits.")
    kk: str | None = Field(None, max_length=32, description="Family card (KK) number.")
    full_name: str | None = Field(None, min_length=1, max_length=200, description="Full name.")
    sex: SexCode | None = Field(None, description="L or P.")
    birth_date: dt.date | None = Field(None, description="Birth date.")
    birth_place: str | None = Field(None, max_length=100, description="Birth place.")
    village_code: str | None = Field(
        None, max_length=13, description="Kemendagri code of a village in your scope."
    )
    dusun: str | None = Field(None, max_length=100, description="Dusun.")
    rt: str | None = Field(None, max_length=3, description="RT.")
    rw: str | None = Field(None, max_length=3, description="RW.")
    address: str | None = Field(None, max_length=300, description="Street address.")
    phone: str | None = Field(None, max_length=30, description="Phone number.")
    latitude: float | None = Field(None, ge=-90, le=90, description="GPS latitude.")
    longitude: float | None = Field(None, ge=-180, le=180, description="GPS longitude.")
    occupation: str | None = Field(None, max_length=60, description="Occupation category slug.")
    occupation_text: str | None = Field(None, max_length=200, description="Occupation as written.")
    kbji_code: str | None = Field(None, max_length=5, description="KBJI 2014 code.")
    employment_status: EmploymentCode | None = Field(None, description="Sakernas employment status code.")
    monthly_income: int | None = Field(
        None, ge=0, le=10**12, description="Declared monthly income in Rupiah."
    )
    dependants: int | None = Field(None, ge=0, le=100, description="Number of dependants.")
    has_disability: bool | None = Field(None, description="Disability.")
    is_household_head: bool | None = Field(None, description="Head of household.")
    bpjs_status: BpjsCode | None = Field(None, description="BPJS Ketenagakerjaan status.")
    bpjs_number: str | None = Field(None, max_length=20, description="BPJS membership number.")


class ChangeOut(Schema):
    """One entry of a person's change log."""

    id: int | None = Field(
        ..., description="Entry id; null for the creation by an import batch (one event for the batch)."
    )
    action: str = Field(..., description="create, update, merge or delete.")
    at: dt.datetime = Field(..., description="When.")
    actor: str | None = Field(None, description="Username of who made the change.")
    via: str = Field(..., description="web, api, cli, import or system.")
    batch_id: int | None = Field(None, description="Import batch, for changes made by an import.")
    request_id: str = Field(..., description="Request id (X-Request-Id) of the change.")
    changes: dict[str, list[object]] = Field(..., description="Changed fields: {field: [before, after]}.")


class ErrorOut(Schema):
    """An error, in Indonesian and English."""

    detail: str = Field(..., description="Message (Indonesian / English).")
    code: str = Field("", description="Machine-readable code.")
    message_id: str = Field("", description="Message in Indonesian.")
    message_en: str = Field("", description="Message in English.")
    errors: list[dict[str, str]] = Field(
        default_factory=list, description="Field errors: field, code, messages."
    )
