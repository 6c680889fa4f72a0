import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from jaring.registry import services
from jaring.registry.models import ChangeAction, Person, PersonChange
from tests.registry.factories import make_person, nik_for


def _data(village, **over):
    data = {
        "nik": nik_for(village, sex="P", birth=dt.date(1990, 6, 5)),
        "full_name": "Siti Aminah",
        "sex": "P",
        "birth_date": dt.date(1990, 6, 5),
        "village": village,
        "phone": "0812-3456-7890",
    }
    data.update(over)
    return data


def test_it_creates_a_person_with_a_change_log_entry(world, leran_operator) -> None:
    person = services.create_person(_data(world.leran), actor=leran_operator, via="web", request_id="req-1")
    assert person.phone == "+6281234567890"
    change = PersonChange.objects.get(person_id=person.pk)
    assert change.action == ChangeAction.CREATE
    assert change.actor == leran_operator
    assert change.request_id == "req-1"
    assert change.after["full_name"] == "Siti Aminah"


def test_it_rejects_a_bad_nik(world, leran_operator) -> None:
    with pytest.raises(services.PersonInvalid) as err:
        services.create_person(_data(world.leran, nik="12345"), actor=leran_operator)
    assert any(e.field == "nik" for e in err.value.errors)
    assert not Person.objects.exists()


def test_it_rejects_a_nik_already_in_the_registry(world, leran_operator) -> None:
    existing = make_person(world.leran, "Existing", sex="P", birth_date=dt.date(1990, 6, 5))
    with pytest.raises(services.PersonInvalid):
        services.create_person(_data(world.leran, nik=existing.nik), actor=leran_operator)


def test_a_village_operator_cannot_create_a_person_in_another_village(world, leran_operator) -> None:
    with pytest.raises(PermissionDenied):
        services.create_person(_data(world.gumeno), actor=leran_operator)


def test_it_updates_with_the_current_version_and_logs_before_and_after(world, leran_operator) -> None:
    person = services.create_person(_data(world.leran), actor=leran_operator)
    updated = services.update_person(person, {"dusun": "Krajan"}, actor=leran_operator, expected_version=1)
    assert updated.version == 2
    change = PersonChange.objects.filter(action=ChangeAction.UPDATE).get()
    assert change.changed_fields() == [("dusun", "", "Krajan")]


def test_a_stale_version_raises_and_changes_nothing(world, leran_operator) -> None:
    person = services.create_person(_data(world.leran), actor=leran_operator)
    services.update_person(person, {"dusun": "Krajan"}, actor=leran_operator, expected_version=1)
    with pytest.raises(services.StaleVersion) as err:
        services.update_person(person, {"dusun": "Other"}, actor=leran_operator, expected_version=1)
    assert err.value.current == 2
    assert Person.objects.get(pk=person.pk).dusun == "Krajan"


def test_delete_keeps_the_last_image_in_the_change_log(world, leran_operator) -> None:
    person = services.create_person(_data(world.leran), actor=leran_operator)
    pk = person.pk
    services.delete_person(person, actor=leran_operator)
    assert not Person.objects.filter(pk=pk).exists()
    change = PersonChange.objects.get(person_id=pk, action=ChangeAction.DELETE)
    assert change.before["full_name"] == "Siti Aminah"
    assert change.after is None


def test_household_members_share_a_kk_and_stay_in_scope(world, leran_operator) -> None:
    from jaring.accounts.scope import scope_for

    head = make_person(world.leran, "Kepala", kk="3525100101010001", is_household_head=True)
    wife = make_person(world.leran, "Istri", sex="P", kk="3525100101010001")
    elsewhere = make_person(world.gumeno, "Sepupu", kk="3525100101010001")
    members = list(services.household_members(head, scope_for(leran_operator)))
    assert members == [wife]
    assert elsewhere not in members


def test_web_and_api_entry_use_the_imports_rules(world, leran_operator) -> None:
    # The birth date disagrees with the NIK: only the import's full rule set knows this one.
    with pytest.raises(services.PersonInvalid) as err:
        services.create_person(_data(world.leran, birth_date=dt.date(1990, 6, 6)), actor=leran_operator)
    assert [e.code for e in err.value.errors] == ["nik_birth_date_mismatch"]


def test_an_update_does_not_collide_with_its_own_nik(world, leran_operator) -> None:
    person = services.create_person(_data(world.leran), actor=leran_operator)
    updated = services.update_person(
        person, {"address": "Jl. Raya"}, actor=leran_operator, expected_version=1
    )
    assert updated.address == "Jl. Raya"


def test_an_existing_nik_is_reported_as_in_the_registry(world, leran_operator) -> None:
    first = services.create_person(_data(world.leran), actor=leran_operator)
    with pytest.raises(services.PersonInvalid) as err:
        services.create_person(_data(world.leran, nik=first.nik, full_name="Kembar"), actor=leran_operator)
    assert "nik_exists" in [e.code for e in err.value.errors]
