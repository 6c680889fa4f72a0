"""`jaring demo` on a small scale: synthetic workers through the import pipeline, and idempotence."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from jaring.core.world import DEMO_PASSWORD, USERS
from jaring.geo.models import Area
from jaring.imports.models import Batch, BatchStatus
from jaring.registry.models import BatchChange, Person, PersonChange


@pytest.fixture
def demo_dir(tmp_path: Any, settings: Any) -> Any:
    settings.VAR_DIR = tmp_path
    return tmp_path / "demo"


@pytest.mark.django_db
def test_the_demo_loads_synthetic_workers_through_imports_and_a_second_run_changes_nothing(
    demo_dir: Any, capsys: Any
) -> None:
    call_command("demo", "--people", "400", "--leran", "60")
    out = capsys.readouterr().out
    assert "SINTETIS" in out and DEMO_PASSWORD in out
    assert all(username in out for username, *_ in USERS)

    persons = Person.objects.count()
    assert 300 < persons <= 400  # a few rows with errors are left out (low noise)
    assert not Person.objects.filter(is_synthetic=False).exists()
    leran = Person.objects.filter(village__code="35.25.10.2010")
    assert 50 <= leran.count() <= 60
    assert leran.filter(occupation__slug="fisherman").count() > leran.count() / 2

    batches = Batch.objects.filter(status=BatchStatus.COMMITTED)
    assert batches.count() == 19  # Leran + 18 districts
    assert all(b.is_synthetic for b in batches)
    leran_batch = batches.get(village__code="35.25.10.2010")
    assert leran_batch.created_by is not None and leran_batch.created_by.username == "operator.leran"
    assert {b.created_by.username for b in batches.exclude(pk=leran_batch.pk) if b.created_by} == {
        "diskominfo.steward"
    }
    # One change event per batch, covering every person it created.
    assert sum(BatchChange.objects.values_list("rows", flat=True)) == persons

    leran_area = Area.objects.get(code="35.25.10.2010")
    assert leran_area.boundary is not None and leran_area.boundary_approximate
    assert sorted(p.name for p in demo_dir.glob("*.csv"))[0].startswith("SINTETIS-")

    changes = PersonChange.objects.count() + BatchChange.objects.count()
    batch_ids = sorted(Batch.objects.values_list("id", flat=True))
    call_command("demo", "--people", "400", "--leran", "60")
    assert "0 rows committed by this run" in capsys.readouterr().out
    assert Person.objects.count() == persons
    assert PersonChange.objects.count() + BatchChange.objects.count() == changes
    assert sorted(Batch.objects.values_list("id", flat=True)) == batch_ids
    assert sum(b.rows_committed for b in Batch.objects.filter(status=BatchStatus.COMMITTED)) == persons
