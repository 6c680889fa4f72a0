"""Pydantic schemas of the programmes API (their descriptions appear in /api/v1/openapi.json)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator


def _no_nul(value: str) -> str:
    # PostgreSQL refuses NUL in text; refuse it here as invalid input rather than fail at the database.
    if "\x00" in value:
        raise ValueError("text may not contain NUL characters / teks tidak boleh berisi karakter NUL")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
MONTH_PATTERN = r"^(19|20)\d{2}-(0[1-9]|1[0-2])$"
Month = Annotated[str, Field(pattern=MONTH_PATTERN, description="A month, YYYY-MM.")]
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SourceKindCode = Literal["dbhcht", "apbd", "apbn", "csr", "other"]


class ProgrammeOut(Schema):
    """A coverage programme."""

    slug: str = Field(..., description="Identifier used in URLs (e.g. gresik-2025).")
    name: str = Field(..., description="Name of the programme.")
    area_code: str = Field(..., description="Kemendagri code of the regency whose persons it draws on.")
    area_name: str = Field(..., description="Name of that regency.")
    first_month: str = Field(..., description="First month, YYYY-MM.")
    last_month: str = Field(..., description="Last month, YYYY-MM.")
    includes_jht: bool = Field(..., description="Whether the benefit package adds JHT to JKK + JKM.")
    declared_income: int | None = Field(
        None, description="Income every member is registered with (Rp); null: each person's own."
    )
    priority_criteria: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Who is served first when capacity runs out (see docs/programmes.md).",
    )
    notes: str = Field(..., description="Free notes.")
    source_count: int = Field(..., description="Number of funding sources.")
    updated_at: dt.datetime = Field(..., description="Last change.")


class ProgrammeIn(Schema):
    """A new programme."""

    slug: str = Field(..., min_length=1, max_length=80, pattern=SLUG_PATTERN, description="Unique slug.")
    name: Text = Field(..., min_length=1, max_length=200, description="Name.")
    area_code: Text = Field(..., max_length=13, description="Kemendagri code of a regency in your scope.")
    first_month: Month = Field(..., description="First month, YYYY-MM.")
    last_month: Month = Field(..., description="Last month, YYYY-MM (not before the first).")
    includes_jht: bool = Field(False, description="Add the optional JHT to JKK + JKM.")
    declared_income: int | None = Field(
        None, ge=0, le=10**12, description="Income every member is registered with (Rp); null: their own."
    )
    priority_criteria: list[dict[str, Any]] = Field(
        default_factory=list, max_length=50, description="Priority criteria; empty: the planner's default."
    )
    notes: Text = Field("", max_length=5000, description="Free notes.")


class ProgrammePatch(Schema):
    """Changes to a programme (only the fields sent)."""

    name: Text | None = Field(None, min_length=1, max_length=200, description="Name.")
    first_month: Month | None = Field(None, description="First month, YYYY-MM.")
    last_month: Month | None = Field(None, description="Last month, YYYY-MM.")
    includes_jht: bool | None = Field(None, description="Add the optional JHT to JKK + JKM.")
    declared_income: int | None = Field(
        None, ge=0, le=10**12, description="Income every member is registered with (Rp); null clears it."
    )
    priority_criteria: list[dict[str, Any]] | None = Field(
        None, max_length=50, description="Priority criteria; [] restores the planner's default."
    )
    notes: Text | None = Field(None, max_length=5000, description="Free notes.")


class FundingSourceOut(Schema):
    """A funding source of a programme."""

    slug: str = Field(..., description="Identifier within the programme.")
    programme: str = Field(..., description="Slug of the programme.")
    name: str = Field(..., description='Name (used in reasons: "… is not among DBHCHT\'s categories").')
    kind: str = Field(..., description="dbhcht, apbd, apbn, csr or other.")
    payer: str | None = Field(None, description="Slug of the paying organisation.")
    payer_name: str | None = Field(None, description="Name of the paying organisation.")
    rule: str = Field(..., description="Eligibility rule (see docs/programmes.md); empty: everyone.")
    first_month: str = Field(..., description="First month the source pays, YYYY-MM.")
    last_month: str = Field(..., description="Last month the source pays, YYYY-MM.")
    quota_persons: int | None = Field(None, description="At most this many persons (none: no quota).")
    budget_rupiah: int | None = Field(None, description="At most this much in Rupiah over its months.")
    max_months_per_person: int | None = Field(None, description="At most this many months per person.")
    legal_basis: str = Field(..., description="Regulation or agreement that allows it to pay.")
    notes: str = Field(..., description="Free notes.")
    updated_at: dt.datetime = Field(..., description="Last change.")


class FundingSourceIn(Schema):
    """A new funding source."""

    slug: str = Field(
        ..., min_length=1, max_length=80, pattern=SLUG_PATTERN, description="Slug, unique per programme."
    )
    name: Text = Field(..., min_length=1, max_length=200, description="Name.")
    kind: SourceKindCode = Field(..., description="dbhcht, apbd, apbn, csr or other.")
    payer: Text | None = Field(None, max_length=80, description="Slug of the paying organisation.")
    rule: Text = Field("", max_length=4000, description="Eligibility rule; empty: everyone.")
    first_month: Month = Field(..., description="First month, YYYY-MM (within the programme).")
    last_month: Month = Field(..., description="Last month, YYYY-MM (within the programme).")
    quota_persons: int | None = Field(None, ge=0, le=100_000_000, description="Quota of persons.")
    budget_rupiah: int | None = Field(None, ge=0, le=10**15, description="Budget in Rupiah.")
    max_months_per_person: int | None = Field(None, ge=1, le=600, description="Maximum months per person.")
    legal_basis: Text = Field("", max_length=300, description="Legal basis.")
    notes: Text = Field("", max_length=5000, description="Free notes.")


class FundingSourcePatch(Schema):
    """Changes to a funding source (only the fields sent; send null to clear a capacity)."""

    name: Text | None = Field(None, min_length=1, max_length=200, description="Name.")
    kind: SourceKindCode | None = Field(None, description="dbhcht, apbd, apbn, csr or other.")
    payer: Text | None = Field(
        None, max_length=80, description='Slug of the paying organisation ("" clears it).'
    )
    rule: Text | None = Field(None, max_length=4000, description="Eligibility rule.")
    first_month: Month | None = Field(None, description="First month, YYYY-MM.")
    last_month: Month | None = Field(None, description="Last month, YYYY-MM.")
    quota_persons: int | None = Field(None, ge=0, le=100_000_000, description="Quota of persons.")
    budget_rupiah: int | None = Field(None, ge=0, le=10**15, description="Budget in Rupiah.")
    max_months_per_person: int | None = Field(None, ge=1, le=600, description="Maximum months per person.")
    legal_basis: Text | None = Field(None, max_length=300, description="Legal basis.")
    notes: Text | None = Field(None, max_length=5000, description="Free notes.")


class RuleCheckIn(Schema):
    """A rule to check."""

    rule: Text = Field(..., max_length=4000, description="The rule text.")
    programme: Text | None = Field(
        None, max_length=80, description="Programme slug: count only its regency, ages on its first month."
    )


class RuleErrorOut(Schema):
    """Where and why a rule cannot be used."""

    code: str = Field(..., description="Machine-readable code (syntax, unknown_field, wrong_type, …).")
    column: int = Field(..., description="1-based column of the spot in the rule text.")
    length: int = Field(..., description="Number of characters to highlight from there.")
    message_id: str = Field(..., description="Message in Indonesian.")
    message_en: str = Field(..., description="Message in English.")


class RuleCheckOut(Schema):
    """The outcome of a rule check."""

    ok: bool = Field(..., description="Whether the rule can be saved.")
    error: RuleErrorOut | None = Field(None, description="The first problem, when not ok.")
    eligible: int | None = Field(None, description="Approved persons in your scope who pass the rule.")
    total: int | None = Field(None, description="Approved persons in your scope the count was taken over.")
    clauses: list[str] = Field(default_factory=list, description="The rule's top-level `and` clauses.")


class PremiumOut(Schema):
    """One person-month's BPU contribution in Rupiah."""

    jkk: int = Field(..., description="JKK (work accident) after any discount.")
    jkm: int = Field(..., description="JKM (death) after any discount.")
    jht: int = Field(..., description="JHT (old-age savings), 0 unless asked for.")
    total: int = Field(..., description="jkk + jkm + jht.")
    rule: str = Field(..., description="The schedule, bracket and discount that gave these figures.")
    declared_income: int = Field(..., description="The bracket's income the contribution is based on.")
    discount: str | None = Field(None, description="Name of the discount applied, if any.")
    verified: bool = Field(..., description="False when a figure used is an unverified default.")


