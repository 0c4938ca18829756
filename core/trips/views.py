"""The trip view: one booking as its traveller (or their manager) follows it.

Flights and stays in the order they happen on their places' clocks (the itinerary's
entries, :mod:`core.itinerary.views`), what changes with time — the hold running out,
check-in opening —, the money said in words, and the actions the reader may take on
it *now*, decided here so that no client guesses them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from core.booking.views import GuestDocumentView
from core.itinerary.views import ItineraryFlight, ItineraryStay
from core.models import BookingStatus
from core.money import Money
from core.views import LocalTime, UtcTime, View, shown_when_set

#: Whose trip it is to the reader: their own, a report's (a manager's "Team trips"), or
#: one they only see because they read the whole organization (finance, admin).
Whose = Literal["mine", "team", "organization"]
PaymentState = Literal[
    "not_charged", "authorizing", "paid", "refund_pending", "refunded", "partly_refunded"
]
ActionName = Literal[
    "cancel",
    "change_flight",
    "choose_seats",
    "check_in",
    "boarding_pass",
    "add_to_calendar",
    "itinerary",
]


class TripPerson(View):
    id: str
    name: str


class TripBoardingPass(View):
    pass_id: str = Field(examples=["BP_7Q2M4XK3"])
    passenger: str = Field(description="The passenger's name.")


class TripCheckIn(View):
    """The flight's online check-in window (a delay moves it)."""

    opens_at: UtcTime
    closes_at: UtcTime
    opens_local: LocalTime = Field(description="`opens_at` on the departure airport's clock.")
    closes_local: LocalTime = Field(description="`closes_at` on the departure airport's clock.")
    open: bool = Field(description="Open now.")


class TripFlight(ItineraryFlight):
    """An itinerary flight, with the day marker and what the traveller does at the airport."""

    arrives_days_later: int = Field(
        description="Arrival's local date minus departure's (the `+1` of a ticket; -1 across "
        "the date line westwards)."
    )
    day_marker: str | None = shown_when_set()  # "+1", "+2", "-1"; absent on the same day
    duration_minutes: int
    check_in: TripCheckIn
    boarding_passes: list[TripBoardingPass] = shown_when_set(default_factory=list)


TripEntry = Annotated[TripFlight | ItineraryStay, Field(discriminator="kind")]


class TripPolicy(View):
    status: str = Field(description="green, amber or red.")
    label: str = Field(examples=["Needs approval"])
    reasons: list[str] = Field(description="Every finding, in words.")
    approvals_required: list[str] = shown_when_set(default_factory=list)


class TripHold(View):
    """How long the seats and rooms stay held (held, or waiting for approval)."""

    expires_at: UtcTime
    seconds_left: int = Field(description="From the server's `now`; 0 once it ran out.")
    text: str = Field(
        description="In words: `Hold expires in 2 days`, `… in 3 hours`, `Hold expired`.",
        examples=["Hold expires in 3 hours"],
    )


class TripPayment(View):
    state: PaymentState
    text: str = Field(examples=["Paid 612.40 USD", "Not charged yet"])
    paid: Money | None = shown_when_set()
    refunded: Money | None = shown_when_set()
    refund_due: Money | None = shown_when_set()


class TripGuest(View):
    """A guest passenger (named by name, with no traveller profile): their passport is kept
    on the booking (`PUT /v1/bookings/{id}/passengers/{passenger_id}/documents`)."""

    passenger_id: str = Field(examples=["PX_7Q2M4XKD"])
    name: str = Field(examples=["Jo Bloggs"])
    passport: GuestDocumentView | None = shown_when_set()  # on file, the number masked
    passport_needed: bool = Field(
        description="On a flight of this trip between two countries without a passport "
        "valid until its last such flight lands: online check-in would refuse them."
    )
    may_edit: bool = Field(description="The reader may add or replace the passport now.")


class TripAction(View):
    """Something the reader may do with the trip now. Changes to money or bookings are
    sent as the chat's structured actions (`POST /v1/chat` `action`), through its
    confirmation gate; reading ones name their `href`."""

    action: ActionName
    label: str = Field(examples=["Cancel trip", "Change BA 117", "Check in BA 117"])
    segment_id: str | None = shown_when_set()
    pass_id: str | None = shown_when_set()
    date: dt.date | None = shown_when_set()  # change_flight: the flight's date now
    href: str | None = shown_when_set()


class TripView(View):
    """`GET /v1/trips/{booking_id}`: one booking as a trip."""

    booking_id: str = Field(examples=["BK-7Q2M4X"])
    status: BookingStatus
    status_text: str = Field(examples=["Waiting for approval"])
    whose: Whose
    title: str = Field(examples=["New York → London"])
    starts: dt.date | None = Field(description="The first local date of the trip.")
    ends: dt.date | None
    traveler: TripPerson
    booked_by: TripPerson | None = shown_when_set()  # when someone else booked it
    entries: list[TripEntry] = Field(description="Flights and stays in the order they happen.")
    guests: list[TripGuest] = shown_when_set(default_factory=list)
    total: Money
    total_text: str = Field(examples=["6,120.00 USD"])
    policy: TripPolicy
    hold: TripHold | None = shown_when_set()
    payment: TripPayment
    approval_id: str | None = shown_when_set()
    disrupted: bool = False
    change: str | None = shown_when_set()  # a cancellation or rebooking still under way, in words
    # How its approval ended the trip: who rejected it and their note, or that nobody
    # approved it in time ("Rejected by Mia Chen: “Take the train”").
    outcome: str | None = shown_when_set()
    actions: list[TripAction]
    updated_at: UtcTime


class TripList(View):
    """`GET /v1/trips`: one page of "My trips" or "Team trips", newest first."""

    scope: Literal["mine", "team"]
    now: UtcTime = Field(description="The server's clock, to count the holds down from.")
    has_team: bool = Field(description="The caller has reports: a `team` list exists.")
    trips: list[TripView]
    next_cursor: str | None
