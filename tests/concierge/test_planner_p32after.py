"""Blind probe p32after: life with a booked trip.

Seats (window / aisle, a seat number, extra legroom and its fee, sitting together),
check-in (when it opens / closes, "check me in"), boarding passes, a trip's purpose or
cost centre added afterwards, passengers' names on a booking for several, and questions
about one's own trip (times, flight numbers, hotel address and nights, the day back,
terminals) — asked by flight number or by day, in the middle of another conversation
or right after booking.

Written from the user's side before reading the planner or its tests (harness.py,
tools/ and core/ read for the facts). Facts checked with the real tools on both
worlds at the frozen clock (Tue 2026-12-01 09:00 UTC), scratch scripts outside the repo:
ava's London trip: BA 19 JFK→LHR Mon 14 Dec 22:30, lands Tue 15 Dec 10:55; Holiday Inn
Express London Tower Bridge, 7 Pepys Street, 15–18 Dec (3 nights, in from 15:00, out by
11:00); BA 18 LHR→JFK Fri 18 Dec 08:45, lands 11:10. Both 787-9 economy, columns
"ABC DEFG HJK" (windows A/K, aisles C D G H), no seat yet; extra legroom rows 16 and 24
(BA 19), 12 and 20 (BA 18) at 85.00 USD. Check-in opens 24 h before (BA 19: Sun 13 Dec
22:30 at JFK; BA 18: Thu 17 Dec 08:45), closes 60 min before (BA 18: 07:45). No
boarding pass yet. Her Paris trip DL 15 BOS→CDG Thu 3 Dec 22:10, lands Fri 4 Dec 11:35,
waits for Mia (a purpose may be set while it waits; not on the confirmed London trip).
Empty world: JFK→BOS 10 Dec B6 1024 18:20→19:10 (A320neo "ABC DEF", row 5 extra
legroom 25.00), green; JFK→BOS 3 Dec 18:20 amber (2 days ahead); ORD→ATL 12 Dec
10:55→13:40 green. Seats chosen by position cost nothing (choose_seats); a seat with a
fee on a confirmed booking is buy_seats, which asks first.

First try 29/35 at 03:44 UTC (main at 7473ffc, `python -m pytest -q -n 2
tests/concierge/test_planner_p32after.py`). Failed: a seat with a fee named after the
fee was quoted (no buy_seats asked), a cost centre added to a trip waiting for approval,
"which day am I back?", a booking for the speaker and a colleague in one message, "my
flight number home" (answered with another trip's flight), and a question about one's
trip between a hold and its "yes" (the hold was dropped). Known gaps run as strict xfails
(GAPS, by position).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.concierge.heldout.harness import Case, Outcome, World, dialogue, run_case, worlds_fixture

worlds = worlds_fixture("empty", "trips")

Check = Callable[[Outcome], list[str]]

WINDOW = {"A", "K"}  # 787-9 "ABC DEFG HJK"
AISLE = {"C", "D", "G", "H"}


def _booking(outcome: Outcome, label: str) -> dict[str, Any]:
    assert outcome.after is not None
    return outcome.after.bookings[outcome.labels[label]]


def _new(outcome: Outcome) -> list[dict[str, Any]]:
    assert outcome.after is not None
    assert outcome.before is not None
    return [b for k, b in outcome.after.bookings.items() if k not in outcome.before.bookings]


def _seats(booking: dict[str, Any], flight: str | None = None) -> list[str]:
    return [
        seat
        for s in booking["segments"]
        if s["kind"] == "flight" and (flight is None or s["flight"] == flight)
        for seat in (s.get("seats") or {}).values()
    ]


def seat_on(label: str, flight: str, letters: set[str] | None = None, seat: str = "") -> Check:
    """The world booking's flight has a seat: that seat, or one in ``letters``."""

    def check(outcome: Outcome) -> list[str]:
        got = _seats(_booking(outcome, label), flight)
        if not got:
            return [f"no seat on {flight}"]
        if seat and got != [seat]:
            return [f"{flight} seat {got}, want {seat}"]
        if letters and not all(g[-1] in letters for g in got):
            return [f"{flight} seat {got}, want a seat in {sorted(letters)}"]
        return []

    return check


