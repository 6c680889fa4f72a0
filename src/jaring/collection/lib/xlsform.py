"""The round's questionnaire as an XLSForm for ODK Collect / KoboCollect, villages in an external CSV.

The field names are the ones the import recognises (``nik``, ``nama_lengkap``, ``jenis_kelamin``…), so an
ODK Central or KoboToolbox export of this form imports without a mapping file.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jaring.collection.models import Round

ID = "Indonesian (id)"
EN = "English (en)"
VILLAGES_CSV = "desa.csv"
NIK_REGEX = "^[0-9]{16}$"
KK_REGEX = "^[0-9]{16}$"
PHONE_REGEX = "^(\\+62|62|0)8[0-9]{7,11}$"

SURVEY_COLUMNS = [
    "type",
    "name",
    f"label::{ID}",
    f"label::{EN}",
    f"hint::{ID}",
    f"hint::{EN}",
    "required",
    f"required_message::{ID}",
    f"required_message::{EN}",
    "constraint",
    f"constraint_message::{ID}",
    f"constraint_message::{EN}",
    "choice_filter",
    "appearance",
]
CHOICE_COLUMNS = ["list_name", "name", f"label::{ID}", f"label::{EN}"]

REQUIRED = {f"required_message::{ID}": "Wajib diisi.", f"required_message::{EN}": "Required."}

# Sakernas employment status (BPS): value as the registry stores it, Indonesian and English labels.
EMPLOYMENT = [
    ("own_account", "Berusaha sendiri", "Own-account worker"),
    (
        "employer_temporary",
        "Berusaha dibantu buruh tidak tetap/tidak dibayar",
        "Employer with temporary/unpaid help",
    ),
    ("employer_permanent", "Berusaha dibantu buruh tetap/dibayar", "Employer with permanent workers"),
    ("employee", "Buruh/karyawan/pegawai", "Employee"),
    ("casual_agriculture", "Pekerja bebas di pertanian", "Casual worker in agriculture"),
    ("casual_non_agriculture", "Pekerja bebas di nonpertanian", "Casual worker outside agriculture"),
    ("unpaid_family", "Pekerja keluarga/tak dibayar", "Unpaid family worker"),
]


@dataclass
class XLSForm:
    """The three sheets of the form and the external village list."""

    survey: list[dict[str, str]] = field(default_factory=list)
    choices: list[dict[str, str]] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)
    villages: list[dict[str, str]] = field(default_factory=list)  # name, label, kecamatan

    def as_rows(self, sheet: str) -> list[list[str]]:
        """A sheet as rows of cells, header first."""
        if sheet == "settings":
            keys = list(self.settings)
            return [keys, [self.settings[k] for k in keys]]
        columns, rows = (SURVEY_COLUMNS, self.survey) if sheet == "survey" else (CHOICE_COLUMNS, self.choices)
        return [columns, *[[row.get(c, "") for c in columns] for row in rows]]


def _q(kind: str, name: str, label_id: str, label_en: str, **extra: str) -> dict[str, str]:
    return {"type": kind, "name": name, f"label::{ID}": label_id, f"label::{EN}": label_en, **extra}


def _constraint(expr: str, msg_id: str, msg_en: str) -> dict[str, str]:
    return {"constraint": expr, f"constraint_message::{ID}": msg_id, f"constraint_message::{EN}": msg_en}


def form_id(round_: Round) -> str:
    """The XForm id: the round's slug in the characters XML names allow."""
    return "jaring_" + re.sub(r"[^A-Za-z0-9_]", "_", round_.slug)


def build_xlsform(round_: Round) -> XLSForm:
    """The questionnaire of ``round_``: identity, work, contact, village (cascading) and a GPS point."""
    form = XLSForm()
    form.survey.append(_q("start", "start", "", ""))
    form.survey.append(_q("end", "end", "", ""))
    required = {"required": "yes", **REQUIRED}
    _identity_questions(form.survey, required)
    _work_questions(form.survey, required)
    _contact_and_place_questions(form.survey, required)
    _choices(form, round_)
    form.settings = {
        "form_title": round_.name,
        "form_id": form_id(round_),
        "version": round_.questionnaire_version,
        "default_language": ID,
        "instance_name": "concat(${nama_lengkap}, ' ', ${nik})",
    }
    return form


def _identity_questions(s: list[dict[str, str]], required: dict[str, str]) -> None:
    """The identity group: NIK, KK, name, sex and birth date, with the import's own checks."""
    s.append(_q("begin_group", "identitas", "Identitas", "Identity"))
    s.append(
        _q(
            "text",
            "nik",
            "NIK (16 angka)",
            "NIK (16 digits)",
            appearance="numbers",
            **{
                f"hint::{ID}": "Nomor Induk Kependudukan pada KTP/KK",
                f"hint::{EN}": "National ID number (KTP/KK)",
            },
            **required,
            **_constraint(
                f"regex(., '{NIK_REGEX}')",
                "NIK harus terdiri dari 16 angka.",
                "The NIK must be exactly 16 digits.",
            ),
        )
    )
    s.append(
        _q(
            "text",
            "kk",
            "Nomor KK",
            "Family card (KK) number",
            appearance="numbers",
            **_constraint(
                f". = '' or regex(., '{KK_REGEX}')",
                "Nomor KK harus terdiri dari 16 angka.",
                "The KK number must be exactly 16 digits.",
            ),
        )
    )
    s.append(_q("text", "nama_lengkap", "Nama lengkap", "Full name", **required))
    s.append(_q("select_one jenis_kelamin", "jenis_kelamin", "Jenis kelamin", "Sex", **required))
    s.append(
        _q(
            "date",
            "tanggal_lahir",
            "Tanggal lahir",
            "Birth date",
            **required,
            **_constraint(
                ". <= today() and . >= date('1900-01-01')",
                "Tanggal lahir tidak boleh di masa depan.",
                "The birth date cannot be in the future.",
            ),
        )
    )
    s.append(_q("end_group", "", "", ""))


