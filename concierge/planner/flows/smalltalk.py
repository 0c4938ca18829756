"""Small talk flow: greetings, thanks, help, out-of-scope requests, what can't be done yet
and messages not understood."""

from __future__ import annotations

from concierge.planner import render
from concierge.planner.flows.base import Context, Decision, Handler, Reply
from concierge.planner.flows.booking import select, yes
from concierge.planner.flows.options import name_refs
from concierge.planner.flows.search import search
from concierge.planner.nlu.answers import Answer
from concierge.planner.nlu.intents import Intent, Understanding
from concierge.planner.state import State, Turn
from tools.views import spoken_day


def _greet(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    name = f" {ctx.first_name}" if ctx.first_name else ""
    return Reply(
        f"Hi{name}! I'm your travel concierge. I can find and book flights and hotels, show or cancel "
        "your trips, rebook disrupted flights, answer travel-policy questions and handle approvals. "
        "Where are you headed?"
    )


def _thanks(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    if u.answer == Answer.YES and state.offer is not None:
        # "great, thanks" to "Shall I confirm it?" agrees.
        return yes(state, turn, ctx, u)
    return Reply(render.THANKS_TEXT)


def _help(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    return Reply(render.HELP_TEXT)


def _out_of_scope(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    low = u.text.lower()
    what = "that"
    for word, label in (
        ("weather", "weather forecasts"),
        ("car", "car rentals"),
        ("rent", "car rentals"),
        ("eurostar", "train tickets (the Eurostar included)"),
        ("amtrak", "train tickets (Amtrak included)"),
        ("train", "train tickets"),
        ("rail", "train tickets"),
        ("taxi", "taxis"),
        ("uber", "rides"),
        ("visa", "visas"),
        ("passport", "passports"),
        ("restaurant", "restaurants"),
        ("dinner", "restaurants"),
        ("expense", "expense reports"),
        ("reimburs", "expense reports"),
        ("bus", "bus tickets"),
        ("ferry", "ferries"),
        ("cruise", "cruises"),
        ("rain", "weather forecasts"),
        ("snow", "weather forecasts"),
        ("sunny", "weather forecasts"),
        ("forecast", "weather forecasts"),
        ("temperature", "weather forecasts"),
        ("spend", "travel spend reports"),
        ("spent", "travel spend reports"),
    ):
        if word in low:
            what = label
            break
    if u.origin and u.destination and u.origin.place and u.destination.place:
        # A journey by another way (a train, a bus): said honestly, with what can be done.
        day = f" on {spoken_day(u.dates.depart)}" if u.dates.depart else ""
        return Reply(
            f"Sorry, I can't book {what} — I only book flights and hotels. If flying works "
            f"for you, I can look for flights from {u.origin.place.city} to "
            f"{u.destination.place.city}{day}; just ask."
        )
    return Reply(
        f"Sorry, I can't help with {what}. I can help with flights, hotels, trips, policy and approvals — "
        'for example "find me a flight to Paris next Tuesday" or "what\'s the hotel cap in London?"'
    )


def _unknown(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    if name_refs(state, u):
        return select(state, turn, ctx, u)
    if state.draft.started and u.has_trip_details:
        return search(state, turn, ctx, u)
    return Reply(
        "Sorry, I didn't quite get that. I can help with flights, hotels, trips, policy and approvals — "
        'try something like "a flight from Boston to Chicago on Dec 10" or "show my trips".'
    )


def _unsupported(state: State, turn: Turn, ctx: Context, u: Understanding) -> Decision:
    """Seats, taxes, check-in, boarding passes, bags…: the honest answer (asks.yaml),
    never a search for the place the question happens to name."""
    found = u.unsupported
    if found is None:
        return _help(state, turn, ctx, u)
    if found.feature == "override":
        return Reply(found.reply)
    return Reply(f"{found.reply} Anything else I can help with?")


HANDLERS: dict[Intent, Handler] = {
    Intent.UNSUPPORTED: _unsupported,
    Intent.GREET: _greet,
    Intent.THANKS: _thanks,
    Intent.HELP: _help,
    Intent.OUT_OF_SCOPE: _out_of_scope,
    Intent.UNKNOWN: _unknown,
}
