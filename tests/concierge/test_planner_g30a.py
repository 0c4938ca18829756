"""Guards for the held-out gaps of batches 58–59 closed by g30a (now = Tue 1 Dec 2026, world
``empty``: Boston → Chicago 15 Dec shows DL 1071 13:50, AA 1049 06:10, UA 1027 21:30, UA 1023
+ AA 1141 11:05, DL 1063 + DL 1171 05:55; JFK → Boston 10 Dec shows B6 1024 18:20, AA 1038
05:40, DL 1058 12:05, DL 1060 21:50, B6 1022 09:15; London → Paris 17 Dec shows BA 1008 LGW
13:55, BA 1012 LHR 12:15, AF 1020 LGW 06:00, AF 1049 LHR 05:50, AF 1028 LHR 21:15).

Gaps: a narrowing said of the options shown ("those early ones are too early, nothing before
9am", "any american ones? I have status with them", "can you show me the afternoon ones?") is
a search narrowed, never a pick — at a confirmation too, after a no; an airline's own option
("the american one") is the one it flies alone, not a connection it shares; a remark about
the options before a request ("ugh, all pricey. how about the week after?") leaves the request
to be done; a change of mind names the option meant ("I'd rather take the 4:25 into Newark"
at a confirmation, "the 21:15 one - no wait, the 5:50 from Heathrow" in one message: the last
said wins, "the citizenM instead - is it refundable?" after a hotel hold: switched, and the
question answered); "the 21:40 flight both ways" is that time in each list.

Every phrasing here was written before it was run (the held-out cases themselves are in
tests/concierge/heldout/batch_58.yaml and batch_59.yaml). First try (pytest -q -n 2
tests/concierge/test_planner_g30a.py, 20:55 UTC): 3/20 — passed: "the united one please"
(the pure United flight was listed first anyway), "what about two days later?" and "could
you check a day earlier?" after a remark; failed: every narrowing (a pick held, or a hold
replaced at a confirmation), "any delta ones?" (held the first Delta option), "how about the
week after?" (answered as a question about the options), every change of pick (a search, or
nothing held, or the question answered of the old hold), every "… flight both ways / each
way / in both directions" (the outbound taken, the return asked for). "the jetblue one" of
JFK → SFO was added after the fix (it held DL 1058 + B6 1037 before it, checked with the old
pick). After the fix: 21/21.
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
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty")

HELD: dict[str, Any] = {"new_bookings": 1, "new_status": "held", "pending": "confirm_booking"}
SWITCHED: dict[str, Any] = {"not_new_status": "confirmed", "pending": "confirm_booking"}
NARROWED: dict[str, Any] = {"nothing_changed": True, "tools_exclude": ["reserve"]}

CASES: list[tuple[str, Case]] = [
    (
        "refine_as_pick",
        dialogue(
            "Boston to Chicago Dec 15",
            "those early ones are no good for me, nothing before 9am please",
            calls=[flight_search("boston", "chicago", "2026-12-15")],
            options={"depart_after": "09:00"},
            **NARROWED,
        ),
    ),
    (
        "refine_as_pick",
        dialogue(
            "JFK to Boston on the 10th",
            "the late ones are too late for me, nothing after 6pm pls",
            calls=[flight_search("JFK", "boston", "2026-12-10")],
            options={"depart_before": "18:00"},
            **NARROWED,
        ),
    ),
    (
        "refine_as_pick",
        dialogue(
            "Boston to Chicago Dec 15",
            (
                "got any american ones? I have status with them",
                {"calls": [flight_search("boston", "chicago", "2026-12-15")], **NARROWED},
            ),
            "great, the american one then",
            segments=[flight_segment("AA 1049", "BOS", "ORD", "2026-12-15")],
            **HELD,
        ),
    ),
    (
        "refine_as_pick",
        dialogue(
            "JFK to Atlanta Dec 9",
            "any delta ones? we collect miles with them",
            calls=[flight_search("JFK", "atlanta", "2026-12-09")],
            reply_contains=["Only Delta"],
            **NARROWED,
        ),
    ),
    (
        "own_airline_option",
        dialogue(
            "Boston to Chicago Dec 15",
            "the united one please",
            segments=[flight_segment("UA 1027", "BOS", "ORD", "2026-12-15")],
            **HELD,
        ),
    ),
    (
        # JFK → SFO 14 Dec lists DL 1058 + B6 1037 (3rd) before B6 1022 + B6 1037 (4th)
        "own_airline_option",
        dialogue(
            "JFK to SFO on Dec 14",
            "the jetblue one",
            segments=[
                flight_segment("B6 1022", "JFK", "BOS", "2026-12-14"),
                flight_segment("B6 1037", "BOS", "SFO", "2026-12-14"),
            ],
            **HELD,
        ),
    ),
    (
        "relative_day_refine",
        dialogue(
            "ORD to Atlanta Dec 10",
            "ugh all of those are pricey. how about the week after?",
            calls=[flight_search("chicago", "atlanta", "2026-12-17")],
            **NARROWED,
        ),
    ),
    (
        "relative_day_refine",
        dialogue(
            "JFK to Miami on the 14th",
            "those times don't really work for me. what about two days later?",
            calls=[flight_search("JFK", "miami", "2026-12-16")],
            **NARROWED,
        ),
    ),
    (
        "relative_day_refine",
        dialogue(
            "boston to chicago dec 15",
            "hmm, lots of connections in there. could you check a day earlier?",
            calls=[flight_search("boston", "chicago", "2026-12-14")],
            **NARROWED,
        ),
    ),
    (
        "change_pick",
        dialogue(
            "boston to new york 12/16",
            ("option 1", {"pending": "confirm_booking"}),
            "hmm, I'd rather take the 4:25 into Newark",
            "yes please",
            segments=[flight_segment("DL 1051", "BOS", "EWR", "2026-12-16")],
            not_new_status="held",
            pending="none",
        ),
    ),
    (
        "change_pick",
        dialogue(
            "London to Paris on the 17th",
            ("option 1", {"pending": "confirm_booking"}),
            "sorry, I'd rather take the 12:15 from Heathrow instead",
            segments=[flight_segment("BA 1012", "LHR", "CDG", "2026-12-17")],
            **SWITCHED,
        ),
    ),
    (
        "change_pick",
        dialogue(
            "London to Paris on the 17th",
            "the 21:15 one - no wait, the 5:50 from Heathrow",
            segments=[flight_segment("AF 1049", "LHR", "ORY", "2026-12-17")],
            **HELD,
        ),
    ),
    (
        "change_pick",
        dialogue(
            "JFK to Boston on the 10th",
            "option 2, no sorry, option 3",
            segments=[flight_segment("DL 1058", "JFK", "BOS", "2026-12-10")],
            **HELD,
        ),
    ),
    (
        "change_pick",
        dialogue(
            "hotel in Chicago 14th to 16th Dec",
            "the citizenM... actually no, the Hilton",
            segments=[
                {
                    "kind": "hotel",
                    "hotel": "Hilton Chicago River North",
                    "check_in": "2026-12-14",
                    "check_out": "2026-12-16",
                }
            ],
            **HELD,
        ),
    ),
    (
        "change_pick",
        dialogue(
            "hotel in Chicago 14th to 16th Dec",
            ("the Hilton", {"pending": "confirm_booking"}),
            "on second thought, the citizenM instead - is it refundable?",
            segments=[
                {
                    "kind": "hotel",
                    "hotel": "citizenM Chicago O'Hare",
                    "check_in": "2026-12-14",
                    "check_out": "2026-12-16",
                }
            ],
            reply_contains_any=[["refund", "cancel"]],
            **SWITCHED,
        ),
    ),
    (
        "change_pick",
        dialogue(
            "hotel in Chicago 14th to 16th Dec",
            ("the citizenM", {"pending": "confirm_booking"}),
            "actually the Hilton instead, they're one of our preferred chains right?",
            segments=[
                {
                    "kind": "hotel",
                    "hotel": "Hilton Chicago River North",
                    "check_in": "2026-12-14",
                    "check_out": "2026-12-16",
                }
            ],
            reply_contains=["preferred"],
            **SWITCHED,
        ),
    ),
    (
        "no_then_refine",
        dialogue(
            "JFK to Boston dec 10",
            ("the 6:20pm jetblue", {"pending": "confirm_booking"}),
            "no - can you show me the afternoon ones instead?",
            calls=[flight_search("JFK", "boston", "2026-12-10")],
            options={"depart_after": "12:00"},
            not_new_status="confirmed",
        ),
    ),
    (
        "no_then_refine",
        dialogue(
            "London to Paris on the 17th",
            ("option 1", {"pending": "confirm_booking"}),
            "nah, actually could I see the evening ones?",
            calls=[flight_search("london", "paris", "2026-12-17")],
            options={"depart_after": "17:00"},
            not_new_status="confirmed",
        ),
    ),
    (
        "round_trip_pick",
        dialogue(
            "Boston to Chicago on 12/15, returning 12/17",
            "the cheapest flight each way",
            segments=[
                flight_segment("DL 1071", "BOS", "ORD", "2026-12-15"),
                flight_segment("UA 1028", "ORD", "BOS", "2026-12-17"),
            ],
            **HELD,
        ),
    ),
    (
        "round_trip_pick",
        dialogue(
            "ATL to Miami dec 9, back dec 11",
            "the delta flight in both directions please",
            segments=[
                flight_segment("DL 1031", "ATL", "MIA", "2026-12-09"),
                flight_segment("DL 1032", "MIA", "ATL", "2026-12-11"),
            ],
            **HELD,
        ),
    ),
    (
        "round_trip_pick",
        dialogue(
            "London to Madrid 10 Dec, back 13 Dec",
            ("the 21:40 flight both ways", {"pending": "confirm_booking"}),
            "yes",
            segments=[
                flight_segment("BA 1035", "LGW", "MAD", "2026-12-10"),
                flight_segment("BA 1036", "MAD", "LGW", "2026-12-13"),
            ],
            new_bookings=1,
            new_status="confirmed",
            pending="none",
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_g30a_guard(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)
