"""Who an outbox event is for, and what to tell them.

The outbox payload convention: ids (``booking_id``, ``approval_id``…), ``notify``
(user ids to tell) and ``message`` (one human sentence). When ``notify`` is absent
the booking's traveller is told; when ``message`` is absent a sentence is made
from the topic. ``notify: []`` means nobody (an event only other consumers want).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.models import Booking, OutboxEvent, User
from core.notify.base import Recipient

_TEMPLATES: dict[str, tuple[str, str]] = {
    # topic: (subject, message); {booking} is the booking id.
    "booking.held": (
        "Booking {booking} is on hold",
        "Your booking {booking} is on hold; confirm it before the hold runs out.",
    ),
    "booking.confirmed": (
        "Booking {booking} is confirmed",
        "Your booking {booking} is confirmed and paid.",
    ),
    "booking.failed": (
        "Booking {booking} could not be completed",
        "Your booking {booking} could not be completed{reason}. Nothing was charged.",
    ),
    "booking.cancelled": (
        "Booking {booking} was cancelled",
        "Your booking {booking} was cancelled.",
    ),
    "booking.expired": (
        "Booking {booking} expired",
        "The hold on booking {booking} ran out; search again to book.",
    ),
    "booking.rebooked": ("Booking {booking} was changed", "Your booking {booking} was changed."),
    "approval.requested": (
        "Approval needed for {booking}",
        "Booking {booking} is waiting for approval.",
    ),
    "approval.decided": (
        "Approval decided for {booking}",
        "The approval for booking {booking} was decided{decision}.",
    ),
    "approval.escalated": (
        "Approval overdue for {booking}",
        "The approval for booking {booking} is overdue and was escalated.",
    ),
    "approval.expired": (
        "Approval expired for {booking}",
        "Nobody approved booking {booking} in time; its hold was released.",
    ),
    "disruption.detected": (
        "Your trip {booking} is disrupted",
        "A flight on booking {booking} is disrupted; alternatives are waiting for you.",
    ),
    "payment.disputed": (
        "Payment disputed on {booking}",
        "A card payment for booking {booking} was disputed.",
    ),
}


def compose(topic: str, payload: dict[str, Any]) -> tuple[str, str]:
    """(subject, message) for an event: the payload's own words first."""
    booking = str(payload.get("booking_id") or "")
    reason = f" ({payload['reason']})" if payload.get("reason") else ""
    decision = f": {payload['decision']}" if payload.get("decision") else ""
    template = _TEMPLATES.get(topic)
    if template is None:
        what = topic.replace(".", " ").replace("_", " ")
        template = (
            (f"Update on {{booking}}: {what}", f"Update on booking {{booking}}: {what}.")
            if booking
            else (what.capitalize(), what.capitalize() + ".")
        )
    subject, default = (
        t.format(booking=booking, reason=reason, decision=decision) for t in template
    )
    message = payload.get("message")
    if isinstance(message, str) and message.strip():
        return (str(payload.get("subject") or subject), message.strip())
    return (str(payload.get("subject") or subject), default)


def names_audience(payload: dict[str, Any]) -> bool:
    """Whether the payload says whom to tell (``notify``), so no booking need be read."""
    notify = payload.get("notify")
    return isinstance(notify, list) or (isinstance(notify, str) and bool(notify))


def audience(payload: dict[str, Any], traveler_id: str | None) -> list[str]:
    """Whom an event is for: ``notify`` when the payload says, else ``traveler_id`` (the
    booking's traveller, looked up by the caller), else the payload's ``traveler_id``."""
    notify = payload.get("notify")
    if isinstance(notify, list):
        return [str(u) for u in notify if u]
    if isinstance(notify, str) and notify:
        return [notify]
    if traveler_id:
        return [traveler_id]
    if payload.get("traveler_id"):
        return [str(payload["traveler_id"])]
    return []


async def recipients(session: AsyncSession, event: OutboxEvent) -> list[Recipient]:
    """The users to tell, always within the event's organization."""
    payload = event.payload or {}
    traveler: str | None = None
    booking_id = payload.get("booking_id")
    if booking_id and not names_audience(payload):
        traveler = await session.scalar(
            select(Booking.traveler_id).where(
                Booking.id == str(booking_id), Booking.org_id == event.org_id
            )
        )
    user_ids = audience(payload, traveler)
    if not user_ids:
        return []
    users = (
        await session.scalars(
            select(User).where(User.id.in_(set(user_ids)), User.org_id == event.org_id)
        )
    ).all()
    by_id = {u.id: u for u in users}
    out: list[Recipient] = []
    for uid in dict.fromkeys(user_ids):  # keep the payload's order, drop repeats
        user = by_id.get(uid)
        if user is not None:
            out.append(
                Recipient(
                    user_id=user.id,
                    name=user.name,
                    email=user.email or None,
                    slack_user_id=user.slack_user_id,
                    role=user.role,
                )
            )
    return out
