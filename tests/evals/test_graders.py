"""Graders on hand-made transcripts and states: each check can fail, and says why."""

from __future__ import annotations

from typing import Any

import pytest

from evals.drivers import TurnRecord
from evals.graders import grade, grade_gate, matches, tool_calls
from evals.loader import parse_scenario
from evals.runner import pass_hat_k

BOOKING = "BK-AAAAAA"


def turn(user: str, sent: dict[str, Any], *events: dict[str, Any], text: str = "") -> TurnRecord:
    evs = [{"type": "turn-start", "thread_id": f"th-{user}", "turn_id": "t"}]
    if text:
        evs.append({"type": "text-delta", "id": "x", "delta": text})
    evs.extend(events)
    evs.append(
        {
            "type": "turn-finish",
            "thread_id": f"th-{user}",
            "turn_id": "t",
            "usage": {"prompt_tokens": 10},
        }
    )
    return TurnRecord(user=user, sent=sent, events=evs)


def call(
    name: str, args: dict[str, Any], call_id: str, *, output: Any = None, error: Any = None
) -> list[dict[str, Any]]:
    return [
        {"type": "tool-start", "call_id": call_id, "name": name, "args": args},
        {
            "type": "tool-result",
            "call_id": call_id,
            "name": name,
            "output": output or ({} if not error else None),
            "error": error,
        },
    ]


def asked(tool: str, args: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "confirmation",
        "interrupt_id": "cf_1",
        "action": {"tool": tool, "args": args},
        "summary": f"Run {tool}?",
    }


def booking(**overrides: Any) -> dict[str, Any]:
    base = {
        "booking_id": BOOKING,
        "traveler": "ava",
        "status": "confirmed",
        "policy": "green",
        "total": 587.4,
        "approval_id": None,
        "captured_minor": 58740,
        "refunded_minor": 0,
        "flights": [
            {
                "date": "2026-12-18",
                "origin": "JFK",
                "destination": "LHR",
                "flight": "AA 21",
                "cabin": "economy",
                "quantity": 1,
                "refundable": False,
                "status": "booked",
            }
        ],
        "hotels": [],
    }
    return {**base, **overrides}


def state(
    *bookings: dict[str, Any], approvals: list[dict[str, Any]] | None = None, holds: int = 0
) -> dict[str, Any]:
    return {"bookings": list(bookings), "approvals": approvals or [], "active_holds": holds}


def booked_transcript(*, gate_ok: bool = True) -> list[TurnRecord]:
    offer = "FL-1"
    reserve = call(
        "reserve",
        {"items": [{"offer_id": offer, "quantity": 1}]},
        "c1",
        output={"booking_id": BOOKING},
    )
    confirm_args = {"booking_id": BOOKING}
    t1 = turn(
        "ava",
        {"message": "option 1"},
        *reserve,
        *([asked("confirm_booking", confirm_args)] if gate_ok else []),
    )
    t2 = turn(
        "ava",
        {"confirm": True} if gate_ok else {"message": "option 1"},
        *call("confirm_booking", confirm_args, "c2"),
        text="Booked BK-AAAAAA",
    )
    return [t1, t2]


SCENARIO = parse_scenario(
    {
        "id": "s",
        "title": "t",
        "script": [{"say": "x"}],
        "expect": {
            "actions": [
                {"tool": "reserve", "offer": {"date": "2026-12-18", "destination": ["LHR", "LGW"]}},
                {"tool": "confirm_booking", "args": {"booking_id": "{last_booking}"}},
            ],
            "state": {
                "bookings": [{"traveler": "ava", "status": "confirmed", "paid": True, "count": 1}],
                "active_holds": 0,
            },
            "say": ["re:booked BK-[A-Z]{6}", "{last_booking}"],
            "not_say": ["first class"],
            "max_turns": 2,
        },
    }
)
OFFERS = {
    "FL-1": {
        "kind": "flight",
        "date": "2026-12-18",
        "origin": "JFK",
        "destination": "LHR",
        "cabin": "economy",
    }
}
REFS = {"last_booking": BOOKING}


def test_matches_is_a_normalised_subset_match() -> None:
    assert matches({"a": "lhr"}, {"a": "LHR", "b": 1})
    assert matches(["LHR", "LGW"], "LGW")  # any of
    assert matches(
        [{"quantity": 2}], [{"offer_id": "x", "quantity": 2}]
    )  # each expected item found
    assert not matches([{"quantity": 2}], [{"offer_id": "x", "quantity": 1}])
    assert matches("re:^BK-", "BK-123456")
    assert not matches("re:^BK-", "XBK")
    assert matches(2, 2.0)
    assert not matches(True, 1)
    assert not matches({"a": 1}, None)


