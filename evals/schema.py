"""The scenario format: one YAML document per scenario, validated by these models.

Tasks are data (after tau2-bench's airline tasks): who is acting, when (a frozen
clock), what the user says (a script) or wants (an instruction for a simulated
user), what happens around the conversation (setup and mid-conversation steps),
and what must be true at the end. Expectations are graded against what the agent
*did* (write tool calls), what the database *holds* (read through core) and what
it *said* — never its own claims about what it did.

Dates in any string may be written relative to the frozen clock: ``{d+17}`` is the
ISO date 17 days after it, ``{d+17:%b %-d}`` the same date formatted (``Dec 18``).
``{last_booking}`` is the newest booking created in the trial so far (useful to
quote a booking id, e.g. another organization's); ``{last_approval}`` the newest
approval a tool result or a decision step of the trial named.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DEFAULT_CLOCK = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

WRITE_TOOLS = frozenset(
    {"reserve", "confirm_booking", "cancel_booking", "rebook", "decide_approval"}
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------------------- steps


class FlightStatusStep(_Strict):
    """The airline's status feed reports a flight of a booking (signed webhook path)."""

    booking: str = "{last_booking}"
    segment: int = 0  # which flight segment of the booking
    status: Literal["cancelled", "delayed"] = "cancelled"
    delay_minutes: int = 0


class DecisionStep(_Strict):
    """A manager decides the open step of the newest pending approval (core service)."""

    by: str  # user id of the approver
    decision: Literal["approve", "reject"] = "approve"
    note: str | None = None


class BookStep(_Strict):
    """A booking made before the conversation, through the real tools: a flight
    (origin, destination, date) or a hotel stay (city, check_in, check_out)."""

    traveler: str = "ava"
    origin: str | None = None
    destination: str | None = None
    date: str | None = None
    city: str | None = None
    check_in: str | None = None
    check_out: str | None = None
    cabin: str = "economy"
    passengers: int = 1
    pick: Literal["cheapest", "refundable", "nonrefundable"] = "cheapest"
    direct: bool = True
    confirm: bool = True

    @model_validator(mode="after")
    def _flight_or_hotel(self) -> BookStep:
        flight = all((self.origin, self.destination, self.date))
        hotel = all((self.city, self.check_in, self.check_out))
        if flight == hotel:
            raise ValueError(
                "book a flight (origin, destination, date) or a hotel (city, check_in, check_out)"
            )
        return self


class FaultStep(_Strict):
    """Make the simulated suppliers fail from now on."""

    mode: Literal["none", "5xx", "4xx", "timeout"]
    rate: float = 1.0
    kind: Literal["flight", "hotel", "both"] = "both"


class ClickStep(_Strict):
    """A button pressed on a card the agent showed: a structured action (DESIGN §6.1),
    never text. Exactly one of:

    * ``book``: the Book button of option ``book`` (its number as listed) on the newest
      list of kind ``of`` this user was shown — ``flight`` (a one-way or outbound
      search), ``return`` or ``hotel``; ``offer_id``: a Book button carrying this id
      as is (one never shown, another thread's…) → ``select_offer``;
    * ``cancel``: Cancel trip on a booking (``{last_booking}`` allowed) → ``cancel_booking``;
    * ``decide``: Approve / Reject on an approval (``approval``, default the newest
      one the trial saw, ``{last_approval}``) → ``decide_approval``;
    * ``confirm``: yes / no on a confirmation card; ``card`` counts back from the
      newest card of this user's thread (``-2``: the one before it, stale by then).
    """

    book: int | None = Field(default=None, ge=1)
    of: Literal["flight", "return", "hotel"] = "flight"
    offer_id: str | None = None
    cancel: str | None = None
    decide: Literal["approve", "reject"] | None = None
    approval: str = "{last_approval}"
    note: str = ""
    confirm: bool | None = None
    card: int = Field(default=-1, le=-1)

    @model_validator(mode="after")
    def _one_button(self) -> ClickStep:
        given = [
            n
            for n in ("book", "offer_id", "cancel", "decide", "confirm")
            if getattr(self, n) is not None
        ]
        if len(given) != 1:
            raise ValueError(f"a click presses exactly one button, got {given or 'none'}")
        return self


