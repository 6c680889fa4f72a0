"""Issue codes of the import pipeline with their messages in Indonesian and English.

Templates use ``{name}`` placeholders; :func:`fmt_expr` fills them from polars expressions so a million
row messages are built in one vectorised step.
"""

from __future__ import annotations

import re

import polars as pl

ERROR = "error"
WARNING = "warning"
NOTICE = "notice"  # neither wrong nor doubtful: something the reader should know

# code -> (severity, Indonesian template, English template)
MESSAGES: dict[str, tuple[str, str, str]] = {
    # File-level problems (row 0): the whole file is refused and nothing is written.
    "file_too_large": (
        ERROR,
        "Berkas terlalu besar ({size} bita; batas {limit} bita).",
        "The file is too large ({size} bytes; the limit is {limit} bytes).",
    ),
    "file_empty": (ERROR, "Berkas kosong.", "The file is empty."),
    "no_rows": (
        ERROR,
        "Berkas hanya berisi baris judul, tanpa data.",
        "The file has a header row but no data rows.",
    ),
    "not_xlsx": (
        ERROR,
        "Berkas ini bukan XLSX yang dapat dibaca ({detail}). Simpan ulang sebagai .xlsx atau .csv.",
        "This file is not a readable XLSX ({detail}). Save it again as .xlsx or .csv.",
    ),
    "not_text": (
        ERROR,
        "Berkas ini bukan CSV (berisi data biner). Unggah berkas .csv atau .xlsx.",
        "This file is not a CSV (it holds binary data). Upload a .csv or .xlsx file.",
    ),
    "zip_bomb": (
        ERROR,
        "Isi XLSX yang dimampatkan terlalu besar ({size} bita setelah dibuka). Berkas ditolak.",
        "The XLSX unpacks to too much data ({size} bytes). The file is refused.",
    ),
    "sheet_not_found": (
        ERROR,
        "Lembar '{sheet}' tidak ada. Lembar yang ada: {sheets}.",
        "Sheet '{sheet}' does not exist. Sheets in the file: {sheets}.",
    ),
    "cell_too_large": (
        ERROR,
        "Sebuah sel berisi {size} karakter (batas {limit}). Periksa berkas.",
        "A cell holds {size} characters (the limit is {limit}). Check the file.",
    ),
    "too_many_columns": (
        ERROR,
        "Sebuah baris berisi {count} kolom (batas {limit}).",
        "A line holds {count} columns (the limit is {limit}).",
    ),
    "mixed_encoding": (
        ERROR,
        "Berkas mencampur pengodean karakter (UTF-8 dan lainnya). Simpan ulang sebagai CSV UTF-8.",
        "The file mixes character encodings (UTF-8 and another). Save it again as CSV UTF-8.",
    ),
    "duplicate_headers": (
        ERROR,
        "Judul kolom ganda: {headers}. Setiap kolom hanya boleh muncul sekali.",
        "Duplicate column headers: {headers}. Each column may appear only once.",
    ),
    "headers_unrecognised": (
        ERROR,
        "Tidak ada judul kolom yang dikenali ({headers}). Kolom wajib: {required}. Ganti judul kolom "
        "dengan nama yang dikenali (lihat templat), atau pakai berkas pemetaan di baris perintah.",
        "No column header was recognised ({headers}). Required columns: {required}. Rename the headers to "
        "recognised names (see the template), or use a mapping file on the command line.",
    ),
    "required_columns_missing": (
        ERROR,
        "Kolom wajib tidak ada: {missing}. Judul yang tidak dikenali: {unknown}.",
        "Required columns are missing: {missing}. Headers not recognised: {unknown}.",
    ),
    "mapping_invalid": (
        ERROR,
        "Berkas pemetaan tidak valid: {detail}.",
        "The mapping file is not valid: {detail}.",
    ),
    "already_imported": (
        ERROR,
        "Berkas yang sama sudah diimpor untuk wilayah ini (batch #{batch}). Tidak ada yang ditambahkan.",
        "The same file was already imported for this area (batch #{batch}). Nothing was added.",
    ),
    "nothing_new": (
        ERROR,
        "Semua {rows} baris berkas ini sudah ada di registri tanpa perubahan (batch #{batch}). Tidak ada "
        "yang baru untuk ditambahkan, jadi tidak ada batch baru.",
        "All {rows} rows of this file are already in the registry, unchanged (batch #{batch}). There is "
        "nothing new to add, so no new batch is made.",
    ),
    "file_unreadable": (
        ERROR,
        "Berkas tidak dapat dibaca: {detail}.",
        "The file cannot be read: {detail}.",
    ),
    "column_ignored": (
        WARNING,
        "Kolom '{header}' tidak dikenali dan diabaikan.",
        "Column '{header}' was not recognised and is ignored.",
    ),
    # Row-level problems.
    "required_missing": (ERROR, "Kolom wajib '{column}' kosong.", "Required column '{column}' is empty."),
    "nik_scientific": (
        ERROR,
        "NIK '{value}' dirusak Excel (notasi ilmiah; digit terakhir hilang). Format kolom NIK sebagai Teks "
        "dan ketik ulang NIK dari KTP/KK.",
        "NIK '{value}' was destroyed by Excel (scientific notation; the last digits are lost). "
        "Format the NIK column as Text and type the NIK again from the ID card/KK.",
    ),
    "nik_length": (
        ERROR,
        "NIK '{value}' harus 16 angka (ada {length}). Jika 15 angka, Excel mungkin membuang angka; "
        "format kolom sebagai Teks.",
        "NIK '{value}' must be 16 digits (it has {length}). With 15, Excel may have dropped a digit; "
        "format the column as Text.",
    ),
    "nik_not_digits": (
        ERROR,
        "NIK '{value}' berisi huruf atau tanda selain angka. NIK terdiri atas 16 angka saja; ketik ulang "
        "dari KTP/KK.",
        "NIK '{value}' holds letters or signs other than digits. A NIK is 16 digits only; type it again "
        "from the ID card/KK.",
    ),
    "nik_birth_date": (
        ERROR,
        "Tanggal lahir di dalam NIK '{value}' tidak mungkin.",
        "The birth date inside NIK '{value}' is impossible.",
    ),
    "nik_sex_mismatch": (
        ERROR,
        "Jenis kelamin '{value}' tidak cocok dengan NIK (NIK menunjukkan {nik_sex}).",
        "Sex '{value}' disagrees with the NIK (the NIK says {nik_sex}).",
    ),
    "nik_birth_date_mismatch": (
        ERROR,
        "Tanggal lahir {value} tidak cocok dengan NIK (NIK menunjukkan {nik_date}).",
        "Birth date {value} disagrees with the NIK (the NIK says {nik_date}).",
    ),
    "nik_region_unknown": (
        ERROR,
        "Kode wilayah NIK '{value}' bukan kabupaten/kota yang dikenal.",
        "The NIK's region code '{value}' is not a known regency/city.",
    ),
    "nik_district_unknown": (
        WARNING,
        "Kode kecamatan NIK '{value}' tidak dikenal (mungkin kode lama sebelum pemekaran).",
        "The NIK's district code '{value}' is unknown (perhaps an old code from before a region split).",
    ),
    "nik_outside_regency": (
        WARNING,
        "NIK diterbitkan di wilayah {value}, di luar kabupaten impor ini ({regency}).",
        "The NIK was issued in region {value}, outside this import's regency ({regency}).",
    ),
    "age_outside_limits": (
        WARNING,
        "Umur {value} tahun di luar usia kerja ({min}–{max}).",
        "Age {value} is outside working age ({min}–{max}).",
    ),
    "nik_duplicate_in_file": (
        ERROR,
        "NIK {value} sudah ada di baris {first_row} berkas ini.",
        "NIK {value} already appears in row {first_row} of this file.",
    ),
    "nik_exists": (
        ERROR,
        "NIK {value} sudah ada di registri; baris ini tidak diimpor (tidak digabung atau ditimpa).",
        "NIK {value} is already in the registry; this row is not imported (never merged or overwritten).",
    ),
    "already_registered": (
        NOTICE,
        "NIK {value} sudah ada di registri dengan data yang sama (dari batch #{batch}); baris dilewati. "
        "Ini bukan kesalahan.",
        "NIK {value} is already in the registry, unchanged (from batch #{batch}); the row is skipped. "
        "This is not an error.",
    ),
    "village_unknown": (ERROR, "Kode desa '{value}' tidak dikenal.", "Village code '{value}' is unknown."),
    "village_outside_area": (
        ERROR,
        "Desa {value} di luar wilayah impor ini ({area}).",
        "Village {value} lies outside this import's area ({area}).",
    ),
    "sex_invalid": (
        ERROR,
        "Jenis kelamin '{value}' tidak dikenali (pakai L atau P).",
        "Sex '{value}' is not recognised (use L or P).",
    ),
    "date_invalid": (
        ERROR,
        "Tanggal '{value}' tidak dikenali (pakai hh/bb/tttt).",
        "Date '{value}' is not recognised (use dd/mm/yyyy).",
    ),
    "date_impossible": (
        ERROR,
        "Tanggal '{value}' tidak ada di kalender (misalnya 31 Februari). Formatnya benar; periksa hari "
        "dan bulannya.",
        "Date '{value}' does not exist (like 31 February). The format is right; check the day and month.",
    ),
    "date_month_first": (
        ERROR,
        "Tanggal '{value}' tidak ada: bulan tidak mungkin lebih dari 12. Tampaknya bulan ditulis sebelum "
        "hari; tulis hh/bb/tttt (hari dulu).",
        "Date '{value}' does not exist: a month cannot be above 12. The month seems to come before the "
        "day; write dd/mm/yyyy (day first).",
    ),
    "birth_date_future": (
        ERROR,
        "Tanggal lahir {value} ada di masa depan.",
        "Birth date {value} is in the future.",
    ),
    "number_negative": (
        WARNING,
        "Angka '{value}' negatif; kolom dibiarkan kosong.",
        "Number '{value}' is negative; the field is left empty.",
    ),
    "number_invalid": (
        WARNING,
        "Angka '{value}' tidak dikenali; kolom dibiarkan kosong.",
        "Number '{value}' is not recognised; the field is left empty.",
    ),
    "submission_exists": (
        WARNING,
        "Kiriman formulir '{value}' sudah ada di registri (diimpor sebelumnya); baris dilewati.",
        "Form submission '{value}' is already in the registry (imported before); the row is skipped.",
    ),
    "coordinate_invalid": (
        WARNING,
        "Koordinat '{value}' tidak valid; dibiarkan kosong.",
        "Coordinate '{value}' is not valid; left empty.",
    ),
    "phone_invalid": (
        WARNING,
        "Nomor HP '{value}' tidak valid; dibiarkan kosong.",
        "Phone number '{value}' is not valid; left empty.",
    ),
    "kk_invalid": (
        WARNING,
        "Nomor KK '{value}' harus 16 angka; dibiarkan kosong.",
        "KK number '{value}' must be 16 digits; left empty.",
    ),
    "occupation_unknown": (
        WARNING,
        "Pekerjaan '{value}' tidak dikenali; dicatat sebagai 'Lainnya'.",
        "Occupation '{value}' is not recognised; recorded as 'Other'.",
    ),
    "employment_status_unknown": (
        WARNING,
        "Status pekerjaan '{value}' tidak dikenali; dibiarkan kosong.",
        "Employment status '{value}' is not recognised; left empty.",
    ),
    "bpjs_status_unknown": (
        WARNING,
        "Status BPJS '{value}' tidak dikenali; dicatat 'Belum'.",
        "BPJS status '{value}' is not recognised; recorded as not a member.",
    ),
    "yes_no_invalid": (
        WARNING,
        "Nilai '{value}' bukan Ya/Tidak; dicatat Tidak.",
        "Value '{value}' is not Yes/No; recorded as No.",
    ),
    "value_too_long": (
        ERROR,
        "Isi terlalu panjang ({length} karakter; batas {limit}).",
        "The value is too long ({length} characters; the limit is {limit}).",
    ),
}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")

