"""A person's coverage explained in words: for every month, what each funding source does and why.

The planner stores reason codes (NOT_ELIGIBLE, NO_SOURCE_IN_MONTH, CAPACITY); a reader needs sentences
with occupation labels, village names and months ("Jul 2025"), never a code, slug or area code. The
sentences are built here, in the active language (gettext), from the plan's sources as planned and
the person's current registry data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from jaring.geo.models import Area
from jaring.planning import planner
from jaring.planning import rules as rule_lib
from jaring.programmes import services
from jaring.programmes.services.whatif import _source_from_spec
from jaring.registry.models import BpjsStatus, EmploymentStatus, OccupationCategory, Person, Sex


@dataclass
class SourceLine:
    """What one source does for the person in one month: ``status`` pays|not_eligible|not_running|full."""

    source: str
    source_name: str
    status: str
    text: str


@dataclass
class MonthExplained:
    """One month of the person's timeline: the paying source, or every source's reason in words."""

    month: str  # "2025-07" (a key for links and tests)
    label: str  # "Jul 2025"
    source: str | None
    source_name: str | None
    cost: int | None
    lines: list[SourceLine] = field(default_factory=list)


@dataclass
class PriorityExplained:
    """The person's priority points, criterion by criterion (higher is served first)."""

    total: int
    parts: list[str]


@dataclass
class CoverageExplained:
    """The whole page: the person's facts in words, the months, the priority breakdown."""

    occupation: str
    village: str
    months: list[MonthExplained]
    priority: PriorityExplained


def month_text(month: str) -> str:
    """``2025-07`` as ``Jul 2025`` in the active language."""
    return date_format(dt.date(int(month[:4]), int(month[5:7]), 1), "M Y")


def _english() -> bool:
    return not (get_language() or "id").startswith("id")


def _occupation_labels(slugs: list[str]) -> dict[str, str]:
    english = _english()
    return {
        o.slug: (o.name_en or o.name) if english else o.name
        for o in OccupationCategory.objects.filter(slug__in=slugs)
    }


def _area_names(codes: list[str]) -> dict[str, str]:
    return dict(Area.objects.filter(code__in=codes).values_list("code", "name"))


def _field_label(name: str) -> str:
    spec = rule_lib.FIELDS.get(name)
    if spec is None:
        return name
    return spec.label_en if _english() else spec.label_id


def _joined(items: list[str]) -> str:
    return ", ".join(items) if items else "—"


class _Words:
    """Labels for the values a rule names (occupation slugs, area codes, enumerations)."""

    def __init__(self, rule: rule_lib.Rule, person: dict[str, Any]) -> None:
        slugs: list[str] = [str(person.get("occupation") or "")]
        codes: list[str] = [str(person.get("village") or ""), str(person.get("district") or "")]
        for node in rule_lib._walk(rule.tree):
            if isinstance(node, rule_lib.Compare):
                values = node.value if isinstance(node.value, list) else [node.value]
                if node.field == "occupation":
                    slugs += [str(v) for v in values]
                elif node.field in ("village", "district"):
                    codes += [str(v) for v in values]
        self.occupations = _occupation_labels(slugs)
        self.areas = _area_names(codes)

    def value(self, field_name: str, value: Any) -> str:
        """One value in words: a label, a village name, Ya/Tidak, a number."""
        if value is None:
            return _("unknown")
        if field_name == "occupation":
            return self.occupations.get(str(value), _("another occupation"))
        if field_name in ("village", "district"):
            return self.areas.get(str(value), _("an area outside the list"))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        choices = CHOICES.get(field_name)
        if choices is not None:
            return {c.value: str(c.label) for c in choices}.get(str(value), str(value))
        if isinstance(value, int) and field_name == "monthly_income":
            return "Rp" + f"{value:,}".replace(",", "." if not _english() else ",")
        return str(value)

    def values(self, field_name: str, values: Any) -> str:
        items = values if isinstance(values, list) else [values]
        return _joined([self.value(field_name, v) for v in items])


# Rule fields whose values are a registry enumeration: shown by the enumeration's label.
CHOICES: dict[str, Any] = {"sex": Sex, "employment_status": EmploymentStatus, "bpjs_status": BpjsStatus}


