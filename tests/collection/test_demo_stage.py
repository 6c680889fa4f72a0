"""The demo's collection stage: one round over Gresik holding every demo batch, idempotent."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from jaring.collection.models import Round
from jaring.geo.models import Area
from jaring.imports.models import Batch


@pytest.mark.django_db
def test_the_demo_round_holds_the_demo_batches_and_a_second_run_changes_nothing(
    tmp_path: Any, settings: Any, capsys: Any
) -> None:
    settings.VAR_DIR = tmp_path
    call_command("demo", "--people", "150", "--leran", "20")
    round_ = Round.objects.get(slug="pendataan-pekerja-rentan-2025")
    assert round_.name == "Pendataan Pekerja Rentan 2025"
    assert round_.organisation.slug == "diskominfo-gresik" and round_.supervisor is not None
    assert round_.supervisor.name == "BPS Kabupaten Gresik"
    assert round_.target_villages.count() == Area.objects.within("35.25").villages().count()
    assert Batch.objects.count() > 1 and not Batch.objects.filter(round__isnull=True).exists()
    changes = round_.changes.count()
    call_command("demo", "--people", "150", "--leran", "20")
    captured = capsys.readouterr()
    assert "batches already attached" in captured.out + captured.err
    assert Round.objects.count() == 1 and round_.changes.count() == changes
