"""Seat maps and seat choice: an offer's or a booking's seats, and choosing them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.auth import CallerDep
from api.deps import RuntimeDep
from api.problems import problem_responses
from api.schemas import SeatsPut
from core.booking.seat_purchase import choose_or_buy_seats
from core.booking.seats import booking_seat_map, offer_seat_map
from core.booking.views import BookingView, SeatMapView, load_booking_view

router = APIRouter(tags=["seats"], responses=problem_responses(401, 422, 500))

BookingId = Annotated[
    str,
    Path(min_length=1, max_length=40, description="Booking reference, e.g. `BK-7Q2M4X`."),
]
OfferId = Annotated[
    str, Path(min_length=1, max_length=80, description="A flight offer id, e.g. `FL-1042`.")
]


@router.get(
    "/v1/offers/{offer_id}/seatmap",
    summary="The seats of a flight offer",
    response_model=SeatMapView,
    responses=problem_responses(404),
)
async def read_offer_seat_map(
    offer_id: OfferId, runtime: RuntimeDep, caller: CallerDep
) -> SeatMapView:
    """Per flight of the offer, its cabin's rows of seats: `seat` (`12C`), `available`,
    `position` (window / middle / aisle), `features` (bulkhead, exit, extra_legroom) and
    `price` (0 for a free seat). An offer that does not exist is 404; a hotel offer 422."""
    async with runtime.db.uow(write=False) as session:
        return await offer_seat_map(session, offer_id)


@router.get(
    "/v1/bookings/{booking_id}/seatmap",
    summary="The seats of a booking's flights",
    response_model=SeatMapView,
    responses=problem_responses(404),
)
async def read_booking_seat_map(
    booking_id: BookingId, runtime: RuntimeDep, caller: CallerDep
) -> SeatMapView:
    """As the offer's map, per flight segment of the booking (`segment_id`), with its
    passengers and their seats; a seat one of them sits in carries their `passenger_id`.
    Who may read it: as for the booking (anyone else gets 404)."""
    async with runtime.db.uow(write=False) as session:
        return await booking_seat_map(session, caller, booking_id)


@router.put(
    "/v1/bookings/{booking_id}/seats",
    summary="Choose seats",
    response_model=BookingView,
    responses=problem_responses(400, 402, 403, 404, 409, 410),
)
async def put_seats(
    booking_id: BookingId, body: SeatsPut, runtime: RuntimeDep, caller: CallerDep
) -> BookingView:
    """Seat passengers on the booking's flights: every assignment or none. While the
    booking is held (or waiting for approval) or once it is confirmed (409
    `INVALID_TRANSITION` otherwise; 410 `HOLD_EXPIRED`).

    A seat somebody sits in is 409 `SEAT_TAKEN` naming it (`seats`); of two bookings
    choosing one seat at the same moment exactly one gets it. A seat with a fee (extra
    legroom) needs `accept_fees: true` (409 `SEAT_REQUIRES_PAYMENT` without it). On a held
    booking the fee joins the fare (a `SEAT` fee line) and the total, paid when the booking
    is confirmed. On a confirmed booking it is charged at once as a payment of its own
    (the booking's `changes` show it, kind `seats`; 402 `PAYMENT_DECLINED` seats nobody),
    then joins the fare and the total; a seat taken between the charge's authorization
    and the seating voids the authorization (409 `SEAT_TAKEN`), so nobody pays for a seat
    they did not get. A passenger already checked in gets a new boarding pass with the
    new seat. 422: `UNKNOWN_SEAT`
    (not on the aircraft), `SEAT_NOT_IN_CABIN`, `PASSENGER_NOT_ON_SEGMENT`,
    `VALIDATION_ERROR` (a segment not on the booking, a seat or passenger given twice).
    Nothing changes on any error. The same body twice leaves the same seats, so it needs
    no `Idempotency-Key`.
    """
    chosen = await choose_or_buy_seats(
        runtime, caller, booking_id, body.choices(), accept_fees=body.accept_fees
    )
    return await load_booking_view(runtime, chosen.booking_id)
