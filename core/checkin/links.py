"""Signed links to a boarding pass's barcode, for a viewer that has no bearer token.

Slack shows an image by fetching its URL itself, without our ``Authorization`` header.
A link ``/v1/boarding-passes/{id}/barcode.png?exp=…&sig=…`` carries its own proof: an
HMAC-SHA256 over the pass id and the expiry with ``CONCIERGE_SIGNED_URL_SECRET``, so it
opens that one pass's barcode until it expires, and nothing else. The pass's own rules
still apply when it is fetched (void or superseded: 410). Pure functions.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from urllib.parse import urlencode

#: How long a signed barcode link opens (Slack fetches it when the card is posted).
LINK_TTL = timedelta(hours=24)


def _signature(secret: str, pass_id: str, expires: int) -> str:
    message = f"boarding-pass:{pass_id}:{expires}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_barcode_path(pass_id: str, *, secret: str, now: datetime) -> str:
    """``/v1/boarding-passes/{id}/barcode.png?exp=<unix>&sig=<hex>``."""
    expires = int((now + LINK_TTL).timestamp())
    query = urlencode({"exp": expires, "sig": _signature(secret, pass_id, expires)})
    return f"/v1/boarding-passes/{pass_id}/barcode.png?{query}"


def signature_holds(pass_id: str, expires: int, signature: str, *, secret: str, now: datetime) -> bool:
    """The link was signed by us for this pass and has not expired (compared in constant time)."""
    if not secret or expires < int(now.timestamp()):
        return False
    return hmac.compare_digest(_signature(secret, pass_id, expires), signature)
