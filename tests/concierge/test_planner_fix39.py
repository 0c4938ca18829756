"""Guards for the held-out batch 38/39 gaps closed by fix39 (now = Tue 1 Dec 2026, world
"trips": ava's London trip BA 19 / Holiday Inn Express London Tower Bridge 15-18 Dec / BA 18,
and her Paris request waiting for Mia):

- team_trips: a question about a colleague's trip naming them ("when's ava back from
  london?", "who is Ava's Paris trip waiting on?") is about their booked trips, not a
  search ("when's" as "when is"; "waiting on/for" asks the open step);
- own_trips: "ticket number for my flight home" with no question word still asks for
  one's own e-ticket (a ticket number, like a booking reference, exists only for a
  booking made);
- own_trips_detail: "adress" is "address" (an intent keyword, one typo away);
- hotel_alternative_search: "anything cheaper than my current London hotel for the same
  nights?" searches that city on the booked nights, under the booked nightly rate;
- confirm_phrase: "yes, cancel everything" at a cancellation is a yes.

Every phrasing here is a guard, written after the fix (the held-out cases themselves are
tests/concierge/heldout/batch_38.yaml and batch_39.yaml). First try, run once after the
fix on fix39 (pytest -n 0 tests/concierge/test_planner_fix39.py, 05:44 UTC): 10/11 —
team_trips 2/2, own_trips 2/2, own_trips_detail 1/2, hotel_alternative_search 3/3,
confirm_phrase 2/2. "hotel adress in london?" (no "my", no "the ... hotel") was read as a
hotel search; closed since: the address of a hotel, asked with no option and nobody
else named, is the booked hotel's (intents._asks_about_a_trip).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.concierge.heldout.harness import (
    Case,
    World,
    case_params,
    dialogue,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("trips")

_NO_SEARCH = ["search_flights", "search_hotels", "reserve"]


def _london_stay() -> dict[str, Any]:
    return {
        "tool": "search_hotels",
        "args": {"city": "london", "check_in": "2026-12-15", "check_out": "2026-12-18"},
    }


# guard, written after the fix
CASES: list[tuple[str, Case]] = [
    (
        "team_trips",
        dialogue(
            "when's ava flying out to london?",
            world="trips",
            user="mia",
            tools_exclude=_NO_SEARCH,
            nothing_changed=True,
            reply_contains_any=[["22:30", "10:30"]],
        ),
    ),
    (
        "team_trips",
        dialogue(
            "who's Ava's Paris booking waiting on?",
            world="trips",
            user="victor",
            tools_exclude=_NO_SEARCH,
            nothing_changed=True,
            pending="none",
            reply_contains=["Mia"],
        ),
    ),
    (
        "own_trips",
        dialogue(
            "e-ticket no. for the london flight out pls",
            world="trips",
            tools_exclude=_NO_SEARCH,
            nothing_changed=True,
            reply_contains=["1252000000010"],
        ),
    ),
    (
        "own_trips",
        dialogue(
            "need my ticket number for the flight back from London",
            world="trips",
            tools_exclude=_NO_SEARCH,
            nothing_changed=True,
            reply_contains=["1252000000030"],
        ),
    ),
    (
        "own_trips_detail",
        dialogue(
            "hotel adress in london?",
            world="trips",
            tools_exclude=_NO_SEARCH,
            nothing_changed=True,
            reply_contains=["Pepys"],
        ),
    ),
    (
        "own_trips_detail",
        dialogue(
            "what's the addres of the london hotel again",
            world="trips",
            tools_exclude=_NO_SEARCH,
            nothing_changed=True,
            reply_contains=["Pepys"],
        ),
    ),
    (
        "hotel_alternative_search",
        dialogue(
            "can you find something cheaper than my booked hotel in London?",
            world="trips",
            calls=[_london_stay()],
            nothing_changed=True,
        ),
    ),
    (
        "hotel_alternative_search",
        dialogue(
            "my london hotel is a bit steep - any cheaper places for the same dates?",
            world="trips",
            calls=[_london_stay()],
            nothing_changed=True,
        ),
    ),
    (
        "hotel_alternative_search",
        dialogue(
            "is there a cheaper hotel than Ava's current one in london, same nights?",
            world="trips",
            user="mia",
            calls=[_london_stay()],
            nothing_changed=True,
        ),
    ),
    (
        "confirm_phrase",
        dialogue(
            ("cancel my paris trip please", {"pending": "cancel_booking"}),
            "yep, cancel the whole thing",
            world="trips",
            booking_status={"paris": "cancelled", "london": "confirmed"},
        ),
    ),
    (
        "confirm_phrase",
        dialogue(
            ("I have to cancel the London booking", {"pending": "cancel_booking"}),
            "ok cancel it all",
            world="trips",
            booking_status={"london": "cancelled", "paris": "pending_approval"},
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_fix39_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Any) -> None:
    await runs_as_expected(case, worlds, tmp_path)
