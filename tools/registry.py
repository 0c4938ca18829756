"""Every tool, by name: the one list the agent, ``POST /v1/tools/{name}`` and Slack share."""

from __future__ import annotations

from typing import Any

from core.errors import NotFound
from tools import (
    buy_seats,
    cancel_booking,
    check_in,
    choose_seats,
    confirm_booking,
    decide_approval,
    evaluate_policy,
    get_boarding_pass,
    get_booking,
    get_policy,
    get_seat_map,
    get_traveler_profile,
    list_approvals,
    list_trips,
    name_passengers,
    rebook,
    reserve,
    search_flights,
    search_hotels,
    set_trip_purpose,
)
from tools.base import ToolSpec

_ALL: tuple[ToolSpec[Any, Any], ...] = (
    search_flights.TOOL,
    search_hotels.TOOL,
    evaluate_policy.TOOL,
    get_policy.TOOL,
    get_traveler_profile.TOOL,
    list_trips.TOOL,
    get_booking.TOOL,
    list_approvals.TOOL,
    reserve.TOOL,
    name_passengers.TOOL,
    set_trip_purpose.TOOL,
    get_seat_map.TOOL,
    choose_seats.TOOL,
    buy_seats.TOOL,
    check_in.TOOL,
    get_boarding_pass.TOOL,
    confirm_booking.TOOL,
    cancel_booking.TOOL,
    rebook.TOOL,
    decide_approval.TOOL,
)

TOOLS: dict[str, ToolSpec[Any, Any]] = {tool.name: tool for tool in _ALL}


def get_tool(name: str) -> ToolSpec[Any, Any]:
    """The tool called ``name``, or ``NotFound`` (a model inventing a tool gets an answer, not a crash)."""
    tool = TOOLS.get(name)
    if tool is None:
        raise NotFound(f"No tool named {name!r}; available: {', '.join(TOOLS)}")
    return tool


def openai_tools() -> list[dict[str, Any]]:
    """The tools as OpenAI function definitions, in a stable order."""
    return [tool.openai_schema() for tool in TOOLS.values()]
