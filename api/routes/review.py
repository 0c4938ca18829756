"""The manual-review queue (``core.review``): for the organization's finance and admins.

Bookings stuck in ``pending_confirmation`` or ``requires_attention``, reconciliation
exceptions not yet settled and notifications the outbox relay abandoned, each with
its cause and age, oldest first; each resolved with a note. Anyone else: 403; another
organization's items are never visible (404 on resolve).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from api.auth import CallerDep
from api.deps import RuntimeDep
from api.problems import problem_responses
from core.models import ExceptionResolution
from core.review.service import MAX_LIMIT, NOTE_MAX, list_review_items, resolve_review_item
from core.review.views import ReviewItemView, ReviewPage

router = APIRouter(
    prefix="/v1/admin/review", tags=["review"], responses=problem_responses(401, 403, 422, 500)
)

ItemId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=40,
        description="`booking:<booking id>`, `exception:<id>` or `outbox:<event id>`, as listed.",
        examples=["exception:12"],
    ),
]


class ResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: ExceptionResolution = Field(
        default=ExceptionResolution.RESOLVED,
        description="`resolved` for any item. For a reconciliation exception, finance "
        "may instead mark it `disputed` (it stays on the queue until settled), "
        "`written_off` or `adjusted` (the booking is then invoiced at our prices).",
    )
    note: str = Field(
        min_length=1,
        max_length=NOTE_MAX,
        description="What was done or found: kept with the resolution.",
        examples=["Called the GDS: the ticket was issued by hand, locator X7Y8Z9."],
    )


@router.get("", summary="The manual-review queue", response_model=ReviewPage)
async def get_review_queue(
    runtime: RuntimeDep,
    caller: CallerDep,
    kind: Annotated[Literal["booking", "exception", "outbox"] | None, Query()] = None,
    state: Annotated[
        Literal["open", "disputed"] | None,
        Query(
            description="`open`: waits for a person; `disputed`: contested exceptions. "
            "Both when absent."
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")] = 50,
    cursor: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous page.")
    ] = None,
) -> ReviewPage:
    """What waits for a person, oldest first, each with its cause (a stable code and
    words) and age. Finance and admins of the organization only."""
    async with runtime.db.uow(write=False) as session:
        return await list_review_items(
            session,
            caller,
            now=runtime.clock.now(),
            kind=kind,
            state=state,
            limit=limit,
            cursor=cursor or None,
        )


@router.post(
    "/{item_id}/resolve",
    summary="Resolve a review item with a note",
    response_model=ReviewItemView,
    responses=problem_responses(400, 404, 409),
)
async def resolve_item(
    item_id: ItemId, body: ResolveIn, runtime: RuntimeDep, caller: CallerDep
) -> ReviewItemView:
    """Takes the item off the queue (a dispute keeps it there as `disputed`). Idempotent:
    the same outcome and note again answer what was recorded; anything else on an item
    already closed is 409 `REVIEW_ITEM_CLOSED`, naming who closed it and how. Only
    finance may dispute, write off or adjust (403), and only exceptions (422)."""
    async with runtime.db.uow() as session:
        return await resolve_review_item(
            session,
            caller,
            item_id,
            outcome=body.outcome,
            note=body.note,
            now=runtime.clock.now(),
        )
