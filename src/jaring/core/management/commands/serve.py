"""``jaring serve``: the web server plus a background worker for uploads; Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Serve Jaring (Django's server, static files through WhiteNoise) with a django-tasks database worker."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port to listen on.")
        parser.add_argument("--no-worker", action="store_true", help="Do not start the background worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        addr: str = options["addr"]
        # DEBUG is off by default, so WhiteNoise serves the collected files from STATIC_ROOT.
        call_command("collectstatic", interactive=False, verbosity=0)
        if get_user_model().objects.filter(username="operator.leran").exists():
            from jaring.synth.demo import logins_text

            host = addr if ":" in addr else f"127.0.0.1:{addr}"
            self.stdout.write(logins_text(f"http://{host}/"))
            from jaring.registry.models import Person

            if Person.objects.filter(is_synthetic=True).exists():
                self.stdout.write(
                    self.style.WARNING("SINTETIS / SYNTHETIC DATA: the demo's workers are made up.")
                )
        worker: subprocess.Popen[bytes] | None = None
        if not options["no_worker"]:
            env = dict(
                os.environ, DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "jaring.settings")
            )
            worker = subprocess.Popen(
                [sys.executable, "-m", "jaring.cli", "db_worker", "--no-reload", "--queue-name", "*"], env=env
            )
            self.stdout.write(f"Background worker started (pid {worker.pid})")
        try:
            call_command("runserver", addr, use_reloader=False, use_threading=True)
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGINT)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
            self.stdout.write("Stopped.")
