"""Habits the code keeps, checked over the source tree (each one once broke, see issue #17)."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from jaring.core.lib.env import env_bool, in_ci

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "jaring"


def _python_files(*folders: Path) -> Iterator[Path]:
    for folder in folders:
        yield from (p for p in sorted(folder.rglob("*.py")) if "migrations" not in p.parts)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_top_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_every_third_party_module_the_package_imports_is_a_declared_runtime_dependency() -> None:
    # A module present only through the dev extra (PyYAML once) works in the test venv and fails for users.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_canonical(re.split(r"[\s<>=!~;\[]", dep, maxsplit=1)[0]) for dep in project["dependencies"]}
    owners = importlib.metadata.packages_distributions()
    missing: dict[str, set[str]] = {}
    for path in _python_files(SRC):
        for module in _imported_top_modules(path):
            if module in sys.stdlib_module_names or module == "jaring":
                continue
            distributions = {_canonical(d) for d in owners.get(module, [module])}
            if not distributions & declared:
                missing.setdefault(module, set()).add(str(path.relative_to(ROOT)))
    assert missing == {}, f"imported by src/ but not in [project].dependencies: {missing}"


CI_READ = re.compile(r"""environ(\.get)?\s*[\[(]\s*["']CI["']|getenv\(\s*["']CI["']""")


def test_only_one_helper_reads_the_ci_variable() -> None:
    readers = [
        str(p.relative_to(ROOT))
        for p in _python_files(SRC, ROOT / "tests", ROOT / "tools", ROOT / "bench")
        if p != Path(__file__).resolve() and CI_READ.search(p.read_text(encoding="utf-8"))
    ]
    assert readers == []  # jaring.core.lib.env.in_ci() reads it (through env_bool), nothing else
    assert CI_READ.search('if os.environ.get("CI", "").lower() == "true":')


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "yes", "on", " True "])
def test_ci_is_on_for_every_usual_spelling_of_true(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", value)
    assert in_ci() and env_bool("CI")


@pytest.mark.parametrize("value", ["", "0", "false", "no"])
def test_ci_is_off_otherwise(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", value)
    assert not in_ci()


TIMERS = ("time", "monotonic", "perf_counter", "process_time")
TIMER_NAMES = re.compile(r"elapsed|seconds|duration|took|timing")


def _timed_asserts(path: Path) -> list[int]:
    """Lines of asserts that compare a clock reading (or a name that holds one) with a number."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    clocks: set[str] = set()
    for node in ast.walk(tree):  # names assigned from a clock difference: `elapsed = time.monotonic() - t0`
        if isinstance(node, ast.Assign) and any(
            isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr in TIMERS
            for c in ast.walk(node.value)
        ):
            clocks.update(t.id for t in node.targets if isinstance(t, ast.Name))
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assert):
            continue
        for cmp in (n for n in ast.walk(node.test) if isinstance(n, ast.Compare)):
            if not any(isinstance(op, ast.Lt | ast.LtE | ast.Gt | ast.GtE) for op in cmp.ops):
                continue
            names = {n.id for n in ast.walk(cmp) if isinstance(n, ast.Name)}
            calls = {
                n.func.attr
                for n in ast.walk(cmp)
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            }
            if names & clocks or calls & set(TIMERS) or any(TIMER_NAMES.fullmatch(n) for n in names):
                lines.append(node.lineno)
    return lines


def test_no_unit_test_asserts_how_long_something_took() -> None:
    # Speed is checked by bench/ (figures in docs/benchmarks.md), side by side in one run, never by a test
    # that a busy 2-core machine can fail.
    found = {
        str(p.relative_to(ROOT)): lines for p in _python_files(ROOT / "tests") if (lines := _timed_asserts(p))
    }
    assert found == {}


def test_the_timing_check_catches_a_timed_assert(tmp_path: Path) -> None:
    sample = tmp_path / "t.py"
    sample.write_text(
        "import time\nt0 = time.monotonic()\nelapsed = time.monotonic() - t0\nassert elapsed < 30\n"
        "assert time.perf_counter() - t0 <= 2\nassert 3 < 4\n"
    )
    assert _timed_asserts(sample) == [4, 5]


def _deadcode() -> object:
    import importlib.util

    spec = importlib.util.spec_from_file_location("deadcode", ROOT / "tools" / "deadcode.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_function_class_or_import_is_unused() -> None:
    # The same check as `make lint` (vulture; framework names in tools/vulture_allow.py).
    assert _deadcode().unused() == []  # type: ignore[attr-defined]


def test_the_dead_code_check_finds_a_function_nobody_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _deadcode()
    (tmp_path / "src" / "jaring").mkdir(parents=True)
    (tmp_path / "src" / "jaring" / "m.py").write_text(
        "def used():\n    pass\n\n\ndef forgotten():\n    pass\n\n\nused()\n"
    )
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(module, "PATHS", ["src/jaring"])
    assert [line.split(": ", 1)[1] for line in module.unused()] == [  # type: ignore[attr-defined]
        "unused function 'forgotten' (60% confidence)"
    ]


@pytest.mark.parametrize(
    ("text", "home"),
    [
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "src/jaring/core/lib/spreadsheet.py",
        ),
        ('getattr(request, "request_id"', "src/jaring/core/http.py"),
    ],
)
def test_a_copy_pasted_literal_lives_in_one_place(text: str, home: str) -> None:
    found = [str(p.relative_to(ROOT)) for p in _python_files(SRC) if text in p.read_text(encoding="utf-8")]
    assert found == [home]


MAX_FUNCTION_LINES = 80
# Longer today; each may shrink, none may grow: the planner's solver steps, a rule tokenizer and an
# agreement parser (one loop each), the quality indicators, a Splink settings table (comparisons), and the
# import's validate/commit (now with the staging-table commit and its stage timers), and three payment
# steps merged at the end of the round (ledger check, draft bills, statement import): split them next.
LONG_FUNCTIONS = {
    "agreements/services.py:parse": 83,
    "dedup/lib/linkage.py:comparisons": 103,
    "imports/services.py:_validate": 99,
    "imports/services.py:commit_batch": 85,
    "payments/ledger.py:check": 88,
    "payments/services.py:build_drafts": 94,
    "payments/statements.py:import_statement": 101,
    "planning/decompose.py:_lex_solve": 132,
    "planning/decompose.py:_decompose_group": 84,
    "planning/decompose.py:_decompose_exact": 81,
    "planning/planner.py:plan": 109,
    "planning/rules.py:tokenize": 90,
    "programmes/services/exports.py:person_coverage": 82,
    "review/lib/indicators.py:compute": 98,
}


def _function_lengths() -> dict[str, int]:
    lengths = {}
    for path in _python_files(SRC):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                key = f"{path.relative_to(SRC).as_posix()}:{node.name}"
                lengths[key] = max(lengths.get(key, 0), node.end_lineno - node.lineno + 1)  # type: ignore[operator]
    return lengths


def test_no_function_is_longer_than_80_lines_except_the_listed_ones_which_do_not_grow() -> None:
    too_long = {
        key: n for key, n in _function_lengths().items() if n > LONG_FUNCTIONS.get(key, MAX_FUNCTION_LINES)
    }
    assert too_long == {}, "split these into steps with names of their own"
