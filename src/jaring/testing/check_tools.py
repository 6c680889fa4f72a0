"""Check that the tools the full suite needs are present; under CI=true a missing one fails the run."""

from __future__ import annotations

import os
import shutil
import sys

from jaring.core.lib.env import in_ci
from jaring.testing.pgcluster import PostgresUnavailable, find_bin

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    """Print what is missing; exit 1 under CI=true if anything is."""
    missing: list[str] = []
    try:
        find_bin("initdb")
        find_bin("pg_ctl")
    except PostgresUnavailable as exc:
        missing.append(str(exc))
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        missing.append(f"{CHROMIUM} not found: apt-get install chromium")
    for tool in ("msgfmt", "xgettext"):
        if not shutil.which(tool):
            missing.append(f"{tool} not found: apt-get install gettext")
    for line in missing:
        print(f"missing: {line}", file=sys.stderr)
    if missing and in_ci():
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
