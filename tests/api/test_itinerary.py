"""GET /v1/bookings/{id}/itinerary.ics and /itinerary: the trip as a calendar file and as a
page, for whoever may read the booking and nobody else."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pytest

from tests.api.conftest import World
from tests.api.test_problems import assert_problem


async def booked_trip(client: httpx.AsyncClient, world: World) -> str:
    """Ava's confirmed JFK→LHR flight (18 Dec, 09:00 UTC) and two London nights."""
    held = await client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": world.economy_offer}, {"offer_id": world.hotel_offer}]},
        headers={**world.auth("ava"), "Idempotency-Key": "trip-1"},
    )
    assert held.status_code == 201, held.text
    booking_id = str(held.json()["booking_id"])
    confirmed = await client.post(
        f"/v1/bookings/{booking_id}/confirm",
        headers={**world.auth("ava"), "Idempotency-Key": "trip-1-confirm"},
    )
    assert confirmed.status_code == 200, confirmed.text
    return booking_id


async def test_the_calendar_file_lists_the_flight_and_the_stay(
    client: httpx.AsyncClient, seeded: World
) -> None:
    booking_id = await booked_trip(client, seeded)

    response = await client.get(
        f"/v1/bookings/{booking_id}/itinerary.ics", headers=seeded.auth("ava")
    )

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    assert f'filename="{booking_id}.ics"' in response.headers["content-disposition"]
    flight, stay = icalendar.Calendar.from_ical(response.content).events
    assert str(flight["SUMMARY"]) == "BA 117 JFK → LHR"
    # 09:00 UTC is 04:00 in New York; 6 h 55 min later it is 15:55 in London.
    assert flight.start == dt.datetime(2026, 12, 18, 4, 0, tzinfo=ZoneInfo("America/New_York"))
    assert flight.end == dt.datetime(2026, 12, 18, 15, 55, tzinfo=ZoneInfo("Europe/London"))
    assert stay.start == dt.datetime(2026, 12, 18, 15, 0, tzinfo=ZoneInfo("Europe/London"))
    booking = (await client.get(f"/v1/bookings/{booking_id}", headers=seeded.auth("ava"))).json()
    assert f"Record locator: {booking['segments'][0]['locator']}" in str(flight["DESCRIPTION"])


async def test_the_page_is_html_with_local_times_and_no_script(
    client: httpx.AsyncClient, seeded: World
) -> None:
    booking_id = await booked_trip(client, seeded)

    response = await client.get(f"/v1/bookings/{booking_id}/itinerary", headers=seeded.auth("ava"))

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert f"Itinerary {booking_id}" in response.text
    assert "Fri 18 Dec 2026, 04:00 EST (UTC-05:00)" in response.text
    assert "<script" not in response.text


async def test_the_manager_reads_a_reports_itinerary(
    client: httpx.AsyncClient, seeded: World
) -> None:
    booking_id = await booked_trip(client, seeded)
    for path in ("itinerary.ics", "itinerary"):
        response = await client.get(f"/v1/bookings/{booking_id}/{path}", headers=seeded.auth("mia"))
        assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", ["itinerary.ics", "itinerary"])
async def test_another_organization_gets_404(
    client: httpx.AsyncClient, seeded: World, path: str
) -> None:
    booking_id = await booked_trip(client, seeded)
    theirs = await client.get(f"/v1/bookings/{booking_id}/{path}", headers=seeded.auth("gus"))
    nobodys = await client.get(f"/v1/bookings/BK-NOSUCH/{path}", headers=seeded.auth("ava"))
    assert_problem(theirs, 404, "NOT_FOUND")
    assert_problem(nobodys, 404, "NOT_FOUND")
    # The same answer as for a booking that does not exist: nothing is revealed.
    assert theirs.json()["detail"] == nobodys.json()["detail"].replace("BK-NOSUCH", booking_id)


async def test_the_trips_list_shows_local_times_with_their_offsets(
    client: httpx.AsyncClient, seeded: World
) -> None:
    booking_id = await booked_trip(client, seeded)
    listing = (await client.get("/v1/bookings", headers=seeded.auth("ava"))).json()
    [trip] = [b for b in listing["bookings"] if b["booking_id"] == booking_id]
    flight, stay = trip["segments"]
    assert (flight["depart_local"], flight["arrive_local"]) == (
        "2026-12-18T04:00:00-05:00",
        "2026-12-18T15:55:00+00:00",
    )
    assert (stay["check_in_from"], stay["check_out_by"]) == (
        "2026-12-18T15:00:00+00:00",
        "2026-12-20T11:00:00+00:00",
    )
