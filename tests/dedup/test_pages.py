"""The review queue and pair pages: who sees what, merge, different people and undo through the web."""

from __future__ import annotations

from typing import Any

from jaring.dedup import services
from jaring.dedup.models import CandidatePair, DedupRun, PairStatus, RunStatus
from jaring.registry.models import Person


def _queue(fake_engine: Any) -> CandidatePair:
    services.run_dedup(services.create_run(area=None, threshold=0.9, user=None))
    return CandidatePair.objects.order_by("pk").first()  # type: ignore[return-value]


def test_the_queue_lists_pairs_by_probability_for_a_reviewer(
    world, twins, steward_client, fake_engine
) -> None:
    pair = _queue(fake_engine)
    response = steward_client.get("/dedup/")
    body = response.content.decode()
    assert response.status_code == 200
    assert twins[0].nik in body and twins[1].nik in body and f"/dedup/pairs/{pair.pk}/" in body
    assert 'id="run-start"' in body


def test_the_queue_filters_by_village_and_status(
    world, twins, leran_twins, steward_client, fake_engine
) -> None:
    _queue(fake_engine)
    body = steward_client.get(f"/dedup/?village={world.gumeno.code}").content.decode()
    assert twins[1].nik in body and leran_twins[0].nik not in body
    body = steward_client.get("/dedup/?status=merged").content.decode()
    assert twins[0].nik not in body and leran_twins[0].nik not in body


def test_a_village_operator_sees_own_village_pairs_read_only(
    world, twins, leran_twins, leran_client, fake_engine
) -> None:
    _queue(fake_engine)
    body = leran_client.get("/dedup/").content.decode()
    assert leran_twins[0].nik in body
    assert twins[1].nik not in body and 'id="run-start"' not in body
    own = CandidatePair.objects.get(person_a=leran_twins[0])
    page = leran_client.get(f"/dedup/pairs/{own.pk}/").content.decode()
    assert 'id="read-only"' in page and 'id="merge-button"' not in page
    across = CandidatePair.objects.get(person_a=twins[0])
    assert leran_client.get(f"/dedup/pairs/{across.pk}/").status_code == 404
    assert leran_client.post(f"/dedup/pairs/{own.pk}/merge/").status_code == 403
    assert CandidatePair.objects.get(pk=own.pk).status == PairStatus.OPEN


def test_sponsors_never_see_the_queue(world, twins, sponsor_client, fake_engine) -> None:
    pair = _queue(fake_engine)
    assert sponsor_client.get("/dedup/").status_code == 403
    assert sponsor_client.get(f"/dedup/pairs/{pair.pk}/").status_code == 403


def test_the_pair_page_shows_both_records_and_highlights_differences(
    world, twins, steward_client, fake_engine
) -> None:
    pair = _queue(fake_engine)
    body = steward_client.get(f"/dedup/pairs/{pair.pk}/").content.decode()
    assert "Siti Djuwariyah" in body and "Siti Juwariyah" in body
    assert 'class="differs" id="row-phone"' in body and 'class="" id="row-birth_date"' in body
    assert 'name="choice_phone" value="b"' in body and 'id="merge-button"' in body


def test_merge_and_undo_through_the_pages(world, twins, steward_client, fake_engine) -> None:
    a, b = twins
    pair = _queue(fake_engine)
    form = {"choice_nik": "b", "choice_full_name": "a", "version_a": "1", "version_b": "1"}
    response = steward_client.post(f"/dedup/pairs/{pair.pk}/merge/", form)
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.merged_into == b and b.full_name == "Siti Djuwariyah"
    body = steward_client.get(f"/dedup/pairs/{pair.pk}/").content.decode()
    assert 'id="undo-button"' in body
    steward_client.post(f"/dedup/pairs/{pair.pk}/undo/")
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.merged_into is None and b.full_name == "Siti Juwariyah"
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.OPEN


def test_a_stale_merge_from_the_page_shows_an_error_and_changes_nothing(
    world, twins, steward_client, fake_engine
) -> None:
    pair = _queue(fake_engine)
    response = steward_client.post(
        f"/dedup/pairs/{pair.pk}/merge/", {"version_a": "1", "version_b": "9"}, follow=True
    )
    assert "versi" in response.content.decode() or "version" in response.content.decode()
    assert Person.objects.current().count() == 2


