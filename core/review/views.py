"""How the manual-review queue reads (``GET /v1/admin/review``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from core.money import Money
from core.views import UtcTime, View

ItemKind = Literal["booking", "exception", "outbox"]
#: ``open``: waits for a person; ``disputed``: an exception contested, waiting for its
#: outcome; the others: how it was closed (an item answered after resolving).
ItemState = Literal["open", "disputed", "resolved", "written_off", "adjusted"]


class ResolutionView(View):
    """What a person decided, and when."""

    outcome: Literal["resolved", "disputed", "written_off", "adjusted"]
    note: str | None
    resolved_by: str | None = Field(description="The user; null when a flow resolved it.")
    resolved_at: UtcTime | None = Field(description="Null while an exception is disputed.")


class ReviewItemView(View):
    """One thing a person must look at."""

    item_id: str = Field(
        description="`booking:<booking id>`, `exception:<id>` or `outbox:<event id>`; "
        "resolve it with `POST /v1/admin/review/{item_id}/resolve`.",
        examples=["booking:BK-7Q2M4X"],
    )
    kind: ItemKind
    state: ItemState
    cause: str = Field(
        description="Why it is here, as a stable code: a booking's review reason "
        "(`supplier_timeout`, `compensation_failed`, `supplier_cancel_rejected`), "
        "`disruption`, or its status; an exception's kind (`amount_mismatch`…); "
        "`delivery_abandoned` for an outbox event.",
        examples=["supplier_timeout"],
    )
    detail: str = Field(description="The cause in words, for the person looking.")
    since: UtcTime = Field(description="When it started waiting for a person.")
    age_seconds: int = Field(description="How long it has waited, at the time of the answer.")
    booking_id: str | None = None
    booking_status: str | None = None
    expected: Money | None = Field(default=None, description="An exception's amount on our side.")
    actual: Money | None = Field(default=None, description="An exception's amount on theirs.")
    resolution: ResolutionView | None = None


class ReviewPage(View):
    """Oldest first: the item that has waited longest leads."""

    items: list[ReviewItemView]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )
