"""``jaring worker``: the django-tasks database worker with a heartbeat lease.

On start it marks failed the jobs that a dead worker left running (their apps mark their own records
failed too), then beats every JARING_WORKER_HEARTBEAT_SECONDS while it runs jobs.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from jaring.core import jobs
from jaring.core.safety import refuse_if_unsafe


class Command(DbWorkerCommand):
    help = "Run background jobs (django-tasks database worker) with a heartbeat; recovers abandoned jobs."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", reload=False, worker_id=get_random_string(32))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            refuse_if_unsafe()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        worker_id: str = options["worker_id"]
        jobs.register_worker(worker_id)
        recovered = jobs.recover_abandoned(except_worker=worker_id)
        if recovered:
            self.stdout.write(
                f"{recovered} job(s) of a stopped worker marked failed / "
                f"{recovered} tugas dari proses yang berhenti ditandai gagal"
            )
        heartbeat = jobs.Heartbeat(worker_id)
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stopped.set()
            jobs.stop_worker(worker_id)
