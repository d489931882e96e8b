"""Encryption at rest and keyed pseudonyms, from the secret key that lives outside the database.

Every item's words, and the return address of an anonymous item, are sealed with
AES-256-GCM under a key derived from the secret key; a copy of the database alone reads
as noise. A pseudonym is HMAC-SHA256 of a Telegram id under another derived key, so a
member can find their own anonymous items again, and nobody without the key can.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# Every sealed value starts with this (a JSON payload or plain text never does).
SEALED_PREFIX = "v1."
_NONCE_BYTES = 12


class SealError(ValueError):
    """A sealed value that cannot be opened: another key, another purpose, or damaged."""


def _derive(secret_key: bytes, label: bytes) -> bytes:
    """A 32-byte key for one use, so the seal and the pseudonym never share a key."""
    return hmac.new(secret_key, b"chorus:" + label, hashlib.sha256).digest()


class Sealer:
    """Seals and opens text, and makes pseudonyms, with keys derived from the secret key."""

    def __init__(self, secret_key: bytes) -> None:
        if len(secret_key) < 32:
            raise ValueError("the secret key must be at least 32 bytes")
        self._aead = AESGCM(_derive(secret_key, b"seal"))
        self._pseudonym_key = _derive(secret_key, b"pseudonym")
        self._fingerprint_key = _derive(secret_key, b"fingerprint")

    def seal(self, text: str, purpose: str) -> str:
        """`text` encrypted; `purpose` (such as "item.body") must be given again to open it."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, text.encode(), purpose.encode())
        return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, token: str, purpose: str) -> str:
        """The text sealed in `token` for `purpose`; raises SealError if it cannot be read."""
        if not token.startswith(SEALED_PREFIX):
            raise SealError("not a sealed value")
        try:
            raw = base64.urlsafe_b64decode(token[len(SEALED_PREFIX) :].encode())
            plain = self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], purpose.encode())
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise SealError("the sealed value cannot be opened with this key") from exc
        return plain.decode()

    def fingerprint(self, text: str, purpose: str) -> str:
        """A keyed digest of `text` (16 hex characters): the same text gives the same one,
        and without the key it tells nothing about the text."""
        message = purpose.encode() + b"\0" + text.encode()
        return hmac.new(self._fingerprint_key, message, hashlib.sha256).hexdigest()[:16]

    def pseudonym(self, telegram_id: int) -> str:
        """The keyed pseudonym of a Telegram account (64 hex characters)."""
        return hmac.new(self._pseudonym_key, str(telegram_id).encode(), hashlib.sha256).hexdigest()
