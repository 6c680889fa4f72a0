"""Exact NIK conflicts: rows refused at import because the NIK is registered, recorded and resolved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from jaring.dedup import services
from jaring.dedup.models import ConflictStatus, NikConflict
from jaring.imports.services import run_import
from jaring.registry.models import ChangeAction, Person, PersonChange
from tests.imports.conftest import HEADER, nik, write_csv
from tests.registry.factories import make_person

NIK_A = nik(12, 3, 1985, 901)


@pytest.fixture
def conflicts(world: Any, tmp_path: Path, settings: Any, leran_operator: Any) -> dict[str, Any]:
    """Gumeno registers a man; Leran's file then has him again, and one NIK twice."""
    import datetime as dt

    settings.VAR_DIR, settings.MEDIA_ROOT = tmp_path / "var", tmp_path / "media"

    registered = make_person(world.gumeno, "Moch Soleh", nik=NIK_A, birth_date=dt.date(1985, 3, 12))
    twice = nik(1, 2, 1981, 902)
    rows = [
        [1, NIK_A, "Mochamad Sholeh", "L", "12/03/1985", world.leran.code, "Nelayan", "081234567801"],
        [2, twice, "Budi Santoso", "L", "01/02/1981", world.leran.code, "Petani", "081234567802"],
        [3, twice, "Budi Santosa", "L", "01/02/1981", world.leran.code, "Petani", "081234567803"],
    ]
    path = write_csv(tmp_path / "leran.csv", rows, HEADER)
    batch = run_import(path, village=world.leran, user=leran_operator, commit=True, is_synthetic=True)
    assert batch.rows_committed == 1
    return {"registered": registered, "twice": twice, "batch": batch}


def test_refused_rows_become_conflicts_with_the_incoming_values(world, conflicts) -> None:
    assert services.collect_conflicts() == 2
    first = NikConflict.objects.get(row=2)
    assert first.code == "nik_exists" and first.person == conflicts["registered"]
    assert first.incoming["full_name"] == "Mochamad Sholeh"
    assert first.incoming["village_id"] == world.leran.pk and first.incoming["phone"] == "+6281234567801"
    second = NikConflict.objects.get(row=4)
    assert second.code == "nik_duplicate_in_file"
    assert second.person == Person.objects.get(nik=conflicts["twice"])
    assert second.incoming["full_name"] == "Budi Santosa"


def test_collecting_twice_records_nothing_new(world, conflicts) -> None:
    services.collect_conflicts()
    assert services.collect_conflicts() == 0
    assert NikConflict.objects.count() == 2


def test_taking_the_new_row_updates_the_person_with_the_change_log(world, conflicts, data_steward) -> None:
    services.collect_conflicts()
    conflict = NikConflict.objects.get(row=2)
    services.resolve_conflict(conflict, ConflictStatus.TAKEN, actor=data_steward, expected_version=1)
    person = Person.objects.get(pk=conflicts["registered"].pk)
    assert person.full_name == "Mochamad Sholeh" and person.village == world.leran and person.version == 2
    change = PersonChange.objects.get(person_id=person.pk, action=ChangeAction.UPDATE)
    assert change.actor == data_steward and (change.before or {})["village_id"] == world.gumeno.pk
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.TAKEN and conflict.decided_by == data_steward


def test_keeping_or_returning_changes_no_person(world, conflicts, data_steward) -> None:
    services.collect_conflicts()
    services.resolve_conflict(NikConflict.objects.get(row=2), ConflictStatus.KEPT, actor=data_steward)
    services.resolve_conflict(
        NikConflict.objects.get(row=4), ConflictStatus.RETURNED, actor=data_steward, note="NIK salah ketik"
    )
    assert not PersonChange.objects.filter(action=ChangeAction.UPDATE).exists()
    assert NikConflict.objects.get(row=4).note == "NIK salah ketik"
    with pytest.raises(services.DedupError):
        services.resolve_conflict(NikConflict.objects.get(row=2), ConflictStatus.TAKEN, actor=data_steward)


def test_a_village_operator_does_not_resolve_conflicts(world, conflicts, leran_operator) -> None:
    services.collect_conflicts()
    with pytest.raises(PermissionDenied):
        services.resolve_conflict(NikConflict.objects.get(row=4), ConflictStatus.KEPT, actor=leran_operator)


