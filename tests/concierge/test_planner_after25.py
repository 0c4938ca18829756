"""Life after booking, and managers, second pass (now = Tue 1 Dec 2026; world "trips": ava's
confirmed London trip BA 19 JFK->LHR Mon 14 Dec 22:30 (lands 10:55 on the 15th), Holiday Inn
Express London Tower Bridge 15-18 Dec (check-in from 15:00, out by 11:00), BA 18 LHR->JFK Fri
18 Dec 08:45, total 1,944.90 USD, e-tickets 1252000000010 out / 1252000000030 back; her DL 15
BOS->CDG Thu 3 Dec 22:10 waiting for Mia: booked 2 days ahead where policy asks 7; victor is
the VP above mia).

Phrasings written from the user's side before reading the planner code (only the held-out
batch_37 header and cases were read, for the world and the facts the tools give), run once
on main ccf0680 before any fix. First try 10/31 = 32 % (pytest -n 0
tests/concierge/test_planner_after25.py, 04:05 UTC), by kind: trip_by_date 2/4 (a date alone
starts a flight search), trip_by_origin 1/3 ("the one from boston" at "which trip?"),
follow_up_subject 1/2 ("and check out?" after the hotel's check-in), trip_purpose 0/2,
rebook_same_flight 0/3, cancel_one_leg 3/3, extend_stay 0/3, checkin_opening_time 0/2 (the
boarding pass reply does not say when check-in opens), passenger_details 0/3, approval_reason
1/2, vp_team_view 0/2 (a VP's org queue answered with his own empty queue), own_trip 2/2.

After the fix 25/31; left as strict xfails: "the one leaving from JFK" at "which trip?"
(5), "push my London flight back a day" and "Move Ava's London flight to Dec 15" (11, 13:
the flight home is moved, "back"/"to Dec 15" read as the return), extend_stay (17-19: extra
nights at the booked hotel are not read as a hotel search from the stay's last night).
Guards (GUARDS, written after the fix), first try 8/8 (pytest -n 0 -k guards, 04:55 UTC).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.concierge.heldout.harness import (
    Case,
    World,
    case_params,
    dialogue,
    hotel_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty", "trips")

T = "trips"
CANT = ["whole", "entire", "all of", "only cancel", "can't", "cannot", "not able", "unable"]


CASES: list[tuple[str, Case]] = [
    # ------------------------------------------------------------ own trips by date
    (
        "trip_by_date",
        dialogue(
            "do I have anything on the 14th of december?",
            world=T,
            nothing_changed=True,
            reply_contains="BA 19",
            reply_contains_any=[["22:30", "10:30 pm", "10:30pm"]],
        ),
    ),
    (
        "trip_by_date",
        dialogue(
            "what's on for me on 18/12",
            world=T,
            nothing_changed=True,
            reply_contains="BA 18",
            reply_contains_any=[["08:45", "8:45"]],
        ),
    ),
    (
        "trip_by_date",
        dialogue(
            "am i flying anywhere on thursday?",
            world=T,
            nothing_changed=True,
            reply_contains="DL 15",
            reply_contains_any=[["22:10", "10:10 pm", "10:10pm"]],
        ),
    ),
    (
        "trip_by_date",
        dialogue(
            "Anything booked for Dec 15?",
            world=T,
            nothing_changed=True,
            reply_contains_any=[["Holiday Inn Express", "10:55", "BA 19"]],
        ),
    ),
    # ------------------------------------------------------------ which trip: by origin
    (
        "trip_by_origin",
        dialogue(
            ("cancel my trip", {"pending": None, "nothing_changed": True}),
            "the one from boston",
            world=T,
            pending="cancel_booking",
            pending_args={"booking_id": "@paris"},
            nothing_changed=True,
        ),
    ),
    (
        "trip_by_origin",
        dialogue(
            ("I'd like to cancel a booking", {"pending": None, "nothing_changed": True}),
            "the one leaving from JFK",
            world=T,
            pending="cancel_booking",
            pending_args={"booking_id": "@london"},
            nothing_changed=True,
        ),
    ),
    (
        "trip_by_origin",
        dialogue(
            "cancel the trip out of boston please",
            world=T,
            pending="cancel_booking",
            pending_args={"booking_id": "@paris"},
            nothing_changed=True,
        ),
    ),
    # ------------------------------------------------------------ follow-up keeps the subject
    (
        "follow_up_subject",
        dialogue(
            (
                "when's check-in at my london hotel?",
                {"reply_contains_any": [["15:00", "3 pm", "3pm"]]},
            ),
            "and check out?",
            world=T,
            nothing_changed=True,
            reply_contains_any=[["11:00", "11 am", "11am"]],
        ),
    ),
    (
        "follow_up_subject",
        dialogue(
            ("What time does my flight to London leave?", {"reply_contains_any": [["22:30"]]}),
            "and what time does it land?",
            world=T,
            nothing_changed=True,
            reply_contains_any=[["10:55"]],
        ),
    ),
    # ------------------------------------------------------------ trip purpose for the approver
    (
        "trip_purpose",
        dialogue(
            "The Paris trip is for a customer workshop with Renault, please add that for Mia",
            world=T,
            tools_include=["set_trip_purpose"],
            booking_status={"paris": "pending_approval", "london": "confirmed"},
            pending=None,
        ),
    ),
    (
        "trip_purpose",
        dialogue(
            "tell my manager the paris flight is for the airbus quarterly review so she can ok it",
            world=T,
            tools_include=["set_trip_purpose"],
            booking_status={"paris": "pending_approval"},
            pending=None,
        ),
    ),
    # ------------------------------------------------------------ same flight, another day
    (
        "rebook_same_flight",
        dialogue(
            "push my London flight back a day, same flight please",
            world=T,
            pending="rebook",
            pending_args={"booking_id": "@london", "offer_id": "FL-15342"},
            nothing_changed=True,
        ),
    ),
    (
        "rebook_same_flight",
        dialogue(
            "can I take the same BA 19 but on the 15th instead?",
            world=T,
            pending="rebook",
            pending_args={"booking_id": "@london", "offer_id": "FL-15342"},
            nothing_changed=True,
        ),
    ),
    (
        "rebook_same_flight",
        dialogue(
            "Move Ava's London flight to Dec 15, same flight",
            world=T,
            user="mia",
            pending="rebook",
            pending_args={"booking_id": "@london", "offer_id": "FL-15342"},
            nothing_changed=True,
        ),
    ),
    # ------------------------------------------------------------ cancel one leg only
    (
        "cancel_one_leg",
        dialogue(
            "cancel only my flight back from London",
            world=T,
            nothing_changed=True,
            pending=None,
            reply_contains_any=[CANT],
        ),
    ),
    (
        "cancel_one_leg",
        dialogue(
            "can you just cancel the outbound flight to london and keep the hotel",
            world=T,
            nothing_changed=True,
            pending=None,
            reply_contains_any=[CANT],
        ),
    ),
    (
        "cancel_one_leg",
        dialogue(
            "I dont need the london hotel anymore, cancel it but leave the flights",
            world=T,
            nothing_changed=True,
            pending=None,
            reply_contains_any=[CANT],
        ),
    ),
    # ------------------------------------------------------------ extra nights
    (
        "extend_stay",
        dialogue(
            "add 2 nights to my london hotel",
            world=T,
            calls=[hotel_search("london", "2026-12-18", "2026-12-20")],
            booking_status={"london": "confirmed"},
        ),
    ),
    (
        "extend_stay",
        dialogue(
            "Can I extend my hotel in London until the 20th? Same place.",
            world=T,
            calls=[hotel_search("london", "2026-12-18", "2026-12-20")],
            booking_status={"london": "confirmed"},
        ),
    ),
    (
        "extend_stay",
        dialogue(
            "i want to stay in london 2 extra nights",
            "the holiday inn express please",
            world=T,
            new_bookings=1,
            segments=[
                {
                    "kind": "hotel",
                    "hotel": "Holiday Inn Express London Tower Bridge",
                    "check_in": "2026-12-18",
                    "check_out": "2026-12-20",
                }
            ],
            pending="confirm_booking",
            booking_status={"london": "confirmed"},
        ),
    ),
    # ------------------------------------------------------------ boarding pass before check-in opens
    (
        "checkin_opening_time",
        dialogue(
            "send me my boarding pass for the london flight",
            world=T,
            nothing_changed=True,
            reply_contains_any=[
                ["check in", "check-in"],
                ["13 Dec", "december 13", "dec 13", "13th"],
            ],
        ),
    ),
    (
        "checkin_opening_time",
        dialogue(
            "boarding pass for my flight home pls",
            world=T,
            nothing_changed=True,
            reply_contains_any=[
                ["check in", "check-in"],
                ["17 Dec", "december 17", "dec 17", "17th"],
            ],
        ),
    ),
    # ------------------------------------------------------------ passenger details
    (
        "passenger_details",
        dialogue(
            "what name is on my london booking?",
            world=T,
            nothing_changed=True,
            reply_contains="Ava Patel",
        ),
    ),
    (
        "passenger_details",
        dialogue(
            "ticket number for my return flight from london?",
            world=T,
            nothing_changed=True,
            reply_contains="1252000000030",
        ),
    ),
    (
        "passenger_details",
        dialogue(
            "Could you give me the e-ticket numbers for the London trip please",
            world=T,
            nothing_changed=True,
            reply_contains="1252000000010",
        ),
    ),
    # ------------------------------------------------------------ a manager: why flagged
    (
        "approval_reason",
        dialogue(
            "why does Ava's Paris trip need my approval?",
            world=T,
            user="mia",
            nothing_changed=True,
            reply_contains_any=[["7 days", "seven days", "2 days ahead", "two days ahead"]],
        ),
    ),
    (
        "approval_reason",
        dialogue(
            "what got Ava's paris flight flagged",
            world=T,
            user="mia",
            nothing_changed=True,
            reply_contains_any=[["7 days", "seven days", "2 days ahead", "two days ahead"]],
        ),
    ),
    # ------------------------------------------------------------ a VP's view
    (
        "vp_team_view",
        dialogue(
            "who's holding up approvals in my team?",
            world=T,
            user="victor",
            nothing_changed=True,
            reply_contains_any=[["ava"], ["paris", "CDG"], ["mia", "manager"]],
        ),
    ),
    (
        "vp_team_view",
        dialogue(
            "Anything pending approval across my org? Whose desk is it on?",
            world=T,
            user="victor",
            nothing_changed=True,
            reply_contains_any=[["ava"], ["paris", "CDG"], ["mia", "manager"]],
        ),
    ),
    # ------------------------------------------------------------ plain own-trip questions
    (
        "own_trip",
        dialogue(
            "When does Ava fly home from London?",
            world=T,
            user="mia",
            nothing_changed=True,
            reply_contains_any=[["08:45", "8:45"]],
        ),
    ),
    (
        "own_trip",
        dialogue(
            "whats the total for my paris trip",
            world=T,
            nothing_changed=True,
            reply_contains_any=[["732.10"]],
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_after25(kind: str, case: Case, worlds: dict[str, World], tmp_path: Path) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# guard, written after the fix
GUARDS: list[tuple[str, Case]] = [
    (
        "vp_team_view",
        dialogue(
            "who are the pending approvals in my org waiting on?",
            world=T,
            user="victor",
            nothing_changed=True,
            reply_contains_any=[["ava"], ["paris", "CDG"], ["mia", "manager"]],
        ),
    ),
    (
        "approval_reason",
        dialogue(
            "what flagged Ava's Paris booking for approval?",
            world=T,
            user="mia",
            nothing_changed=True,
            reply_contains_any=[["7 days", "seven days", "2 days ahead", "two days ahead"]],
        ),
    ),
    (
        "passenger_details",
        dialogue(
            "what's the ticket number on my flight to London?",
            world=T,
            nothing_changed=True,
            reply_contains="1252000000010",
        ),
    ),
    (
        "passenger_details",
        dialogue(
            "whose name is on Ava's London booking?",
            world=T,
            user="mia",
            nothing_changed=True,
            reply_contains="Ava Patel",
        ),
    ),
    (
        "trip_by_date",
        dialogue(
            "do we have anything booked on the 18th?",
            world=T,
            nothing_changed=True,
            reply_contains="BA 18",
            reply_contains_any=[["08:45", "8:45"]],
        ),
    ),
    (
        "trip_purpose",
        dialogue(
            "the London trip is for the Q1 planning offsite, can you note that?",
            world=T,
            tools_include=["set_trip_purpose"],
            booking_status={"london": "confirmed", "paris": "pending_approval"},
            pending=None,
        ),
    ),
    (
        "checkin_opening_time",
        dialogue(
            "boarding pass for BA 18 please",
            world=T,
            nothing_changed=True,
            reply_contains_any=[["check in", "check-in"], ["17 Dec", "december 17", "dec 17"]],
        ),
    ),
    (
        "trip_by_origin",
        dialogue(
            ("cancel my booking", {"pending": None, "nothing_changed": True}),
            "the new york one",
            world=T,
            pending="cancel_booking",
            pending_args={"booking_id": "@london"},
            nothing_changed=True,
        ),
    ),
]

GUARD_GAPS: set[int] = set()


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
async def test_after25_guards(
    kind: str, case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)
