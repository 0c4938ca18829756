"""evaluate_policy: judge offers together, as the trip they would make, before holding them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.errors import ValidationFailed
from core.money import Money
from core.policy.engine import evaluate
from core.policy.items import PolicyItem
from core.search.flights import load_flight_offer
from core.search.hotels import load_hotel_offer
from core.search.offers import FlightOfferRef, parse_offer_id
from tools.base import Effect, ToolContext, ToolSpec
from tools.views import MoneyOut, PolicyOut, spoken_time

MAX_OFFERS = 10


class EvaluatePolicyInput(BaseModel):
    """Check offers against the travel policy as one trip (approvals depend on the trip total)."""

    model_config = ConfigDict(extra="forbid")

    offer_ids: list[str] = Field(
        min_length=1,
        max_length=MAX_OFFERS,
        description="Offers booked together.",
    )
    quantity: int = Field(default=1, ge=1, le=9, strict=True, description="Passengers or rooms.")


class ItemVerdict(BaseModel):
    offer_id: str
    what: str = Field(description="Short description of the offer.")
    total: MoneyOut
    policy: PolicyOut = Field(description="This offer on its own.")


class EvaluatePolicyOutput(BaseModel):
    trip: PolicyOut = Field(description="The whole trip: the verdict that holding it would get.")
    total: MoneyOut
    items: list[ItemVerdict]


async def run(ctx: ToolContext, data: EvaluatePolicyInput) -> EvaluatePolicyOutput:
    if len(set(data.offer_ids)) != len(data.offer_ids):
        raise ValidationFailed("An offer appears twice in offer_ids", field="offer_ids")
    now = ctx.rt.clock.now()
    items: list[PolicyItem] = []
    described: list[tuple[str, str]] = []
    async with ctx.rt.db.uow(write=False) as session:
        for offer_id in data.offer_ids:
            ref = parse_offer_id(offer_id)
            if isinstance(ref, FlightOfferRef):
                flight = await load_flight_offer(session, ref, data.quantity, now=now)
                items.append(flight.policy_item())
                label = " + ".join(s.flight_label for s in flight.segments)
                described.append(
                    (
                        offer_id,
                        f"{label} {flight.origin}→{flight.destination} "
                        f"{spoken_time(flight.depart_at, flight.origin)}, {flight.cabin}",
                    )
                )
            else:
                hotel = await load_hotel_offer(session, ref, data.quantity)
                items.append(hotel.policy_item())
                described.append(
                    (
                        offer_id,
                        f"{hotel.name}, {hotel.city}, {hotel.check_in.isoformat()} to "
                        f"{hotel.check_out.isoformat()}",
                    )
                )
        rules = await ctx.policy_rules(session)
    trip = evaluate(rules, items, now=now)
    return EvaluatePolicyOutput(
        trip=PolicyOut.of(trip),
        total=Money.of(trip.total_minor, trip.currency),
        items=[
            ItemVerdict(
                offer_id=offer_id,
                what=what,
                total=Money.of(item.amount_minor, item.currency),
                policy=PolicyOut.of(evaluate(rules, [item], now=now)),
            )
            for (offer_id, what), item in zip(described, items, strict=True)
        ],
    )


TOOL: ToolSpec[EvaluatePolicyInput, EvaluatePolicyOutput] = ToolSpec(
    name="evaluate_policy",
    description=(
        "Check offers against the travel policy as one trip (approvals depend on its "
        "total): green, amber (needs approval) or red, with reasons."
    ),
    input_model=EvaluatePolicyInput,
    output_model=EvaluatePolicyOutput,
    effect=Effect.READ,
    needs_confirmation=False,
    run=run,
)
