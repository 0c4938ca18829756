"""Bookings: hold, read, list, name the passengers, confirm.

Every POST that creates or changes a booking runs under ``Idempotency-Key``
(``core.idempotency.run_idempotent``): the same key and body replay the stored
answer — errors included — with ``Idempotent-Replayed: true``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from api.auth import CallerDep
from api.deps import IdempotencyKey, MetricsDep, RuntimeDep
from api.problems import REPLAYED_HEADER, problem_responses
from api.schemas import (
    BookingListOut,
    BookingOut,
    BookingStatusParam,
    CheckInRequest,
    GuestDocumentPut,
    HoldRequest,
    PassengersPut,
)
from core.booking.guest_documents import clear_guest_document, set_guest_document
from core.booking.one_statement import refused_before_writing
from core.booking.passengers import name_passengers
from core.booking.saga import confirm_booking
from core.booking.service import get_booking, hold_booking, list_bookings
from core.booking.views import BookingView, booking_view, booking_views, load_booking_view
from core.checkin.flow import check_in_flight
from core.checkin.views import CheckInView
from core.errors import CoreError
from core.idempotency import (
    IdempotencyContext,
    IdempotentResult,
    run_idempotent,
    stores_error,
)
from core.itinerary import MEDIA_TYPE, itinerary_html, itinerary_ics, load_itinerary
from core.models import BookingStatus

router = APIRouter(
    prefix="/v1/bookings", tags=["bookings"], responses=problem_responses(401, 422, 500)
)

HOLD_SCOPE = "POST /v1/bookings"
CONFIRM_SCOPE = "POST /v1/bookings/{id}/confirm"
CHECK_IN_SCOPE = "POST /v1/bookings/{id}/check-in"

BookingId = Annotated[
    str,
    Path(min_length=1, max_length=40, description="Booking reference, e.g. `BK-7Q2M4X`."),
]
PassengerId = Annotated[
    str,
    Path(min_length=1, max_length=40, description="A passenger of the booking, e.g. `PX_7Q2M4XKD`."),
]


def _respond(result: IdempotentResult) -> JSONResponse:
    # Replayed *errors* never get here: run_idempotent raises them as StoredProblem,
    # which api.problems renders with the same header.
    headers = {REPLAYED_HEADER: "true"} if result.replayed else {}
    return JSONResponse(result.body, status_code=result.status_code, headers=headers)


@router.post(
    "",
    summary="Hold offers",
    status_code=201,
    response_model=BookingView,
    responses={
        201: {
            "description": "Held. Replays carry `Idempotent-Replayed: true`.",
            "headers": {"Idempotent-Replayed": {"schema": {"type": "string"}}},
        },
        **problem_responses(400, 403, 404, 409, 410, 413, 503),
    },
)
async def create_booking(
    body: HoldRequest,
    runtime: RuntimeDep,
    caller: CallerDep,
    metrics: MetricsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Hold seats and rooms for the traveller, all or nothing, until `hold_expires_at`.

    Red policy verdicts are refused (403 `POLICY_BLOCKED`); amber ones are held and
    will need approval at confirmation. Requires `Idempotency-Key` (400 without).
    """
    items = [item.request() for item in body.items]

    async def handler(ctx: IdempotencyContext) -> tuple[int, dict[str, Any]]:
        refused: CoreError | None = None
        async with runtime.db.uow() as session:
            if ctx.resource_id is not None:
                # An earlier attempt with this key committed its hold and then died
                # before answering: answer with that booking instead of holding twice.
                booking = await get_booking(session, caller, ctx.resource_id)
                return 201, (await booking_view(session, booking)).model_dump(mode="json")
            try:
                booking = await hold_booking(runtime, session, caller, items, body.traveler_id)
            except CoreError as exc:
                if not (refused_before_writing(session) and stores_error(exc)):
                    raise  # rolled back; run_idempotent stores or releases the key
                # Refused with nothing written (sold out, most of a burst): the refusal is
                # stored as the answer in this transaction, one COMMIT instead of a
                # ROLLBACK and a second transaction (issue 15).
                await ctx.refuse(session, exc, now=runtime.clock.now())
                refused = exc
            else:
                view = await booking_view(session, booking, fresh=True)
                answer = view.model_dump(mode="json")
                # The answer is stored with the hold, in its transaction (no recovery point
                # needed between them).
                await ctx.finish(
                    session, 201, answer, resource_id=booking.id, now=runtime.clock.now()
                )
                return 201, answer
        assert refused is not None
        raise refused  # committed with its stored answer

    result = await run_idempotent(
        runtime,
        caller,
        scope=HOLD_SCOPE,
        key=idempotency_key or None,
        payload=body.model_dump(mode="json"),
        handler=handler,
    )
    if result.status_code == 201 and not result.replayed:
        metrics.holds.inc()
    return _respond(result)


