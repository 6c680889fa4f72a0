"""Occupation mixes of the Gresik scenario: which work people do where, their employment status and income."""

from __future__ import annotations

from dataclasses import dataclass

# Sakernas employment status, in the order of the BPS codes 1–7 (the spreadsheet writes the Indonesian label).
STATUS_LABELS = [
    "Berusaha sendiri",
    "Berusaha dibantu buruh tidak tetap/tidak dibayar",
    "Berusaha dibantu buruh tetap/dibayar",
    "Buruh/karyawan/pegawai",
    "Pekerja bebas di pertanian",
    "Pekerja bebas di nonpertanian",
    "Pekerja keluarga/tak dibayar",
]


@dataclass(frozen=True)
class Occupation:
    """One occupation category as the generator uses it."""

    slug: str
    spellings: tuple[str, ...]  # free text a village office writes (matched by the category's aliases)
    status_p: tuple[float, ...]  # probability of each Sakernas status 1–7
    median_income: int  # Rupiah per month


OCCUPATIONS: list[Occupation] = [
    Occupation(
        "fisherman",
        ("Nelayan", "NELAYAN", "nelayan", "Nelayan Tangkap", "Nelayan tradisional", "Buruh Nelayan"),
        (0.45, 0.15, 0.02, 0.03, 0.25, 0.0, 0.10),
        1_800_000,
    ),
    Occupation(
        "tobacco_farmer",
        ("Petani Tembakau", "PETANI TEMBAKAU", "Tani tembakau"),
        (0.45, 0.35, 0.05, 0.0, 0.0, 0.0, 0.15),
        1_600_000,
    ),
    Occupation(
        "tobacco_farm_labourer",
        ("Buruh Tani Tembakau", "Buruh tembakau", "BURUH TANI TEMBAKAU"),
        (0.0, 0.0, 0.0, 0.05, 0.85, 0.0, 0.10),
        1_300_000,
    ),
    Occupation(
        "cigarette_factory_worker",
        ("Buruh Pabrik Rokok", "Buruh Rokok", "Linting rokok", "BURUH PABRIK ROKOK"),
        (0.0, 0.0, 0.0, 0.75, 0.0, 0.20, 0.05),
        2_300_000,
    ),
    Occupation(
        "ojek_driver",
        ("Tukang Ojek", "Ojek", "OJEK", "Ojol", "Ojek online"),
        (0.90, 0.0, 0.0, 0.05, 0.0, 0.05, 0.0),
        2_000_000,
    ),
    Occupation(
        "becak_delman_driver",
        ("Tukang Becak", "Becak", "Penarik becak", "Kusir delman"),
        (0.95, 0.0, 0.0, 0.0, 0.0, 0.05, 0.0),
        1_000_000,
    ),
    Occupation(
        "public_transport_driver",
        ("Sopir Angkot", "Supir angkot", "Sopir angkutan umum"),
        (0.50, 0.0, 0.0, 0.40, 0.0, 0.10, 0.0),
        2_200_000,
    ),
    Occupation(
        "bpbd_volunteer",
        ("Relawan BPBD", "RELAWAN BPBD", "Relawan bencana"),
        (0.30, 0.0, 0.0, 0.20, 0.0, 0.50, 0.0),
        1_000_000,
    ),
    Occupation(
        "religious_worker",
        ("Guru Ngaji", "Modin", "Takmir", "Marbot", "Imam masjid"),
        (0.70, 0.10, 0.0, 0.10, 0.0, 0.10, 0.0),
        800_000,
    ),
    Occupation(
        "farm_labourer",
        ("Buruh Tani", "BURUH TANI", "buruh tani", "Buruh sawah"),
        (0.0, 0.0, 0.0, 0.0, 0.90, 0.0, 0.10),
        1_200_000,
    ),
    Occupation(
        "street_vendor",
        ("Pedagang Kaki Lima", "PKL", "Pedagang keliling", "Penjual keliling"),
        (0.60, 0.30, 0.02, 0.0, 0.0, 0.0, 0.08),
        1_800_000,
    ),
    Occupation(
        "construction_labourer",
        ("Buruh Bangunan", "Kuli bangunan", "Tukang bangunan", "BURUH BANGUNAN"),
        (0.0, 0.0, 0.0, 0.10, 0.0, 0.90, 0.0),
        2_200_000,
    ),
    Occupation(
        "kbji_9",
        ("Buruh Harian Lepas", "BHL", "Buruh", "Kuli"),
        (0.0, 0.0, 0.0, 0.20, 0.20, 0.60, 0.0),
        1_500_000,
    ),
    Occupation(
        "kbji_6",
        ("Petani", "PETANI", "Tani", "Pekebun", "Peternak"),
        (0.50, 0.35, 0.05, 0.0, 0.0, 0.0, 0.10),
        1_500_000,
    ),
    Occupation(
        "kbji_7",
        ("Tukang Kayu", "Tukang batu", "Penjahit", "Pengrajin"),
        (0.60, 0.10, 0.0, 0.10, 0.0, 0.20, 0.0),
        1_900_000,
    ),
    Occupation("other", ("Lainnya", "Lain-lain"), (0.40, 0.10, 0.0, 0.20, 0.0, 0.20, 0.10), 1_500_000),
]
SLUGS = [o.slug for o in OCCUPATIONS]
TOBACCO_SLUGS = {"tobacco_farmer", "tobacco_farm_labourer", "cigarette_factory_worker"}

