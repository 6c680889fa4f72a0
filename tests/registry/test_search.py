import pytest
from django.db import connection

from jaring.registry.models import Person
from jaring.registry.search import PersonFilters, capped_count, search_q
from tests.registry.factories import make_person


@pytest.fixture
def names(world):
    for name in ["Siti Aminah", "SITI-AISYAH", "Sitiawati", "Ahmad Siti", "Hj. Siti Ámina"]:
        make_person(world.leran, name, sex="P")


def _found(q: str) -> list[str]:
    return sorted(Person.objects.filter(search_q(q)).values_list("full_name", flat=True))


def test_name_search_matches_the_start_of_the_normalised_name(names) -> None:
    assert _found("siti") == ["SITI-AISYAH", "Siti Aminah", "Sitiawati"]
    assert _found("SITI AM") == ["Siti Aminah"]
    assert _found("siti a") == ["SITI-AISYAH", "Siti Aminah"]
    assert _found("hj siti am") == ["Hj. Siti Ámina"]


def test_name_search_does_not_match_inside_a_name(names) -> None:
    assert _found("aminah") == []
    assert _found("sitia") == ["Sitiawati"]


def test_a_nik_or_its_first_digits_find_the_person(world) -> None:
    p = make_person(world.leran, "Nik Person")
    assert list(Person.objects.filter(search_q(p.nik))) == [p]
    assert list(Person.objects.filter(search_q(p.nik[:10]))) == [p]
    assert list(Person.objects.filter(search_q(f"{p.nik[:6]} {p.nik[6:]}"))) == [p]


def test_counts_are_capped(world, names) -> None:
    qs = PersonFilters(q="siti").apply(Person.objects.all())
    assert capped_count(qs) == (3, False)
    assert capped_count(qs, cap=2) == (2, True)


def test_name_search_compares_bytewise_on_postgresql(db) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite compares text bytewise (BINARY) already")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT collation_name FROM information_schema.columns"
            " WHERE table_name = 'registry_person' AND column_name = 'name_search'"
        )
        assert cur.fetchone()[0] == "C"
