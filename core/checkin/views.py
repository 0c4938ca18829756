"""Boarding passes and check-ins as the core answers them (ADR 0008): the API returns
their JSON, the tools trim them for a prompt, the e-mail and the PDF read them."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from core.views import LocalTime, UtcTime, View, shown_when_set


class BoardingPassView(View):
    """One passenger's boarding pass for one flight."""

    pass_id: str = Field(examples=["BP_7Q2M4XKDPA"])
    booking_id: str = Field(examples=["BK-7Q2M4X"])
    segment_id: str
    passenger_id: str
    traveler_id: str | None = shown_when_set()
    passenger: str = Field(description="The passenger's legal names.", examples=["Ava Example"])
    given_name: str
    family_name: str
    carrier: str = Field(examples=["BA"])
    number: str = Field(examples=["117"])
    date: dt.date
    origin: str
    destination: str
    depart_at: UtcTime
    depart_local: LocalTime = Field(
        description="`depart_at` on the origin airport's clock, with its UTC offset."
    )
    cabin: str
    seat: str | None = Field(
        description="The seat printed on the pass; null: allocated at the gate.",
        examples=["12C"],
    )
    sequence_number: int = Field(description="The flight's check-in sequence number.")
    locator: str = Field(description="The airline's record locator for this flight.")
    ticket_number: str | None = Field(description="The passenger's 13-digit e-ticket.")
    bcbp: str = Field(
        description="IATA BCBP (Resolution 792, format M, one leg, mandatory items): "
        "what the barcode encodes.",
        examples=["M1EXAMPLE/AVA         EX7Q2M4 JFKLHRBA 0117 352Y012C0001 100"],
    )
    checkin_closes_at: UtcTime
    issued_at: UtcTime
    png: str = Field(examples=["/v1/boarding-passes/BP_7Q2M4XKDPA.png"])
    pdf: str = Field(examples=["/v1/boarding-passes/BP_7Q2M4XKDPA.pdf"])


class CheckInView(View):
    """A flight segment checked in: every boarding pass it has now."""

    booking_id: str
    segment_id: str
    boarding_passes: list[BoardingPassView]
