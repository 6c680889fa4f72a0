"""Append to the audit chain (inside the writer's transaction), verify it, and anchor a day."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jaring.auditlog.lib.chain import GENESIS, Break, Row, canonical, event_hash, merkle_root, seal, walk
from jaring.auditlog.models import AuditAnchor, AuditEvent
from jaring.core.lib.keys import key_bytes

# One lock number for every writer of the chain on PostgreSQL (SQLite writers are serialised already).
CHAIN_LOCK = 74_227_001
FIELDS = (
    "seq",
    "at",
    "kind",
    "table",
    "object_id",
    "action",
    "actor",
    "content",
    "prev_hash",
    "hash",
    "seal",
)


@functools.cache
def audit_key() -> bytes:
    """The key that seals events (``JARING_AUDIT_KEY`` or ``var/keys/audit.key``)."""
    return key_bytes("audit")


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def append(kind: str, table: str, object_id: Any, action: str, actor: Any, content: Any) -> AuditEvent:
    """Add one event at the chain's head, in the caller's transaction (rolled back with it)."""
    with transaction.atomic():
        _lock()
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        at = timezone.now().astimezone(dt.UTC).isoformat(timespec="microseconds")
        actor_text = str(actor or "")
        text = canonical(content)
        oid = str(object_id if object_id is not None else "")
        digest = event_hash(prev, seq, at, kind, table, oid, action, actor_text, text)
        return AuditEvent.objects.create(
            seq=seq,
            at=at,
            kind=kind,
            table=table,
            object_id=oid,
            action=action,
            actor=actor_text,
            content=text,
            prev_hash=prev,
            hash=digest,
            seal=seal(audit_key(), digest),
        )


def record_batch(
    table: str, batch_id: Any, actor: Any, row_hashes: Iterable[str], **extra: Any
) -> AuditEvent:
    """One event for a bulk write: the Merkle root of its rows' hashes (fast imports, every row covered)."""
    hashes = list(row_hashes)
    content = {"rows": len(hashes), "merkle_root": merkle_root(hashes), **extra}
    return append("batch", table, batch_id, "bulk_insert", actor, content)


def _rows(chunk: int = 20_000) -> Iterator[Row]:
    """Every event in sequence order, streamed in chunks by key (no OFFSET, constant memory)."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in FIELDS)
    last = -1
    with connection.cursor() as cur:
        while True:
            cur.execute(f"SELECT {cols} FROM {table} WHERE seq > %s ORDER BY seq LIMIT %s", [last, chunk])
            rows = cur.fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][0]


@dataclass(frozen=True)
class Verdict:
    """The result of a verify: events checked, the head, the first break and any anchor that disagrees."""

    events: int
    head_hash: str
    first_break: Break | None
    anchor_problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_break is None and not self.anchor_problem


def verify() -> Verdict:
    """Walk the whole chain; then check each stored anchor still matches the chain at its last event."""
    n, head, broken = walk(_rows(), audit_key())
    problem = ""
    if broken is None:
        hashes = dict(
            AuditEvent.objects.filter(seq__in=AuditAnchor.objects.values("last_seq")).values_list(
                "seq", "hash"
            )
        )
        for anchor in AuditAnchor.objects.order_by("day"):
            if hashes.get(anchor.last_seq) != anchor.head_hash:
                problem = f"anchor {anchor.day}: event #{anchor.last_seq} is missing or differs from its head"
                break
    return Verdict(events=n, head_hash=head, first_break=broken, anchor_problem=problem)


def anchor(day: dt.date | None = None) -> AuditAnchor:
    """The chain's head at the end of ``day`` (UTC) and the Merkle root of that day's events; stored once."""
    day = day or timezone.now().astimezone(dt.UTC).date()
    start = day.isoformat()
    end = (day + dt.timedelta(days=1)).isoformat()
    events = AuditEvent.objects.filter(at__lt=end)
    last = events.order_by("-seq").values_list("seq", "hash").first()
    todays = list(events.filter(at__gte=start).order_by("seq").values_list("hash", flat=True))
    values = {
        "last_seq": last[0] if last else 0,
        "head_hash": last[1] if last else GENESIS,
        "events": len(todays),
        "day_root": merkle_root(todays),
        "made_at": timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
    }
    found, _ = AuditAnchor.objects.get_or_create(day=day, defaults=values)
    return found
