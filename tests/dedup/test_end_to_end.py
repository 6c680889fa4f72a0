"""Through the real linkage engine (Splink): a small synthetic registry with known duplicates."""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command

from jaring.dedup import services
from jaring.dedup.lib import linkage
from jaring.dedup.models import CandidatePair, PairStatus
from jaring.dedup.records import RECORD_SCHEMA, registry_frame
from jaring.registry.models import Person
from tests.registry.factories import nik_for

FIRST = ["Siti", "Ahmad", "Budi", "Dewi", "Agus", "Sri", "Eko", "Nur", "Rina", "Joko", "Wahyu", "Yuni"]
LAST = [
    "Djuwariyah",
    "Santoso",
    "Hidayat",
    "Rahayu",
    "Wijaya",
    "Setiawan",
    "Lestari",
    "Purnomo",
    "Susanto",
    "Kurniawan",
    "Handayani",
    "Prasetyo",
    "Saputra",
    "Wulandari",
    "Hartono",
    "Suharto",
]


def _variant(name: str) -> str:
    """An old/new spelling variant as two offices would write the same name."""
    for old, new in (("dj", "j"), ("oe", "u"), ("u", "oe"), ("j", "dj")):
        if old in name.lower():
            return name.replace(old, new).replace(old.capitalize(), new.capitalize())
    return name + "h"


@pytest.fixture
def registry(world: Any) -> list[tuple[int, int]]:
    """240 synthetic persons of Leran and Gumeno, 12 of them registered a second time with variations."""
    rnd = random.Random(7)
    people: list[Person] = []
    for i in range(240):
        sex = "P" if i % 2 else "L"
        born = dt.date(1960, 1, 1) + dt.timedelta(days=rnd.randrange(15000))
        village = world.leran if i % 3 else world.gumeno
        people.append(
            Person(
                nik=nik_for(village, sex=sex, birth=born, serial=1000 + i),
                full_name=f"{rnd.choice(FIRST)} {rnd.choice(LAST)} {rnd.choice(LAST)}",
                sex=sex,
                birth_date=born,
                village=village,
                kk=f"35251001{i:08d}",
                phone=f"+62812{rnd.randrange(10**7, 10**8)}",
                is_synthetic=True,
            )
        )
    originals = Person.objects.bulk_create(people)
    dups = []
    for j, p in enumerate(originals[:12]):
        nik = p.nik[:-1] + str((int(p.nik[-1]) + 1) % 10)  # a one-digit typo
        dups.append(
            Person(
                nik=nik,
                full_name=_variant(p.full_name),
                sex=p.sex,
                birth_date=p.birth_date,
                village=world.gumeno if j % 2 else p.village,
                kk=p.kk,
                phone=p.phone if j % 3 else "",
                is_synthetic=True,
            )
        )
    copies = Person.objects.bulk_create(dups)
    return [(min(a.pk, b.pk), max(a.pk, b.pk)) for a, b in zip(originals[:12], copies, strict=True)]


def test_the_record_frame_matches_the_engine_schema(world) -> None:
    assert pl.Schema(RECORD_SCHEMA) == pl.Schema(linkage.RECORD_SCHEMA)
    assert registry_frame(Person.objects.all()).schema == pl.Schema(linkage.RECORD_SCHEMA)


def test_the_real_engine_finds_the_known_duplicates_and_remembers_decisions(world, registry) -> None:
    outcome = services.run_dedup(services.create_run(area=None, threshold=0.9, user=None))
    found = set(CandidatePair.objects.values_list("person_a_id", "person_b_id"))
    truth = set(registry)
    assert outcome.records == 252
    assert len(found & truth) >= 10, (len(found & truth), len(found))
    assert len(found - truth) <= 3
    # "Different people" on one true pair: the next run does not propose it again.
    pair = CandidatePair.objects.filter(status=PairStatus.OPEN).order_by("pk").first()
    assert pair is not None
    services.mark_distinct(pair, actor=None)
    services.run_dedup(services.create_run(area=None, threshold=0.9, user=None))
    assert not CandidatePair.objects.filter(
        person_a_id=pair.person_a_id, person_b_id=pair.person_b_id, status=PairStatus.OPEN
    ).exists()


def test_the_cli_json_through_the_real_engine(world, registry, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("dedup", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["records"] == 252 and len(data["pairs"]) >= 10
    assert all(len(c) >= 2 for c in data["clusters"])
    niks = dict(Person.objects.values_list("pk", "nik"))
    truth = {frozenset((niks[a], niks[b])) for a, b in registry}
    assert sum(frozenset((p["a"], p["b"])) in truth for p in data["pairs"]) >= 10


def test_jaring_link_through_the_real_engine(
    world, registry, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    known = list(Person.objects.order_by("pk").select_related("village")[100:105])
    lines = ["NIK,No KK,Nama Lengkap,Jenis Kelamin,Tanggal Lahir,Kode Desa,No HP"]
    lines += [
        f"{p.nik},{p.kk},{p.full_name},{p.sex},{p.birth_date:%d-%m-%Y},{p.village.code},{p.phone}"
        for p in known
    ]
    lines += [
        f"3525100101450001,3525100101459999,Tidak Terdaftar,L,01-01-1945,{world.leran.code},",
        f"3525104202500001,3525104202509999,Orang Asing,P,02-02-1950,{world.gumeno.code},",
    ]
    listing = tmp_path / "bpjs.csv"
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    columns = "nik,kk,full_name,sex,birth_date,village_code,phone"
    call_command("link", str(listing), "--columns", columns, "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["rows"] == 7 and data["matched"] == 5 and data["unmatched"] == 2
    matched = [r["person_id"] for r in data["listing"] if r["status"] == "matched"]
    assert matched == [p.pk for p in known]
