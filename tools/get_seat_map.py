"""get_seat_map: the seats of an offer's or a booking's flights, row by row, compact.

Each row lists the letters of its free seats; rows with extra legroom say their fee
(seats with a fee cannot be chosen yet). On a booking, each passenger's seat.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.booking.seats import booking_seat_map, offer_seat_map
from core.booking.views import SeatMapView, SegmentSeatMapView
from core.catalogue.aircraft import SeatFeature
from tools.base import Effect, ToolContext, ToolSpec
from tools.views import MoneyOut, own_booking_out


class GetSeatMapInput(BaseModel):
    """The seat map of a booking's flights (``booking_id``) or of an offer (``offer_id``)."""

    model_config = ConfigDict(extra="forbid")

    booking_id: str | None = Field(default=None, min_length=1, max_length=40,
                                   description="A booking, e.g. BK-7Q2M4X.")
    offer_id: str | None = Field(default=None, min_length=1, max_length=80,
                                 description="A flight offer from search_flights.")

    @model_validator(mode="after")
    def _one(self) -> GetSeatMapInput:
        if (self.booking_id is None) == (self.offer_id is None):
            raise ValueError("give booking_id or offer_id")
        return self


class SeatRowOut(BaseModel):
    row: int
    free: str = Field(description="Letters of the free seats in this row, e.g. 'ACDF'.")
    fee: MoneyOut | None = Field(default=None, description="Extra legroom: each seat's fee.")
    exit: bool = False
    seats: str | None = Field(
        default=None, description="A short row (at the back): the letters it has."
    )


class SeatedOut(BaseModel):
    passenger_id: str
    name: str
    seat: str | None = Field(default=None, description="Null: no seat yet.")


class SeatMapSegmentOut(BaseModel):
    segment_id: str | None = Field(default=None, description="The booking's flight segment.")
    flight: str = Field(description="Carrier and number, e.g. BA 117.")
    origin: str
    destination: str
    date: str
    aircraft: str
    cabin: str
    columns: str = Field(description="Letters of a full row; a space is an aisle. "
                         "First and last letters are windows, letters beside a space aisles.")
    seats_free: int
    passengers: list[SeatedOut] = Field(default_factory=list)
    rows: list[SeatRowOut]


class GetSeatMapOutput(BaseModel):
    booking_id: str | None = None
    offer_id: str | None = None
    segments: list[SeatMapSegmentOut]


def _segment(view: SegmentSeatMapView, names: dict[str, str]) -> SeatMapSegmentOut:
    rows = []
    full = view.columns.replace(" ", "")
    for row in view.rows:
        letters = "".join(s.seat[-1] for s in row.seats)
        features = row.seats[0].features if row.seats else []
        fee = row.seats[0].price if row.seats and row.seats[0].price.minor() else None
        rows.append(SeatRowOut(
            row=row.row,
            free="".join(s.seat[-1] for s in row.seats if s.available),
            fee=fee,
            exit=SeatFeature.EXIT in features,
            seats=letters if letters != full else None,
        ))
    return SeatMapSegmentOut(
        segment_id=view.segment_id,
        flight=f"{view.carrier} {view.number}",
        origin=view.origin,
        destination=view.destination,
        date=view.date.isoformat(),
        aircraft=view.aircraft,
        cabin=view.cabin,
        columns=view.columns,
        seats_free=view.seats_free,
        passengers=[
            SeatedOut(passenger_id=p.passenger_id, name=names.get(p.passenger_id, p.passenger_id),
                      seat=p.seat)
            for p in view.passengers or []
        ],
        rows=rows,
    )


async def run(ctx: ToolContext, data: GetSeatMapInput) -> GetSeatMapOutput:
    names: dict[str, str] = {}
    view: SeatMapView
    async with ctx.rt.db.uow(write=False) as session:
        if data.booking_id is not None:
            booking_id = data.booking_id.strip()
            view = await booking_seat_map(session, ctx.caller, booking_id)
            out = await own_booking_out(session, ctx.caller, booking_id)
            names = {p.passenger_id: p.name for p in out.passengers}
        else:
            assert data.offer_id is not None
            view = await offer_seat_map(session, data.offer_id.strip())
    return GetSeatMapOutput(
        booking_id=view.booking_id,
        offer_id=view.offer_id,
        segments=[_segment(s, names) for s in view.segments],
    )


TOOL: ToolSpec[GetSeatMapInput, GetSeatMapOutput] = ToolSpec(
    name="get_seat_map",
    description=(
        "The seats of a booking's flights (or of a flight offer): per row the letters still "
        "free, extra-legroom rows with their fee, and where each passenger sits. Use before "
        "choose_seats when the traveller wants to pick."
    ),
    input_model=GetSeatMapInput,
    output_model=GetSeatMapOutput,
    effect=Effect.READ,
    needs_confirmation=False,
    run=run,
)
