"""The logic of programmes, split by concern; every public name is re-exported here, so
``from jaring.programmes import services; services.X`` works for the rest of the code.

- ``sources``: programmes and funding sources (permissions, change log, updates, summaries)
- ``frames``: the person frame and eligibility counts
- ``premiums``: premium data for the pure engine (``jaring.planning.premiums``)
- ``whatif``: what-if copies of the sources
- ``plans``: planner inputs, computing, storing and approving plans, plan jobs
- ``compare``: running a what-if and comparing plans
- ``exports``: explaining and exporting a plan

Queuing a plan job is :func:`jaring.programmes.tasks.start_plan_job` (the services do not import tasks).
"""

from jaring.programmes.rulecheck import RuleCheck, check_rule, occupation_slugs, rule_error

from .compare import changes_page, compare_plans, coverage_changes, run_what_if
from .exports import (
    LIMIT_TEXT,
    REASON_TEXT,
    _row_of,
    export_rows,
    person_coverage,
    person_in_scope,
    plan_frame,
    plan_json,
    reasons_rows,
    scoped_summary,
    to_xlsx,
    village_plan_programmes,
    village_table,
)
from .frames import (
    FRAME_COLUMNS,
    eligible_count,
    evaluate_source,
    person_frame,
    programme_persons,
    rule_summary,
)
from .plans import (
    PlanLocked,
    PlannerInputs,
    PlanView,
    approve_plan,
    approved_plans,
    compute_and_store,
    compute_plan,
    current_plan,
    delete_plan,
    plan_arrays,
    plan_in_background,
    planner_inputs,
    run_plan_job,
    save_plan_view,
    store_plan,
    view_of,
)
from .premiums import premium, premium_data, seed_premium_data
from .sources import (
    EDIT_ROLES,
    READ_ROLES,
    can_edit,
    can_read,
    changes_of,
    check_can_edit,
    delete_logged,
    log_change,
    programmes_for,
    save_logged,
    snapshot,
    source_summary,
    sources_for,
    update_fields,
    validation_messages,
)
from .whatif import WHAT_IF_FIELDS, WhatIfError, parse_what_if, source_copies, what_if_from_form

__all__ = [
    "EDIT_ROLES",
    "FRAME_COLUMNS",
    "LIMIT_TEXT",
    "READ_ROLES",
    "REASON_TEXT",
    "WHAT_IF_FIELDS",
    "PlanLocked",
    "PlanView",
    "PlannerInputs",
    "RuleCheck",
    "WhatIfError",
    "_row_of",
    "approve_plan",
    "approved_plans",
    "can_edit",
    "can_read",
    "changes_of",
    "changes_page",
    "check_can_edit",
    "check_rule",
    "compare_plans",
    "compute_and_store",
    "compute_plan",
    "coverage_changes",
    "current_plan",
    "delete_logged",
    "delete_plan",
    "eligible_count",
    "evaluate_source",
    "export_rows",
    "log_change",
    "occupation_slugs",
    "parse_what_if",
    "person_coverage",
    "person_frame",
    "person_in_scope",
    "plan_arrays",
    "plan_frame",
    "plan_in_background",
    "plan_json",
    "planner_inputs",
    "premium",
    "premium_data",
    "programme_persons",
    "programmes_for",
    "reasons_rows",
    "rule_error",
    "rule_summary",
    "run_plan_job",
    "run_what_if",
    "save_logged",
    "save_plan_view",
    "scoped_summary",
    "seed_premium_data",
    "snapshot",
    "source_copies",
    "source_summary",
    "sources_for",
    "store_plan",
    "to_xlsx",
    "update_fields",
    "validation_messages",
    "view_of",
    "village_plan_programmes",
    "village_table",
    "what_if_from_form",
]