class Step(_Strict):
    """One step of a scenario's script. Exactly one action per step.

    ``say`` sends a message as ``as_`` (default: the scenario's user) in that
    user's own thread; ``confirm`` answers the pending confirmation of that thread
    (``true`` = the button "yes", ``false`` = "no"); ``click`` presses another button
    (:class:`ClickStep`).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    as_: str | None = Field(default=None, alias="as")
    say: str | None = None
    confirm: bool | None = None
    click: ClickStep | None = None
    flight_status: FlightStatusStep | None = None
    decide: DecisionStep | None = None
    book: BookStep | None = None
    advance: dict[str, float] | None = None  # timedelta kwargs: {hours: 25}
    jobs: list[str] | None = None  # core.jobs default job names, run once each
    supplier_fault: FaultStep | None = None

    @model_validator(mode="after")
    def _one_action(self) -> Step:
        actions = [
            name
            for name in (
                "say",
                "confirm",
                "click",
                "flight_status",
                "decide",
                "book",
                "advance",
                "jobs",
                "supplier_fault",
            )
            if getattr(self, name) is not None
        ]
        if len(actions) != 1:
            raise ValueError(f"a step needs exactly one action, got {actions or 'none'}")
        return self

    @property
    def kind(self) -> str:
        for name in (
            "say",
            "confirm",
            "click",
            "flight_status",
            "decide",
            "book",
            "advance",
            "jobs",
        ):
            if getattr(self, name) is not None:
                return name
        return "supplier_fault"

    @property
    def is_user_turn(self) -> bool:
        return self.say is not None or self.confirm is not None or self.click is not None


# ---------------------------------------------------------------------- expectations


class ActionExpectation(_Strict):
    """A write tool call that must have run (or, under ``forbidden_actions``, must not).

    ``args`` is a subset match with normalisation; ``offer`` matches the offer a
    ``reserve`` / ``rebook`` chose, resolved through the catalogue (date, route,
    cabin, hotel city…), so "the flight on the 18th" is checked, not an id.
    ``ok``: only calls that succeeded count (default); ``false``: only failed ones;
    ``null``: either.
    """

    tool: str
    args: dict[str, Any] = Field(default_factory=dict)
    offer: dict[str, Any] | None = None
    by: str | None = None  # acting user (default: any)
    ok: bool | None = True
    count: int | None = None  # exact number of matching calls (default: at least one)


class FlightMatch(_Strict):
    flight: str | None = None  # carrier and number, e.g. "BA 117" or "re:^FR "
    date: str | None = None
    origin: str | list[str] | None = None
    destination: str | list[str] | None = None
    cabin: str | None = None
    quantity: int | None = None
    refundable: bool | None = None
    status: str | list[str] | None = None  # segment status (booked, cancelled, replaced…)


class HotelMatch(_Strict):
    city: str | None = None
    check_in: str | None = None
    check_out: str | None = None
    quantity: int | None = None
    status: str | list[str] | None = None


class BookingMatch(_Strict):
    """Bookings in the final database matching every given field.

    ``count``: exact number of matches (default: at least one). ``refund``: what came
    back of what was captured — ``full``, ``none`` or ``partial``; ``paid``: whether
    money was captured at all.
    """

    traveler: str | None = None
    status: str | list[str] | None = None
    policy: str | list[str] | None = None
    flights: list[FlightMatch] | None = None
    hotels: list[HotelMatch] | None = None
    count: int | None = None
    paid: bool | None = None
    refund: Literal["full", "none", "partial"] | None = None
    max_total: float | None = None  # major units
    has_approval: bool | None = None


class ApprovalMatch(_Strict):
    traveler: str | None = None
    status: str | list[str] | None = None
    roles: list[str] | None = None  # the step roles in order, e.g. [manager, vp_finance]
    step_statuses: list[str] | None = None
    count: int | None = None


class StateExpectation(_Strict):
    bookings: list[BookingMatch] = Field(default_factory=list)
    no_bookings: list[BookingMatch] = Field(default_factory=list)  # forbidden states
    approvals: list[ApprovalMatch] = Field(default_factory=list)
    no_approvals: list[ApprovalMatch] = Field(default_factory=list)
    active_holds: int | None = None  # holds still active at the end


class Phrase(_Strict):
    """A phrase: plain text (case-insensitive substring) or ``re:<pattern>``."""

    text: str
    by: str | None = None  # only the replies to this user
    turn: int | None = None  # only the reply to this user turn (0-based; -1 = the last)


class Expectations(_Strict):
    actions: list[ActionExpectation] = Field(default_factory=list)
    forbidden_actions: list[ActionExpectation] = Field(default_factory=list)
    state: StateExpectation = Field(default_factory=StateExpectation)
    say: list[Phrase] = Field(default_factory=list)
    not_say: list[Phrase] = Field(default_factory=list)
    max_turns: int | None = None
    # Every gated write must follow a confirmation the user approved for exactly
    # those arguments. Always on; a scenario may not switch it off.
    errors_allowed: bool = False  # TurnError events (MODEL_ERROR, STEP_LIMIT...) fail by default
    # Codes the service must have refused some turn with (a red option's Book button →
    # POLICY_BLOCKED, a stale card → CONFIRMATION_NOT_PENDING…); these are expected,
    # not turn errors.
    refused: list[str] = Field(default_factory=list)

    @field_validator("say", "not_say", mode="before")
    @classmethod
    def _phrases(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"text": v} if isinstance(v, str) else v for v in value]
        return value


class Scenario(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    tags: list[str] = Field(default_factory=list)
    user: str = "ava"
    clock: datetime = DEFAULT_CLOCK
    settings: dict[str, Any] = Field(default_factory=dict)  # Settings overrides for the trial
    setup: list[Step] = Field(default_factory=list)
    script: list[Step] = Field(default_factory=list)
    instruction: str | None = None  # for a simulated user (needs a real model)
    expect: Expectations = Field(default_factory=Expectations)
    notes: str | None = None

    @field_validator("clock")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("clock needs a timezone (e.g. 2026-12-01T09:00:00Z)")
        return value.astimezone(UTC)

    @model_validator(mode="after")
    def _has_conversation(self) -> Scenario:
        if not self.script and not self.instruction:
            raise ValueError("a scenario needs a script or an instruction")
        if any(step.is_user_turn for step in self.setup):
            raise ValueError("setup steps cannot be user turns; put them in the script")
        return self

    @property
    def scripted(self) -> bool:
        return any(step.is_user_turn for step in self.script)
