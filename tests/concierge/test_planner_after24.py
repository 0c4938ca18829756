"""Life after booking, and managers (now = Tue 1 Dec 2026; world "trips": ava's confirmed
London trip BA 19 / Holiday Inn Express 15-18 Dec (locator JRU744) / BA 18 home Fri 18 Dec
08:45, total 1,944.90 USD; her DL 15 BOS->CDG 3 Dec waiting for Mia's approval, booked 2
days ahead where policy asks 7; victor is VP above mia, the Paris step is Mia's).

Phrasings written from the user's side before reading the planner code (only the held-out
batch_32 header and cases were read, for the world), run once on main 2beee8b before any
fix. First try, by kind: own trips 6/13 (total cost, the
hotel reference, why approval, "my manager", refundable for one flight only), change a
booked flight 2/6 (later the same day, a named flight), extend the hotel 1/3, reject with
the reason in the message 3/4, approver honesty / a manager's "she" 0/5 — 12/31 = 39 %.
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
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("trips")


READ = {
    "world": "trips",
    "tools_exclude": ["search_flights", "search_hotels", "reserve", "decide_approval"],
    "nothing_changed": True,
}
COST = [["1,944.90", "1944.90"]]
WHY = [["7 days", "seven days", "a week", "2 days", "two days"]]


def _ask(say: str, user: str = "ava", **expect: Any) -> Case:
    return dialogue(say, user=user, **{**READ, **expect})


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ own trips
    ("own", _ask("what did my london trip cost all in?", reply_contains_any=COST)),
    (
        "own",
        _ask(
            "total spend on the London trip pls, need it for my expense report",
            reply_contains_any=COST,
        ),
    ),
    (
        "own",
        _ask(
            "How much am I paying altogether for London - flights + hotel?", reply_contains_any=COST
        ),
    ),
    (
        "own",
        _ask(
            "whats the confirmation number for my hotel in london?",
            reply_contains=["@london.hotel.locator"],
        ),
    ),
    (
        "own",
        _ask(
            "I need the hotel reservation reference, the front desk is asking",
            reply_contains=["@london.hotel.locator"],
        ),
    ),
    ("own", _ask("Why is my Paris flight still waiting for approval?", reply_contains_any=WHY)),
    (
        "own",
        _ask("what's the reason the boston-paris booking needs sign-off?", reply_contains_any=WHY),
    ),
    ("own", _ask("how come my paris flight has to be approved at all", reply_contains_any=WHY)),
    (
        "own",
        _ask("what time does my flight home from London land?", reply_contains_any=[["BA 18"]]),
    ),
    (
        "own",
        _ask(
            "what time's check-out at my London hotel?",
            reply_contains_any=[["11:00", "11 am", "11am"]],
        ),
    ),
    ("own", _ask("Are my London flights refundable?", reply_contains=["BA 19", "BA 18"])),
    ("own", _ask("who's my manager?", reply_contains=["Mia"])),
    (
        "own",
        _ask(
            "does my manager need to approve my paris trip? who is that again",
            reply_contains=["Mia"],
        ),
    ),
    # ------------------------------------------------------------ change a booked flight
    (
        "change",
        dialogue(
            "the flight back from london on the 18th leaves too early - anything in the afternoon?",
            world="trips",
            nothing_changed=True,
            calls=[flight_search("London", "New York", "2026-12-18")],
            options={"depart_after": "12:00"},
        ),
    ),
    (
        "change",
        dialogue(
            "can I get a later flight home on Friday? 8:45 is brutal",
            world="trips",
            nothing_changed=True,
            calls=[flight_search("London", "New York", "2026-12-18")],
            options={"depart_after": "08:45"},
        ),
    ),
    (
        "change",
        dialogue(
            "Is there something later in the day for my return on Dec 18?",
            world="trips",
            nothing_changed=True,
            calls=[flight_search("London", "New York", "2026-12-18")],
            options={"depart_after": "08:45"},
        ),
    ),
    (
        "change",
        dialogue(
            "swap my BA 18 for the DL 40 please",
            world="trips",
            pending="rebook",
            pending_args={"booking_id": "@london"},
            booking_status={"london": "confirmed"},
        ),
    ),
    (
        "change",
        dialogue(
            "can you change me onto DL 40 instead of BA 18?",
            world="trips",
            pending="rebook",
            pending_args={"booking_id": "@london"},
            booking_status={"london": "confirmed"},
        ),
    ),
    (
        "change",
        dialogue(
            "Put me on Delta 40 home rather than the BA flight",
            world="trips",
            pending="rebook",
            pending_args={"booking_id": "@london"},
            booking_status={"london": "confirmed"},
        ),
    ),
    # ------------------------------------------------------------ extend the hotel
    (
        "hotel",
        dialogue(
            "I need 2 extra nights at the end of my london hotel stay",
            world="trips",
            nothing_changed=True,
            calls=[hotel_search("london", "2026-12-18", "2026-12-20")],
        ),
    ),
    (
        "hotel",
        dialogue(
            "can u extend my hotel in London by one night",
            world="trips",
            nothing_changed=True,
            calls=[hotel_search("london", "2026-12-18", "2026-12-19")],
        ),
    ),
    (
        "hotel",
        dialogue(
            "Staying on in London after the 18th - need a room for another three nights",
            world="trips",
            nothing_changed=True,
            calls=[hotel_search("london", "2026-12-18", "2026-12-21")],
        ),
    ),
    # ------------------------------------------------------------ approvals with a note
    (
        "reject",
        dialogue(
            "Reject the Paris request: no budget left this quarter",
            user="mia",
            world="trips",
            pending="decide_approval",
            pending_args={"decision": "reject"},
            pending_args_contains={"note": "budget"},
        ),
    ),
    (
        "reject",
        dialogue(
            "decline ava's paris flight - she can join by zoom",
            user="mia",
            world="trips",
            pending="decide_approval",
            pending_args={"decision": "reject"},
            pending_args_contains={"note": "zoom"},
        ),
    ),
    (
        "reject",
        dialogue(
            "Please reject Ava's trip to Paris because it was booked too late.",
            user="mia",
            world="trips",
            pending="decide_approval",
            pending_args={"decision": "reject"},
            pending_args_contains={"note": "too late"},
        ),
    ),
    (
        "reject",
        dialogue(
            "say no to the paris one. reason: not a client-facing trip",
            "yes",
            user="mia",
            world="trips",
            pending="none",
            booking_status={"paris": "cancelled", "london": "confirmed"},
        ),
    ),
    # ------------------------------------------------------------ approver honesty, managers
    (
        "manager",
        dialogue(
            "approve ava's paris flight",
            user="victor",
            world="trips",
            pending="none",
            nothing_changed=True,
            reply_contains=["Mia"],
        ),
    ),
    (
        "manager",
        dialogue(
            "Anything waiting for my approval?",
            user="victor",
            world="trips",
            pending="none",
            nothing_changed=True,
            reply_contains=["Mia"],
        ),
    ),
    (
        "manager",
        dialogue(
            "has ava's paris request been approved yet?",
            user="victor",
            world="trips",
            pending="none",
            nothing_changed=True,
            reply_contains=["Mia"],
        ),
    ),
    (
        "manager",
        dialogue(
            "what's Ava got coming up? is she flying to paris this week?",
            user="mia",
            world="trips",
            nothing_changed=True,
            tools_exclude=["search_flights", "reserve"],
            reply_contains=["Paris"],
        ),
    ),
    (
        "manager",
        dialogue(
            "Ava's paris request - when is she flying?",
            "and how much is her flight?",
            user="mia",
            world="trips",
            nothing_changed=True,
            tools_exclude=["search_flights", "reserve"],
            reply_contains=["732.10"],
        ),
    ),
]


# Still failing (strict xfail: a fix that makes one pass must take its number out): 1 "total
# spend on the London trip pls" is no question to the readers; 18 "Delta 40" is an airline
# name, not a flight number; 27 "anything waiting for my approval?" (victor) is honestly
# nothing, the Paris step being Mia's. (29, "is she flying to paris this week?" after "what's
# Ava got coming up?", passes since stop 26's team26/after26 readers of whose trip a question
# names.)
GAPS = {1, 18, 27}


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_after24(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- guards (written after the fix)
# Other phrasings of the kinds fixed, written after the fixes as guards, run once on
# a42e086. First try 14/15: own trips 4/5, change 3/3, hotel 2/2, reject 2/2, manager 3/3.
# Still failing: 0 "what was the grand total for london, hotel and flights together?" (no
# "my", no "the London trip": read as a new trip to London).
GUARDS: list[tuple[str, Case]] = [
    (
        "own",
        _ask(
            "what was the grand total for london, hotel and flights together?",
            reply_contains_any=COST,
        ),
    ),
    (
        "own",
        _ask("hotel confirmation code for London please", reply_contains=["@london.hotel.locator"]),
    ),
    (
        "own",
        _ask("what's the reason my paris booking is pending approval?", reply_contains_any=WHY),
    ),
    ("own", _ask("why's the Paris flight stuck waiting for sign off?", reply_contains_any=WHY)),
    ("own", _ask("is my London trip refundable?", reply_contains=["BA 19", "BA 18"])),
    (
        "change",
        dialogue(
            "my flight back from London on Friday is too early. anything later that day?",
            world="trips",
            nothing_changed=True,
            calls=[flight_search("London", "New York", "2026-12-18")],
            options={"depart_after": "08:45"},
        ),
    ),
    (
        "change",
        dialogue(
            "switch my BA 19 to BA 17 on the 15th",
            world="trips",
            pending="rebook",
            pending_args={"booking_id": "@london"},
            booking_status={"london": "confirmed"},
        ),
    ),
    (
        "change",
        dialogue(
            "could you move me from BA 18 onto DL 40?",
            world="trips",
            pending="rebook",
            pending_args={"booking_id": "@london"},
            booking_status={"london": "confirmed"},
        ),
    ),
    (
        "hotel",
        dialogue(
            "add 3 more nights to my London hotel",
            world="trips",
            nothing_changed=True,
            calls=[hotel_search("london", "2026-12-18", "2026-12-21")],
        ),
    ),
    (
        "hotel",
        dialogue(
            "I'll stay on in London for another night after my hotel ends",
            world="trips",
            nothing_changed=True,
            calls=[hotel_search("london", "2026-12-18", "2026-12-19")],
        ),
    ),
    (
        "reject",
        dialogue(
            "reject ava's paris trip; she can dial in instead",
            user="mia",
            world="trips",
            pending="decide_approval",
            pending_args={"decision": "reject"},
            pending_args_contains={"note": "dial in"},
        ),
    ),
    (
        "reject",
        dialogue(
            "Decline the Boston-Paris request: not in this quarter's budget",
            user="mia",
            world="trips",
            pending="decide_approval",
            pending_args={"decision": "reject"},
            pending_args_contains={"note": "budget"},
        ),
    ),
    (
        "manager",
        dialogue(
            "reject Ava's Paris flight, too late to book",
            user="victor",
            world="trips",
            pending="none",
            nothing_changed=True,
            reply_contains=["Mia"],
        ),
    ),
    (
        "manager",
        dialogue(
            "is Ava's Paris trip approved yet?",
            user="victor",
            world="trips",
            nothing_changed=True,
            tools_exclude=["search_flights"],
            reply_contains=["Mia"],
        ),
    ),
    (
        "manager",
        dialogue(
            "when does Ava fly to Paris?",
            "and what does her trip cost?",
            user="mia",
            world="trips",
            nothing_changed=True,
            tools_exclude=["search_flights"],
            reply_contains=["732.10"],
        ),
    ),
]

GUARD_GAPS = {0}


@pytest.mark.parametrize(
    ("kind", "case"),
    [
        pytest.param(
            k,
            c,
            id=f"guard-{k}{i:02d}-{c.turns[-1].say[:30]}",
            marks=[pytest.mark.xfail(strict=True, reason="known gap")] if i in GUARD_GAPS else [],
        )
        for i, (k, c) in enumerate(GUARDS)
    ],
)
async def test_after24_guards(
    kind: str, case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)
