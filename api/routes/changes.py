"""Changes to bookings: cancel (with the refund the fare rules allow), rebook, and the
rebooking suggestions of a disrupted booking.

Both POSTs run under ``Idempotency-Key`` like every booking POST: the same key and
body replay the first answer (errors included); the cores behind them keep their
own recovery points, so a retried request resumes instead of repeating.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.auth import CallerDep
from api.deps import IdempotencyKey, RuntimeDep
from api.problems import idempotent_response, problem_responses
from core.booking.cancel import cancel_booking
from core.booking.rebook import rebook_booking
from core.booking.views import BookingView, RebookView
from core.disruption.suggestions import list_suggestions
from core.disruption.views import SuggestionsView
from core.idempotency import IdempotencyContext, run_idempotent
from core.models import BookingStatus, ChangeStatus

router = APIRouter(
    prefix="/v1/bookings", tags=["changes"], responses=problem_responses(401, 422, 500)
)

CANCEL_SCOPE = "POST /v1/bookings/{id}/cancel"
REBOOK_SCOPE = "POST /v1/bookings/{id}/rebook"

BookingId = Annotated[
    str, Path(min_length=1, max_length=40, description="Booking reference, e.g. `BK-7Q2M4X`.")
]


class CancelRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=500, description="Why (kept in the audit log).")


class RebookRequest(BaseModel):
    """Replace the flight of ``segment_id`` (all legs of its offer) with ``offer_id``."""

    model_config = ConfigDict(extra="forbid")

    segment_id: str = Field(min_length=1, max_length=16, description="A booked flight segment.")
    offer_id: str = Field(
        min_length=1,
        max_length=80,
        description="A flight offer id from a search or from the booking's suggestions.",
    )


@router.post(
    "/{booking_id}/cancel",
    summary="Cancel a booking",
    response_model=BookingView,
    responses=problem_responses(400, 404, 409),
)
async def cancel(
    booking_id: BookingId,
    runtime: RuntimeDep,
    caller: CallerDep,
    body: Annotated[CancelRequest | None, Body()] = None,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Cancel a held, pending, confirmed or disrupted booking.

    Seats and rooms go back at once. A paid booking is refunded per its fare rules
    (within 24 h of purchase, refundable fares, airline-cancelled flights and hotels
    before check-in come back; non-refundable fares are kept): the answer's
    `refund` shows what is due and what has been paid back so far. Requires
    `Idempotency-Key`.
    """
    reason = body.reason if body is not None else ""

    async def handler(_ctx: IdempotencyContext) -> tuple[int, dict[str, Any]]:
        view = await cancel_booking(runtime, caller, booking_id, reason=reason)
        return 200, view.model_dump(mode="json")

    result = await run_idempotent(
        runtime,
        caller,
        scope=CANCEL_SCOPE,
        key=idempotency_key or None,
        payload={"booking_id": booking_id, "reason": reason},
        handler=handler,
    )
    return idempotent_response(result)


@router.post(
    "/{booking_id}/rebook",
    summary="Rebook a flight of a booking",
    response_model=RebookView,
    responses={
        200: {"description": "Rebooked: the booking is confirmed on the new flight."},
        202: {
            "model": RebookView,
            "description": "Accepted: the change (`change`) waits for approval (its "
            "`approval_id`) or for the supplier; the old flight stays booked meanwhile.",
        },
        **problem_responses(400, 402, 403, 404, 409, 502, 503),
    },
)
async def rebook(
    booking_id: BookingId,
    body: RebookRequest,
    runtime: RuntimeDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Move one flight of a confirmed booking to another flight, all or nothing.

    The fare difference plus the change fee is charged (or the difference refunded);
    the fee is waived when the airline disrupted the flight and the new flight is one
    of its alternatives (same airports or metro areas, within the disruption window;
    see `GET /v1/bookings/{id}/suggestions`), not for any other flight. Within policy and not
    dearer → 200 at once; amber or dearer → 202 with the change pending approval.
    `SOLD_OUT` (409) on a disrupted booking lists the next `suggestions`.
    Requires `Idempotency-Key`.
    """

    async def handler(_ctx: IdempotencyContext) -> tuple[int, dict[str, Any]]:
        view = await rebook_booking(runtime, caller, booking_id, body.segment_id, body.offer_id)
        done = view.status == BookingStatus.CONFIRMED and view.change.status == ChangeStatus.DONE
        return (200 if done else 202), view.model_dump(mode="json")

    result = await run_idempotent(
        runtime,
        caller,
        scope=REBOOK_SCOPE,
        key=idempotency_key or None,
        payload={"booking_id": booking_id, **body.model_dump(mode="json")},
        handler=handler,
    )
    return idempotent_response(result)


@router.get(
    "/{booking_id}/suggestions",
    summary="Rebooking suggestions of a disrupted booking",
    response_model=SuggestionsView,
    responses=problem_responses(404),
)
async def suggestions(
    booking_id: BookingId, runtime: RuntimeDep, caller: CallerDep
) -> SuggestionsView:
    """Ranked alternatives (within policy first, then earliest arrival, then price) for
    the booking's open disruption, with live seat counts; empty when none is open.
    Choose one with `POST /v1/bookings/{id}/rebook` and its `segment_id` and `offer_id`."""
    async with runtime.db.uow(write=False) as session:
        return await list_suggestions(session, caller, booking_id)