class ProgrammeChangeOut(Schema):
    """One entry of a programme's change log."""

    id: int = Field(..., description="Entry id.")
    model: str = Field(..., description="What changed: programme or fundingsource.")
    object_id: int = Field(..., description="Id of the object that changed.")
    action: str = Field(..., description="create, update or delete.")
    at: dt.datetime = Field(..., description="When.")
    actor: str | None = Field(None, description="Username of who made the change.")
    via: str = Field(..., description="web, api, cli, admin or system.")
    changes: dict[str, list[object]] = Field(..., description="Changed fields: {field: [before, after]}.")


class ReasonCountOut(Schema):
    """One reason for failing a clause and how many persons it applies to."""

    reason: str = Field(..., description="The reason in plain words (in the language asked for).")
    persons: int = Field(..., description="Persons who fail for this reason.")


class ClauseOut(Schema):
    """One top-level clause of a rule and the persons whose first failing clause it is."""

    index: int = Field(..., description="0-based position among the rule's top-level `and` clauses.")
    text: str = Field(..., description="The clause as written.")
    failed: int = Field(..., description="Persons for whom this is the first clause that fails.")
    reasons: list[ReasonCountOut] = Field(..., description="The five commonest reasons, most frequent first.")


class EligibilityOut(Schema):
    """Who passes a source's rule among the approved persons of the programme in your scope (counts only)."""

    ok: bool = Field(..., description="False when the stored rule no longer parses (see `error`).")
    error: RuleErrorOut | None = Field(None, description="The rule's problem, when not ok.")
    total: int | None = Field(None, description="Approved persons of the programme's regency in your scope.")
    eligible: int | None = Field(None, description="Of them, those who pass the rule.")
    clauses: list[ClauseOut] = Field(default_factory=list, description="Failures per top-level clause.")


