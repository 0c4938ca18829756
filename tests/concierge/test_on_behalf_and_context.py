"""Greetings, context and requests for someone else are not what they look like.

- A part of the day in a greeting ("good morning") or naming the time of something
  else ("a customer event that evening") is no wish about the flight: only "an evening
  flight", "leaving in the morning" narrow the search; "nothing departing after 10am" is
  a latest time, not an earliest one.
- A request made for someone else ("travel for my director", "a trip for my manager")
  is a search, not a question about one's own trips or profile; "who is my manager?"
  still is.
- A long polite yes at a confirmation is a yes; "yes, reject it" agrees when the
  question is a rejection, and "reject it" declines anything else.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import concierge.service  # noqa: F401  (import order: the planner package first through the service)
from concierge.planner.nlu.answers import yes_or_no
from concierge.planner.nlu.dates import read_dates
from concierge.planner.nlu.intents import Intent, understand

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "Good morning! Flights from Boston to Chicago on the 10th, please.",
        "good afternoon - JFK to Miami on 12/18 please",
        "Good evening, could you look up Atlanta to Dublin on Friday?",
        "JFK to Miami on 12/18 for two; we're presenting at a customer event that evening.",
        "Boston to SFO on the 9th, I have a workshop the same morning the day after.",
    ],
)
def test_greetings_and_context_set_no_time_window(text: str) -> None:
    reading = read_dates(text.lower(), NOW)
    assert (reading.depart_after, reading.depart_before) == (None, None)


@pytest.mark.parametrize(
    ("text", "after", "before"),
    [
        ("good morning, I'd like an evening flight to Boston tomorrow", "17:00", None),
        ("hi, dinner that evening, so I'm leaving in the morning", None, "12:00"),
        ("on the morning of the 5th please", None, "12:00"),
        ("so nothing departing after 10am, please", None, "10:00"),
        ("not before 8am", "08:00", None),
        ("no flights after 9pm", None, "21:00"),
    ],
)
def test_wishes_about_the_flight_still_narrow(
    text: str, after: str | None, before: str | None
) -> None:
    reading = read_dates(text.lower(), NOW)
    assert (reading.depart_after, reading.depart_before) == (after, before)


@pytest.mark.parametrize(
    "text",
    [
        "I'm arranging travel for my director. Could you check what's available from Boston to Chicago on Thursday 17 December?",
        "Booking for my boss: he needs to get back to New York from Miami on the 17th. Could you show me the options?",
        "Hi, I'm organising a trip for my manager from Chicago to London on 4 January and back on the 7th. Could you pull up flights both ways?",
        "My colleague needs to be in Atlanta on Monday. Could you look up flights from Boston for her?",
    ],
)
def test_a_request_for_someone_else_is_a_search(text: str) -> None:
    assert understand(text, NOW).intent == Intent.SEARCH


@pytest.mark.parametrize("text", ["who is my manager?", "my manager?", "who's my boss"])
def test_asking_who_the_manager_is_reads_the_profile(text: str) -> None:
    assert understand(text, NOW).intent == Intent.PROFILE


@pytest.mark.parametrize(
    "text",
    [
        "That all looks correct — please go ahead and confirm it. Thank you so much!",
        "Everything looks good to me, thanks",
        "that looks correct to me",
    ],
)
def test_a_long_polite_yes_is_a_yes(text: str) -> None:
    assert yes_or_no(text) is True


def test_yes_reject_it_agrees_only_with_a_rejection() -> None:
    assert yes_or_no("Yes, reject it.", cancelling=True) is True
    assert yes_or_no("yes please decline it", cancelling=True) is True
    assert yes_or_no("reject it", cancelling=False) is False  # at a booking: a no
    assert yes_or_no("Yes, reject it.", cancelling=False) is None  # yes + no: not an answer
