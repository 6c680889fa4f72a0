"""Rules checked against the database's occupations (used by FundingSource.clean and the services)."""

from __future__ import annotations

from dataclasses import dataclass

from jaring.planning import rules
from jaring.registry.models import OccupationCategory


@dataclass
class RuleCheck:
    """The outcome of checking a rule: the parsed rule or the error."""

    rule: rules.Rule | None
    error: rules.RuleError | None


def occupation_slugs() -> set[str]:
    """The slugs of every occupation category (the rule checker's vocabulary)."""
    return set(OccupationCategory.objects.values_list("slug", flat=True))


def check_rule(text: str) -> RuleCheck:
    """Parse a rule and check its occupation slugs against the database."""
    try:
        rule = rules.parse(text)
        rule.check(occupation_slugs())
    except rules.RuleError as exc:
        return RuleCheck(None, exc)
    return RuleCheck(rule, None)


def rule_error(text: str, source_name: str = "") -> rules.RuleError | None:
    """The first problem of a rule, or None when it can be used."""
    return check_rule(text).error
