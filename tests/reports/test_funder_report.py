"""The monthly funder report: a PDF that opens, with the CSR's total in rupiah and the SINTETIS mark."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from jaring.reports.services import rupiah


def test_rupiah_is_printed_the_indonesian_way() -> None:
    assert rupiah(2_520_000) == "Rp2.520.000" and rupiah(None) == "—"


def test_the_csr_funder_report_opens_and_shows_its_total(
    world: Any, programme_officer: Any, tmp_path: Path
) -> None:
    from jaring.programmes import services
    from tests.programmes.scenario import make_scenario

    sc = make_scenario(world)
    plan = services.compute_and_store(sc.programme, actor=programme_officer, via="test")
    services.approve_plan(plan, actor=programme_officer, via="test")
    csr = next(s for s in plan.summary["sources"] if s["kind"] == "csr")
    out = tmp_path / "csr.pdf"
    args = ["--programme", sc.programme.slug, "--source", "csr", "--month", "2025-07", "--out", str(out)]
    call_command("report", "funder", *args)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(out), str(tmp_path / "p")], check=True
    )
    assert list(tmp_path.glob("p*.png"))
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    # One fisherman covered: the count is withheld, and so is every amount that would reveal it.
    assert "<5" in text and rupiah(csr["cost"]) not in text
    with pytest.raises(CommandError):
        call_command("report", "funder", "--programme", sc.programme.slug, "--source", "csr",
                     "--month", "2031-01", "--out", str(out))  # fmt: skip
