"""The audit trail: one listing over every change log, whatever model holds it.

Each log is an :class:`AuditSource` (its queryset within a reader's scope, its date and actor fields, and
how one row reads as an :class:`AuditEntry`). :class:`AuditLog` merges the sources newest first and pages
them without loading a whole log; a later table (the access log, the hash chain) is one more entry in
``SOURCES`` (or ``register``).
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring.accounts.models import Role
from jaring.accounts.scope import Scope

# Roles that may read the audit trail (superusers always may).
AUDIT_ROLES = {Role.AUDITOR, Role.DATA_STEWARD}


def can_read_audit(scope: Scope) -> bool:
    """Auditors and data stewards with an area, and superusers."""
    if scope.is_superuser:
        return True
    return scope.role in AUDIT_ROLES and scope.area_code is not None


@dataclass(frozen=True)
class AuditFilters:
    """What a reader narrows the trail to; empty fields do not filter."""

    kind: str = ""
    user: str = ""  # username of the actor
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    person: str = ""  # NIK
    batch: int | None = None
    programme: str = ""  # programme slug


@dataclass
class AuditEntry:
    """One change, as a reader sees it, whichever log it came from."""

    kind: str
    kind_label: str
    at: dt.datetime
    actor: str
    action: str
    object_label: str
    object_url: str = ""
    summary: str = ""
    note: str = ""  # free text a person wrote (a review comment): shown as written, in its own language
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditSource:
    """One change log: its rows within a scope, filtered, and how a row reads."""

    kind: str
    label: Any  # lazy translation
    queryset: Callable[[Scope, AuditFilters], QuerySet[Any] | None]  # None: the filters exclude this log
    to_entries: Callable[[list[Any]], list[AuditEntry]]
    at_field: str = "at"
    actor_field: str = "actor"


def _actor_name(user: Any) -> str:
    if user is None:
        return _("system")
    return str(user.get_full_name() or user.get_username())


def _changed_keys(before: dict[str, Any] | None, after: dict[str, Any] | None, model: Any = None) -> str:
    """The changed fields by their labels ("phone (E.164), address"), for an update; empty otherwise."""
    before, after = before or {}, after or {}
    if not before or not after:
        return ""
    keys = [
        k
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k) and k not in {"updated_at", "texts", "version"}
    ]
    labels = []
    for k in keys[:8]:
        try:
            labels.append(str(model._meta.get_field(k.removesuffix("_id")).verbose_name))
        except (AttributeError, FieldDoesNotExist):  # no field (an old log entry): read as words
            labels.append(k.replace("_", " "))
    return ", ".join(labels) + (" …" if len(keys) > 8 else "")


# --- the sources --------------------------------------------------------------------------------------


def _scoped_person_ids(scope: Scope) -> QuerySet[Any]:
    from jaring.registry.models import Person

    return scope.persons(Person.objects.all()).values("id")


def _person_changes(scope: Scope, f: AuditFilters) -> QuerySet[Any] | None:
    from jaring.registry.models import PersonChange

    if f.programme:
        return None
    qs = PersonChange.objects.select_related("actor")
    if not scope.is_superuser:
        qs = qs.filter(Q(person_id__in=_scoped_person_ids(scope)) | Q(batch__in=scope.batches()))
    if f.person:
        qs = qs.filter(nik=f.person)
    if f.batch is not None:
        qs = qs.filter(batch_id=f.batch)
    return qs


def _person_entries(rows: list[Any]) -> list[AuditEntry]:
    from jaring.registry.models import ChangeAction, ChangeVia, Person

    actions, vias = dict(ChangeAction.choices), dict(ChangeVia.choices)
    out = []
    for c in rows:
        image = c.after or c.before or {}
        name = image.get("full_name", "")
        summary = _changed_keys(c.before, c.after, Person)
        via = str(vias.get(c.via, c.via))
        if c.batch_id:
            via += " · " + _("batch #%(n)s") % {"n": c.batch_id}
        out.append(
            AuditEntry(
                kind="person",
                kind_label=_("Person"),
                at=c.at,
                actor=_actor_name(c.actor),
                action=str(actions.get(c.action, c.action)),
                object_label=f"{c.nik} {name}".strip(),
                object_url=reverse("registry:detail", args=[c.person_id]) if c.action != "delete" else "",
                summary=f"{summary} ({via})" if summary else via,
                extra={"nik": c.nik, "person_id": c.person_id, "batch_id": c.batch_id},
            )
        )
    return out


def _programme_changes(scope: Scope, f: AuditFilters) -> QuerySet[Any] | None:
    from jaring.programmes.models import Programme, ProgrammeChange

    if f.person or f.batch is not None:
        return None
    qs = ProgrammeChange.objects.select_related("actor")
    if not scope.is_superuser:
        inside = Programme.objects.filter(area__in=scope.areas()).values("id")
        qs = qs.filter(Q(programme_id__in=inside) | Q(programme_id__isnull=True))
    if f.programme:
        qs = qs.filter(programme_id__in=Programme.objects.filter(slug=f.programme).values("id"))
    return qs


_ACTION_LABELS = {
    "create": gettext_lazy("Created"),
    "update": gettext_lazy("Updated"),
    "delete": gettext_lazy("Deleted"),
    "approve": gettext_lazy("Approved"),
}


def _programme_entries(rows: list[Any]) -> list[AuditEntry]:
    from django.apps import apps

    from jaring.programmes.models import Programme

    slugs = dict(Programme.objects.filter(id__in={c.programme_id for c in rows}).values_list("id", "slug"))
    out = []
    for c in rows:
        try:
            model = apps.get_model("programmes", c.model)
            label = str(model._meta.verbose_name)
        except LookupError:
            model, label = None, c.model
        image = c.after or c.before or {}
        name = image.get("name", "") or f"#{c.object_id}"
        slug = slugs.get(c.programme_id)
        out.append(
            AuditEntry(
                kind="programme",
                kind_label=_("Programme"),
                at=c.at,
                actor=_actor_name(c.actor),
                action=str(_ACTION_LABELS.get(c.action, c.action)),
                object_label=f"{label.capitalize()}: {name}",
                object_url=reverse("programmes:detail", args=[slug]) if slug else "",
                summary=_changed_keys(c.before, c.after, model),
                extra={"programme_id": c.programme_id, "model": c.model, "object_id": c.object_id},
            )
        )
    return out


def _round_changes(scope: Scope, f: AuditFilters) -> QuerySet[Any] | None:
    from jaring.collection.models import Round, RoundChange

    if f.person or f.programme:
        return None
    qs = RoundChange.objects.select_related("actor", "round")
    if not scope.is_superuser:
        inside = Round.objects.filter(
            Q(target_villages__in=scope.villages()) | Q(target_villages__isnull=True)
        ).values("id")
        qs = qs.filter(round_id__in=inside)
    if f.batch is not None:
        from jaring.imports.models import Batch

        qs = qs.filter(round_id__in=Batch.objects.filter(pk=f.batch).values("round_id"))
    return qs


def _round_entries(rows: list[Any]) -> list[AuditEntry]:
    return [
        AuditEntry(
            kind="round",
            kind_label=_("Collection round"),
            at=c.at,
            actor=_actor_name(c.actor),
            action=str(_ACTION_LABELS.get(c.action, c.action.replace("_", " "))),
            object_label=c.round.name,
            object_url=reverse("collection:detail", args=[c.round.slug]),
            summary=", ".join(k.replace("_", " ") for k in sorted(c.details or {})),
            extra={"round": c.round.slug},
        )
        for c in rows
    ]


def _review_events(scope: Scope, f: AuditFilters) -> QuerySet[Any] | None:
    from jaring.review.models import ReviewEvent

    if f.person or f.programme:
        return None
    qs = ReviewEvent.objects.select_related("actor", "batch__village")
    if not scope.is_superuser:
        qs = qs.filter(batch__in=scope.batches())
    if f.batch is not None:
        qs = qs.filter(batch_id=f.batch)
    return qs


def _review_entries(rows: list[Any]) -> list[AuditEntry]:
    from jaring.imports.models import ReviewStatus
    from jaring.review.models import ReviewAction

    actions, statuses = dict(ReviewAction.choices), dict(ReviewStatus.choices)
    out = []
    for e in rows:
        moved = f"{statuses.get(e.from_status, e.from_status)} → {statuses.get(e.to_status, e.to_status)}"
        out.append(
            AuditEntry(
                kind="review",
                kind_label=_("Review"),
                at=e.at,
                actor=_actor_name(e.actor),
                action=str(actions.get(e.action, e.action)),
                object_label=_("Batch #%(n)s, %(village)s")
                % {"n": e.batch_id, "village": e.batch.village.name},
                object_url=reverse("review:batch", args=[e.batch_id]),
                summary=moved,
                note=e.comment,
                extra={"batch_id": e.batch_id},
            )
        )
    return out


def _pair_decisions(scope: Scope, f: AuditFilters) -> QuerySet[Any] | None:
    from jaring.dedup.models import PairDecision
    from jaring.registry.models import Person

    if f.programme or f.batch is not None:
        return None
    qs = PairDecision.objects.select_related("decided_by")
    if not scope.is_superuser:
        inside = _scoped_person_ids(scope)
        qs = qs.filter(Q(person_a_id__in=inside) | Q(person_b_id__in=inside))
    if f.person:
        ids = Person.objects.filter(nik=f.person).values("id")
        qs = qs.filter(Q(person_a_id__in=ids) | Q(person_b_id__in=ids))
    return qs


def _pair_entries(rows: list[Any]) -> list[AuditEntry]:
    from jaring.dedup.models import Decision
    from jaring.registry.models import Person

    labels = dict(Decision.choices)
    ids = {i for d in rows for i in (d.person_a_id, d.person_b_id)}
    niks = dict(Person.objects.filter(id__in=ids).values_list("id", "nik"))
    out = []
    for d in rows:
        pair = " / ".join(niks.get(i, f"#{i}") for i in (d.person_a_id, d.person_b_id))
        undone = ""
        if d.undone_at:
            undone = _("undone on %(at)s") % {"at": timezone.localtime(d.undone_at).strftime("%Y-%m-%d")}
        out.append(
            AuditEntry(
                kind="dedup",
                kind_label=_("Duplicates"),
                at=d.decided_at,
                actor=_actor_name(d.decided_by),
                action=str(labels.get(d.decision, d.decision)),
                object_label=pair,
                summary=undone,
                extra={"person_a_id": d.person_a_id, "person_b_id": d.person_b_id},
            )
        )
    return out


SOURCES: list[AuditSource] = [
    AuditSource("person", gettext_lazy("Person"), _person_changes, _person_entries),
    AuditSource("programme", gettext_lazy("Programme"), _programme_changes, _programme_entries),
    AuditSource("round", gettext_lazy("Collection round"), _round_changes, _round_entries),
    AuditSource("review", gettext_lazy("Review"), _review_events, _review_entries),
    AuditSource(
        "dedup",
        gettext_lazy("Duplicates"),
        _pair_decisions,
        _pair_entries,
        at_field="decided_at",
        actor_field="decided_by",
    ),
]


def register(source: AuditSource) -> None:
    """Add a change log to the trail (the governance issue's access log, for one)."""
    if any(s.kind == source.kind for s in SOURCES):
        raise ValueError(f"audit source {source.kind!r} is already registered")
    SOURCES.append(source)


def kinds() -> list[tuple[str, str]]:
    """(kind, label) of every source, for the filter form."""
    return [(s.kind, str(s.label)) for s in SOURCES]


# --- the merged listing -------------------------------------------------------------------------------


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _filtered(source: AuditSource, scope: Scope, f: AuditFilters) -> QuerySet[Any] | None:
    if f.kind and f.kind != source.kind:
        return None
    qs = source.queryset(scope, f)
    if qs is None:
        return None
    if f.user:
        qs = qs.filter(**{f"{source.actor_field}__username": f.user})
    if f.date_from:
        qs = qs.filter(**{f"{source.at_field}__gte": _day_start(f.date_from)})
    if f.date_to:
        qs = qs.filter(**{f"{source.at_field}__lt": _day_start(f.date_to + dt.timedelta(days=1))})
    return qs.order_by(f"-{source.at_field}", "-pk")


class AuditLog:
    """Every change a scope may read, newest first: sliceable, so Django's Paginator pages it.

    A page at offset k reads at most k + page-size keys (date, id) from each log, merges them, and then
    loads only the rows of that page.
    """

    def __init__(self, scope: Scope, filters: AuditFilters, sources: list[AuditSource] | None = None) -> None:
        self.scope, self.filters = scope, filters
        self.parts = [
            (s, qs)
            for s in (sources if sources is not None else SOURCES)
            if (qs := _filtered(s, scope, filters)) is not None
        ]
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = sum(qs.count() for _, qs in self.parts)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, int):
            found = self[index : index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        if stop <= start:
            return []
        keys = heapq.merge(
            *(
                [(at, pk, n) for at, pk in qs.values_list(s.at_field, "pk")[:stop]]
                for n, (s, qs) in enumerate(self.parts)
            ),
            key=lambda k: (k[0], k[1]),
            reverse=True,
        )
        wanted = list(itertools.islice(keys, start, stop))
        return self._load(wanted)

    def _load(self, keys: list[tuple[dt.datetime, int, int]]) -> list[AuditEntry]:
        entries: dict[tuple[int, int], AuditEntry] = {}
        for n, (source, qs) in enumerate(self.parts):
            pks = [pk for _, pk, m in keys if m == n]
            if pks:
                rows = list(qs.filter(pk__in=pks))
                for row, entry in zip(rows, source.to_entries(rows), strict=True):
                    entries[(n, row.pk)] = entry
        return [entries[(n, pk)] for _, pk, n in keys if (n, pk) in entries]

    def iterate(self, chunk: int = 2000) -> Iterator[AuditEntry]:
        """Every entry, newest first, in one pass per log (for exports)."""

        def rows(
            n: int, source: AuditSource, qs: QuerySet[Any]
        ) -> Iterator[tuple[dt.datetime, int, int, Any]]:
            batch: list[Any] = []
            for row in qs.iterator(chunk_size=chunk):
                batch.append(row)
                if len(batch) >= chunk:
                    yield from self._entries(n, source, batch)
                    batch = []
            if batch:
                yield from self._entries(n, source, batch)

        merged = heapq.merge(
            *(rows(n, s, qs) for n, (s, qs) in enumerate(self.parts)),
            key=lambda r: (r[0], r[1]),
            reverse=True,
        )
        for *_key, entry in merged:
            yield entry

    @staticmethod
    def _entries(n: int, source: AuditSource, batch: list[Model]) -> Iterator[tuple[Any, ...]]:
        for row, entry in zip(batch, source.to_entries(batch), strict=True):
            yield (getattr(row, source.at_field), row.pk, n, entry)


EXPORT_HEADERS = ["at", "kind", "actor", "action", "object", "summary"]


def export_rows(log: AuditLog) -> Iterator[list[str]]:
    """The rows of an export: ISO time, then the same words the page shows."""
    for e in log.iterate():
        yield [
            timezone.localtime(e.at).isoformat(timespec="seconds"),
            e.kind_label,
            e.actor,
            e.action,
            e.object_label,
            f"{e.summary} · {e.note}" if e.note else e.summary,
        ]