def clause_text(node: rule_lib.Node, source: str, person: dict[str, Any], words: _Words) -> str:
    """Why the person fails one clause of a source's rule, in words."""
    if not isinstance(node, rule_lib.Compare):
        return _("%(source)s: this person does not meet the condition “%(rule)s”.") % {
            "source": source,
            "rule": _readable_rule(node, words),
        }
    f = node.field
    label = _field_label(f)
    mine = person.get(f)
    theirs = words.value(f, mine)
    ctx = {"source": source, "field": label, "mine": theirs, "listed": words.values(f, node.value)}
    if mine is None and node.op not in ("notin", "!="):
        return _("%(source)s needs this person's %(field)s, which is not recorded.") % ctx
    if f == "occupation" and node.op in ("in", "=="):
        return (
            _("%(source)s does not cover %(mine)s: it is only for %(listed)s.") % ctx
            if node.op == "in"
            else _("%(source)s is only for %(listed)s, not %(mine)s.") % ctx
        )
    if f in ("village", "district") and node.op in ("in", "=="):
        return _("%(source)s pays only in %(listed)s; this person lives in %(mine)s.") % ctx
    if node.op in ("notin", "!="):
        return _("%(source)s does not cover persons whose %(field)s is %(mine)s.") % ctx
    if node.op == "truthy":
        return _("%(source)s is only for persons with “%(field)s”; this person does not have it.") % ctx
    if node.op == "in":
        return _("%(source)s requires %(field)s to be one of %(listed)s; this person's is %(mine)s.") % ctx
    ctx["limit"] = words.value(f, node.value)
    template = {
        ">=": _("%(source)s requires %(field)s of at least %(limit)s; this person's is %(mine)s."),
        ">": _("%(source)s requires %(field)s above %(limit)s; this person's is %(mine)s."),
        "<=": _("%(source)s requires %(field)s of at most %(limit)s; this person's is %(mine)s."),
        "<": _("%(source)s requires %(field)s below %(limit)s; this person's is %(mine)s."),
        "==": _("%(source)s requires %(field)s to be %(limit)s; this person's is %(mine)s."),
    }[node.op]
    return template % ctx


def _readable_rule(node: rule_lib.Node, words: _Words) -> str:
    """A compound clause in words (its comparisons joined by and/or/not)."""
    if isinstance(node, rule_lib.Not):
        return _("not (%(inner)s)") % {"inner": _readable_rule(node.operand, words)}
    if isinstance(node, rule_lib.BoolOp):
        joiner = f" {_('and')} " if node.op == "and" else f" {_('or')} "
        return joiner.join(_readable_rule(n, words) for n in node.operands)
    if isinstance(node, rule_lib.Compare):
        ops = {"==": "=", "!=": "≠", "in": _("one of"), "notin": _("none of"), "truthy": ""}
        op = ops.get(node.op, node.op)
        if node.op == "truthy":
            return _field_label(node.field)
        return f"{_field_label(node.field)} {op} {words.values(node.field, node.value)}"
    return ""


def priority_of(programme: Any, row: pl.DataFrame) -> PriorityExplained:
    """The person's priority points with the criteria that gave them."""
    criteria = [planner.Criterion(**c) for c in (programme.priority_criteria or [])] or list(
        planner.DEFAULT_PRIORITY
    )
    parts: list[str] = []
    total = 0
    for cr in criteria:
        if cr.column not in row.columns:
            continue
        points = int(planner.priority_score(row, [cr])[0])
        total += points
        if not points:
            continue
        label = _field_label(cr.column)
        money = "Rp" if cr.column == "monthly_income" else ""
        if cr.at_most is not None:
            what = _("%(field)s at most %(n)s") % {"field": label, "n": money + _number(cr.at_most)}
        elif cr.at_least is not None:
            what = _("%(field)s at least %(n)s") % {"field": label, "n": money + _number(cr.at_least)}
        else:
            what = label
        parts.append(_("%(what)s: %(points)s points") % {"what": what, "points": points})
    return PriorityExplained(total=total, parts=parts)


def _number(n: Any) -> str:
    text = f"{n:,}"
    return text if _english() else text.replace(",", ".")


