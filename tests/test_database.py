import os

from django.db import connection


def test_it_runs_on_the_database_the_run_asked_for() -> None:
    """`make test` sets JARING_EXPECT_DB per run, so a PostgreSQL run that fell back to SQLite fails here."""
    expected = os.environ.get("JARING_EXPECT_DB", "sqlite")
    assert connection.vendor == expected
