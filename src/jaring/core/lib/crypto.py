"""Field encryption at rest (AES-256-GCM) and keyed blind indexes (HMAC-SHA-256), as pure functions.

A ciphertext reads ``v1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>``; the key id lets `jaring keys
rotate` re-encrypt under a new key while old rows still decrypt. The associated data is the field's
name (e.g. ``registry_person.nik``), so a ciphertext copied into another column does not decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "v1"


class DecryptError(ValueError):
    """A ciphertext that is malformed, under an unknown key, or was altered."""


class FieldCipher:
    """Encrypts and decrypts short text values under the current key; decrypts under any known key."""

    def __init__(self, keys: Mapping[int, bytes], current: int):
        if current not in keys:
            raise ValueError(f"current key {current} is not among the keys")
        for kid, key in keys.items():
            if len(key) != 32:
                raise ValueError(f"key {kid} must be 32 bytes (AES-256)")
        self._aead = {kid: AESGCM(key) for kid, key in keys.items()}
        self.current = current

    def encrypt(self, plain: str, context: str) -> str:
        """The ciphertext of ``plain`` for the field ``context`` (a fresh 96-bit nonce each time)."""
        nonce = os.urandom(12)
        sealed = self._aead[self.current].encrypt(nonce, plain.encode(), context.encode())
        return f"{PREFIX}.{self.current}.{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"

    def encrypt_many(self, values: Iterable[str | None], context: str) -> list[str | None]:
        """Encrypt a column (None stays None)."""
        return [None if v is None else self.encrypt(v, context) for v in values]

    def key_id(self, token: str) -> int:
        """The key a ciphertext was made under."""
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != PREFIX or not parts[1].isdigit():
            raise DecryptError("not a Jaring ciphertext")
        return int(parts[1])

    def decrypt(self, token: str, context: str) -> str:
        """The plain text of a ciphertext; DecryptError when it is malformed, foreign or altered."""
        kid = self.key_id(token)
        aead = self._aead.get(kid)
        if aead is None:
            raise DecryptError(f"unknown key {kid}")
        body = token.split(".", 2)[2]
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            return aead.decrypt(raw[:12], raw[12:], context.encode()).decode()
        except (InvalidTag, ValueError) as exc:
            raise DecryptError("the ciphertext was altered or belongs to another field") from exc


def blind_index(key: bytes, value: str, context: str) -> str:
    """A keyed HMAC-SHA-256 of a normalised value: equal values give equal indexes, nothing else leaks."""
    return hmac.digest(key, f"{context}\x1f{value}".encode(), hashlib.sha256).hex()


def blind_index_many(key: bytes, values: Iterable[str | None], context: str) -> list[str | None]:
    """Blind indexes of a column (None stays None)."""
    return [None if v is None else blind_index(key, v, context) for v in values]


def fingerprint(key: bytes) -> str:
    """A short public fingerprint of a key (for backups and logs: says which key, never the key)."""
    return hashlib.sha256(b"jaring-key-fingerprint\x1f" + key).hexdigest()[:16]