def test_the_operator_sees_the_conflict_but_not_the_other_villages_person(
    world, conflicts, leran_client, gumeno_client
) -> None:
    services.collect_conflicts()
    conflict = NikConflict.objects.get(row=2)
    body = leran_client.get(f"/dedup/conflicts/{conflict.pk}/").content.decode()
    assert 'id="outside-scope"' in body and "Moch Soleh" not in body and 'id="resolve-form"' not in body
    # Gumeno's operator does not see Leran's batch at all.
    assert gumeno_client.get(f"/dedup/conflicts/{conflict.pk}/").status_code == 404


def test_a_steward_resolves_a_conflict_on_the_page_and_through_the_api(
    world, conflicts, steward_client, data_steward
) -> None:
    from tests.api.conftest import token_client

    services.collect_conflicts()
    first, second = NikConflict.objects.get(row=2), NikConflict.objects.get(row=4)
    body = steward_client.get(f"/dedup/conflicts/{first.pk}/").content.decode()
    assert "Moch Soleh" in body and "Mochamad Sholeh" in body and 'id="resolve-form"' in body
    steward_client.post(f"/dedup/conflicts/{first.pk}/resolve/", {"resolution": "kept", "version": "1"})
    assert NikConflict.objects.get(pk=first.pk).status == ConflictStatus.KEPT
    client = token_client(data_steward)
    listed = client.get("/api/v1/dedup/conflicts").json()
    assert [c["id"] for c in listed["items"]] == [second.pk]
    response = client.post(
        f"/api/v1/dedup/conflicts/{second.pk}/resolve",
        data='{"resolution": "returned", "note": "beda orang"}',
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "returned"


def test_a_dedup_run_records_new_conflicts_first(world, conflicts, fake_engine) -> None:
    services.run_dedup(services.create_run(area=None, threshold=0.9, user=None))
    assert NikConflict.objects.count() == 2


def test_undoing_a_taken_row_restores_the_person_and_reopens_the_conflict(
    world, conflicts, data_steward
) -> None:
    services.collect_conflicts()
    conflict = NikConflict.objects.get(row=2)
    before = Person.objects.get(pk=conflicts["registered"].pk).snapshot()
    services.resolve_conflict(conflict, ConflictStatus.TAKEN, actor=data_steward, note="sama orang")
    services.reopen_conflict(conflict, actor=data_steward)
    person = Person.objects.get(pk=conflicts["registered"].pk)
    assert person.snapshot() == before and person.version == 3
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.OPEN and conflict.decided_by is None
    assert "sama orang" in conflict.note and "reopened, was taken" in conflict.note
    services.resolve_conflict(conflict, ConflictStatus.KEPT, actor=data_steward, note="tetap")
    conflict.refresh_from_db()
    assert conflict.note.startswith("sama orang") and conflict.note.endswith("tetap")


def test_undoing_refuses_when_the_person_changed_after_the_resolution(world, conflicts, data_steward) -> None:
    from jaring.registry.services import StaleVersion

    services.collect_conflicts()
    conflict = NikConflict.objects.get(row=2)
    services.resolve_conflict(conflict, ConflictStatus.TAKEN, actor=data_steward)
    Person.objects.filter(pk=conflicts["registered"].pk).update(version=9)
    with pytest.raises(StaleVersion):
        services.reopen_conflict(conflict, actor=data_steward)
    assert NikConflict.objects.get(pk=conflict.pk).status == ConflictStatus.TAKEN


def test_reopening_from_the_page_and_the_api(world, conflicts, steward_client, data_steward) -> None:
    from tests.api.conftest import token_client

    services.collect_conflicts()
    first, second = NikConflict.objects.get(row=2), NikConflict.objects.get(row=4)
    for c in (first, second):
        services.resolve_conflict(c, ConflictStatus.KEPT, actor=data_steward)
    page = steward_client.get(f"/dedup/conflicts/{first.pk}/").content.decode()
    assert 'id="reopen-button"' in page
    steward_client.post(f"/dedup/conflicts/{first.pk}/reopen/")
    assert NikConflict.objects.get(pk=first.pk).status == ConflictStatus.OPEN
    response = token_client(data_steward).post(f"/api/v1/dedup/conflicts/{second.pk}/reopen")
    assert response.status_code == 200 and response.json()["status"] == "open"
    again = token_client(data_steward).post(f"/api/v1/dedup/conflicts/{second.pk}/reopen")
    assert again.status_code == 409