# --- plans ------------------------------------------------------------------------------------------


class MonthUseOut(Schema):
    """What a source pays in one month."""

    persons: int = Field(..., description="Persons the source pays for in that month.")
    cost: int = Field(..., description="Premiums it pays in that month (Rp).")


class PlanSourceOut(Schema):
    """One funding source's part of a plan."""

    key: str = Field(..., description="The source's slug.")
    name: str = Field(..., description="The source's name.")
    kind: str = Field(..., description="dbhcht, apbd, apbn, csr or other.")
    months: dict[str, MonthUseOut] = Field(..., description="Per month (YYYY-MM): persons and cost.")
    persons: int = Field(..., description="Distinct persons the source pays for over the plan.")
    person_months: int = Field(..., description="Person-months it pays for.")
    cost: int = Field(..., description="Everything it pays (Rp).")
    remaining_quota: int | None = Field(None, description="Persons left of its quota (null: no quota).")
    remaining_budget: int | None = Field(None, description="Rupiah left of its budget (null: no budget).")
    priority_cutoff: float | None = Field(
        None, description="The lowest priority score among the persons it pays for (null: it pays nobody)."
    )


class PlanOut(Schema):
    """A computed coverage plan of a programme (aggregates: who pays how much for how many, each month)."""

    id: int = Field(..., description="Plan id.")
    programme: str = Field(..., description="The programme's slug.")
    kind: str = Field(..., description="draft, approved or what_if.")
    version: int | None = Field(None, description="Approved version number (1, 2, …); null otherwise.")
    is_locked: bool = Field(..., description="Approved plans are locked: never changed or deleted.")
    label: str = Field("", description="Free label (what-ifs).")
    base: int | None = Field(None, description="For a what-if: the id of the plan it is compared with.")
    overrides: dict[str, Any] = Field(default_factory=dict, description="For a what-if: the source changes.")
    months: list[str] = Field(..., description="The programme's months, YYYY-MM.")
    persons: int = Field(..., description="Approved persons the plan was computed over.")
    covered_persons: int = Field(..., description="Persons covered in at least one month.")
    covered_person_months: int = Field(..., description="Person-months covered.")
    cost: int = Field(..., description="Total premiums (Rp).")
    sources: list[PlanSourceOut] = Field(..., description="Per source: months, totals, remaining capacity.")
    uncovered_persons: dict[str, int] = Field(
        ..., description="Per reason code: persons with at least one uncovered month for that reason."
    )
    uncovered_person_months: dict[str, int] = Field(
        ..., description="Per reason code: uncovered person-months."
    )
    seconds: float = Field(..., description="Computing time (s).")
    created_at: dt.datetime = Field(..., description="When it was computed.")
    created_by: str | None = Field(None, description="Who computed it.")
    approved_at: dt.datetime | None = Field(None, description="When it was approved.")
    approved_by: str | None = Field(None, description="Who approved it.")


