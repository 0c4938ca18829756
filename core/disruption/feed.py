"""The airline flight-status feed (DESIGN §6): verify, deduplicate, apply.

A message is ``{"carrier", "number", "date", "status": "cancelled"|"delayed",
"delay_minutes"}`` signed with HMAC-SHA256 over ``"<timestamp>.<raw body>"``
(``X-Concierge-Timestamp``, ``X-Concierge-Signature: sha256=<hex>``). A wrong or
missing signature, or a timestamp more than five minutes from our clock, is
refused before anything is read or stored. Replays are recognised by the hash of
the signed message (``flight_feed_events.body_hash``) and not processed again.

What happens to bookings on the flight (:mod:`core.disruption.detect`):

* ``cancelled``, or ``delayed`` by at least :data:`DISRUPTIVE_DELAY_MINUTES`
  → each confirmed booking becomes ``requires_attention`` with a disruption
  record and ranked suggestions, and the traveller is told the top three;
* a shorter delay → the traveller is told, the booking stays confirmed (the flight
  still flies and a connection of 45 minutes or more usually still works).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core.disruption.detect import affected_bookings, handle_booking
from core.errors import Unauthorized, ValidationFailed
from core.jsonbody import load_object
from core.models import FeedEvent, Flight, FlightStatus
from core.runtime import Runtime

log = logging.getLogger(__name__)

TOLERANCE_SECONDS = 300
DISRUPTIVE_DELAY_MINUTES = 60
SIGNATURE_PREFIX = "sha256="


class FlightStatusMessage(BaseModel):
    """One message of the feed."""

    model_config = ConfigDict(extra="ignore")

    carrier: str = Field(min_length=2, max_length=3)
    number: str = Field(min_length=1, max_length=8)
    date: date
    status: Literal["cancelled", "delayed"]
    delay_minutes: int = Field(default=0, ge=0, le=7 * 24 * 60)

    @field_validator("carrier", "number")
    @classmethod
    def _clean(cls, value: str) -> str:
        return value.strip().upper()


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """``sha256=<hex>`` for ``body`` sent at ``timestamp`` (what the airline computes)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def verify_signature(
    secret: str, timestamp: str | None, signature: str | None, body: bytes, *, now: datetime
) -> int:
    """Return the message's timestamp, or raise ``Unauthorized`` (nothing is stored)."""
    if not timestamp or not signature:
        raise Unauthorized("Missing X-Concierge-Timestamp or X-Concierge-Signature")
    try:
        sent = int(timestamp.strip())
    except ValueError:
        raise Unauthorized("X-Concierge-Timestamp must be unix seconds") from None
    if abs(now.timestamp() - sent) > TOLERANCE_SECONDS:
        raise Unauthorized("The signature timestamp is more than five minutes away from now")
    expected = sign(secret, sent, body)
    # compare_digest: the time taken must not tell an attacker how much matched.
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise Unauthorized("Bad signature")
    return sent


def parse_message(body: bytes) -> FlightStatusMessage:
    raw = load_object(body, what="The flight status message")
    try:
        return FlightStatusMessage.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        raise ValidationFailed(
            "The flight status message is not valid",
            errors=json.loads(json.dumps(errors, default=str)) if errors else None,
        ) from exc


@dataclass
class FeedOutcome:
    status_code: int
    body: dict[str, Any] = field(default_factory=dict)


async def receive_flight_status(
    rt: Runtime, body: bytes, *, timestamp: str | None, signature: str | None
) -> FeedOutcome:
    """Verify, deduplicate and apply one feed message (the webhook's whole job)."""
    now = rt.clock.now()
    sent = verify_signature(rt.settings.flight_webhook_secret, timestamp, signature, body, now=now)
    message = parse_message(body)
    digest = hashlib.sha256(f"{sent}.".encode() + body).hexdigest()

    try:
        async with rt.db.uow() as session:
            event = FeedEvent(
                body_hash=digest,
                carrier=message.carrier,
                number=message.number,
                date=message.date,
                status=message.status,
                delay_minutes=message.delay_minutes,
                outcome="received",
                received_at=now,
            )
            session.add(event)
            await session.flush()
            event_id = event.id
    except IntegrityError:
        async with rt.db.uow(write=False) as session:
            seen = await session.scalar(select(FeedEvent).where(FeedEvent.body_hash == digest))
            assert seen is not None
            if seen.processed_at is not None:
                return FeedOutcome(200, {"status": "duplicate", "outcome": seen.outcome})
            # The first delivery died before finishing: finish it now (every step is idempotent).
            event_id = seen.id

    async with rt.db.uow() as session:
        flight = await session.scalar(
            select(Flight).where(
                Flight.carrier == message.carrier,
                Flight.number == message.number,
                Flight.date == message.date,
            )
        )
        if flight is None:
            log.info(
                "flight feed: unknown flight %s %s on %s; nothing to do",
                message.carrier,
                message.number,
                message.date,
            )
            await session.execute(
                update(FeedEvent)
                .where(FeedEvent.id == event_id)
                .values(outcome="unknown_flight", processed_at=now)
                .execution_options(synchronize_session=False)
            )
            return FeedOutcome(202, {"status": "ignored", "reason": "unknown flight"})
        if message.status == "cancelled":
            flight.status = FlightStatus.CANCELLED
        elif flight.status != FlightStatus.CANCELLED:
            flight.status = FlightStatus.DELAYED
            flight.delay_minutes = message.delay_minutes
        flight_id = flight.id
        await session.execute(
            update(FeedEvent)
            .where(FeedEvent.id == event_id)
            .values(flight_id=flight_id)
            .execution_options(synchronize_session=False)
        )
        booking_ids = await affected_bookings(session, flight_id)

    disruptive = message.status == "cancelled" or message.delay_minutes >= DISRUPTIVE_DELAY_MINUTES
    handled = 0
    cache: dict[Any, Any] = {}
    for booking_id in booking_ids:
        try:
            async with rt.db.uow() as session:
                if await handle_booking(
                    rt,
                    session,
                    booking_id,
                    flight_id,
                    kind=message.status,
                    delay_minutes=message.delay_minutes,
                    disruptive=disruptive,
                    cache=cache,
                ):
                    handled += 1
        except Exception:
            # One booking must not stop the others; a re-sent message finishes it.
            log.exception("flight feed: booking %s could not be processed", booking_id)
    async with rt.db.uow() as session:
        await session.execute(
            update(FeedEvent)
            .where(FeedEvent.id == event_id)
            .values(outcome="processed", affected=handled, processed_at=rt.clock.now())
            .execution_options(synchronize_session=False)
        )
    return FeedOutcome(
        200, {"status": "processed", "flight_status": message.status, "affected_bookings": handled}
    )
