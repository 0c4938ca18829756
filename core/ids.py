"""Human-friendly references: ``BK-7Q2M4X`` bookings, 6-character locators."""

from __future__ import annotations

import hashlib
import secrets

# No 0/O/1/I: references are read aloud and typed by people.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def random_code(length: int = 6) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def booking_reference() -> str:
    return f"BK-{random_code(6)}"


def new_id(prefix: str, length: int = 10) -> str:
    return f"{prefix}_{random_code(length)}"


def deterministic_code(seed: str, length: int = 6) -> str:
    """A locator derived from a key, so a retried supplier call yields the same one."""
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:length])
