"""The demo scenario: Kabupaten Gresik's areas and approximate shapes, and synthetic workers imported
through the import pipeline the way village operators and the data steward would."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings

from jaring.core.world import GRESIK, LERAN, USERS, World, ensure_world
from jaring.geo.lib.approximate import APPROXIMATE_SOURCE, write_approximate_geojson
from jaring.geo.models import Area
from jaring.geo.services import import_boundaries
from jaring.synth.areas import plans_for_area
from jaring.synth.generator import SynthOptions, generate
from jaring.synth.mixes import TOBACCO_SLUGS
from jaring.synth.writer import write_rows, write_truth

DEMO_SEED = 2025
DEMO_PEOPLE = 10_000
DEMO_LERAN = 320
DEMO_NOISE = 0.01
DEMO_DUP_RATE = 0.003
# The district files are imported by the data steward, Leran's by its own operator.
LERAN_USER = "operator.leran"
STEWARD_USER = "diskominfo.steward"


@dataclass
class DemoFile:
    """One spreadsheet of the demo and the batch it became."""

    path: Path
    area_code: str
    username: str
    rows: int
    batch: Any = None
    skipped: bool = False


@dataclass
class DemoReport:
    """What `jaring demo` did."""

    world: World
    boundaries_loaded: int = 0
    files: list[DemoFile] = field(default_factory=list)
    tobacco_in_files: int = 0
    # What the later stages did (round, review, dedup, programme), keyed by app, for the summary.
    stages: dict[str, Any] = field(default_factory=dict)


def committed_batch_for(path: Path, area: Area) -> Any:
    """The committed batch of this very file (same SHA-256) for ``area``, if there is one."""
    from jaring.imports.models import Batch, BatchStatus

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Batch.objects.filter(content_hash=digest, village=area, status=BatchStatus.COMMITTED).first()


def demo_dir() -> Path:
    """Where the demo writes its synthetic spreadsheets (under var/)."""
    return Path(settings.VAR_DIR) / "demo"


def ensure_boundaries(out_dir: Path, say: Callable[[str], None]) -> int:
    """Load approximate shapes for Gresik's villages through the boundary import, unless shapes exist."""
    villages = Area.objects.within(GRESIK).villages()
    if not villages.filter(boundary__isnull=True).exists():
        say("Gresik's village shapes are already loaded")
        return 0
    path = write_approximate_geojson(GRESIK, out_dir / "gresik-approximate-villages.geojson")
    result = import_boundaries(
        path, code_field="kode", source=APPROXIMATE_SOURCE, approximate=True, dissolve_parents=True
    )
    say(f"{result.updated} approximate village shapes loaded (generated, not surveyed)")
    return result.updated


def write_demo_files(
    out_dir: Path, *, people: int, leran: int, seed: int, noise: float, dup_rate: float
) -> tuple[list[DemoFile], int]:
    """One population for the regency (NIKs never collide), split into Leran's file and one per district."""
    plans = plans_for_area(GRESIK)
    opts = SynthOptions(
        people=people, villages=plans, seed=seed, noise=noise, dup_rate=dup_rate, fixed_counts={LERAN: leran}
    )
    result = generate(opts)
    table = pl.concat([result.rows, result.truth], how="horizontal")
    table = table.with_columns(pl.col("Kode Desa").str.slice(0, 8).alias("_district"))
    tobacco = result.population.filter(pl.col("occupation_slug").is_in(sorted(TOBACCO_SLUGS))).height
    files: list[DemoFile] = []
    groups: list[tuple[str, str, pl.DataFrame, str]] = [
        ("SINTETIS-desa-leran-3525102010", LERAN, table.filter(pl.col("Kode Desa") == LERAN), LERAN_USER)
    ]
    rest = table.filter(pl.col("Kode Desa") != LERAN)
    for district in sorted(rest["_district"].unique().to_list()):
        name = f"SINTETIS-kecamatan-{district.replace('.', '')}"
        groups.append((name, district, rest.filter(pl.col("_district") == district), STEWARD_USER))
    for name, area_code, part, username in groups:
        part = part.with_row_index("_i")
        rows = part.select(
            [(pl.col("_i") + 1).cast(pl.String).alias("No"), *[c for c in result.rows.columns if c != "No"]]
        )
        if area_code == LERAN:
            # A village office's own sheet has no village-code column: everything is Leran.
            rows = rows.drop("Kode Desa")
        truth = part.select((pl.col("_i") + 2).alias("row"), *[c for c in result.truth.columns if c != "row"])
        path = out_dir / f"{name}.csv"
        write_rows(rows, path, "csv")
        write_truth(truth, out_dir / "truth" / f"{name}.truth.csv")
        files.append(DemoFile(path=path, area_code=area_code, username=username, rows=rows.height))
    return files, tobacco