# Base weights of the "gresik" mix, then the extra weight a fishing village / tobacco district adds.
BASE_WEIGHTS = {
    "fisherman": 2,
    "tobacco_farmer": 2,
    "tobacco_farm_labourer": 2,
    "cigarette_factory_worker": 5,
    "ojek_driver": 9,
    "becak_delman_driver": 4,
    "public_transport_driver": 3,
    "bpbd_volunteer": 2,
    "religious_worker": 5,
    "farm_labourer": 14,
    "street_vendor": 12,
    "construction_labourer": 12,
    "kbji_9": 8,
    "kbji_6": 8,
    "kbji_7": 5,
    "other": 3,
}
COASTAL_EXTRA = {"fisherman": 45}
FISHING_VILLAGE_EXTRA = {"fisherman": 220}
TOBACCO_EXTRA = {"tobacco_farmer": 32, "tobacco_farm_labourer": 32, "cigarette_factory_worker": 26}

# Districts of Kabupaten Gresik where, in the synthetic world, tobacco is grown and rolled (inland west).
GRESIK_TOBACCO_DISTRICTS = {"Dukun", "Panceng", "Balongpanggang", "Benjeng", "Kedamean", "Wringinanom"}
# Villages that are first of all fishing villages (Desa Leran, the scenario's village).
FISHING_VILLAGES = {"35.25.10.2010"}

MIXES = ("gresik", "uniform", "fishing", "tobacco")


def weights_for(mix: str, *, coastal: bool, fishing: bool, tobacco: bool) -> list[float]:
    """Occupation weights (in SLUGS order) for one village under a named mix."""
    if mix == "uniform":
        return [1.0 / len(SLUGS)] * len(SLUGS)  # numpy's choice() wants probabilities that sum to 1
    w = dict(BASE_WEIGHTS)
    extras: list[dict[str, int]] = []
    if mix == "fishing" or fishing:
        extras.append(FISHING_VILLAGE_EXTRA)
    elif coastal:
        extras.append(COASTAL_EXTRA)
    if mix == "tobacco" or tobacco:
        extras.append(TOBACCO_EXTRA)
    for extra in extras:
        for k, v in extra.items():
            w[k] = w.get(k, 0) + v
    total = float(sum(w.values()))
    return [w.get(s, 0) / total for s in SLUGS]