def no_seat_change(label: str) -> Check:
    def check(outcome: Outcome) -> list[str]:
        return (
            [f"seats changed: {_seats(_booking(outcome, label))}"]
            if _seats(_booking(outcome, label))
            else []
        )

    return check


def purpose_of(label: str, words: str | None) -> Check:
    def check(outcome: Outcome) -> list[str]:
        got = _booking(outcome, label).get("purpose")
        if words is None:
            return [] if got is None else [f"purpose set to {got!r}"]
        return [] if got and words.lower() in got.lower() else [f"purpose {got!r}, want {words!r}"]

    return check


def new_purpose(words: str) -> Check:
    def check(outcome: Outcome) -> list[str]:
        got = [b.get("purpose") for b in _new(outcome)]
        ok = any(p and words.lower() in p.lower() for p in got)
        return [] if ok else [f"new booking purpose {got}, want {words!r}"]

    return check


def new_passengers(*names: str) -> Check:
    def check(outcome: Outcome) -> list[str]:
        have = [p["name"].lower() for b in _new(outcome) for p in b.get("passengers") or []]
        missing = [n for n in names if not any(n.lower() in h for h in have)]
        return [f"passengers {have}, missing {missing}"] if missing else []

    return check


def new_seats(letters: set[str], n: int = 1, together: bool = False) -> Check:
    def check(outcome: Outcome) -> list[str]:
        got = [s for b in _new(outcome) for s in _seats(b)]
        if len(got) != n:
            return [f"new booking seats {got}, want {n}"]
        if not all(g[-1] in letters for g in got):
            return [f"seats {got}, want letters {sorted(letters)}"]
        if together:
            rows = {g[:-1] for g in got}
            sides = {"ABC".find(g[-1]) >= 0 for g in got}
            if len(rows) != 1 or len(sides) != 1:
                return [f"seats {got} are not side by side"]
        return []

    return check


def reply_has_new_flight(outcome: Outcome) -> list[str]:
    flights = [s["flight"] for b in _new(outcome) for s in b["segments"] if s["kind"] == "flight"]
    text = outcome.turns[-1].shown
    if not flights:
        return ["nothing booked"]
    return [] if all(f in text for f in flights) else [f"reply lacks {flights}: {text[:200]!r}"]


def total_unchanged(label: str, amount: str) -> Check:
    def check(outcome: Outcome) -> list[str]:
        got = _booking(outcome, label)["total"]["amount"]
        return [] if got == amount else [f"{label} total {got}, want {amount}"]

    return check


QUIET = {"nothing_changed": True, "tools_exclude": ["search_flights", "search_hotels"]}
LONDON_OUT = r"13 Dec|Dec(ember)? 13|13th"