@router.get(
    "",
    summary="List bookings",
    response_model=BookingListOut,
)
async def list_my_bookings(
    runtime: RuntimeDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size.")] = 20,
    cursor: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous page.")
    ] = None,
    status: Annotated[BookingStatusParam | None, Query(description="Only this status.")] = None,
) -> BookingListOut:
    """The caller's bookings, newest first (managers also see their reports')."""
    async with runtime.db.uow(write=False) as session:
        rows, next_cursor = await list_bookings(
            session,
            caller,
            limit=limit,
            cursor=cursor or None,
            status=status.value if status is not None else None,
        )
        views = await booking_views(session, rows)
    return BookingListOut.of(views, next_cursor)


@router.get(
    "/{booking_id}",
    summary="Get a booking",
    response_model=BookingOut,
    responses=problem_responses(404),
)
async def read_booking(
    booking_id: BookingId, runtime: RuntimeDep, caller: CallerDep
) -> BookingOut:
    """One booking, if the caller may see it (otherwise 404: its existence is not revealed)."""
    async with runtime.db.uow(write=False) as session:
        booking = await get_booking(session, caller, booking_id)
        return BookingOut.of(await booking_view(session, booking))


# The itinerary page is data only: no script may run in it, nothing is fetched for it.
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
}


@router.get(
    "/{booking_id}/itinerary.ics",
    summary="The itinerary as a calendar file",
    response_class=Response,
    responses={
        200: {
            "description": "RFC 5545: one event per flight and per hotel stay, in local time "
            "zones, each with a UID that stays the same for its segment.",
            "content": {MEDIA_TYPE: {"schema": {"type": "string"}}},
        },
        **problem_responses(404),
    },
)
async def read_itinerary_ics(
    booking_id: BookingId, runtime: RuntimeDep, caller: CallerDep
) -> Response:
    """The booking's flights and stays for a calendar. Who may read it: as for the
    booking (anyone else gets 404)."""
    async with runtime.db.uow(write=False) as session:
        itinerary = await load_itinerary(session, caller, booking_id)
    return Response(
        itinerary_ics(itinerary),
        media_type=f"{MEDIA_TYPE}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{itinerary.booking_id}.ics"'},
    )


