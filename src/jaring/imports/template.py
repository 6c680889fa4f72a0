"""The import template: an XLSX with the recognised headers, one example row and a notes sheet."""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from jaring.imports.lib.headers import FIELD_LABELS, REQUIRED_FIELDS

# The template's columns in the order a village form usually has them (the header each field is known by).
COLUMNS = [
    "nik",
    "kk",
    "full_name",
    "sex",
    "birth_place",
    "birth_date",
    "address",
    "dusun",
    "rt",
    "rw",
    "village_code",
    "occupation_text",
    "employment_status",
    "monthly_income",
    "dependants",
    "has_disability",
    "is_household_head",
    "phone",
    "bpjs_status",
    "bpjs_number",
]


def _example(village_code: str) -> dict[str, Any]:
    """A synthetic example person (SINTETIS), consistent with its NIK (born 12 March 1985, a man)."""
    return {
        "nik": "3525101203850001",
        "kk": "3525101001090001",
        "full_name": "CONTOH SINTETIS Budi Santoso",
        "sex": "L",
        "birth_place": "Gresik",
        "birth_date": "12/03/1985",
        "address": "Jl. Raya Leran No. 1",
        "dusun": "Krajan",
        "rt": "001",
        "rw": "002",
        "village_code": village_code,
        "occupation_text": "Nelayan",
        "employment_status": "Berusaha sendiri",
        "monthly_income": "1500000",
        "dependants": "2",
        "has_disability": "Tidak",
        "is_household_head": "Ya",
        "phone": "0812-3456-7890",
        "bpjs_status": "Belum",
        "bpjs_number": "",
    }


def _notes() -> dict[str, str]:
    """What each column holds, in the active language."""
    return {
        "nik": _("16 digits, from the ID card (KTP). Format the column as Text, or Excel destroys it."),
        "kk": _("Family card number, 16 digits (optional)."),
        "full_name": _("As on the ID card."),
        "sex": _("L (male) or P (female)."),
        "birth_place": _("Town or regency of birth (optional)."),
        "birth_date": _("dd/mm/yyyy, day first (12/03/1985). It must agree with the NIK."),
        "address": _("Street and house number (optional)."),
        "dusun": _("Hamlet (optional)."),
        "rt": _("RT number, e.g. 001 (optional)."),
        "rw": _("RW number, e.g. 002 (optional)."),
        "village_code": _(
            "Kemendagri village code (35.25.10.2010). Needed only in a file for several villages; "
            "in a village's own file it may stay empty."
        ),
        "occupation_text": _("Main occupation in words (Nelayan, Petani Tembakau, Ojek...)."),
        "employment_status": _("Own-account, employee, casual worker... (optional)."),
        "monthly_income": _("Rupiah per month: 1500000, Rp1.500.000 or 1,5 jt (optional)."),
        "dependants": _("Number of dependants (optional)."),
        "has_disability": _("Ya or Tidak (optional)."),
        "is_household_head": _("Ya or Tidak (optional)."),
        "phone": _("Mobile number, 08... or +628... (optional)."),
        "bpjs_status": _("Belum, Aktif or Tidak aktif (optional)."),
        "bpjs_number": _("BPJS Ketenagakerjaan card number, if a member (optional)."),
    }


def template_xlsx(village_code: str = "") -> bytes:
    """The template workbook: sheet "Data" (headers, one example row) and sheet "Catatan" (notes)."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    text = book.add_format({"num_format": "@"})
    bold = book.add_format({"bold": True})
    required = book.add_format({"bold": True, "bg_color": "#FFF2CC"})
    data = book.add_worksheet("Data")
    example = _example(village_code)
    for col, name in enumerate(COLUMNS):
        data.set_column(col, col, max(12, len(FIELD_LABELS[name]) + 2), text)
        data.write_string(0, col, FIELD_LABELS[name], required if name in REQUIRED_FIELDS else bold)
        data.write_string(1, col, example[name], text)
    data.freeze_panes(1, 0)
    notes = book.add_worksheet(_("Notes")[:31])
    notes.set_column(0, 0, 24)
    notes.set_column(1, 1, 12)
    notes.set_column(2, 2, 90)
    notes.write_row(0, 0, [_("Column"), _("Required"), _("What to write")], bold)
    explained = _notes()
    for row, name in enumerate(COLUMNS, start=1):
        notes.write_string(row, 0, FIELD_LABELS[name])
        notes.write_string(row, 1, _("yes") if name in REQUIRED_FIELDS else _("no"))
        notes.write_string(row, 2, explained[name])
    last = len(COLUMNS) + 2
    notes.write_string(
        last,
        0,
        _(
            "Row 2 of the Data sheet is a SYNTHETIC example (SINTETIS): delete it before you import. "
            "Columns may be in any order; other recognised spellings of the headers work too."
        ),
    )
    book.close()
    return buf.getvalue()
