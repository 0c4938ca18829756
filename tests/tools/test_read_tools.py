"""READ tools: compact, actionable outputs, business errors as CoreErrors, org scoping."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from core.booking.service import ItemRequest, hold_booking
from core.catalogue.network import quickest_route
from core.errors import NotFound, ValidationFailed
from core.policy.rules import acme_default, default_rules
from core.search.offers import flight_offer_id, hotel_offer_id
from core.travellers.service import DocumentChange, ProfileChanges, update_profile
from tests.conftest import NOW, PG_URL
from tests.core.booking_world import AVA, MIA
from tests.factories import make_flight, make_hotel
from tests.roundtrips import count_round_trips
from tools.base import ToolContext
from tools.get_policy import GetPolicyOutput, RulesOut
from tools.registry import TOOLS, get_tool, openai_tools

pytestmark = pytest.mark.usefixtures("world")


async def call(ctx, name, **args):
    return await get_tool(name).invoke(ctx, args)


async def held(rt, caller, *offers, traveler_id=None):
    async with rt.db.uow() as s:
        booking = await hold_booking(rt, s, caller, [ItemRequest(o) for o in offers], traveler_id)
        return booking.id


# -- registry --------------------------------------------------------------------------


def test_registry_has_the_contract_set_with_model_facing_schemas():
    for name in (
        "search_flights",
        "search_hotels",
        "evaluate_policy",
        "get_policy",
        "get_traveler_profile",
        "list_trips",
        "get_booking",
        "reserve",
        "confirm_booking",
    ):
        assert name in TOOLS
    for schema in openai_tools():
        fn = schema["function"]
        assert schema["type"] == "function"
        assert fn["description"]
        params = fn["parameters"]
        assert params["type"] == "object"
        assert params.get("additionalProperties") is False
        # The caller comes from authentication: no tool takes a user or an organization.
        assert not {"user_id", "org_id", "organization", "caller", "role"} & set(
            params["properties"]
        )
        for prop in params["properties"].values():
            assert "description" in prop or "$ref" in prop or "items" in prop or "anyOf" in prop
        # model_facing inlines every reference: what the model reads is self-contained.
        assert "$ref" not in json.dumps(params)
        assert "$defs" not in params


async def test_unknown_tool_is_not_found():
    with pytest.raises(NotFound, match="No tool named 'book_first_class'"):
        get_tool("book_first_class")


async def test_bad_arguments_are_one_readable_validation_error(ava):
    with pytest.raises(ValidationFailed) as caught:
        await call(
            ava,
            "search_flights",
            origin="JFK",
            destination="LHR",
            date="18/12/2026",
            org_id="globex",
        )
    message = str(caught.value)
    assert message.startswith("Invalid arguments for search_flights:")
    assert "date:" in message
    assert "org_id: is not an argument of this tool" in message


# -- search_flights ----------------------------------------------------------------------


async def test_search_flights_resolves_places_and_numbers_options(ava, world):
    out = await call(
        ava,
        "search_flights",
        origin="New York",
        destination="london",
        date="2026-12-18",
        cabin="business",
    )
    assert out["origin"] == {"name": "New York", "airports": ["JFK", "LGA", "EWR"]}
    assert out["destination"]["airports"] == ["LHR", "LGW"]
    assert out["matches"] == 1
    [opt] = out["options"]
    assert opt["option"] == 1
    assert opt["offer_id"] == flight_offer_id(world.long_inv["business"].id)
    assert opt["flights"] == ["BA 117"]
    assert (opt["origin"], opt["destination"]) == ("JFK", "LHR")
    assert (opt["origin_city"], opt["destination_city"]) == ("New York", "London")
    assert opt["depart"] == "2026-12-18T04:00-05:00"  # local at JFK
    assert opt["arrive"] == "2026-12-18T15:55+00:00"  # local at LHR
    assert opt["price"] == {"amount": "4200.00", "currency": "USD"}
    assert opt["seats_left"] == 20
    assert opt["policy"]["status"] == "green"  # Acme: business from 6 h of flying


async def test_search_flights_verdict_is_the_callers_org_policy(gus):
    # Globex's standard policy allows business only from 9 h: the same seat is amber there.
    out = await call(
        gus, "search_flights", origin="JFK", destination="LHR", date="2026-12-18", cabin="business"
    )
    assert out["options"][0]["policy"]["status"] == "amber"
    assert out["options"][0]["policy"]["approvals_required"] == ["manager"]


async def test_search_flights_first_class_is_red_with_the_reason(ava):
    out = await call(
        ava, "search_flights", origin="JFK", destination="LHR", date="2026-12-18", cabin="first"
    )
    policy = out["options"][0]["policy"]
    assert policy["status"] == "red"
    assert any("first" in v.lower() for v in policy["violations"])


async def test_search_flights_output_stays_small(ava, runtime):
    out = await call(
        ava,
        "search_flights",
        origin="JFK",
        destination="BOS",
        date="2026-12-18",
        passengers=2,
        limit=5,
    )
    assert 1 <= len(out["options"]) <= 5
    assert out["options"][0]["total"]["amount"] == "300.00"  # 2 x 150.00
    assert len(json.dumps(out)) < 4096


async def test_search_flights_limit_is_capped_for_prompts(ava):
    with pytest.raises(ValidationFailed, match="limit"):
        await call(
            ava, "search_flights", origin="JFK", destination="LHR", date="2026-12-18", limit=50
        )


async def test_search_flights_empty_answer_suggests_what_exists(ava):
    out = await call(ava, "search_flights", origin="JFK", destination="LHR", date="2026-12-17")
    assert out["options"] == []
    assert "2026-12-18" in out["note"]
    assert "612.40 USD" in out["note"]


async def test_search_flights_too_few_seats_points_to_other_times(ava):
    # After 06:00 only B6 1003 flies JFK-BOS and it has 2 seats; B6 1001 leaves at 04:00.
    out = await call(
        ava,
        "search_flights",
        origin="JFK",
        destination="BOS",
        date="2026-12-18",
        passengers=3,
        depart_after="06:00",
    )
    assert out["options"] == []
    assert "at other times of day" in out["note"]
    assert "04:00" in out["note"]
    two = await call(
        ava,
        "search_flights",
        origin="JFK",
        destination="BOS",
        date="2026-12-18",
        passengers=2,
        depart_after="06:00",
    )
    assert [(o["flights"], o["seats_left"]) for o in two["options"]] == [(["B6 1003"], 2)]


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ({"origin": "Xqzzyville", "destination": "LHR", "date": "2026-12-18"}, "Xqzzyville"),
        ({"origin": "JFK", "destination": "LHR", "date": "2026-11-20"}, "in the past"),
        ({"origin": "JFK", "destination": "New York", "date": "2026-12-18"}, "same place"),
        (
            {"origin": "JFK", "destination": "LHR", "date": "2026-12-18", "depart_after": "25:00"},
            "depart_after",
        ),
    ],
)
async def test_search_flights_business_errors(ava, args, match):
    with pytest.raises(ValidationFailed, match=match):
        await call(ava, "search_flights", **args)


# -- search_hotels -----------------------------------------------------------------------


async def test_search_hotels_happy_path(ava):
    out = await call(
        ava, "search_hotels", city="London", check_in="2026-12-18", check_out="2026-12-20"
    )
    assert out["city"] == "London"
    [opt] = out["options"]
    assert opt["offer_id"] == "HT-LON01-20261218-20261220"
    assert opt["nightly"] == {"amount": "220.00", "currency": "USD"}
    assert opt["total"] == {"amount": "440.00", "currency": "USD"}
    assert opt["policy"]["status"] == "green"


async def test_search_hotels_nothing_free_explains(ava):
    out = await call(
        ava, "search_hotels", city="London", check_in="2026-12-18", check_out="2026-12-20", rooms=2
    )
    assert out["options"] == []
    assert "2 room(s)" in out["note"]


async def test_search_hotels_stay_must_end_after_it_starts(ava):
    with pytest.raises(ValidationFailed, match="check_out"):
        await call(
            ava, "search_hotels", city="London", check_in="2026-12-20", check_out="2026-12-18"
        )


# -- evaluate_policy ---------------------------------------------------------------------


async def test_evaluate_policy_judges_the_trip(ava, world):
    business_short = flight_offer_id(world.short_inv["business"].id)
    hotel = hotel_offer_id("LON01", date(2026, 12, 18), date(2026, 12, 20))
    out = await call(ava, "evaluate_policy", offer_ids=[business_short, hotel])
    assert out["trip"]["status"] == "amber"
    assert out["trip"]["approvals_required"] == ["manager"]
    assert out["total"] == {"amount": "1340.00", "currency": "USD"}  # 900 + 2 x 220
    flight, stay = out["items"]
    assert flight["policy"]["status"] == "amber"
    assert flight["what"].startswith("B6 1001 JFK→BOS")
    assert stay["policy"]["status"] == "green"


async def test_evaluate_policy_unknown_offer(ava):
    with pytest.raises(NotFound):
        await call(ava, "evaluate_policy", offer_ids=["FL-999999"])


# -- get_policy --------------------------------------------------------------------------


async def test_get_policy_topic_picks_the_section(ava):
    out = await call(ava, "get_policy", topic="what are the hotel caps?")
    assert out["policy"] == "Acme Corp travel policy"
    assert "London | 350.00 USD" in out["text"]
    assert "## Approvals" not in out["text"]
    whole = await call(ava, "get_policy")
    assert "## Approvals" in whole["text"]
    assert "## Hotels" in whole["text"]


async def test_get_policy_is_the_callers_org(gus):
    out = await call(gus, "get_policy", topic="hotels")
    assert out["policy"] == "Standard travel policy"
    assert "London | 325.00 USD" in out["text"]
    assert GetPolicyOutput.model_validate(out).rules.to_rules() == default_rules().model_copy(
        update={"name": "Travel policy"}
    )


@pytest.mark.parametrize("rules", [acme_default(), default_rules()], ids=["acme", "standard"])
def test_policy_rules_out_round_trips_to_the_cores_rules(rules):
    out = RulesOut.of(rules)
    assert out.to_rules().to_document() == {**rules.to_document(), "name": "Travel policy"}
    # As JSON (what a planner reads back from a tool message) too.
    again = RulesOut.model_validate_json(out.model_dump_json())
    assert again.to_rules().hotel_cap_for("NYC") == rules.hotel_cap_for("New York")


async def test_get_policy_rules_are_the_structured_policy(ava):
    out = GetPolicyOutput.model_validate(await call(ava, "get_policy", topic="premium economy"))
    rules = out.rules
    # Acme: economy only under 6 h; from 6 h premium economy and business too; first red.
    assert [
        (r.min_minutes, r.max_minutes, [str(c) for c in r.allowed]) for r in rules.cabin_rules
    ] == [
        (0, 360, ["economy"]),
        (360, None, ["economy", "premium", "business"]),
    ]
    assert rules.red_cabins == ["first"]
    assert rules.advance_purchase_days == 7
    assert {c.city: c.nightly_cap.amount for c in rules.hotel_caps}["Paris"] == "300.00"
    assert rules.default_hotel_cap.amount == "250.00"
    assert [v.code for v in rules.blocked_airlines] == ["NK", "FR"]
    assert [(t.over.amount, t.role) for t in rules.approval_thresholds] == [
        ("5000.00", "manager"),
        ("10000.00", "vp_finance"),
        ("15000.00", "executive"),
    ]
    assert out.route is None  # no destination asked


async def test_get_policy_route_judges_each_cabin_on_the_catalogues_flying_time(ava, gus):
    london = GetPolicyOutput.model_validate(
        await call(ava, "get_policy", destination="London")
    ).route
    assert london is not None
    found = quickest_route(("JFK",), ("LHR", "LGW"))
    assert found is not None
    # From Ava's home airport (JFK), the schedule's own flying time, not a formula.
    assert (london.origin, london.destination) == ("New York", "London")
    assert london.flying_minutes == found.flying_minutes >= 360
    assert london.airports == f"JFK→{found.destination}"
    verdicts = {str(c.cabin): c.status for c in london.cabins}
    assert verdicts == {"economy": "green", "premium": "green", "business": "green", "first": "red"}

    short = GetPolicyOutput.model_validate(
        await call(ava, "get_policy", origin="Boston", destination="New York")
    ).route
    assert short is not None
    assert short.flying_minutes < 360
    by_cabin = {str(c.cabin): c for c in short.cabins}
    assert by_cabin["premium"].status == "amber"
    assert "Premium economy" in (by_cabin["premium"].reason or "")
    assert by_cabin["economy"].status == "green"

    # Globex's policy: premium economy from 6 h, business only from 9 h.
    gus_london = GetPolicyOutput.model_validate(
        await call(gus, "get_policy", destination="LHR")
    ).route
    assert gus_london is not None
    assert 360 <= gus_london.flying_minutes < 540
    assert {str(c.cabin): c.status for c in gus_london.cabins}["business"] == "amber"
    assert {str(c.cabin): c.status for c in gus_london.cabins}["premium"] == "green"


async def test_get_policy_route_refuses_unknown_places(ava):
    with pytest.raises(ValidationFailed, match="Qwxzv"):
        await call(ava, "get_policy", destination="Qwxzv")
    same = await call(ava, "get_policy", origin="JFK", destination="LGA")
    assert "route" not in same  # two airports of one city: no flight to judge


# -- get_traveler_profile ----------------------------------------------------------------


async def test_profile_is_the_caller(ava, mia, gus):
    me = await call(ava, "get_traveler_profile")
    assert (me["user_id"], me["company"], me["home_airport"], me["home_city"]) == (
        "ava",
        "Acme Corp",
        "JFK",
        "New York",
    )
    assert me["manager"] == {"user_id": "mia", "name": "Mia"}
    assert me["can_book_for"] == []
    boss = await call(mia, "get_traveler_profile")
    assert boss["can_book_for"] == [{"user_id": "ava", "name": "Ava"}]
    other = await call(gus, "get_traveler_profile")
    assert other["company"] == "Globex"
    assert other["can_book_for"] == []


async def test_profile_shows_the_seat_preference_and_masked_numbers_only(runtime, ava, world):
    async with runtime.db.uow() as session:
        await update_profile(session, runtime.pii, AVA, "ava", ProfileChanges(
            given_name="Ava", family_name="Patel", seat_preference="aisle",
            known_traveller_number="TT4F2K9QX", loyalty={"BA": "40918263"},
            documents=[DocumentChange(issuing_country="US", number="547819302",
                                      nationality="US", expires_on="2031-06-30")],
        ), now=NOW)

    me = await call(ava, "get_traveler_profile")

    assert (me["given_name"], me["family_name"], me["seat_preference"]) == ("Ava", "Patel", "aisle")
    assert me["loyalty"] == {"BA": "•••••8263"}
    assert me["known_traveller_number"] == "•••••K9QX"
    assert me["documents"] == [{"type": "passport", "issuing_country": "US",
                                "number": "•••••9302", "expires_on": "2031-06-30"}]
    assert not {"547819302", "40918263", "TT4F2K9QX"} & set(json.dumps(me).split('"'))
    assert "547819302" not in json.dumps(me)


async def test_profile_takes_no_arguments(ava):
    with pytest.raises(ValidationFailed, match="user_id"):
        await call(ava, "get_traveler_profile", user_id="mia")


# -- list_trips / get_booking ------------------------------------------------------------


async def test_list_trips_and_get_booking(runtime, ava, mia, gus, world):
    booking_id = await held(
        runtime, AVA, flight_offer_id(world.long_inv["economy"].id), "HT-LON01-20261218-20261220"
    )
    trips = await call(ava, "list_trips")
    [trip] = trips["trips"]
    assert trip["booking_id"] == booking_id
    assert trip["status"] == "held"
    assert trip["summary"] == "BA 117 JFK→LHR Fri 18 Dec 04:00; London Grand, London 18–20 Dec"
    assert trip["total"] == {"amount": "1052.40", "currency": "USD"}
    assert trip["hold_expires_at"] == "2026-12-01T09:15:00Z"
    assert trip["places"] == ["London"]
    assert trip["flights"] == ["BA 117"]
    assert (trip["start"], trip["end"]) == ("2026-12-18", "2026-12-20")
    assert trips["more"] is False

    assert [t["booking_id"] for t in (await call(mia, "list_trips"))["trips"]] == [booking_id]
    assert (await call(ava, "list_trips", status="confirmed"))["trips"] == []
    assert (await call(gus, "list_trips"))["trips"] == []

    booking = await call(ava, "get_booking", booking_id=booking_id)
    assert booking["status"] == "held"
    assert booking["traveler"] == "Ava"
    assert [s["kind"] for s in booking["segments"]] == ["flight", "hotel"]
    assert booking["segments"][0]["flight"] == "BA 117"
    assert booking["segments"][1]["hotel"] == "London Grand"
    assert len(json.dumps(booking)) < 2048


async def test_get_booking_after_list_trips_in_the_same_turn_reads_nothing_again(
    runtime, ava, world
):
    """A question about a trip (list_trips, then get_booking of one, as the planner asks
    "what time does my flight leave?") reads the booking once a turn: the same answer, no
    round trip for the second call (issue 15). Another turn (its own memo) reads it."""
    booking_id = await held(
        runtime, AVA, flight_offer_id(world.long_inv["economy"].id), "HT-LON01-20261218-20261220"
    )
    alone = await call(ava, "get_booking", booking_id=booking_id)
    memo: dict = {}

    def in_turn():
        return ToolContext.for_call(
            runtime, AVA, thread_id="th-1", tool_call_id=f"call-{len(memo)}", turn_memo=memo
        )

    await call(in_turn(), "list_trips")
    with count_round_trips(runtime.db.engine) as seen:
        recalled = await call(in_turn(), "get_booking", booking_id=booking_id)
    assert recalled == alone
    assert seen.total == 0, str(seen)
    with count_round_trips(runtime.db.engine) as seen:
        assert await call(ava, "get_booking", booking_id=booking_id) == alone
    assert seen.total > 0


#: list_trips' statements (issue 15): the bookings (who the caller may see read in the
#: same statement since perf30, core.orgchart.visible_clause: one statement fewer), then one read
#: per table of their views (changes, passengers with their segment links in one since
#: perf33, segments, boarding passes once tickets exist, flights, hotels, disruptions,
#: virtual cards) — however many
#: trips. The caller's own name is the one authentication read (tools.views.caller_name),
#: not read again (one statement more before). SQLite's BEGIN is a statement.
LIST_TRIPS_STATEMENTS = 8 if PG_URL else 9


def _names_read(statements: list[str]) -> list[str]:
    return [s for s in statements if s.startswith("SELECT users.id, users.name FROM users")]


async def test_list_trips_statements_do_not_grow_with_the_trips_nor_read_the_callers_name(
    runtime, ava, mia, world
):
    long, short = (flight_offer_id(i["economy"].id) for i in (world.long_inv, world.short_inv))
    await held(runtime, AVA, long, "HT-LON01-20261218-20261220")
    await held(runtime, AVA, short)
    await call(ava, "list_trips")  # the airports' zones, read once a database
    with count_round_trips(runtime.db.engine) as two:
        assert len((await call(ava, "list_trips"))["trips"]) == 2
    await held(runtime, AVA, long)
    await held(runtime, AVA, short)
    with count_round_trips(runtime.db.engine) as four:
        trips = (await call(ava, "list_trips"))["trips"]
    assert len(trips) == 4
    assert {t["traveler"] for t in trips} == {"Ava"}
    assert two.kinds["statement"] == four.kinds["statement"] <= LIST_TRIPS_STATEMENTS, str(four)
    assert not _names_read(four.statements), str(four)

    # A manager's list names the reports' trips: their names are read, once.
    with count_round_trips(runtime.db.engine) as managed:
        trips = (await call(mia, "list_trips"))["trips"]
    assert {t["traveler"] for t in trips} == {"Ava"}
    assert len(_names_read(managed.statements)) == 1, str(managed)
    assert managed.kinds["statement"] <= LIST_TRIPS_STATEMENTS + 1, str(managed)


async def test_list_trips_shows_flights_and_the_stay_in_order_on_local_clocks(runtime, ava, world):
    """The hotel was asked for first, the return flight before the outbound one: the
    trip still reads out, stay, back, each time local with its offset."""
    async with runtime.db.uow() as s:
        _, back = await make_flight(
            s,
            number="178",
            origin="LHR",
            destination="JFK",
            depart_at=datetime(2026, 12, 20, 11, 0, tzinfo=UTC),
            duration_minutes=470,
        )
    booking_id = await held(
        runtime,
        AVA,
        "HT-LON01-20261218-20261220",
        flight_offer_id(back["economy"].id),
        flight_offer_id(world.long_inv["economy"].id),
    )
    [trip] = (await call(ava, "list_trips"))["trips"]
    assert trip["booking_id"] == booking_id
    assert [(leg["kind"], leg["what"], leg["starts"], leg["ends"]) for leg in trip["legs"]] == [
        ("flight", "BA 117 JFK→LHR", "2026-12-18T04:00-05:00", "2026-12-18T15:55+00:00"),
        ("hotel", "London Grand, London", "2026-12-18T15:00+00:00", "2026-12-20T11:00+00:00"),
        ("flight", "BA 178 LHR→JFK", "2026-12-20T11:00+00:00", "2026-12-20T13:50-05:00"),
    ]


async def test_another_orgs_booking_does_not_exist(runtime, gus, world):
    booking_id = await held(runtime, AVA, flight_offer_id(world.long_inv["economy"].id))
    with pytest.raises(NotFound):
        await call(gus, "get_booking", booking_id=booking_id)


async def test_list_trips_rejects_unknown_status(ava):
    with pytest.raises(ValidationFailed, match="status"):
        await call(ava, "list_trips", status="teleported")


async def test_manager_sees_report_booking_but_peer_does_not(runtime, mia, world):
    booking_id = await held(runtime, MIA, flight_offer_id(world.long_inv["economy"].id))
    # Mia's own booking: visible to Mia, not to Ava (who reports to her).
    from tests.tools.conftest import ctx_for

    with pytest.raises(NotFound):
        await call(ctx_for(runtime, AVA), "get_booking", booking_id=booking_id)
    assert (await call(mia, "get_booking", booking_id=booking_id))["booking_id"] == booking_id


async def test_search_hotels_names_the_travellers_approvers(runtime, ava, mia):
    """The amber options' approvers are resolved for the traveller, as the approval will
    be: Ava's own search names her manager Mia; Mia searching for Ava (her report) names
    Victor, since nobody approves a trip they booked (left28: before, the planner named the
    caller's manager from the profile, whoever travelled)."""
    async with runtime.db.uow() as s:
        await make_hotel(s, id="LON02", rate_minor=90000, first_night=date(2026, 12, 18))
    args = {"city": "London", "check_in": "2026-12-18", "check_out": "2026-12-20"}
    own = await call(ava, "search_hotels", **args)
    assert [o["policy"]["status"] for o in own["options"]] == ["green", "amber"]
    assert own["approvers"] == {"manager": "Mia"}
    for_ava = await call(mia, "search_hotels", **args, traveler_id="ava")
    assert for_ava["approvers"] == {"manager": "Victor"}
    mine = await call(mia, "search_hotels", **args)
    assert mine["approvers"] == {"manager": "Victor"}