class PlanApproveIn(Schema):
    """Which plan to approve."""

    plan_id: int | None = Field(None, description="A draft's id; empty: the latest draft.")


class WhatIfIn(Schema):
    """Changes to try on the programme's sources, computed without touching any stored plan or source."""

    sources: dict[str, dict[str, Any]] = Field(
        ...,
        description=(
            "Per source slug, the fields to change: quota (or quota_persons), budget (or budget_rupiah), "
            "max_months_per_person, first_month, last_month (YYYY-MM), rule; null removes a limit."
        ),
    )
    label: Text = Field("", max_length=200, description="Free label for the what-if.")


class SourceCompareOut(Schema):
    """One source in both plans: [current, what-if]."""

    key: str = Field(..., description="The source's slug.")
    name: str = Field(..., description="The source's name.")
    persons: list[int] = Field(..., description="Distinct persons paid for: [current, what-if].")
    person_months: list[int] = Field(..., description="Person-months paid for: [current, what-if].")
    cost: list[int] = Field(..., description="Rupiah paid: [current, what-if].")


class CoverageChangeOut(Schema):
    """A person whose covered months differ between the plans (never shown to sponsors)."""

    nik: str = Field(..., description="NIK.")
    name: str = Field(..., description="Name.")
    village: str = Field(..., description="Village name.")
    village_code: str = Field(..., description="Village code.")
    before: int = Field(..., description="Months covered in the current plan.")
    after: int = Field(..., description="Months covered in the what-if.")
    delta: int = Field(..., description="after - before: negative for a loss.")


class ComparisonOut(Schema):
    """A what-if side by side with the plan it is compared with, and who gains or loses coverage."""

    what_if: PlanOut = Field(..., description="The what-if plan.")
    base: PlanOut | None = Field(None, description="The plan compared with (the current plan).")
    covered_persons: list[int] = Field(..., description="Persons covered: [current, what-if].")
    covered_person_months: list[int] = Field(..., description="Person-months covered: [current, what-if].")
    cost: list[int] = Field(..., description="Total cost (Rp): [current, what-if].")
    sources: list[SourceCompareOut] = Field(..., description="Per source, both plans.")
    gains: int = Field(..., description="Persons covered for more months in the what-if.")
    losses: int = Field(..., description="Persons covered for fewer months in the what-if.")
    which: str = Field(..., description="The list below: all, gains or losses.")
    total: int = Field(..., description="Persons in that list.")
    page: int = Field(..., description="Page of the list (1-based).")
    pages: int = Field(..., description="Number of pages.")
    rows: list[CoverageChangeOut] = Field(
        ..., description="This page of the list (empty for users who may not see persons: counts only)."
    )


class CoverageDetailOut(Schema):
    """One source's part of a reason: its failing clause, its months, or the limits that stop it."""

    source: str = Field(..., description="The source's slug.")
    source_name: str = Field(..., description="The source's name.")
    text_id: str = Field(..., description="In Indonesian.")
    text_en: str = Field(..., description="In English.")
    limits: list[str] = Field(
        default_factory=list, description="For CAPACITY: QUOTA, BUDGET, MONTHS_PER_PERSON (limits reached)."
    )
    priority_cutoff: float | None = Field(None, description="For CAPACITY: the source's priority cut-off.")
    priority: int | None = Field(None, description="For CAPACITY: this person's priority score.")


class CoverageMonthOut(Schema):
    """One month of a person's coverage: the paying source, or the reason none pays."""

    month: str = Field(..., description="YYYY-MM.")
    source: str | None = Field(None, description="The paying source's slug (null: uncovered).")
    source_name: str | None = Field(None, description="Its name.")
    cost: int | None = Field(None, description="The premium it pays (Rp).")
    reason: str | None = Field(
        None, description="NOT_ELIGIBLE, NO_SOURCE_IN_MONTH or CAPACITY when uncovered."
    )
    reason_id: str | None = Field(None, description="The reason in plain words, in Indonesian.")
    reason_en: str | None = Field(None, description="The reason in plain words, in English.")
    details: list[CoverageDetailOut] = Field(default_factory=list, description="Per source, why not.")


class CoverageOut(Schema):
    """A person's coverage timeline in a programme's current plan."""

    programme: str = Field(..., description="The programme's slug.")
    plan: int = Field(..., description="The plan's id.")
    version: int | None = Field(None, description="Its approved version, if approved.")
    nik: str = Field(..., description="The person's NIK.")
    name: str = Field(..., description="The person's name.")
    months: list[CoverageMonthOut] = Field(..., description="Every month of the programme.")
