"""Name similarity and NIK neighbours of the entry form's "already registered?" warning."""

from __future__ import annotations

from jaring.registry.similar import (
    is_similar_name,
    jaro_winkler,
    name_similarity,
    nik_neighbours,
    normalise_name,
)


def test_titles_particles_and_old_spelling_are_normalised() -> None:
    assert normalise_name("H. Soekarno bin Djojo") == "sukarno jojo"
    assert normalise_name("Hj. Siti Chotidjah, S.Pd.") == "siti khotijah"
    assert normalise_name("Tjipto Sjahrir") == "cipto syahrir"


def test_jaro_winkler_matches_the_textbook_values() -> None:
    assert round(jaro_winkler("martha", "marhta"), 3) == 0.961
    assert round(jaro_winkler("dwayne", "duane"), 2) == 0.84
    assert jaro_winkler("abc", "xyz") == 0.0


def test_spelling_variants_are_similar_and_strangers_are_not() -> None:
    assert is_similar_name("Soeparman", "Suparman")
    assert is_similar_name("Hj. Siti Aminah", "Siti Aminah binti Umar")
    assert is_similar_name("Ahmad Fauzi", "Fauzi Ahmad")
    assert is_similar_name("Siti", "Siti Aminah")
    assert not is_similar_name("Siti Aminah", "Budi Santoso")
    assert name_similarity("", "Budi") == 0.0


def test_nik_neighbours_differ_in_exactly_one_digit() -> None:
    nik = "3525100202760101"
    neighbours = nik_neighbours(nik)
    assert len(neighbours) == 144 and len(set(neighbours)) == 144
    assert all(sum(x != y for x, y in zip(n, nik, strict=True)) == 1 for n in neighbours)
    assert nik_neighbours("123") == []