# Progress of a batch's background job: shown on the batch page while it runs, in both languages
# because the job runs outside any request (no active language).
PROGRESS: dict[str, tuple[str, str]] = {
    "queued_commit": ("Menunggu giliran untuk disimpan", "Queued for commit"),
    "reading": ("Membaca berkas", "Reading the file"),
    "normalising": ("Merapikan {rows} baris", "Normalising {rows} rows"),
    "checking": ("Memeriksa NIK, desa, dan daftar pekerja", "Checking NIKs, villages and the registry"),
    "saving_issues": ("Menyimpan {issues} temuan", "Saving {issues} issues"),
    "validated": (
        "Selesai diperiksa: {valid} baris valid, {errors} baris dengan kesalahan",
        "Validated: {valid} valid rows, {errors} with errors",
    ),
    "writing": ("Menyimpan data orang", "Writing persons"),
    "written": ("{done} baris tersimpan", "{done} rows written"),
    "committed": ("{count} orang tersimpan", "Committed {count} persons"),
    "commit_failed": ("Gagal menyimpan; tidak ada yang tersimpan", "Commit failed; nothing was written"),
}


def progress_text(code: str, **values: object) -> str:
    """The batch progress message ``code`` as "Indonesian / English", placeholders filled."""
    msg_id, msg_en = PROGRESS[code]
    return f"{_fill(msg_id, values)} / {_fill(msg_en, values)}"[:200]


def severity_of(code: str) -> str:
    return MESSAGES[code][0]


def render(code: str, **values: object) -> tuple[str, str]:
    """The (Indonesian, English) message of ``code`` with its placeholders filled."""
    _, msg_id, msg_en = MESSAGES[code]
    return _fill(msg_id, values), _fill(msg_en, values)


def _fill(template: str, values: dict[str, object]) -> str:
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)


def fmt_expr(template: str, exprs: dict[str, pl.Expr | str | int]) -> pl.Expr:
    """A polars string expression filling ``template``'s placeholders from expressions (or constants)."""
    parts: list[pl.Expr] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        if m.start() > pos:
            parts.append(pl.lit(template[pos : m.start()]))
        value = exprs.get(m.group(1), m.group(0))
        expr = value if isinstance(value, pl.Expr) else pl.lit(str(value))
        parts.append(expr.cast(pl.String).fill_null(""))
        pos = m.end()
    if pos < len(template):
        parts.append(pl.lit(template[pos:]))
    if not parts:
        return pl.lit("")
    return pl.concat_str(parts) if len(parts) > 1 else parts[0]
