"""Field encryption and blind indexes: round trips, no plaintext, tamper and swap detection, rotation."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaring.core.lib.crypto import DecryptError, FieldCipher, blind_index, fingerprint

K1, K2 = os.urandom(32), os.urandom(32)
NIK = "3525105007900001"


def test_a_nik_round_trips_and_the_ciphertext_holds_no_digit_run_of_it() -> None:
    cipher = FieldCipher({1: K1}, current=1)
    token = cipher.encrypt(NIK, "registry_person.nik")
    assert NIK not in token and token.startswith("v1.1.")
    assert cipher.decrypt(token, "registry_person.nik") == NIK


def test_two_encryptions_of_one_value_differ_but_the_blind_index_is_stable() -> None:
    cipher = FieldCipher({1: K1}, current=1)
    assert cipher.encrypt(NIK, "f") != cipher.encrypt(NIK, "f")
    assert (
        blind_index(K2, NIK, "nik") == blind_index(K2, NIK, "nik") != blind_index(K2, NIK[:-1] + "2", "nik")
    )
    assert blind_index(K1, NIK, "nik") != blind_index(K2, NIK, "nik")


def test_an_altered_or_moved_ciphertext_does_not_decrypt() -> None:
    cipher = FieldCipher({1: K1}, current=1)
    token = cipher.encrypt(NIK, "registry_person.nik")
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(DecryptError):
        cipher.decrypt(flipped, "registry_person.nik")
    with pytest.raises(DecryptError):
        cipher.decrypt(token, "registry_person.kk")
    with pytest.raises(DecryptError):
        cipher.decrypt("3525105007900001", "registry_person.nik")


def test_after_rotation_old_rows_decrypt_and_new_ones_use_the_new_key() -> None:
    old = FieldCipher({1: K1}, current=1).encrypt(NIK, "f")
    rotated = FieldCipher({1: K1, 2: K2}, current=2)
    assert rotated.decrypt(old, "f") == NIK and rotated.key_id(rotated.encrypt(NIK, "f")) == 2
    with pytest.raises(DecryptError, match="unknown key"):
        FieldCipher({2: K2}, current=2).decrypt(old, "f")


def test_a_fingerprint_names_a_key_without_revealing_it() -> None:
    assert (
        fingerprint(K1) != fingerprint(K2) and len(fingerprint(K1)) == 16 and K1.hex()[:16] != fingerprint(K1)
    )


@given(st.text(max_size=200))
def test_any_text_round_trips(value: str) -> None:
    cipher = FieldCipher({7: K1}, current=7)
    assert cipher.decrypt(cipher.encrypt(value, "x"), "x") == value
