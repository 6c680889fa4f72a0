"""The layer contract's registrations: lower apps learn about higher ones at start-up, not by import."""

from __future__ import annotations

import subprocess
import sys

from jaring.accounts.scope import SCOPED_KINDS, scoped_model
from jaring.collection import services as round_services
from jaring.geo.models import Area
from jaring.imports.models import Batch, ReviewStatus
from jaring.imports.rounds import rules as round_rules
from jaring.imports.validation import validate_records
from jaring.programmes import services as programme_services
from jaring.registry import hooks
from jaring.registry.models import APPROVED_REVIEW, Person


def test_scope_knows_the_area_person_and_batch_models_their_apps_registered() -> None:
    assert {kind: scoped_model(kind) for kind in SCOPED_KINDS} == {
        "area": Area,
        "person": Person,
        "batch": Batch,
    }


def test_the_registry_checks_hand_entered_persons_with_the_rules_imports_registered() -> None:
    assert hooks.person_validator() is validate_records


def test_the_person_page_learns_the_coverage_link_from_programmes() -> None:
    assert hooks._detail_flags["can_see_coverage"] is programme_services.can_read


def test_imports_reach_the_rules_of_rounds_that_collection_registered() -> None:
    rules = round_rules()
    assert rules.rounds_for is round_services.rounds_for
    assert rules.covers is round_services.round_covers
    assert rules.check_fits is round_services.check_batch_fits


def test_the_registry_approved_status_is_the_one_imports_writes() -> None:
    assert APPROVED_REVIEW == ReviewStatus.APPROVED


def test_the_planning_engine_loads_without_django() -> None:
    code = (
        "import sys; import jaring.planning.rules, jaring.planning.premiums, jaring.planning.planner, "
        "jaring.planning.milp; bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('django', 'ninja', 'django_tasks') "
        "or m.startswith('jaring.') and not m.startswith('jaring.planning')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
