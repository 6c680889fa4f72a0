"""Who may see and decide on pairs and conflicts, and the bilingual messages of deduplication."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from jaring.accounts.models import Role
from jaring.accounts.scope import Scope, scope_for
from jaring.dedup.models import (
    CandidatePair,
    DedupRun,
    NikConflict,
    PairStatus,
)
from jaring.geo.models import Area
from jaring.registry.models import (
    PERSON_FIELDS,
)

log = logging.getLogger(__name__)


Progress = Callable[[float, str], None]


# Roles that decide on pairs and conflicts of their area (village operators only read: see docs/dedup.md).
DECIDER_ROLES = {Role.BPS_REVIEWER, Role.DATA_STEWARD}


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


def pairs_for(scope: Scope) -> QuerySet[CandidatePair]:
    """Pairs whose two persons this user may both see (so no pair leaks a person outside the scope)."""
    qs = CandidatePair.objects.all()
    if not scope.can_read_personal_data:
        return qs.none()
    if scope.is_superuser:
        return qs
    villages = scope.villages().values("id")
    return qs.filter(person_a__village__in=villages, person_b__village__in=villages)


def runs_for(scope: Scope) -> QuerySet[DedupRun]:
    """Runs that compared persons of this user's area: over it, inside it, around it, or the whole registry.

    A run over another regency is not listed: its counts are that regency's business.
    """
    qs = DedupRun.objects.all()
    if not scope.can_read_personal_data:
        return qs.none()
    if scope.is_superuser:
        return qs
    return qs.filter(Q(area__isnull=True) | Q(area__in=scope.areas().values("id")))


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
            "Only BPS reviewers and data stewards of the area decide / "
            "hanya reviewer BPS dan walidata wilayah ini yang memutuskan"
        )