def _capacity_text(
    spec: dict[str, Any], used: dict[str, Any], paid_months: int, priority: int, cost: int
) -> str:
    """Why an eligible, running source does not pay this month: its places, budget or month limit."""
    name = spec["name"]
    cutoff = used.get("priority_cutoff")
    texts: list[str] = []
    if spec.get("max_months_per_person") is not None and paid_months >= int(spec["max_months_per_person"]):
        texts.append(
            _("%(source)s pays at most %(n)s months per person and has already paid them for this person.")
            % {"source": name, "n": spec["max_months_per_person"]}
        )
    elif (
        spec.get("quota_persons") is not None and (used.get("remaining_quota") or 0) <= 0 and paid_months == 0
    ):
        n = int(spec["quota_persons"])
        texts.append(
            ngettext(
                "The %(n)s place of %(source)s is taken.", "All %(n)s places of %(source)s are taken.", n
            )
            % {"n": _number(n), "source": name}
        )
    remaining = used.get("remaining_budget")
    if not texts and spec.get("budget") is not None and remaining is not None and remaining < cost:
        texts.append(
            _("The budget of %(source)s (Rp%(n)s) is used up.")
            % {"source": name, "n": _number(int(spec["budget"]))}
        )
    if not texts:
        texts.append(_("%(source)s paid for other persons first.") % {"source": name})
    if cutoff is not None and paid_months == 0:
        ctx = {"cutoff": f"{cutoff:g}", "mine": priority}
        if priority < cutoff:
            texts.append(
                ngettext(
                    "Places go to the highest priority first: the last person given a place has %(cutoff)s "
                    "points (the priority cut-off), this person has %(mine)s point.",
                    "Places go to the highest priority first: the last person given a place has %(cutoff)s "
                    "points (the priority cut-off), this person has %(mine)s points.",
                    priority,
                )
                % ctx
            )
        else:
            texts.append(
                _(
                    "Places go to the highest priority first: this person has %(mine)s points, the same as "
                    "the priority cut-off (%(cutoff)s), and the places at that priority were taken first."
                )
                % ctx
            )
    return " ".join(texts)


def explain(view: Any, person: Person) -> CoverageExplained | None:
    """The person's months in the plan, every source explained; None if the person is not in the plan."""
    import numpy as np

    hit = np.flatnonzero(view.person_ids == person.pk)
    if not len(hit):
        return None
    row = int(hit[0])
    programme = view.programme
    copies = [_source_from_spec(programme, spec, view.months) for spec in view.sources]
    frame = services.person_frame(Person.objects.filter(pk=person.pk), programme.first_month)
    inp = services.planner_inputs(programme, sources=copies, frame=frame)
    facts = frame.row(0, named=True) if frame.height else {}
    failing = inp.reasons(rows=[0]) if frame.height else {}
    parsed = {spec["key"]: rule_lib.parse(spec.get("rule") or "") for spec in view.sources}
    words = {key: _Words(rule, facts) for key, rule in parsed.items()}
    priority = priority_of(programme, frame) if frame.height else PriorityExplained(0, [])
    per_source = {s["key"]: s for s in view.summary.get("sources", [])}
    assignment = view.assignment[row]
    not_eligible: dict[str, str] = {}
    for k, spec in enumerate(view.sources):
        key = spec["key"]
        if frame.height and inp.eligible[0, k]:
            continue
        result = failing.get(key)
        index = result["failed_clause"][0] if result is not None and result.height else None
        clause = next((c for c in parsed[key].clauses if c.index == index), None)
        not_eligible[key] = (
            clause_text(clause.node, spec["name"], facts, words[key])
            if clause is not None
            else _("%(source)s: this person does not meet its rule.") % {"source": spec["name"]}
        )
    months: list[MonthExplained] = []
    for t, month in enumerate(view.months):
        s = int(assignment[t])
        if s >= 0:
            spec = view.sources[s]
            cost = int(inp.cost[0, s, t]) if frame.height else None
            months.append(MonthExplained(month, month_text(month), spec["key"], spec["name"], cost))
            continue
        entry = MonthExplained(month, month_text(month), None, None, None)
        for k, spec in enumerate(view.sources):
            key, name = spec["key"], spec["name"]
            if key in not_eligible:
                entry.lines.append(SourceLine(key, name, "not_eligible", not_eligible[key]))
            elif t < spec["first_month"]:
                text = _("%(source)s pays only from %(month)s.") % {
                    "source": name,
                    "month": month_text(view.months[spec["first_month"]]),
                }
                entry.lines.append(SourceLine(key, name, "not_running", text))
            elif t > spec["last_month"]:
                text = _("%(source)s paid only until %(month)s.") % {
                    "source": name,
                    "month": month_text(view.months[spec["last_month"]]),
                }
                entry.lines.append(SourceLine(key, name, "not_running", text))
            else:
                paid = int((assignment == k).sum())
                text = _capacity_text(
                    spec, per_source.get(key, {}), paid, priority.total, int(inp.cost[0, k, t])
                )
                entry.lines.append(SourceLine(key, name, "full", text))
        months.append(entry)
    occupation = words[next(iter(words))].value("occupation", facts.get("occupation")) if words else "—"
    village = person.village.name if person.village_id else "—"
    return CoverageExplained(occupation=occupation, village=village, months=months, priority=priority)