def test_a_good_trial_passes_every_check() -> None:
    checks = grade(SCENARIO, booked_transcript(), state(booking()), OFFERS, REFS)
    assert all(c.passed for c in checks), [c for c in checks if not c.passed]
    kinds = {c.kind for c in checks}
    assert kinds == {"actions", "state", "say", "not_say", "gate", "script", "errors", "turns"}
    # Names keep the placeholder so trials with different ids aggregate.
    assert any("{last_booking}" in c.name for c in checks)


def test_each_check_fails_on_its_own_fault() -> None:
    # Wrong date chosen: the offer check fails even though a booking exists.
    wrong = {"FL-1": {**OFFERS["FL-1"], "date": "2026-12-19"}}
    failed = {
        c.kind
        for c in grade(SCENARIO, booked_transcript(), state(booking()), wrong, REFS)
        if not c.passed
    }
    assert failed == {"actions"}
    # The database says held, not confirmed: the words "Booked" do not make it so.
    failed = {
        c.kind
        for c in grade(
            SCENARIO,
            booked_transcript(),
            state(booking(status="held", captured_minor=0), holds=1),
            OFFERS,
            REFS,
        )
        if not c.passed
    }
    assert failed == {"state"}
    # Two matching bookings where exactly one is expected.
    two = state(booking(), booking(booking_id="BK-BBBBBB"))
    assert any(
        c.kind == "state" and not c.passed
        for c in grade(SCENARIO, booked_transcript(), two, OFFERS, REFS)
    )
    # No confirmation asked: the gate fails.
    failed = {
        c.kind
        for c in grade(SCENARIO, booked_transcript(gate_ok=False), state(booking()), OFFERS, REFS)
        if not c.passed
    }
    assert "gate" in failed
    # Too many turns, a forbidden phrase, a turn error.
    noisy = [
        *booked_transcript(),
        turn(
            "ava",
            {"message": "and first class?"},
            {"type": "error", "code": "MODEL_ERROR", "message": "boom"},
            text="first class is fine",
        ),
    ]
    failed = {
        c.kind for c in grade(SCENARIO, noisy, state(booking()), OFFERS, REFS) if not c.passed
    }
    assert failed == {"turns", "not_say", "errors"}


def test_refund_and_paid_come_from_the_payment_rows() -> None:
    def kinds(refund: str, b: dict[str, Any]) -> bool:
        s = parse_scenario(
            {
                "id": "r",
                "title": "t",
                "script": [{"say": "x"}],
                "expect": {"state": {"bookings": [{"refund": refund}]}},
            }
        )
        return all(c.passed for c in grade(s, [], state(b), {}) if c.kind == "state")

    assert kinds("full", booking(status="cancelled", refunded_minor=58740))
    assert kinds("none", booking(status="cancelled"))
    assert kinds("partial", booking(status="cancelled", refunded_minor=100))
    assert not kinds("full", booking(status="cancelled", refunded_minor=100))
    # Nothing captured: no refund rule can be claimed at all.
    assert not kinds("none", booking(status="cancelled", captured_minor=0))


def test_the_gate_wants_the_same_action_and_a_yes() -> None:
    other_args = [
        turn("ava", {"message": "cancel"}, asked("cancel_booking", {"booking_id": "BK-OTHER1"})),
        turn("ava", {"confirm": True}, *call("cancel_booking", {"booking_id": BOOKING}, "c1")),
    ]
    assert not grade_gate(other_args, tool_calls(other_args)).passed
    declined = [
        turn("ava", {"message": "cancel"}, asked("cancel_booking", {"booking_id": BOOKING})),
        turn("ava", {"confirm": False}, *call("cancel_booking", {"booking_id": BOOKING}, "c1")),
    ]
    assert not grade_gate(declined, tool_calls(declined)).passed
    typed_yes = [
        turn("ava", {"message": "cancel"}, asked("cancel_booking", {"booking_id": BOOKING})),
        turn(
            "ava", {"message": "yes please"}, *call("cancel_booking", {"booking_id": BOOKING}, "c1")
        ),
    ]
    assert grade_gate(typed_yes, tool_calls(typed_yes)).passed
    # Someone else's yes does not count for this user.
    cross = [
        turn(
            "mia",
            {"message": "x"},
            asked("decide_approval", {"approval_id": "AP-1", "decision": "approve"}),
        ),
        turn(
            "ava",
            {"confirm": True},
            *call("decide_approval", {"approval_id": "AP-1", "decision": "approve"}, "c1"),
        ),
    ]
    assert not grade_gate(cross, tool_calls(cross)).passed
    # READ tools and reserve (a hold moves no money) need no yes.
    reads = [
        turn(
            "ava",
            {"message": "x"},
            *call("search_flights", {}, "c1"),
            *call("reserve", {"items": []}, "c2"),
        )
    ]
    assert grade_gate(reads, tool_calls(reads)).passed


