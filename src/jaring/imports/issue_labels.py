"""Short labels of the import issue codes, in the reader's language (the Kode column, filters, conflicts).

The code stays the machine key (URLs, API, exports); a page shows the label, the code only in a title.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "file_too_large": _("File too large"),
    "file_empty": _("Empty file"),
    "no_rows": _("No data rows"),
    "not_xlsx": _("Not a readable XLSX"),
    "not_text": _("Not a CSV file"),
    "zip_bomb": _("XLSX unpacks too large"),
    "sheet_not_found": _("Sheet not found"),
    "cell_too_large": _("Cell too large"),
    "too_many_columns": _("Too many columns"),
    "mixed_encoding": _("Mixed character encodings"),
    "duplicate_headers": _("Duplicate column headers"),
    "headers_unrecognised": _("Headers not recognised"),
    "required_columns_missing": _("Required columns missing"),
    "mapping_invalid": _("Invalid mapping file"),
    "already_imported": _("File already imported"),
    "file_unreadable": _("File unreadable"),
    "column_ignored": _("Column ignored"),
    "required_missing": _("Required value missing"),
    "nik_scientific": _("NIK damaged by Excel"),
    "nik_length": _("NIK not 16 digits"),
    "nik_birth_date": _("Impossible birth date in NIK"),
    "nik_sex_mismatch": _("Sex disagrees with NIK"),
    "nik_birth_date_mismatch": _("Birth date disagrees with NIK"),
    "nik_region_unknown": _("Unknown NIK region"),
    "nik_district_unknown": _("Unknown NIK district"),
    "nik_outside_regency": _("NIK from another regency"),
    "age_outside_limits": _("Age outside working age"),
    "nik_duplicate_in_file": _("NIK repeated in the file"),
    "nik_exists": _("NIK already registered"),
    "village_unknown": _("Unknown village"),
    "village_outside_area": _("Village outside the area"),
    "sex_invalid": _("Sex not recognised"),
    "date_invalid": _("Date not recognised"),
    "number_invalid": _("Number not recognised"),
    "submission_exists": _("Submission already imported"),
    "coordinate_invalid": _("Invalid coordinate"),
    "phone_invalid": _("Invalid phone number"),
    "kk_invalid": _("Invalid KK number"),
    "occupation_unknown": _("Occupation not recognised"),
    "employment_status_unknown": _("Employment status not recognised"),
    "bpjs_status_unknown": _("BPJS status not recognised"),
    "yes_no_invalid": _("Not yes/no"),
    "value_too_long": _("Value too long"),
}


def issue_label(code: str) -> str:
    """The label of an issue code; a code without a label reads as words, never as snake_case."""
    label = LABELS.get(code)
    return str(label) if label is not None else code.replace("_", " ").capitalize()
