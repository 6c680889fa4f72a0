"""The audit chain: every write is in it, and any change, deletion or insertion by hand is found and named."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from jaring.accounts.models import Organisation
from jaring.auditlog import services
from jaring.auditlog.context import acting_as
from jaring.auditlog.lib.chain import GENESIS, event_hash, merkle_root, row_hash, walk
from jaring.auditlog.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


def verify() -> tuple[int, dict[str, Any]]:
    out = StringIO()
    try:
        call_command("audit", "verify", "--json", stdout=out)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())


def some_events(n: int = 5) -> list[int]:
    with acting_as("diskominfo.steward"):
        for i in range(n):
            Organisation.objects.create(slug=f"org-{i}", name=f"Organisasi {i}", kind="other")
    return list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))


def raw(sql: str, params: list[Any]) -> None:
    """A hand edit in the database, past the application (on PostgreSQL past the append-only trigger too)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE auditlog_auditevent DISABLE TRIGGER USER")
        cur.execute(sql, params)
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE auditlog_auditevent ENABLE TRIGGER USER")


def test_every_orm_write_is_an_event_with_its_actor_and_no_copy_of_the_row() -> None:
    seqs = some_events(3)
    org = Organisation.objects.get(slug="org-1")
    pk = org.pk
    org.name = "Organisasi Satu"
    org.save()
    org.delete()
    events = list(AuditEvent.objects.filter(table="accounts_organisation", object_id=str(pk)))
    assert [e.action for e in events] == ["insert", "update", "delete"]
    assert events[0].actor == "diskominfo.steward" and events[1].actor == ""
    assert "Organisasi" not in events[1].content and len(json.loads(events[1].content)["row_sha256"]) == 64
    assert len(seqs) == 3


def test_an_intact_chain_verifies_with_exit_0() -> None:
    some_events()
    code, out = verify()
    assert code == 0 and out["ok"] and out["events"] == 5 and out["first_bad_event"] is None


def test_a_row_changed_by_hand_fails_naming_it() -> None:
    seqs = some_events()
    raw("UPDATE auditlog_auditevent SET action = 'update' WHERE seq = %s", [seqs[2]])
    code, out = verify()
    assert code == 1 and out["first_bad_event"] == seqs[2] and out["problem"] == "changed"


def test_a_row_deleted_by_hand_fails_naming_the_event_after_the_gap() -> None:
    seqs = some_events()
    raw("DELETE FROM auditlog_auditevent WHERE seq = %s", [seqs[2]])
    code, out = verify()
    assert code == 1 and out["first_bad_event"] == seqs[3] and out["problem"] == "deleted"
    assert f"#{seqs[3]}" in out["message_en"]


INSERT = (
    'INSERT INTO auditlog_auditevent (seq, at, kind, "table", object_id, action, actor, content, prev_hash,'
    " hash, seal) VALUES (%s, %s, 'write', 'registry_person', '1', 'delete', '', '{}', %s, %s, %s)"
)


def test_a_row_inserted_by_hand_fails_naming_it() -> None:
    seqs = some_events()
    last = AuditEvent.objects.get(seq=seqs[-1])
    raw(INSERT, [seqs[-1] + 1, last.at, last.hash, "f" * 64, "0" * 64])
    code, out = verify()
    assert code == 1 and out["first_bad_event"] == seqs[-1] + 1


def test_an_insertion_with_a_recomputed_hash_but_no_key_is_named_as_inserted() -> None:
    seqs = some_events()
    last = AuditEvent.objects.get(seq=seqs[-1])
    forged = event_hash(last.hash, seqs[-1] + 1, last.at, "write", "registry_person", "1", "delete", "", "{}")
    raw(INSERT, [seqs[-1] + 1, last.at, last.hash, forged, "0" * 64])
    code, out = verify()
    assert code == 1 and out["first_bad_event"] == seqs[-1] + 1 and out["problem"] == "inserted"


def test_renumbering_rows_to_make_room_breaks_their_hashes() -> None:
    seqs = some_events()
    raw("UPDATE auditlog_auditevent SET seq = seq + 100 WHERE seq > %s", [seqs[1]])
    code, out = verify()
    assert code == 1 and out["first_bad_event"] == seqs[2] + 100 and out["problem"] == "changed"


def test_the_anchor_of_the_day_catches_a_truncated_tail() -> None:
    seqs = some_events()
    out = StringIO()
    call_command("audit", "anchor", "--json", stdout=out)
    anchored = json.loads(out.getvalue())
    assert anchored["last_event"] == seqs[-1] and anchored["events_that_day"] == 5
    raw("DELETE FROM auditlog_auditevent WHERE seq = %s", [seqs[-1]])
    code, result = verify()
    assert code == 1 and result["problem"] == "anchor"


def test_an_application_update_is_refused_on_postgresql_and_caught_by_verify_on_sqlite() -> None:
    some_events(2)
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.update(action="x")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.all().delete()
        assert verify()[0] == 0
    else:
        AuditEvent.objects.filter(seq=2).update(action="x")
        assert verify()[1]["first_bad_event"] == 2


def test_a_bulk_write_is_one_event_with_the_merkle_root_of_its_rows() -> None:
    rows = [[i, f"name {i}"] for i in range(7)]
    event = services.record_batch("registry_person", 42, "operator.leran", (row_hash(r) for r in rows))
    content = json.loads(event.content)
    assert content["rows"] == 7 and content["merkle_root"] == merkle_root(row_hash(r) for r in rows)
    assert content["merkle_root"] != merkle_root(row_hash(r) for r in rows[:6])


def test_the_merkle_root_changes_with_any_leaf_and_pairs_an_odd_last_node() -> None:
    leaves = [row_hash([i]) for i in range(5)]
    assert merkle_root(leaves) != merkle_root([*leaves[:4], row_hash([99])])
    assert merkle_root([]) == GENESIS and merkle_root(leaves[:1]) == leaves[0]


def test_walk_of_nothing_is_intact() -> None:
    assert walk(iter([]), b"k") == (0, GENESIS, None)
