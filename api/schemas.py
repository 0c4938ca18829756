"""Wire models of the HTTP API (DESIGN §6).

Request models are strict (unknown fields refused, sizes bounded) because they
are the first thing a client can get wrong. Response models document the shapes
for OpenAPI; a booking is the core's own view (``core.booking.views.BookingView``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.booking.guest_documents import GuestDocument
from core.booking.passengers import ItemPassengers, PassengerSpec
from core.booking.seats import MAX_ASSIGNMENTS, SeatChoice
from core.booking.service import ItemRequest
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


def _is_none(value: Any) -> bool:
    return value is None


class PassengerIn(BaseModel):
    """A colleague by user id (their traveller profile has the legal names), or a guest by
    given and family name as in their passport."""

    model_config = ConfigDict(extra="forbid")

    traveler_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="A person of your organization you may book for.",
        examples=["ava"],
    )
    # Not bounded here: the core reads names (INVALID_NAME: digits, symbols, over 50).
    given_name: str | None = Field(default=None, description="A guest's given names.")
    family_name: str | None = Field(default=None, description="A guest's family name.")

    def spec(self) -> PassengerSpec:
        return PassengerSpec(
            traveler_id=self.traveler_id, given_name=self.given_name, family_name=self.family_name
        )


PassengerList = Annotated[list[PassengerIn], Field(min_length=1, max_length=MAX_QUANTITY)]


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
        description="Seats (flights) or rooms (hotels). With `passengers`, their number "
        "when left out.",
    )
    # Left out of the payload when absent, so a body without it fingerprints as before.
    passengers: PassengerList | None = Field(
        default=None,
        exclude_if=_is_none,
        description="Flights: who flies, one per seat (confirming needs every seat named; "
        "a single seat left unnamed is the traveller's).",
    )

    def request(self) -> ItemRequest:
        """The core's item: ``quantity`` defaults to the passengers named."""
        people = [p.spec() for p in self.passengers] if self.passengers is not None else None
        quantity = self.quantity
        if people is not None and "quantity" not in self.model_fields_set:
            quantity = len(people)
        return ItemRequest(offer_id=self.offer_id, quantity=quantity, passengers=people)

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


class ItemPassengersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    offer_id: str = Field(
        min_length=1, max_length=80, description="The flight item's offer id.", examples=["FL-1042"]
    )
    passengers: PassengerList


class PassengersPut(BaseModel):
    """Who flies: `passengers` for every flight of the booking, or `items` flight by flight."""

    model_config = ConfigDict(extra="forbid")

    passengers: PassengerList | None = Field(
        default=None, description="The passengers of every flight item, one per seat."
    )
    items: list[ItemPassengersIn] | None = Field(
        default=None, min_length=1, max_length=MAX_ITEMS, description="Per flight item."
    )

    @model_validator(mode="after")
    def _one_form(self) -> PassengersPut:
        if (self.passengers is None) == (self.items is None):
            raise ValueError("send either `passengers` or `items`")
        return self

    def named(self) -> list[ItemPassengers]:
        if self.passengers is not None:
            return [ItemPassengers(None, [p.spec() for p in self.passengers])]
        assert self.items is not None
        return [
            ItemPassengers(
                item.offer_id.strip(), [p.spec() for p in item.passengers],
                field=f"items[{n}].passengers",
            )
            for n, item in enumerate(self.items)
        ]


class SeatAssignmentIn(BaseModel):
    """One passenger's seat on one of the booking's flights."""

    model_config = ConfigDict(extra="forbid")

    segment_id: str = Field(
        min_length=1, max_length=40, description="A flight segment of the booking.",
        examples=["SG_7Q2M4XKD"],
    )
    passenger_id: str = Field(
        min_length=1, max_length=40, description="A passenger on that flight.",
        examples=["PX_7Q2M4XKD"],
    )
    # Not bounded to the seat's form here: the core names a seat it does not know
    # (UNKNOWN_SEAT) like one of the wrong cabin.
    seat: str = Field(min_length=1, max_length=8, description="The seat, row and letter.",
                      examples=["12C"])

    def choice(self) -> SeatChoice:
        return SeatChoice(self.segment_id.strip(), self.passenger_id.strip(), self.seat)


class GuestDocumentPut(BaseModel):
    """A guest passenger's passport; every field but `date_of_birth` is required."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(default="passport", max_length=20, description="Only `passport` for now.")
    number: str = Field(min_length=1, max_length=40, description="5 to 20 letters or digits.")
    issuing_country: str = Field(min_length=1, max_length=8, examples=["GB"])
    nationality: str = Field(min_length=1, max_length=8, examples=["GB"])
    expires_on: str = Field(max_length=20, description="YYYY-MM-DD", examples=["2031-06-30"])
    date_of_birth: str | None = Field(default=None, max_length=20, description="YYYY-MM-DD")

    def document(self) -> GuestDocument:
        return GuestDocument(**self.model_dump())


class SeatsPut(BaseModel):
    """Seats for several passengers at once: all of them or none."""

    model_config = ConfigDict(extra="forbid")

    assignments: list[SeatAssignmentIn] = Field(min_length=1, max_length=MAX_ASSIGNMENTS)
    accept_fees: bool = Field(
        default=False,
        description="Agree to the fee of seats with extra legroom: on a held booking it joins "
        "the total, paid when the booking is confirmed.",
    )

    def choices(self) -> list[SeatChoice]:
        return [a.choice() for a in self.assignments]


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


class CheckInRequest(BaseModel):
    """Which flight of the booking to check in (every passenger named on it)."""

    model_config = ConfigDict(extra="forbid")

    segment_id: str = Field(
        min_length=1, max_length=40, description="A flight segment of the booking."
    )
