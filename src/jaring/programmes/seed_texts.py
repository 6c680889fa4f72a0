"""The seeded premium data's display texts in both languages (stored in each row's ``texts``).

Names stay the rows' keys (they are looked up by name); these are what a reader sees.
"""

from __future__ import annotations

from typing import Any

SCHEDULE_TEXTS = {
    "BPU contributions from July 2015": {
        "id": {
            "name": "Iuran BPU sejak Juli 2015",
            "legal_basis": (
                "PP 44/2015 (diubah dengan PP 82/2019, PP 49/2023); PP 46/2015, PP 60/2015 untuk JHT"
            ),
            "note": (
                "JKM Rp6.800 tetap dan JHT 2% dari penghasilan yang dilaporkan; JKK menurut tabel kelas "
                "(kelas bertanda belum terverifikasi adalah rekonstruksi)."
            ),
        },
        "en": {
            "name": "BPU contributions from July 2015",
            "legal_basis": "PP 44/2015 (amended by PP 82/2019, PP 49/2023); PP 46/2015, PP 60/2015 for JHT",
            "note": (
                "JKM Rp6,800 flat and JHT 2% of declared income; JKK from the bracket table "
                "(brackets marked unverified are a reconstruction)."
            ),
        },
    },
}

GROUP_TEXTS = {
    "transport-workers": {
        "id": {
            "name": "Pekerja transportasi (PP 50/2025)",
            "note": (
                "Pekerjaan yang dihitung sebagai pekerja transportasi untuk potongan PP 50/2025. Belum "
                "terverifikasi: daftar dalam peraturannya belum diperiksa; tambah atau hapus kategori "
                "di admin."
            ),
        },
        "en": {
            "name": "Transport workers (PP 50/2025)",
            "note": (
                "Occupations that count as transport workers for the PP 50/2025 discount. Unverified: the "
                "regulation's own list is not checked; add or remove categories in the admin."
            ),
        },
    },
}

_PP50_ID = {
    "legal_basis": "PP 50/2025 (ditandatangani 22 Des 2025; dari pemberitaan)",
    "note": (
        "Belum terverifikasi: angka dari pemberitaan PP 50/2025, bukan dari naskahnya. Peserta yang iurannya "
        "dibayar APBN/APBD tidak mendapat potongan; DBHCHT disalurkan lewat APBD kabupaten, jadi di sini "
        "diperlakukan sebagai APBD (hapus 'dbhcht' dari daftar bila peraturannya berkata lain)."
    ),
}
_PP50_EN = {
    "legal_basis": "PP 50/2025 (signed 22 Dec 2025; from news reports)",
    "note": (
        "Unverified: figures from news reports of PP 50/2025, not its text. Members whose contributions "
        "APBN/APBD pay get no discount; DBHCHT is disbursed through the regency's APBD, so it is treated "
        "as APBD here (remove 'dbhcht' from the list if the regulation says otherwise)."
    ),
}
DISCOUNT_TEXTS = {
    "PP 50/2025: transport workers": {
        "id": {"name": "PP 50/2025: pekerja transportasi", **_PP50_ID},
        "en": {"name": "PP 50/2025: transport workers", **_PP50_EN},
    },
    "PP 50/2025: other BPU workers": {
        "id": {"name": "PP 50/2025: pekerja BPU lainnya", **_PP50_ID},
        "en": {"name": "PP 50/2025: other BPU workers", **_PP50_EN},
    },
}


def fill_texts(apps: Any = None) -> int:
    """Give the seeded rows their texts where they have none (idempotent); the rows changed."""
    from django.apps import apps as live

    get = apps.get_model if apps is not None else live.get_model
    changed = 0
    for model, key, table in (
        ("PremiumSchedule", "name", SCHEDULE_TEXTS),
        ("OccupationGroup", "slug", GROUP_TEXTS),
        ("PremiumDiscount", "name", DISCOUNT_TEXTS),
    ):
        for value, texts in table.items():
            changed += get("programmes", model).objects.filter(**{key: value}, texts={}).update(texts=texts)
    return changed
