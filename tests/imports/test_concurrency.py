"""Two imports that share NIKs, committed at the same time: both finish; the later one reports them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections

from jaring.core.world import World, ensure_world
from jaring.imports.models import Batch, BatchStatus
from jaring.imports.services import commit_batch, run_import
from jaring.registry import bulk
from jaring.registry.models import Person
from tests.imports.conftest import good_rows, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shared_db(tmp_path: Path) -> Iterator[World]:
    """The world in a database two connections can write to at once (a file on SQLite)."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield ensure_world()
        return
    # In-memory SQLite shares one cache between connections and answers "table is locked" at once;
    # a file database has real locking (busy timeout), as in production.
    # Django keeps the in-memory test database open (closing it would lose it): put a connection to a
    # file in its place for this thread, and point the other threads' new connections at the file too.
    original, memory = connections.settings["default"]["NAME"], connections["default"]
    connections.settings["default"]["NAME"] = str(tmp_path / "db.sqlite3")
    connections["default"] = connections.create_connection("default")
    try:
        call_command("migrate", verbosity=0)
        yield ensure_world()
    finally:
        connections["default"].close()
        connections.settings["default"]["NAME"] = original
        connections["default"] = memory


def test_two_commits_sharing_niks_at_the_same_time_both_finish_and_the_second_reports_the_shared_niks(
    shared_db: World, var_dir: Path, monkeypatch: Any
) -> None:
    world = shared_db
    leran_operator = world.users["operator.leran"]
    # Rows 1-6 in the first file, rows 4-9 in the second: NIKs 4, 5, 6 in both.
    first = run_import(
        write_csv(var_dir / "a.csv", good_rows(6)), village=world.leran, user=leran_operator, commit=False
    )
    second = run_import(
        write_csv(var_dir / "b.csv", good_rows(6, start=4)),
        village=world.leran,
        user=leran_operator,
        commit=False,
    )
    assert first.status == second.status == BatchStatus.VALIDATED
    assert first.rows_valid == second.rows_valid == 6  # validation cannot see the other open import

    real_insert = bulk.insert_persons
    first_inserted = threading.Event()
    second_started = threading.Event()

    def overlapping_insert(df: Any, *, batch: Any, **kw: Any) -> Any:
        result = real_insert(df, batch=batch, **kw)
        if batch.pk == first.pk:
            first_inserted.set()
            # Hold the first transaction open (its rows uncommitted) while the second commit starts: on
            # PostgreSQL it waits in its INSERT for these NIKs, on SQLite for the write lock.
            second_started.wait(10)
            threading.Event().wait(0.5)
        return result

    monkeypatch.setattr(bulk, "insert_persons", overlapping_insert)
    errors: list[BaseException] = []

    def run(batch: Batch) -> None:
        try:
            if batch.pk == second.pk:
                first_inserted.wait(10)
                second_started.set()
            commit_batch(batch, leran_operator)
        except BaseException as exc:  # noqa: BLE001 - the test reports any traceback as a failure
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(b,)) for b in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == BatchStatus.COMMITTED
    assert first.rows_committed == 6 and second.rows_committed == 3
    assert Person.objects.count() == 9
    shared = list(second.issues.filter(code="nik_exists").order_by("row").values_list("row", flat=True))
    assert shared == [2, 3, 4]  # the file rows (header = 1) of NIKs 4, 5, 6
    assert second.rows_with_errors == 3