def test_different_people_from_the_page(world, twins, steward_client, fake_engine) -> None:
    pair = _queue(fake_engine)
    steward_client.post(f"/dedup/pairs/{pair.pk}/distinct/")
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.DISTINCT


def test_a_run_started_from_the_page_runs_as_a_job_with_a_status_for_the_bar(
    world, twins, steward_client, fake_engine, data_steward
) -> None:
    response = steward_client.post("/dedup/runs/start/", {"threshold": "0.95"})
    assert response.status_code == 302
    run = DedupRun.objects.get()
    assert run.status == RunStatus.DONE and run.threshold == 0.95 and run.created_by == data_steward
    assert run.area == world.regency
    status = steward_client.get(f"/dedup/runs/{run.pk}/status/").json()
    assert status["finished"] is True and status["progress"] == 1.0
    assert CandidatePair.objects.count() == 1


def test_operators_cannot_start_a_run(world, twins, leran_client, fake_engine) -> None:
    assert leran_client.post("/dedup/runs/start/", {"threshold": "0.9"}).status_code == 403
    assert not DedupRun.objects.exists()


def test_a_run_in_progress_blocks_a_second_one_unless_it_was_abandoned(
    world, twins, steward_client, fake_engine
) -> None:
    import datetime as dt

    from django.utils import timezone

    stuck = DedupRun.objects.create(status=RunStatus.RUNNING, threshold=0.9)
    steward_client.post("/dedup/runs/start/", {"threshold": "0.9"})
    assert DedupRun.objects.count() == 1
    DedupRun.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - dt.timedelta(hours=4))
    steward_client.post("/dedup/runs/start/", {"threshold": "0.9"})
    assert DedupRun.objects.filter(status=RunStatus.DONE).count() == 1


def test_the_queue_searches_by_nik_or_name(world, twins, leran_twins, steward_client, fake_engine) -> None:
    _queue(fake_engine)
    body = steward_client.get(f"/dedup/?q={leran_twins[1].nik[:14]}").content.decode()
    assert leran_twins[0].nik in body and twins[0].nik not in body
    body = steward_client.get("/dedup/?q=siti+j").content.decode()
    assert twins[0].nik in body and leran_twins[0].nik not in body


def test_a_cluster_pair_whose_record_was_merged_leaves_the_queue(world, steward_client, fake_engine) -> None:
    import datetime as dt

    from tests.registry.factories import make_person

    born = dt.date(1970, 7, 7)
    a, b, c = (
        make_person(world.leran, name, birth_date=born) for name in ("Joko Susilo", "Joko Susila", "Joko S")
    )
    _queue(fake_engine)
    assert CandidatePair.objects.count() == 3
    services.merge_pair(CandidatePair.objects.get(person_a=a, person_b=b), actor=None)
    body = steward_client.get("/dedup/").content.decode()
    # a survived, b is merged: b~c can no longer be decided, a~c can.
    stale = CandidatePair.objects.get(person_a=b, person_b=c)
    assert f"/dedup/pairs/{stale.pk}/" not in body
    assert f"/dedup/pairs/{CandidatePair.objects.get(person_a=a, person_b=c).pk}/" in body
    page = steward_client.get(f"/dedup/pairs/{stale.pk}/").content.decode()
    assert 'id="stale-pair"' in page and 'id="merge-button"' not in page


def test_a_merged_record_says_so_on_its_page_and_in_the_list(
    world, twins, steward_client, fake_engine
) -> None:
    a, b = twins
    pair = _queue(fake_engine)
    form = {"choice_nik": "b", "choice_full_name": "a", "version_a": "1", "version_b": "1"}
    assert steward_client.post(f"/dedup/pairs/{pair.pk}/merge/", form).status_code == 302
    page = steward_client.get(f"/persons/{a.pk}/").content.decode()
    assert 'id="person-merged"' in page and f'href="/persons/{b.pk}/"' in page
    assert 'id="person-merged"' not in steward_client.get(f"/persons/{b.pk}/").content.decode()
    listing = steward_client.get("/persons/", {"q": a.nik}).content.decode()
    assert "Digabung ke rekaman lain sebagai duplikat" in listing