# --- which plan a page shows, and a true "not found" ------------------------------------------------


def plan_caption(plan: Any, in_force: Any) -> str:
    """Which plan is shown, in words: an approved version (in force or older), a draft or a what-if."""
    when = date_format(plan.created_at, "j M Y H:i")
    if plan.version:
        if in_force is not None and plan.pk == in_force.pk:
            return _("Approved version %(v)s (in force), computed %(when)s") % {
                "v": plan.version,
                "when": when,
            }
        return _("Approved version %(v)s (older; not in force), computed %(when)s") % {
            "v": plan.version,
            "when": when,
        }
    if plan.kind == "what_if":
        return _("What-if of %(when)s (not approved)") % {"when": when}
    return _("Draft of %(when)s (not approved)") % {"when": when}


def plan_choices(programme: Any, shown: Any) -> list[tuple[int, str]]:
    """The plans a reader may switch to: every approved version and the latest drafts, newest first."""
    in_force = services.current_plan(programme)
    approved = list(services.approved_plans(programme)[:20])
    drafts = list(programme.plans.filter(kind="draft").order_by("-created_at", "-id")[:5])
    plans = sorted(approved + drafts, key=lambda p: (p.created_at, p.pk), reverse=True)
    if shown is not None and all(p.pk != shown.pk for p in plans):
        plans.insert(0, shown)
    return [(p.pk, plan_caption(p, in_force)) for p in plans]


def newer_draft(programme: Any, shown: Any) -> Any:
    """A draft computed after the shown plan (not yet approved), if any: the reader may want it."""
    return (
        programme.plans.filter(kind="draft", created_at__gt=shown.created_at)
        .order_by("-created_at", "-id")
        .first()
    )


def newer_plan_with(programme: Any, plan: Any, person: Person) -> Any:
    """The newest plan (approved or draft) computed after ``plan`` that includes ``person``, if any."""
    import numpy as np

    newer = programme.plans.filter(kind__in=["approved", "draft"], created_at__gt=plan.created_at)
    for candidate in newer.order_by("-created_at", "-id")[:5]:
        if np.isin(person.pk, services.view_of(candidate).person_ids):
            return candidate
    return None


def not_found_text(programme: Any, user: Any, nik: str, plan: Any, person: Person | None) -> str:
    """Why a NIK has no timeline, truly: not in this plan, not approved yet, or not in the reader's area."""
    from jaring.accounts.scope import scope_for

    scope = scope_for(user)
    if person is not None:
        return _(
            "%(name)s is approved but not in this plan: the plan was computed on %(when)s, before the person "
            "was approved. Compute the plan again (or open a newer plan) to see their months."
        ) % {"name": person.full_name, "when": date_format(plan.created_at, "j M Y H:i")}
    known = scope.persons(Person.objects.filter(nik=nik, merged_into__isnull=True)).first()
    if known is not None:
        return _(
            "%(name)s (%(village)s) is in the registry but not approved by BPS yet, so no plan includes them."
        ) % {"name": known.full_name, "village": known.village.name if known.village_id else "—"}
    if scope.sees_everywhere or scope.covers_area(programme.area):
        return _("No person with this NIK is in the registry of %(area)s.") % {"area": programme.area.name}
    names = _joined(list(scope.villages().values_list("name", flat=True)[:10]))
    return _("No person with this NIK in the villages you may see (%(villages)s).") % {"villages": names}
