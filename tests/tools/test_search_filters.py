"""search_flights' airline and price filters: applied before ``limit``, counted in
``filtered``, an unknown airline refused with its own code, an empty answer that says
what the filters left out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.errors import UnknownAirline, ValidationFailed
from tests.factories import T0, make_carrier, make_flight
from tools.registry import get_tool

pytestmark = pytest.mark.usefixtures("world", "more_flights")

DAY = {"origin": "JFK", "destination": "BOS", "date": "2026-12-18"}


@pytest.fixture
async def more_flights(runtime, world):
    """JFK-BOS on 18 Dec beside the world's B6 1001 (04:00, $150) and B6 1003 (07:00,
    $150): American cheap, Delta dear, so a plain top two has no Delta in it."""
    async with runtime.db.uow() as s:
        await make_carrier(s, code="AA", name="American Airlines")
        await make_carrier(s, code="DL", name="Delta Air Lines")
        for carrier, number, hours, fare in (
            ("AA", "2001", 1, 12000),  # 05:00
            ("DL", "3001", 2, 25000),  # 06:00
            ("AA", "2003", 5, 20000),  # 09:00
            ("DL", "3003", 6, 30000),  # 10:00
            ("DL", "3005", 7, 26000),  # 11:00
        ):
            await make_flight(
                s,
                carrier=carrier,
                number=number,
                origin="JFK",
                destination="BOS",
                depart_at=T0 + timedelta(days=17, hours=hours),
                duration_minutes=75,
                cabins={"economy": (50, fare)},
            )


async def search(ctx, **args):
    return await get_tool("search_flights").invoke(ctx, {**DAY, **args})


def flights(out):
    return [o["flights"][0] for o in out["options"]]


async def test_no_filter_no_filtered_field(ava):
    out = await search(ava, limit=2)
    assert flights(out) == ["AA 2001", "B6 1001"]
    assert out["matches"] == 7
    assert "filtered" not in out  # None is left out of the output


async def test_airlines_apply_before_limit(ava):
    out = await search(ava, airlines=["Delta"], limit=2)
    assert flights(out) == ["DL 3001", "DL 3005"]
    assert out["matches"] == 3
    assert out["filtered"] == {"airline": 4, "price": 0}


@pytest.mark.parametrize("name", ["DL", "dl", "Delta Air Lines", "delta airlines", " DELTA "])
async def test_airline_by_code_or_name(ava, name):
    out = await search(ava, airlines=[name])
    assert set(flights(out)) == {"DL 3001", "DL 3003", "DL 3005"}


async def test_several_airlines_and_exclusions(ava):
    both = await search(ava, airlines=["delta", "united", "AA"], limit=10)
    assert {f[:2] for f in flights(both)} == {"AA", "DL"}
    assert both["filtered"]["airline"] == 2
    ruled_out = await search(ava, exclude_airlines=["JetBlue", "AA"], limit=10)
    assert {f[:2] for f in flights(ruled_out)} == {"DL"}
    assert ruled_out["filtered"] == {"airline": 4, "price": 0}


async def test_unknown_airline_is_a_clear_error(ava):
    with pytest.raises(UnknownAirline) as caught:
        await search(ava, airlines=["Oceanic"])
    assert caught.value.code == "UNKNOWN_AIRLINE"
    assert "'Oceanic'" in str(caught.value)
    assert "DL Delta Air Lines" in str(caught.value)  # what it could have been
    with pytest.raises(UnknownAirline, match="exclude_airlines"):
        await search(ava, exclude_airlines=["Air"])  # Air Canada, Air France or Air India


async def test_the_same_airline_kept_and_excluded_is_refused(ava):
    with pytest.raises(ValidationFailed, match="same airline"):
        await search(ava, airlines=["DL"], exclude_airlines=["Delta"])


async def test_max_price_per_passenger_before_limit(ava):
    out = await search(ava, max_price=150, sort="depart", limit=2)
    assert flights(out) == ["B6 1001", "AA 2001"]
    assert out["matches"] == 3  # B6 1003 too (07:00, $150)
    assert out["filtered"] == {"airline": 0, "price": 4}
    two = await search(ava, max_price=150, passengers=2, limit=10)
    assert {o["price"]["amount"] for o in two["options"]} <= {"120.00", "150.00"}
    with pytest.raises(ValidationFailed, match="max_price"):
        await search(ava, max_price=0)


async def test_filters_with_depart_after(ava):
    out = await search(ava, airlines=["DL"], depart_after="08:00", limit=10)
    assert flights(out) == ["DL 3005", "DL 3003"]
    # only what the time window kept is counted: AA 2003 at 09:00
    assert out["filtered"] == {"airline": 1, "price": 0}
    capped = await search(ava, airlines=["DL"], depart_after="08:00", max_price=280)
    assert flights(capped) == ["DL 3005"]
    assert capped["filtered"] == {"airline": 1, "price": 1}


async def test_nothing_left_says_what_the_filters_left_out(ava):
    out = await search(ava, airlines=["DL"], max_price=100)
    assert out["options"] == []
    assert out["matches"] == 0
    assert "recommended" not in out
    assert out["filtered"] == {"airline": 4, "price": 3}
    assert out["note"] == (
        "No flights match the airline or price filters. Without them: 7 flights, "
        "cheapest 120.00 USD (American Airlines)."
    )


# -- search_hotels: max_nightly -----------------------------------------------------------

STAY = {"city": "London", "check_in": "2026-12-18", "check_out": "2026-12-20"}


async def test_hotels_max_nightly_keeps_those_within(ava):
    out = await get_tool("search_hotels").invoke(ava, {**STAY, "max_nightly": 220})
    assert [o["nightly"]["amount"] for o in out["options"]] == ["220.00"]
    assert out["filtered"] == 0
    plain = await get_tool("search_hotels").invoke(ava, STAY)
    assert "filtered" not in plain


async def test_hotels_nothing_within_says_what_there_is(ava):
    out = await get_tool("search_hotels").invoke(ava, {**STAY, "max_nightly": 150.5})
    assert out["options"] == []
    assert out["filtered"] == 1
    assert out["note"] == (
        "No hotel is within max_nightly. Without it: 1 hotel, cheapest 220.00 USD a night "
        "(London Grand)."
    )
