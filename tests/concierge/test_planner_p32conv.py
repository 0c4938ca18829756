"""Blind probe p32conv: whole conversations of two to five turns on the web chat.

Written from the user's side before reading the planner or its tests (harness.py, the
held-out README's top and batch_60's header read for the format and the worlds' facts):
new trips (one way, round trips, flight + hotel), follow-ups after the first answer
("anything earlier?", "what about Friday instead", "only nonstop please", "anything
cheaper?", "what about the day after?"), picks (by number, time, airline, "the
cheapest", "the earliest of those", one per direction, "both, the first of each"), the
yes/no at the confirmation as people type it (a yes with a remark, a no that asks for
another option, "no thanks, not now"), a question about one's own trip in the middle of
a booking, corrections ("sorry, I meant Newark", "make it 2 of us", "make that 2 seats",
"actually make it 15 to 17"). Users ava (most), gus, mia, fin, victor; world empty, trips
for three.

Every date, route, option order, time, carrier and hotel named below was checked with
the real tools at the frozen clock (Tue 2026-12-01 09:00 UTC), outside the repo
(/tmp/p32conv/explore.py calling search_flights / search_hotels directly, never the
planner): e.g. New York→Chicago 10 Dec after 12:00 earliest UA 1169 12:20; JFK→ATL 15 Dec
2nd B6 1006; BOS→ORD 11 Dec AA 1049 06:10; New York→Miami 17 Dec JetBlue B6 1053, cheapest
green AA 1137 212.10 (Spirit 178.70 red); ORD→ATL 16 Dec cheapest DL 1034; New
York⇄Chicago 14/16 Dec out 1st AA 1141, back 2nd AA 1172; New York⇄Boston 9/11 Dec 1st
B6 1016 and B6 1027; London→Paris 15 Dec 1st BA 1049, citizenM Paris Saint-Germain
15–18; New York→Atlanta 15 Dec 1st AA 1010; Paris→London 18 Dec before noon AF 1023
09:10; JFK→Chicago 14 Dec 1st UA 1149, 2nd B6 1057; New York→Boston 21 Dec 1st DL 1060,
earliest shown DL 1064 06:10; New York→ORD 9 Dec 1st AA 1141; Boston hotels 14–16 1st
Novotel Boston Downtown; New York⇄Chicago 14/17 Dec DL 1171 08:55 and DL 1174 18:35;
Chicago hotels 14–16 1st citizenM Chicago O'Hare; BOS→ORD 14 Dec 1st UA 1027; Madrid
hotels 21–23 1st Holiday Inn Express Madrid Chamartin. All of these dates are 7+ days
ahead (green, so a yes confirms).

First try 29/35 at 03:44 UTC (main at 7473ffc, `python -m pytest -q -n 2
tests/concierge/test_planner_p32conv.py`); no expectation corrected. Failed: "anything
cheaper?" not understood; "make that 2 seats" at the confirmation; "the cheapest" and "the
earliest of those" as picks; a yes with a remark ("yes please, and thanks…", "go for it,
I'll sort the expenses later").

Three of those failures were invalid expectations, corrected after the first run (words of
the messages kept): with two seats the product asks who is flying before it confirms (a
name on each seat; not known when the cases were written), so "make that 2 seats" at the
confirmation now expects the 2-seat hold and the question for names, and "the cheapest" /
"the earliest of those" for two each get a turn naming the second traveller ("me and Sam
Ortiz", "me and Fin") before the yes. Picking itself passed in all three: 32/35 once
corrected, 3 known gaps (cheaper, the two yeses with a remark).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from concierge.planner.nlu import answers
from concierge.planner.nlu.intents import understand
from tests.concierge.heldout.harness import (
    NOW,
    Case,
    World,
    case_params,
    dialogue,
    flight_search,
    flight_segment,
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")

HELD: dict[str, Any] = {"pending": "confirm_booking"}
NO_BOOK = ["reserve", "confirm_booking"]
# Two seats held: the airline needs a name on each before the booking is confirmed.
ASKS_NAMES: dict[str, Any] = {
    "new_status": "held",
    "reply_contains_any": [["who's flying", "name"]],
}


def _booked(*segments: dict[str, Any]) -> dict[str, Any]:
    return {"new_status": "confirmed", "pending": "none", "segments": list(segments)}


def _hotel(name: str, check_in: str, check_out: str) -> dict[str, Any]:
    return {"kind": "hotel", "hotel": name, "check_in": check_in, "check_out": check_out}


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ follow-ups
    (
        "earlier",
        dialogue(
            "flights from new york to chicago on dec 10, afternoon please",
            "anything earlier?",
            calls=[flight_search("new york", "chicago", "2026-12-10")],
            options={"depart_before": "12:20"},
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "instead_day",
        dialogue(
            "JFK to Boston Thursday 10th",
            "what about Friday instead",
            calls=[flight_search("JFK", "boston", "2026-12-11")],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "nonstop",
        dialogue(
            "London to Paris on 16/12 please",
            "only nonstop please",
            calls=[flight_search("london", "paris", "2026-12-16", max_stops=0)],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "cheaper",
        dialogue(
            "NY to Miami Dec 17",
            "anything cheaper?",
            tools_exclude=NO_BOOK,
            nothing_changed=True,
            reply_contains_any=[["212.10", "178.70"]],
        ),
    ),
    (
        "day_after",
        dialogue(
            "LHR to MAD 16/12",
            "what about the day after?",
            calls=[flight_search("LHR", "madrid", "2026-12-17")],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "morning_only",
        dialogue(
            "ORD to Miami Wednesday the 9th",
            "only morning ones",
            user="gus",
            calls=[flight_search("ORD", "miami", "2026-12-09")],
            options={"depart_before": "12:00"},
        ),
    ),
    (
        "evening",
        dialogue(
            "one way London to Dublin 12 Dec",
            "anything in the evening?",
            calls=[flight_search("london", "dublin", "2026-12-12")],
            options={"depart_after": "17:00"},
        ),
    ),
    (
        "after_6pm_victor",
        dialogue(
            "NY to London Jan 4, business class",
            "anything that leaves after 6pm?",
            user="victor",
            calls=[flight_search("new york", "london", "2027-01-04", cabin="business")],
            options={"depart_after": "18:00"},
        ),
    ),
    (
        "the_10th_mia",
        dialogue(
            "flights from new york to SF on Dec 9th",
            "what about the 10th?",
            user="mia",
            calls=[flight_search("new york", "san francisco", "2026-12-10")],
        ),
    ),
    (
        "rt_nonstop",
        dialogue(
            "NYC to London Jan 5, back Jan 9",
            "only nonstop",
            calls=[
                flight_search("new york", "london", "2027-01-05", max_stops=0),
                flight_search("london", "new york", "2027-01-09", max_stops=0),
            ],
        ),
    ),
    (
        "date_later",
        dialogue(
            "I need to go to Boston",
            "thursday the 10th",
            calls=[flight_search("new york", "boston", "2026-12-10")],
        ),
    ),
    (
        "trip_in_two",
        dialogue(
            "Need to plan a Chicago trip",
            "fly out of NY Dec 14, home Dec 16, and a hotel for those nights",
            calls=[
                flight_search("new york", "chicago", "2026-12-14"),
                flight_search("chicago", "new york", "2026-12-16"),
                hotel_search("chicago", "2026-12-14", "2026-12-16"),
            ],
        ),
    ),
    # ------------------------------------------------------------ corrections
    (
        "meant_newark",
        dialogue(
            "flights from JFK to Miami Dec 18",
            "sorry, I meant Newark",
            calls=[flight_search("EWR", "miami", "2026-12-18")],
        ),
    ),
    (
        "two_of_us",
        dialogue(
            "Boston to Atlanta Dec 10",
            "make it 2 of us",
            calls=[flight_search("boston", "atlanta", "2026-12-10", passengers=2)],
        ),
    ),
    (
        "hotel_dates",
        dialogue(
            "Hotel in Paris from 14 to 17 December",
            "actually make it 15 to 17",
            calls=[hotel_search("paris", "2026-12-15", "2026-12-17")],
        ),
    ),
    (
        "two_seats_held",
        dialogue(
            "NYC to ORD dec 9",
            ("1", HELD),
            "actually sorry, make that 2 seats",
            pending="none",
            not_new_status="confirmed",
            reply_contains_any=[["who's flying", "name"]],
            segments=[flight_segment("AA 1141", "EWR", "ORD", "2026-12-09", passengers=2)],
        ),
    ),
    (
        "thursday_held",
        dialogue(
            "NY to Chicago Tue 8 Dec",
            ("1", HELD),
            "hmm, what about Thursday instead?",
            calls=[flight_search("new york", "chicago", "2026-12-10")],
            not_new_status="confirmed",
        ),
    ),
    # ------------------------------------------------------------ picks + yes
    (
        "pick_number",
        dialogue(
            "JFK to ATL 15 dec",
            ("2", HELD),
            "yes",
            **_booked(flight_segment("B6 1006", "JFK", "ATL", "2026-12-15")),
        ),
    ),
    (
        "pick_time",
        dialogue(
            "Boston to Chicago on the 11th of December",
            ("the 6:10 one", HELD),
            "yep go ahead",
            **_booked(flight_segment("AA 1049", "BOS", "ORD", "2026-12-11")),
        ),
    ),
    (
        "pick_airline",
        dialogue(
            "NY to Miami Dec 17",
            ("the jetblue one", HELD),
            "sure",
            **_booked(flight_segment("B6 1053", "JFK", "MIA", "2026-12-17")),
        ),
    ),
    (
        "pick_cheapest_gus",
        dialogue(
            "ORD to ATL 12/16",
            ("the cheapest one please", HELD),
            "yes",
            user="gus",
            **_booked(flight_segment("DL 1034", "ORD", "ATL", "2026-12-16")),
        ),
    ),
    (
        "rt_one_each",
        dialogue(
            "round trip NYC to Chicago, out Dec 14 back Dec 16",
            ("1 out and 2 back", HELD),
            "Yes — book them.",
            **_booked(
                flight_segment("AA 1141", "EWR", "ORD", "2026-12-14"),
                flight_segment("AA 1172", "ORD", "JFK", "2026-12-16"),
            ),
        ),
    ),
    (
        "rt_first_of_each",
        dialogue(
            "NYC to Boston Dec 9, returning Dec 11",
            ("the first of each", HELD),
            "ok",
            **_booked(
                flight_segment("B6 1016", "EWR", "BOS", "2026-12-09"),
                flight_segment("B6 1027", "BOS", "LGA", "2026-12-11"),
            ),
        ),
    ),
    (
        "rt_by_times",
        dialogue(
            "NY to Chicago Dec 14 returning Dec 17",
            ("the 8:55 out and the 6:35pm back", HELD),
            "ok do it",
            **_booked(
                flight_segment("DL 1171", "LGA", "ORD", "2026-12-14"),
                flight_segment("DL 1174", "ORD", "LGA", "2026-12-17"),
            ),
        ),
    ),
    (
        "flight_hotel",
        dialogue(
            "London to Paris on 15 Dec, and a hotel there until the 18th",
            ("the first flight and the citizenM", HELD),
            "yes",
            **_booked(
                flight_segment("BA 1049", "LHR", "ORY", "2026-12-15"),
                _hotel("citizenM Paris Saint-Germain", "2026-12-15", "2026-12-18"),
            ),
        ),
    ),
    (
        "flight_hotel_both",
        dialogue(
            "flight from Boston to Chicago Dec 14 and a hotel for two nights",
            ("both, the first of each", HELD),
            "yes thanks, that's perfect",
            **_booked(
                flight_segment("UA 1027", "BOS", "ORD", "2026-12-14"),
                _hotel("citizenM Chicago O'Hare", "2026-12-14", "2026-12-16"),
            ),
        ),
    ),
    (
        "yes_with_remark",
        dialogue(
            "NY to Atlanta Dec 15",
            ("1", HELD),
            "yes please, and thanks for being so quick!",
            **_booked(flight_segment("AA 1010", "JFK", "ATL", "2026-12-15")),
        ),
    ),
    (
        "yes_expenses_mia",
        dialogue(
            "Paris to London Dec 18, before noon",
            ("the 9:10 one", HELD),
            "go for it, I'll sort the expenses later",
            user="mia",
            **_booked(flight_segment("AF 1023", "CDG", "LHR", "2026-12-18")),
        ),
    ),
    (
        "two_seats_cheapest",
        dialogue(
            "2 seats NYC to Atlanta dec 15",
            ("the cheapest", ASKS_NAMES),
            ("me and Sam Ortiz", HELD),
            "yes please",
            **_booked(flight_segment("AA 1010", "JFK", "ATL", "2026-12-15", passengers=2)),
        ),
    ),
    (
        "hotel_fin",
        dialogue(
            "hotel in Boston Dec 14 to 16",
            ("1", HELD),
            "Yep, that's fine",
            user="fin",
            **_booked(_hotel("Novotel Boston Downtown", "2026-12-14", "2026-12-16")),
        ),
    ),
    (
        "earliest_victor",
        dialogue(
            "New York to Boston Dec 21, 2 of us",
            ("the earliest of those", ASKS_NAMES),
            ("me and Fin", HELD),
            "confirm",
            user="victor",
            **_booked(flight_segment("DL 1064", "LGA", "BOS", "2026-12-21", passengers=2)),
        ),
    ),
    # ------------------------------------------------------------ no at the confirmation
    (
        "no_other_option",
        dialogue(
            "JFK to Chicago 14 Dec",
            ("1", HELD),
            "no, can I have the second one instead?",
            pending="confirm_booking",
            not_new_status="confirmed",
            segments=[flight_segment("B6 1057", "JFK", "ORD", "2026-12-14")],
        ),
    ),
    (
        "no_not_now",
        dialogue(
            "JFK-BOS Dec 10",
            ("2", HELD),
            "no thanks, not now",
            pending="none",
            new_status="held",
            reply_not_contains=["Booked!"],
            segments=[flight_segment("AA 1038", "JFK", "BOS", "2026-12-10")],
        ),
    ),
    # ------------------------------------------------------------ own trip mid-booking
    (
        "own_trip_mid",
        dialogue(
            "NY to Boston Dec 21",
            (
                "wait, what time does my London flight leave again?",
                {"reply_contains_any": [["22:30", "10:30"]], "tools_exclude": NO_BOOK},
            ),
            ("ok, the first one", HELD),
            "yes",
            world="trips",
            booking_status={"london": "confirmed"},
            **_booked(flight_segment("DL 1060", "JFK", "BOS", "2026-12-21")),
        ),
    ),
    (
        "approval_mid",
        dialogue(
            "hotel in Madrid 21-23 dec",
            (
                "is my paris trip approved yet?",
                {
                    "reply_contains_any": [["waiting", "pending", "not yet", "awaiting"]],
                    "tools_exclude": NO_BOOK,
                },
            ),
            ("ok book the first one", HELD),
            "yes go ahead",
            world="trips",
            booking_status={"paris": "pending_approval"},
            **_booked(_hotel("Holiday Inn Express Madrid Chamartin", "2026-12-21", "2026-12-23")),
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_p32conv(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# The two mechanisms, on wordings of the same classes beside the conversations' own.
@pytest.mark.parametrize(
    ("said", "yes"),
    [
        ("yes please, and thanks for being so quick!", True),
        ("go for it, I'll sort the expenses later", True),
        ("yes, thanks for sorting this out so fast", True),
        ("book it — you're a star", True),
        ("yep, I'll expense it", True),
        ("yes, and find me a hotel too", False),  # a request of its own, not a remark
        ("yes but thanks for nothing", False),
        ("great, thanks so much for your help 🙏", False),  # praise and thanks: no yes
        ("yes, I'll sort the expenses — in business though", False),
    ],
)
def test_yes_with_a_remark(said: str, yes: bool) -> None:
    assert (answers.classify(said).answer == answers.Answer.YES) is yes


@pytest.mark.parametrize(
    ("said", "cheaper"),
    [
        ("anything cheaper?", True),
        ("any cheaper ones?", True),
        ("hmm, is there anything a bit cheaper?", True),
        ("can you find something cheaper please", True),
        ("the cheaper one", False),  # a pick among those shown
        ("is the first one cheaper than the second?", False),
    ],
)
def test_cheaper_asked(said: str, cheaper: bool) -> None:
    assert understand(said, NOW).cheaper is cheaper
