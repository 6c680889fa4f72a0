"""The review flow: who may take which step from where, and the history it leaves."""

from __future__ import annotations

from typing import Any

import pytest

from jaring.imports.models import Batch, ReviewStatus
from jaring.registry.models import Person
from jaring.review.models import ReviewEvent
from jaring.review.services import ReviewError, add_row_comment, allowed_actions, transition


def test_a_batch_goes_from_submitted_through_return_and_resubmission_to_approved(
    leran_batch: Batch, leran_operator: Any, bps_reviewer: Any
) -> None:
    transition(leran_batch, "submit", leran_operator)
    transition(leran_batch, "start", bps_reviewer)
    transition(leran_batch, "return", bps_reviewer, comment="Nomor HP baris 3 salah")
    assert Batch.objects.get(pk=leran_batch.pk).review_status == ReviewStatus.RETURNED
    transition(leran_batch, "resubmit", leran_operator, comment="diperbaiki")
    transition(leran_batch, "start", bps_reviewer)
    transition(leran_batch, "approve", bps_reviewer)
    steps = list(
        ReviewEvent.objects.filter(batch=leran_batch).values_list("action", "from_status", "to_status")
    )
    assert steps == [
        ("submit", "not_submitted", "submitted"),
        ("start", "submitted", "in_review"),
        ("return", "in_review", "returned"),
        ("resubmit", "returned", "resubmitted"),
        ("start", "resubmitted", "in_review"),
        ("approve", "in_review", "approved"),
    ]
    events = ReviewEvent.objects.filter(batch=leran_batch)
    assert {e.actor.get_username() for e in events if e.actor} == {"operator.leran", "bps.reviewer"}
    assert events.get(action="return").comment == "Nomor HP baris 3 salah"


def test_only_persons_of_approved_batches_count_for_programmes(
    leran_batch: Batch, leran_operator: Any, bps_reviewer: Any
) -> None:
    assert Person.objects.approved().count() == 0
    transition(leran_batch, "submit", leran_operator)
    transition(leran_batch, "start", bps_reviewer)
    assert Person.objects.approved().count() == 0
    transition(leran_batch, "approve", bps_reviewer)
    assert Person.objects.approved().count() == 5


def test_it_refuses_an_illegal_step_with_a_bilingual_message(leran_batch: Batch, bps_reviewer: Any) -> None:
    with pytest.raises(ReviewError) as refused:
        transition(leran_batch, "approve", bps_reviewer)
    assert refused.value.status == 409
    assert "tidak mungkin" in refused.value.message_id and "not possible" in refused.value.message_en
    assert not ReviewEvent.objects.exists()


def test_an_operator_cannot_approve_and_a_reviewer_cannot_submit(
    leran_batch: Batch, leran_operator: Any, bps_reviewer: Any
) -> None:
    with pytest.raises(ReviewError) as by_reviewer:
        transition(leran_batch, "submit", bps_reviewer)
    assert by_reviewer.value.status == 403
    transition(leran_batch, "submit", leran_operator)
    with pytest.raises(ReviewError) as by_operator:
        transition(leran_batch, "start", leran_operator)
    assert by_operator.value.status == 403


def test_another_village_operator_cannot_submit_the_batch(leran_batch: Batch, gumeno_operator: Any) -> None:
    with pytest.raises(ReviewError) as refused:
        transition(leran_batch, "submit", gumeno_operator)
    assert refused.value.code == "forbidden"


def test_nobody_reviews_their_own_upload(
    world: Any, var_dir: Any, bps_reviewer: Any, data_steward: Any
) -> None:
    from django.contrib.auth import get_user_model

    from jaring.accounts.models import Profile
    from tests.review.conftest import LERAN, committed_batch, good_rows

    # A steward uploads, then (given a reviewer's role) must still not approve their own file.
    batch = committed_batch(var_dir, world.leran, data_steward, good_rows(2, LERAN), "own")
    transition(batch, "submit", data_steward)
    Profile.objects.filter(user=data_steward).update(role="bps_reviewer")
    as_reviewer = get_user_model().objects.get(pk=data_steward.pk)  # fresh: no cached scope
    with pytest.raises(ReviewError) as refused:
        transition(batch, "start", as_reviewer)
    assert refused.value.code == "own_upload"
    transition(batch, "start", bps_reviewer)
    assert allowed_actions(batch, bps_reviewer) == ["return", "approve"]


def test_returning_needs_a_comment_or_a_row_comment(
    leran_batch: Batch, leran_operator: Any, bps_reviewer: Any
) -> None:
    transition(leran_batch, "submit", leran_operator)
    transition(leran_batch, "start", bps_reviewer)
    with pytest.raises(ReviewError) as refused:
        transition(leran_batch, "return", bps_reviewer)
    assert refused.value.code == "comment_required"
    note = add_row_comment(leran_batch, bps_reviewer, text="Nama tidak lengkap", row=3)
    assert note.person is not None and note.person.source_row == 3
    transition(leran_batch, "return", bps_reviewer)
    assert Batch.objects.get(pk=leran_batch.pk).review_status == ReviewStatus.RETURNED


def test_a_row_comment_refuses_a_row_outside_the_file_and_a_person_of_another_batch(
    leran_batch: Batch, bps_reviewer: Any, world: Any
) -> None:
    from tests.registry.factories import make_person

    with pytest.raises(ReviewError):
        add_row_comment(leran_batch, bps_reviewer, text="x", row=99)
    stranger = make_person(world.gumeno, "Orang Lain")
    with pytest.raises(ReviewError) as refused:
        add_row_comment(leran_batch, bps_reviewer, text="x", person_id=stranger.pk)
    assert refused.value.code == "person_not_in_batch"


def test_an_uncommitted_batch_cannot_be_submitted(world: Any, leran_operator: Any) -> None:
    batch = Batch.objects.create(village=world.leran, filename="t.csv", content_hash="0" * 64)
    with pytest.raises(ReviewError) as refused:
        transition(batch, "submit", leran_operator)
    assert refused.value.code == "not_committed"
