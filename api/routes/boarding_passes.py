"""Boarding passes: the pass, its barcode and its printable page.

Only the passenger, the booking's traveller and whoever booked it may read a pass;
everyone else, in the organization or not, gets 404. A pass of a booking cancelled or
a flight changed since is 410 `BOARDING_PASS_VOID`; a pass a seat change replaced is 410
`BOARDING_PASS_SUPERSEDED` naming the new one (`superseded_by`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.auth import CallerDep
from api.deps import RuntimeDep
from api.problems import problem_responses
from core.checkin.render import (
    PDF_MEDIA_TYPE,
    PNG_MEDIA_TYPE,
    boarding_pass_pdf,
    boarding_pass_png,
)
from core.checkin.service import read_boarding_pass, signed_boarding_pass
from core.checkin.views import BoardingPassView

router = APIRouter(
    prefix="/v1/boarding-passes",
    tags=["boarding passes"],
    responses=problem_responses(401, 404, 410, 422, 500),
)

PassId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=40,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="A boarding pass id, e.g. `BP_7Q2M4XKDPA`.",
    ),
]

# A pass is personal: no cache keeps it, no page may sniff it into something else.
_HEADERS = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


@router.get("/{pass_id}.png", summary="A boarding pass's barcode", response_class=Response,
            responses={200: {"description": "PDF417 encoding the pass's BCBP string.",
                             "content": {PNG_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}})
async def read_pass_png(pass_id: PassId, runtime: RuntimeDep, caller: CallerDep) -> Response:
    """The PDF417 barcode (IATA Resolution 792) a gate scanner reads."""
    async with runtime.db.uow(write=False) as session:
        view = await read_boarding_pass(session, caller, pass_id, settings=runtime.settings)
    return Response(boarding_pass_png(view), media_type=PNG_MEDIA_TYPE, headers=_HEADERS)


@router.get("/{pass_id}/barcode.png", summary="A boarding pass's barcode, by signed link",
            response_class=Response,
            responses={200: {"description": "PDF417 encoding the pass's BCBP string.",
                             "content": {PNG_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}})
async def read_signed_pass_png(
    pass_id: PassId,
    runtime: RuntimeDep,
    exp: Annotated[int, Query(ge=0, description="Unix time the link expires.")],
    sig: Annotated[str, Query(pattern=r"^[0-9a-f]{64}$", description="The link's HMAC-SHA256.")],
) -> Response:
    """The same barcode for a viewer without a token (Slack's image blocks): the link,
    made by the API for one pass (`core.checkin.links`, `CONCIERGE_SIGNED_URL_SECRET`),
    opens it for 24 hours. A wrong, foreign or expired link is 404; a pass voided or
    superseded since is 410."""
    async with runtime.db.uow(write=False) as session:
        view = await signed_boarding_pass(
            session, pass_id, expires=exp, signature=sig, now=runtime.clock.now(),
            settings=runtime.settings,
        )
    return Response(boarding_pass_png(view), media_type=PNG_MEDIA_TYPE, headers=_HEADERS)


@router.get("/{pass_id}.pdf", summary="A boarding pass to print", response_class=Response,
            responses={200: {"description": "One page: the pass in words and its barcode.",
                             "content": {PDF_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}})
async def read_pass_pdf(pass_id: PassId, runtime: RuntimeDep, caller: CallerDep) -> Response:
    """The printable pass."""
    async with runtime.db.uow(write=False) as session:
        view = await read_boarding_pass(session, caller, pass_id, settings=runtime.settings)
    return Response(
        boarding_pass_pdf(view),
        media_type=PDF_MEDIA_TYPE,
        headers={**_HEADERS, "Content-Disposition": f'inline; filename="{view.pass_id}.pdf"'},
    )


@router.get("/{pass_id}", summary="A boarding pass", response_model=BoardingPassView)
async def read_pass(pass_id: PassId, runtime: RuntimeDep, caller: CallerDep) -> BoardingPassView:
    """The pass: who, which flight, seat, sequence number and its BCBP string."""
    async with runtime.db.uow(write=False) as session:
        return await read_boarding_pass(session, caller, pass_id, settings=runtime.settings)
