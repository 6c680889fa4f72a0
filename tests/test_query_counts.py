"""Query-count baselines (NetBox style): a list page or list endpoint makes as many queries for 3N rows as
for N, so an N+1 (a query per row shown) fails here. Each list is measured after a warm-up request, with
N rows, then with 3N; all rows fit on one page, so every row is rendered both times.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jaring.collection.models import Round
from jaring.core.world import World
from jaring.dedup.models import CandidatePair, DedupRun, NikConflict, RunStatus
from jaring.geo.models import Area, AreaLevel
from jaring.imports.models import Batch, BatchStatus, ReviewStatus
from jaring.registry.models import OccupationCategory, Person
from tests.api.conftest import token_client
from tests.programmes.factories import make_programme, make_source
from tests.registry.factories import make_person, nik_for

N = 3
_serial = itertools.count(1)


def _persons(world: World, n: int) -> list[Person]:
    """Persons in Leran and Gumeno, each with an occupation and a household of their own."""
    occupation = OccupationCategory.objects.order_by("pk").first()
    made = []
    for _ in range(n):
        i = next(_serial)
        village = world.leran if i % 2 else world.gumeno
        made.append(
            make_person(
                village,
                f"Warga Uji {i}",
                nik=nik_for(village, serial=5000 + i),
                kk=f"35251001{i:08d}",
                occupation=occupation,
            )
        )
    return made


def _grow_persons(world: World, n: int) -> None:
    _persons(world, n)


def _batches(world: World, n: int) -> list[Batch]:
    made = []
    for _ in range(n):
        i = next(_serial)
        made.append(
            Batch.objects.create(
                village=world.leran if i % 2 else world.gumeno,
                filename=f"SINTETIS-{i}.csv",
                content_hash=f"{i:064d}",
                status=BatchStatus.COMMITTED,
                review_status=ReviewStatus.SUBMITTED,
                created_by=world.users["operator.leran"],
                is_synthetic=True,
            )
        )
    return made


def _grow_batches(world: World, n: int) -> None:
    _batches(world, n)


def _grow_pairs(world: World, n: int) -> None:
    run = DedupRun.objects.create(area=world.regency, status=RunStatus.DONE)
    persons = _persons(world, 2 * n)
    for a, b in zip(persons[::2], persons[1::2], strict=True):
        CandidatePair.objects.create(run=run, person_a=a, person_b=b, probability=0.95)


def _grow_conflicts(world: World, n: int) -> None:
    (batch,) = _batches(world, 1)
    for i, person in enumerate(_persons(world, n)):
        NikConflict.objects.create(
            batch=batch, row=i + 2, code="nik_registered", nik=person.nik, person=person
        )


def _grow_runs(world: World, n: int) -> None:
    for _ in range(n):
        DedupRun.objects.create(
            area=world.regency, status=RunStatus.DONE, created_by=world.users["bps.reviewer"]
        )


def _grow_rounds(world: World, n: int) -> None:
    organisation = next(iter(world.organisations.values()))
    for _ in range(n):
        i = next(_serial)
        round_ = Round.objects.create(
            slug=f"putaran-{i}",
            name=f"Putaran {i}",
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 3, 31),
            organisation=organisation,
        )
        round_.target_villages.add(world.leran, world.gumeno)


def _grow_round_villages(world: World, n: int) -> None:
    """More target villages in one round, each with a batch (the round page lists villages with progress)."""
    round_ = Round.objects.filter(slug="baseline").first() or Round.objects.create(
        slug="baseline",
        name="Baseline",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 3, 31),
        organisation=next(iter(world.organisations.values())),
    )
    taken = round_.target_villages.values("id")
    villages = list(Area.objects.villages().within("35.25").exclude(id__in=taken).order_by("code")[:n])
    round_.target_villages.add(*villages)
    for village in villages:
        i = next(_serial)
        Batch.objects.create(
            village=village,
            round=round_,
            filename=f"SINTETIS-{i}.csv",
            content_hash=f"{i:064d}",
            status=BatchStatus.COMMITTED,
            created_by=world.users["operator.leran"],
            is_synthetic=True,
        )


def _grow_programmes(world: World, n: int) -> None:
    for _ in range(n):
        make_source(make_programme(world, slug=f"program-{next(_serial)}"))


def _grow_sources(world: World, n: int) -> None:
    programme = Programme_for(world)
    for _ in range(n):
        make_source(programme, slug=f"sumber-{next(_serial)}")


def Programme_for(world: World) -> Any:
    from jaring.programmes.models import Programme

    return Programme.objects.filter(slug="baseline").first() or make_programme(world, slug="baseline")


def _grow_villages(world: World, n: int) -> None:
    """New villages in Kecamatan Manyar (the area page lists its children with counts)."""
    manyar = Area.objects.get(code="35.25.10")
    for _ in range(n):
        i = next(_serial)
        Area.objects.create(
            code=f"35.25.10.9{i:03d}",
            name=f"Desa Uji {i}",
            level=AreaLevel.VILLAGE,
            parent=manyar,
            kind="desa",
        )


def _grow_agreements(world: World, n: int) -> None:
    """Copies of the demo's MoU (same parties), each under its own number."""
    from jaring.agreements import demo
    from jaring.agreements.models import Agreement, AgreementParty

    if not Agreement.objects.exists():

        class _Report:
            pass

        report: Any = _Report()
        report.world = world
        demo.seed_demo(report, lambda _m: None)
    model = Agreement.objects.order_by("pk").first()
    assert model is not None
    parties = list(AgreementParty.objects.filter(agreement=model))
    for _ in range(n):
        copy = Agreement.objects.get(pk=model.pk)
        copy.pk = None
        copy.number = f"UJI/{next(_serial)}/2025"
        copy.save()
        for party in parties:
            party.pk = None
            party.agreement = copy
            party.save()


