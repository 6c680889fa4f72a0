"""``jaring serve``: gunicorn (production WSGI) plus the task worker, supervised by one parent process.

A child that dies is started again; SIGTERM or SIGINT (Ctrl-C) stops both gracefully; SIGHUP reloads
gunicorn's workers without dropping connections and restarts the task worker.
"""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from jaring.core.lib.supervisor import Child, Supervisor
from jaring.core.safety import refuse_if_unsafe


def gunicorn_argv(addr: str, *, workers: int, threads: int, timeout: int, graceful: int) -> list[str]:
    """The gunicorn command line for Jaring's WSGI app."""
    bind = addr if ":" in addr else f"127.0.0.1:{addr}"
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "jaring.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--timeout",
        str(timeout),
        "--graceful-timeout",
        str(graceful),
        "--max-requests",
        "2000",
        "--max-requests-jitter",
        "200",
        "--access-logfile",
        "-",
        "--access-logformat",
        '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s',
        # The supervisor is the control interface (signals); a shared ~/.gunicorn socket would clash.
        "--no-control-socket",
        "--forwarded-allow-ips",
        os.environ.get("JARING_FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]


def worker_argv() -> list[str]:
    return [sys.executable, "-m", "jaring.cli", "worker"]


class Command(BaseCommand):
    help = (
        "Serve Jaring in production: gunicorn (static files through WhiteNoise) and the background task"
        " worker, supervised; SIGTERM/SIGINT stop both, SIGHUP reloads."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port to listen on.")
        parser.add_argument(
            "--workers", type=int, default=settings.JARING_WEB_WORKERS, help="gunicorn worker processes."
        )
        parser.add_argument(
            "--threads", type=int, default=settings.JARING_WEB_THREADS, help="Threads per worker process."
        )
        parser.add_argument(
            "--timeout", type=int, default=settings.JARING_WEB_TIMEOUT, help="Seconds before a stuck request."
        )
        parser.add_argument(
            "--graceful-timeout",
            type=int,
            default=settings.JARING_GRACEFUL_TIMEOUT,
            help="Seconds to finish requests and the running job on stop.",
        )
        parser.add_argument("--no-worker", action="store_true", help="Do not start the background worker.")
        parser.add_argument("--no-collectstatic", action="store_true", help="Skip collectstatic.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            refuse_if_unsafe()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        addr: str = options["addr"]
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        self._demo_banner(addr)
        env = dict(
            os.environ, DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "jaring.settings")
        )
        children = [
            Child(
                "web",
                gunicorn_argv(
                    addr,
                    workers=options["workers"],
                    threads=options["threads"],
                    timeout=options["timeout"],
                    graceful=options["graceful_timeout"],
                ),
                env=env,
            )
        ]
        if not options["no_worker"]:
            children.append(Child("worker", worker_argv(), env=env))
        self.stdout.write(f"Jaring on http://{addr if ':' in addr else '127.0.0.1:' + addr}/ (gunicorn)")
        self.stdout.flush()
        supervisor = Supervisor(
            children,
            stop_timeout=options["graceful_timeout"] + 5,
            on_event=self._event,
        )
        code = supervisor.run()
        if code:
            raise CommandError("A child kept failing / proses anak terus gagal", returncode=code)

    def _event(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def _demo_banner(self, addr: str) -> None:
        if not get_user_model().objects.filter(username="operator.leran").exists():
            return
        from jaring.synth.demo import logins_text

        host = addr if ":" in addr else f"127.0.0.1:{addr}"
        self.stdout.write(logins_text(f"http://{host}/"))
        from jaring.registry.models import Person

        if Person.objects.filter(is_synthetic=True).exists():
            self.stdout.write(
                self.style.WARNING("SINTETIS / SYNTHETIC DATA: the demo's workers are made up.")
            )
