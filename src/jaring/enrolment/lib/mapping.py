"""Collective-registration file columns as data, and the answer file's headers and status words (pure)."""

from __future__ import annotations

from typing import Any

# The fields a registration file may carry (keys a mapping's columns name).
EXPORT_FIELDS = (
    "batch_reference",
    "nik",
    "full_name",
    "birth_date",
    "sex",
    "address",
    "phone",
    "occupation",
    "work_location",
    "declared_income",
    "programmes",
    "start_month",
    "payer",
)

# Default columns: the fields Permenaker 5/2021 collective registration needs (DOMAIN.md §2). No public
# template of BPJS's file was found, so an administrator edits the mapping (admin, RegistrationMapping).
DEFAULT_COLUMNS: list[dict[str, str]] = [
    {"header": "REFERENSI_BATCH", "field": "batch_reference"},
    {"header": "NIK", "field": "nik"},
    {"header": "NAMA_LENGKAP", "field": "full_name"},
    {"header": "TANGGAL_LAHIR", "field": "birth_date"},
    {"header": "JENIS_KELAMIN", "field": "sex"},
    {"header": "ALAMAT", "field": "address"},
    {"header": "NO_HP", "field": "phone"},
    {"header": "PEKERJAAN", "field": "occupation"},
    {"header": "LOKASI_KERJA", "field": "work_location"},
    {"header": "PENGHASILAN", "field": "declared_income"},
    {"header": "PROGRAM", "field": "programmes"},
    {"header": "BULAN_MULAI", "field": "start_month"},
    {"header": "PEMBAYAR", "field": "payer"},
]
DEFAULT_SOURCE = "Permenaker 5/2021 (amended 2025), collective registration fields; DOMAIN.md §2"


def columns_problem(columns: Any) -> str | None:
    """Why a mapping's columns are malformed (English), or None."""
    if not isinstance(columns, list) or not columns:
        return "a non-empty list of {header, field} objects"
    headers: set[str] = set()
    for i, c in enumerate(columns, 1):
        if not isinstance(c, dict) or set(c) != {"header", "field"}:
            return f"column {i}: an object with header and field"
        if c["field"] not in EXPORT_FIELDS:
            return f"column {i}: field must be one of {', '.join(EXPORT_FIELDS)}"
        if not str(c["header"]).strip() or c["header"] in headers:
            return f"column {i}: an empty or repeated header"
        headers.add(c["header"])
    if not any(c["field"] == "nik" for c in columns):
        return "the NIK column is required"
    return None


# --- the answer file (BPJS's reply) -------------------------------------------------------------------

# Accepted headers (lower-cased, spaces and dashes as underscores) for each answer field.
ANSWER_HEADERS: dict[str, tuple[str, ...]] = {
    "reference": ("batch_reference", "referensi_batch", "referensi", "reference", "no_referensi"),
    "nik": ("nik", "no_nik", "nomor_nik"),
    "status": ("status", "hasil", "result"),
    "kpj": ("kpj", "no_kpj", "nomor_kpj", "kpj_number"),
    "start_date": ("start_date", "tanggal_mulai", "tgl_mulai", "tanggal_kepesertaan", "tgl_kepesertaan"),
    "reason": ("reason", "alasan", "keterangan", "catatan"),
}
REQUIRED_ANSWER = ("reference", "nik", "status")

# Status words in answer files (Indonesian and English) and the status they mean.
STATUS_WORDS: dict[str, str] = {
    "registered": "registered",
    "terdaftar": "registered",
    "diterima": "registered",
    "accepted": "registered",
    "rejected": "rejected",
    "ditolak": "rejected",
    "already_member": "already_member",
    "already a member": "already_member",
    "sudah_terdaftar": "already_member",
    "sudah terdaftar": "already_member",
    "sudah menjadi peserta": "already_member",
    "sudah_peserta": "already_member",
}


def header_key(header: str) -> str:
    """A header as compared: lower case, spaces, dots and dashes as underscores."""
    out = str(header).strip().lower().lstrip("\ufeff")
    for ch in " -./":
        out = out.replace(ch, "_")
    while "__" in out:
        out = out.replace("__", "_")
    return out.strip("_")


def match_headers(headers: list[str], wanted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Field → column index for the headers that name a wanted field (first occurrence wins)."""
    found: dict[str, int] = {}
    for i, h in enumerate(headers):
        key = header_key(h)
        for field, aliases in wanted.items():
            if key in aliases and field not in found:
                found[field] = i
    return found
