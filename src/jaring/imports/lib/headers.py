"""Recognising column headers (Indonesian and English, any case or punctuation) as Person fields."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Person field (or import-only field such as village_code) -> the header spellings that mean it.
HEADER_ALIASES: dict[str, list[str]] = {
    "nik": ["NIK", "No NIK", "Nomor NIK", "NIK KTP", "No KTP", "Nomor KTP", "ID Number", "National ID"],
    "kk": ["No KK", "Nomor KK", "NKK", "No Kartu Keluarga", "Nomor Kartu Keluarga", "KK", "Family Card"],
    "full_name": ["Nama Lengkap", "Nama", "Nama Pekerja", "Nama Warga", "Full Name", "Name"],
    "sex": ["Jenis Kelamin", "L/P", "JK", "Kelamin", "Gender", "Sex"],
    "birth_place": ["Tempat Lahir", "Tmp Lahir", "Tpt Lahir", "Place of Birth", "Birth Place", "Birthplace"],
    "birth_date": [
        "Tanggal Lahir",
        "Tgl Lahir",
        "Tgl. Lahir",
        "Date of Birth",
        "Birth Date",
        "DOB",
        "Birthdate",
    ],
    "address": ["Alamat", "Alamat Lengkap", "Address"],
    "dusun": ["Dusun", "Dukuh", "Lingkungan", "Hamlet"],
    "rt": ["RT"],
    "rw": ["RW"],
    "village_code": ["Kode Desa", "Kode Kelurahan", "Kode Wilayah", "Kode Desa/Kelurahan", "Village Code"],
    "occupation_text": ["Pekerjaan", "Jenis Pekerjaan", "Pekerjaan Utama", "Occupation", "Job"],
    "employment_status": [
        "Status Pekerjaan",
        "Status Kerja",
        "Kedudukan dalam Pekerjaan",
        "Employment Status",
    ],
    "monthly_income": [
        "Penghasilan",
        "Pendapatan",
        "Penghasilan per Bulan",
        "Pendapatan per Bulan",
        "Penghasilan Bulanan",
        "Monthly Income",
        "Income",
    ],
    "dependants": ["Jumlah Tanggungan", "Tanggungan", "Dependants", "Dependents"],
    "has_disability": ["Disabilitas", "Penyandang Disabilitas", "Difabel", "Disability"],
    "is_household_head": [
        "Kepala Keluarga",
        "Status Kepala Keluarga",
        "Kepala RT",
        "Household Head",
        "Head of Household",
    ],
    "phone": [
        "No HP",
        "No. HP",
        "Nomor HP",
        "No Telp",
        "No. Telp",
        "Nomor Telepon",
        "Telepon",
        "HP",
        "WA",
        "No WA",
        "Phone",
        "Mobile",
        "Phone Number",
    ],
    "latitude": ["Latitude", "Lintang", "Lat"],
    "longitude": ["Longitude", "Bujur", "Lon", "Lng", "Long"],
    "bpjs_status": ["Status BPJS", "Status BPJS TK", "Status BPJS Ketenagakerjaan", "BPJS Status"],
    "bpjs_number": ["No BPJS", "Nomor BPJS", "No Kartu BPJS", "No BPJS TK", "BPJS Number"],
    # Import-only fields of ODK Central / KoboToolbox exports (see docs/collection.md).
    "submission_uuid": ["instanceID", "meta/instanceID", "_uuid", "KEY", "Submission UUID"],
    "submitted_at": ["SubmissionDate", "_submission_time", "Submission Date", "Submitted At"],
    # A geopoint in one cell, "lat lon altitude accuracy" (ODK), or split into columns (see _GEO_SPLIT).
    "geopoint": ["lokasi", "geopoint", "Titik Lokasi", "Koordinat", "GPS", "Location"],
}
# Fields an export may carry in several columns (Kobo has meta/instanceID and _uuid): the first one wins.
MULTI_SOURCE_FIELDS = {"submission_uuid", "submitted_at"}
# Headers that are known and deliberately not imported (no warning for them).
IGNORED_HEADERS = [
    "No",
    "No.",
    "Nomor",
    "Nomor Urut",
    "No Urut",
    "Keterangan",
    "Catatan",
    "Notes",
    # Form metadata of ODK Central and KoboToolbox exports.
    "start",
    "end",
    "today",
    "deviceid",
    "instanceName",
    "deprecatedID",
    "rootUuid",
    "formhub/uuid",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
    "_id",
    "_index",
    "_parent_index",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_version_",
    "_tags",
    "_xform_id_string",
    "_attachments",
    "_geolocation",
    "Kode Kecamatan",
    "Kecamatan",
]
REQUIRED_FIELDS = ["nik", "full_name", "sex"]
FIELD_LABELS = {f: names[0] for f, names in HEADER_ALIASES.items()}


def header_key(header: str) -> str:
    """Case-, space- and punctuation-insensitive form of a header ("No. HP" == "no hp" == "NOHP")."""
    return re.sub(r"[^a-z0-9]", "", header.lower())


_ALIAS_INDEX: dict[str, str] = {header_key(a): f for f, names in HEADER_ALIASES.items() for a in names}
_IGNORED = {header_key(h) for h in IGNORED_HEADERS}
# A geopoint's split columns: "lokasi-Latitude" (ODK Central), "_lokasi_latitude" (KoboToolbox), or a
# group path before them. Altitude and accuracy are known but not stored.
_GEO_SPLIT = re.compile(
    r"^(?P<point>.+?)[-_/ .](?P<part>latitude|longitude|altitude|accuracy|precision)$", re.I
)
_GEO_PART = {"latitude": "latitude", "longitude": "longitude"}
# Group separators of form exports: "/" (Kobo, ODK Briefcase), "-" (ODK Central), ":" (older tools).
_GROUP_SEP = re.compile(r"[/:-]")


def _field_of(header: str, explicit: dict[str, str]) -> str | None:
    """The field a header means (explicit mapping, known spelling, form-export conventions), or None.

    "" means "known, not imported". Plain spreadsheet headers are matched whole first, so group-prefix
    stripping only ever applies to headers that would otherwise be unknown.
    """
    key = header_key(header)
    if key in explicit:
        return explicit[key]
    if key in _ALIAS_INDEX:
        return _ALIAS_INDEX[key]
    if key in _IGNORED or key == "":
        return ""
    geo = _GEO_SPLIT.match(header.strip())
    if geo is not None:
        return _GEO_PART.get(geo.group("part").lower(), "")
    # A form field inside groups: "identitas/nik", "grp-identitas-nik", "group/sub/field".
    parts = [p for p in _GROUP_SEP.split(header.strip()) if p.strip()]
    if len(parts) > 1:
        last = header_key(parts[-1])
        if last in explicit:
            return explicit[last]
        if last in _ALIAS_INDEX:
            return _ALIAS_INDEX[last]
        if last in _IGNORED:
            return ""
    return None


@dataclass
class HeaderMap:
    """Which file column (index) feeds which field, and what was not recognised."""

    fields: dict[str, int] = field(default_factory=dict)  # field -> column index
    unknown: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)

    def header_of(self, headers: list[str]) -> dict[str, str]:
        """field -> the header as written in the file."""
        return {f: headers[i] for f, i in self.fields.items()}


def load_mapping(path: Path) -> dict[str, str]:
    """Read a mapping file: JSON ``{"Header in file": "person_field"}``."""
    data: Any = json.loads(path.read_text(encoding="utf-8-sig"))
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ValueError('expected a JSON object {"Header in file": "person_field"}')
    return data


def check_mapping(mapping: dict[str, str]) -> list[str]:
    """Fields of ``mapping`` that are not importable fields (empty when it is valid)."""
    return [v for v in mapping.values() if v not in HEADER_ALIASES and v != ""]


def map_headers(headers: list[str], mapping: dict[str, str] | None = None) -> HeaderMap:
    """Match each header to a field: the explicit mapping first, then the known spellings."""
    explicit = {header_key(k): v for k, v in (mapping or {}).items()}
    result = HeaderMap()
    seen_keys: dict[str, str] = {}
    for index, header in enumerate(headers):
        key = header_key(header)
        if key and key in seen_keys:
            result.duplicates.append(header)
            continue
        seen_keys[key] = header
        target = _field_of(header, explicit)
        if target == "":
            continue
        if target is None:
            result.unknown.append(header)
            continue
        if target in result.fields:
            if target not in MULTI_SOURCE_FIELDS:
                result.duplicates.append(header)
            continue
        result.fields[target] = index
    return result
