"""The identity rules on single records (the path the web and API forms use)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jaring.imports.validation import validate_records
from jaring.registry.models import Person

# 35.25.10 = Manyar, Gresik; born 05/03/1985; a man (day < 40).
NIK_MAN = "3525100503850001"
NIK_WOMAN = "3525104503850002"  # day 45 = 5th, female


def record(**kw: Any) -> dict[str, Any]:
    base = {"nik": NIK_MAN, "full_name": "Budi Santoso", "sex": "L", "birth_date": dt.date(1985, 3, 5)}
    base.update(kw)
    return base


def codes(issues: list[Any]) -> set[str]:
    return {i.code for i in issues}


@pytest.mark.django_db
def test_a_consistent_record_has_no_issue(world: Any) -> None:
    assert validate_records([record()], world.leran) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "code", "severity"),
    [
        ({"nik": "35251005038500"}, "nik_length", "error"),
        ({"nik": "3525103202850001"}, "nik_birth_date", "error"),  # 32 February
        ({"sex": "P"}, "nik_sex_mismatch", "error"),
        ({"nik": NIK_WOMAN}, "nik_sex_mismatch", "error"),
        ({"birth_date": dt.date(1985, 3, 6)}, "nik_birth_date_mismatch", "error"),
        ({"nik": "3599100503850001"}, "nik_region_unknown", "error"),
        ({"nik": "3525990503850001"}, "nik_district_unknown", "warning"),
        ({"nik": "3578100503850001"}, "nik_outside_regency", "warning"),
        ({"nik": "3525100503200001", "birth_date": dt.date(2020, 3, 5)}, "age_outside_limits", "warning"),
        ({"full_name": ""}, "required_missing", "error"),
    ],
)
def test_each_rule_reports_its_code(world: Any, changes: dict[str, Any], code: str, severity: str) -> None:
    issues = validate_records([record(**changes)], world.leran)
    found = [i for i in issues if i.code == code]
    assert found, issues
    assert found[0].severity == severity
    assert found[0].message_id and found[0].message_en


@pytest.mark.django_db
def test_the_nik_two_digit_year_is_read_in_the_right_century(world: Any) -> None:
    # 05/03/2005: year digits "05" mean 2005, not 1905, so it agrees with the birth-date column.
    nik = "3525100503050001"
    issues = validate_records([record(nik=nik, birth_date=dt.date(2005, 3, 5))], world.leran)
    assert "nik_birth_date_mismatch" not in codes(issues)


@pytest.mark.django_db
def test_a_nik_already_in_the_registry_is_an_error_but_not_for_the_same_person(world: Any) -> None:
    p = Person.objects.create(nik=NIK_MAN, full_name="Budi", sex="L", village=world.leran)
    assert "nik_exists" in codes(validate_records([record()], world.leran))
    assert "nik_exists" not in codes(validate_records([record()], world.leran, exclude_person_id=p.pk))


@pytest.mark.django_db
def test_duplicate_niks_among_records_point_at_the_first(world: Any) -> None:
    issues = validate_records([record(), record(full_name="Budi Lagi")], world.leran)
    dup = [i for i in issues if i.code == "nik_duplicate_in_file"]
    assert len(dup) == 1 and dup[0].row == 2 and "1" in dup[0].message_en