def run_demo(
    *,
    people: int = DEMO_PEOPLE,
    leran: int = DEMO_LERAN,
    seed: int = DEMO_SEED,
    noise: float = DEMO_NOISE,
    dup_rate: float = DEMO_DUP_RATE,
    out_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoReport:
    """Build the demo: world, shapes, synthetic files, imports (committed, flagged synthetic). Idempotent."""
    from jaring.imports.services import run_import

    say = progress or (lambda _m: None)
    out_dir = out_dir or demo_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    world = ensure_world()
    say("Areas, organisations and demo users are in place")
    report = DemoReport(world=world)
    report.boundaries_loaded = ensure_boundaries(out_dir, say)
    files, report.tobacco_in_files = write_demo_files(
        out_dir, people=people, leran=leran, seed=seed, noise=noise, dup_rate=dup_rate
    )
    areas = {a.code: a for a in Area.objects.filter(code__in=[f.area_code for f in files])}
    for f in files:
        user = world.users[f.username]
        done = committed_batch_for(f.path, areas[f.area_code])
        if done is not None:
            # Same seed, same bytes: already imported. Skip it rather than record a refused re-upload.
            f.batch, f.skipped = done, True
            say(f"{f.path.name}: already imported (batch #{done.pk})")
            continue
        f.batch = run_import(f.path, village=areas[f.area_code], user=user, commit=True, is_synthetic=True)
        say(
            f"{f.path.name}: {f.batch.rows_total} rows, {f.batch.rows_committed} committed, "
            f"{f.batch.rows_with_errors} with errors ({f.batch.get_status_display()})"
        )
    report.files = files
    from jaring.agreements import demo as agreements_demo

    report.stages["agreements"] = agreements_demo.seed_demo(report, say)
    # Later stages of the scenario in the order the agencies act. Each app adds one idempotent call
    # at its own marker: `report.stages["<app>"] = <app>.demo.seed_demo(report, say)`.
    from jaring.collection import demo as collection_demo

    report.stages["collection"] = collection_demo.seed_demo(report, say)
    from jaring.review import demo as review_demo

    report.stages["review"] = review_demo.seed_demo(report, say)
    from jaring.dedup import demo as dedup_demo

    report.stages["dedup"] = dedup_demo.seed_demo(report, say)
    from jaring.programmes import demo as programmes_demo

    report.stages["programmes"] = programmes_demo.seed_demo(report, say)
    return report


def logins_text(base_url: str = "http://127.0.0.1:8000/") -> str:
    """The demo logins, one per role, with the shared demo password."""
    from jaring.accounts.models import Role
    from jaring.core.world import DEMO_PASSWORD

    lines = [f"Open {base_url} and log in as one of (password: {DEMO_PASSWORD}):"]
    for username, first_name, role, _org, area in USERS:
        lines.append(f"  {username:<20} {Role(role).label!s:<30} {first_name} ({area})")
    lines.append(f"  {'admin':<20} {'superuser':<30} Django admin")
    return "\n".join(lines)
