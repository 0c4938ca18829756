"""The mechanisms behind closed held-out gaps, on OTHER phrasings of the same kind.

Each held-out case (tests/concierge/heldout/) that a fix closed stays there as a
regression case; these tests show the fix is a reading of a kind of phrase, not of
one sentence (now = Tue 1 Dec 2026 09:00 UTC).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage

from concierge.planner.flows.base import Context
from concierge.planner.flows.lookup import trip_matches
from concierge.planner.flows.options import pick
from concierge.planner.flows.stays import stay_after
from concierge.planner.nlu import holidays
from concierge.planner.nlu.answers import Answer, Asked, classify
from concierge.planner.nlu.dates import end_from, read_dates
from concierge.planner.nlu.intents import Intent, understand
from concierge.planner.nlu.picks import best_in_request
from concierge.planner.nlu.picks import read as read_picks
from tests.concierge.heldout.harness import (
    Case,
    World,
    dialogue,
    runs_as_expected,
    worlds_fixture,
)
from tests.concierge.planner_kit import AVA, NOW, Dialogue, FakeBackend, money, trip

D = date
_CTX = Context(now=NOW)


# Some kinds are shown on the real demo data, through the held-out harness (the real
# Concierge, tools and booking core on a copy of a seeded world): what was held, at what
# time, from which airport. Each case is a dialogue as the user types it.


worlds = worlds_fixture("empty", "trips")



# ---------------------------------------------------------------- typo_tolerance


@pytest.mark.parametrize(
    ("text", "cabin"),
    [
        ("bussiness class to London tomorrow", "business"),
        ("buisness please", "business"),
        ("econmy is fine, Boston to Miami on the 9th", "economy"),
        ("premuim economy to Paris on Friday", "premium"),
        # real words near a cabin word stay what they are
        ("an economic summit in Paris on the 9th", None),
        ("a businessman's trip to London", None),
    ],
)
def test_misspelt_cabins_are_read(text: str, cabin: str | None) -> None:
    assert understand(text, NOW).cabin == cabin


# ---------------------------------------------------------------- date_order


@pytest.mark.parametrize(
    ("text", "depart", "ret"),
    [
        # a day-first date settles the order of the other one, across the year end
        ("London 30/12 - 3/1", D(2026, 12, 30), D(2027, 1, 3)),
        ("hotel in Paris 29/12 to 4/1 please", D(2026, 12, 29), D(2027, 1, 4)),
        # ... and a month-first one too, whatever the traveller's region
        ("from 12/28 to 1/2, hotel in Paris", D(2026, 12, 28), D(2027, 1, 2)),
    ],
)
def test_numeric_dates_in_one_message_share_one_order(text: str, depart: date, ret: date) -> None:
    for month_first in (True, False):
        reading = read_dates(text, NOW, month_first=month_first)
        assert (reading.depart, reading.ret, reading.question) == (depart, ret, None)


def test_a_numeric_date_is_not_a_time_of_day() -> None:
    reading = read_dates("from 28/12 to 02/01", NOW)
    assert (reading.depart_after, reading.depart_before) == (None, None)
    assert read_dates("leaving after 5 on 28/12", NOW).depart_after == "17:00"


# ---------------------------------------------------------------- date_range


@pytest.mark.parametrize(
    ("text", "depart", "ret"),
    [
        (
            "over christmas, the 23rd to the 27th, a hotel in Boston",
            D(2026, 12, 23),
            D(2026, 12, 27),
        ),
        ("Paris for NYE, Dec 30 - Jan 2", D(2026, 12, 30), D(2027, 1, 2)),
        ("christmas in london 24-27 dec", D(2026, 12, 24), D(2026, 12, 27)),
    ],
)
def test_a_day_named_beside_a_range_it_falls_in_only_labels_it(
    text: str, depart: date, ret: date
) -> None:
    reading = read_dates(text, NOW)
    assert (reading.depart, reading.ret, reading.question) == (depart, ret, None)


# ---------------------------------------------------------------- correction


@pytest.mark.parametrize(
    ("text", "day", "corrected"),
    [
        ("not the 8th, the 10th", D(2026, 12, 10), D(2026, 12, 8)),
        ("make it the 12th instead of the 9th", D(2026, 12, 12), D(2026, 12, 9)),
        ("Dec 14 rather than Dec 12", D(2026, 12, 14), D(2026, 12, 12)),
        ("oops, friday not thursday", D(2026, 12, 4), D(2026, 12, 3)),
    ],
)
def test_a_corrected_day_replaces_the_old_one(text: str, day: date, corrected: date) -> None:
    reading = read_dates(text, NOW)
    assert (reading.depart, reading.ret, reading.question) == (day, None, None)
    assert reading.corrected == corrected


async def test_correcting_the_return_day_moves_the_return_only() -> None:
    d = Dialogue()
    await d.say("Boston to Chicago on the 8th, coming back the 11th")
    await d.say("oops, I meant the 12th rather than the 11th")
    searched = [(a["date"], a.get("leg")) for n, a in d.backend.calls if n == "search_flights"]
    assert searched[-2:] == [("2026-12-08", None), ("2026-12-12", "return")]


# ---------------------------------------------------------------- approval_note


@pytest.mark.parametrize(
    ("text", "note"),
    [
        (
            "Decline Ben's hotel. Reason - over the cap. Ask him to pick another one.",
            "Over the cap. Ask him to pick another one",
        ),
        (
            "approve Ava's request, comment: fine this once, but book earlier next time",
            "Fine this once, but book earlier next time",
        ),
        ("approve Ava's trip, reason: client visit. thanks", "Client visit"),
        (
            "Reject Ava's trip - too expensive, book economy instead",
            "Too expensive, book economy instead",
        ),
        # a name is not a clause: "Jasper's" holds no "as ..." note
        ("approve Jasper's trip", None),
        # a label for whom the note is ("note for her:", "message to Ava -")
        (
            "Please reject Ava's Boston–Paris request. Note for her: the visit moved to "
            "January, so rebook closer to the date.",
            "The visit moved to January, so rebook closer to the date",
        ),
        ("reject it. message to ava: book economy", "Book economy"),
        ("approve, note to Ava: enjoy the trip", "Enjoy the trip"),
        ("reject the paris one, comment for the team - re-quote in Jan", "Re-quote in Jan"),
    ],
)
def test_an_approval_note_keeps_every_clause(text: str, note: str | None) -> None:
    u = understand(text, NOW)
    assert u.intent == Intent.DECIDE
    assert u.note == note


# ---------------------------------------------------------------- approvals_listing


@pytest.mark.parametrize(
    "text",
    [
        "is there anything for me to approve today",
        "what do I need to approve?",
        "anything I should sign off on?",
        "which trips do I need to approve",
        "what can I approve?",
    ],
)
def test_asking_what_there_is_to_approve_lists_approvals(text: str) -> None:
    assert understand(text, NOW).intent == Intent.APPROVALS


@pytest.mark.parametrize(
    "text",
    ["I want to approve Ava's trip", "please approve Ben's hotel, it's fine", "approve AP-12345"],
)
def test_a_verb_with_an_object_is_still_a_decision(text: str) -> None:
    assert understand(text, NOW).intent == Intent.DECIDE


# ---------------------------------------------------------------- approve_it_after_list


def _approval(approval_id: str, trip_text: str) -> dict[str, object]:
    return {
        "approval_id": approval_id,
        "status": "pending",
        "what": "booking",
        "booking_id": f"BK-{approval_id[3:]}",
        "traveler": "Ava Traveller",
        "trip": trip_text,
        "hotels": [],
        "amount": money(900),
        "reasons": ["Booked fewer than 7 days ahead"],
        "your_role": "manager",
        "your_step": "pending",
    }


@pytest.mark.parametrize(
    ("text", "decision"),
    [
        ("yes approve", "approve"),
        ("okay, sign off on that please", "approve"),
        ("go ahead and approve it 👍", "approve"),
    ],
)
async def test_a_decision_by_pronoun_after_a_list_of_one_is_about_that_one(
    text: str, decision: str
) -> None:
    d = Dialogue(backend=FakeBackend(approvals=[_approval("AP-7", "AF 7 JFK→CDG Thu 10 Dec")]))
    assert "1 request" in await d.say("anything waiting on me?")
    assert await d.say(text) == "<confirm decide_approval>"
    assert d.asked("decide_approval")["approval_id"] == "AP-7"
    assert d.asked("decide_approval")["decision"] == decision


# A rejection said with no reason asks for one first (batch 30 b30_ap_reject_asks_reason:
# the traveller is told why); the reason then rejects that same request, as its note.
@pytest.mark.parametrize("text", ["reject that one", "nope, decline it"])
async def test_a_rejection_by_pronoun_after_a_list_of_one_asks_why_then_rejects_that_one(
    text: str,
) -> None:
    d = Dialogue(backend=FakeBackend(approvals=[_approval("AP-7", "AF 7 JFK→CDG Thu 10 Dec")]))
    assert "1 request" in await d.say("anything waiting on me?")
    assert "Why are you rejecting" in await d.say(text)
    assert await d.say("booked far too late for a trip like this") == "<confirm decide_approval>"
    assert d.asked("decide_approval")["approval_id"] == "AP-7"
    assert d.asked("decide_approval")["decision"] == "reject"
    assert "far too late" in d.asked("decide_approval")["note"]


async def test_a_decision_by_pronoun_after_a_list_of_two_asks_which() -> None:
    approvals = [
        _approval("AP-7", "AF 7 JFK→CDG Thu 10 Dec"),
        _approval("AP-8", "BA 117 JFK→LHR Fri 18 Dec"),
    ]
    d = Dialogue(backend=FakeBackend(approvals=approvals))
    await d.say("whats in my approval queue")
    reply = await d.say("ok approve it")
    assert "Which request do you mean?" in reply
    assert "decide_approval" not in d.backend.names()


async def test_approve_it_with_no_list_shown_decides_nothing() -> None:
    d = Dialogue(backend=FakeBackend(approvals=[_approval("AP-7", "AF 7 JFK→CDG Thu 10 Dec")]))
    await d.say("JFK to Boston on Dec 11")
    await d.say("approve it")
    assert "decide_approval" not in d.backend.names()


# ---------------------------------------------------------------- reject_with_note


@pytest.mark.parametrize(
    ("text", "decision", "chosen"),
    [
        # a place in the note is advice to the traveller, not the trip decided on
        ("Reject Ava's Paris trip please, tell her to fly out of JFK instead.", "reject", "AP-7"),
        ("decline the London one - she should go via Boston", "reject", "AP-8"),
        ("approve Ava's London trip, note: next time try Newark", "approve", "AP-8"),
        ("reject the Paris request, comment: Chicago first, then Paris", "reject", "AP-7"),
    ],
)
async def test_a_place_in_the_note_does_not_choose_the_request(
    text: str, decision: str, chosen: str
) -> None:
    approvals = [
        _approval("AP-7", "Boston→Paris (BOS→CDG) Thu 10 Dec"),
        _approval("AP-8", "New York→London (JFK→LHR) Fri 18 Dec"),
    ]
    d = Dialogue(profile=dict(MIA), backend=FakeBackend(approvals=approvals))
    assert await d.say(text) == "<confirm decide_approval>"
    assert d.asked("decide_approval")["approval_id"] == chosen
    assert d.asked("decide_approval")["decision"] == decision


# ---------------------------------------------------------------- hotel_after_flight


def _leg(origin: str, dest: str, depart: str, arrive: str) -> dict[str, object]:
    return {"kind": "flight", "status": "confirmed", "origin": origin, "destination": dest,
            "depart": depart, "arrive": arrive, "passengers": 1}  # fmt: skip


def test_a_stay_starts_when_the_last_connection_lands_and_ends_at_the_next_flight() -> None:
    booking = {
        "segments": [
            _leg("EWR", "ORD", "2026-12-09T18:00-05:00", "2026-12-09T19:30-06:00"),
            _leg("ORD", "CDG", "2026-12-09T21:45-06:00", "2026-12-10T13:05+01:00"),
            _leg("CDG", "EWR", "2026-12-13T10:00+01:00", "2026-12-13T12:40-05:00"),
        ]
    }
    stay = stay_after(booking)
    assert stay is not None
    assert (stay.city, stay.check_in, stay.check_out) == ("Paris", D(2026, 12, 10), D(2026, 12, 13))


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("a room there until Monday", D(2026, 12, 18), D(2026, 12, 21)),
        ("somewhere to stay till Sunday please", D(2026, 12, 18), D(2026, 12, 20)),
        ("I need a hotel up to the 3rd", D(2026, 12, 18), D(2027, 1, 3)),
    ],
)
def test_the_end_of_a_stay_counts_from_its_first_night(text: str, start: date, end: date) -> None:
    assert end_from(read_dates(text, NOW), start) == end


async def _booked_flight() -> Dialogue:
    d = Dialogue(backend=FakeBackend(real_segments=True))
    await d.say("JFK to London on Dec 18, one way")
    assert await d.say("option 1") == "<confirm confirm_booking>"
    reply = await d.confirm()
    assert "Also need a hotel in London" in reply
    return d


@pytest.mark.parametrize(
    ("text", "check_out"),
    [
        ("could you also get me a room there until Monday?", "2026-12-21"),
        ("and a hotel for 4 nights", "2026-12-22"),
        ("I'll need a place to stay from when I land until Tuesday the 22nd", "2026-12-22"),
    ],
)
async def test_a_hotel_asked_for_after_a_booked_flight_starts_when_it_lands(
    text: str, check_out: str
) -> None:
    d = await _booked_flight()
    await d.say(text)
    args = d.backend.last("search_hotels")
    assert (args["city"], args["check_in"], args["check_out"]) == (
        "London",
        "2026-12-18",
        check_out,
    )


async def test_a_hotel_for_my_trip_is_dated_by_the_booked_flight() -> None:
    backend = FakeBackend(real_segments=True)
    backend.trips = [trip("BK-TEST01", "BA 101 JFK→LHR Fri 18 Dec 08:05", 450)]
    backend.bookings["BK-TEST01"] = backend._booking("BK-TEST01", "confirmed", [])
    backend.bookings["BK-TEST01"]["segments"] = [
        {
            **_leg("JFK", "LHR", "2026-12-17T22:30-05:00", "2026-12-18T10:35+00:00"),
            "segment_id": "SG-0",
            "price": money(450),
            "refundable": False,
        }
    ]
    d = Dialogue(backend=backend)
    await d.say("Please find me a hotel in London for my trip, 3 nights")
    args = d.backend.last("search_hotels")
    assert (args["check_in"], args["check_out"]) == ("2026-12-18", "2026-12-21")


# ---------------------------------------------------------------- hotel_request_read_as_flight


@pytest.mark.parametrize(
    "text",
    [
        "put us up somewhere central in Paris, Dec 9 to Dec 11",
        "Boston please, checking in on the 14th and out on the 16th",
    ],
)
def test_a_stay_worded_without_the_word_hotel_searches_hotels_only(text: str) -> None:
    u = understand(text, NOW)
    assert (u.intent, u.want_hotel, u.want_flight) == (Intent.SEARCH, True, False)


async def test_put_me_in_a_place_with_days_searches_the_stay_not_flights() -> None:
    d = Dialogue()
    await d.say("Put me up at the Marriott in Paris, checking in Dec 9, out Dec 11")
    assert "search_flights" not in d.backend.names()
    hotel = d.backend.last("search_hotels")
    assert (hotel["check_in"], hotel["check_out"]) == ("2026-12-09", "2026-12-11")


@pytest.mark.parametrize(
    ("text", "flight"),
    [
        # a hotel and a place, nothing about getting there: the stay only
        ("need a hotel, Paris, Dec 10 to 12", False),
        ("Paris hotel 10-12 December", False),
        ("busco un hotel en Paris", False),  # a foreign 'in' is still a place to stay
        ("room for 2 nights, Boston, from the 14th", False),
        # ... but a trip, an origin or a second place asks how to get there too
        ("Paris trip Dec 10-12 with a hotel", None),
        ("hotel in Paris and flights from JFK, Dec 10-12", True),
        ("Boston to Paris, Dec 10-12, hotel", None),
        ("a hotel in Paris and a flight there", True),
    ],
)
def test_a_hotel_request_that_says_nothing_of_flying_is_the_stay_only(
    text: str, flight: bool | None
) -> None:
    u = understand(text, NOW)
    assert (u.want_hotel, u.want_flight) == (True, flight)


# ---------------------------------------------------------------- unsupported_wish_in_pick


async def test_a_pick_with_a_seat_wish_holds_the_pick_and_chooses_the_seat() -> None:
    d = Dialogue()
    await d.say("JFK to London on Dec 18")
    reply = await d.say("the 10:05 flight, and a window seat would be great")
    assert reply == "<confirm confirm_booking>"
    assert [i["offer_id"] for i in d.backend.last("reserve")["items"]] == ["FL-102"]
    said = " ".join(str(m.content) for m in d.messages[-6:] if hasattr(m, "content"))
    # The wish is granted on the hold, before the confirmation is asked for.
    seated = d.backend.last("choose_seats")
    assert [a["position"] for a in seated["assignments"]] == ["window"]
    assert d.backend.names()[-2:] == ["reserve", "choose_seats"]  # then the yes is asked for
    assert "21A" in said


def test_a_seat_wish_alone_is_a_wish_for_seats() -> None:
    assert understand("window seat please", NOW).intent == Intent.SEATS


# ---------------------------------------------------------------- descriptive_pick (carrier + nonstop)


@pytest.mark.parametrize(
    "text", ["the Delta nonstop please", "I'll go with the direct Delta one", "the Delta non-stop"]
)
def test_a_carrier_with_nonstop_picks_that_carriers_flight_without_stops(text: str) -> None:
    items = [
        {"option": 1, "flights": ["DL 1"], "carrier": "Delta", "stops": 1},
        {"option": 2, "flights": ["AA 2"], "carrier": "American Airlines", "stops": 0},
        {"option": 3, "flights": ["DL 3"], "carrier": "Delta", "stops": 0},
    ]
    (ref,) = understand(text, NOW).options
    assert (ref.carrier, ref.direct) == ("Delta", True)
    picked = pick(items, ref)
    assert isinstance(picked, dict)
    assert picked["option"] == 3


# ---------------------------------------------------------------- policy_words_in_request


@pytest.mark.parametrize(
    "text",
    [
        "find me flights to Paris on Dec 9 within policy",
        "an in-policy hotel in London for Dec 8-10 please",
        "Boston hotel Dec 14 to 16, compliant with the travel policy",
    ],
)
def test_policy_words_in_a_request_narrow_the_search(text: str) -> None:
    u = understand(text, NOW)
    assert (u.intent, u.within_policy) == (Intent.SEARCH, True)


@pytest.mark.parametrize(
    "text", ["is a hotel in Paris on Dec 5 within policy?", "what's the hotel limit in London?"]
)
def test_a_question_about_the_policy_stays_a_policy_question(text: str) -> None:
    assert understand(text, NOW).intent == Intent.POLICY


async def test_a_search_within_policy_says_which_options_are() -> None:
    d = Dialogue(backend=FakeBackend(policy_status={2: "amber", 4: "red"}))
    reply = await d.say("JFK to London on Dec 18, something inside the policy limits")
    assert d.backend.names().count("search_flights") == 1
    assert "get_policy" not in d.backend.names()
    assert "Within policy: flights" in reply


# ---------------------------------------------------------------- check-in of one's own flight
# Once "honest: not supported"; check-in is a feature now (issue 11), and a place and a
# day in the request name the flight to check in for, not a search.


@pytest.mark.parametrize(
    "text",
    [
        "could you check us in for our flight to Paris on the 9th?",
        "check me in for my Boston flight tomorrow please",
    ],
)
def test_check_in_for_ones_own_dated_flight_is_a_check_in(text: str) -> None:
    u = understand(text, NOW)
    assert u.intent == Intent.CHECK_IN
    assert u.unsupported is None


# ---------------------------------------------------------------- return_offset


@pytest.mark.parametrize(
    ("text", "depart", "ret"),
    [
        ("boston to miami dec 9, back two weeks later", D(2026, 12, 9), D(2026, 12, 23)),
        ("paris on the 8th, returning a fortnight later", D(2026, 12, 8), D(2026, 12, 22)),
        ("chicago on the 10th and home in a week", D(2026, 12, 10), D(2026, 12, 17)),
    ],
)
def test_a_return_given_as_a_duration_after_the_outbound(
    text: str, depart: date, ret: date
) -> None:
    reading = read_dates(text, NOW)
    assert (reading.depart, reading.ret) == (depart, ret)


# ---------------------------------------------------------------- route_direction


@pytest.mark.parametrize(
    ("text", "origin", "destination"),
    [("bos-mia dec 9", "bos", "mia"), ("sfo > ord on the 10th", "sfo", "ord")],
)
def test_two_codes_joined_by_a_hyphen_or_arrow_are_origin_then_destination(
    text: str, origin: str, destination: str
) -> None:
    u = understand(text, NOW)
    assert u.origin is not None
    assert u.destination is not None
    assert (u.origin.text, u.destination.text) == (origin, destination)


# ---------------------------------------------------------------- own_trips (slang)


@pytest.mark.parametrize(
    "text", ["wen do i land in london?", "wat time does my hotel check-in open?"]
)
def test_slang_question_words_still_ask_about_ones_own_trip(text: str) -> None:
    assert understand(text, NOW).intent == Intent.ASK_TRIP


# ---------------------------------------------------------------- confirm_phrase


@pytest.mark.parametrize(
    ("text", "cancelling", "answer"),
    [
        ("everything looks right, go ahead", False, Answer.YES),
        ("it all seems correct to me, please confirm", False, Answer.YES),
        ("looks all in order, book it", False, Answer.YES),
        ("hang on, don't confirm it yet", False, Answer.NO),
        # words of a rejection agree with a pending rejection, and decline anything else
        ("yes please, decline it", True, Answer.YES),
        ("yeah turn it down", True, Answer.YES),
        ("no, reject it", False, Answer.NO),
        ("yes, reject it", False, None),
    ],
)
def test_everyday_answers_at_a_confirmation(
    text: str, cancelling: bool, answer: Answer | None
) -> None:
    assert classify(text, cancelling=cancelling).answer == answer


# ---------------------------------------------------------------- confirm_no (a no with its reasons)


@pytest.mark.parametrize(
    "text",
    [
        "no, not yet. My boss still has to sign off on the budget",
        "hmm, I'd rather not confirm it today — the conference might move",
        "let's not go ahead with that one, the client postponed the meeting. thanks though",
        "hold off on booking for now, I'm waiting to hear back from the client",
    ],
)
def test_a_no_with_its_reasons_is_a_no(text: str) -> None:
    u = understand(text, NOW)
    assert (u.intent, u.answer) == (Intent.NO, Answer.NO)


@pytest.mark.parametrize(
    "text",
    [
        "no, book option 2 instead",
        "not this one, the earlier one please",
        "no, make it business class",
        "not yet, but I want the return flight too",
        "please don't book it, cancel the hold",
    ],
)
def test_a_no_that_asks_for_something_else_is_not_just_a_no(text: str) -> None:
    assert understand(text, NOW).intent != Intent.NO


def test_a_negated_accept_is_not_a_yes() -> None:
    assert understand("I'd rather not book this one after all", NOW).intent != Intent.YES


# ---------------------------------------------------------------- policy_answer (long questions)


async def test_a_long_policy_question_asks_the_tool_about_its_question_only() -> None:
    d = Dialogue()
    reply = await d.say(
        "Quick one before my trip next month. Our team is flying to London for the "
        "customer summit and my manager wants everyone on the same flights. Could I take "
        "premium economy on that route, or is it economy only? I have a bad back, so "
        "it would really help, and I want to be sure before I put the request in."
    )
    topic = d.backend.last("get_policy")["topic"]
    assert len(topic) <= 200
    assert topic.startswith("Could I take premium economy")
    assert "premium economy" in reply.lower()


async def test_a_long_approval_note_fits_the_tool() -> None:
    backend = FakeBackend(approvals=[{"approval_id": "AP-1", "traveler": "Ava Traveller",
                                      "trip": "JFK→LHR", "booking_id": "BK-1"}])  # fmt: skip
    d = Dialogue(backend=backend)
    await d.say("what needs my approval?")
    reason = " ".join(["the fare is far above what we normally pay for this route"] * 12)
    assert await d.say(f"Reject Ava's trip. Reason: {reason}") == "<confirm decide_approval>"
    note = d.pending.tool_calls[0]["args"]["note"]  # type: ignore[union-attr]
    assert 0 < len(note) <= 500
    assert note.startswith("The fare is far above")


# ---------------------------------------------------------------- date_order (weekday labels)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Wed 6/1 to Chicago", D(2027, 1, 6)),  # 1 June is no Wednesday; 6 January is
        ("flying out Sat 2/1", D(2027, 1, 2)),
        ("thu 12/10 please", D(2026, 12, 10)),  # the traveller's own order is on a Thursday
    ],
)
def test_a_weekday_beside_a_numeric_date_picks_its_order(text: str, day: date) -> None:
    assert read_dates(text, NOW).depart == day


# ---------------------------------------------------------------- correction (places, weekdays)


@pytest.mark.parametrize(
    ("text", "origin", "destination"),
    [
        ("to Dublin, not London", None, "Dublin"),
        ("make it Chicago rather than Boston", None, "Chicago"),
        ("from Newark instead of JFK", "Newark", None),
    ],
)
def test_a_place_corrected_away_is_no_part_of_the_trip(
    text: str, origin: str | None, destination: str | None
) -> None:
    u = understand(text, NOW)
    assert (u.origin.text if u.origin else None) == origin
    assert (u.destination.text if u.destination else None) == destination
    assert u.replaced_place is not None


async def test_replacing_the_origin_by_name_moves_the_origin() -> None:
    d = Dialogue()
    await d.say("Boston to Paris on Dec 12")
    await d.say("actually Newark instead of Boston")
    args = d.backend.last("search_flights")
    assert (args["origin"], args["destination"], args["date"]) == ("EWR", "Paris", "2026-12-12")


@pytest.mark.parametrize(
    ("first", "then", "day"),
    [
        ("Boston to Paris on Tuesday the 15th", "can you do the thursday instead", "2026-12-17"),
        ("JFK to Miami on Dec 22", "hmm, that monday would be better", "2026-12-21"),
    ],
)
async def test_the_weekday_of_the_trip_week(first: str, then: str, day: str) -> None:
    d = Dialogue()
    await d.say(first)
    await d.say(then)
    assert d.backend.last("search_flights")["date"] == day


def test_on_second_thought_is_no_date() -> None:
    assert read_dates("on second thought, make it Boston", NOW).depart is None
    assert read_dates("on the second", NOW).depart == D(2026, 12, 2)


# ---------------------------------------------------------------- multi_city (arrows)


@pytest.mark.parametrize(
    ("text", "legs"),
    [
        (
            "bos -> chicago mon 14th; chicago -> atl wed 16th; atlanta -> bos fri 18th",
            [
                ("Boston", "Chicago", "2026-12-14"),
                ("Chicago", "Atlanta", "2026-12-16"),
                ("Atlanta", "Boston", "2026-12-18"),
            ],
        ),
        (
            "boston > sf on the 9th, sf > la on the 11th, la > boston on the 14th",
            [
                ("Boston", "San Francisco", "2026-12-09"),
                ("San Francisco", "Los Angeles", "2026-12-11"),
                ("Los Angeles", "Boston", "2026-12-14"),
            ],
        ),
        (
            "london -> nyc 9 dec, nyc -> mia 12 dec, miami -> london 15 dec",
            [
                ("London", "New York", "2026-12-09"),
                ("New York", "Miami", "2026-12-12"),
                ("Miami", "London", "2026-12-15"),
            ],
        ),
    ],
)
def test_legs_drawn_with_arrows_end_at_the_place_after_the_arrow(
    text: str, legs: list[tuple[str, str, str]]
) -> None:
    got = understand(text, NOW).legs
    assert [
        (leg.origin.place.city, leg.destination.place.city, leg.day.isoformat())
        for leg in got
        if leg.origin.place is not None and leg.destination.place is not None
    ] == legs


def test_an_arrow_after_a_word_that_is_no_place_draws_no_route() -> None:
    assert [p.text for p in understand("tell the team > mia is off today", NOW).places] == []


# ---------------------------------------------------------------- hotel_dates


@pytest.mark.parametrize(
    ("text", "flights", "stay"),
    [
        (
            "JFK to Paris on the 9th, and a hotel 10-13 dec please",
            ["2026-12-09"],
            ("2026-12-10", "2026-12-13"),
        ),
        (
            "fly me to London on Dec 14, back Dec 20, with a room from the 15th to the 19th",
            ["2026-12-14", "2026-12-20"],
            ("2026-12-15", "2026-12-19"),
        ),
        (
            "JFK to Madrid on Jan 4; I'll need a hotel from the 5th for 3 nights",
            ["2027-01-04"],
            ("2027-01-05", "2027-01-08"),
        ),
    ],
)
async def test_a_stay_dated_apart_from_the_flights_keeps_its_own_nights(
    text: str, flights: list[str], stay: tuple[str, str]
) -> None:
    d = Dialogue()
    await d.say(text)
    assert [a["date"] for n, a in d.backend.calls if n == "search_flights"] == flights
    hotel = d.backend.last("search_hotels")
    assert (hotel["check_in"], hotel["check_out"]) == stay


@pytest.mark.parametrize(
    "text",
    [
        "flight and hotel in Paris for Dec 15-19",  # the stay is the trip's own dates
        "a hotel, flying out the 15th and back the 19th",  # the days are the flights'
    ],
)
def test_a_stay_with_no_dates_of_its_own_is_the_trip(text: str) -> None:
    reading = read_dates(text, NOW)
    assert (reading.depart, reading.ret, reading.stay) == (D(2026, 12, 15), D(2026, 12, 19), None)


# ---------------------------------------------------------------- cancel_pending_approval


def _two_trips() -> FakeBackend:
    backend = FakeBackend()
    backend.trips = [
        trip("BK-PARIS1", "DL 15 BOS→CDG Thu 3 Dec 22:10", 732, status="pending_approval"),
        trip("BK-LONDON", "BA 19 JFK→LHR Mon 14 Dec 22:30; BA 18 LHR→JFK Fri 18 Dec 08:45", 1900),
    ]
    return backend


@pytest.mark.parametrize(
    ("text", "booking"),
    [
        # the place a trip starts from, named as such, names it too
        ("please cancel my flight from Boston to Paris", "BK-PARIS1"),
        ("I won't need the Boston-Paris flight any more, please cancel it", "BK-PARIS1"),
        ("scrap my bos > cdg flight on thursday", "BK-PARIS1"),
        ("cancel the JFK to London trip", "BK-LONDON"),
        # ... and so does where it stands
        ("the trip still waiting for Mia's approval - cancel it please", "BK-PARIS1"),
        ("cancel my booking that's pending approval", "BK-PARIS1"),
        ("can you cancel the flight that isn't approved yet", "BK-PARIS1"),
    ],
)
async def test_cancelling_a_trip_named_by_its_route_or_its_status(text: str, booking: str) -> None:
    d = Dialogue(backend=_two_trips())
    assert await d.say(text) == "<confirm cancel_booking>"
    assert d.pending is not None
    assert d.pending.tool_calls[0]["args"]["booking_id"] == booking


def test_a_place_named_as_the_destination_is_not_where_a_trip_starts() -> None:
    row = _two_trips().trips[0]  # Boston → Paris
    assert trip_matches(row, understand("cancel my trip to Paris", NOW), _CTX)
    assert not trip_matches(row, understand("cancel my trip to Boston", NOW), _CTX)


def test_asking_what_waits_for_approval_is_still_about_approvals() -> None:
    assert understand("what's waiting for my approval?", NOW).intent == Intent.APPROVALS


# ---------------------------------------------------------------- book_for_report_traveler

MIA = {"name": "Mia Manager", "role": "manager", "home_airport": "JFK", "currency": "USD"}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Please get Ava to Chicago on Friday, economy", "Ava"),
        ("Ava needs a flight to Boston on the 11th, morning if you can", "Ava"),
        ("I need a hotel in Paris for my report Sam, Dec 10-12", "Sam"),
        ("could you book Ava's flight to London on the 14th", "Ava"),
        ("Can you find Victor something to London on the 9th?", "Victor"),
        # nobody else: a place, an airline, a holiday, the caller
        ("Need flight + hotel for Atlanta, Dec 21-23", None),
        ("Book Delta to Boston on the 9th", None),
        ("flights for Christmas to Miami", None),
        ("a flight for me to Boston tomorrow", None),
    ],
)
def test_the_person_a_trip_is_for_is_read_from_the_request(text: str, name: str | None) -> None:
    assert understand(text, NOW).book_for == name


@pytest.mark.parametrize(
    "first",
    [
        "Please get Ava to London on Dec 18",
        "Ava needs a flight to London on the 18th",
        "I'm arranging travel for my report Ava: London, December 18",
    ],
)
async def test_a_trip_asked_for_a_report_is_held_in_their_name(first: str) -> None:
    d = Dialogue(profile=dict(MIA))
    await d.say(first)
    assert "reserve" not in d.backend.names()
    assert await d.say("option 1") == "<confirm confirm_booking>"
    assert d.backend.last("reserve")["traveler_id"] == "u_ava"


@pytest.mark.parametrize(
    ("profile", "said"),
    [
        # booked for someone else: whose trip it is, said when it is done
        (MIA, "✅ Booked for Ava Traveller! The booking reference is **BK-TEST01**"),
        (AVA, "✅ Booked! Your booking reference is **BK-TEST01**"),
    ],
)
async def test_a_booking_made_for_someone_else_says_whose_it_is(
    profile: dict[str, str], said: str
) -> None:
    d = Dialogue(profile=dict(profile))
    await d.say("Please get Ava to London on Dec 18" if profile is MIA else "JFK to London Dec 18")
    assert await d.say("option 1") == "<confirm confirm_booking>"
    assert said in await d.confirm()


async def test_a_name_the_caller_may_not_book_for_gets_a_no_not_a_booking_of_their_own() -> None:
    d = Dialogue(profile=dict(MIA))
    await d.say("Book Victor on a flight to London on Dec 18")
    # Up front, before the options: the profile tool says whom she may book for.
    assert "can't book for Victor" in _said(d)
    assert d.backend.names() == ["get_traveler_profile", "search_flights"]
    reply = await d.say("option 1")
    assert "can't book for Victor" in reply
    assert "Ava Traveller" in reply  # whom the caller may book for
    assert "reserve" not in d.backend.names()
    reply = await d.say("yes")  # a plain yes is no way round it
    assert "can't book for Victor" in reply
    assert "reserve" not in d.backend.names()
    # The caller says the trip is theirs: the same choice, in their own name.
    assert await d.say("book it for me") == "<confirm confirm_booking>"
    assert "traveler_id" not in d.backend.last("reserve")


def _said(d: Dialogue) -> str:
    """Everything the planner said in the conversation, with its tool calls too."""
    return "\n".join(str(m.content) for m in d.messages if isinstance(m, AIMessage))


# ---------------------------------------------------------------- policy_threshold_question


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("how much can a trip cost before the executive has to approve it?", "15,000"),
        ("above what amount does the VP need to approve?", "10,000"),
        ("what's the approval threshold for my boss?", "5,000"),
        ("at what point does a trip need the CFO to sign it off?", "10,000"),
    ],
)
async def test_at_what_cost_someone_approves_is_a_policy_question(text: str, says: str) -> None:
    assert understand(text, NOW).intent == Intent.POLICY
    d = Dialogue()
    reply = await d.say(text)
    assert d.backend.names() == ["get_policy"]
    first = reply.split("\n")[0]
    assert says in first  # the role asked about comes first, with its own threshold
    assert all(f"{n},000.00 USD" in reply for n in (5, 10, 15))  # then every step


@pytest.mark.parametrize(
    "text",
    ["anything over the limit waiting for me to approve?", "what do I need to sign off on?"],
)
def test_asking_what_waits_is_still_the_queue(text: str) -> None:
    assert understand(text, NOW).intent == Intent.APPROVALS


# ---------------------------------------------------------------- trips_phrasing


@pytest.mark.parametrize(
    "text",
    [
        "anything lined up for me next week?",
        "whats on my schedule",
        "am I travelling anywhere soon?",
        "where am I off to next?",
        "what's next for me?",
    ],
)
async def test_ones_own_plans_asked_without_a_word_for_trip_list_the_trips(text: str) -> None:
    assert understand(text, NOW).intent == Intent.TRIPS
    backend = FakeBackend()
    backend.trips = [trip("BK-TEST01", "BA 101 JFK→LHR Fri 18 Dec 08:05", 450)]
    d = Dialogue(backend=backend)
    reply = await d.say(text)
    assert d.backend.names() == ["list_trips"]
    assert "BK-TEST01" in reply


@pytest.mark.parametrize(
    "text",
    [
        "I have something scheduled in Boston on the 9th, can you get me a flight?",
        "what flights are coming up to London on Friday?",
        "anything planned in the policy for hotels?",
    ],
)
def test_a_request_or_a_policy_question_with_those_words_is_not_a_trips_look(text: str) -> None:
    assert understand(text, NOW).intent != Intent.TRIPS


# ---------------------------------------------------------------- trips_phrasing (indirect)


@pytest.mark.parametrize(
    "text",
    [
        "remind me where I'm off to in the next few weeks",
        "tell me what trips we have coming up",
        "what travel have I got lined up?",
        "which flights do we have booked?",
        "can you remind me where we're headed next month",
    ],
)
async def test_ones_own_plans_asked_indirectly_list_the_trips(text: str) -> None:
    backend = FakeBackend()
    backend.trips = [trip("BK-TEST01", "BA 101 JFK→LHR Fri 18 Dec 08:05", 450)]
    d = Dialogue(backend=backend)
    reply = await d.say(text)
    assert d.backend.names() == ["list_trips"]
    assert "BK-TEST01" in reply


@pytest.mark.parametrize(
    "text",
    [
        "I need a hotel near where I'm headed in Paris on the 9th",
        "book me a flight to where I'm headed on the 9th, Boston",
        "where are we flying to on the 9th and what time?",
    ],
)
def test_a_request_near_where_one_is_headed_is_not_a_trips_list(text: str) -> None:
    assert understand(text, NOW).intent != Intent.TRIPS


# ---------------------------------------------------------------- roundtrip_same_day_return


@pytest.mark.parametrize(
    ("text", "day", "after", "before"),
    [
        (
            "Boston on the 9th, back to New York the same evening please",
            D(2026, 12, 9),
            "17:00",
            None,
        ),
        (
            "day trip to Atlanta on the 10th, coming back later that day",
            D(2026, 12, 10),
            None,
            None,
        ),
        ("out to Miami Friday, return that afternoon", D(2026, 12, 4), "12:00", "17:00"),
        ("JFK-BOS on Dec 11 and fly home that same day", D(2026, 12, 11), None, None),
    ],
)
def test_back_that_evening_is_a_return_on_the_day_out(
    text: str, day: date, after: str | None, before: str | None
) -> None:
    reading = read_dates(text, NOW)
    assert (reading.depart, reading.ret, reading.explicit_return) == (day, day, True)
    assert (reading.return_after, reading.return_before) == (after, before)


def test_the_evening_of_something_else_is_still_no_return() -> None:
    reading = read_dates("JFK to Miami on 12/18; we're at a customer event that evening", NOW)
    assert (reading.depart, reading.ret, reading.return_after) == (D(2026, 12, 18), None, None)


async def test_a_same_day_return_searches_both_ways_on_that_day() -> None:
    d = Dialogue()
    await d.say("I need to be in Boston on Friday the 11th for a meeting, flying back that evening")
    out = d.backend.calls[0][1]
    back = d.backend.last("search_flights")
    assert (out["destination"], out["date"]) == ("Boston", "2026-12-11")
    assert (back["origin"], back["date"], back["depart_after"]) == ("Boston", "2026-12-11", "17:00")


# ---------------------------------------------------------------- space_separated_codes


@pytest.mark.parametrize(
    ("text", "origin", "destination"),
    [
        ("ord sfo tmrw am", "ORD", "SFO"),
        ("LGA ATL on the 9th pls", "LGA", "ATL"),
        ("need bos lon next tue, 2 ppl", "BOS", "London"),
        ("mia jfk wed", "MIA", "JFK"),  # a word-like code beside a plain one
        ("nyc par 12/20 back 12/23", "New York", "Paris"),
    ],
)
def test_two_codes_side_by_side_are_a_route_origin_first(
    text: str, origin: str, destination: str
) -> None:
    u = understand(text, NOW)
    assert u.origin is not None
    assert u.origin.place is not None
    assert u.destination is not None
    assert u.destination.place is not None
    assert origin in (u.origin.place.city, *u.origin.place.airports)
    assert destination in (u.destination.place.city, *u.destination.place.airports)


@pytest.mark.parametrize(
    "text",
    [
        "i was so mad sea views gone",  # two word-like codes: ordinary words
        "jfk lhr cdg",  # three codes in a row: a list, not one route
    ],
)
def test_words_that_look_like_codes_are_no_spaced_route(text: str) -> None:
    u = understand(text, NOW)
    assert not (u.origin and u.destination)


def test_a_name_beside_a_joined_route_is_not_its_origin() -> None:
    # "mia" is someone here: the route is the one joined by the hyphen.
    u = understand("book mia jfk-bos fri", NOW)
    assert [p.text for p in u.places] == ["jfk", "bos"]


async def test_a_spaced_route_is_searched_and_picked() -> None:
    d = Dialogue()
    await d.say("jfk lhr fri 18th")
    search = d.backend.last("search_flights")
    assert (search["origin"], search["destination"]) == ("JFK", "LHR")
    assert search["date"] == "2026-12-18"
    assert await d.say("option 2") == "<confirm confirm_booking>"


# ---------------------------------------------------------------- traveller_name_casual

# The profile as the concierge service gives it to a manager: her reports by name.
MIA_WITH_REPORTS = {**MIA, "can_book_for": [{"user_id": "u_ava", "name": "Ava Traveller"}]}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("can u book sam jfk-lhr tue", "Sam"),
        ("pls get sam to lhr fri", "Sam"),
        ("sam needs jfk-lhr tmrw", "Sam"),
        ("for my report sam: jfk-bos fri", "Sam"),
        ("could you book omar on the 8am to boston", "Omar"),
        # shorthand that names no one
        ("book biz jfk-lhr 12/20", None),
        ("book tix jfk-bos", None),
        ("book fri jfk-bos", None),
        ("pls book cheapest jfk-bos", None),
        ("book jfk-lhr fri", None),
        ("book delta to boston", None),
    ],
)
def test_a_name_in_shorthand_is_whom_the_trip_is_for(text: str, name: str | None) -> None:
    assert understand(text, NOW).book_for == name


@pytest.mark.parametrize(
    "first",
    [
        "ava jfk-lhr fri 18th",
        "jfk-lhr 12/18 for ava pls",
        "could u sort out ava w/ a flight to london dec 18",
        "AVA to london 18th",
    ],
)
async def test_a_bookable_person_named_anywhere_is_whom_the_hold_is_for(first: str) -> None:
    d = Dialogue(profile=dict(MIA_WITH_REPORTS))
    await d.say(first)
    assert await d.say("1") == "<confirm confirm_booking>"
    assert d.backend.last("reserve")["traveler_id"] == "u_ava"


async def test_a_name_in_shorthand_the_caller_may_not_book_for_holds_nothing() -> None:
    d = Dialogue(profile=dict(MIA_WITH_REPORTS))
    await d.say("can u book sam jfk-lhr 12/18")
    assert "can't book for Sam" in _said(d)  # up front
    reply = await d.say("1")
    assert "can't book for Sam" in reply
    assert "reserve" not in d.backend.names()


async def test_a_place_spelt_like_a_report_is_still_a_place() -> None:
    # "to ava" would be a place only if it were one; "to mia" is Miami for Victor too.
    d = Dialogue(profile={**MIA, "can_book_for": [{"user_id": "u_mia", "name": "Mia Manager"}]})
    await d.say("jfk to mia fri 18th")
    assert d.backend.last("search_flights")["destination"].lower() == "mia"
    assert await d.say("1") == "<confirm confirm_booking>"
    assert "traveler_id" not in d.backend.last("reserve")


# ---------------------------------------------------------------- approvals_query_casual


@pytest.mark.parametrize(
    "text",
    [
        "anything waiting on my ok?",
        "what's sitting in my queue",
        "anything outstanding for me today?",
        "whats pending with me rn",
    ],
)
def test_asking_casually_what_waits_on_one_lists_the_approvals(text: str) -> None:
    assert understand(text, NOW).intent == Intent.APPROVALS


@pytest.mark.parametrize(
    "text",
    ["is my trip still pending?", "anything pending for me to pay?"],
)
def test_ones_own_pending_trip_is_no_approvals_list(text: str) -> None:
    assert understand(text, NOW).intent != Intent.APPROVALS


# ---------------------------------------------------------------- bare_destination_code


@pytest.mark.parametrize(
    ("text", "destination", "day"),
    [
        ("lhr tmrw pls", "LHR", "2026-12-02"),
        ("ord on the 14th, just me", "ORD", "2026-12-14"),
        ("pls bos next tue 3 ppl", "BOS", "2026-12-08"),
        ("atl 12/9", "ATL", "2026-12-09"),
    ],
)
async def test_a_code_alone_with_a_day_is_a_trip_from_home(
    text: str, destination: str, day: str
) -> None:
    d = Dialogue()
    await d.say(text)
    search = d.backend.last("search_flights")
    assert (search["origin"], search["destination"], search["date"]) == ("JFK", destination, day)


@pytest.mark.parametrize("text", ["sea fri", "mad today", "the ord fri"])
def test_an_everyday_word_or_a_code_inside_a_sentence_is_no_destination(text: str) -> None:
    assert understand(text, NOW).destination is None


# ---------------------------------------------------------------- home_as_leg_place


@pytest.mark.parametrize(
    "text",
    [
        "bos to atl 9th, atl to mia 11th, then home on the 13th",
        "Boston to Atlanta on Dec 9, Atlanta to Miami Dec 11 and finally Miami back home Dec 13",
        "bos-atl 9th; atl-mia 11th; home sun 13th",
    ],
)
async def test_a_last_leg_home_flies_to_the_home_airport(text: str) -> None:
    d = Dialogue()  # home: JFK
    await d.say(text)
    searches = [a for n, a in d.backend.calls if n == "search_flights"]
    assert [(s["date"]) for s in searches] == ["2026-12-09", "2026-12-11", "2026-12-13"]
    assert searches[-1]["destination"] == "JFK"
    assert searches[-1]["origin"].lower() in {"mia", "miami"}


def test_a_single_leg_and_home_is_a_round_trip_not_legs() -> None:
    assert understand("jfk to ord 14th, then home 16th", NOW).legs == []


def test_home_in_the_middle_is_no_itinerary() -> None:
    u = understand("bos to atl 9th, then home 11th, then jfk to mia 13th", NOW)
    assert u.legs == []


# ---------------------------------------------------------------- flight_hotel_no_return


@pytest.mark.parametrize(
    ("text", "city", "out", "back"),
    [
        ("flight and a room in Boston Dec 9-11", "Boston", "2026-12-09", "2026-12-11"),
        (
            "Need to get to Miami Jan 5 to Jan 8, can you sort a flight and hotel?",
            "Miami",
            "2027-01-05",
            "2027-01-08",
        ),
        (
            "Atlanta 21st-23rd: a flight plus somewhere to stay",
            "Atlanta",
            "2026-12-21",
            "2026-12-23",
        ),
    ],
)
async def test_a_flight_with_a_hotel_over_a_day_range_shows_the_flight_home(
    text: str, city: str, out: str, back: str
) -> None:
    d = Dialogue()
    await d.say(text)
    searches = [a for n, a in d.backend.calls if n == "search_flights"]
    assert [(a["destination"], a["date"]) for a in searches[:1]] == [(city, out)]
    assert [(a["origin"], a["destination"], a["date"]) for a in searches[1:]] == [
        (city, "JFK", back)
    ]
    hotel = d.backend.last("search_hotels")
    assert (hotel["check_in"], hotel["check_out"]) == (out, back)
    # Shown, not insisted on: the way there and the hotel are a trip of their own.
    assert await d.say("flight 1 and hotel 1") == "<confirm confirm_booking>"


async def test_one_way_with_a_hotel_over_a_day_range_has_no_flight_home() -> None:
    d = Dialogue()
    await d.say("one way flight and a hotel in Boston Dec 9-11")
    assert d.backend.names().count("search_flights") == 1


# ---------------------------------------------------------------- abbreviation


@pytest.mark.parametrize(
    ("text", "nights", "passengers", "depart"),
    [
        ("hotel in paris 2nts from the 9th, 2ppl", 2, 2, D(2026, 12, 9)),
        ("boston tmrw, 4 ppl", None, 4, D(2026, 12, 2)),
        ("room in london for 5 NTS starting mon nxt wk", 5, None, D(2026, 12, 7)),
        ("need a htl in madrid 3 nites from fri", 3, None, D(2026, 12, 4)),
    ],
)
def test_shorthand_is_read_as_the_words_it_stands_for(
    text: str, nights: int | None, passengers: int | None, depart: date
) -> None:
    u = understand(text, NOW)
    assert (u.dates.nights, u.passengers, u.dates.depart) == (nights, passengers, depart)


@pytest.mark.parametrize(
    "text", ["hotel too pls, 4 nts", "and a room for 2 nites", "need somewhere to stay, 4nts"]
)
async def test_a_hotel_in_shorthand_after_a_booked_flight_counts_its_nights(text: str) -> None:
    d = await _booked_flight()
    await d.say(text)
    args = d.backend.last("search_hotels")
    nights = 2 if "2" in text else 4
    assert (args["check_in"], args["check_out"]) == ("2026-12-18", f"2026-12-{18 + nights}")


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("approve Ava's trip, note: fine, client mtg tmrw", "Fine, client mtg tmrw"),
        ("reject Ben's hotel - too pricey, pls pick a cheaper htl", "Too pricey, pls pick a cheaper htl"),
    ],
)  # fmt: skip
def test_a_note_quotes_the_shorthand_as_written(text: str, note: str) -> None:
    assert understand(text, NOW).note == note


def test_shorthand_inside_other_words_is_left_alone() -> None:
    assert understand("the ntsb report on wkly flights", NOW).dates.nights is None


# ---------------------------------------------------------------- flexible_dates


@pytest.mark.parametrize(
    ("text", "window"),
    [
        # a range whose days carry their weekdays
        (
            "any day from Tuesday 15 to Thursday 17 December, whichever is cheapest",
            (D(2026, 12, 15), D(2026, 12, 17)),
        ),
        ("cheapest day between mon 14th and fri 18th?", (D(2026, 12, 14), D(2026, 12, 18))),
        ("any of Wed 9 Dec - Fri 11 Dec, whichever's cheapest", (D(2026, 12, 9), D(2026, 12, 11))),
        # a week named in shorthand or by one of its days
        ("sometime nxt wk, whichever's cheapest", (D(2026, 12, 7), D(2026, 12, 13))),
        ("the week of the 21st, any day", (D(2026, 12, 21), D(2026, 12, 27))),
    ],
)
def test_a_flexible_window_is_the_days_named(text: str, window: tuple[date, date]) -> None:
    assert understand(text, NOW).dates.flexible == window


@pytest.mark.parametrize(
    ("text", "days"),
    [
        (
            "Boston to Miami, any day Tue 15 – Thu 17 Dec, whichever is cheapest",
            ["2026-12-15", "2026-12-16", "2026-12-17"],
        ),
        (
            "I can fly for BOS to ATL any day the week of Dec 7, which is cheapest?",
            [f"2026-12-{n:02d}" for n in range(7, 14)],
        ),
        (
            "sometime nxt wk from boston to miami, cheapest day pls",
            [f"2026-12-{n:02d}" for n in range(7, 14)],
        ),
    ],
)
async def test_a_flexible_window_searches_each_day_one_way_in_the_right_direction(
    text: str, days: list[str]
) -> None:
    d = Dialogue()
    await d.say(text)
    searched = [a for n, a in d.backend.calls if n == "search_flights"]
    assert sorted(a["date"] for a in searched) == days
    assert {(a["origin"], a["destination"]) for a in searched} in (
        {("Boston", "Miami")},
        {("BOS", "ATL")},
    )
    assert not any(a.get("leg") == "return" for a in searched)  # no invented way home


# ---------------------------------------------------------------- direction


@pytest.mark.parametrize(
    ("text", "origin", "destination"),
    [
        ("I'm visiting my parents in Dublin and need to get back to Madrid on the 9th", "Dublin", "Madrid"),
        ("after the conference in Atlanta I have to fly home to Boston on Friday", "Atlanta", "Boston"),
        ("currently at the London office, need to head back to NYC tomorrow", "London", "New York"),
        ("she's in Paris for work and needs to get to Madrid on the 10th", "Paris", "Madrid"),
    ],
)  # fmt: skip
def test_where_someone_is_is_where_the_flight_leaves_from(
    text: str, origin: str, destination: str
) -> None:
    u = understand(text, NOW)
    assert u.origin is not None
    assert u.origin.place is not None
    assert u.destination is not None
    assert u.destination.place is not None
    assert (u.origin.place.city, u.destination.place.city) == (origin, destination)


@pytest.mark.parametrize(
    "text",
    [
        "a hotel in Paris and a flight to Paris on the 9th",  # one city: nothing to swap
        "from JFK to London on the 9th, hotel in London",  # the origin is named
    ],
)
def test_a_stay_in_the_destination_is_not_an_origin(text: str) -> None:
    u = understand(text, NOW)
    assert u.destination is not None
    assert u.destination.text in {"Paris", "London"}
    assert u.origin is None or u.origin.text == "JFK"


@pytest.mark.parametrize(
    ("text", "passengers"),
    [
        ("staying with friends in Dublin, need a flight home to Boston on the 9th", None),
        ("spending Christmas with my family in Miami, back to Boston on the 28th", None),
        ("I have a meeting with my boss in London on the 9th, fly me there", None),
        ("flying with my family to Miami on the 20th", None),  # how many? not said
        ("travelling with my family of four to Miami on the 20th", 4),
        ("flying to Paris with 2 colleagues on the 9th", 3),
    ],
)
def test_with_someone_counts_only_people_who_fly(text: str, passengers: int | None) -> None:
    assert understand(text, NOW).passengers == passengers


# ---------------------------------------------------------------- on_behalf_request


@pytest.mark.parametrize(
    "text",
    [
        "Could you find a flight for my manager from Boston to Chicago on the 9th?",
        "my director needs to get back to Boston from Atlanta on Friday, what's there?",
        "can you look up flights for him, Boston to Miami on Friday?",
    ],
)
def test_a_search_for_someone_else_is_a_search(text: str) -> None:
    u = understand(text, NOW)
    assert u.intent == Intent.SEARCH
    assert u.destination is not None


@pytest.mark.parametrize(
    "text",
    [
        "hold the Delta one for her please",
        "my boss would like the BA flight",
        "book the second one for my manager",
    ],
)
def test_a_pick_for_someone_else_is_a_pick(text: str) -> None:
    assert understand(text, NOW).intent == Intent.SELECT


# ---------------------------------------------------------------- holiday_name_as_date


@pytest.mark.parametrize(
    ("text", "depart", "ret"),
    [
        ("over Christmas I'm in Boston: flying out Dec 22, back Dec 27", D(2026, 12, 22), D(2026, 12, 27)),
        ("between Boxing Day and New Year's Eve: Paris on the 27th, home the 30th", D(2026, 12, 27), D(2026, 12, 30)),
        ("home for the holidays before New Year, flights on 29/12 please", D(2026, 12, 29), None),
        ("merry xmas! Boston to Miami tomorrow", D(2026, 12, 2), None),
    ],
)  # fmt: skip
def test_a_holiday_named_beside_explicit_dates_is_context(
    text: str, depart: date, ret: date | None
) -> None:
    reading = understand(text, NOW).dates
    assert (reading.depart, reading.ret, reading.question) == (depart, ret, None)


@pytest.mark.parametrize(
    ("text", "depart", "ret"),
    [
        ("fly me to Boston on Christmas Eve", D(2026, 12, 24), None),
        ("out on Boxing Day, back on the 30th", D(2026, 12, 26), D(2026, 12, 30)),
        ("Paris Dec 28, back New Year's Day", D(2026, 12, 28), D(2027, 1, 1)),
        ("christmas eve to the 27th in miami", D(2026, 12, 24), D(2026, 12, 27)),
        ("London for Easter Monday", D(2027, 3, 29), None),
    ],
)
def test_a_holiday_that_is_the_day_resolves_to_its_date(
    text: str, depart: date, ret: date | None
) -> None:
    reading = read_dates(text, NOW)
    assert (reading.depart, reading.ret) == (depart, ret)


@pytest.mark.parametrize(
    ("name", "year", "day"),
    [
        ("Thanksgiving", 2026, D(2026, 11, 26)),  # the 4th Thursday of November
        ("black friday", 2027, D(2027, 11, 26)),
        ("Memorial Day", 2026, D(2026, 5, 25)),  # the last Monday of May
        ("labour day", 2026, D(2026, 9, 7)),
        ("Good Friday", 2026, D(2026, 4, 3)),  # Easter Sunday is 5 April 2026
        ("New Year’s Eve", 2026, D(2026, 12, 31)),
    ],
)
def test_holidays_fall_on_their_real_days(name: str, year: int, day: date) -> None:
    assert holidays.in_year(name, year) == day


def test_a_holiday_already_past_this_year_is_asked_about() -> None:
    assert read_dates("home to Boston for Thanksgiving", NOW).question is not None


@pytest.mark.parametrize(
    ("text", "stay"),
    [
        ("fly on the 28th, back the 31st, hotel for the nights of the 29th and 30th", (D(2026, 12, 29), D(2026, 12, 31))),
        ("flying to Paris on the 9th, back the 14th, a room for the night of the 10th", (D(2026, 12, 10), D(2026, 12, 11))),
        ("out Dec 8, hotel for the nights of the 9th to the 11th", (D(2026, 12, 9), D(2026, 12, 12))),
    ],
)  # fmt: skip
def test_the_nights_of_a_stay_end_the_morning_after_the_last(
    text: str, stay: tuple[date, date]
) -> None:
    assert read_dates(text, NOW).stay == stay


@pytest.mark.parametrize(
    "text",
    [
        "Boston to Miami on the 9th. I need an answer this afternoon please.",
        "Paris on the 9th, back the 12th. Could you send me options this morning?",
    ],
)
def test_a_part_of_today_in_a_sentence_about_something_else_is_no_time_wish(text: str) -> None:
    reading = read_dates(text, NOW)
    assert reading.depart == D(2026, 12, 9)
    assert (reading.depart_after, reading.depart_before) == (None, None)
    assert (reading.return_after, reading.return_before) == (None, None)


def test_this_evening_said_of_the_flight_is_still_today_in_the_evening() -> None:
    reading = read_dates("fly out this evening, back on the 9th", NOW)
    assert (reading.depart, reading.ret, reading.depart_after) == (
        D(2026, 12, 1),
        D(2026, 12, 9),
        "17:00",
    )


async def test_a_trip_between_holidays_searches_its_explicit_days() -> None:
    d = Dialogue()
    await d.say(
        "My director is in London between Christmas and New Year: she flies out of JFK on "
        "Sunday 27 December, comes back Wednesday the 30th, and needs a hotel for the "
        "nights of the 27th to the 29th. Flights both ways and a hotel please."
    )
    flights = [(a["date"], a.get("leg")) for n, a in d.backend.calls if n == "search_flights"]
    assert flights == [("2026-12-27", None), ("2026-12-30", "return")]
    hotel = d.backend.last("search_hotels")
    assert (hotel["check_in"], hotel["check_out"]) == ("2026-12-27", "2026-12-30")


@pytest.mark.parametrize(
    "text",
    [
        "He needs to get back to New York on Thursday, December 17th.",
        "She needs a hotel in Paris from the 9th for 2 nights",
        "They need flights to Boston on the 9th. You can book the cheapest",
    ],
)
def test_a_pronoun_names_no_traveller(text: str) -> None:
    assert understand(text, NOW).book_for is None


# ---------------------------------------------------------------- typo_hotel_keyword


@pytest.mark.parametrize(
    ("text", "intent", "hotel", "flight"),
    [
        ("hotell in Boston dec 9-11", Intent.SEARCH, True, False),
        ("need a fligth to miami on the 9th", Intent.SEARCH, False, True),
        ("flght + hotle for Atlanta Dec 21-23", Intent.SEARCH, True, True),
        ("pls cancle my trip to London", Intent.CANCEL, None, None),
        ("whats the travel polcy on business class?", Intent.POLICY, None, None),
    ],
)
def test_misspelt_intent_keywords_are_read(
    text: str, intent: Intent, hotel: bool | None, flight: bool | None
) -> None:
    u = understand(text, NOW)
    assert u.intent == intent
    if hotel is not None:
        assert (bool(u.want_hotel), u.want_flight is not False) == (hotel, flight)


@pytest.mark.parametrize(
    "text",
    [
        "I had a fight with my manager about the police report",  # fight, police: words
        "a hostel in Dublin on the 9th for 2 nights",
        "the flight to Brookings on the 9th",  # a town, not "bookings"
        "repeating the same trip to Boston on the 9th",
    ],
)
def test_ordinary_words_near_a_keyword_stay_as_written(text: str) -> None:
    assert understand(text, NOW).text == text


async def test_a_misspelt_hotel_request_searches_hotels_not_flights() -> None:
    d = Dialogue()
    await d.say("hotel in paris 14-17 dec")
    expected = d.backend.calls
    d = Dialogue()
    await d.say("hotle in paris 14-17 dec")
    assert d.backend.calls == expected
    assert d.backend.names() == ["search_hotels"]


# ---------------------------------------------------------------- yes_but_change


async def _held_first_option(first: str = "JFK to London on Dec 18") -> Dialogue:
    d = Dialogue()
    await d.say(first)
    assert await d.say("option 1") == "<confirm confirm_booking>"
    assert d.backend.last("reserve").get("replaces") is None
    return d


@pytest.mark.parametrize(
    ("text", "offer"),
    [
        ("yes but the 13:05 instead", "FL-103"),
        ("ok, although could you switch me to the Delta flight?", "FL-104"),
        ("sure — actually make it the 10:05 American one", "FL-102"),
        ("yep, but I'd rather take option 4", "FL-104"),
    ],
)
async def test_a_yes_that_picks_another_flight_replaces_the_hold(text: str, offer: str) -> None:
    d = await _held_first_option()
    assert await d.say(text) == "<confirm confirm_booking>"
    held = d.backend.last("reserve")
    assert ([i["offer_id"] for i in held["items"]], held["replaces"]) == ([offer], "BK-TEST01")
    assert d.backend.bookings["BK-TEST01"]["status"] == "cancelled"
    assert d.asked("confirm_booking")["booking_id"] != "BK-TEST01"  # the new hold's yes


@pytest.mark.parametrize(
    ("text", "seats"),
    [
        ("yes, but add one more seat", 2),
        ("ok but it's for 3 of us now", 3),
        ("yes please — there will be two of us travelling", 2),
        ("sounds good but book it for 4 people", 4),
    ],
)
async def test_a_yes_that_changes_the_head_count_holds_the_same_flight_again(
    text: str, seats: int
) -> None:
    d = await _held_first_option()
    assert await d.say(text) == "<confirm confirm_booking>"
    assert "search_flights" not in d.backend.names()[1:]  # no search again
    held = d.backend.last("reserve")
    assert held["items"] == [{"offer_id": "FL-101", "quantity": seats}]
    assert held["replaces"] == "BK-TEST01"


async def test_a_new_pick_after_a_change_that_searched_again_replaces_the_hold() -> None:
    d = await _held_first_option()
    await d.say("yes but business class")
    assert d.backend.last("search_flights")["cabin"] == "business"
    assert await d.say("option 2") == "<confirm confirm_booking>"
    assert d.backend.last("reserve")["replaces"] == "BK-TEST01"


async def test_a_changed_flight_keeps_the_hotel_of_the_hold() -> None:
    d = Dialogue()
    await d.say("JFK to London on Dec 18 for 3 nights with a hotel")
    assert await d.say("flight 1 and hotel 1") == "<confirm confirm_booking>"
    first = [i["offer_id"] for i in d.backend.last("reserve")["items"]]
    assert await d.say("yes, but the 16:05 flight instead") == "<confirm confirm_booking>"
    held = d.backend.last("reserve")
    assert [i["offer_id"] for i in held["items"]] == ["FL-104", first[1]]
    assert held["replaces"] == "BK-TEST01"


async def test_another_trip_asked_for_at_the_confirmation_leaves_the_hold_alone() -> None:
    d = await _held_first_option()
    await d.say("also Boston to Miami on Dec 20")
    assert await d.say("option 1") == "<confirm confirm_booking>"
    assert d.backend.last("reserve").get("replaces") is None
    assert d.backend.bookings["BK-TEST01"]["status"] == "held"


async def test_a_plain_no_then_another_pick_replaces_the_declined_hold() -> None:
    # "no", then another option of the same list: the person wants that one instead, not
    # both (batch 72's no_then_pick; 6e352c9) — the declined hold is replaced, not kept.
    d = await _held_first_option()
    await d.confirm(approved=False)  # "no": the hold waits, the reply offers to release it
    await d.say("option 2")
    assert d.backend.last("reserve").get("replaces") == "BK-TEST01"


@pytest.mark.parametrize(
    "text",
    [
        "hold on, I need to double-check the dates with my manager",
        "wait — let me talk it over with my boss first",
        "one sec, checking the timing with my colleague",
    ],
)
async def test_someone_consulted_at_the_confirmation_is_no_extra_traveller(text: str) -> None:
    assert understand(text, NOW).passengers is None
    d = await _held_first_option()
    await d.say(text)
    assert [n for n in d.backend.names() if n == "reserve"] == ["reserve"]


# ---------------------------------------------------------------- confirm_no (a wish as a reason)


@pytest.mark.parametrize(
    "text",
    [
        "Actually, don't confirm yet — I want to run it past my manager first.",
        "not yet, I want to check with finance",
        "hold off please - I'd prefer to talk to Ben before paying",
        "no, I want to sleep on it",
    ],
)
def test_a_no_with_a_wish_about_something_else_is_a_no(text: str) -> None:
    assert understand(text, NOW).intent == Intent.NO


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("no, I want option 2", Intent.SELECT),  # the wish is a choice
        ("not now, I want to fly on the 9th instead", Intent.SEARCH),  # ... or a new date
    ],
)
def test_a_no_with_a_wish_for_another_option_is_that_request(text: str, intent: Intent) -> None:
    assert understand(text, NOW).intent == intent


async def test_a_no_with_its_reason_at_a_confirmation_leaves_the_hold() -> None:
    d = Dialogue()
    await d.say("Boston to Chicago on the 10th")
    assert await d.say("the second") == "<confirm confirm_booking>"
    reply = await d.say("don't confirm yet - I want to run it past my boss first")
    assert "on hold" in reply
    assert d.backend.names().count("reserve") == 1
    assert "cancel_booking" not in d.backend.names()


# ---------------------------------------------------------------- profile_document_question


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("what's my known traveler number?", Intent.PROFILE),
        ("do you have my passport details?", Intent.PROFILE),
        ("which frequent flyer numbers have you got for me?", Intent.PROFILE),
        ("when does my passport expire?", Intent.PROFILE),
        ("what do you have on file for me?", Intent.PROFILE),
        ("is my BA executive club number in my profile?", Intent.PROFILE),
        ("what seat preference do you have for me", Intent.PROFILE),
        # not about what is on file: travel papers, adding a number, a seat
        ("Do I need a passport for London?", Intent.OUT_OF_SCOPE),
        ("I need a passport renewal", Intent.OUT_OF_SCOPE),
        ("can you add my delta skymiles number to the trip", Intent.UNSUPPORTED),
        ("I want a window seat", Intent.SEATS),
    ],
)
def test_a_question_about_what_is_on_file_reads_the_profile(text: str, intent: Intent) -> None:
    assert understand(text, NOW).intent == intent


# ---------------------------------------------------------------- hotel_night_count


@pytest.mark.parametrize(
    ("text", "stay", "return_day"),
    [
        # the days there, then the nights: the night count is the stay, no flight home
        (
            "workshop in London the 16th and 17th, flight from JFK on the 16th and a hotel for 3 nights",
            ("2026-12-16", "2026-12-19"),
            None,
        ),
        (
            "Conference in Paris Dec 10-11. Need a flight on the 10th plus a hotel, 2 nights.",
            ("2026-12-10", "2026-12-12"),
            None,
        ),
        # a flight home asked for keeps its day; the stay keeps its nights
        (
            "flight to Boston Dec 14, back Dec 16, and a hotel for 1 night",
            ("2026-12-14", "2026-12-15"),
            "2026-12-16",
        ),
        (
            "round trip to Paris 10-14 dec, hotel 2 nights",
            ("2026-12-10", "2026-12-12"),
            "2026-12-14",
        ),
        # when they agree nothing changes
        (
            "flight to Boston Dec 14, back Dec 16, hotel 2 nights",
            ("2026-12-14", "2026-12-16"),
            "2026-12-16",
        ),
    ],
)
async def test_a_night_count_is_the_length_of_the_stay(
    text: str, stay: tuple[str, str], return_day: str | None
) -> None:
    d = Dialogue()
    await d.say(text)
    hotel = d.backend.last("search_hotels")
    assert (hotel["check_in"], hotel["check_out"]) == stay
    returns = [
        a["date"] for n, a in d.backend.calls if n == "search_flights" and a.get("leg") == "return"
    ]
    assert returns == ([return_day] if return_day else [])


# ---------------------------------------------------------------- impossible_date


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("book jfk to mia on 31/11", "31 November"),
        ("flight to boston 11/31 pls", "31 November"),
        ("hotel in paris feb 30 to mar 2", "30 February"),
        ("Could I fly to London on the 31st of November?", "31 November"),
        ("april 31, jfk-lax", "31 April"),
        ("hotel 29/2 to 3/3", "29 February"),  # 2027 is no leap year
    ],
)
def test_a_day_its_month_lacks_is_asked_about_not_guessed(text: str, missing: str) -> None:
    reading = read_dates(text, NOW, month_first=False)
    assert reading.question == f"There's no {missing} — which day do you mean?"
    assert (reading.depart, reading.ret) == (None, None)


@pytest.mark.parametrize(
    "text", ["flight 31/12", "dec 31", "12/31", "hotel 28 feb - 2 mar", "the 31st"]
)
def test_days_months_have_are_read(text: str) -> None:
    reading = read_dates(text, NOW, month_first=False)
    assert reading.question is None
    assert reading.depart is not None


async def test_no_search_runs_on_a_day_that_does_not_exist() -> None:
    d = Dialogue()
    reply = await d.say("book jfk to mia on 31/11")
    assert "no 31 November" in reply
    assert d.backend.names() == []


# ---------------------------------------------------------------- compact_date


@pytest.mark.parametrize(
    ("text", "day", "window"),
    [
        ("LGA-ORD 14DEC dep 0700-1000, nonstop only", D(2026, 12, 14), ("07:00", "10:00")),
        ("jfk lhr 18dec", D(2026, 12, 18), (None, None)),
        ("need bos-mia dec9 13:00-16:00", D(2026, 12, 9), ("13:00", "16:00")),
        ("SFO/JFK 05JAN27 after 1pm", D(2027, 1, 5), ("13:00", None)),
        ("ORD-ATL 11DEC 0615–0900 pls", D(2026, 12, 11), ("06:15", "09:00")),
    ],
)
def test_dates_and_times_as_timetables_write_them(
    text: str, day: date, window: tuple[str | None, str | None]
) -> None:
    u = understand(text, NOW)
    assert u.dates.depart == day
    assert (u.dates.depart_after, u.dates.depart_before) == window


@pytest.mark.parametrize(
    "text", ["hotel in paris dec 10-12", "a320 or b737 is fine", "the 2nd one"]
)
def test_day_ranges_and_aircraft_are_no_clock_window(text: str) -> None:
    u = understand(text, NOW)
    assert (u.dates.depart_after, u.dates.depart_before) == (None, None)


# ---------------------------------------------------------------- descriptive_pick (airports, "the nonstop")


# On the demo data: New York→Boston Fri 11 Dec lists one Newark flight (DL 1052 16:15);
# Chicago→New York Tue 15 Dec lists UA 1108 11:20 into Newark and two into LaGuardia
# (UA 1172 21:30, DL 1172 08:50); Chicago→Miami Thu 10 Dec two direct flights (UA 1182
# 21:40, AA 1216 05:55); Miami→Boston Thu 10 Dec one (AA 1048); Madrid→London Fri 18 Dec
# one into Gatwick (AF 1053 + AF 1048 via Orly).
@pytest.mark.parametrize(
    "case",
    [
        dialogue(
            "flights from New York to Boston on Dec 11",
            "I'll take the one out of Newark",
            "yes please",
            new_status="confirmed",
            segments=[{"flight": "DL 1052", "origin": "EWR", "date": "2026-12-11"}],
        ),
        dialogue(
            "Chicago to New York on Dec 15 please",
            "the 11:20 into Newark",
            "ok book it",
            new_status="confirmed",
            segments=[{"flight": "UA 1108", "destination": "EWR", "date": "2026-12-15"}],
        ),
        dialogue(
            "Miami to Boston, Thursday Dec 10",
            "the nonstop one pls",
            "yes",
            new_status="confirmed",
            segments=[{"flight": "AA 1048", "date": "2026-12-10"}],
        ),
        dialogue(
            "I need to get from Madrid to London on the 18th of December",
            "the gatwick one please",
            "confirm",
            new_status="confirmed",
            segments=[
                {"flight": "AF 1053", "date": "2026-12-18"},
                {"flight": "AF 1048", "date": "2026-12-18"},
            ],
        ),
        # fitting two options shown, the description asks which, naming them
        dialogue(
            "Chicago to New York on Dec 15 please",
            "the one into LaGuardia",
            tools_exclude=["search_flights", "reserve"],
            nothing_changed=True,
            reply_contains=["UA 1172", "DL 1172"],
        ),
        dialogue(
            "flights from Chicago to Miami on Dec 10",
            "the nonstop",
            tools_exclude=["search_flights", "reserve"],
            nothing_changed=True,
            reply_contains=["UA 1182", "AA 1216"],
        ),
    ],
    ids=lambda c: c.id,
)
async def test_a_description_of_an_option_shown_picks_it(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


@pytest.mark.parametrize(
    "case",
    [
        # asking for another airport's flights, or one no option shown uses, searches
        dialogue(
            "flights from New York to Boston on Dec 11",
            "what about the flights from Newark?",
            any_call=[{"tool": "search_flights", "args": {"origin": "EWR"}}],
            nothing_changed=True,
        ),
        dialogue(
            "flights from New York to Boston on Dec 11",
            "the one from Boston",
            tools_exclude=["reserve"],
        ),
    ],
    ids=lambda c: c.id,
)
async def test_a_new_airport_is_still_a_search(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- round_trip_part_of_day_pick


# Chicago→Miami Thu 10 Dec: one direct flight in the morning (AA 1216 05:55).
# Boston⇄Atlanta 9/11 Dec: one morning return (B6 1001 06:00). New York⇄Chicago 8/10 Dec:
# one morning outbound (DL 1171 08:55). London⇄Madrid 15/18 Dec: one outbound before
# 09:00 (BA 1045 05:45), one afternoon return (BA 1048 16:00), one evening return (IB 1020
# 21:45). JFK⇄Miami 9/12 Dec: two evening returns (B6 1056 21:30, DL 1070 21:45).
@pytest.mark.parametrize(
    "case",
    [
        dialogue(
            "round trip Boston to Atlanta, out dec 9 back dec 11",
            "the 5:55 out and the morning one back",
            "yes please",
            new_status="confirmed",
            segments=[
                {"flight": "B6 1002", "date": "2026-12-09"},
                {"flight": "B6 1001", "date": "2026-12-11"},
            ],
        ),
        dialogue(
            "New York to Chicago on the 8th, back the 10th",
            "the morning one there and the 3:10 back",
            "go ahead",
            new_status="confirmed",
            segments=[
                {"flight": "DL 1171", "date": "2026-12-08"},
                {"flight": "AA 1204", "date": "2026-12-10"},
            ],
        ),
        dialogue(
            "London to Madrid Dec 15 returning Dec 18",
            "BA 1035 out, and the afternoon flight back",
            "sure",
            new_status="confirmed",
            segments=[
                {"flight": "BA 1035", "date": "2026-12-15"},
                {"flight": "BA 1048", "date": "2026-12-18"},
            ],
        ),
        dialogue(
            "London to Madrid Dec 15 returning Dec 18",
            "early morning flight out and the evening one home",
            "ok book",
            new_status="confirmed",
            segments=[
                {"flight": "BA 1045", "date": "2026-12-15"},
                {"flight": "IB 1020", "date": "2026-12-18"},
            ],
        ),
        # a part of the day with another detail, on a one-way list
        dialogue(
            "flights from Chicago to Miami on Dec 10",
            "the direct one in the morning",
            "go ahead",
            new_status="confirmed",
            segments=[{"flight": "AA 1216", "date": "2026-12-10"}],
        ),
        # two evening returns: asks which (naming them), keeping the outbound chosen
        dialogue(
            "JFK to Miami 12/9 - 12/12 round trip",
            (
                "option 1 out and the evening one back",
                {
                    "tools_exclude": ["search_flights", "reserve"],
                    "nothing_changed": True,
                    "reply_contains": ["B6 1056", "DL 1070"],
                },
            ),
            "the 21:30",
            "yes",
            new_status="confirmed",
            segments=[
                {"flight": "DL 1141", "date": "2026-12-09"},
                {"flight": "B6 1056", "date": "2026-12-12"},
            ],
        ),
    ],
    ids=lambda c: c.id,
)
async def test_a_part_of_the_day_picks_the_one_option_leaving_then(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        "an evening flight please",  # asks for one: a search narrowed to the evening
        "is there anything in the afternoon?",
        "at one in the morning",
    ],
)
def test_a_part_of_the_day_without_the_names_no_option(text: str) -> None:
    assert not [r for r in read_picks(text) if r.window]


# ---------------------------------------------------------------- hotel_after_flight (flight told about)


# The trips world: Ava's Boston→Paris flight of Thu 3 Dec (BOS 18:10, lands at Orly Fri 4
# Dec), waiting for Mia's approval, and her London trip (BA 19 JFK→LHR Mon 14 Dec 22:30,
# lands Tue 15 Dec; BA 18 home Fri 18 Dec).
@pytest.mark.parametrize(
    "case",
    [
        dialogue(
            "I'm heading to Paris on the 3rd, can you find me somewhere to stay for 3 nights once I land?",
            world="trips",
            calls=[
                {
                    "tool": "search_hotels",
                    "args": {"city": "paris", "check_in": "2026-12-04", "check_out": "2026-12-07"},
                }
            ],
            tools_exclude=["search_flights"],
        ),
        dialogue(
            "Need a hotel in Paris from when my flight gets in, two nights please",
            world="trips",
            calls=[
                {
                    "tool": "search_hotels",
                    "args": {"city": "paris", "check_in": "2026-12-04", "check_out": "2026-12-06"},
                }
            ],
            tools_exclude=["search_flights"],
        ),
        dialogue(
            "I fly out to Paris this Thursday. Hotel for 2 nights after the flight lands?",
            world="trips",
            calls=[
                {
                    "tool": "search_hotels",
                    "args": {"city": "paris", "check_in": "2026-12-04", "check_out": "2026-12-06"},
                }
            ],
            tools_exclude=["search_flights"],
        ),
        dialogue(
            "I'm flying to London on Monday the 14th; could you look for a hotel for 1 night from my arrival?",
            world="trips",
            calls=[
                {
                    "tool": "search_hotels",
                    "args": {"city": "london", "check_in": "2026-12-15", "check_out": "2026-12-16"},
                }
            ],
            tools_exclude=["search_flights"],
        ),
    ],
    ids=lambda c: c.id,
)
async def test_a_hotel_from_landing_with_the_flight_told_about_is_dated_by_the_booking(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


@pytest.mark.parametrize(
    "case",
    [
        # a flight asked for is searched, booked one or not
        dialogue(
            "book me a flight to Paris on Thursday and a hotel from when I land, 2 nights",
            world="trips",
            any_call=[{"tool": "search_flights", "args": {"destination": "paris"}}],
        ),
        # no booked flight there that day: the flight told about is searched, as before
        dialogue(
            "I'm flying to Paris on the 20th, can you get me a hotel for 2 nights from when I arrive?",
            world="trips",
            any_call=[{"tool": "search_flights", "args": {"date": "2026-12-20"}}],
        ),
        dialogue(
            "I'm flying to London on Friday the 18th, a hotel for 2 nights from when I arrive please",
            world="trips",
            any_call=[{"tool": "search_flights", "args": {"date": "2026-12-18"}}],
        ),
    ],
    ids=lambda c: c.id,
)
async def test_a_flight_asked_for_or_not_booked_is_still_searched(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- passenger_names_count


@pytest.mark.parametrize(
    ("text", "passengers"),
    [
        ("Flights JFK to Atlanta on Dec 15 for myself, Dana Cole and Luis Ortega", 3),
        ("Need to get me, Sarah Kim, and Ben Ortiz from Boston to Miami on the 10th", 3),
        ("book London to Paris 12 Dec for me and Jamie Fox", 2),
        ("NYC to Chicago on Dec 8 for me along with Hannah Lee, Omar Said and Kate Moss", 4),
        ("Tom Reed, Priya Shah and I need to fly from New York to Boston on Dec 11", 3),
        ("Mary Ann de Souza and I fly to Paris Dec 9", 2),
        # places, days and airlines in a list are no one
        ("Can I fly Boston to Chicago on Monday and Tuesday?", None),
        ("book me on the Delta and United flights", None),
        ("me and two colleagues need to fly JFK to Atlanta on Dec 15", 3),
    ],
)
def test_people_named_in_a_list_with_the_speaker_each_take_a_seat(
    text: str, passengers: int | None
) -> None:
    assert understand(text, NOW).passengers == passengers


@pytest.mark.parametrize(
    "case",
    [
        # named in full: the seats are held in their names, so the yes books them
        dialogue(
            (
                "Tom Reed, Priya Shah and I need to fly from New York to Boston on Dec 11",
                {
                    "calls": [
                        {
                            "tool": "search_flights",
                            "args": {
                                "destination": "boston",
                                "date": "2026-12-11",
                                "passengers": 3,
                            },
                        }
                    ]
                },
            ),
            "option 2",
            "yes go ahead",
            new_status="confirmed",
            reply_contains=["Tom Reed", "Priya Shah"],
            segments=[{"flight": "AA 1044", "date": "2026-12-11", "passengers": 3}],
        ),
        dialogue(
            "Need to get me, Sarah Kim, and Ben Ortiz from Boston to Miami on the 10th",
            "option 1",
            "sounds good",
            new_status="confirmed",
            reply_contains=["Sarah Kim", "Ben Ortiz"],
        ),
        # a first name alone is a seat whose name is asked for before booking
        dialogue(
            "book London to Paris 12 Dec for me and Jamie",
            "option 1",
            (
                "yes",
                {"pending": None, "reply_contains": "who's flying"},
            ),
            segments=[{"date": "2026-12-12", "passengers": 2}],
        ),
    ],
    ids=lambda c: c.id,
)
async def test_a_party_named_up_front_is_searched_and_held_in_their_names(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- trips_phrasing (anything booked)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("do i have anything booked atm", Intent.TRIPS),
        ("do i have anything booked at the moment", Intent.TRIPS),
        ("do I have anything booked right now?", Intent.TRIPS),
        ("anything booked for me?", Intent.TRIPS),
        ("is anything on hold for me?", Intent.TRIPS),
        # something to book, not a question about what is booked
        ("I need something booked to Paris on Friday", Intent.SEARCH),
        ("I need something booked at the Marriott in London on the 14th", Intent.SEARCH),
        ("can you get something booked from JFK to LHR", Intent.SEARCH),
    ],
)
def test_anything_booked_asks_for_ones_trips(text: str, intent: Intent) -> None:
    assert understand(text, NOW).intent == intent


# ---------------------------------------------------------------- policy_words_in_request (courtesy)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # courtesy that asks for nothing is no policy question ("in advance", "ahead of time")
        ("Could you send me a list of my upcoming trips? Many thanks in advance.", Intent.TRIPS),
        ("Please share a summary of my bookings. I appreciate your help in advance!", Intent.TRIPS),
        ("Would you mind showing me my reservations? Thanking you in advance.", Intent.TRIPS),
        ("what have I got coming up? thanks ahead of time", Intent.TRIPS),
        # asking to be shown one's own trips wins over a policy word said in passing
        ("Can you give me a rundown of my bookings so I can plan ahead of time?", Intent.TRIPS),
        ("Thanks in advance!", Intent.THANKS),
        # ... but the rules asked about are still a policy question
        ("how far in advance must I book a flight? thanks in advance", Intent.POLICY),
        ("show my trips and tell me whether they are within policy", Intent.POLICY),
    ],
)
def test_courtesy_in_a_request_is_no_policy_question(text: str, intent: Intent) -> None:
    assert understand(text, NOW).intent == intent


async def test_a_formal_request_for_ones_trips_lists_them(
    worlds: dict[str, World], tmp_path: Path
) -> None:
    case = dialogue(
        "Dear concierge, kindly list all of my current travel arrangements. "
        "With thanks in advance for your assistance.",
        world="trips",
        reply_contains=["BA 19"],
        nothing_changed=True,
    )
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- ordinal_pick (numeric ordinals)


# Boston→Chicago Wed 9 Dec lists AA 1049 06:10, DL 1071 13:50, UA 1027 21:30, ...;
# Chicago→Atlanta Thu 10 Dec lists DL 1034, UA 1016, AA 1026 05:40, ...
@pytest.mark.parametrize(
    "case",
    [
        dialogue(
            "boston to chicago dec 9",
            ("2nd", {"pending": "confirm_booking", "segments": [{"flight": "DL 1071"}]}),
            "yes",
            new_status="confirmed",
            segments=[{"flight": "DL 1071", "date": "2026-12-09"}],
        ),
        dialogue(
            "ord to atlanta on the 10th",
            "3rd pls",
            "go ahead",
            new_status="confirmed",
            segments=[{"flight": "AA 1026", "date": "2026-12-10"}],
        ),
        dialogue(
            "Chicago to Atlanta, Thursday the 10th",
            "the 1st",
            "ok",
            new_status="confirmed",
            segments=[{"flight": "DL 1034", "date": "2026-12-10"}],
        ),
        # nothing shown yet: the ordinal answers "which date?"
        dialogue(
            "I need a flight from Boston to Chicago",
            "the 3rd",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {"origin": "BOS", "destination": "Chicago", "date": "2026-12-03"},
                }
            ],
            tools_exclude=["reserve"],
        ),
    ],
    ids=lambda c: c.id,
)
async def test_an_ordinal_alone_after_a_list_picks_that_option(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- round_trip_part_pick (names per part)


# Boston⇄Chicago 9/11 Dec: out AA 1049 06:10, DL 1071 13:50, UA 1027 21:30; back UA 1170
# + AA 1046 12:00, AA 1050 06:05, UA 1028 21:25. Chicago⇄Atlanta 10/14 Dec: out DL 1034
# 10:55, UA 1016 16:40, AA 1026 05:40; back DL 1033 11:05, AA 1027 21:45, UA 1015 16:10.
# Each airline named for one part is on both lists: it belongs to the part it is said of.
@pytest.mark.parametrize(
    "case",
    [
        dialogue(
            "boston to chicago dec 9, back dec 11",
            "the 6:10 out and the united back at 9:25pm",
            "yes",
            new_status="confirmed",
            segments=[
                {"flight": "AA 1049", "date": "2026-12-09"},
                {"flight": "UA 1028", "date": "2026-12-11"},
            ],
        ),
        dialogue(
            "Boston to Chicago on the 9th, returning the 11th",
            "13:50 delta going, 6:05 american coming back",
            "go ahead",
            new_status="confirmed",
            segments=[
                {"flight": "DL 1071", "date": "2026-12-09"},
                {"flight": "AA 1050", "date": "2026-12-11"},
            ],
        ),
        dialogue(
            "ord to atlanta dec 10 returning the 14th",
            "the delta one out and the 4:10pm united home",
            "sure",
            new_status="confirmed",
            segments=[
                {"flight": "DL 1034", "date": "2026-12-10"},
                {"flight": "UA 1015", "date": "2026-12-14"},
            ],
        ),
    ],
    ids=lambda c: c.id,
)
async def test_a_name_said_of_one_part_of_a_round_trip_picks_in_that_part(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- direction (between A and B)


@pytest.mark.parametrize(
    ("text", "origin", "destination"),
    [
        ("flights between Boston and Chicago on the 9th", "Boston", "Chicago"),
        ("a shuttle between ORD & ATL tomorrow", "Chicago", "Atlanta"),
        ("travelling between Madrid and Dublin, 10th to the 12th", "Madrid", "Dublin"),
    ],
)
def test_a_route_named_between_two_places_starts_at_the_first(
    text: str, origin: str, destination: str
) -> None:
    u = understand(text, NOW)
    assert u.origin is not None
    assert u.origin.place is not None
    assert u.destination is not None
    assert u.destination.place is not None
    assert (u.origin.place.city, u.destination.place.city) == (origin, destination)


# Ava's home airport is JFK: a route between New York and somewhere starts at home.
@pytest.mark.parametrize(
    "case",
    [
        dialogue(
            "return flights between Miami and New York, the 9th to the 12th",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {"origin": "New York", "destination": "Miami", "date": "2026-12-09"},
                },
                {
                    "tool": "search_flights",
                    "args": {"origin": "Miami", "destination": "New York", "date": "2026-12-12"},
                },
            ],
        ),
        dialogue(
            "I'm going back and forth between London & NYC: out on Dec 15, back Dec 18",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {"origin": "New York", "destination": "London", "date": "2026-12-15"},
                },
                {
                    "tool": "search_flights",
                    "args": {"origin": "London", "destination": "New York", "date": "2026-12-18"},
                },
            ],
        ),
        # neither end is home: the place named first is where it starts
        dialogue(
            "a flight between Chicago and Boston on Dec 10",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {"origin": "Chicago", "destination": "Boston", "date": "2026-12-10"},
                }
            ],
        ),
    ],
    ids=lambda c: c.id,
)
async def test_a_route_between_home_and_elsewhere_goes_out_from_home(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- pick_in_request


@pytest.mark.parametrize(
    ("text", "best", "direct"),
    [
        ("please book me the cheapest flight from Boston to Chicago on Dec 9", "cheapest", False),
        ("Can you reserve the latest direct flight from ORD to Atlanta on the 10th?", "latest", True),
        ("put me on the first nonstop out of Chicago tomorrow", "earliest", True),
        ("reserve the least expensive hotel in Boston for Dec 14 to 16", "cheapest", False),
        ("book Ava on the quickest flight to Miami on Friday", "fastest", False),
    ],
)  # fmt: skip
def test_a_superlative_booked_in_the_request_names_one_option(
    text: str, best: str, direct: bool
) -> None:
    ref = best_in_request(text)
    assert ref is not None
    assert (ref.best, ref.direct) == (best, direct)


@pytest.mark.parametrize(
    "text",
    [
        "find the cheapest flight to Boston on the 9th",  # shows them: nothing to book yet
        "what's the earliest flight to Boston on the 9th?",
        "book me an early flight to Boston on the 9th",  # a wish, not one option
        "book me on the first flight out on the 9th and the last one back on the 11th",
        "book me a first class flight to London on the 9th",
    ],
)
def test_a_search_or_a_wish_names_no_option_to_book(text: str) -> None:
    assert best_in_request(text) is None


# Boston→Chicago Wed 9 Dec: the cheapest is AA 1049 06:10 (143.00 USD), Chicago→Boston Fri
# 11 Dec UA 1170 + AA 1046 12:00 (220.10 USD); ORD→Atlanta Thu 10 Dec: the latest direct is
# AA 1028 21:15; Boston hotels 14–16 Dec: the cheapest is the Novotel Boston Downtown.
@pytest.mark.parametrize(
    "case",
    [
        dialogue(
            (
                "please book me the cheapest flight from Boston to Chicago on Dec 9",
                {"pending": "confirm_booking", "segments": [{"flight": "AA 1049"}]},
            ),
            "yes",
            new_status="confirmed",
            segments=[{"flight": "AA 1049", "date": "2026-12-09"}],
        ),
        dialogue(
            "Can you reserve the latest direct flight from ORD to Atlanta on the 10th?",
            "go ahead",
            new_status="confirmed",
            segments=[{"flight": "AA 1028", "date": "2026-12-10"}],
        ),
        dialogue(
            "book me the cheapest flights from Boston to Chicago, out Dec 9 back Dec 11",
            "yes please",
            new_status="confirmed",
            segments=[
                {"flight": "AA 1049", "date": "2026-12-09"},
                {"flight": "UA 1170", "date": "2026-12-11"},
                {"flight": "AA 1046", "date": "2026-12-11"},
            ],
        ),
        dialogue(
            "reserve the cheapest hotel in Boston for Dec 14 to 16",
            "ok",
            new_status="confirmed",
            segments=[{"city": "Boston"}],
        ),
        # asking which is the cheapest still only shows them, and says which
        dialogue(
            "what's the cheapest flight from Boston to Chicago on Dec 9?",
            tools_exclude=["reserve"],
            reply_contains=["AA 1049"],
            nothing_changed=True,
        ),
    ],
    ids=lambda c: c.id,
)
async def test_a_request_booking_the_best_option_holds_it_for_one_yes(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- confirm_phrase (a yes that restates)

# A yes may say again what the pending action does; those words agree only when they
# are true of the question (the gated tool's facts), never with any other action.
FOR_APPROVAL = Asked(needs_approval=True)
FOR_AVA = Asked(traveller="Ava Traveller")


@pytest.mark.parametrize(
    ("text", "asked", "answer"),
    [
        ("ok, submit it for sign off", FOR_APPROVAL, Answer.YES),
        ("yep go ahead and get it approved", FOR_APPROVAL, Answer.YES),
        ("sure - pass it up to my manager", FOR_APPROVAL, Answer.YES),
        ("yes please, and ask for approval", FOR_APPROVAL, Answer.YES),
        ("sure, confirm it on her behalf", FOR_AVA, Answer.YES),
        ("go ahead, in Ava's name", FOR_AVA, Answer.YES),
        ("yeah, lock in Ava's flight", FOR_AVA, Answer.YES),
        ("yep for him", Asked(traveller="Leo Park"), Answer.YES),
        # words that are not true of the question change it: not a yes
        ("ok, submit it for sign off", None, None),
        ("yes, book it for Gus instead", FOR_AVA, None),
        ("yes, book it for Gus", FOR_AVA, None),
        ("sure, confirm it on her behalf", FOR_APPROVAL, None),
        ("yes, get it approved", FOR_AVA, None),
        ("no, don't send it for approval", FOR_APPROVAL, Answer.NO),
    ],
)
def test_a_yes_may_restate_what_the_confirmation_does(
    text: str, asked: Asked | None, answer: Answer | None
) -> None:
    assert classify(text, asked=asked).answer == answer


@pytest.mark.parametrize(
    "case",
    [
        dialogue(
            "I need a flight to Boston tomorrow",
            "option 1",
            "ok, submit it for sign off please",
            new_status="pending_approval",
        ),
        dialogue(
            "Please get Ava on a flight from JFK to Chicago on Friday the 11th",
            "option 1",
            "Sure, confirm it on her behalf.",
            user="mia",
            new_status="confirmed",
            reply_contains="Ava",
        ),
        dialogue(
            "Please get Ava on a flight from JFK to Chicago on Friday the 11th",
            "option 1",
            "yes, book it for Gus",
            user="mia",
            new_status="held",
        ),
    ],
    ids=lambda c: c.id,
)
async def test_a_yes_restating_the_pending_action_confirms_it(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- date_order (a reading in the past)

# Of a numeric date's two readings, one already past and one still ahead, the one ahead
# is meant, whatever the traveller's habit; the reply says which day was taken.


@pytest.mark.parametrize(
    ("text", "month_first", "day"),
    [
        ("Chicago on 11/12/2026 please", True, D(2026, 12, 11)),  # 12 Nov has passed
        ("to Miami, 10/12/2026", True, D(2026, 12, 10)),
        ("a room in Paris from 14.12.2026 for two nights", True, D(2026, 12, 14)),
        ("flying 12/10/2026", False, D(2026, 12, 10)),  # 12 Oct has passed (day first)
        # both ahead: the traveller's habit decides
        ("fly to Dublin on 02/01/2027", True, D(2027, 2, 1)),
        ("fly to Dublin on 02/01/2027", False, D(2027, 1, 2)),
    ],
)
def test_of_two_readings_the_one_still_ahead_is_meant(
    text: str, month_first: bool, day: date
) -> None:
    assert read_dates(text, NOW, month_first=month_first).depart == day


def test_a_price_or_a_time_with_dots_is_no_date() -> None:
    assert read_dates("anything under 12.50 leaving at 9.15", NOW).depart is None


@pytest.mark.parametrize(
    ("first", "then", "day"),
    [
        # "28/12" showed day first: the later "02/01/2027" is 2 January, for Ava in New York
        ("what's there from JFK to Dublin on 28/12?", "and on 02/01/2027?", "2027-01-02"),
        # and "12/28" month first: 1 February, for a traveller based in London
        ("London to Boston on 12/28 please", "and on 02/01/2027?", "2027-02-01"),
    ],
)
async def test_the_order_a_traveller_showed_reads_their_next_dates(
    first: str, then: str, day: str
) -> None:
    d = Dialogue(profile={**AVA, "home_airport": "LHR"} if "12/28" in first else dict(AVA))
    await d.say(first)
    await d.say(then)
    assert d.backend.last("search_flights")["date"] == day


@pytest.mark.parametrize(
    "case",
    [
        dialogue(
            "Flights JFK to Chicago 10/12/2026 please",
            calls=[{"tool": "search_flights", "args": {"date": "2026-12-10"}}],
            reply_contains="10/12/2026 as Thu 10 Dec",
        ),
        dialogue(
            "anything from Newark to Atlanta on 07/01/2027?",
            calls=[{"tool": "search_flights", "args": {"date": "2027-01-07"}}],
            reply_contains=["07/01/2027 as Thu 7 Jan", "not Thu 1 Jul"],
        ),
    ],
    ids=lambda c: c.id,
)
async def test_the_reply_says_which_reading_of_a_numeric_date_was_taken(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- hotel_dates (the nights named)

# "The nights of X and Y" are nights slept: check in on X, check out the morning after
# the last night named, however the nights are listed.


@pytest.mark.parametrize(
    ("text", "check_in", "check_out"),
    [
        ("a room in Chicago for the nights of the 14th and 15th", D(2026, 12, 14), D(2026, 12, 16)),
        ("hotel Dublin nights of Dec 20, 21 and 22", D(2026, 12, 20), D(2026, 12, 23)),
        ("somewhere to stay the night of Friday the 11th", D(2026, 12, 11), D(2026, 12, 12)),
        ("book me in for the nights of Monday & Tuesday", D(2026, 12, 7), D(2026, 12, 9)),
        ("Madrid hotel for the nights of 3 to 5 January", D(2027, 1, 3), D(2027, 1, 6)),
    ],
)  # fmt: skip
def test_the_nights_named_check_out_the_morning_after_the_last(
    text: str, check_in: date, check_out: date
) -> None:
    reading = read_dates(text, NOW)
    assert (reading.depart, reading.ret) == (check_in, check_out)


def test_nights_named_beside_a_flight_day_are_the_stay_alone() -> None:
    reading = read_dates("flying out Jan 4, a hotel the nights of the 5th, 6th and 7th", NOW)
    assert (reading.depart, reading.stay) == (D(2027, 1, 4), (D(2027, 1, 5), D(2027, 1, 8)))


@pytest.mark.parametrize(
    "case",
    [
        dialogue(
            "Can you find me a hotel in Chicago for the nights of the 14th and 15th?",
            calls=[
                {
                    "tool": "search_hotels",
                    "args": {
                        "city": "chicago",
                        "check_in": "2026-12-14",
                        "check_out": "2026-12-16",
                    },
                }
            ],
        ),
        dialogue(
            "We need 3 rooms in Boston, nights of Dec 20, 21 and 22",
            calls=[
                {
                    "tool": "search_hotels",
                    "args": {
                        "city": "boston",
                        "check_in": "2026-12-20",
                        "check_out": "2026-12-23",
                        "rooms": 3,
                    },
                }
            ],
        ),
    ],
    ids=lambda c: c.id,
)
async def test_a_hotel_for_the_nights_named_searches_every_night(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- correction (a weekday alone)

# A weekday named alone after a dated search corrects that date: it is read in the week
# of the day being corrected, not in today's (unless that one has already passed).


@pytest.mark.parametrize(
    ("first", "then", "day"),
    [
        ("Flights to Chicago on Tuesday the 15th please", "could we do Friday instead?", "2026-12-18"),
        ("JFK to Miami on Dec 23", "hmm, Monday works better", "2026-12-21"),
        ("a flight to Boston on the 10th", "sorry, I meant Wednesday", "2026-12-09"),
        ("Atlanta on the 29th", "change that to thursday", "2026-12-31"),
        # that week's Monday has passed: the coming one
        ("flight to Boston tomorrow", "make it Monday", "2026-12-07"),
    ],
)  # fmt: skip
async def test_a_weekday_alone_moves_the_day_within_its_week(
    first: str, then: str, day: str
) -> None:
    d = Dialogue()
    await d.say(first)
    await d.say(then)
    assert d.backend.last("search_flights")["date"] == day


async def test_a_weekday_alone_moves_a_hotel_check_in_within_its_week() -> None:
    d = Dialogue()
    await d.say("hotel in Paris checking in Monday the 14th for two nights")
    await d.say("actually, switch it to Wednesday")
    args = d.backend.last("search_hotels")
    assert (args["check_in"], args["check_out"]) == ("2026-12-16", "2026-12-18")


# ---------------------------------------------------------------- approval_note (in the sentences after)

# The note of a decision is the rest of the message: the sentences after the decision
# give the reason or the message for the traveller, without the words that only pass it
# on; a question or another request ends it.


@pytest.mark.parametrize(
    ("text", "decision", "note"),
    [
        (
            "I'm going to decline Leo's Chicago hotel. Tell him the dates clash with the offsite.",
            "reject",
            "The dates clash with the offsite",
        ),
        (
            "Decline Ava's London request. Could you let her know that Q1 travel is frozen? Thanks!",
            "reject",
            "Q1 travel is frozen",
        ),
        (
            "Approve Ava's trip. The customer is paying for it.",
            "approve",
            "The customer is paying for it",
        ),
        (
            "I'll sign off on the Boston one. Can you ask her to keep the receipts?",
            "approve",
            "Ask her to keep the receipts",
        ),
        # another request or a bare thanks is no part of the note
        ("Reject the Paris trip. Is that the only one?", "reject", None),
        ("Reject the Paris trip. Then find me a flight to Boston.", "reject", None),
        ("please approve Ava's trip. Cheers", "approve", None),
    ],
)
def test_a_decisions_note_is_taken_from_the_sentences_after_it(
    text: str, decision: str, note: str | None
) -> None:
    u = understand(text, NOW)
    assert (u.intent, u.decision, u.note) == (Intent.DECIDE, decision, note)


@pytest.mark.parametrize(
    "case",
    [
        dialogue(
            (
                "Unfortunately I have to reject Ava's trip to Paris. Let her know the client "
                "has moved the meeting online.",
                {
                    "pending": "decide_approval",
                    "pending_args": {"decision": "reject"},
                    "pending_args_contains": {"note": "moved the meeting online"},
                },
            ),
            "yes",
            user="mia",
            world="trips",
            booking_status={"paris": "cancelled"},
        ),
    ],
    ids=lambda c: c.id,
)
async def test_a_rejection_carries_the_message_given_after_it(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


@pytest.mark.parametrize(
    ("then", "back"),
    [
        ("actually, come back Thursday", "2026-12-17"),
        ("I'd rather fly back on Sunday", "2026-12-20"),
        ("make the return Tuesday", "2026-12-15"),
        # that week's Monday is the way out: the one after it
        ("return Monday", "2026-12-21"),
    ],
)
async def test_a_weekday_alone_for_the_way_home_moves_the_return_within_its_week(
    then: str, back: str
) -> None:
    d = Dialogue()
    await d.say("round trip JFK to London out Monday the 14th back Wednesday the 16th")
    await d.say(then)
    dates = [a["date"] for n, a in d.backend.calls[-2:] if n == "search_flights"]
    assert dates == ["2026-12-14", back]


# ---------------------------------------------------------------- descriptive_pick (plural "nonstops")


@pytest.mark.parametrize(
    ("text", "carrier", "both"),
    [
        ("the Delta nonstops both ways", "Delta", "ways"),
        ("I'll take the United non-stops", "United", None),
        ("the American directs please", "American", None),
        ("the BA direct options, out and back", "BA", "ways"),
    ],
)
def test_plural_nonstops_are_a_direct_only_pick(text: str, carrier: str, both: str | None) -> None:
    (ref,) = read_picks(text)
    assert (ref.carrier, ref.direct, ref.both) == (carrier, True, both)


@pytest.mark.parametrize(
    ("text", "both"),
    [
        ("the nonstops both ways", "ways"),
        ("the directs there and back", "ways"),
        ("the nonstops please", None),
    ],
)
def test_the_nonstops_alone_name_the_direct_options(text: str, both: str | None) -> None:
    (ref,) = read_picks(text)
    assert (ref.best, ref.both) == ("direct", both)


def test_the_nonstops_to_a_place_are_no_pick() -> None:
    assert read_picks("the nonstops to Boston") == []


# Boston⇄London 9/13 Dec: Delta's only direct flights are DL 21 out and DL 22 back (DL 16
# also shows, in a connection back via Paris).
@pytest.mark.parametrize(
    "case",
    [
        dialogue(
            "round trip Boston to London, out Dec 9 back Dec 13",
            "the Delta nonstops both ways",
            "yes",
            new_status="confirmed",
            segments=[
                {"flight": "DL 21", "origin": "BOS", "date": "2026-12-09"},
                {"flight": "DL 22", "destination": "BOS", "date": "2026-12-13"},
            ],
        ),
        dialogue(
            "round trip Boston to London, out Dec 9 back Dec 13",
            "I'd like the Delta directs, out and back",
            "go ahead",
            new_status="confirmed",
            segments=[
                {"flight": "DL 21", "origin": "BOS", "date": "2026-12-09"},
                {"flight": "DL 22", "destination": "BOS", "date": "2026-12-13"},
            ],
        ),
    ],
    ids=lambda c: c.id,
)
async def test_plural_nonstops_pick_the_direct_flight_of_each_list(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- own_trips (a booking already made, asked about)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("where did you put me up in London?", Intent.ASK_TRIP),
        ("what flight have you put me on to London?", Intent.ASK_TRIP),
        ("did you get me a hotel in Paris?", Intent.ASK_TRIP),
        ("which hotel in London did you book for me?", Intent.ASK_TRIP),
        ("have you found us a room in Paris yet?", Intent.ASK_TRIP),
        ("which hotel did I book in London?", Intent.ASK_TRIP),
        ("what have you booked for me?", Intent.TRIPS),
        # asking for a booking is still a request
        ("can you book me a hotel in London?", Intent.SEARCH),
        ("could you get me a room in Paris for the 14th?", Intent.SEARCH),
        ("please find me a hotel in London", Intent.SEARCH),
    ],
)
def test_a_booking_already_made_asked_about_is_no_request(text: str, intent: Intent) -> None:
    assert understand(text, NOW).intent == intent


# The trips world: Ava's London trip has the Holiday Inn Express London Tower Bridge
# (15–18 Dec) and BA 19 out on Mon 14 Dec; her Paris trip has no hotel.
@pytest.mark.parametrize(
    "case",
    [
        dialogue(
            "where did you put me up in London?",
            world="trips",
            reply_contains="Holiday Inn",
            tools_exclude=["search_hotels"],
            nothing_changed=True,
        ),
        dialogue(
            "which hotel in London did you book for me?",
            world="trips",
            reply_contains="Holiday Inn",
            tools_exclude=["search_hotels"],
            nothing_changed=True,
        ),
        dialogue(
            "what flight have you put me on to London?",
            world="trips",
            reply_contains="BA 19",
            tools_exclude=["search_flights"],
            nothing_changed=True,
        ),
        dialogue(
            "did you get me a hotel in Paris?",
            world="trips",
            reply_contains="no hotel",
            tools_exclude=["search_hotels"],
            nothing_changed=True,
        ),
    ],
    ids=lambda c: c.id,
)
async def test_a_booking_already_made_is_answered_from_the_trips(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- descriptive_pick (by price)


@pytest.mark.parametrize(
    ("text", "price", "per"),
    [
        ("the $530 one please", 530.0, None),
        ("I'll take the one for 189 dollars", 189.0, None),
        ("book the hotel at £180 per night", 180.0, "night"),
        ("the 310-a-night hotel is fine", 310.0, "night"),
        ("the one that's $612.40 pp", 612.4, "person"),
    ],
)
def test_a_price_said_of_an_option_picks_by_price(text: str, price: float, per: str | None) -> None:
    u = understand(text, NOW)
    assert u.intent == Intent.SELECT
    assert [(r.price, r.per) for r in u.options] == [(price, per)]
    assert u.dates.nights is None  # "a night" of a price is no length of stay


@pytest.mark.parametrize(
    "text",
    [
        "the one at 10",  # a time
        "the one under $200 a night",  # a cap on a new search
        "hotel in Paris for 2 nights from the 10th",
    ],
)
def test_a_number_that_is_no_price_of_an_option_picks_nothing_by_price(text: str) -> None:
    assert all(r.price is None for r in understand(text, NOW).options)


# Boston→London Wed 9 Dec: DL 21 at 527.80, B6 9 at 529.10; London→Boston Sun 13 Dec: DL 22
# at 606.60. Paris hotels 15–18 Dec: Hilton Paris Montparnasse at 283 a night, none at 300.
@pytest.mark.parametrize(
    "case",
    [
        dialogue(
            "Boston to London on Dec 9",
            "I'll take the $530 one",
            "yes",
            new_status="confirmed",
            segments=[{"flight": "B6 9", "date": "2026-12-09"}],
        ),
        dialogue(
            "hotels in Paris from 15 to 18 December",
            "the one at 283 dollars a night please",
            "yes",
            new_status="confirmed",
            segments=[
                {
                    "hotel": "Hilton Paris Montparnasse",
                    "check_in": "2026-12-15",
                    "check_out": "2026-12-18",
                }
            ],
        ),
        dialogue(
            "round trip Boston to London, out Dec 9 back Dec 13",
            "the $529 one out and the $606.60 one back",
            new_status="held",
            segments=[{"flight": "B6 9"}, {"flight": "DL 22"}],
        ),
        # no option at that price: asked, nothing held or searched
        dialogue(
            "hotels in Paris from 15 to 18 December",
            "the one at $300 a night",
            tools_exclude=["search_hotels", "reserve"],
            nothing_changed=True,
            reply_contains="$300 a night",
        ),
    ],
    ids=lambda c: c.id,
)
async def test_a_price_said_of_an_option_picks_the_one_shown_at_it(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- hotel_request_read_as_flight


@pytest.mark.parametrize(
    ("text", "want_flight"),
    [
        ("we'll be in Chicago Dec 9-11, could you sort out a hotel?", False),
        ("I'm heading to London on the 14th for 3 nights, book me a hotel", False),
        ("I need to be in Paris from the 10th to the 12th — hotel please", False),
        # a word for the flight itself, an origin, a trip or "and a hotel" still asks for one
        ("I'll be in Atlanta next week, flights and a hotel please", True),
        ("I need to be in London for the Dec 17-21 offsite, book me a flight and a hotel", True),
        ("I will be in Boston from Chicago Dec 9-11, hotel too", True),
        ("I need to be in Miami on the 15th", True),
    ],
)
def test_being_somewhere_beside_a_hotel_asked_for_asks_for_no_flight(
    text: str, want_flight: bool
) -> None:
    assert understand(text, NOW).want_flight is want_flight


# Chicago 9–11 Dec: the cheapest hotel is option 1; Paris 10–12 Dec likewise.
@pytest.mark.parametrize(
    "case",
    [
        dialogue(
            "we'll be in Chicago Dec 9-11, could you sort out a hotel?",
            ("the cheapest", {"pending": "confirm_booking"}),
            "yes",
            tools_exclude=["search_flights"],
            new_status="confirmed",
            segments=[{"check_in": "2026-12-09", "check_out": "2026-12-11"}],
        ),
        dialogue(
            "I'm heading to Paris on the 10th for 2 nights, can you book me a hotel?",
            tools_exclude=["search_flights"],
            any_call=[
                {
                    "tool": "search_hotels",
                    "args": {"city": "paris", "check_in": "2026-12-10", "check_out": "2026-12-12"},
                }
            ],
        ),
    ],
    ids=lambda c: c.id,
)
async def test_a_hotel_asked_for_by_someone_who_will_be_there_is_only_the_hotel(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- context_place (where one is, beside the route)


@pytest.mark.parametrize(
    ("text", "origin", "destination"),
    [
        (
            "I am in London for work, need a flight from Heathrow to Boston on Friday",
            "Heathrow",
            "Boston",
        ),
        ("at the Paris office next week; book me from CDG to Madrid on the 9th", "CDG", "Madrid"),
        (
            "we're at a trade show in Chicago — flights out of O'Hare to Atlanta on Dec 10?",
            "O'Hare",
            "Atlanta",
        ),
        # no origin named: the place one is in is where the flight leaves from (f576d85)
        (
            "I'm in Chicago for a workshop, need to get back to Boston on Dec 10",
            "Chicago",
            "Boston",
        ),
    ],
)
def test_the_place_one_is_in_beside_the_origin_is_no_destination(
    text: str, origin: str, destination: str
) -> None:
    u = understand(text, NOW)
    assert u.origin is not None
    assert u.destination is not None
    assert (u.origin.text, u.destination.text) == (origin, destination)


# London→Boston Fri 11 Dec: DL 22 (17:20) is the cheapest; Chicago→Atlanta Thu 10 Dec
# searched from O'Hare.
@pytest.mark.parametrize(
    "case",
    [
        dialogue(
            "I am in London for work, need a flight from Heathrow to Boston on Friday the 11th",
            "the cheapest please",
            "yes",
            new_status="confirmed",
            segments=[{"flight": "DL 22", "origin": "LHR", "destination": "BOS"}],
        ),
        dialogue(
            "we're at a trade show in Chicago — flights out of O'Hare to Atlanta on Dec 10?",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {"origin": "ORD", "destination": "ATL", "date": "2026-12-10"},
                }
            ],
            nothing_changed=True,
        ),
    ],
    ids=lambda c: c.id,
)
async def test_the_place_one_is_in_leaves_the_route_as_named(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- rebook_direction, context_weekday (a change request)


@pytest.mark.parametrize(
    ("text", "moved_to"),
    [
        # the day after "to", not a day told in another sentence
        (
            "The conference ends Tuesday. Could you change my flight back from London to Wednesday 16 Dec?",
            D(2026, 12, 16),
        ),
        (
            "My client moved our meeting to Monday. Can you move my flight from London to the 16th?",
            D(2026, 12, 16),
        ),
        # a day said "instead", never the day moved from
        ("please change my flight home, I want Saturday the 19th instead", D(2026, 12, 19)),
        ("switch my return to the 16th rather than the 18th", D(2026, 12, 16)),
        # "bring ... forward", "push ... back" ask for the change
        ("could you bring my flight home forward to Wednesday 16 Dec?", D(2026, 12, 16)),
        ("Please push my return from London back to Saturday the 19th", D(2026, 12, 19)),
        # no day for the change: asked, not guessed from the context
        ("My offsite ends on Tuesday. Please move my flight home.", None),
    ],
)
def test_a_change_request_moves_to_the_day_it_asks_for(text: str, moved_to: date | None) -> None:
    u = understand(text, NOW)
    assert u.intent == Intent.CHANGE
    assert u.moved_to == moved_to


def test_a_day_early_is_no_part_of_the_day() -> None:
    u = understand("We finish two days early, can you move my flight home to the 16th?", NOW)
    assert (u.dates.depart_before, u.moved_to) == (None, D(2026, 12, 16))
    assert understand("an early flight to Boston on the 9th", NOW).dates.depart_before == "09:00"


# The trips world: Ava's London trip flies out on BA 19 JFK→LHR Mon 14 Dec and home on BA 18
# LHR→JFK Fri 18 Dec. LHR→JFK Wed 16 Dec and Sat 19 Dec, JFK→LHR Sun 13 Dec are searched for
# the change; on Thu 17 Dec B6 20 (LHR 13:00) is among the options.
@pytest.mark.parametrize(
    "case",
    [
        dialogue(
            "The conference ends Tuesday. Could you change my flight back from London to Wednesday 16 Dec?",
            world="trips",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {"origin": "LHR", "destination": "JFK", "date": "2026-12-16"},
                }
            ],
            nothing_changed=True,
        ),
        dialogue(
            "Please push my return from London back to Saturday the 19th",
            world="trips",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {"origin": "LHR", "destination": "JFK", "date": "2026-12-19"},
                }
            ],
            nothing_changed=True,
        ),
        dialogue(
            "I need to switch my outbound flight to London to Sunday 13 Dec",
            world="trips",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {"origin": "JFK", "destination": "LHR", "date": "2026-12-13"},
                }
            ],
            nothing_changed=True,
        ),
        dialogue(
            "My client moved our meeting to Monday. Can you move my flight from London to the 17th?",
            ("B6 20 please", {"pending": "rebook"}),
            "go ahead",
            world="trips",
            tools_include=["rebook"],
            new_bookings=0,
            booking_status={"london": "confirmed"},
        ),
    ],
    ids=lambda c: c.id,
)
async def test_a_change_request_searches_the_leg_and_day_it_names(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- a flight number picks the option carrying it


@pytest.mark.parametrize(
    ("text", "flight"),
    [
        ("AA 1040 please", "AA 1040"),
        ("ba20 pls", "BA 20"),
        ("the UA 8", "UA 8"),
        ("B6 1053, that one", "B6 1053"),
    ],
)
def test_a_flight_number_is_a_pick(text: str, flight: str) -> None:
    u = understand(text, NOW)
    assert u.intent == Intent.SELECT
    assert [r.carrier for r in u.options] == [flight]


@pytest.mark.parametrize(
    "text", ["is BA 117 delayed?", "I need 2 seats", "Paris on the 20th", "we are 4 people"]
)
def test_a_question_or_a_count_is_no_flight_number_pick(text: str) -> None:
    assert all(r.carrier is None or " " not in r.carrier for r in understand(text, NOW).options)


def test_a_flight_number_fits_that_flight_only() -> None:
    options = [
        {"option": 1, "flights": ["BA 201"], "carrier": "British Airways"},
        {"option": 2, "flights": ["BA 20"], "carrier": "British Airways"},
    ]
    (ref,) = read_picks("BA 20 please")
    assert pick(options, ref) == options[1]


# ---------------------------------------------------------------- a person's name that is also an airport code


@pytest.mark.parametrize(
    ("text", "party"),
    [
        ("Mia and I need to fly to Boston on the 9th", ["Mia"]),
        ("flights to Chicago on Dec 10 for me and Del", ["Del"]),
        ("Sam Lee, Mia and I to Paris on the 14th", ["Sam Lee", "Mia"]),
    ],
)
def test_a_code_written_as_a_name_beside_the_speaker_is_a_person(
    text: str, party: list[str]
) -> None:
    u = understand(text, NOW)
    assert u.party == party
    assert u.passengers == 1 + len(party)
    assert all(p.text not in party for p in u.places)


@pytest.mark.parametrize(
    "text", ["JFK to MIA on the 9th for me", "me and my colleague fly to Mia on the 9th"]
)
def test_the_code_as_a_place_is_still_the_airport(text: str) -> None:
    u = understand(text, NOW)
    assert u.destination is not None
    assert u.destination.place is not None
    assert u.destination.place.city == "Miami"
    assert u.party == []


# On the demo data: JFK→Boston Wed 9 Dec, option 1 is B6 1022; two seats held, the names asked.
async def test_a_code_written_as_a_name_takes_a_seat(
    worlds: dict[str, World], tmp_path: Path
) -> None:
    case = dialogue(
        "Mia and I need to fly to Boston on the 9th",
        "the first one",
        segments=[{"flight": "B6 1022", "passengers": 2}],
        reply_contains="who's flying",
    )
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- whose booking it is, by user id


async def test_ones_own_booking_is_known_by_the_user_id_not_the_name() -> None:
    # the profile spells the caller's name otherwise than the booking does
    d = Dialogue(profile={**AVA, "name": "Ava T.", "user_id": "u_ava"})
    await d.say("JFK to London Dec 18")
    assert await d.say("option 1") == "<confirm confirm_booking>"
    assert "✅ Booked! Your booking reference is **BK-TEST01**" in await d.confirm()


async def test_a_namesakes_booking_is_someone_elses() -> None:
    # a manager who shares her report's name books for her report
    boss = {
        "name": "Ava Traveller",
        "role": "manager",
        "home_airport": "JFK",
        "currency": "USD",
        "user_id": "u_boss",
        "can_book_for": [{"user_id": "u_ava", "name": "Ava Traveller"}],
    }
    d = Dialogue(profile=boss)
    await d.say("Please get my report Ava to London on Dec 18")
    assert await d.say("option 1") == "<confirm confirm_booking>"
    assert d.backend.last("reserve")["traveler_id"] == "u_ava"
    assert "✅ Booked for Ava Traveller!" in await d.confirm()


# ---------------------------------------------------------------- chat spelling ("whats", "u") and "my outbound"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("whats the checkout date at my hotel in london", Intent.ASK_TRIP),
        ("wheres my hotel in london", Intent.ASK_TRIP),
        ("whats my flight number to london?", Intent.ASK_TRIP),
        ("can u find me a hotel in Paris dec 10-12", Intent.SEARCH),
        ("can u push my inbound back to sat the 19th", Intent.CHANGE),
        ("pls move my outbound to the 13th", Intent.CHANGE),
    ],
)
def test_chat_spelling_and_the_legs_by_name_are_read(text: str, intent: Intent) -> None:
    assert understand(text, NOW).intent == intent


# The trips world: BA 19 JFK→LHR Mon 14 Dec out, BA 18 LHR→JFK Fri 18 Dec home.
@pytest.mark.parametrize(
    "case",
    [
        dialogue(
            "can u push my inbound from london back to sat the 19th",
            world="trips",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {"origin": "LHR", "destination": "JFK", "date": "2026-12-19"},
                }
            ],
            nothing_changed=True,
        ),
        dialogue(
            "wheres my hotel in london",
            world="trips",
            reply_contains="Holiday Inn Express",
            tools_exclude=["search_hotels"],
            nothing_changed=True,
        ),
    ],
    ids=lambda c: c.id,
)
async def test_chat_spelling_asks_about_and_changes_ones_trip(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- context_date (an event's day beside the travel day)


@pytest.mark.parametrize(
    ("text", "depart", "ret"),
    [
        (
            "Our offsite in Boston starts on the 15th. Could you book me on a flight from JFK on the 14th?",
            D(2026, 12, 14),
            None,
        ),
        (
            "The client meeting is on Thursday 10 Dec. Please look for flights to Chicago on "
            "Wednesday the 9th and a hotel for one night.",
            D(2026, 12, 9),
            None,
        ),
        (
            "I'm giving a talk in Paris on the 17th! Any flights from Newark on Tuesday 15 Dec?",
            D(2026, 12, 15),
            None,
        ),
        # a sentence that dates a leg of the trip is no context
        ("Flights to Paris on Monday the 14th. Back on Friday.", D(2026, 12, 14), D(2026, 12, 18)),
        # the only day named stays the trip's
        ("My meeting is on the 10th. I need a flight to Boston.", D(2026, 12, 10), None),
    ],
)
def test_an_events_day_in_its_own_sentence_is_context(
    text: str, depart: date, ret: date | None
) -> None:
    d = understand(text, NOW).dates
    assert (d.depart, d.ret, d.question) == (depart, ret, None)


@pytest.mark.parametrize(
    "case",
    [
        dialogue(
            "I'm giving a talk in Paris on the 17th! Any flights from Newark on Tuesday 15 Dec?",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {"origin": "EWR", "destination": "paris", "date": "2026-12-15"},
                }
            ],
            nothing_changed=True,
        ),
        dialogue(
            "The client meeting is on Thursday 10 Dec. Please look for flights to Chicago on "
            "Wednesday the 9th and a hotel for one night.",
            calls=[
                {
                    "tool": "search_flights",
                    "args": {"destination": "chicago", "date": "2026-12-09"},
                },
                {
                    "tool": "search_hotels",
                    "args": {
                        "city": "chicago",
                        "check_in": "2026-12-09",
                        "check_out": "2026-12-10",
                    },
                },
            ],
            nothing_changed=True,
        ),
    ],
    ids=lambda c: c.id,
)
async def test_the_trip_is_searched_on_the_day_asked_not_the_events(
    case: Case, worlds: dict[str, World], tmp_path: Path
) -> None:
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- approval_decision_phrasing (said as it is done)


@pytest.mark.parametrize(
    ("text", "decision", "note"),
    [
        (
            "I'm declining the Paris one — no budget left this quarter",
            "reject",
            "No budget left this quarter",
        ),
        ("Approving Ava's trip to Boston - client visit", "approve", "Client visit"),
        (
            "we are turning down Ava's request, the dates clash with the audit",
            "reject",
            "The dates clash with the audit",
        ),
        # a count in the reason is no option number
        ("decline it - she should book 14+ days ahead", "reject", "She should book 14+ days ahead"),
    ],
)
def test_a_decision_said_as_it_is_done_is_a_decision(text: str, decision: str, note: str) -> None:
    u = understand(text, NOW)
    assert (u.intent, u.decision, u.note) == (Intent.DECIDE, decision, note)
    assert all(r.index is None for r in u.options)


@pytest.mark.parametrize("text", ["who is approving my trip?", "is anyone rejecting it?"])
def test_asking_who_decides_is_no_decision(text: str) -> None:
    assert understand(text, NOW).intent != Intent.DECIDE


# The trips world: Ava's Boston→Paris flight of 3 Dec waits for Mia's approval.
async def test_a_rejection_said_as_it_is_done_rejects_with_its_reason(
    worlds: dict[str, World], tmp_path: Path
) -> None:
    case = dialogue(
        (
            "I'm declining Ava's Paris trip — the budget for this quarter is spent",
            {
                "pending": "decide_approval",
                "pending_args": {"decision": "reject"},
                "pending_args_contains": {"note": "budget"},
            },
        ),
        "yes",
        world="trips",
        user="mia",
        booking_status={"paris": "cancelled"},
    )
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- passenger_names_up_front (who they are, before their names)


@pytest.mark.parametrize(
    ("text", "party", "seats"),
    [
        ("flights to Boston on the 15th for me and my teammate Dana Cole", ["Dana Cole"], 2),
        ("me and my wife Ana Silva to Miami on the 20th", ["Ana Silva"], 2),
        (
            "Atlanta on Dec 11 for myself and three clients: Li Wei, Omar Haddad and Sara Berg",
            ["Li Wei", "Omar Haddad", "Sara Berg"],
            4,
        ),
        # who they are without names: the count only
        ("me and my boss to Paris on the 14th", [], 2),
    ],
)
def test_who_someone_is_before_their_name_keeps_them_in_the_party(
    text: str, party: list[str], seats: int
) -> None:
    u = understand(text, NOW)
    assert (u.party, u.passengers) == (party, seats)


# JFK→Boston Tue 15 Dec: the cheapest is AA 1040 (also option 1 of the default list).
async def test_guests_named_after_who_they_are_are_booked_in_their_names(
    worlds: dict[str, World], tmp_path: Path
) -> None:
    case = dialogue(
        "JFK to Boston on Dec 15 for me and my teammate Dana Cole",
        ("the cheapest", {"pending": "confirm_booking"}),
        "yes",
        new_status="confirmed",
        segments=[{"flight": "AA 1040", "passengers": 2}],
    )
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- a flight number in an ask about a booked flight


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("check me in for BA 19 pls", Intent.CHECK_IN),
        ("can you check me in on UA 8?", Intent.CHECK_IN),
    ],
)
def test_a_flight_number_in_an_ask_is_the_booked_flight_not_a_pick(
    text: str, intent: Intent
) -> None:
    assert understand(text, NOW).intent == intent


# ---------------------------------------------------------------- book_for_not_allowed


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a family name after the first: the trip is still someone else's
        ("Please get Omar Haddad on the 8am to Boston tomorrow", "Omar"),
        ("could you reserve my colleague Lena Voss a seat to Paris on the 9th?", "Lena"),
        ("Priya Shah needs a flight to Chicago on Friday", "Priya"),
        ("sort out Tom Reed's flights to Atlanta for the 12th", "Tom"),
        # two capitalised words that are a place name no one
        ("book San Francisco flights for Dec 15", None),
        ("Find Hong Kong hotels on the 15th", None),
        ("Book Los Angeles to Boston on Dec 15", None),
    ],
)
def test_a_full_name_names_whom_the_trip_is_for(text: str, name: str | None) -> None:
    assert understand(text, NOW).book_for == name


def test_a_day_after_for_names_no_one() -> None:
    for text in (
        "Can you find me flights to Chicago for Mon 14 Dec, back Thu 17 Dec?",
        "a hotel for Tues in Boston",
        "flights to Paris for Thanksgiving",
    ):
        assert understand(text, NOW).book_for is None, text


@pytest.mark.parametrize(
    "text",
    [
        "Please get Omar Haddad on the 8am to Boston tomorrow",
        "Priya Shah needs a flight to Chicago on Friday",
        "book my boss Victor on a flight to London on Dec 18",
    ],
)
async def test_someone_the_caller_may_not_book_for_is_refused_before_any_option(text: str) -> None:
    d = Dialogue(profile=dict(MIA))  # the profile tool lists Ava Traveller only
    await d.say(text)
    said = _said(d)
    assert "can't book for" in said
    assert "yourself and Ava Traveller" in said  # the core's list, as the tool gives it
    assert said.index("can't book for") < said.index("**Flights")  # the no comes first
    assert d.backend.names() == ["get_traveler_profile", "search_flights"]
    # Taken as the caller's own, the option is held in their name.
    assert await d.say("option 1 for me") == "<confirm confirm_booking>"
    assert "traveler_id" not in d.backend.last("reserve")


async def test_someone_the_prompt_profile_lists_is_searched_for_without_asking_the_tool() -> None:
    d = Dialogue(profile=dict(MIA_WITH_REPORTS))
    await d.say("Please get Ava Traveller on a flight to Boston on Dec 15")
    assert d.backend.names() == ["search_flights"]


@pytest.mark.parametrize(
    ("user", "text"),
    [
        ("fin", "Could you get Mia Chen on a flight from JFK to Miami on Dec 16?"),  # own only
        ("ava", "Erin Walsh needs a flight to Chicago on the 16th"),  # a colleague, not a report
        ("gus", "book Mia Chen on the ORD to Boston flight Dec 16 pls"),  # another organization
    ],
)
async def test_whom_the_caller_may_not_book_for_is_refused_up_front_and_at_the_pick(
    worlds: dict[str, World], tmp_path: Path, user: str, text: str
) -> None:
    case = dialogue(
        (text, {"reply_contains": ["can't book for"], "tools_include": ["search_flights"]}),
        ("option 1", {"reply_contains": ["can't book for"], "tools_exclude": ["reserve"]}),
        user=user,
        tools_exclude=["reserve"],
        nothing_changed=True,
    )
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- team_trips


@pytest.mark.parametrize(
    ("text", "intent", "whose", "team"),
    [
        ("What time does Ava land in London?", Intent.ASK_TRIP, "Ava", False),
        ("where is Priya staying in Paris?", Intent.ASK_TRIP, "Priya", False),
        ("what did Tom Reed's Boston trip cost?", Intent.ASK_TRIP, "Tom Reed", False),
        ("Is Omar back from Chicago yet?", Intent.ASK_TRIP, "Omar", False),
        ("Is Mia flying business on her London trip?", Intent.ASK_TRIP, "Mia", False),
        ("any of my reports flying to Paris next week?", Intent.TRIPS, None, True),
        ("Who from my team is in Boston this week?", Intent.TRIPS, None, True),
        # one's own trip, a place, a brand, an airline: no one else's
        ("when does my flight to London land?", Intent.ASK_TRIP, None, False),
        ("is the Hilton's room refundable?", None, None, False),
        ("When does Delta fly to Boston?", None, None, False),
    ],
)
def test_a_question_about_someone_elses_trip_names_them(
    text: str, intent: Intent | None, whose: str | None, team: bool
) -> None:
    u = understand(text, NOW)
    if intent is not None:
        assert u.intent == intent
    assert (u.whose, u.team) == (whose, team)


@pytest.mark.parametrize(
    ("user", "text", "says"),
    [
        ("mia", "What time does Ava land in London?", ["Ava Patel", "lands at LHR"]),
        ("victor", "Where is Ava staying in London?", ["Holiday Inn Express"]),
        ("admin", "what did Ava's London trip cost?", ["1,944.90"]),
        ("mia", "Is anybody from my team in Paris this week?", ["Ava Patel", "Paris"]),
        # (said plainly since g31e's no_trips_wording: "No one on your team has ... booked")
        ("victor", "Is anyone on my team going to Boston next month?", ["No one", "Boston"]),
        # a traveller of another organization sees none of Acme's trips
        ("gus", "When does Ava fly back from London?", ["don't see"]),
    ],
)
async def test_a_managers_question_about_a_reports_trip_is_answered_from_list_trips(
    worlds: dict[str, World], tmp_path: Path, user: str, text: str, says: list[str]
) -> None:
    case = dialogue(
        text,
        world="trips",
        user=user,
        tools_include=["list_trips"],
        tools_exclude=["search_flights", "search_hotels"],
        nothing_changed=True,
        reply_contains=says,
    )
    await runs_as_expected(case, worlds, tmp_path)


# ---------------------------------------------------------------- approvals_query_phrasing


@pytest.mark.parametrize(
    "text",
    [
        "What is Ava asking me to approve, how much does it cost and why does it need my sign-off?",
        "what does Omar want me to sign off, and how much is it?",
        "How much is the trip Priya is asking me to approve?",
        "what has Tom requested my approval for and what does it cost?",
    ],
)
def test_a_request_put_to_the_caller_is_the_queue_not_the_thresholds(text: str) -> None:
    assert understand(text, NOW).intent == Intent.APPROVALS


def test_a_threshold_question_is_still_about_the_policy() -> None:
    text = "how much can a trip cost before it needs my sign-off?"
    assert understand(text, NOW).intent == Intent.POLICY


# ---------------------------------------------------------------- approval_note (joined)


@pytest.mark.parametrize(
    ("text", "decision", "note"),
    [
        (
            "Decline it and tell him to rebook once the agenda is final.",
            "reject",
            "Rebook once the agenda is final",
        ),
        ("approve it but ask her to fly economy next time", "approve", "Fly economy next time"),
        (
            "reject Omar's trip and let him know the budget is spent",
            "reject",
            "The budget is spent",
        ),
        ("approve it and remind Priya that receipts are due", "approve", "Receipts are due"),
    ],
)
def test_a_message_joined_to_the_decision_is_its_note(text: str, decision: str, note: str) -> None:
    u = understand(text, NOW)
    assert (u.intent, u.decision, u.note) == (Intent.DECIDE, decision, note)


# ---------------------------------------------------------------- trips_phrasing (holds)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("what have I got on hold right now?", Intent.TRIPS),
        ("what do we have held at the moment?", Intent.TRIPS),
        ("what's currently on hold?", Intent.TRIPS),
        ("which of my trips are held?", Intent.TRIPS),
        # a pick or a hold asked for stays what it is
        ("hold the cheapest", Intent.SELECT),
    ],
)
def test_asking_what_is_on_hold_lists_the_trips(text: str, intent: Intent) -> None:
    assert understand(text, NOW).intent == intent


# ---------------------------------------------------------------- pick_read_as_policy


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Cheapest one is fine for her.", Intent.SELECT),
        ("option 2 is ok for him", Intent.SELECT),
        ("the earliest is fine for me", Intent.SELECT),
        # asked, it is a question about the policy
        ("is the cheapest one ok for her?", Intent.POLICY),
        ("is option 2 allowed?", Intent.POLICY),
    ],
)
def test_an_option_said_fine_for_someone_is_a_choice(text: str, intent: Intent) -> None:
    assert understand(text, NOW).intent == intent


# ---------------------------------------------------------------- policy_answer (others, cities)


@pytest.mark.parametrize(
    "text",
    [
        "can my engineers fly business class to London or is it economy only?",
        "could my team take premium economy to Paris?",
        "may our consultants fly business to Tokyo?",
    ],
)
def test_what_the_callers_people_may_fly_is_a_policy_question(text: str) -> None:
    assert understand(text, NOW).intent == Intent.POLICY


async def test_the_hotel_caps_of_every_city_named_are_given() -> None:
    for text, cities in (
        ("What's the nightly hotel cap in Paris and in Tokyo?", ["Paris", "Tokyo"]),
        (
            "Remind me of the hotel caps for London, for Paris and for Tokyo.",
            ["London", "Paris", "Tokyo"],
        ),
    ):
        d = Dialogue()
        reply = await d.say(text)
        assert d.backend.names() == ["get_policy"]
        lines = [line for line in reply.splitlines() if line.startswith("- ")]
        assert [line[2:].split(":")[0] for line in lines] == cities


# ---------------------------------------------------------------- context_words_as_place


@pytest.mark.parametrize(
    ("text", "origin", "destination"),
    [
        # an unknown name beside a known place for the same end of the trip
        (
            "Two of us from Procurement flying to Boston on the 9th, from Chicago please",
            "Chicago",
            "Boston",
        ),
        # an unknown name in a sentence that asks for no travel
        ("I work at Initech. Flights from Boston to Miami on Friday please", "Boston", "Miami"),
        ("Hello, Sam from Hooli here. Can I get a flight to Paris on the 14th?", None, "Paris"),
    ],
)
def test_a_name_no_reader_knows_is_context_beside_a_known_place(
    text: str, origin: str | None, destination: str
) -> None:
    u = understand(text, NOW)
    assert [m.text for m in u.places if m.place is None] == []
    assert (u.origin.place.city if u.origin and u.origin.place else None) == origin
    assert u.destination is not None
    assert u.destination.place is not None
    assert u.destination.place.city == destination


def test_an_unknown_place_asked_for_alone_is_still_asked_about() -> None:
    u = understand("flights to Initech on Friday", NOW)
    assert [m.text for m in u.places] == ["Initech"]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        (
            "I joined the team on Monday. My offsite is in Boston on Thursday 10 December. Flights that day?",
            D(2026, 12, 10),
        ),
        ("We moved offices last Friday. I need a flight to Miami on the 9th.", D(2026, 12, 9)),
    ],
)
def test_a_day_of_what_already_happened_is_not_the_trips(text: str, day: date) -> None:
    assert understand(text, NOW).dates.depart == day


# ---------------------------------------------------------------- capabilities_question


@pytest.mark.parametrize(
    "text",
    [
        "what exactly can you do for me?",
        "what else could you help me with?",
        "can you do hotels as well?",
        "Is this only for flights or hotels too?",
    ],
)
def test_asking_what_the_concierge_can_do_gets_the_help(text: str) -> None:
    assert understand(text, NOW).intent == Intent.HELP


# ---------------------------------------------------------------- own_trips (told as booked)


@pytest.mark.parametrize(
    "text",
    [
        "I booked a hotel in Paris last week, is it confirmed?",
        "We've reserved flights to Boston — have they been approved?",
        "I requested a trip to London on Monday; has it gone through yet?",
    ],
)
def test_a_trip_told_as_booked_then_asked_about_is_ones_own(text: str) -> None:
    assert understand(text, NOW).intent == Intent.ASK_TRIP


# ---------------------------------------------------------------- passenger_names_up_front


@pytest.mark.parametrize(
    ("text", "party"),
    [
        ("me and another new starter, Jordan Lee, to Boston on the 10th", ["Jordan Lee"]),
        ("me and a fellow intern, Sam Ortiz, to Chicago on Friday", ["Sam Ortiz"]),
        ("me and the other new hire Dana Cole to Miami on the 9th", ["Dana Cole"]),
    ],
)
def test_who_a_newcomer_is_before_their_name_keeps_them_in_the_party(
    text: str, party: list[str]
) -> None:
    assert understand(text, NOW).party == party


# ---------------------------------------------------------------- part_of_day ("that morning")


@pytest.mark.parametrize(
    ("text", "after", "before"),
    [
        (
            "My meeting is in Boston on the 9th. Can you find flights from New York that morning?",
            None,
            "12:00",
        ),
        (
            "The dinner is in Miami on Friday; flights from Boston that evening please",
            "17:00",
            None,
        ),
        # the time of something else, not of the flight
        ("a flight to Boston on the 9th, I have a meeting that morning", None, None),
        ("flights to Boston for a dinner that evening on the 9th", None, None),
    ],
)
def test_a_flight_asked_for_that_part_of_the_day_is_a_time_wish(
    text: str, after: str | None, before: str | None
) -> None:
    d = understand(text, NOW).dates
    assert (d.depart_after, d.depart_before) == (after, before)


# ---------------------------------------------------------------- context_date / context_place


@pytest.mark.parametrize(
    ("text", "depart", "ret"),
    [
        (
            "Flights to Paris on the 14th please - my boss only told me about it today",
            D(2026, 12, 14),
            None,
        ),
        ("Boston on Friday, sorry for the rush, they emailed me yesterday", D(2026, 12, 4), None),
        # a return is still a return
        ("fly out Monday, back Friday", D(2026, 12, 7), D(2026, 12, 11)),
    ],
)
def test_a_day_told_of_in_passing_is_not_the_return(
    text: str, depart: date, ret: date | None
) -> None:
    d = understand(text, NOW).dates
    assert (d.depart, d.ret) == (depart, ret)


def test_where_one_moved_from_is_not_the_origin() -> None:
    u = understand(
        "I've just moved over from the Paris office. Flights to Boston on Friday? "
        "I'm based in the Chicago office now.",
        NOW,
    )
    assert u.destination is not None
    assert u.destination.text == "Boston"
    assert u.origin is not None
    assert "Chicago" in u.origin.text


# ---------------------------------------------------------------- overnight flight, "all three"


@pytest.mark.parametrize(
    ("text", "nights"),
    [
        ("fly to London on the 14th, overnight if possible, back on the 18th, plus a hotel", None),
        ("an overnight flight to Paris on Monday and a hotel till Friday", None),
        ("a hotel in Boston overnight on the 9th", 1),
    ],
)
def test_an_overnight_flight_is_no_nights_stay(text: str, nights: int | None) -> None:
    assert understand(text, NOW).dates.nights == nights


@pytest.mark.parametrize(
    "text",
    ["Option 1 for all three is fine.", "number 2 across the board", "option 3 on all of them"],
)
def test_one_option_for_all_lists_is_picked_in_each(text: str) -> None:
    u = understand(text, NOW)
    assert u.intent == Intent.SELECT
    assert u.options[0].both == "all"
