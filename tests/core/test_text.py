"""Indonesian name normalisation: old spelling, titles and particles, Muhammad and initials."""

from __future__ import annotations

import polars as pl
import pytest

from jaring.core.lib.text import name_key, normalise_name, normalise_names


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Soekarno", "sukarno"),  # oe → u
        ("Djoko", "joko"),  # dj → j
        ("Tjipto", "cipto"),  # tj → c
        ("Sjamsul", "syamsul"),  # sj → sy
        ("Njoman", "nyoman"),  # nj → ny
        ("Chairul", "khairul"),  # ch → kh
    ],
)
def test_it_writes_old_spelling_in_the_new_one(old: str, new: str) -> None:
    assert normalise_name(old) == new


def test_the_old_j_and_the_new_y_share_a_key() -> None:
    # "Soerja" (old) is "Surya" (new): once "dj" became "j" the old "j" cannot be told apart by spelling.
    assert normalise_name("Soerja") == "surja"
    assert name_key("Soerja") == name_key("Surya") == "surya"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("H. Agus Santoso", "agus santoso"),
        ("Hj. Siti Aminah", "siti aminah"),
        ("Hadji Slamet", "slamet"),  # the old spelling of Haji is a title too
        ("Drs. H. Bambang Irawan", "bambang irawan"),
        ("Ir. Joko Widodo", "joko widodo"),
        ("Budi Santoso, S.Pd.", "budi santoso"),
        ("Dra. Hj. Sri Wahyuni, M.Pd.", "sri wahyuni"),
        ("Dewi Lestari S.Pd.I", "dewi lestari"),
        ("R.A. Kartini", "kartini"),
    ],
)
def test_it_drops_titles(raw: str, clean: str) -> None:
    assert normalise_name(raw) == clean


def test_it_drops_bin_and_binti_but_keeps_the_fathers_name() -> None:
    assert normalise_name("Ahmad bin Umar") == "ahmad umar"
    assert normalise_name("Siti Aisyah binti Abdullah") == "siti aisyah abdullah"


@pytest.mark.parametrize(
    "spelling", ["Muhammad", "Muhamad", "Mohammad", "Moch.", "Mochamad", "Moh.", "Mhd.", "M."]
)
def test_muhammad_is_one_name_however_written(spelling: str) -> None:
    assert normalise_name(f"{spelling} Yusuf") == "muhammad yusuf"


def test_an_initial_glued_to_the_name_is_split() -> None:
    assert normalise_name("M.Yusuf") == "muhammad yusuf"
    assert normalise_name("A.Rahman") == "a rahman"


def test_single_names_and_blanks() -> None:
    assert normalise_name("  SLAMET ") == "slamet"
    assert normalise_name("") == ""
    assert normalise_name("S.Pd.") == ""  # a title alone is no name


def test_the_vectorised_form_agrees_with_the_scalar_one_and_keeps_nulls() -> None:
    names = ["H. Moch. Djoko Soesilo, S.Pd.", None, "Nur'aini", "Siti  Rahayu"]
    out = normalise_names(pl.Series("n", names))
    assert out.to_list() == ["muhammad joko susilo", None, "nuraini", "siti rahayu"]
    assert out.name == "n"


def test_the_key_collapses_doubled_letters_and_kh() -> None:
    assert name_key("Mochammad Cholil") == name_key("Muhamad Holil")