def test_a_refused_turn_between_question_and_yes_changes_nothing() -> None:
    question = turn(
        "ava", {"message": "option 2"}, asked("confirm_booking", {"booking_id": BOOKING})
    )
    # A stale card pressed: the service refused it before the turn began.
    stale = TurnRecord(
        user="ava",
        sent={"confirm": True},
        events=[{"type": "error", "code": "CONFIRMATION_NOT_PENDING", "message": "not pending"}],
    )
    paid = turn("ava", {"confirm": True}, *call("confirm_booking", {"booking_id": BOOKING}, "c1"))
    assert stale.refused
    assert not question.refused
    assert grade_gate([question, stale, paid], tool_calls([question, stale, paid])).passed
    # A turn that ran in between (and asked nothing) still breaks the chain.
    chatter = turn("ava", {"message": "hmm"}, text="Anything else?")
    ran = [question, chatter, paid]
    assert not grade_gate(ran, tool_calls(ran)).passed


def test_an_expected_refusal_must_happen_and_is_not_a_turn_error() -> None:
    scenario = parse_scenario(
        {
            "id": "x",
            "title": "t",
            "script": [{"say": "first class"}, {"click": {"book": 1}}],
            "expect": {"refused": ["POLICY_BLOCKED"]},
        }
    )
    shown = turn("ava", {"message": "first class"}, *call("search_flights", {}, "c1"))

    def refused_with(code: str) -> TurnRecord:
        return TurnRecord(
            user="ava",
            sent={"action": {"type": "select_offer", "offer_id": "FL-1"}},
            events=[{"type": "error", "code": code, "message": "no"}],
        )

    def failing(turns: list[TurnRecord]) -> set[str]:
        checks = grade(scenario, turns, {"bookings": [], "approvals": [], "active_holds": 0}, {})
        return {c.kind for c in checks if not c.passed}

    assert failing([shown, refused_with("POLICY_BLOCKED")]) == set()
    # Held instead of refused: the refusal is missing.
    assert failing([shown, turn("ava", {"action": {}}, *call("reserve", {}, "c2"))]) == {"refused"}
    # Refused for another reason: missing, and that error is a turn error.
    assert failing([shown, refused_with("NOT_FOUND")]) == {"refused", "errors"}


def test_failed_tool_calls_do_not_count_as_done() -> None:
    s = parse_scenario(
        {
            "id": "f",
            "title": "t",
            "script": [{"say": "x"}],
            "expect": {
                "actions": [{"tool": "reserve"}],
                "forbidden_actions": [{"tool": "reserve", "ok": True}],
            },
        }
    )
    refused = [
        turn(
            "ava",
            {"message": "x"},
            *call(
                "reserve", {"items": []}, "c1", error={"code": "POLICY_BLOCKED", "message": "red"}
            ),
        )
    ]
    checks = {c.kind: c.passed for c in grade(s, refused, state(), {})}
    assert checks["actions"] is False
    assert checks["forbidden_actions"] is True


@pytest.mark.parametrize(
    ("counts", "k", "expected"),
    [
        ([(3, 3)], 1, 1.0),
        ([(3, 3), (3, 0)], 1, 0.5),
        ([(3, 2)], 1, 2 / 3),
        ([(3, 2)], 2, 1 / 3),  # C(2,2)/C(3,2)
        ([(3, 2)], 3, 0.0),
        ([(3, 3), (3, 1)], 3, 0.5),
        ([(4, 3)], 2, 0.5),  # C(3,2)/C(4,2) = 3/6
    ],
)
def test_pass_hat_k_follows_tau_bench(
    counts: list[tuple[int, int]], k: int, expected: float
) -> None:
    assert pass_hat_k(counts, k) == pytest.approx(expected)


def test_pass_hat_k_without_enough_trials_is_unknown() -> None:
    assert pass_hat_k([(1, 1)], 2) is None
    assert pass_hat_k([], 1) is None


def test_a_phrase_can_be_held_to_one_turn() -> None:
    s = parse_scenario(
        {
            "id": "p",
            "title": "t",
            "script": [{"say": "x"}],
            "expect": {"say": [{"text": "Mia Chen", "turn": -1}, {"text": "Mia Chen", "turn": 0}]},
        }
    )
    turns = [
        turn("ava", {"message": "a"}, text="sent to Mia Chen"),
        turn("ava", {"message": "b"}, text="no"),
    ]
    said = [c.passed for c in grade(s, turns, state(), {}) if c.kind == "say"]
    assert said == [False, True]