@router.get(
    "/{booking_id}/itinerary",
    summary="The itinerary to read",
    response_class=Response,
    responses={
        200: {
            "description": "One HTML page: the flights and stays in order, each time local "
            "with its UTC offset, record locators and travellers.",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
        **problem_responses(404),
    },
)
async def read_itinerary_page(
    booking_id: BookingId, runtime: RuntimeDep, caller: CallerDep
) -> HTMLResponse:
    """The booking as a readable itinerary (the same one the confirmation e-mail
    carries). Who may read it: as for the booking (anyone else gets 404)."""
    async with runtime.db.uow(write=False) as session:
        itinerary = await load_itinerary(session, caller, booking_id)
    return HTMLResponse(itinerary_html(itinerary), headers=_PAGE_HEADERS)


@router.put(
    "/{booking_id}/passengers",
    summary="Name a held booking's passengers",
    response_model=BookingView,
    responses=problem_responses(400, 403, 404, 409, 410),
)
async def put_passengers(
    booking_id: BookingId, body: PassengersPut, runtime: RuntimeDep, caller: CallerDep
) -> BookingView:
    """Who flies on the booking's flights, one passenger per seat: a colleague by
    `traveler_id` (their profile has the legal names; only people you may book for) or a
    guest by `given_name` and `family_name`. `passengers` names every flight of the
    booking; `items` one flight item at a time (the others keep theirs).

    While the booking is `held` (409 `INVALID_TRANSITION` after; 410 `HOLD_EXPIRED`).
    The same body twice leaves the same passengers, their ids included, so it needs no
    `Idempotency-Key`. A count other than the item's seats is 422
    `PASSENGER_COUNT_MISMATCH`; a name with digits or symbols, empty or over 50
    characters, 422 `INVALID_NAME`; a guest's name that is a colleague's you may not
    book for, 403 `PASSENGER_NOT_BOOKABLE` (a colleague's name is that colleague); one
    that is several colleagues', 422 `PASSENGER_AMBIGUOUS`; nothing changes on any error.
    """
    async with runtime.db.uow() as session:
        await name_passengers(session, caller, booking_id, body.named(), now=runtime.clock.now())
    return await load_booking_view(runtime, booking_id)


@router.put(
    "/{booking_id}/passengers/{passenger_id}/documents",
    summary="Store a guest passenger's passport",
    response_model=BookingView,
    responses=problem_responses(400, 404, 409),
)
async def put_guest_document(
    booking_id: BookingId,
    passenger_id: PassengerId,
    body: GuestDocumentPut,
    runtime: RuntimeDep,
    caller: CallerDep,
) -> BookingView:
    """A guest's passport (a passenger named by name, not a person of the organization),
    so that an international flight can check them in online. Encrypted at rest as a
    traveller profile's; every read shows the number masked (`•••••1234`, in the
    passenger's `document`). Replaces the one on file.

    The booking's booker, its traveller or an admin of the organization; anyone else 404.
    422: `INVALID_DOCUMENT` (not a passport; the passenger is a colleague, whose passport
    belongs on their profile), `INVALID_DOCUMENT_NUMBER`, `INVALID_COUNTRY`
    (`issuing_country`, `nationality`), `INVALID_DATE`, `DOCUMENT_EXPIRED` (expired, or
    expiring before the passenger's last flight of the booking lands); each names its
    `field`, none repeats the number. 409 `INVALID_TRANSITION` on a cancelled, expired or
    failed booking. Nothing changes on any error. The same body twice leaves the same
    passport, so it needs no `Idempotency-Key` (which would keep a digest of the number).
    """
    async with runtime.db.uow() as session:
        await set_guest_document(
            session, runtime.pii, caller, booking_id, passenger_id, body.document(),
            now=runtime.clock.now(),
        )
    return await load_booking_view(runtime, booking_id)


@router.delete(
    "/{booking_id}/passengers/{passenger_id}/documents",
    summary="Forget a guest passenger's passport",
    response_model=BookingView,
    responses=problem_responses(404, 409),
)
async def delete_guest_document(
    booking_id: BookingId, passenger_id: PassengerId, runtime: RuntimeDep, caller: CallerDep
) -> BookingView:
    """Forget the guest's passport and date of birth; deleting twice is deleting once.
    Who may: as for `PUT`."""
    async with runtime.db.uow() as session:
        await clear_guest_document(
            session, caller, booking_id, passenger_id, now=runtime.clock.now()
        )
    return await load_booking_view(runtime, booking_id)


class ConfirmIn(BaseModel):
    """Optional: what the trip is for, for the approver."""

    model_config = ConfigDict(extra="forbid")

    purpose: str | None = Field(
        default=None,
        min_length=1,
        max_length=300,
        description="What the trip is for; the approver sees it with the request.",
        examples=["London offsite with the platform team"],
    )


@router.post(
    "/{booking_id}/confirm",
    summary="Confirm a held booking",
    response_model=BookingView,
    responses={
        200: {"description": "Confirmed with supplier locators."},
        202: {
            "model": BookingView,
            "description": "Accepted: `pending_approval` (see `approval_id`) or `pending_confirmation`.",
        },
        **problem_responses(400, 402, 403, 404, 409, 410, 502, 503),
        # 422 (from the router): PASSENGER_DETAILS_REQUIRED as well as malformed input.
    },
)
async def confirm(
    booking_id: BookingId,
    runtime: RuntimeDep,
    caller: CallerDep,
    metrics: MetricsDep,
    body: Annotated[ConfirmIn | None, Body()] = None,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Re-check policy, pay and book with the suppliers.

    Every seat of every flight needs a passenger with legal names first: 422
    `PASSENGER_DETAILS_REQUIRED` says which are missing (`missing`: unnamed seats per
    item, colleagues whose profile lacks legal names) and changes nothing; name them
    (`PUT …/passengers`, or the profile) and confirm with a new `Idempotency-Key`.
    Confirmed flights carry the airline's `locator` and each passenger's `ticket_number`.

    200 when confirmed; 202 when the booking waits for a manager's approval or for
    a supplier's answer. Requires `Idempotency-Key`; a retry with the same key
    returns the first answer instead of paying twice. An optional body
    `{"purpose": "…"}` says what the trip is for: the approver sees it with the request.
    """
    purpose = body.purpose if body is not None else None

    async def handler(_ctx: IdempotencyContext) -> tuple[int, dict[str, Any]]:
        # The saga keeps its own recovery points (the booking's saga step), and runs its
        # own short transactions around the outside calls.
        view = await confirm_booking(runtime, caller, booking_id, purpose=purpose)
        return (200 if view.status == BookingStatus.CONFIRMED else 202), view.model_dump(mode="json")

    result = await run_idempotent(
        runtime,
        caller,
        scope=CONFIRM_SCOPE,
        key=idempotency_key or None,
        payload={"booking_id": booking_id, **({"purpose": purpose} if purpose else {})},
        handler=handler,
    )
    if result.status_code < 400 and not result.replayed:
        metrics.confirmations.labels(str(result.body.get("status", "unknown"))).inc()
    return _respond(result)


@router.post(
    "/{booking_id}/check-in",
    summary="Check in a flight",
    response_model=CheckInView,
    responses={
        200: {
            "description": "Every passenger of the flight checked in, each with a boarding "
            "pass. Replays carry `Idempotent-Replayed: true`.",
            "headers": {"Idempotent-Replayed": {"schema": {"type": "string"}}},
        },
        **problem_responses(400, 403, 404, 409, 410),
        # 422 (from the router): DOCUMENTS_REQUIRED as well as malformed input.
    },
)
async def post_check_in(
    booking_id: BookingId,
    body: CheckInRequest,
    runtime: RuntimeDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Check in every passenger named on one flight of a confirmed booking and answer
    their boarding passes: the IATA BCBP string each barcode encodes, and where its
    image (`png`) and printable pass (`pdf`) are.

    Online check-in opens 24 h and closes 60 min before departure (409
    `CHECKIN_NOT_OPEN` with `opens_at`, 409 `CHECKIN_CLOSED`). A flight between two
    countries needs a passport valid on the travel date for each passenger (a colleague's
    on their profile, a guest's on the booking: `PUT …/passengers/{id}/documents`):
    422 `DOCUMENTS_REQUIRED` names who (`missing`), never a number. A booking that is not
    confirmed (held, cancelled, disrupted…) is 409 `BOOKING_NOT_CONFIRMED`; a segment not
    on the booking 404, a hotel stay 422. Nothing changes on any error.

    A passenger checked in keeps their pass: checking in again answers the same passes.
    Requires `Idempotency-Key`; the same key and body replay the first answer.
    """

    async def handler(_ctx: IdempotencyContext) -> tuple[int, dict[str, Any]]:
        view = await check_in_flight(runtime, caller, booking_id, body.segment_id.strip())
        return 200, view.model_dump(mode="json")

    result = await run_idempotent(
        runtime,
        caller,
        scope=CHECK_IN_SCOPE,
        key=idempotency_key or None,
        payload={"booking_id": booking_id, **body.model_dump(mode="json")},
        handler=handler,
    )
    return _respond(result)
