"""Blind probe p33people: people and their details.

Written from the user's side before reading the planner or its tests (harness.py, the
held-out README's top and batch_01 read for the format and the worlds; core/orgchart.py,
core/booking/access.py, core/seed.py and tools/ for the facts): booking for someone else
where the rights allow it (a manager for a report, the VP for a report at depth, the
executive, the travel admin) and refusals that change nothing where they don't (a
traveller for their manager, finance — which sees everyone's trips and acts on its own
only —, anyone for a person of another organization); named passengers (a guest from
outside the company with the traveller, a manager with a report, names given after the
hold, a traveller naming someone she may not book for); the traveller's profile (home
airport as the default origin, seat and meal preference, loyalty and known-traveller
numbers and the passport shown masked as the product masks them, never in clear; adding a
number, which no tool does); the org chart ("who is my manager", "who approves my trips",
"who can I book for", the executive who has no manager); and questions about a
colleague's trip by name (a manager and finance may see it; a traveller may not see her
manager's; another organization never learns it exists). Users ava, mia, victor, erin,
fin, admin, gus; worlds empty and trips.

Facts checked with the real tools at the frozen clock (Tue 2026-12-01 09:00 UTC) outside
the repo (/tmp/p33people/explore.py calling get_traveler_profile, list_trips,
search_flights and search_hotels directly, never the planner): ava's profile AA •••••M71,
BA •••••8263, known traveller •••••K9QX, aisle, meal vegetarian, passport •••••9302 to
2034-12-01, manager Mia Chen; mia's BA •••••7720, manager Victor Alvarez, can book for
Ava; erin has no manager; gus (Globex, home ORD) UA •••••0552. JFK→BOS 15 Dec 1st AA 1040
15:05; New York→Chicago 14 Dec 4th DL 1171 LGA 08:55; JFK→MIA 17 Dec B6 1053 06:15;
BOS→New York 11 Dec 1st B6 1027 (to LGA); JFK→ATL 15 Dec for 2 1st AA 1010; BOS→Chicago
14 Dec for 2 3rd DL 1071; JFK→LHR 16 Dec for 2 4th DL 39 (the only nonstop); LGA→MIA 18
Dec for 3 1st AA 1199; London hotels 15–17 Dec 1st Holiday Inn Express London Tower
Bridge. All green and 7+ days ahead (a yes confirms); mia and fin see ava's trips (BA 19
JFK→LHR Mon 14 Dec, Holiday Inn Express London Tower Bridge; DL 15 BOS→CDG 3 Dec pending
approval), gus sees none.

First try 23/35 at 07:26 UTC (main at ec38479, `python -m pytest -q -n 2 --dist loadfile
tests/concierge/test_planner_p33people.py`); no expectation corrected. Failed (by position):
9 "I'm joining Ava on her London trip, … the same flight out?" (asked for the date instead of
reading Ava's trip); 11 "it's me and a guest, Jordan Blake" and 14 "Ava Patel, plus two
guests: Tom Baker and Lucy Hale" after "who's flying?" (searched again — the second as 5
passengers — instead of naming them); 13 "for me and my manager Mia" (held two seats and
asked who flies: neither named them nor said Ava may not book for Mia); 19 "do I have a BA
Executive Club number saved?" (answered as a request to add one); 21 "Please add my United
MileagePlus number … to my profile" (showed the whole profile, no word that it can't be
added here); 22 "Do you know my meal preference?", 24 "which frequent flyer programmes have
I got saved?", 27 "who do I report to" (not understood); 28 "who can I book travel for?" (the
travel policy); 29 erin's "who's my boss?" (the profile, with no word that there is no
manager); 32 ava's "what trips does Mia have coming up?" ("Mia has no upcoming trips booked
(among the trips you can see)": claims a fact about trips she cannot see).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from concierge.planner.nlu import colleague_trip, details
from concierge.planner.nlu.intents import Intent, understand
from concierge.planner.nlu.people import companions, read_people
from concierge.planner.state import unbookable_names
from tests.concierge.heldout.harness import (
    NOW,
    Case,
    World,
    case_params,
    dialogue,
    flight_search,
    flight_segment,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")

NO_BOOK = ["reserve", "confirm_booking"]
REFUSED = [
    "can't",
    "cannot",
    "can not",
    "not able",
    "unable",
    "couldn't",
    "not allowed",
    "only book",
    "don't have permission",
    "aren't able",
    "isn't someone",
    "not someone",
]


def _for(user_id: str) -> dict[str, Any]:
    """A hold made for someone else."""
    return {"calls": [{"tool": "reserve", "args": {"traveler_id": user_id}}]}


def _hotel(name: str, check_in: str, check_out: str) -> dict[str, Any]:
    return {"kind": "hotel", "hotel": name, "check_in": check_in, "check_out": check_out}


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ booking for someone else
    (
        "mgr_for_report",
        dialogue(
            "Can you book Ava a flight JFK to Boston on Dec 15?",
            "the first one",
            user="mia",
            **_for("ava"),
            segments=[flight_segment("AA 1040", "JFK", "BOS", "2026-12-15")],
            new_status="held",
            pending="confirm_booking",
        ),
    ),
    (
        "mgr_for_report_yes",
        dialogue(
            "I need to sort out travel for Ava Patel on my team - New York to Chicago, "
            "Monday 14 December",
            ("option 4 please", _for("ava")),
            "yes",
            user="mia",
            segments=[flight_segment("DL 1171", "LGA", "ORD", "2026-12-14")],
            new_status="confirmed",
        ),
    ),
    (
        "vp_hotel_for_report",
        dialogue(
            "Please get Fin Okafor a hotel in London from 15 to 17 December",
            "the Holiday Inn",
            user="victor",
            **_for("fin"),
            segments=[
                _hotel("Holiday Inn Express London Tower Bridge", "2026-12-15", "2026-12-17")
            ],
        ),
    ),
    (
        "exec_skip_level",
        dialogue(
            "Ava needs to get down to Miami on the 17th — book her something from JFK, "
            "morning ideally",
            "the 6:15",
            user="erin",
            **_for("ava"),
            segments=[flight_segment("B6 1053", "JFK", "MIA", "2026-12-17")],
        ),
    ),
    (
        "admin_for_anyone",
        dialogue(
            "Book Victor Alvarez on a flight from Boston to New York on Fri 11 Dec",
            "option 1",
            user="admin",
            **_for("victor"),
            segments=[flight_segment("B6 1027", "BOS", "LGA", "2026-12-11")],
        ),
    ),
    (
        "traveller_not_for_manager",
        dialogue(
            "can you book a flight for Mia Chen from JFK to Boston on 15 Dec?",
            "the first one",
            nothing_changed=True,
            tools_exclude=["confirm_booking"],
            reply_contains_any=[REFUSED],
        ),
    ),
    (
        "finance_not_for_others",
        dialogue(
            "Please book Ava Patel on the 3:05pm American flight JFK to Boston, 15 December",
            "the 3:05 one",
            user="fin",
            nothing_changed=True,
            reply_contains_any=[REFUSED],
        ),
    ),
    (
        "same_trip_other_org",
        dialogue(
            "Book the same London trip for my colleague Gus, please",
            world="trips",
            nothing_changed=True,
            tools_exclude=NO_BOOK,
            reply_not_contains=["Globex", "Gus Novak"],
            reply_contains_any=[[*REFUSED, "don't see", "not find", "no one", "nobody"]],
        ),
    ),
    (
        "other_org_for_ava",
        dialogue(
            "book a flight for Ava Patel from Chicago to Boston on the 10th",
            "first one",
            user="gus",
            nothing_changed=True,
            reply_not_contains=["Acme", "Senior Software"],
            reply_contains_any=[[*REFUSED, "don't see", "not find", "no one", "nobody"]],
        ),
    ),
    (
        "mgr_joins_report",
        dialogue(
            "I'm joining Ava on her London trip, can you get me on the same flight out?",
            user="mia",
            world="trips",
            reply_contains="BA 19",
            tools_exclude=["confirm_booking"],
        ),
    ),
    # ------------------------------------------------------------ named passengers
    (
        "me_and_guest",
        dialogue(
            "me and Sam Lee need to fly JFK to Atlanta on Dec 15. Sam's a consultant, "
            "he's not in your system",
            (
                "the first one",
                {
                    "pending": "confirm_booking",
                    "segments": [
                        flight_segment("AA 1010", "JFK", "ATL", "2026-12-15", passengers=2)
                    ],
                },
            ),
            "yes",
            new_status="confirmed",
            segments=[flight_segment("AA 1010", "JFK", "ATL", "2026-12-15", passengers=2)],
        ),
    ),
    (
        "names_after_hold",
        dialogue(
            "2 seats Boston to Chicago on 14 Dec please",
            ("option 3", {"new_status": "held", "reply_contains_any": [["who", "name"]]}),
            "it's me and a guest, Jordan Blake",
            "yes",
            new_status="confirmed",
            segments=[flight_segment("DL 1071", "BOS", "ORD", "2026-12-14", passengers=2)],
        ),
    ),
    (
        "mgr_and_report_seats",
        dialogue(
            "Can you find flights JFK to London on 16 December for me and Ava?",
            "option 4, the Delta nonstop",
            user="mia",
            pending="confirm_booking",
            segments=[flight_segment("DL 39", "JFK", "LHR", "2026-12-16", passengers=2)],
        ),
    ),
    (
        "traveller_names_manager",
        dialogue(
            "JFK to Boston Dec 15 for me and my manager Mia",
            "the first one",
            pending="none",
            not_new_status="confirmed",
            tools_exclude=["confirm_booking"],
            reply_contains_any=[REFUSED],
        ),
    ),
    (
        "three_named",
        dialogue(
            "LGA to Miami dec 18 for 3 people",
            "1",
            "Ava Patel, plus two guests: Tom Baker and Lucy Hale",
            "go ahead",
            new_status="confirmed",
            segments=[flight_segment("AA 1199", "LGA", "MIA", "2026-12-18", passengers=3)],
        ),
    ),
    # ------------------------------------------------------------ the profile
    (
        "home_origin",
        dialogue(
            "fly me to Chicago Friday",
            calls=[flight_search("new york", "chicago", "2026-12-04")],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "home_origin_gus",
        dialogue(
            "need a flight to boston next tuesday",
            user="gus",
            calls=[flight_search("chicago", "boston", "2026-12-08")],
            tools_exclude=NO_BOOK,
        ),
    ),
    (
        "seat_pref",
        dialogue(
            "what seat preference do you have on file for me?",
            nothing_changed=True,
            reply_contains="aisle",
        ),
    ),
    (
        "ff_number",
        dialogue(
            "what's my frequent flyer number on file?",
            nothing_changed=True,
            reply_contains="8263",
            reply_not_contains=["40918263", "8JW2M71"],
        ),
    ),
    (
        "ba_number_mia",
        dialogue(
            "do I have a BA Executive Club number saved?",
            user="mia",
            nothing_changed=True,
            reply_contains="7720",
            reply_not_contains=["31847720", "9274018356"],
        ),
    ),
    (
        "ktn",
        dialogue(
            "whats my known traveler number? the TSA precheck one",
            nothing_changed=True,
            reply_contains="K9QX",
            reply_not_contains=["TT4F2K9QX"],
        ),
    ),
    (
        "add_ff_number",
        dialogue(
            "Please add my United MileagePlus number UA55512345 to my profile",
            nothing_changed=True,
            tools_exclude=NO_BOOK,
            reply_not_contains=["55512345"],
            reply_contains_any=[["profile"]],
        ),
    ),
    (
        "meal",
        dialogue(
            "Do you know my meal preference?",
            nothing_changed=True,
            reply_contains="vegetarian",
        ),
    ),
    (
        "passport",
        dialogue(
            "is my passport on file? and when does it expire",
            nothing_changed=True,
            reply_contains=["9302", "2034"],
            reply_not_contains=["547819302"],
        ),
    ),
    (
        "gus_loyalty",
        dialogue(
            "which frequent flyer programmes have I got saved?",
            user="gus",
            nothing_changed=True,
            reply_contains="0552",
            reply_contains_any=[["united", "UA"]],
            reply_not_contains=["KN730552"],
        ),
    ),
    # ------------------------------------------------------------ the org chart
    (
        "who_manager",
        dialogue("who is my manager?", nothing_changed=True, reply_contains="Mia Chen"),
    ),
    (
        "who_approves",
        dialogue("Quick one - who approves my trips?", nothing_changed=True, reply_contains="Mia"),
    ),
    (
        "mia_reports_to",
        dialogue("who do I report to", user="mia", nothing_changed=True, reply_contains="Victor"),
    ),
    (
        "mia_books_for",
        dialogue(
            "who can I book travel for?", user="mia", nothing_changed=True, reply_contains="Ava"
        ),
    ),
    (
        "erin_no_manager",
        dialogue(
            "who's my boss?",
            user="erin",
            nothing_changed=True,
            reply_contains_any=[
                [
                    "no manager",
                    "don't have a manager",
                    "not have a manager",
                    "no one",
                    "nobody",
                    "isn't a manager",
                    "no manager on file",
                    "none",
                ]
            ],
        ),
    ),
    # ------------------------------------------------------------ a colleague's trip
    (
        "mia_when_ava_london",
        dialogue(
            "When is Ava flying to London?",
            user="mia",
            world="trips",
            nothing_changed=True,
            reply_contains_any=[["14 Dec", "Dec 14", "December 14", "14 December"]],
        ),
    ),
    (
        "mia_ava_paris_approved",
        dialogue(
            "has Ava's Paris trip been approved yet?",
            user="mia",
            world="trips",
            nothing_changed=True,
            reply_contains_any=[["pending", "waiting", "not yet", "awaiting"]],
        ),
    ),
    (
        "ava_asks_mia_trips",
        dialogue(
            "what trips does Mia have coming up?",
            world="trips",
            nothing_changed=True,
            reply_not_contains=["BA 19", "DL 15"],
            reply_contains_any=[[*REFUSED, "only", "don't have access", "don't see"]],
        ),
    ),
    (
        "fin_ava_hotel",
        dialogue(
            "which hotel is Ava Patel staying at in London?",
            user="fin",
            world="trips",
            nothing_changed=True,
            reply_contains="Holiday Inn Express",
        ),
    ),
    (
        "gus_ava_trip",
        dialogue(
            "when does Ava Patel fly to London?",
            user="gus",
            world="trips",
            nothing_changed=True,
            reply_not_contains=["BA 19", "Holiday Inn", "Acme", "14 Dec"],
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_p33people(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# The mechanisms, on other wordings of the same kinds beside the conversations' own.
@pytest.mark.parametrize(
    ("said", "people"),
    [
        ("it's me and a guest, Jordan Blake", ["self", "Jordan Blake"]),
        ("Ava Patel, plus two guests: Tom Baker and Lucy Hale", ["self", "Tom Baker", "Lucy Hale"]),
        ("me and my wife, Ann Lee", ["self", "Ann Lee"]),
        ("an external consultant - Sam Ortiz, and me", ["Sam Ortiz", "self"]),
        ("myself and our client, Jo Bloggs", ["self", "Jo Bloggs"]),
        ("ava and 2 visitors: Kim Park, Lee Cho", ["self", "Kim Park", "Lee Cho"]),
    ],
)
def test_who_flies_with_what_they_are(said: str, people: list[str]) -> None:
    answer = read_people(said, [], "Ava Patel")
    assert answer is not None
    assert [p.name if p.kind != "self" else "self" for p in answer.people] == people


@pytest.mark.parametrize("said", ["a guest", "two guests please", "my colleague"])
def test_a_label_alone_names_no_one(said: str) -> None:
    answer = read_people(said, [], "Ava Patel")
    assert answer is None or not answer.people


@pytest.mark.parametrize(
    ("said", "facets"),
    [
        ("who do I answer to?", ["manager"]),
        ("who's my line manager", ["manager"]),
        ("whose trips am I allowed to book?", ["book_for"]),
        ("any dietary requirements saved for me?", ["meal"]),
        ("have you got my Avios number?", ["loyalty"]),
        ("what's my global entry / redress number", ["known_traveller"]),
        ("when does my passport run out? is it expiring soon", ["passport"]),
        ("show my profile", []),
    ],
)
def test_profile_question_facets(said: str, facets: list[str]) -> None:
    assert understand(said, NOW).intent == Intent.PROFILE
    assert details.asked(said) == facets


@pytest.mark.parametrize(
    ("said", "profile"),
    [
        ("who do I answer to?", True),
        ("whose trips am I allowed to book?", True),
        ("which loyalty numbers do you have stored?", True),
        ("is there a passport saved on my account?", True),
        ("please update my profile with my new passport", False),
        ("can you add my Delta SkyMiles number to my profile", False),
    ],
)
def test_profile_asked_not_changed(said: str, profile: bool) -> None:
    assert (understand(said, NOW).intent == Intent.PROFILE) is profile


@pytest.mark.parametrize(
    ("said", "who"),
    [
        ("I'm joining Ava on her London trip, can you get me on the same flight out?", "Ava"),
        ("I'm meeting Ava in Paris — book me the same hotel", "Ava"),
        ("travelling with Mia next week, put me on the same flight back", "Mia"),
        ("book me the same flight back", None),  # no one named: no colleague's trip
    ],
)
def test_same_part_of_whom_the_message_names(said: str, who: str | None) -> None:
    found = colleague_trip.read(said)
    assert (found.who if found else None) == who


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("JFK to Boston Dec 15 for me and my manager Mia", ["Mia Chen"]),
        ("book me and our colleague Mia on the 9am", ["Mia Chen"]),
        ("me plus my boss Mia to Paris", ["Mia Chen"]),
        ("me and Mia Chen to Boston on the 9th", ["Mia Chen"]),
        ("Mia and I need to fly to Boston on the 9th", []),  # a first name alone: a guest's?
        ("my manager Mia needs a flight", []),  # hers alone: a trip for her, not along
    ],
)
def test_manager_called_by_role_or_in_full_flies_along(said: str, found: list[str]) -> None:
    # the manager, whom the caller may not book for: counted only when named beyond doubt
    assert companions(said, [], others=["Mia Chen"]) == found
    # a colleague the caller may book for, however named
    if found or "Mia and I" in said:
        assert companions(said, ["Mia Chen"]) == ["Mia Chen"]


def test_manager_is_no_one_to_book_for() -> None:
    profile = {"manager": "Mia Chen", "can_book_for": []}
    assert unbookable_names(profile) == ["Mia Chen"]
    # a manager the caller may book for (an org admin's profile) is bookable, not refused
    assert (
        unbookable_names(
            {
                "manager": {"name": "Mia Chen"},
                "can_book_for": [{"name": "Mia Chen", "user_id": "mia"}],
            }
        )
        == []
    )
