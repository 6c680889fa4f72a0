"""Seed data: KBJI 2014 major groups and the local categories the programmes use, with import aliases."""

from __future__ import annotations

# (slug, Indonesian name, English name, KBJI major group or None, is_local, aliases)
# Aliases are matched case- and space-insensitively by the import; edit them in the admin.
OCCUPATIONS: list[tuple[str, str, str, int | None, bool, list[str]]] = [
    ("kbji_0", "TNI/Polri", "Armed forces and police", 0, False, ["tni", "polri", "tentara", "polisi"]),
    ("kbji_1", "Manajer", "Managers", 1, False, ["manajer", "manager", "direktur"]),
    ("kbji_2", "Profesional", "Professionals", 2, False, ["profesional", "guru", "dokter", "dosen"]),
    ("kbji_3", "Teknisi dan asisten ahli", "Technicians and associate professionals", 3, False, ["teknisi", "perawat", "bidan"]),
    ("kbji_4", "Tenaga tata usaha", "Clerical support workers", 4, False, ["tata usaha", "administrasi", "staf kantor", "admin"]),
    ("kbji_5", "Tenaga usaha jasa dan penjualan", "Service and sales workers", 5, False, ["pedagang", "wiraswasta", "penjual", "jasa"]),
    ("kbji_6", "Pekerja terampil pertanian, kehutanan dan perikanan", "Skilled agricultural, forestry and fishery workers", 6, False, ["petani", "peternak", "pekebun", "tani"]),
    ("kbji_7", "Pekerja pengolahan, kerajinan", "Craft and related trades workers", 7, False, ["tukang", "pengrajin", "penjahit", "tukang kayu", "tukang batu"]),
    ("kbji_8", "Operator dan perakit mesin", "Plant and machine operators and assemblers", 8, False, ["operator", "sopir", "supir", "driver", "pengemudi"]),
    ("kbji_9", "Pekerja kasar", "Elementary occupations", 9, False, ["buruh", "buruh harian lepas", "bhl", "kuli", "pekerja kasar"]),
    ("tobacco_farmer", "Petani tembakau", "Tobacco farmer", 6, True, ["petani tembakau", "tani tembakau", "tobacco farmer"]),
    ("tobacco_farm_labourer", "Buruh tani tembakau", "Tobacco farm labourer", 9, True, ["buruh tani tembakau", "buruh tembakau", "tobacco farm labourer", "tobacco labourer"]),
    ("cigarette_factory_worker", "Buruh pabrik rokok", "Cigarette-factory worker", 8, True, ["buruh pabrik rokok", "buruh rokok", "pekerja pabrik rokok", "pabrik rokok", "linting rokok", "cigarette factory worker"]),
    ("fisherman", "Nelayan", "Fisherman", 6, True, ["nelayan", "nelayan tangkap", "nelayan tradisional", "nelayan kecil", "buruh nelayan", "pelaut", "fisherman", "fisher"]),
    ("ojek_driver", "Pengemudi ojek", "Ojek driver", 8, True, ["ojek", "tukang ojek", "ojek online", "ojol", "pengemudi ojek", "ojek driver"]),
    ("becak_delman_driver", "Pengemudi becak/delman", "Becak/delman driver", 9, True, ["becak", "tukang becak", "penarik becak", "delman", "kusir", "kusir delman", "becak driver"]),
    ("public_transport_driver", "Pengemudi angkutan umum", "Public-transport driver", 8, True, ["sopir angkot", "supir angkot", "angkot", "sopir angkutan umum", "pengemudi angkutan umum"]),
    ("bpbd_volunteer", "Relawan BPBD", "BPBD volunteer", None, True, ["relawan bpbd", "relawan bencana", "bpbd", "bpbd volunteer"]),
    ("firefighter", "Relawan pemadam kebakaran", "Firefighter volunteer", None, True, ["pemadam kebakaran", "damkar", "relawan damkar", "firefighter"]),
    ("religious_worker", "Pekerja keagamaan", "Religious worker", None, True, ["guru ngaji", "modin", "takmir", "marbot", "imam masjid", "pekerja keagamaan", "religious worker"]),
    ("farm_labourer", "Buruh tani", "Farm labourer", 9, True, ["buruh tani", "buruh sawah", "farm labourer"]),
    ("street_vendor", "Pedagang kaki lima", "Street vendor", 5, True, ["pedagang kaki lima", "pkl", "pedagang keliling", "penjual keliling", "street vendor"]),
    ("construction_labourer", "Buruh bangunan", "Construction labourer", 9, True, ["buruh bangunan", "kuli bangunan", "tukang bangunan", "construction labourer"]),
    ("other", "Lainnya", "Other", None, True, ["lainnya", "lain-lain", "lain lain", "other", "-"]),
]
