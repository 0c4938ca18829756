"""Personal data at rest: AES-256-GCM with a key from settings, and the one mask.

Document, loyalty and known-traveller numbers are stored as tokens
``pii1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>``. The additional data binds
each token to its owner and field (``user:ava|passport:US``), so a token copied
into another person's row, or another field, does not decrypt.

Keys are 32 random bytes, urlsafe-base64 (``CONCIERGE_PII_KEY``). The key id is a
digest of the key, so a token names the key that wrote it and
``CONCIERGE_PII_PREVIOUS_KEYS`` (comma-separated) keeps older tokens readable
after a rotation. Where the key comes from when unset:

- ``production``: nowhere — :func:`pii_cipher` raises :class:`PiiKeyMissing` and the
  API and workers refuse to start.
- ``development``: a random key generated once into ``CONCIERGE_PII_KEY_FILE``
  (default ``var/pii.key``, mode 0600) and read from there afterwards.
- ``test``: derived from a fixed phrase, so every process of a test run agrees.

Reads never decrypt: every number is stored with its mask (``•••••1234``) beside
it, and the API, tools and prompt read the mask. Only :meth:`PiiCipher.decrypt`
gives a number back, for the paths that must send it to an airline.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.config import Settings

TOKEN_PREFIX = "pii1"
KEY_BYTES = 32
NONCE_BYTES = 12
MASK = "•••••"
_TEST_KEY = hashlib.sha256(b"concierge test personal-data key: not a secret").digest()


class PiiKeyMissing(RuntimeError):
    """Production without ``CONCIERGE_PII_KEY``: refuse to start rather than store
    personal data under a key anyone could derive."""


class PiiKeyInvalid(RuntimeError):
    """A configured key that is not 32 urlsafe-base64 bytes."""


class PiiUnreadable(RuntimeError):
    """A token no configured key opens (wrong key, or a token moved to another row).
    The message never carries the token or any part of the clear value."""


def mask(value: str) -> str:
    """``•••••1234``: always five dots (the length stays private), then at most the
    last four characters, and never more than half of a short value."""
    shown = min(4, len(value) // 2)
    return MASK + (value[-shown:] if shown else "")


def new_key() -> str:
    """A fresh key in the form ``CONCIERGE_PII_KEY`` takes."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def _decode_key(text: str, *, name: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise PiiKeyInvalid(
            f"{name} must be {KEY_BYTES} random bytes in urlsafe base64 "
            "(make one with: python -c 'from core.travellers.crypto import new_key; print(new_key())')"
        )
    return raw


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"concierge-pii-key-id" + key).hexdigest()[:8]


@dataclass(frozen=True)
class PiiCipher:
    """Encrypts with the current key; decrypts with whichever key wrote the token."""

    current: bytes = field(repr=False)
    previous: tuple[bytes, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        for key in (self.current, *self.previous):
            if len(key) != KEY_BYTES:
                raise PiiKeyInvalid(f"a personal-data key must be {KEY_BYTES} bytes")

    @property
    def key_id(self) -> str:
        return _key_id(self.current)

    def encrypt(self, value: str, *, context: str) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = AESGCM(self.current).encrypt(nonce, value.encode(), context.encode())
        body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return f"{TOKEN_PREFIX}.{self.key_id}.{body}"

    def decrypt(self, token: str, *, context: str) -> str:
        prefix, _, rest = token.partition(".")
        kid, _, body = rest.partition(".")
        keys = {_key_id(k): k for k in (self.current, *self.previous)}
        key = keys.get(kid)
        if prefix != TOKEN_PREFIX or key is None:
            raise PiiUnreadable("stored personal data was written with a key that is not configured")
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            clear = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
        except (InvalidTag, binascii.Error, ValueError):
            raise PiiUnreadable("stored personal data failed its integrity check") from None
        return clear.decode()


def _development_key(path: Path) -> bytes:
    """Read the local key, or create it once. The key is written whole to a private
    temporary file, then linked into place (which fails if the file exists): two
    processes starting together agree on whichever link came first, and neither can
    read a key file that is still being written."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = new_key()
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
        try:
            with os.fdopen(fd, "w") as out:
                out.write(key + "\n")
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process linked its key first: read that one
        finally:
            os.unlink(temporary)
    return _decode_key(path.read_text(), name=str(path))


def pii_cipher(settings: Settings) -> PiiCipher:
    """The cipher the settings call for (see the module docstring for unset keys)."""
    previous = tuple(
        _decode_key(part, name="CONCIERGE_PII_PREVIOUS_KEYS")
        for part in (settings.pii_previous_keys.get_secret_value() if settings.pii_previous_keys else "").split(",")
        if part.strip()
    )
    if settings.pii_key is not None:
        return PiiCipher(_decode_key(settings.pii_key.get_secret_value(), name="CONCIERGE_PII_KEY"), previous)
    if settings.env == "production":
        raise PiiKeyMissing(
            "CONCIERGE_PII_KEY is required in production: passport, loyalty and "
            "known-traveller numbers are encrypted with it"
        )
    if settings.env == "test":
        return PiiCipher(_TEST_KEY, previous)
    return PiiCipher(_development_key(settings.pii_key_file), previous)


__all__ = [
    "MASK",
    "PiiCipher",
    "PiiKeyInvalid",
    "PiiKeyMissing",
    "PiiUnreadable",
    "mask",
    "new_key",
    "pii_cipher",
]
