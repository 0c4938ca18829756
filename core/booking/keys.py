"""Our deterministic idempotency keys for every outbound call (DESIGN §4), in one place.

Every payment and supplier call a booking flow makes carries one of these, never a
random key: a step retried after a crash, by the completer or by a second request,
sends the same key, so the gateway or supplier answers with its first result
instead of charging, booking or refunding twice. Changing a format breaks that
promise for work already in flight: add a new key, never edit one.
"""

from __future__ import annotations

from core.models import BookingChange, ChangeKind, Payment
from core.payment.service import payment_idempotency_key

# -- the confirmation saga ---------------------------------------------------------------


def authorize_key(booking_id: str) -> str:
    """``booking:{id}:authorize``: the booking's payment (manual capture)."""
    return payment_idempotency_key(booking_id, "authorize")


def capture_key(booking_id: str) -> str:
    return payment_idempotency_key(booking_id, "capture")


def void_key(booking_id: str) -> str:
    """Voiding the booking's authorization (compensation, or cancelling before capture)."""
    return payment_idempotency_key(booking_id, "void")


# -- supplier segments -------------------------------------------------------------------


def segment_book_key(booking_id: str, segment_id: str) -> str:
    return f"booking:{booking_id}:segment:{segment_id}:book"


def supplier_cancel_key(booking_id: str, segment_id: str) -> str:
    return f"booking:{booking_id}:segment:{segment_id}:cancel"


# -- virtual cards (core.booking.cards) -----------------------------------------------------


def cardholder_key(org_id: str) -> str:
    """``org:{id}:cardholder``: the organization's one Issuing cardholder."""
    return f"org:{org_id}:cardholder"


def card_key(booking_id: str, change_id: str | None = None) -> str:
    """``booking:{id}:card``: the booking's single-use card; a rebook's new legs get
    ``booking:{id}:rebook:{change}:card``."""
    if change_id is not None:
        return change_key(booking_id, change_id, "card")
    return f"booking:{booking_id}:card"


def card_close_key(booking_id: str, card_id: str) -> str:
    return f"booking:{booking_id}:card:{card_id}:close"


# -- changes (cancel, rebook) ------------------------------------------------------------------


def change_key(booking_id: str, change_id: str, step: str) -> str:
    """``booking:{id}:rebook:{change}:{step}``: a rebook's own authorize / capture / void."""
    return f"booking:{booking_id}:rebook:{change_id}:{step}"


def refund_key(booking_id: str, change: BookingChange, payment: Payment) -> str:
    """``booking:{id}:refund`` for a cancellation's refund of the original payment;
    every other refund is named by its change and payment so none can collide."""
    if change.kind == ChangeKind.CANCEL and payment.idempotency_key == authorize_key(booking_id):
        return payment_idempotency_key(booking_id, "refund")
    return f"booking:{booking_id}:change:{change.id}:refund:{payment.id}"


# -- seats bought on a confirmed booking (core.booking.seat_purchase) ----------------------


def seat_purchase_key(booking_id: str, change_id: str, step: str) -> str:
    """``booking:{id}:seats:{change}:{step}``: a seat purchase's authorize / capture / void."""
    return f"booking:{booking_id}:seats:{change_id}:{step}"
