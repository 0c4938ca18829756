"""search_hotels: the best few hotels for a stay, with the policy verdict on each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from core.catalogue.fares import FareOut
from core.money import Money, money_text
from core.policy.engine import evaluate_offer
from core.policy.rules import PolicyRules
from core.search.hotels import HotelOffer, search_hotels
from tools.base import Effect, ToolContext, ToolSpec
from tools.views import (
    MoneyOut,
    PolicyOut,
    TravellerSearched,
    approvers_of,
    compliant_first,
    recommend,
)

MAX_OPTIONS = 10


class SearchHotelsInput(BaseModel):
    """Find hotels with rooms free on every night of a stay."""

    model_config = ConfigDict(extra="forbid")

    city: str = Field(
        min_length=2,
        max_length=64,
        description="City or airport code, as the traveller says it.",
    )
    check_in: dt.date = Field(description="First night, YYYY-MM-DD.")
    check_out: dt.date = Field(description="Departure day, YYYY-MM-DD.")
    rooms: int = Field(default=1, ge=1, le=9, strict=True, description="Rooms.")
    limit: int = Field(default=5, ge=1, le=MAX_OPTIONS, strict=True, description="Max options.")
    traveler_id: TravellerSearched = None
    max_nightly: float | None = Field(
        default=None, gt=0, description="Most per room per night, in the rates' currency."
    )


class HotelOption(BaseModel):
    option: int
    offer_id: str = Field(description="Pass to reserve or evaluate_policy.")
    name: str
    stars: int
    city: str
    nights: int
    rooms: int
    nightly: MoneyOut = Field(description="Highest nightly rate of the stay, per room.")
    total: MoneyOut = Field(description="All nights, all rooms.")
    rooms_left: int
    refundable: bool
    fare: FareOut = Field(
        description="total as room rate + taxes (VAT, sales and city taxes) + fees (service "
        "charge): what to answer when asked about taxes."
    )
    policy: PolicyOut


class SearchHotelsOutput(BaseModel):
    city: str = Field(description="The city searched.")
    check_in: str
    check_out: str
    matches: int = Field(
        description="How many hotels matched in all (only the top ones are listed)."
    )
    options: list[HotelOption] = Field(
        description="Within policy first, then needing approval, then not allowed."
    )
    recommended: int | None = Field(
        default=None,
        description="The option to suggest: the best value that can be booked (None: none can).",
    )
    filtered: int | None = Field(
        default=None, description="Hotels over max_nightly left out (not in matches)."
    )
    note: str | None = None
    approvers: dict[str, str] = Field(
        default_factory=dict,
        description="Who approves, by name, each role the options need (approvals_required), "
        "for this traveller.",
    )


def _option(n: int, offer: HotelOffer, rules: PolicyRules, now: dt.datetime) -> HotelOption:
    return HotelOption(
        option=n,
        offer_id=offer.offer_id,
        name=offer.name,
        stars=offer.stars,
        city=offer.city,
        nights=offer.nights,
        rooms=offer.rooms,
        nightly=Money.of(offer.nightly_minor, offer.currency),
        total=Money.of(offer.total_minor, offer.currency),
        rooms_left=offer.rooms_left,
        refundable=offer.refundable,
        fare=offer.fare.out(),
        policy=PolicyOut.of(evaluate_offer(rules, offer.policy_item(), now=now)),
    )


async def run(ctx: ToolContext, data: SearchHotelsInput) -> SearchHotelsOutput:
    now = ctx.rt.clock.now()
    async with ctx.rt.db.uow(write=False) as session:
        result = await search_hotels(
            session,
            city=data.city,
            check_in=data.check_in,
            check_out=data.check_out,
            now=now,
            rooms=data.rooms,
            limit=data.limit,
            max_nightly=None if data.max_nightly is None else Decimal(str(data.max_nightly)),
        )
        rules = await ctx.policy_rules(session)
        options = compliant_first(
            [_option(i, o, rules, now) for i, o in enumerate(result.offers, 1)]
        )
        approvers = await approvers_of(session, ctx.caller, data.traveler_id, options)
        uncapped = (
            await search_hotels(
                session,
                city=data.city,
                check_in=data.check_in,
                check_out=data.check_out,
                now=now,
                rooms=data.rooms,
                limit=1,
            )
            if not result.offers and result.left_out_price
            else None
        )
    note = None
    if uncapped is not None and uncapped.offers:
        cheapest = uncapped.offers[0]
        note = (
            f"No hotel is within max_nightly. Without it: {uncapped.total} "
            f"{'hotel' if uncapped.total == 1 else 'hotels'}, cheapest "
            f"{money_text(cheapest.nightly_minor, cheapest.currency)} a night ({cheapest.name})."
        )
    elif not result.offers:
        note = (
            f"No hotel in {result.city} has {data.rooms} room(s) free on every night from "
            f"{data.check_in.isoformat()} to {data.check_out.isoformat()}; try fewer rooms, "
            "other dates or a nearby city."
        )
    return SearchHotelsOutput(
        city=result.city,
        check_in=result.check_in.isoformat(),
        check_out=result.check_out.isoformat(),
        matches=result.total,
        options=options,
        recommended=recommend(options, price=lambda o: o.total.minor()),
        filtered=None if data.max_nightly is None else result.left_out_price,
        note=note,
        approvers=approvers,
    )


TOOL: ToolSpec[SearchHotelsInput, SearchHotelsOutput] = ToolSpec(
    name="search_hotels",
    description=(
        "Search hotels in a city for a stay. Returns numbered options with offer_id, "
        "nightly rate, total and policy status."
    ),
    input_model=SearchHotelsInput,
    output_model=SearchHotelsOutput,
    effect=Effect.READ,
    needs_confirmation=False,
    run=run,
)
