"""The demo's review stage: BPS approves the demo batches except one returned district batch; idempotent."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from jaring.imports.models import Batch, BatchStatus, ReviewStatus
from jaring.registry.models import Person
from jaring.review.models import ReviewEvent, RowComment


@pytest.mark.django_db
def test_the_demo_approves_all_batches_but_one_returned_with_comments(tmp_path: Any, settings: Any) -> None:
    settings.VAR_DIR = tmp_path
    call_command("demo", "--people", "300", "--leran", "40")
    batches = Batch.objects.filter(status=BatchStatus.COMMITTED)
    returned = batches.filter(review_status=ReviewStatus.RETURNED)
    assert returned.count() == 1
    assert returned.get().village.code != "35.25.10.2010"
    assert batches.exclude(review_status__in=[ReviewStatus.APPROVED, ReviewStatus.RETURNED]).count() == 0
    assert batches.get(village__code="35.25.10.2010").review_status == ReviewStatus.APPROVED
    back = ReviewEvent.objects.get(action="return")
    assert back.actor is not None and back.actor.get_username() == "bps.reviewer" and back.comment
    note = RowComment.objects.get()
    assert note.batch_id == returned.get().pk and note.person is not None
    returned_persons = Person.objects.filter(batch__review_status=ReviewStatus.RETURNED).count()
    assert Person.objects.approved().count() == Person.objects.count() - returned_persons > 0

    events = ReviewEvent.objects.count()
    call_command("demo", "--people", "300", "--leran", "40")
    assert ReviewEvent.objects.count() == events
    assert RowComment.objects.count() == 1
