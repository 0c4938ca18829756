"""Trips: "My trips", a manager's "Team trips", and one trip as the chat page shows it."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from api.auth import CallerDep
from api.deps import RuntimeDep
from api.problems import problem_responses
from core.trips import TripList, TripView, list_trips, load_trip

router = APIRouter(prefix="/v1/trips", tags=["trips"], responses=problem_responses(401, 422, 500))

BookingId = Annotated[
    str,
    Path(min_length=1, max_length=40, description="Booking reference, e.g. `BK-7Q2M4X`."),
]


@router.get("", summary="My trips or Team trips", response_model=TripList, responses=problem_responses(403))
async def read_trips(
    runtime: RuntimeDep,
    caller: CallerDep,
    scope: Annotated[
        Literal["mine", "team"],
        Query(description="`mine`: trips the caller takes (or booked for someone outside "
              "their team); `team`: their reports' trips (403 for anyone without reports)."),
    ] = "mine",
    limit: Annotated[int, Query(ge=1, le=100, description="Page size.")] = 20,
    cursor: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous page.")
    ] = None,
) -> TripList:
    """Newest first, each trip as `GET /v1/trips/{booking_id}` answers it. The two lists
    never share a trip; `has_team` says whether the caller has a `team` list at all."""
    async with runtime.db.uow(write=False) as session:
        return await list_trips(
            session,
            caller,
            scope,
            settings=runtime.settings,
            now=runtime.clock.now(),
            limit=limit,
            cursor=cursor or None,
        )


@router.get(
    "/{booking_id}", summary="One trip", response_model=TripView, responses=problem_responses(404)
)
async def read_trip(booking_id: BookingId, runtime: RuntimeDep, caller: CallerDep) -> TripView:
    """A booking as a trip: flights and stays in order on their places' clocks (`+1` in
    `day_marker`), locators, passengers and seats, the policy verdict, the hold left in
    words, payment and refund, and the `actions` the caller may take now. Who may read
    it: as for the booking (anyone else gets 404, its existence untold)."""
    async with runtime.db.uow(write=False) as session:
        return await load_trip(
            session, caller, booking_id, settings=runtime.settings, now=runtime.clock.now()
        )
