"""Where Jaring keeps its data: JARING_HOME, else the folder a command runs in; never inside the install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from jaring.core.sqlite.base import database_folder

ROOT = Path(__file__).resolve().parents[1]


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: no JARING_* of the test run, no test settings module."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("JARING_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env.update(extra)
    return env


def _settings_in(cwd: Path, code: str, **env: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", f"import jaring.settings as s; {code}"],
        cwd=cwd,
        env=_clean_env(**env),
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def test_the_home_is_the_folder_the_command_runs_in_and_importing_settings_creates_nothing(
    tmp_path: Path,
) -> None:
    printed = _settings_in(tmp_path, "print(s.VAR_DIR); print(s.DATABASES['default']['NAME'])")
    assert printed.splitlines() == [str(tmp_path / "var"), str(tmp_path / "var" / "jaring.sqlite3")]
    assert list(tmp_path.iterdir()) == []  # not even var/: folders are made where they are first needed


def test_jaring_home_wins_over_the_current_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    printed = _settings_in(tmp_path, "print(s.VAR_DIR)", JARING_HOME=str(home))
    assert printed == str(home / "var")
    assert not home.exists()


def test_the_first_connection_creates_the_database_folder(tmp_path: Path) -> None:
    code = (
        "import django; django.setup(); from django.db import connection; connection.ensure_connection();"
        " print(connection.vendor)"
    )
    env = {"JARING_HOME": str(tmp_path / "h"), "DJANGO_SETTINGS_MODULE": "jaring.settings"}
    assert _settings_in(tmp_path, code, **env) == "sqlite"
    assert (tmp_path / "h" / "var" / "jaring.sqlite3").is_file()


@pytest.mark.parametrize("name", ["", ":memory:", "file:memorydb_default?mode=memory&cache=shared"])
def test_an_in_memory_database_has_no_folder(name: str) -> None:
    assert database_folder(name) is None


def _build_wheel(out: Path) -> Path:
    """``pip wheel --no-deps`` of a copy of the checkout (an in-tree build would leave build/ behind)."""
    src = out / "src-copy"
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out / "dist"), str(src)],
        check=True,
        capture_output=True,
    )
    (wheel,) = (out / "dist").glob("jaring-*.whl")
    return wheel


def _fresh_venv(venv: Path, wheel: Path) -> Path:
    """A new venv with the wheel installed (not editable); its dependencies are this venv's, via a .pth."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            wheel,
        ],
        check=True,
        capture_output=True,
    )
    # Only after the install: pip must not see this checkout's editable jaring as already installed.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "_jaring_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin" / "jaring"


@pytest.mark.slow
def test_an_installed_wheel_migrates_and_loads_the_demo_into_the_folder_it_runs_in(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)
    venv = tmp_path / "venv"
    jaring = _fresh_venv(venv, wheel)
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import jaring; print(jaring.__file__)"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert where.startswith(str(venv)), where  # the wheel's copy runs, not this checkout's
    site = tmp_path / "site"
    site.mkdir()
    env = _clean_env()
    for command in (["migrate", "--no-input"], ["demo"]):
        done = subprocess.run([str(jaring), *command], cwd=site, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
    assert (site / "var" / "jaring.sqlite3").is_file()
    assert (site / "var" / "media").is_dir()  # the demo's uploaded spreadsheets
    leaked = [p for p in venv.rglob("*") if p.name == "var" or p.suffix == ".sqlite3"]
    assert leaked == []
