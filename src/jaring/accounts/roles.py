"""Roles as data: one table of role × action, consulted by ``scope.py`` and the apps' permission checks.

Decisions (docs/roles.md is generated from this table and a test keeps the two equal):

- Only the **data steward** merges duplicates, marks pairs distinct, resolves NIK conflicts and starts
  dedup runs. BPS supervises: the BPS reviewer reads persons and reviews batches, never merges.
- Only the **programme officer** (Disnaker) creates and changes programmes and funding sources, computes
  and approves plans. The data steward administers users and reference data, not programmes.
- Village operators change persons and import only in their own village; stewards across their regency.
- The sponsor sees counts only; the auditor reads everything in scope and changes nothing.

Every action is also limited to the user's area (``Scope.covers_area``); superusers may do everything.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from jaring.accounts.models import Role


class Action(StrEnum):
    READ_PERSON = "read_person"
    EDIT_PERSON = "edit_person"
    IMPORT = "import"
    READ_CHANGELOG = "read_changelog"
    SEE_AGGREGATES = "see_aggregates"
    REVIEW_STEP = "review_step"
    MERGE = "merge"
    READ_PROGRAMME = "read_programme"
    EDIT_PROGRAMME = "edit_programme"
    APPROVE_PLAN = "approve_plan"
    ADMINISTER = "administer"


ACTION_LABELS = {
    Action.READ_PERSON: _("Read persons (NIK, name, address)"),
    Action.EDIT_PERSON: _("Create, change and delete persons"),
    Action.IMPORT: _("Upload, commit and submit import batches"),
    Action.READ_CHANGELOG: _("Read the change log"),
    Action.SEE_AGGREGATES: _("See counts (dashboard)"),
    Action.REVIEW_STEP: _("Review batches (approve, return, reject)"),
    Action.MERGE: _("Merge duplicates, resolve NIK conflicts, run dedup"),
    Action.READ_PROGRAMME: _("Read programmes and funding sources"),
    Action.EDIT_PROGRAMME: _("Create and change programmes, sources and plans"),
    Action.APPROVE_PLAN: _("Approve a coverage plan"),
    Action.ADMINISTER: _("Django admin: users, organisations, reference data, unlock logins"),
}

A = Action
ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.VILLAGE_OPERATOR: frozenset(
        {A.READ_PERSON, A.EDIT_PERSON, A.IMPORT, A.READ_CHANGELOG, A.SEE_AGGREGATES}
    ),
    Role.BPS_REVIEWER: frozenset(
        {A.READ_PERSON, A.READ_CHANGELOG, A.SEE_AGGREGATES, A.REVIEW_STEP, A.READ_PROGRAMME}
    ),
    Role.PROGRAMME_OFFICER: frozenset(
        {
            A.READ_PERSON,
            A.READ_CHANGELOG,
            A.SEE_AGGREGATES,
            A.READ_PROGRAMME,
            A.EDIT_PROGRAMME,
            A.APPROVE_PLAN,
        }
    ),
    Role.DATA_STEWARD: frozenset(
        {
            A.READ_PERSON,
            A.EDIT_PERSON,
            A.IMPORT,
            A.READ_CHANGELOG,
            A.SEE_AGGREGATES,
            A.MERGE,
            A.READ_PROGRAMME,
            A.ADMINISTER,
        }
    ),
    Role.SPONSOR: frozenset({A.SEE_AGGREGATES, A.READ_PROGRAMME}),
    Role.AUDITOR: frozenset({A.READ_PERSON, A.READ_CHANGELOG, A.SEE_AGGREGATES, A.READ_PROGRAMME}),
}


def role_may(role: str | None, action: Action) -> bool:
    """Whether a role's table row holds ``action`` (area limits are the scope's business)."""
    return role is not None and action in ROLE_ACTIONS.get(role, frozenset())


def roles_with(action: Action) -> set[str]:
    """The roles whose row holds ``action``."""
    return {role for role, actions in ROLE_ACTIONS.items() if action in actions}


def markdown_table() -> str:
    """The table as Markdown (docs/roles.md embeds it; a test checks they agree)."""
    roles = list(ROLE_ACTIONS)
    head = "| Action | " + " | ".join(f"`{r}`" for r in roles) + " |"
    rule = "|---|" + "---|" * len(roles)
    rows = [
        f"| `{a.value}` | " + " | ".join("yes" if a in ROLE_ACTIONS[r] else "—" for r in roles) + " |"
        for a in Action
    ]
    return "\n".join([head, rule, *rows])
