"""Blind probe p32first: first messages from busy people, several things at once.

Written from the user's side before reading the planner or its tests (harness.py, the
held-out README and batch_66/batch_02's format read; routes, times, options and hotels
checked with the real search tools on the empty world at the frozen clock, Tue
2026-12-01): flight + hotel + return in one message, a request with a condition
("only if nonstop", "under $400") or a question attached ("is that in policy?"),
corrections inside the message, a trip told by its purpose and an event's dates,
relative dates ("a week tomorrow", "the Monday after next", "a fortnight today"),
times of day ("after lunch", "back by 6pm", "red-eye"), passengers in words, pasted
e-mails with greeting and sign-off, bullet lists; then a pick and a yes/no.

first try 29/35 at 03:43 UTC (main at 7473ffc): the known gaps (GAPS, by position) were
0, 1, 4, 7, 8 (a trip told by an event's dates or as a numbered list: no search at all) and 16
("<A> on <date>. Actually make that <B>." searched B→A). All six closed by the fixes
(list markers, trips around an event's days, a place corrected after a clause, a signature
line with a comma): 35/35, and GENERALISE 6/6.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.concierge.heldout.harness import (
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

worlds = worlds_fixture("empty")

NY = "New York"
# max_price / max_nightly compare as text: "400" and "400.0" both fall at or under "400.0".
UNDER_400 = {"le": "400.0"}
UNDER_300 = {"le": "300.0"}
UNDER_150 = {"le": "150.0"}
QUIET = {"nothing_changed": True}


def calls(*specs: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"calls": list(specs), **more}


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------------ several at once
    (
        "combo",
        dialogue(
            "Meetings in London Tue 15 – Thu 17 Dec. Can you sort a flight out the night "
            "before, a hotel for those nights and a flight back Thursday evening?",
            **calls(
                flight_search(NY, "London", "2026-12-14"),
                hotel_search("London", "2026-12-15", "2026-12-17"),
                flight_search("London", NY, "2026-12-17"),
            ),
            **QUIET,
        ),
    ),
    (
        "combo",
        dialogue(
            "I'm speaking at a conference in Miami 15-17 Dec. Fly me in the night before "
            "please, and I'll need a hotel for the conference.",
            **calls(
                flight_search(NY, "Miami", "2026-12-14"),
                hotel_search("Miami", "2026-12-14", {"between": ["2026-12-17", "2026-12-18"]}),
            ),
            **QUIET,
        ),
    ),
    (
        "combo",
        dialogue(
            "Hi,\n\nNext week I'm at the Acme offices in Boston Tue–Thu. Could you:\n"
            "• get me there Monday evening\n• book a hotel Monday to Thursday\n"
            "• fly me home Thursday after lunch\n\nThanks!\nGus",
            user="gus",
            **calls(
                flight_search("ORD", "Boston", "2026-12-07"),
                hotel_search("Boston", "2026-12-07", "2026-12-10"),
                flight_search("Boston", "ORD", "2026-12-10"),
            ),
            options={"depart_after": "12:00"},
            **QUIET,
        ),
    ),
    (
        "combo",
        dialogue(
            "- NYC → Boston Thu 10 Dec, morning\n- hotel 2 nights\n- back Sat 12th afternoon",
            **calls(
                flight_search(NY, "Boston", "2026-12-10"),
                hotel_search("Boston", "2026-12-10", "2026-12-12"),
                flight_search("Boston", NY, "2026-12-12"),
            ),
            **QUIET,
        ),
    ),
    (
        "combo",
        dialogue(
            "1. fly to Chicago Wed 6 Jan\n2. hotel 3 nights\n3. back Sat 9 Jan",
            **calls(
                flight_search(NY, "Chicago", "2027-01-06"),
                hotel_search("Chicago", "2027-01-06", "2027-01-09"),
                flight_search("Chicago", NY, "2027-01-09"),
            ),
            **QUIET,
        ),
    ),
    (
        "combo",
        dialogue(
            "Hello,\n\nPlease arrange travel to Madrid for the office visit: leaving Monday 4 "
            "January, returning Thursday 7 January. Aisle seat if possible.\n\nKind regards,\n"
            "Victor",
            user="victor",
            **calls(
                flight_search(NY, "Madrid", "2027-01-04"),
                flight_search("Madrid", NY, "2027-01-07"),
            ),
            **QUIET,
        ),
    ),
    (
        "combo",
        dialogue(
            "Hi there,\n\nCould you book me a flight from New York to Dublin on 6 January, "
            "returning 9 January? Economy is fine.\n\nMany thanks,\nAva",
            **calls(
                flight_search(NY, "Dublin", "2027-01-06"),
                flight_search("Dublin", NY, "2027-01-09"),
            ),
            **QUIET,
        ),
    ),
    (
        "combo",
        dialogue(
            "Hello,\n\nI have a client dinner in San Francisco on Thursday 17 December at 7pm. "
            "Please find me a flight that gets me there in time, plus a hotel for two nights."
            "\n\nBest regards,\nGus Novak\nAccount Executive, Globex",
            user="gus",
            **calls(
                flight_search("ORD", "San Francisco", "2026-12-17"),
                hotel_search("San Francisco", "2026-12-17", "2026-12-19"),
            ),
            **QUIET,
        ),
    ),
    (
        "combo",
        dialogue(
            "Team offsite in Boston 6–8 Jan. Get me there the evening before and home the "
            "afternoon it ends.",
            user="mia",
            **calls(
                flight_search(NY, "Boston", "2027-01-05"),
                flight_search("Boston", NY, "2027-01-08"),
            ),
            options={"depart_after": "12:00"},
            **QUIET,
        ),
    ),
    # ------------------------------------------------------------------ conditions, questions
    (
        "condition",
        dialogue(
            "Boston to Atlanta on the 10th, but only if there's a nonstop",
            **calls(flight_search("Boston", "Atlanta", "2026-12-10", max_stops=0)),
            **QUIET,
        ),
    ),
    (
        "condition",
        dialogue(
            "Anything from New York to Chicago on Wed 9 Dec under $400?",
            **calls(flight_search(NY, "Chicago", "2026-12-09", max_price=UNDER_400)),
            **QUIET,
        ),
    ),
    (
        "condition",
        dialogue(
            "london hotel 20-23 dec, nothing over 300 a night",
            **calls(hotel_search("London", "2026-12-20", "2026-12-23", max_nightly=UNDER_300)),
            **QUIET,
        ),
    ),
    (
        "condition",
        dialogue(
            "JFK to London business class on 8 Jan — is that in policy?",
            **calls(flight_search("JFK", "London", "2027-01-08", cabin="business")),
            reply_contains_any=[["within policy", "in policy", "allowed", "compliant"]],
            reply_not_contains=["not in policy", "out of policy", "didn't quite get"],
            **QUIET,
        ),
    ),
    (
        "condition",
        dialogue(
            "Need to get to Boston first thing Friday. Is booking this late even allowed?",
            **calls(flight_search(NY, "Boston", "2026-12-04")),
            options={"depart_before": "10:00"},
            reply_contains_any=[["7 days", "seven days"]],
            **QUIET,
        ),
    ),
    # ------------------------------------------------------------------ corrections
    (
        "correction",
        dialogue(
            "NYC to Boston Thursday, no wait, Friday",
            **calls(flight_search(NY, "Boston", "2026-12-04")),
            **QUIET,
        ),
    ),
    (
        "correction",
        dialogue(
            "Fly me to Dallas — sorry, I mean Atlanta — on the 11th",
            **calls(flight_search(NY, "Atlanta", "2026-12-11")),
            **QUIET,
        ),
    ),
    (
        "correction",
        dialogue(
            "London on the 8th of January. Actually make that Paris.",
            **calls(flight_search(NY, "Paris", "2027-01-08")),
            **QUIET,
        ),
    ),
    (
        "correction",
        dialogue(
            "Chicago to Miami on the 14th, or rather the 15th, sorry",
            user="gus",
            **calls(flight_search("Chicago", "Miami", "2026-12-15")),
            **QUIET,
        ),
    ),
    (
        "correction",
        dialogue(
            "2 seats to Boston on the 10th — no, 3, my manager's coming too",
            **calls(flight_search(NY, "Boston", "2026-12-10", passengers=3)),
            **QUIET,
        ),
    ),
    # ------------------------------------------------------------------ relative dates
    (
        "relative",
        dialogue(
            "NYC to Miami a week tomorrow",
            **calls(flight_search(NY, "Miami", "2026-12-09")),
            **QUIET,
        ),
    ),
    (
        "relative",
        dialogue(
            "Boston back to New York the Monday after next, first thing",
            **calls(flight_search("Boston", NY, "2026-12-14")),
            options={"depart_before": "10:00"},
            **QUIET,
        ),
    ),
    (
        "relative",
        dialogue(
            "first thing Friday to Atlanta",
            user="gus",
            **calls(flight_search("Chicago", "Atlanta", "2026-12-04")),
            options={"depart_before": "10:00"},
            **QUIET,
        ),
    ),
    (
        "relative",
        dialogue(
            "Atlanta a fortnight today please",
            **calls(flight_search(NY, "Atlanta", "2026-12-15")),
            **QUIET,
        ),
    ),
    (
        "relative",
        dialogue(
            "Atlanta the day after tomorrow, late afternoon",
            **calls(flight_search(NY, "Atlanta", "2026-12-03")),
            options={"depart_after": "14:00"},
            **QUIET,
        ),
    ),
    # ------------------------------------------------------------------ times of day
    (
        "time_of_day",
        dialogue(
            "Need to get to New York on Wed the 9th, sometime after lunch",
            user="gus",
            **calls(flight_search("Chicago", NY, "2026-12-09")),
            options={"depart_after": "12:00"},
            **QUIET,
        ),
    ),
    (
        "time_of_day",
        dialogue(
            "Day trip to Boston Thu 10 Dec: out early morning, back by 6pm",
            **calls(
                flight_search(NY, "Boston", "2026-12-10"),
                flight_search("Boston", NY, "2026-12-10"),
            ),
            options={"depart_before": "18:00"},
            **QUIET,
        ),
    ),
    (
        "time_of_day",
        dialogue(
            "Is there a red-eye from SFO to New York on the 10th?",
            **calls(flight_search("SFO", NY, "2026-12-10")),
            options={"depart_after": "20:00"},
            **QUIET,
        ),
    ),
    (
        "time_of_day",
        dialogue(
            "Miami this Friday evening, back Sunday night",
            **calls(
                flight_search(NY, "Miami", "2026-12-04"),
                flight_search("Miami", NY, "2026-12-06"),
            ),
            options={"depart_after": "16:00"},
            **QUIET,
        ),
    ),
    # ------------------------------------------------------------------ passengers in words
    (
        "passengers",
        dialogue(
            "me and two colleagues, New York to Madrid on Jan 5",
            **calls(flight_search(NY, "Madrid", "2027-01-05", passengers=3)),
            **QUIET,
        ),
    ),
    (
        "passengers",
        dialogue(
            "the four of us need to get from Boston to Miami on 12/18",
            **calls(flight_search("Boston", "Miami", "2026-12-18", passengers=4)),
            **QUIET,
        ),
    ),
    (
        "passengers",
        dialogue(
            "Flights for me and my wife to Miami on 19 Dec, coming back the 27th",
            **calls(
                flight_search(NY, "Miami", "2026-12-19", passengers=2),
                flight_search("Miami", NY, "2026-12-27", passengers=2),
            ),
            **QUIET,
        ),
    ),
    # ------------------------------------------------------------------ then a pick and a yes/no
    (
        "pick",
        dialogue(
            (
                "Boston to Atlanta on the 10th, only if nonstop",
                calls(flight_search("Boston", "Atlanta", "2026-12-10", max_stops=0)),
            ),
            ("the Delta one", {"pending": "confirm_booking"}),
            "yes please",
            new_bookings=1,
            new_status="confirmed",
            pending="none",
            segments=[flight_segment("DL 1002", "BOS", "ATL", "2026-12-10")],
        ),
    ),
    (
        "pick",
        dialogue(
            "Chicago to New York a week tomorrow, after lunch",
            ("the 3:10 American", {"pending": "confirm_booking"}),
            "yep go ahead",
            user="gus",
            new_bookings=1,
            new_status="confirmed",
            pending="none",
            segments=[flight_segment("AA 1204", "ORD", "LGA", "2026-12-09")],
        ),
    ),
    (
        "pick",
        dialogue(
            (
                "NYC to Atlanta on Wed 9 Dec, under $150",
                calls(flight_search(NY, "Atlanta", "2026-12-09", max_price=UNDER_150)),
            ),
            ("cheapest", {"pending": "confirm_booking"}),
            "yes",
            new_bookings=1,
            new_status="confirmed",
            pending="none",
            segments=[flight_segment("DL 1020", "JFK", "ATL", "2026-12-09")],
        ),
    ),
    (
        "pick",
        dialogue(
            "JFK to Miami on the 14th, nonstop only",
            ("the 9:35pm JetBlue", {"pending": "confirm_booking"}),
            "actually no, hold off",
            new_bookings=1,
            new_status="held",
            pending="none",
            segments=[flight_segment("B6 1055", "JFK", "MIA", "2026-12-14")],
            reply_not_contains=["Booked!", "didn't quite get"],
        ),
    ),
]

GAPS: set[int] = set()

# Written after the fixes, other phrasings of the same kinds (not part of the first try):
# list markers as letters, an event's days with a back weekday or "when it wraps up", a
# hotel for a trip around an event, a place corrected after a sentence, a signature with
# a bar.
GENERALISE: list[tuple[str, Case]] = [
    (
        "combo",
        dialogue(
            "a) Boston → Atlanta Thu 10 Dec\nb) hotel 2 nights\nc) back Sat 12 Dec",
            **calls(
                flight_search("Boston", "Atlanta", "2026-12-10"),
                hotel_search("Atlanta", "2026-12-10", "2026-12-12"),
                flight_search("Atlanta", "Boston", "2026-12-12"),
            ),
            **QUIET,
        ),
    ),
    (
        "combo",
        dialogue(
            "Workshop in Chicago Wed 6 – Fri 8 Jan. Fly in the day before and back Friday "
            "afternoon.",
            **calls(
                flight_search(NY, "Chicago", "2027-01-05"),
                flight_search("Chicago", NY, "2027-01-08"),
            ),
            **QUIET,
        ),
    ),
    (
        "combo",
        dialogue(
            "Summit in Boston 9–10 Dec; get me there the night before, fly back when it wraps up",
            **calls(
                flight_search(NY, "Boston", "2026-12-08"),
                flight_search("Boston", NY, "2026-12-10"),
            ),
            **QUIET,
        ),
    ),
    (
        "combo",
        dialogue(
            "Trade show in Miami 8–10 Dec. Fly in the night before and home when it's over. "
            "Hotel too please.",
            **calls(
                flight_search(NY, "Miami", "2026-12-07"),
                flight_search("Miami", NY, "2026-12-10"),
                hotel_search("Miami", "2026-12-07", "2026-12-10"),
            ),
            **QUIET,
        ),
    ),
    (
        "correction",
        dialogue(
            "Atlanta on 11 Dec. Sorry, make that Miami.",
            **calls(flight_search(NY, "Miami", "2026-12-11")),
            **QUIET,
        ),
    ),
    (
        "combo",
        dialogue(
            "Hi,\n\nCould you find flights New York to Boston on 10 December, back 11 "
            "December?\n\nThanks,\nVictor Alvarez\nVP Finance | Acme",
            user="victor",
            **calls(
                flight_search(NY, "Boston", "2026-12-10"),
                flight_search("Boston", NY, "2026-12-11"),
            ),
            **QUIET,
        ),
    ),
]


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_p32first(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)


@pytest.mark.parametrize(("kind", "case"), case_params(GENERALISE, set()))
async def test_p32first_generalise(
    kind: str, case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)
