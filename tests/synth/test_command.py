"""`jaring synth` writes labelled synthetic files and a truth file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from jaring.synth.generator import COLUMNS


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_it_writes_a_csv_with_a_synthetic_notice_and_a_truth_file(tmp_path: Path) -> None:
    out, truth = tmp_path / "SINTETIS-leran.csv", tmp_path / "truth.csv"
    call_command(
        "synth", "--people", "300", "--village", "35.25.10.2010", "--out", str(out), "--truth", str(truth),
        "--dup-rate", "0.1", "--noise", "0.05", "--seed", "11",
    )  # fmt: skip
    df = pl.read_csv(out, infer_schema=False)
    assert df.columns == COLUMNS and df.height == 330
    assert set(df["Kode Desa"].to_list()) == {"35.25.10.2010"}
    assert "SINTETIS" in (tmp_path / "SINTETIS-leran.csv.KETERANGAN.txt").read_text()
    t = pl.read_csv(truth)
    assert t.height == 330 and t["row"].min() == 2


def test_xlsx_has_a_keterangan_sheet_and_is_byte_identical_for_a_seed(tmp_path: Path) -> None:
    import openpyxl

    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for path in (a, b):
        call_command("synth", "--people", "50", "--regency", "35.25.10", "--out", str(path), "--seed", "3")
    assert _sha(a) == _sha(b)
    wb = openpyxl.load_workbook(a, read_only=True)
    assert wb.sheetnames == ["Data", "KETERANGAN"]
    assert "SINTETIS" in str(next(wb["KETERANGAN"].iter_rows(values_only=True))[0])
    header = next(wb["Data"].iter_rows(values_only=True))
    assert list(header) == COLUMNS


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command(
            "synth", "--people", "10", "--village", "99.99.99.9999", "--out", str(tmp_path / "x.csv")
        )
    with pytest.raises(CommandError):
        call_command(
            "synth",
            "--people",
            "10",
            "--village",
            "35.25.10.2010",
            "--out",
            str(tmp_path / "x.csv"),
            "--noise",
            "2",
        )
