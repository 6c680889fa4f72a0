"""The hash chain as pure functions: an event's hash and seal, a Merkle root, the walk to the first break."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(content: Any) -> str:
    """JSON with sorted keys and no spaces: the exact text that is hashed and stored."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(
    prev_hash: str,
    seq: int,
    at: str,
    kind: str,
    table: str,
    object_id: str,
    action: str,
    actor: str,
    content: str,
) -> str:
    """SHA-256 over the previous hash and every field of the event (its number included)."""
    text = "\x1f".join((prev_hash, str(seq), at, kind, table, object_id, action, actor, content))
    return hashlib.sha256(text.encode()).hexdigest()


def seal(key: bytes, digest: str) -> str:
    """HMAC-SHA-256 of an event's hash with the audit key: a hand-made event cannot carry a valid seal."""
    return hmac.digest(key, digest.encode(), "sha256").hex()


def merkle_root(leaves: Iterable[str]) -> str:
    """The Merkle root (SHA-256, last node paired with itself) over hex leaf hashes; GENESIS when empty."""
    level = [bytes.fromhex(h) for h in leaves]
    if not level:
        return GENESIS
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [hashlib.sha256(level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)]
    return level[0].hex()


def row_hash(values: Iterable[Any]) -> str:
    """The leaf hash of one row of a bulk write (its values in column order)."""
    return hashlib.sha256(canonical(list(values)).encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first event at which the chain does not hold, and what that means."""

    seq: int
    problem: str  # changed | inserted | deleted
    message_id: str
    message_en: str


# seq, at, kind, table, object id, action, actor, content, previous hash, hash, seal
Row = tuple[int, str, str, str, str, str, str, str, str, str, str]


def walk(rows: Iterator[Row], key: bytes) -> tuple[int, str, Break | None]:
    """Check rows in sequence order; returns (events checked, head hash, first break or None)."""
    prev = GENESIS
    prev_seq = 0
    seen: set[str] = set()
    n = 0
    for seq, at, kind, table, object_id, action, actor, content, prev_hash, stored, sealed in rows:
        n += 1
        if event_hash(prev_hash, seq, at, kind, table, object_id, action, actor, content) != stored:
            return (
                n,
                prev,
                Break(
                    seq,
                    "changed",
                    f"Peristiwa #{seq} diubah atau disisipkan: isinya tidak cocok dengan hash-nya",
                    f"Event #{seq} was changed or inserted: its content does not match its hash",
                ),
            )
        if not hmac.compare_digest(seal(key, stored), sealed):
            return (
                n,
                prev,
                Break(
                    seq,
                    "inserted",
                    f"Peristiwa #{seq} dibuat di luar aplikasi: segelnya tidak sah",
                    f"Event #{seq} was made outside the application: its seal is not valid",
                ),
            )
        if prev_hash != prev:
            if prev_hash in seen:
                return (
                    n,
                    prev,
                    Break(
                        prev_seq,
                        "inserted",
                        f"Peristiwa #{prev_seq} disisipkan: peristiwa #{seq} tidak menunjuk kepadanya",
                        f"Event #{prev_seq} was inserted: event #{seq} does not link to it",
                    ),
                )
            return (
                n,
                prev,
                Break(
                    seq,
                    "deleted",
                    f"Ada peristiwa yang dihapus sebelum #{seq} (setelah #{prev_seq})",
                    f"An event was deleted before #{seq} (after #{prev_seq})",
                ),
            )
        seen.add(prev)
        prev, prev_seq = stored, seq
    return n, prev, None
