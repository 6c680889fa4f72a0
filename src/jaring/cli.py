"""The ``jaring`` console script: Django's management commands plus Jaring's own."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command (``jaring migrate``, ``jaring import …``) with Jaring's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["jaring", *argv])
    args[0] = "jaring"
    if args[1:2] == ["db_worker"]:
        _before_worker_start()
    execute_from_command_line(args)


def _before_worker_start() -> None:
    """A starting worker first resumes the import batches a dead process left (imports.recovery)."""
    import django

    django.setup()
    from jaring.imports.recovery import recover_stale_batches

    recover_stale_batches()


if __name__ == "__main__":
    main()
