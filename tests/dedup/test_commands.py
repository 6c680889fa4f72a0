"""`jaring dedup` and `jaring link` (with the fake engine)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from jaring.dedup.models import CandidatePair, DedupRun
from jaring.registry.models import BpjsStatus, ChangeAction, Person, PersonChange


def _call(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(err):
        call_command(*args, stdout=out)
    return out.getvalue(), err.getvalue()


def test_dedup_json_prints_exactly_one_object_with_niks(world, twins, leran_twins, fake_engine) -> None:
    out, _err = _call("dedup", "--json", "--threshold", "0.95")
    data = json.loads(out)
    assert set(data) == {"records", "pairs", "clusters", "seconds"}
    assert data["records"] == 4
    assert {(p["a"], p["b"]) for p in data["pairs"]} == {
        (twins[0].nik, twins[1].nik),
        (leran_twins[0].nik, leran_twins[1].nik),
    }
    assert all(p["probability"] >= 0.95 for p in data["pairs"])
    assert sorted(data["clusters"]) == sorted(
        [[twins[0].nik, twins[1].nik], [leran_twins[0].nik, leran_twins[1].nik]]
    )
    assert CandidatePair.objects.count() == 2 and DedupRun.objects.get().status == "done"


def test_dedup_shows_a_progress_bar_on_stderr_and_a_summary(world, twins, fake_engine) -> None:
    out, err = _call("dedup", "--area", world.leran.code)
    assert "%" in err and "[" in err
    assert "1 persons" in out and "0 pairs" in out


def test_dedup_refuses_an_unknown_area(world, fake_engine) -> None:
    with pytest.raises(CommandError):
        _call("dedup", "--area", "99.99")


def test_link_reports_matched_unmatched_and_ambiguous_rows_and_marks_bpjs(
    world, twins, leran_twins, fake_engine, tmp_path: Path
) -> None:
    a, _b = twins
    listing = tmp_path / "bpjs.csv"
    listing.write_text(
        "NIK,Nama Lengkap,Tanggal Lahir,No BPJS\n"
        f"{a.nik},Siti Djuwariyah,17-05-1990,12345678901\n"
        "3525100101800001,Orang Lain,01-01-1980,\n"
        ",Siti Juwariyah,17-05-1990,\n",
        encoding="utf-8",
    )
    # Make the third row ambiguous: two registry records with that name and birth date.
    Person.objects.filter(pk=a.pk).update(full_name="Siti Juwariyah")
    out, _err = _call(
        "link", str(listing), "--columns", "nik,full_name,birth_date", "--json", "--mark-bpjs-active"
    )
    data = json.loads(out)
    assert (data["rows"], data["matched"], data["unmatched"], data["ambiguous"]) == (3, 1, 1, 1)
    assert data["marked_bpjs_active"] == 1
    assert [r["status"] for r in data["listing"]] == ["matched", "unmatched", "ambiguous"]
    a.refresh_from_db()
    assert a.bpjs_status == BpjsStatus.ACTIVE and a.bpjs_number == "12345678901" and a.version == 2
    change = PersonChange.objects.get(person_id=a.pk, action=ChangeAction.UPDATE)
    assert change.before is not None and change.before["bpjs_status"] == "none"
    assert Person.objects.filter(bpjs_status=BpjsStatus.ACTIVE).count() == 1


def test_link_refuses_columns_the_file_lacks(world, twins, fake_engine, tmp_path: Path) -> None:
    listing = tmp_path / "l.csv"
    listing.write_text("NIK\n3525100101800001\n", encoding="utf-8")
    with pytest.raises(CommandError, match="full_name"):
        _call("link", str(listing), "--columns", "nik,full_name")