@dataclass(frozen=True)
class Case:
    name: str
    url: str
    actor: str
    grow: Callable[[World, int], None]
    api: bool = False


CASES = [
    Case("person list", "/persons/", "diskominfo.steward", _grow_persons),
    Case("person search", "/persons/?q=warga", "diskominfo.steward", _grow_persons),
    Case("household list", "/persons/households/", "diskominfo.steward", _grow_persons),
    Case("persons API", "/api/v1/persons?limit=100", "diskominfo.steward", _grow_persons, api=True),
    Case("batch list", "/imports/", "diskominfo.steward", _grow_batches),
    Case("batches API", "/api/v1/batches?limit=100", "diskominfo.steward", _grow_batches, api=True),
    Case("review queue", "/review/?status=all", "bps.reviewer", _grow_batches),
    Case("review queue API", "/api/v1/review/queue?limit=100", "bps.reviewer", _grow_batches, api=True),
    Case("dedup queue", "/dedup/", "bps.reviewer", _grow_pairs),
    Case("pairs API", "/api/v1/dedup/pairs?limit=100", "bps.reviewer", _grow_pairs, api=True),
    Case("conflict list", "/dedup/conflicts/?status=all", "bps.reviewer", _grow_conflicts),
    Case("conflicts API", "/api/v1/dedup/conflicts?limit=100", "bps.reviewer", _grow_conflicts, api=True),
    Case("runs API", "/api/v1/dedup/runs?limit=100", "bps.reviewer", _grow_runs, api=True),
    Case("round list", "/rounds/", "diskominfo.steward", _grow_rounds),
    Case("rounds API", "/api/v1/rounds?limit=100", "diskominfo.steward", _grow_rounds, api=True),
    Case("quality rounds", "/review/quality/", "bps.reviewer", _grow_rounds),
    Case("programme list", "/programmes/", "disnaker.officer", _grow_programmes),
    Case("programmes API", "/api/v1/programmes", "disnaker.officer", _grow_programmes, api=True),
    Case("programme detail (sources)", "/programmes/baseline/", "disnaker.officer", _grow_sources),
    Case("agreement list", "/agreements/", "diskominfo.steward", _grow_agreements),
    Case("agreements API", "/api/v1/agreements/?limit=100", "diskominfo.steward", _grow_agreements, api=True),
    Case("area search", "/areas/?q=desa%20uji", "diskominfo.steward", _grow_villages),
    Case("area page (children)", "/areas/35.25.10/", "diskominfo.steward", _grow_villages),
    Case(
        "areas API",
        "/api/v1/areas?parent=35.25.10&limit=1000",
        "diskominfo.steward",
        _grow_villages,
        api=True,
    ),
    Case("round page (villages)", "/rounds/baseline/", "diskominfo.steward", _grow_round_villages),
    Case(
        "round villages API",
        "/api/v1/rounds/baseline/villages",
        "diskominfo.steward",
        _grow_round_villages,
        api=True,
    ),
]


def _client(world: World, case: Case) -> Client:
    user = world.users[case.actor]
    if case.api:
        return token_client(user)
    client = Client()
    client.force_login(user)
    return client


def _queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_list_makes_as_many_queries_for_three_times_the_rows(world: World, case: Case) -> None:
    client = _client(world, case)
    case.grow(world, N)
    _queries(client, case.url)  # warm-up: sessions, content types, translations, caches
    few = _queries(client, case.url)
    case.grow(world, 2 * N)
    many = _queries(client, case.url)
    assert len(many) == len(few), "\n".join(sql for sql in many if sql not in few)
