"""A small world for booking tests: Acme with its policy, a few flights and a hotel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from core.identity import Caller
from core.models import FareInventory, Flight, Hotel
from core.policy.rules import acme_default, default_rules
from core.policy.service import set_rules
from core.runtime import Runtime
from tests.factories import (
    T0,
    make_airports,
    make_carrier,
    make_flight,
    make_hotel,
    make_org,
    make_user,
)

AVA = Caller(user_id="ava", org_id="acme", role="traveler", name="Ava")
MIA = Caller(user_id="mia", org_id="acme", role="manager", name="Mia")
GUS = Caller(user_id="gus", org_id="globex", role="traveler", name="Gus")


@dataclass
class World:
    long_haul: Flight
    long_inv: dict[str, FareInventory]
    short_haul: Flight
    short_inv: dict[str, FareInventory]
    tiny: Flight
    tiny_inv: dict[str, FareInventory]
    hotel: Hotel


async def build_world(
    rt: Runtime, *, card: str = "4242424242424242", profiles: bool = True
) -> World:
    """``profiles``: each person with legal names on file (as confirming a flight needs);
    False: nobody has a traveller profile yet."""
    names: dict[str, Any] = {} if profiles else {"legal_names": None}
    async with rt.db.uow() as s:
        await make_org(s, payment_method=card)
        await make_org(s, id="globex", name="Globex")
        await make_user(s, id="victor", role="vp_finance", department="Finance", **names)
        await make_user(s, id="mia", role="manager", manager_id="victor", **names)
        await make_user(s, id="ava", manager_id="mia", **names)
        await make_user(s, id="gus", org_id="globex", home_airport="ORD", **names)
        await set_rules(s, "acme", acme_default(), now=T0)
        await set_rules(s, "globex", default_rules(), now=T0)
        await make_airports(s, ("JFK", "LHR", "BOS"))
        await make_carrier(s, code="BA", name="British Airways")
        await make_carrier(s, code="B6", name="JetBlue")
        long_haul, long_inv = await make_flight(s)
        short_haul, short_inv = await make_flight(
            s, carrier="B6", number="1001", origin="JFK", destination="BOS",
            duration_minutes=75, cabins={"economy": (100, 15000), "business": (10, 90000)},
        )
        tiny, tiny_inv = await make_flight(
            s, carrier="B6", number="1003", origin="JFK", destination="BOS",
            depart_at=T0 + timedelta(days=17, hours=3), duration_minutes=75,
            cabins={"economy": (2, 15000)},
        )
        hotel = await make_hotel(s, id="LON01", rooms=1, first_night=date(2026, 12, 18))
    return World(long_haul, long_inv, short_haul, short_inv, tiny, tiny_inv, hotel)
