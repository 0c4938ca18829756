"""A JSON object from bytes someone sent us: the object, or a named 422, never a crash.

``json.loads`` raises ``RecursionError`` (not ``ValueError``) on deeply nested input,
and a signed sender may still send an array, a string or ``null`` where an object
belongs; both used to surface as 500s in the webhooks.
"""

from __future__ import annotations

import json
from typing import Any

from core.errors import ValidationFailed


def load_object(raw: bytes | str, *, what: str) -> dict[str, Any]:
    """``raw`` parsed as a JSON object, or ``ValidationFailed`` naming ``what``."""
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise ValidationFailed(f"{what} is not valid JSON (or is nested too deeply)") from exc
    if not isinstance(value, dict):
        raise ValidationFailed(f"{what} must be a JSON object, not {type(value).__name__}")
    return value
