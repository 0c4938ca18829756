"""``POST /v1/webhooks/flight-status``: the airline status feed (DESIGN §6)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse

from api.deps import RuntimeDep
from api.problems import problem_responses
from core.disruption.feed import receive_flight_status

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


@router.post(
    "/flight-status",
    summary="Airline flight status feed",
    responses={
        200: {"description": "Processed, or a replay of a message already processed."},
        202: {"description": "Accepted and ignored: the flight is not in our schedule."},
        **problem_responses(401, 413, 422, 500),
    },
)
async def flight_status(
    request: Request,
    runtime: RuntimeDep,
    timestamp: Annotated[str | None, Header(alias="X-Concierge-Timestamp")] = None,
    signature: Annotated[str | None, Header(alias="X-Concierge-Signature")] = None,
) -> JSONResponse:
    """`{carrier, number, date, status: cancelled|delayed, delay_minutes}` signed with
    `X-Concierge-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`.

    A wrong or missing signature, or a timestamp more than 5 minutes off, is 401 and
    nothing is stored. Replays are answered 200 without processing again. Bookings
    on a cancelled (or ≥ 60 min delayed) flight become `requires_attention` with
    ranked suggestions; shorter delays only notify.
    """
    raw = await request.body()
    outcome = await receive_flight_status(runtime, raw, timestamp=timestamp, signature=signature)
    body: dict[str, Any] = outcome.body
    return JSONResponse(body, status_code=outcome.status_code)
