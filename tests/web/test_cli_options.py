"""The commands' --user and area options: the named object, or one clear bilingual error."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jaring.core.lib.cli import named_user
from jaring.geo.cli import area_by_code


def test_a_named_user_is_found_and_no_name_means_nobody(world: Any, leran_operator: Any) -> None:
    assert named_user("operator.leran") == leran_operator
    assert named_user(None) is None and named_user("") is None


def test_an_unknown_user_is_refused_in_both_languages(world: Any) -> None:
    with pytest.raises(CommandError, match="pengguna 'nobody' tidak ada / no user 'nobody'"):
        named_user("nobody")


def test_an_unknown_area_code_is_refused_with_its_hint(world: Any) -> None:
    assert area_by_code("35.25.10.2010") == world.leran
    with pytest.raises(CommandError, match=r"unknown area code '99\.99' \(load the areas first"):
        area_by_code("99.99", hint="load the areas first: jaring geo load")


def test_the_dedup_command_refuses_an_unknown_user_before_running(world: Any) -> None:
    from jaring.dedup.models import DedupRun

    with pytest.raises(CommandError, match="no user 'nobody'"):
        call_command("dedup", "--user", "nobody")
    assert not DedupRun.objects.exists()
