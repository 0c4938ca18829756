"""What a trip is for, and where it was asked for.

The traveller's stated purpose rides with the approval request (the approver judges
with it: ``core.approval.views.TripSummary.purpose``); the conversation a trip was
confirmed from is where the approver's decision is told (``api`` reads
``bookings.thread_id``). Services take the session and never commit.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from core.approval.service import tell_purpose
from core.booking.access import load_visible_booking
from core.errors import InvalidTransition, ValidationFailed
from core.identity import Caller
from core.models import Booking
from core.models import BookingStatus as S

PURPOSE_MAX = 300
#: A purpose may be given or changed while the trip still waits to be booked.
OPEN = frozenset({S.HELD, S.PENDING_APPROVAL})


def clean_purpose(text: str) -> str:
    """One line of plain words: control characters out, whitespace collapsed, 1–300 long."""
    kept = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    cleaned = re.sub(r"\s+", " ", kept).strip()
    if not cleaned:
        raise ValidationFailed("Say what the trip is for", field="purpose")
    if len(cleaned) > PURPOSE_MAX:
        raise ValidationFailed(
            f"The purpose is longer than {PURPOSE_MAX} characters", field="purpose"
        )
    return cleaned


def note_request(booking: Booking, *, purpose: str | None, thread_id: str | None) -> dict[str, str]:
    """The purpose (when given) and the conversation (when there is one) of a trip being
    confirmed, as the values its status move writes (no statement of its own: the
    confirmation's round trips stay as they were). ``booking`` shows them at once, so
    the approval request it starts carries the purpose."""
    values: dict[str, str] = {}
    if purpose is not None:
        values["purpose"] = clean_purpose(purpose)
    if thread_id:
        values["thread_id"] = thread_id[:40]
    for key, value in values.items():
        set_committed_value(booking, key, value)
    return values


async def set_purpose(
    session: AsyncSession, caller: Caller, booking_id: str, purpose: str, *, now: datetime
) -> Booking:
    """Give (or change) a trip's purpose while it is held or waits for approval; the
    approver it waits on is told. Another person's trip: as ``load_visible_booking``."""
    cleaned = clean_purpose(purpose)
    booking = await load_visible_booking(session, caller, booking_id, for_update=True, to_act=True)
    if S(booking.status) not in OPEN:
        raise InvalidTransition(
            f"Booking {booking.id} is {booking.status}: its purpose can no longer change"
        )
    await session.execute(
        update(Booking)
        .where(Booking.id == booking.id)
        .values(purpose=cleaned)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(booking, "purpose", cleaned)
    await tell_purpose(session, booking, now=now)
    return booking
