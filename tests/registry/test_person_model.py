import datetime as dt

import pytest

from jaring.registry.models import OccupationCategory, Person


@pytest.mark.django_db
def test_occupation_categories_are_seeded_with_aliases() -> None:
    fisherman = OccupationCategory.objects.get(slug="fisherman")
    assert "nelayan tangkap" in fisherman.aliases
    assert OccupationCategory.objects.filter(kbji_major__isnull=False, is_local=False).count() == 10


def test_it_computes_age_on_a_day(world) -> None:
    p = Person(
        nik="3525104506900001",
        full_name="Siti Aminah",
        sex="P",
        birth_date=dt.date(1990, 6, 5),
        village=world.leran,
    )
    assert p.age_on(dt.date(2025, 6, 4)) == 34
    assert p.age_on(dt.date(2025, 6, 5)) == 35


def test_it_keeps_a_search_key_of_the_name(world) -> None:
    p = Person.objects.create(
        nik="3525104506900001", full_name="  Hj. Siti  Aminah ", sex="P", village=world.leran
    )
    assert p.name_search == "hj siti aminah"
