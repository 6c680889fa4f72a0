"""Write the sample ODK Central / KoboToolbox exports and OData responses used by the collection tests.

Every file is made from the same few submissions (as ODK Central's OData feed returns them), so the
tests can check that a CSV export, a Kobo XLSX export and a pull from the OData endpoint give the same
persons. Run ``python tests/data/odk/make_odk_files.py [DIR]`` (default: this folder) or call
:func:`make_all`.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LERAN = "35.25.10.2010"
GUMENO = "35.25.10.2004"
MANYAR = "35.25.10"


def _nik(day: int, month: int, year: int, seq: int, *, female: bool = False) -> str:
    return f"352510{day + (40 if female else 0):02d}{month:02d}{year % 100:02d}{seq:04d}"


def _submission(i: int, village: str = LERAN) -> dict[str, Any]:
    """One submission in ODK Central's OData shape (groups as objects, geopoint as GeoJSON)."""
    female = i % 2 == 0
    day, month, year = 1 + i, 1 + i % 12, 1975 + i
    lat, lon = -7.1 - i / 1000, 112.6 + i / 1000
    return {
        "__id": f"uuid:0b3f6a2e-0000-4000-8000-{i:012d}",
        "__system": {
            "submissionDate": f"2025-07-{10 + i:02d}T08:{i:02d}:00.000Z",
            "submitterId": "5",
            "submitterName": "Enumerator Leran",
            "attachmentsPresent": 0,
            "attachmentsExpected": 0,
            "status": None,
            "reviewState": None,
            "deviceId": "collect:abc",
            "edits": 0,
            "formVersion": "2025.1",
        },
        "meta": {"instanceID": f"uuid:0b3f6a2e-0000-4000-8000-{i:012d}"},
        "identitas": {
            "nik": _nik(day, month, year, 100 + i, female=female),
            "kk": f"35251001020{i:05d}",
            "nama_lengkap": f"{'Siti' if female else 'Ahmad'} Pekerja {i}",
            "jenis_kelamin": "P" if female else "L",
            "tanggal_lahir": f"{year}-{month:02d}-{day:02d}",
        },
        "pekerjaan_grp": {
            "pekerjaan": "fisherman" if i % 3 else "tobacco_farmer",
            "status_pekerjaan": "own_account",
            "penghasilan": 1_500_000 + 100_000 * i,
            "jumlah_tanggungan": i % 4,
        },
        "no_hp": f"08123456{i:04d}",
        "wilayah": {"kecamatan": MANYAR, "kode_desa": village},
        # GeoJSON as Central's OData gives a geopoint: [lon, lat, altitude], accuracy in properties.
        "lokasi": {"type": "Point", "coordinates": [lon, lat, 5.0 + i], "properties": {"accuracy": 4.5}},
    }


SUBMISSIONS = [_submission(i) for i in range(1, 6)]
# A later export of the same form: the five above plus two new ones (one in Gumeno).
LATER = [*SUBMISSIONS, _submission(6), _submission(7, GUMENO)]

CENTRAL_META = ["SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status"]
CENTRAL_META += ["ReviewState", "DeviceID", "Edits", "FormVersion"]


def central_row(s: dict[str, Any]) -> dict[str, Any]:
    """A submission as a row of ODK Central's CSV export (groups joined with "-", geopoint split)."""
    lon, lat, alt = s["lokasi"]["coordinates"]
    acc = s["lokasi"]["properties"]["accuracy"]
    row: dict[str, Any] = {"SubmissionDate": s["__system"]["submissionDate"]}
    for group in ("identitas", "pekerjaan_grp"):
        row.update({f"{group}-{k}": v for k, v in s[group].items()})
    row["no_hp"] = s["no_hp"]
    row.update({f"wilayah-{k}": v for k, v in s["wilayah"].items()})
    row.update(
        {"lokasi-Latitude": lat, "lokasi-Longitude": lon, "lokasi-Altitude": alt, "lokasi-Accuracy": acc}
    )
    row["meta-instanceID"] = s["meta"]["instanceID"]
    row["KEY"] = s["__id"]
    system = s["__system"]
    values = [system["submitterId"], system["submitterName"], 0, 0, "", "", system["deviceId"], 0, "2025.1"]
    row.update(dict(zip(CENTRAL_META, values, strict=True)))
    return row


def kobo_row(s: dict[str, Any], index: int) -> dict[str, Any]:
    """A submission as a row of KoboToolbox's XLSX export ("group/field", geopoint plus _lokasi_* columns)."""
    lon, lat, alt = s["lokasi"]["coordinates"]
    acc = s["lokasi"]["properties"]["accuracy"]
    uuid = s["__id"].removeprefix("uuid:")
    row: dict[str, Any] = {"start": "2025-07-10T08:00:00.000+07:00", "end": "2025-07-10T08:10:00.000+07:00"}
    for group in ("identitas", "pekerjaan_grp"):
        row.update({f"{group}/{k}": str(v) for k, v in s[group].items()})
    row["no_hp"] = s["no_hp"]
    row.update({f"wilayah/{k}": v for k, v in s["wilayah"].items()})
    row["lokasi"] = f"{lat} {lon} {alt} {acc}"
    row.update({"_lokasi_latitude": lat, "_lokasi_longitude": lon, "_lokasi_altitude": alt})
    row["_lokasi_precision"] = acc
    row.update({"meta/instanceID": s["meta"]["instanceID"], "_id": 1000 + index, "_uuid": uuid})
    row.update({"_submission_time": s["__system"]["submissionDate"][:19], "_validation_status": ""})
    row.update({"_notes": "", "_status": "submitted_via_web", "_submitted_by": "", "__version__": "v1"})
    row.update({"_tags": "", "_index": index})
    return row


def write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def odata_pages(submissions: list[dict[str, Any]], top: int, base: str) -> list[dict[str, Any]]:
    """Central's OData responses for ``$top=top``: value, @odata.count and @odata.nextLink."""
    pages = []
    for skip in range(0, len(submissions), top):
        page: dict[str, Any] = {
            "@odata.context": f"{base}/$metadata#Submissions",
            "@odata.count": len(submissions),
            "value": submissions[skip : skip + top],
        }
        if skip + top < len(submissions):
            page["@odata.nextLink"] = f"{base}/Submissions?%24top={top}&%24skip={skip + top}&%24count=true"
        pages.append(page)
    return pages


def make_all(out: Path = HERE) -> list[Path]:
    """Write every sample file into ``out``; return their paths."""
    import polars as pl

    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "central-export.csv", out / "central-export-later.csv", out / "kobo-export.xlsx"]
    write_csv(paths[0], [central_row(s) for s in SUBMISSIONS])
    write_csv(paths[1], [central_row(s) for s in LATER])
    kobo = pl.DataFrame([kobo_row(s, i) for i, s in enumerate(SUBMISSIONS, start=1)])
    kobo.write_excel(paths[2], worksheet="Pendataan Pekerja Rentan", autofit=False)
    base = "https://central.example.org/v1/projects/7/forms/pekerja_rentan_2025.svc"
    for n, page in enumerate(odata_pages(LATER, 3, base), start=1):
        path = out / f"odata-submissions-{n}.json"
        path.write_text(json.dumps(page, indent=1) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in make_all(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(p)