CASES: list[tuple[str, Case, list[Check]]] = [
    # ------------------------------------------------------------------ seats
    (
        "seat",
        dialogue(
            "Can I get a window seat on my flight to London?",
            world="trips",
            new_bookings=0,
        ),
        [seat_on("london", "BA 19", WINDOW), total_unchanged("london", "1944.90")],
    ),
    (
        "seat",
        dialogue("aisle seats on both my london flights pls", world="trips", new_bookings=0),
        [seat_on("london", "BA 19", AISLE), seat_on("london", "BA 18", AISLE)],
    ),
    (
        "seat",
        dialogue("Put me in 23A on BA 19.", world="trips", new_bookings=0, reply_contains="23A"),
        [seat_on("london", "BA 19", seat="23A")],
    ),
    (
        "seat",
        dialogue(
            (
                "is there extra legroom on my flight back from london? how much is it",
                {
                    "reply_contains": "85",
                    "nothing_changed": True,
                },
            ),
            ("ok give me 12C then", {"pending": "buy_seats"}),
            "yes",
            world="trips",
            new_bookings=0,
        ),
        [seat_on("london", "BA 18", seat="12C")],
    ),
    (
        "seat",
        dialogue(
            "what seat have I got on the flight out to London?",
            world="trips",
            reply_matches=r"no seat|not .{0,40}seat|seat.{0,40}(yet|not)|haven't|unassigned",
            **QUIET,
        ),
        [no_seat_change("london")],
    ),
    (
        "seat",
        dialogue(
            "I'd rather not be stuck in a middle seat on the overnight flight on the 14th. "
            "Can you sort me an aisle?",
            world="trips",
            new_bookings=0,
        ),
        [seat_on("london", "BA 19", AISLE)],
    ),
    (
        "seat",
        dialogue(
            "JFK to Boston on 10 Dec",
            "the 6:20 pm one",
            "yes",
            "and a window seat please",
            new_bookings=1,
            new_status="confirmed",
        ),
        [new_seats({"A", "F"})],
    ),
    (
        "seat",
        dialogue(
            "Book 2 seats JFK to Boston on Dec 10 for me and a guest, Tom Baker",
            ("the 6:20pm jetblue", {"pending": "confirm_booking"}),
            "before I confirm, can you seat us together?",
            new_bookings=1,
            pending="confirm_booking",
        ),
        [new_passengers("Ava Patel", "Tom Baker"), new_seats(set("ABCDEF"), 2, together=True)],
    ),
    # ------------------------------------------------------------------ check-in
    (
        "checkin",
        dialogue(
            "when does check-in open for my london flight?",
            world="trips",
            reply_contains="22:30",
            reply_matches=LONDON_OUT,
            **QUIET,
        ),
        [],
    ),
    (
        "checkin",
        dialogue("check me in", world="trips", reply_matches=LONDON_OUT, **QUIET),
        [],
    ),
    (
        "checkin",
        dialogue(
            "Can you check me in for Paris on Thursday?",
            world="trips",
            reply_contains="approv",
            **QUIET,
        ),
        [],
    ),
    (
        "checkin",
        dialogue(
            "What's the latest I can check in for my flight home from London?",
            world="trips",
            reply_contains="07:45",
            **QUIET,
        ),
        [],
    ),
    (
        "checkin",
        dialogue(
            "JFK to Boston on 10 Dec",
            "the 6:20 pm one",
            "yes",
            "great, check me in",
            new_bookings=1,
            new_status="confirmed",
            reply_matches=r"9 Dec|Dec(ember)? 9\b|9th",
        ),
        [],
    ),
    # ------------------------------------------------------------------ boarding passes
    (
        "pass",
        dialogue(
            "send me my boarding pass for London",
            world="trips",
            reply_matches=LONDON_OUT,
            **QUIET,
        ),
        [],
    ),
    # ------------------------------------------------------------------ purpose / cost centre
    (
        "purpose",
        dialogue("The Paris trip is for the Airbus customer workshop.", world="trips"),
        [purpose_of("paris", "Airbus customer workshop")],
    ),
    (
        "purpose",
        dialogue("pls add cost centre ENG-204 to my paris booking", world="trips"),
        [purpose_of("paris", "ENG-204")],
    ),
    (
        "purpose",
        dialogue(
            "Can you put 'client onsite at Barclays' as the purpose on my London trip?",
            world="trips",
            reply_matches=r"confirmed|already|can't|cannot|only",
            **QUIET,
        ),
        [purpose_of("london", None)],
    ),
    (
        "purpose",
        dialogue(
            "JFK to Boston Thursday 3 Dec",
            "the 6:20 pm",
            "yes",
            "oh, it's for the Boston sales kickoff",
            new_bookings=1,
            new_status="pending_approval",
        ),
        [new_purpose("sales kickoff")],
    ),
    # ------------------------------------------------------------------ passengers' names
    (
        "names",
        dialogue(
            "Book Ava and me on the 6:20pm JetBlue from JFK to Boston on Dec 10",
            user="mia",
            pending="confirm_booking",
            new_bookings=1,
        ),
        [new_passengers("Mia Chen", "Ava Patel")],
    ),
    (
        "names",
        dialogue(
            "I need 3 seats from New York to Boston on 12/10",
            "the 12:05",
            "it's me, Jon Snow and Arya Stark",
            pending="confirm_booking",
            new_bookings=1,
        ),
        [new_passengers("Ava Patel", "Jon Snow", "Arya Stark")],
    ),
    # ------------------------------------------------------------------ my trip
    (
        "mytrip",
        dialogue("what time do I land in London?", world="trips", reply_contains="10:55", **QUIET),
        [],
    ),
    (
        "mytrip",
        dialogue(
            "which day am I back?",
            world="trips",
            reply_matches=r"18 Dec|Dec(ember)? 18|18th",
            **QUIET,
        ),
        [],
    ),
    (
        "mytrip",
        dialogue(
            "Whats the adress of my hotel in london",
            world="trips",
            reply_contains="7 Pepys Street",
            **QUIET,
        ),
        [],
    ),
    (
        "mytrip",
        dialogue(
            "how many nights am I at the hotel?",
            world="trips",
            reply_matches=r"\b3 nights|three nights",
            **QUIET,
        ),
        [],
    ),
    (
        "mytrip",
        dialogue("what's my flight number home?", world="trips", reply_contains="BA 18", **QUIET),
        [],
    ),
    (
        "mytrip",
        dialogue("BA19 - what time does it leave?", world="trips", reply_contains="22:30", **QUIET),
        [],
    ),
    (
        "mytrip",
        dialogue(
            "What have I got on the 15th?",
            world="trips",
            reply_contains_any=[["10:55", "Holiday Inn"]],
            **QUIET,
        ),
        [],
    ),
    (
        "mytrip",
        dialogue(
            "which terminal do I fly out of for London?",
            world="trips",
            reply_contains="JFK",
            reply_not_contains=["Terminal 1", "Terminal 4", "Terminal 5", "Terminal 7"],
            **QUIET,
        ),
        [],
    ),
    (
        "mytrip",
        dialogue(
            "DL15 on the 3rd — what time do I get into Paris?",
            world="trips",
            reply_contains="11:35",
            **QUIET,
        ),
        [],
    ),
    (
        "mytrip",
        dialogue(
            "What hotel is Ava staying at in London, and what's the address?",
            world="trips",
            user="mia",
            reply_contains=["Holiday Inn Express", "7 Pepys Street"],
            **QUIET,
        ),
        [],
    ),
    (
        "mytrip",
        dialogue(
            "when does Ava land in London?",
            world="trips",
            user="victor",
            reply_contains="10:55",
            **QUIET,
        ),
        [],
    ),
    # ------------------------------------------------------------------ mid-conversation
    (
        "midconv",
        dialogue(
            "Flights New York to Miami on 20 Dec?",
            "btw what time is my flight to london on the 14th?",
            world="trips",
            reply_contains="22:30",
            new_bookings=0,
            tools_exclude=["search_flights"],
        ),
        [],
    ),
    (
        "midconv",
        dialogue(
            "JFK to Boston 10 Dec",
            ("6:20pm one", {"pending": "confirm_booking"}),
            ("before I confirm - when do I fly back from London?", {"reply_contains": "08:45"}),
            "ok yes book it",
            world="trips",
            new_bookings=1,
            new_status="confirmed",
        ),
        [],
    ),
    # ------------------------------------------------------------------ right after booking
    (
        "after",
        dialogue(
            "JFK to Boston on 10 Dec",
            "the 6:20 pm one",
            "yes",
            "what time do I land?",
            new_bookings=1,
            new_status="confirmed",
            reply_contains="19:10",
        ),
        [],
    ),
    (
        "after",
        dialogue(
            "Chicago to Atlanta on the 12th",
            "the 10:55",
            "yes please",
            "what's my flight number?",
            user="gus",
            new_bookings=1,
            new_status="confirmed",
        ),
        [reply_has_new_flight],
    ),
]


GAPS: set[int] = set()


@pytest.mark.parametrize(
    ("kind", "case", "extra"),
    [
        pytest.param(
            kind,
            case,
            extra,
            id=f"{kind}{i:02d}-{case.turns[-1].say[:30]}",
            marks=[pytest.mark.xfail(strict=True, reason="known gap")] if i in GAPS else [],
        )
        for i, (kind, case, extra) in enumerate(CASES)
    ],
)
async def test_p32after(
    kind: str, case: Case, extra: list[Check], worlds: dict[str, World], tmp_path: Path
) -> None:
    outcome = await run_case(case, worlds[case.world], tmp_path)
    problems = list(outcome.failures)
    if outcome.after is not None and not outcome.failures:
        problems += [p for check in extra for p in check(outcome)]
    assert not problems, "\n".join(problems)
