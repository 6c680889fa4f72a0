"""The logic of deduplication, split by concern; every public name is re-exported here, so
``from jaring.dedup import services; services.X`` keeps working.

- ``access``: who may see and decide, bilingual messages
- ``runs``: deduplication runs and the linkage engine
- ``decisions``: merge, different people, undo
- ``conflicts``: NIK conflicts of imports
- ``linking``: linking an outside list

Tests replace the engine at ``jaring.dedup.services.runs.linkage``, where the runs look it up.
"""

from .access import (
    DECIDER_ROLES,
    FK_FIELDS,
    MERGE_FIELDS,
    MESSAGES,
    DedupError,
    Progress,
    can_decide,
    can_start_run,
    conflicts_for,
    decidable,
    message,
    pairs_for,
    runs_for,
    search_pairs,
)
from .conflicts import CONFLICT_CODES, collect_conflicts, reopen_conflict, resolve_conflict
from .decisions import field_label, last_decision, mark_distinct, merge_pair, model_field, undo_decision
from .linking import LINK_COLUMNS, LinkOutcome, link_list, mark_bpjs_active, read_outside_list
from .runs import (
    STALE_AFTER,
    RunOutcome,
    create_run,
    distinct_memory,
    linkage,
    persons_of,
    run_dedup,
    run_in_progress,
)

__all__ = [
    "CONFLICT_CODES",
    "DECIDER_ROLES",
    "FK_FIELDS",
    "LINK_COLUMNS",
    "MERGE_FIELDS",
    "MESSAGES",
    "STALE_AFTER",
    "DedupError",
    "LinkOutcome",
    "Progress",
    "RunOutcome",
    "can_decide",
    "can_start_run",
    "collect_conflicts",
    "conflicts_for",
    "create_run",
    "decidable",
    "distinct_memory",
    "field_label",
    "last_decision",
    "link_list",
    "linkage",
    "mark_bpjs_active",
    "mark_distinct",
    "merge_pair",
    "message",
    "model_field",
    "pairs_for",
    "persons_of",
    "read_outside_list",
    "reopen_conflict",
    "resolve_conflict",
    "run_dedup",
    "run_in_progress",
    "runs_for",
    "search_pairs",
    "undo_decision",
]
