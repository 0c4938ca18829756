"""GET /v1/trips and /v1/trips/{id}: one view per booking (local times with the day
marker, locators, seats, policy, the hold in words, payment and refund, the actions
allowed now), "My trips" apart from a manager's "Team trips", nobody else's trip; and
the trip's calendar file read back with icalendar."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pytest

from core.clock import FrozenClock
from core.runtime import Runtime
from core.trips import in_words
from tests.api.conftest import World
from tests.api.test_problems import assert_problem
from tests.factories import T0, make_flight

A = World.auth


async def _overnight_offer(runtime: Runtime) -> tuple[str, dt.datetime]:
    """BA 179 JFK → LHR leaving 18:30 in New York (23:30 UTC) 17 days out, landing
    06:25 in London the next day."""
    leaves = dt.datetime.combine(T0.date() + dt.timedelta(days=17), dt.time(23, 30), dt.UTC)
    async with runtime.db.uow() as session:
        _, inv = await make_flight(session, number="179", depart_at=leaves)
        return f"FL-{inv['economy'].id}", leaves


async def _hold(client: httpx.AsyncClient, key: str, *offers: str, who: str = "ava") -> str:
    held = await client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": o} for o in offers]},
        headers={**A(who), "Idempotency-Key": key},
    )
    assert held.status_code == 201, held.text
    return str(held.json()["booking_id"])


async def _confirm(client: httpx.AsyncClient, booking_id: str, who: str = "ava") -> Any:
    answer = await client.post(
        f"/v1/bookings/{booking_id}/confirm",
        headers={**A(who), "Idempotency-Key": f"{booking_id}-confirm"},
    )
    assert answer.status_code in (200, 202), answer.text
    return answer.json()


async def _trip(client: httpx.AsyncClient, booking_id: str, who: str = "ava") -> Any:
    response = await client.get(f"/v1/trips/{booking_id}", headers=A(who))
    assert response.status_code == 200, response.text
    return response.json()


def _actions(trip: dict[str, Any]) -> list[str]:
    return [a["action"] for a in trip["actions"]]


async def test_a_held_trip_shows_flight_and_hotel_on_local_clocks_with_the_hold_in_words(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime
) -> None:
    overnight, _ = await _overnight_offer(runtime)
    booking_id = await _hold(client, "tv-1", overnight, seeded.hotel_offer)

    trip = await _trip(client, booking_id)

    assert trip["status"] == "held"
    assert trip["whose"] == "mine"
    assert trip["title"] == "New York → London"
    # In time order: the room is ready (15:00 in London) before the flight leaves.
    stay, flight = trip["entries"]
    # 23:30 UTC is 18:30 in New York; 6 h 55 min later it is 06:25 the next day in London.
    assert (flight["start"], flight["end"]) == (
        "2026-12-18T18:30:00-05:00",
        "2026-12-19T06:25:00+00:00",
    )
    assert flight["day_marker"] == "+1"
    assert flight["arrives_days_later"] == 1
    assert flight["origin"]["tz"] == "America/New_York"
    assert (stay["kind"], stay["start"]) == ("hotel", "2026-12-18T15:00:00+00:00")
    assert flight["passengers"][0]["name"]
    # 15 minutes of hold, said in words; never a clock.
    assert trip["hold"]["seconds_left"] == runtime.settings.hold_ttl_seconds
    assert trip["hold"]["text"] == f"Hold expires in {in_words(runtime.settings.hold_ttl_seconds)}"
    assert ":" not in trip["hold"]["text"]
    assert trip["payment"] == {"state": "not_charged", "text": "Not charged yet"}
    assert trip["total_text"].endswith(" USD")
    assert "," in trip["total_text"]
    assert trip["policy"]["status"] in ("green", "amber")
    actions = _actions(trip)
    assert {"cancel", "choose_seats", "add_to_calendar"} <= set(actions)
    # Not yet paid: nothing to change or check in.
    assert "change_flight" not in actions
    assert "check_in" not in actions


async def test_the_same_day_flight_has_no_day_marker(
    client: httpx.AsyncClient, seeded: World
) -> None:
    booking_id = await _hold(client, "tv-same", seeded.economy_offer)
    [flight] = (await _trip(client, booking_id))["entries"]
    assert flight["arrives_days_later"] == 0
    assert "day_marker" not in flight


async def test_an_expired_hold_offers_no_action_that_changes_it(
    client: httpx.AsyncClient, seeded: World, clock: FrozenClock
) -> None:
    booking_id = await _hold(client, "tv-exp", seeded.economy_offer)
    clock.advance(hours=1)
    trip = await _trip(client, booking_id)
    assert trip["hold"]["text"] == "Hold expired"
    assert set(_actions(trip)) <= {"add_to_calendar", "itinerary"}


async def test_a_trip_waiting_for_approval_is_held_for_days_said_in_days(
    client: httpx.AsyncClient, seeded: World
) -> None:
    # Business on a flight under 6 h is amber for Acme: the manager must approve.
    booking_id = await _hold(client, "tv-amber", seeded.business_offer)
    asked = await _confirm(client, booking_id)
    assert asked["status"] == "pending_approval"

    trip = await _trip(client, booking_id)

    assert trip["status_text"] == "Waiting for approval"
    assert trip["hold"]["text"] == "Hold expires in 2 days"  # 48 h, not "47h 59:59"
    assert trip["policy"]["status"] == "amber"
    assert trip["policy"]["reasons"]
    assert trip["approval_id"] == asked["approval_id"]
    assert "cancel" in _actions(trip)


async def test_a_rejected_trip_says_who_rejected_it_and_why(
    client: httpx.AsyncClient, seeded: World
) -> None:
    booking_id = await _hold(client, "tv-rejected", seeded.business_offer)
    asked = await _confirm(client, booking_id)
    assert "outcome" not in await _trip(client, booking_id)  # still waiting
    decided = await client.post(
        f"/v1/approvals/{asked['approval_id']}/decision",
        json={"decision": "reject", "note": "Economy is fine for 2 hours"},
        headers={**World.auth("mia"), "Idempotency-Key": "tv-rejected-decision"},
    )
    assert decided.status_code == 200, decided.text

    trip = await _trip(client, booking_id)

    assert trip["status_text"] == "Cancelled"
    assert trip["outcome"] == "Rejected by Mia: “Economy is fine for 2 hours”"  # her name here
    assert (await _trip(client, booking_id, who="mia"))["outcome"] == trip["outcome"]


async def test_a_confirmed_trip_shows_locators_payment_and_check_in_only_in_its_window(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime, clock: FrozenClock
) -> None:
    overnight, leaves = await _overnight_offer(runtime)
    booking_id = await _hold(client, "tv-conf", overnight)
    assert (await _confirm(client, booking_id))["status"] == "confirmed"

    trip = await _trip(client, booking_id)

    [flight] = trip["entries"]
    assert flight["locator"]
    assert "hold" not in trip
    assert trip["payment"]["state"] == "paid"
    assert trip["payment"]["text"] == f"Paid {trip['total_text']}"
    actions = _actions(trip)
    assert "check_in" not in actions  # 17 days before: check-in is not open
    assert flight["check_in"]["open"] is False
    # It opens 24 h before 18:30 in New York, and the trip says so on New York's clock.
    assert flight["check_in"]["opens_local"] == "2026-12-17T18:30:00-05:00"
    assert flight["check_in"]["closes_local"] == "2026-12-18T17:30:00-05:00"
    change = next(a for a in trip["actions"] if a["action"] == "change_flight")
    assert (change["segment_id"], change["date"]) == (flight["segment_id"], "2026-12-18")

    clock.set(leaves - dt.timedelta(hours=3))
    trip = await _trip(client, booking_id)
    assert trip["entries"][0]["check_in"]["open"] is True
    check_in = next(a for a in trip["actions"] if a["action"] == "check_in")
    assert check_in["segment_id"] == flight["segment_id"]


async def test_a_cancelled_trip_offers_no_cancel_and_says_the_refund(
    client: httpx.AsyncClient, seeded: World
) -> None:
    booking_id = await _hold(client, "tv-cancel", seeded.hotel_offer)
    assert (await _confirm(client, booking_id))["status"] == "confirmed"
    cancelled = await client.post(
        f"/v1/bookings/{booking_id}/cancel",
        headers={**A("ava"), "Idempotency-Key": "tv-cancel-c"},
    )
    assert cancelled.status_code == 200, cancelled.text

    trip = await _trip(client, booking_id)

    assert trip["status"] == "cancelled"
    actions = _actions(trip)
    assert "cancel" not in actions
    assert "change_flight" not in actions
    assert "choose_seats" not in actions
    # The hotel is refundable: every cent is back, and the trip says so.
    assert trip["payment"]["state"] == "refunded"
    assert trip["payment"]["text"] == f"Refunded {trip['total_text']}"
    assert trip["payment"]["refunded"] == trip["total"]


async def test_my_trips_and_team_trips_never_mix(
    client: httpx.AsyncClient, seeded: World
) -> None:
    avas = await _hold(client, "tv-team-ava", seeded.economy_offer)
    mias = await _hold(client, "tv-team-mia", seeded.hotel_offer, who="mia")

    mine = (await client.get("/v1/trips", headers=A("mia"))).json()
    team = (await client.get("/v1/trips?scope=team", headers=A("mia"))).json()

    assert [t["booking_id"] for t in mine["trips"]] == [mias]
    assert [t["booking_id"] for t in team["trips"]] == [avas]
    assert mine["has_team"] is True
    assert team["trips"][0]["whose"] == "team"
    assert team["trips"][0]["traveler"]["id"] == "ava"
    # The manager may act for her report: the same gate decides.
    assert "cancel" in _actions(team["trips"][0])
    # Ava sees only her own; she has no team.
    ava = (await client.get("/v1/trips", headers=A("ava"))).json()
    assert [t["booking_id"] for t in ava["trips"]] == [avas]
    assert ava["has_team"] is False
    assert_problem(await client.get("/v1/trips?scope=team", headers=A("ava")), 403, "FORBIDDEN")


async def test_a_trip_booked_by_the_manager_for_her_report_is_a_team_trip(
    client: httpx.AsyncClient, seeded: World
) -> None:
    held = await client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": seeded.economy_offer}], "traveler_id": "ava"},
        headers={**A("mia"), "Idempotency-Key": "tv-for-ava"},
    )
    assert held.status_code == 201, held.text
    booking_id = held.json()["booking_id"]
    mine = (await client.get("/v1/trips", headers=A("mia"))).json()
    team = (await client.get("/v1/trips?scope=team", headers=A("mia"))).json()
    assert booking_id not in [t["booking_id"] for t in mine["trips"]]
    [trip] = team["trips"]
    assert trip["booked_by"] == {"id": "mia", "name": trip["booked_by"]["name"]}
    ava = (await client.get("/v1/trips", headers=A("ava"))).json()
    assert [t["booking_id"] for t in ava["trips"]] == [booking_id]


async def test_someone_elses_trip_is_404(client: httpx.AsyncClient, seeded: World) -> None:
    avas = await _hold(client, "tv-404", seeded.economy_offer)
    mias = await _hold(client, "tv-404-mia", seeded.hotel_offer, who="mia")

    theirs = await client.get(f"/v1/trips/{avas}", headers=A("gus"))
    bosses = await client.get(f"/v1/trips/{mias}", headers=A("ava"))  # her manager's
    nobodys = await client.get("/v1/trips/BK-NOSUCH", headers=A("ava"))

    for response in (theirs, bosses, nobodys):
        assert_problem(response, 404, "NOT_FOUND")
    assert theirs.json()["detail"] == nobodys.json()["detail"].replace("BK-NOSUCH", avas)
    assert (await client.get("/v1/trips", headers=A("gus"))).json()["trips"] == []


@pytest.mark.parametrize(
    "query", ["scope=everyone", "limit=0", "limit=101", "cursor=%%%", "scope=team&limit=x"]
)
async def test_bad_list_queries_are_problems(
    client: httpx.AsyncClient, seeded: World, query: str
) -> None:
    response = await client.get(f"/v1/trips?{query}", headers=A("mia"))
    assert_problem(response, 422, "VALIDATION_ERROR")


async def test_the_calendar_file_reads_back_on_local_clocks_with_their_zones(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime
) -> None:
    overnight, _ = await _overnight_offer(runtime)
    booking_id = await _hold(client, "tv-ics", overnight, seeded.hotel_offer)
    trip = await _trip(client, booking_id)
    calendar_href = next(a["href"] for a in trip["actions"] if a["action"] == "add_to_calendar")

    response = await client.get(calendar_href, headers=A("ava"))

    assert response.status_code == 200, response.text
    calendar = icalendar.Calendar.from_ical(response.content)
    stay, flight = calendar.events
    assert flight["DTSTART"].params["TZID"] == "America/New_York"
    assert flight["DTEND"].params["TZID"] == "Europe/London"
    assert flight.start == dt.datetime(2026, 12, 18, 18, 30, tzinfo=ZoneInfo("America/New_York"))
    assert flight.end == dt.datetime(2026, 12, 19, 6, 25, tzinfo=ZoneInfo("Europe/London"))
    assert stay.start == dt.datetime(2026, 12, 18, 15, 0, tzinfo=ZoneInfo("Europe/London"))
    zones = {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")}
    assert zones == {"America/New_York", "Europe/London"}
    assert str(flight["STATUS"]) == "TENTATIVE"  # held, not booked yet
    # Others: as for the trip.
    assert_problem(await client.get(calendar_href, headers=A("gus")), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (30, "less than a minute"),
        (60, "1 minute"),
        (15 * 60, "15 minutes"),
        (3 * 3600, "3 hours"),
        (47 * 3600 + 59 * 60 + 59, "2 days"),
        (26 * 3600, "26 hours"),
        (5 * 86400, "5 days"),
    ],
)
def test_spans_are_said_in_words(seconds: int, words: str) -> None:
    assert in_words(seconds) == words


async def test_trips_are_paged_newest_first(
    client: httpx.AsyncClient, seeded: World, clock: FrozenClock
) -> None:
    held = []
    for i in range(3):
        held.append(await _hold(client, f"tv-page-{i}", seeded.economy_offer))
        clock.advance(seconds=1)

    first = (await client.get("/v1/trips?limit=2", headers=A("ava"))).json()
    second = (
        await client.get(f"/v1/trips?limit=2&cursor={first['next_cursor']}", headers=A("ava"))
    ).json()

    assert [t["booking_id"] for t in first["trips"]] == held[:0:-1]
    assert [t["booking_id"] for t in second["trips"]] == held[:1]
    assert second["next_cursor"] is None
