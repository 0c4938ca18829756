"""Drive the offline planner through whole dialogues without the graph.

``Dialogue`` keeps the message list the graph would keep; ``FakeBackend``
answers tool calls with outputs shaped like tools/ (search options, bookings,
trips, approvals), deterministically from the arguments, so multi-turn tests
read like conversations.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from concierge.models.base import ModelRequest
from concierge.planner import OfflinePlanner, plan
from concierge.planner.snapshot import STATE_KEY
from core.catalogue.fares import flight_fare, stay_fare
from core.identity import Caller
from core.policy.render import render_policy
from core.policy.rules import PolicyRules, acme_default
from tools.get_policy import GetPolicyOutput, RulesOut, for_topic, route_verdicts
from tools.views import city_of, compliant_first, recommend

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
AVA = {
    "name": "Ava Traveller",
    "role": "traveler",
    "department": "Engineering",
    "home_airport": "JFK",
    "manager": "Mia Manager",
    "currency": "USD",
}
TOOLS = [
    "search_flights",
    "search_hotels",
    "evaluate_policy",
    "get_policy",
    "get_traveler_profile",
    "list_trips",
    "get_booking",
    "list_approvals",
    "reserve",
    "confirm_booking",
    "cancel_booking",
    "rebook",
    "decide_approval",
    "check_in",
    "get_boarding_pass",
    "get_seat_map",
    "choose_seats",
]
GATED = {"confirm_booking", "cancel_booking", "rebook", "decide_approval"}
CARRIERS = [
    ("BA", "British Airways"),
    ("AA", "American Airlines"),
    ("VS", "Virgin Atlantic"),
    ("DL", "Delta Air Lines"),
    ("NK", "Spirit Airlines"),
]
# Return legs (with ``FakeBackend.distinct_returns``) list the carriers in another order,
# so that "the BA ones" is option 1 out but option 2 back.
RETURN_CARRIERS = [CARRIERS[1], CARRIERS[0], CARRIERS[3], CARRIERS[2]]
RETURN_FROM = {"london", "lhr", "lgw", "heathrow", "gatwick"}


def money(amount: float, currency: str = "USD") -> dict[str, str]:
    return {"amount": f"{amount:.2f}", "currency": currency}


def trip(booking_id: str, summary: str, total: float, status: str = "confirmed") -> dict[str, Any]:
    """One ``list_trips`` row for Ava, with the structured fields the real tool derives
    from the booking (here from the fixture's one-line summary, e.g. ``"BA 117 JFK→LHR
    Fri 18 Dec 08:05"``: flight BA 117, places London, 2026-12-18)."""
    flights = re.findall(r"\b([A-Z0-9]{2} \d{1,4}) [A-Z]{3}→", summary)
    legs = re.findall(r"\b([A-Z]{3})→([A-Z]{3})\b", summary)
    home = city_of(legs[0][0]) if legs else None
    places = list(dict.fromkeys(city_of(b) for _, b in legs if city_of(b) != home))
    days = [
        datetime.strptime(f"{d} {m} {NOW.year}", "%d %b %Y").date().isoformat()
        for d, m in re.findall(
            r"\b(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b", summary
        )
    ]
    row: dict[str, Any] = {
        "booking_id": booking_id,
        "status": status,
        "traveler": "Ava",
        "summary": summary,
        "origin": home,
        "places": places,
        "flights": flights,
        "total": money(total),
    }
    if days:
        row["start"], row["end"] = min(days), max(days)
    return row


@dataclass
class FakeBackend:
    """Plausible tool outputs; records every call."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    outputs: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    policy_status: dict[int, str] = field(default_factory=dict)  # option number -> green/amber/red
    confirm_status: str = "confirmed"
    errors: dict[str, dict[str, str]] = field(default_factory=dict)  # tool -> {code, message}
    trips: list[dict[str, Any]] = field(default_factory=list)
    approvals: list[dict[str, Any]] = field(default_factory=list)
    disrupted: dict[str, Any] | None = None
    bookings: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Opt-in realism (defaults keep the older dialogues' fixtures unchanged):
    distinct_returns: bool = False  # London→home searches list their own offers (FL-20x)
    return_policy_status: dict[int, str] = field(default_factory=dict)
    hotel_policy_status: dict[int, str] = field(default_factory=dict)
    day_prices: dict[str, int] = field(default_factory=dict)  # date -> extra per seat
    dated_offers: bool = False  # offer ids carry the date (several days searched)
    real_segments: bool = False  # held segments describe the offers actually searched
    offers: dict[str, dict[str, Any]] = field(default_factory=dict)  # every option seen
    rules: PolicyRules = field(default_factory=acme_default)  # what get_policy answers from
    home_airport: str = "JFK"  # get_policy's default origin (the caller's home)
    passes: list[dict[str, Any]] = field(default_factory=list)  # check_in's, for get_boarding_pass

    def __call__(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((name, args))
        if name in self.errors:
            return {"error": self.errors[name]}
        out: dict[str, Any] = getattr(self, name)(args)
        self.outputs.append((name, out))
        return out

    def names(self) -> list[str]:
        return [n for n, _ in self.calls]

    def last(self, name: str) -> dict[str, Any]:
        return next(a for n, a in reversed(self.calls) if n == name)

    def last_output(self, name: str) -> dict[str, Any]:
        return next(o for n, o in reversed(self.outputs) if n == name)

    def search_flights(self, a: dict[str, Any]) -> dict[str, Any]:
        pax = int(a.get("passengers", 1))
        back = self.distinct_returns and str(a["origin"]).lower() in RETURN_FROM
        carriers = RETURN_CARRIERS if back else CARRIERS[:4]
        statuses = self.return_policy_status if back else self.policy_status
        extra = self.day_prices.get(str(a["date"]), 0)
        options = []
        for i, (code, carrier) in enumerate(carriers, start=1):
            number = (200 if back else 100) + i
            hour = (8 if back else 7) + 3 * (i - 1)
            price = (420 + 40 * i if back else 400 + 50 * i) + extra
            status = statuses.get(i, "green")
            if back:
                depart = f"{a['date']}T{hour:02d}:00+00:00"
                arrive = f"{a['date']}T{hour + 3:02d}:20-05:00"
            else:
                depart = f"{a['date']}T{hour:02d}:05-05:00"
                arrive = f"{a['date']}T{hour + 7:02d}:15+00:00"
            offer_id = f"FL-{number}"
            if self.dated_offers:
                offer_id += "-" + str(a["date"]).replace("-", "")
            options.append(
                {
                    "option": i,
                    "offer_id": offer_id,
                    "flights": [f"{code} {number}"],
                    "carrier": carrier,
                    "origin": "LHR" if back else "JFK",
                    "origin_city": "London" if back else "New York",
                    "destination": "JFK" if back else "LHR",
                    "destination_city": "New York" if back else "London",
                    "depart": depart,
                    "arrive": arrive,
                    "stops": 0 if i != 3 else 1,
                    "via": None if i != 3 else "BOS",
                    "duration": f"{7 + (i == 3) * 3}h10",
                    "cabin": a.get("cabin", "economy"),
                    "price": money(price),
                    "total": money(price * pax),
                    "seats_left": 9,
                    "co2_kg": 300,
                    "refundable": False,
                    "fare": flight_fare(
                        price * 100, "USD", origin="LHR" if back else "JFK",
                        destination="JFK" if back else "LHR", carrier=code,
                        cabin=a.get("cabin", "economy"), distance_km=5540,
                    ).times(pax).as_json(),
                    "policy": {
                        "status": status,
                        "violations": [] if status == "green" else [f"reason {i}"],
                        "approvals_required": ["manager"] if status == "amber" else [],
                    },
                }
            )
        options, recommended = listed(options, stops=True)
        for option in options:
            self.offers[option["offer_id"]] = option
        return {
            "origin": {"name": str(a["origin"]), "airports": ["JFK"]},
            "destination": {"name": str(a["destination"]), "airports": ["LHR"]},
            "date": a["date"],
            "cabin": a.get("cabin", "economy"),
            "passengers": pax,
            "matches": 4,
            "options": options,
            "recommended": recommended,
            "note": None,
        }

    def search_hotels(self, a: dict[str, Any]) -> dict[str, Any]:
        ci, co = date.fromisoformat(a["check_in"]), date.fromisoformat(a["check_out"])
        nights = (co - ci).days
        rooms = int(a.get("rooms", 1))
        names = ["Hilton London Canary Wharf", "Marriott Park Lane", "Premier Inn Kings Cross"]
        options = []
        for i, name in enumerate(names, start=1):
            nightly = 200 + 60 * i
            options.append(
                {
                    "option": i,
                    "offer_id": f"HT-LON0{i}-{ci:%Y%m%d}-{co:%Y%m%d}",
                    "name": name,
                    "stars": 5 - i + 1,
                    "city": a["city"],
                    "nights": nights,
                    "rooms": rooms,
                    "nightly": money(nightly),
                    "total": money(nightly * nights * rooms),
                    "rooms_left": 5,
                    "refundable": True,
                    "fare": stay_fare(
                        [nightly * 100] * nights, rooms, "USD", city=str(a["city"]),
                        stars=5 - i + 1,
                    ).as_json(),
                    "policy": {
                        "status": self.hotel_policy_status.get(i, "green"),
                        "violations": [] if i not in self.hotel_policy_status else [f"rate {i}"],
                        "approvals_required": [],
                    },
                }
            )
        options, recommended = listed(options)
        for option in options:
            self.offers[option["offer_id"]] = {
                **option,
                "check_in": a["check_in"],
                "check_out": a["check_out"],
            }
        return {
            "city": a["city"],
            "check_in": a["check_in"],
            "check_out": a["check_out"],
            "matches": 3,
            "options": options,
            "recommended": recommended,
            "note": None,
        }

    def _booking(self, booking_id: str, status: str, items: list[dict[str, Any]]) -> dict[str, Any]:
        segments = []
        for n, item in enumerate(items):
            if item["offer_id"].startswith("FL"):
                segments.append(
                    {
                        "segment_id": f"SG-{n}",
                        "kind": "flight",
                        "status": status,
                        "flight": "BA 101",
                        "origin": "JFK",
                        "destination": "LHR",
                        "depart": "2026-12-18T08:05-05:00",
                        "arrive": "2026-12-18T20:15+00:00",
                        "cabin": "economy",
                        "passengers": item["quantity"],
                        "flight_status": None,
                        "price": money(450),
                        "refundable": False,
                        "locator": "ABC123" if status == "confirmed" else None,
                    }
                )
            else:
                segments.append(
                    {
                        "segment_id": f"SG-{n}",
                        "kind": "hotel",
                        "status": status,
                        "hotel": "Hilton London Canary Wharf",
                        "city": "London",
                        "check_in": "2026-12-18",
                        "check_out": "2026-12-22",
                        "rooms": item["quantity"],
                        "price": money(1040),
                        "refundable": True,
                        "locator": "HT9" if status == "confirmed" else None,
                    }
                )
            seen = self.offers.get(item["offer_id"]) if self.real_segments else None
            if seen is not None:
                segments[-1].update(_segment_of(seen))
        return {
            "booking_id": booking_id,
            "status": status,
            "traveler_id": "u_ava",
            "traveler": "Ava Traveller",
            "total": money(1490),
            "policy": {"status": "green", "violations": [], "approvals_required": []},
            "hold_expires_at": "2026-12-01T09:15:00+00:00",
            "approval_id": None,
            "failure_reason": None,
            "passengers": [
                {"passenger_id": "PX-1", "name": "Ava Traveller", "traveler_id": "u_ava"}
            ],
            "segments": segments,
        }

    def reserve(self, a: dict[str, Any]) -> dict[str, Any]:
        booking_id = "BK-TEST01"
        if a.get("replaces"):
            # A hold that replaces another: a new booking, the old one cancelled.
            old = self.bookings.get(a["replaces"])
            if old is not None:
                self.bookings[a["replaces"]] = {**old, "status": "cancelled"}
            booking_id = f"BK-TEST{len(self.bookings) + 1:02d}"
        booking = self._booking(booking_id, "held", a["items"])
        if a.get("traveler_id"):
            booking["traveler_id"] = a["traveler_id"]
        self.bookings[booking["booking_id"]] = booking
        return {**booking, "message": "Held."}

    def confirm_booking(self, a: dict[str, Any]) -> dict[str, Any]:
        booking = dict(
            self.bookings.get(a["booking_id"]) or self._booking(a["booking_id"], "held", [])
        )
        booking["status"] = self.confirm_status
        if self.confirm_status == "confirmed":
            booking["segments"] = [{**s, "locator": "ABC123"} for s in booking["segments"]]
        else:
            booking["approval_id"] = "AP-0001"
            booking["policy"] = {
                "status": "amber",
                "violations": ["Booked fewer than 7 days ahead"],
                "approvals_required": ["manager"],
            }
        self.bookings[a["booking_id"]] = booking
        return {**booking, "message": "Done."}

    def get_booking(self, a: dict[str, Any]) -> dict[str, Any]:
        if self.disrupted and a["booking_id"] == self.disrupted["booking_id"]:
            return self.disrupted
        if a["booking_id"] in self.bookings:
            return self.bookings[a["booking_id"]]
        return {"error": {"code": "NOT_FOUND", "message": f"Booking {a['booking_id']} not found"}}

    def choose_seats(self, a: dict[str, Any]) -> dict[str, Any]:
        """Seats as asked: a number as given, a window 21A, an aisle 21C, any 21B."""
        booking = self.bookings.get(a["booking_id"]) or {"booking_id": a["booking_id"]}
        by_position = {"window": "21A", "aisle": "21C"}
        seats = [
            {
                "segment_id": x.get("segment_id") or "SG-1",
                "passenger_id": x["passenger_id"],
                "seat": x.get("seat") or by_position.get(str(x.get("position")), "21B"),
            }
            for x in a["assignments"]
        ]
        return {**booking, "seats": seats, "message": "Seats chosen."}

    def get_seat_map(self, a: dict[str, Any]) -> dict[str, Any]:
        return {"booking_id": a.get("booking_id"), "segments": []}

    def list_trips(self, a: dict[str, Any]) -> dict[str, Any]:
        return {"trips": self.trips, "more": False}

    def check_in(self, a: dict[str, Any]) -> dict[str, Any]:
        """Ava checked in on the booking's first flight, in 21A, first to check in."""
        booking = self.bookings.get(a["booking_id"]) or {}
        flight = next(
            (s for s in booking.get("segments") or [] if s.get("kind") == "flight"), {}
        )
        boarding_pass = {
            "pass_id": "BP_FAKE000001",
            "booking_id": a["booking_id"],
            "segment_id": flight.get("segment_id") or "SG-1",
            "passenger": "Ava Example",
            "flight": flight.get("flight") or "BA 117",
            "origin": flight.get("origin") or "JFK",
            "destination": flight.get("destination") or "LHR",
            "depart": flight.get("depart") or "2026-12-18T08:05-05:00",
            "seat": "21A",
            "sequence_number": 1,
            "locator": flight.get("locator") or "X7Y8Z9",
            "pdf": "/v1/boarding-passes/BP_FAKE000001.pdf",
            "png": "/v1/boarding-passes/BP_FAKE000001.png",
        }
        self.passes = [boarding_pass]
        return {
            "booking_id": a["booking_id"],
            "segment_id": boarding_pass["segment_id"],
            "boarding_passes": [boarding_pass],
            "message": "Checked in.",
        }

    def get_boarding_pass(self, a: dict[str, Any]) -> dict[str, Any]:
        return {"boarding_passes": list(self.passes)}

    def cancel_booking(self, a: dict[str, Any]) -> dict[str, Any]:
        return {
            **self._booking(a["booking_id"], "cancelled", []),
            "total": money(450),
            "refund": {"refunded": money(0), "due": money(450), "status": "pending"},
            "message": "Cancelled.",
        }

    def rebook(self, a: dict[str, Any]) -> dict[str, Any]:
        booking = dict(self.disrupted or self._booking(a["booking_id"], "confirmed", []))
        booking.pop("suggestions", None)
        booking.pop("disruption", None)
        change = {"status": "done", "charge": money(0), "refund": money(0), "change_fee": money(0)}
        return {**booking, "status": "confirmed", "change": change, "message": "Rebooked."}

    def list_approvals(self, a: dict[str, Any]) -> dict[str, Any]:
        return {"approvals": self.approvals}

    def decide_approval(self, a: dict[str, Any]) -> dict[str, Any]:
        approved = a["decision"] == "approve"
        return {
            "approval_id": a["approval_id"],
            "status": "approved" if approved else "rejected",
            "booking_id": "BK-AVA001",
            "booking_status": "confirmed" if approved else "cancelled",
            "traveler": "Ava Traveller",
            "amount": money(6120),
            "next_approver_role": None,
            "message": "Done.",
        }

    def get_policy(self, a: dict[str, Any]) -> dict[str, Any]:
        """What the real tool answers for ``self.rules`` (no database needed)."""
        text = for_topic(render_policy(self.rules), a.get("topic"))
        route = None
        if a.get("destination"):
            origin = a.get("origin") or self.home_airport
            route = route_verdicts(self.rules, origin, a["destination"], now=NOW)
        out = GetPolicyOutput(
            policy=self.rules.name, text=text, rules=RulesOut.of(self.rules), route=route
        )
        return out.model_dump(mode="json", exclude_none=True)

    def get_traveler_profile(self, a: dict[str, Any]) -> dict[str, Any]:
        return {
            "user_id": "u_mia",
            "name": "Mia Manager",
            "role": "manager",
            "company": "Acme Corp",
            "currency": "USD",
            "home_airport": "JFK",
            "manager": {"user_id": "u_victor", "name": "Victor VP"},
            "can_book_for": [{"user_id": "u_ava", "name": "Ava Traveller"}],
        }

    def evaluate_policy(self, a: dict[str, Any]) -> dict[str, Any]:
        return {"policy": {"status": "green", "violations": []}}


def listed(
    options: list[dict[str, Any]], stops: bool = False
) -> tuple[list[dict[str, Any]], int | None]:
    """The tools' listing on plain dicts: compliant first, renumbered, one recommended."""
    views = [
        SimpleNamespace(option=o["option"], policy=SimpleNamespace(status=o["policy"]["status"]))
        for o in options
    ]
    by_view = {id(v): o for v, o in zip(views, options, strict=True)}
    ranked = compliant_first(views)  # type: ignore[type-var]
    out = [{**by_view[id(v)], "option": v.option} for v in ranked]
    prices = {v.option: float(o["total"]["amount"]) for v, o in zip(ranked, out, strict=True)}
    stop_count = {v.option: int(o.get("stops") or 0) for v, o in zip(ranked, out, strict=True)}
    best = recommend(
        ranked,  # type: ignore[type-var]
        price=lambda v: round(prices[v.option] * 100),
        stops=(lambda v: stop_count[v.option]) if stops else (lambda _: 0),
    )
    return out, best


def _segment_of(offer: dict[str, Any]) -> dict[str, Any]:
    """The parts of a held segment that come from the offer searched."""
    if "flights" in offer:
        return {
            "flight": offer["flights"][0],
            "origin": offer["origin"],
            "destination": offer["destination"],
            "depart": offer["depart"],
            "arrive": offer["arrive"],
            "cabin": offer["cabin"],
            "price": offer["total"],
        }
    return {
        "hotel": offer["name"],
        "city": offer["city"],
        "check_in": offer["check_in"],
        "check_out": offer["check_out"],
        "price": offer["total"],
    }


@dataclass
class Dialogue:
    backend: FakeBackend = field(default_factory=FakeBackend)
    profile: dict[str, Any] = field(default_factory=lambda: dict(AVA))
    now: datetime = NOW
    messages: list[BaseMessage] = field(default_factory=list)
    planner: OfflinePlanner = field(default_factory=OfflinePlanner)
    tools: list[str] = field(default_factory=lambda: list(TOOLS))
    pending: AIMessage | None = None  # a gated call waiting for yes/no

    def caller(self) -> Caller:
        """The authenticated caller the profile is of: its ``user_id``, else ``u_<first
        name>`` ("Ava Traveller" is u_ava, as the backend's bookings say)."""
        name = str(self.profile.get("name") or "Ava")
        user_id = str(self.profile.get("user_id") or f"u_{name.split()[0].lower()}")
        role = str(self.profile.get("role") or "traveler")
        return Caller(user_id=user_id, org_id="acme", role=role, name=name.split()[0])

    def request(self) -> ModelRequest:
        return ModelRequest(
            messages=list(self.messages),
            tools=[
                {"type": "function", "function": {"name": n, "description": "", "parameters": {}}}
                for n in self.tools
            ],
            now=self.now,
            caller=self.caller(),
            profile=self.profile,
        )

    async def model(self) -> AIMessage:
        request = self.request()
        result = await self.planner.generate(request)
        # The state resumed from the last reply's snapshot must decide exactly what a
        # replay of every turn decides (the fallback for threads without snapshots).
        replayed = plan(replace(request, messages=[_without_snapshot(m) for m in request.messages]))
        assert _shape(result.message) == _shape(replayed), "snapshot and replay disagree"
        self.messages.append(result.message)
        return result.message

    async def say(self, text: str) -> str:
        """One user message; runs tools until the planner replies or asks for a confirmation.

        Returns the reply text (or ``"<confirm name>"`` when a gated call waits).
        """
        if self.pending is not None:
            # A new message while a confirmation is pending declines it (the graph does this).
            self._decline()
        self.messages.append(HumanMessage(content=text))
        return await self._run()

    async def confirm(self, approved: bool = True) -> str:
        assert self.pending is not None, "nothing to confirm"
        if approved:
            self._run_calls(self.pending, gated_ok=True)
        else:
            self._decline()
        self.pending = None
        return await self._run()

    def _decline(self) -> None:
        assert self.pending is not None
        for call in self.pending.tool_calls:
            self.messages.append(
                ToolMessage(
                    content=json.dumps({"declined": True, "message": "The traveller said no."}),
                    tool_call_id=call["id"],
                    name=call["name"],
                )
            )
        self.pending = None

    def _run_calls(self, message: AIMessage, gated_ok: bool) -> None:
        for call in message.tool_calls:
            out = self.backend(call["name"], dict(call["args"]))
            status = "error" if "error" in out else "success"
            self.messages.append(
                ToolMessage(
                    content=json.dumps(out),
                    tool_call_id=call["id"],
                    name=call["name"],
                    status=status,
                )
            )

    async def _run(self) -> str:
        for _ in range(12):
            message = await self.model()
            if not message.tool_calls:
                return str(message.content)
            if any(c["name"] in GATED for c in message.tool_calls):
                self.pending = message
                return "<confirm " + ",".join(c["name"] for c in message.tool_calls) + ">"
            self._run_calls(message, gated_ok=False)
        raise AssertionError("the planner looped")

    def asked(self, name: str) -> dict[str, Any]:
        """Arguments of the planner's latest call of ``name`` (ran or awaiting a yes)."""
        for m in reversed(self.messages):
            if isinstance(m, AIMessage):
                for call in m.tool_calls:
                    if call["name"] == name:
                        return dict(call["args"])
        raise AssertionError(f"the planner never called {name}")

    @property
    def last_calls(self) -> list[dict[str, Any]]:
        for m in reversed(self.messages):
            if isinstance(m, AIMessage) and m.tool_calls:
                return list(m.tool_calls)
        return []


def later(days: int) -> str:
    return (NOW.date() + timedelta(days=days)).isoformat()


def _without_snapshot(message: BaseMessage) -> BaseMessage:
    if isinstance(message, AIMessage) and STATE_KEY in message.additional_kwargs:
        kwargs = {k: v for k, v in message.additional_kwargs.items() if k != STATE_KEY}
        return message.model_copy(update={"additional_kwargs": kwargs})
    return message


def _shape(message: AIMessage) -> tuple[Any, ...]:
    """What the planner said and did (the snapshot itself may differ: a replay over
    digested results knows less than the state kept from the full ones)."""
    calls = [(c["id"], c["name"], c["args"]) for c in message.tool_calls]
    kwargs = {k: v for k, v in message.additional_kwargs.items() if k != STATE_KEY}
    return (message.content, calls, kwargs)