def _work_questions(s: list[dict[str, str]], required: dict[str, str]) -> None:
    """The work group: occupation, employment status, income and dependants."""
    s.append(_q("begin_group", "pekerjaan_grp", "Pekerjaan", "Work"))
    s.append(_q("select_one pekerjaan", "pekerjaan", "Pekerjaan utama", "Main occupation", **required))
    s.append(
        _q(
            "select_one status_pekerjaan",
            "status_pekerjaan",
            "Status pekerjaan",
            "Employment status",
            **required,
        )
    )
    s.append(
        _q(
            "integer",
            "penghasilan",
            "Penghasilan per bulan (Rp)",
            "Monthly income (Rp)",
            **_constraint(
                ". >= 0 and . <= 1000000000",
                "Penghasilan harus antara 0 dan 1 miliar rupiah.",
                "Income must be between 0 and 1 billion rupiah.",
            ),
        )
    )
    s.append(
        _q(
            "integer",
            "jumlah_tanggungan",
            "Jumlah tanggungan",
            "Dependants",
            **_constraint(". >= 0 and . <= 30", "Antara 0 dan 30.", "Between 0 and 30."),
        )
    )
    s.append(_q("end_group", "", "", ""))


def _contact_and_place_questions(s: list[dict[str, str]], required: dict[str, str]) -> None:
    """Mobile phone, the district then village (cascading, from the villages CSV) and the home's GPS point."""
    s.append(
        _q(
            "text",
            "no_hp",
            "Nomor HP",
            "Mobile phone",
            appearance="numbers",
            **_constraint(
                f". = '' or regex(., '{PHONE_REGEX}')",
                "Nomor HP tidak valid (contoh 0812…).",
                "Not a valid mobile number (e.g. 0812…).",
            ),
        )
    )
    s.append(_q("begin_group", "wilayah", "Wilayah", "Area"))
    s.append(_q("select_one kecamatan", "kecamatan", "Kecamatan", "District", **required))
    s.append(
        _q(
            f"select_one_from_file {VILLAGES_CSV}",
            "kode_desa",
            "Desa/kelurahan",
            "Village",
            choice_filter="kecamatan=${kecamatan}",
            appearance="minimal",
            **required,
        )
    )
    s.append(_q("end_group", "", "", ""))
    s.append(
        _q(
            "geopoint",
            "lokasi",
            "Lokasi tempat tinggal",
            "Location of the home",
            **{f"hint::{ID}": "Tunggu hingga akurasi < 10 m", f"hint::{EN}": "Wait for accuracy below 10 m"},
        )
    )


def _choices(form: XLSForm, round_: Round) -> None:
    """The choice lists (sex, occupations, employment status, districts) and the round's villages."""
    from jaring.registry.models import OccupationCategory

    c = form.choices

    def choice(list_name: str, name: str, label_id: str, label_en: str) -> None:
        c.append({"list_name": list_name, "name": name, f"label::{ID}": label_id, f"label::{EN}": label_en})

    choice("jenis_kelamin", "L", "Laki-laki", "Male")
    choice("jenis_kelamin", "P", "Perempuan", "Female")
    for occ in OccupationCategory.objects.order_by("is_local", "kbji_major", "slug"):
        choice("pekerjaan", occ.slug, occ.name, occ.name_en)
    for value, label_id, label_en in EMPLOYMENT:
        choice("status_pekerjaan", value, label_id, label_en)
    villages = round_.target_villages.select_related("parent").order_by("code")
    districts: dict[str, str] = {}
    for village in villages:
        district = village.parent.code if village.parent else village.code.rsplit(".", 1)[0]
        if village.parent:
            districts[district] = village.parent.name
        form.villages.append({"name": village.code, "label": village.name, "kecamatan": district})
    for code, name in sorted(districts.items()):
        choice("kecamatan", code, name, name)


def xlsx_bytes(form: XLSForm) -> bytes:
    """The XLSForm workbook (survey, choices, settings), every cell as text."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    for sheet in ("survey", "choices", "settings"):
        ws = book.add_worksheet(sheet)
        for r, row in enumerate(form.as_rows(sheet)):
            for col, value in enumerate(row):
                ws.write_string(r, col, value)
    book.close()
    return buf.getvalue()


def villages_csv(form: XLSForm) -> bytes:
    """The external choices of the village question (name, label, kecamatan)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["name", "label", "kecamatan"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(form.villages)
    return out.getvalue().encode("utf-8")


def write_xlsform(round_: Round, out: Path) -> tuple[Path, Path]:
    """Write the form to ``out`` and its village list (``desa.csv``) next to it; return both paths."""
    form = build_xlsform(round_)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(xlsx_bytes(form))
    csv_path = out.parent / VILLAGES_CSV
    csv_path.write_bytes(villages_csv(form))
    return out, csv_path


def convert(form_bytes: bytes) -> Any:
    """The XForm of an XLSForm workbook (pyxform's Python API; raises on an invalid form)."""
    from pyxform.xls2xform import convert as pyxform_convert

    return pyxform_convert(xlsform=io.BytesIO(form_bytes), file_type=".xlsx", warnings=[])
