"""Wire models of the HTTP API (DESIGN §6).

Request models are strict (unknown fields refused, sizes bounded) because they
are the first thing a client can get wrong. Response models document the shapes
for OpenAPI; a booking is the core's own view (``core.booking.views.BookingView``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.booking.views import BookingView
from core.catalogue.fares import FareOut
from core.errors import ValidationFailed
from core.models import BookingStatus
from core.money import Money
from core.search.offers import parse_offer_id

MAX_ITEMS = 10
MAX_QUANTITY = 9


class CabinParam(StrEnum):
    ECONOMY = "economy"
    PREMIUM = "premium"
    BUSINESS = "business"
    FIRST = "first"


class FlightSort(StrEnum):
    PRICE = "price"
    DEPART = "depart"
    ARRIVE = "arrive"
    DURATION = "duration"


class HotelSort(StrEnum):
    PRICE = "price"
    STARS = "stars"
    NAME = "name"


# The booking statuses are the core's own enum; a second copy here would drift.
BookingStatusParam = BookingStatus


# -- requests ----------------------------------------------------------------------------


class BookingItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    offer_id: str = Field(
        min_length=1,
        max_length=80,
        description="An offer id from a search (`FL-…` flight, `HT-…` hotel).",
        examples=["FL-1042"],
    )
    # strict: a count is a JSON integer; "1", true or 1.0 are refused, not read as 1.
    quantity: int = Field(
        default=1,
        ge=1,
        le=MAX_QUANTITY,
        strict=True,
        description="Seats (flights) or rooms (hotels).",
    )

    @field_validator("offer_id")
    @classmethod
    def _offer_id_parses(cls, value: str) -> str:
        # Reject malformed ids as a field error here rather than deep in the service.
        try:
            parse_offer_id(value)
        except ValidationFailed as exc:
            raise ValueError("not a valid offer id") from exc
        return value.strip()


class HoldRequest(BaseModel):
    """Hold these offers for one traveller, all or nothing."""

    model_config = ConfigDict(extra="forbid")

    items: list[BookingItemIn] = Field(min_length=1, max_length=MAX_ITEMS)
    traveler_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="Book for someone else (managers: their reports). Defaults to the caller.",
    )


# -- responses ---------------------------------------------------------------------------

#: One server-sent event, as OpenAPI before 3.2 documents a ``text/event-stream``:
#: the ``schema`` describes each event (its fields), not the stream's text.
SSE_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "event": {"type": "string"},
        "data": {"type": "string", "description": "One JSON chunk, or `[DONE]` last."},
        "id": {"type": "string"},
        "retry": {"type": "integer"},
    },
}


class PolicyVerdictOut(BaseModel):
    status: str = Field(description="green, amber or red.", examples=["green"])
    violations: list[dict[str, Any]] = Field(default_factory=list)
    approvals_required: list[str] = Field(default_factory=list)
    notes: list[dict[str, Any]] = Field(default_factory=list)


class FlightLegOut(BaseModel):
    carrier: str
    number: str
    date: str
    origin: str
    destination: str
    depart_at: str = Field(description="ISO-8601, local time at the airport with its offset.")
    arrive_at: str = Field(description="ISO-8601, local time at the airport with its offset.")
    duration_minutes: int
    cabin: str
    carrier_name: str | None = None
    aircraft: str | None = None


class FlightOfferOut(BaseModel):
    offer_id: str
    segments: list[FlightLegOut]
    cabin: str
    price: Money = Field(description="Per passenger.")
    total: Money = Field(description="For all passengers asked for.")
    seats_left: int
    co2_kg: int = Field(description="Estimated kg CO2 per passenger.")
    stops: int
    duration_minutes: int
    refundable: bool
    change_fee: Money
    fare: FareOut = Field(
        description="`total` as base fare + taxes (by code: US, AY, XF, GB, UB…) + carrier fees."
    )
    policy: PolicyVerdictOut


class FlightSearchOut(BaseModel):
    offers: list[FlightOfferOut]
    total: int = Field(description="How many offers match, across all pages.")
    limit: int
    offset: int


class HotelOfferOut(BaseModel):
    offer_id: str
    hotel_id: str
    name: str
    city: str
    stars: int
    chain: str
    address: str
    check_in: str
    check_out: str
    nights: int
    rooms: int
    nightly: Money = Field(description="Highest nightly rate of the stay, per room.")
    total: Money = Field(description="All nights, all rooms.")
    rooms_left: int
    refundable: bool
    fare: FareOut = Field(
        description="`total` as room rate + taxes (VAT, sales and city taxes) + fees."
    )
    policy: PolicyVerdictOut


class HotelSearchOut(BaseModel):
    offers: list[HotelOfferOut]
    total: int
    limit: int
    offset: int


class BookingOut(BookingView):
    """A booking as the GET answers list it: the core's view, with `approval_id`
    always listed (null when there is none), as these answers always have."""

    approval_id: str | None = None

    @classmethod
    def of(cls, view: BookingView) -> BookingOut:
        return cls.model_validate(view, from_attributes=True)


class BookingListOut(BaseModel):
    bookings: list[BookingOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")

    @classmethod
    def of(cls, views: list[BookingView], next_cursor: str | None) -> BookingListOut:
        return cls(bookings=[BookingOut.of(v) for v in views], next_cursor=next_cursor)
