"""Guards for the held-out gaps closed by fix49b (now = Tue 1 Dec 2026; the cases
themselves are tests/concierge/heldout/batch_47.yaml and batch_49.yaml):

- a part of the day clipped in chat ("tmrw mornin", "mrng") is that part of the day
  (shorthand.yaml words);
- a pause beside a cancelling request ("oh wait, cancel that hotel please") is the
  request, not a pause: cancelling words are never filler where they are a request
  (answers._pause);
- a round trip's per-leg windows with a bare "out" ("out after 10am, back before 6pm")
  put the first on the flight out (dates._OUT_CLAUSE);
- a cabin asked about with a bare "ok?" ("business class jfk-bos ok?") is a policy
  question (intents.yaml policy);
- a request opening with the option it wants, no verb ("the Holiday Inn Express in
  Paris, 9 to 11 December please", "and the cheapest hotel in Atlanta till the 10th") is
  a choice made ahead, held once shown (picks: _OPENING in book_best's request and
  book_named's wish), never when it asks ("...?").

Every phrasing here is a guard, written before it was run. First try (pytest -q -n 2
tests/concierge/test_planner_fix49b.py, 12:18 UTC): clipped_part_of_day 2/2,
pause_then_cancel 2/2. Second commit's guards (12:20 UTC): per_leg_windows 2/2,
cabin_ok_question 1/2 — "first class lga to chicago fine?" was answered rightly ("No —
first class is not allowed under the policy, whatever the flight length") but the guard
wanted "economy", which that answer has no need to say: the guard's expectation was
wrong and now asks for "not allowed". Third commit's guards (12:24 UTC): choice_ahead
1/3, the two failures not of this mechanism, left as strict xfails (GAPS 8, 10): "the
Hilton in London, 15 to 18 December please" is read as a round trip of flights (a bare
chain name with no hotel word is no hotel request); "the cheapest hotel in paris 9-11
dec?" is read as a question about one's own trips (list_trips, nothing held, as wanted,
but no hotel search). The second passes since 7dfe89e ("the cheapest hotel in X" no
longer names a booked hotel), the first since g35g (a hotel brand opening a request, then
where, is a stay); both stay as regression cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.concierge.heldout.harness import (
    Case,
    World,
    case_params,
    dialogue,
    flight_search,
    runs_as_expected,
    worlds_fixture,
)

worlds = worlds_fixture("empty")


CASES: list[tuple[str, Case]] = [
    (
        "clipped_part_of_day",
        dialogue(
            "need a flite bos to atlanta fri 11th mornin pls",
            calls=[flight_search("BOS", "atlanta", "2026-12-11")],
            options={"depart_before": "12:00"},
        ),
    ),
    (
        "clipped_part_of_day",
        dialogue(
            "chicago to miami mon 14th, mrng flight",
            calls=[flight_search("chicago", "miami", "2026-12-14")],
            options={"depart_before": "12:00"},
        ),
    ),
    (
        "pause_then_cancel",
        dialogue(
            "JFK to Boston on the 10th",
            "1",
            ("yes", {"new_status": "confirmed"}),
            ("hold on - cancel that flight please", {"pending": "cancel_booking"}),
            "yes",
            new_bookings=1,
            new_status="cancelled",
        ),
    ),
    (
        "pause_then_cancel",
        dialogue(
            "hotel in paris 9-11 dec",
            "number 1",
            ("yes", {"new_status": "confirmed"}),
            "hmm one sec, actually cancel the booking",
            pending="cancel_booking",
        ),
    ),
    (
        "per_leg_windows",
        dialogue(
            "JFK to Chicago wed 9th, back fri 11th - out before noon, back after 3pm",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {
                        "origin": "JFK",
                        "destination": "chicago",
                        "date": "2026-12-09",
                        "depart_before": "12:00",
                    },
                },
                {
                    "tool": "search_flights",
                    "args": {
                        "origin": "chicago",
                        "destination": "JFK",
                        "date": "2026-12-11",
                        "depart_after": "15:00",
                    },
                },
            ],
            nothing_changed=True,
        ),
    ),
    (
        "per_leg_windows",
        dialogue(
            "atlanta to boston on the 14th returning the 16th; out in the morning and back in the evening",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {
                        "origin": "ATL",
                        "destination": "BOS",
                        "date": "2026-12-14",
                        "depart_before": "12:00",
                    },
                },
                {
                    "tool": "search_flights",
                    "args": {"origin": "BOS", "destination": "ATL", "date": "2026-12-16"},
                },
            ],
            nothing_changed=True,
        ),
    ),
    (
        "cabin_ok_question",
        dialogue(
            "first class lga to chicago fine?",
            tools_exclude=["search_flights", "reserve"],
            nothing_changed=True,
            reply_contains_any=[["not allowed"]],
        ),
    ),
    (
        "cabin_ok_question",
        dialogue(
            "is biz class boston to london ok?",
            tools_exclude=["search_flights", "reserve"],
            nothing_changed=True,
            reply_contains_any=[["business"], ["6 h", "6h", "six hours", "6 hours"]],
        ),
    ),
    (
        "choice_ahead",
        dialogue(
            "the Hilton in London, 15 to 18 December please",
            new_bookings=1,
            new_status="held",
            pending="confirm_booking",
        ),
    ),
    (
        "choice_ahead",
        dialogue(
            "ok and the cheapest hotel in Boston from the 15th to the 17th",
            new_bookings=1,
            new_status="held",
            pending="confirm_booking",
        ),
    ),
    (
        "choice_ahead",
        dialogue(
            "the cheapest hotel in paris 9-11 dec?",
            calls=[{"tool": "search_hotels", "args": {"city": "paris"}}],
            nothing_changed=True,
            pending="none",
        ),
    ),
]

GAPS: set[int] = set()


@pytest.mark.parametrize(("kind", "case"), case_params(CASES, GAPS))
async def test_fix49b_guard(
    kind: str, case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)
