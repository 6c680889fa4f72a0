"""The round's XLSForm: pyxform converts it, constraints hold, and its exports import without a mapping."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from django.core.management import call_command

from jaring.collection.lib.xlsform import build_xlsform, convert, xlsx_bytes
from jaring.collection.models import Round
from jaring.imports.lib.headers import map_headers
from jaring.registry.models import OccupationCategory

XF = "{http://www.w3.org/2002/xforms}"


def _binds(xform: str) -> dict[str, dict[str, str]]:
    root = ElementTree.fromstring(xform)  # noqa: S314 - our own form, made by pyxform in the test
    return {b.attrib["nodeset"]: b.attrib for b in root.iter(f"{XF}bind")}


def test_pyxform_converts_the_form_without_error(manyar_round: Round) -> None:
    result = convert(xlsx_bytes(build_xlsform(manyar_round)))
    assert "<h:title>Pendataan Manyar 2025</h:title>" in result.xform
    assert 'jr:constraintMsg="jr:itext(' in result.xform  # translated constraint messages
    assert "Indonesian (id)" in result.xform and "English (en)" in result.xform
    assert "instance('desa')" in result.xform and 'src="jr://file-csv/desa.csv"' in result.xform


def test_the_nik_constraint_rejects_fifteen_digits(manyar_round: Round) -> None:
    binds = _binds(convert(xlsx_bytes(build_xlsform(manyar_round))).xform)
    nik = next(b for path, b in binds.items() if path.endswith("/identitas/nik"))
    assert nik["required"] == "true()"
    pattern = re.fullmatch(r"regex\(\., '(.+)'\)", nik["constraint"])
    assert pattern is not None
    # XPath regex() and Python agree on this pattern: anchored, digits only.
    assert re.search(pattern.group(1), "3525100202760101")
    assert not re.search(pattern.group(1), "352510020276010")
    assert not re.search(pattern.group(1), "35251002027601011")
    assert not re.search(pattern.group(1), "352510020276010X")


def test_the_choices_come_from_the_registry_and_the_round(manyar_round: Round) -> None:
    form = build_xlsform(manyar_round)
    occupations = {c["name"] for c in form.choices if c["list_name"] == "pekerjaan"}
    assert occupations == set(OccupationCategory.objects.values_list("slug", flat=True))
    statuses = [c["name"] for c in form.choices if c["list_name"] == "status_pekerjaan"]
    assert len(statuses) == 7
    districts = {c["name"] for c in form.choices if c["list_name"] == "kecamatan"}
    assert districts == {"35.25.10"}
    assert len(form.villages) == manyar_round.target_villages.count()
    assert all(v["kecamatan"] == "35.25.10" for v in form.villages)


def test_a_central_export_of_the_form_maps_every_field(manyar_round: Round) -> None:
    """Central names a column group-field ("identitas-nik"); each question must map to a field."""
    form = build_xlsform(manyar_round)
    groups: list[str] = []
    headers = []
    for q in form.survey:
        if q["type"] == "begin_group":
            groups.append(q["name"])
        elif q["type"] == "end_group":
            groups.pop()
        elif q["type"] == "geopoint":
            headers += [f"{q['name']}-{p}" for p in ("Latitude", "Longitude", "Altitude", "Accuracy")]
        else:
            headers.append("-".join([*groups, q["name"]]))
    hmap = map_headers([*headers, "meta-instanceID", "KEY", "SubmissionDate"])
    assert hmap.unknown == [] and hmap.duplicates == []
    expected = {"nik", "kk", "full_name", "sex", "birth_date", "occupation_text", "employment_status"}
    expected |= {"monthly_income", "dependants", "phone", "village_code", "latitude", "longitude"}
    assert expected | {"submission_uuid", "submitted_at"} == set(hmap.fields)


def test_the_round_page_offers_the_form_as_a_zip(manyar_round: Round, steward_client: Any) -> None:
    import zipfile

    response = steward_client.get("/rounds/manyar-2025/xlsform.zip")
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(names) == ["desa.csv", "manyar-2025.xlsx"]


def test_the_command_writes_the_form_and_the_village_csv(
    manyar_round: Round, tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "forms" / "form.xlsx"
    call_command("xlsform", "--round", "manyar-2025", "--out", str(out), "--check")
    assert "without error" in capsys.readouterr().out
    assert out.read_bytes()[:2] == b"PK"
    rows = list(csv.DictReader(io.StringIO((out.parent / "desa.csv").read_text(encoding="utf-8"))))
    assert {"name", "label", "kecamatan"} == set(rows[0])
    assert any(r["name"] == "35.25.10.2010" and r["label"] == "Leran" for r in rows)
