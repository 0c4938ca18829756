"""Graders: did the agent do, leave and say what the scenario expects?

Four families of checks, each a named pass/fail with a reason:

* **actions** — the write tool calls that ran (tool + the arguments that matter,
  subset-matched after normalisation; ``offer`` resolved through the catalogue),
  and the ones that must not have run;
* **state** — the final database (bookings, payments, approvals, holds), read
  through the core models (:mod:`evals.state`);
* **communication** — phrases the agent must and must not say;
* **conduct** — always on: every gated write ran only after the user approved
  exactly that action; no turn errors (but the refusals a scenario expects, by
  code, must have happened); the script could be followed; the turn limit.

A trial passes when every check passes. Doing nothing never passes a scenario
where something should have happened, because such scenarios list the action
(search, explanation) as well as the absent state.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from concierge.planner.nlu.answers import yes_or_no
from evals.drivers import TurnRecord
from evals.schema import (
    ActionExpectation,
    ApprovalMatch,
    BookingMatch,
    Expectations,
    Phrase,
    Scenario,
)
from tools.registry import TOOLS


@dataclass(frozen=True)
class Check:
    kind: str  # actions | forbidden_actions | state | say | not_say | gate | errors | refused | script | turns
    name: str
    passed: bool
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "passed": self.passed, "detail": self.detail}


@dataclass(frozen=True)
class ToolCall:
    """A tool call as the transcript shows it, with its outcome."""

    user: str
    turn: int
    name: str
    args: dict[str, Any]
    ok: bool
    output: dict[str, Any] | None
    error: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        return {
            "user": self.user,
            "turn": self.turn,
            "name": self.name,
            "args": self.args,
            "ok": self.ok,
            "error": self.error,
        }


def tool_calls(turns: Sequence[TurnRecord]) -> list[ToolCall]:
    calls: list[ToolCall] = []
    for index, turn in enumerate(turns):
        results = {e["call_id"]: e for e in turn.events if e["type"] == "tool-result"}
        for event in turn.events:
            if event["type"] != "tool-start":
                continue
            result = results.get(event["call_id"])
            error = result.get("error") if result else {"code": "NO_RESULT", "message": "no result"}
            calls.append(
                ToolCall(
                    user=turn.user,
                    turn=index,
                    name=event["name"],
                    args=dict(event.get("args") or {}),
                    ok=result is not None and not error,
                    output=result.get("output") if result else None,
                    error=error or None,
                )
            )
    return calls


# ---------------------------------------------------------------------- matching


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip().casefold()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def matches(expected: Any, actual: Any) -> bool:
    """Subset match: dicts by their expected keys, a list of scalars as "any of"
    (unless the actual value is a list too: then every expected item must be found),
    strings case-insensitively, ``re:`` strings as a regular expression."""
    if expected is None:
        return True
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return False
        return all(matches(v, actual.get(k)) for k, v in expected.items())
    if isinstance(expected, list):
        if isinstance(actual, list):
            return all(any(matches(e, a) for a in actual) for e in expected)
        return any(matches(e, actual) for e in expected)
    if isinstance(expected, str) and expected.startswith("re:"):
        return (
            actual is not None and re.search(expected[3:], str(actual), re.IGNORECASE) is not None
        )
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    return bool(_norm(expected) == _norm(actual))


def _offer_ids(args: dict[str, Any]) -> list[str]:
    ids = [i.get("offer_id") for i in args.get("items") or [] if isinstance(i, dict)]
    if args.get("offer_id"):
        ids.append(args["offer_id"])
    return [i for i in ids if isinstance(i, str)]


def _action_matches(
    exp: ActionExpectation, call: ToolCall, offers: dict[str, dict[str, Any]]
) -> bool:
    if call.name != exp.tool:
        return False
    if exp.by is not None and call.user != exp.by:
        return False
    if exp.ok is not None and call.ok != exp.ok:
        return False
    if not matches(exp.args, call.args):
        return False
    if exp.offer is not None:
        chosen = [offers.get(i) for i in _offer_ids(call.args)]
        if not any(o is not None and matches(exp.offer, o) for o in chosen):
            return False
    return True


def _describe(exp: ActionExpectation) -> str:
    bits = [exp.tool]
    if exp.args:
        bits.append(str(exp.args))
    if exp.offer:
        bits.append(f"offer {exp.offer}")
    if exp.by:
        bits.append(f"by {exp.by}")
    if exp.count is not None:
        bits.append(f"×{exp.count}")
    return " ".join(bits)


def grade_actions(
    scenario: Scenario, calls: Sequence[ToolCall], offers: dict[str, dict[str, Any]]
) -> list[Check]:
    checks = []
    for exp in scenario.expect.actions:
        found = [c for c in calls if _action_matches(exp, c, offers)]
        passed = len(found) == exp.count if exp.count is not None else bool(found)
        same_tool = [c for c in calls if c.name == exp.tool]
        detail = (
            ""
            if passed
            else f"{len(found)} matching; {exp.tool} calls seen: "
            + ("; ".join(f"{c.args} ok={c.ok}" for c in same_tool) or "none")
        )
        checks.append(Check("actions", _describe(exp), passed, detail))
    for exp in scenario.expect.forbidden_actions:
        found = [c for c in calls if _action_matches(exp, c, offers)]
        checks.append(
            Check(
                "forbidden_actions",
                "no " + _describe(exp),
                not found,
                "; ".join(f"{c.args} by {c.user}" for c in found),
            )
        )
    return checks


# ------------------------------------------------------------------------- state


def _booking_matches(m: BookingMatch, b: dict[str, Any]) -> bool:
    if not matches(m.traveler, b["traveler"]) or not matches(m.status, b["status"]):
        return False
    if not matches(m.policy, b["policy"]):
        return False
    if m.max_total is not None and b["total"] > m.max_total:
        return False
    if m.has_approval is not None and bool(b["approval_id"]) != m.has_approval:
        return False
    captured, refunded = b["captured_minor"], b["refunded_minor"]
    if m.paid is not None and (captured > 0) != m.paid:
        return False
    if m.refund is not None:
        kind = "none" if refunded == 0 else "full" if refunded >= captured else "partial"
        if captured == 0 or kind != m.refund:
            return False
    for want, have in ((m.flights, b["flights"]), (m.hotels, b["hotels"])):
        if want is not None:
            for item in want:
                spec = item.model_dump(exclude_none=True)
                if not any(matches(spec, seg) for seg in have):
                    return False
    return True


def _approval_matches(m: ApprovalMatch, a: dict[str, Any]) -> bool:
    if not matches(m.traveler, a["traveler"]) or not matches(m.status, a["status"]):
        return False
    if m.roles is not None and [s["role"] for s in a["steps"]] != m.roles:
        return False
    return m.step_statuses is None or [s["status"] for s in a["steps"]] == m.step_statuses


def _brief(b: dict[str, Any]) -> str:
    legs = ", ".join(
        f"{f['flight']} {f['origin']}→{f['destination']} {f['date']} {f['status']}"
        for f in b["flights"]
    )
    stays = ", ".join(f"{h['city']} {h['check_in']}…{h['check_out']}" for h in b["hotels"])
    return (
        f"{b['booking_id']} {b['traveler']} {b['status']} {b['policy']} {b['total']} "
        f"paid={b['captured_minor']} refunded={b['refunded_minor']} [{legs}{'; ' if stays else ''}{stays}]"
    )


def grade_state(scenario: Scenario, state: dict[str, Any]) -> list[Check]:
    want = scenario.expect.state
    checks = []
    seen = "; ".join(_brief(b) for b in state["bookings"]) or "no bookings"
    for i, m in enumerate(want.bookings):
        n = sum(_booking_matches(m, b) for b in state["bookings"])
        passed = n == m.count if m.count is not None else n >= 1
        checks.append(
            Check(
                "state",
                f"booking[{i}] {m.model_dump(exclude_none=True)}",
                passed,
                "" if passed else f"{n} match; have: {seen}",
            )
        )
    for i, m in enumerate(want.no_bookings):
        n = sum(_booking_matches(m, b) for b in state["bookings"])
        checks.append(
            Check(
                "state",
                f"no booking[{i}] {m.model_dump(exclude_none=True)}",
                n == 0,
                "" if n == 0 else f"{n} match; have: {seen}",
            )
        )
    approvals = (
        "; ".join(
            f"{a['approval_id']} {a['status']} {[(s['role'], s['status']) for s in a['steps']]}"
            for a in state["approvals"]
        )
        or "no approvals"
    )
    for i, am in enumerate(want.approvals):
        n = sum(_approval_matches(am, a) for a in state["approvals"])
        passed = n == am.count if am.count is not None else n >= 1
        checks.append(
            Check(
                "state",
                f"approval[{i}] {am.model_dump(exclude_none=True)}",
                passed,
                "" if passed else f"{n} match; have: {approvals}",
            )
        )
    for i, am in enumerate(want.no_approvals):
        n = sum(_approval_matches(am, a) for a in state["approvals"])
        checks.append(
            Check(
                "state",
                f"no approval[{i}] {am.model_dump(exclude_none=True)}",
                n == 0,
                "" if n == 0 else approvals,
            )
        )
    if want.active_holds is not None:
        have = state["active_holds"]
        checks.append(
            Check(
                "state",
                f"active holds = {want.active_holds}",
                have == want.active_holds,
                f"{have} active",
            )
        )
    return checks


# ----------------------------------------------------------------- communication


def _said(phrase: Phrase, turns: Sequence[TurnRecord], refs: dict[str, str]) -> bool:
    if phrase.turn is not None:
        try:
            turns = [turns[phrase.turn]]
        except IndexError:
            return False
    text = "\n".join(t.text for t in turns if phrase.by is None or t.user == phrase.by)
    wanted = phrase.text
    for name, value in refs.items():
        wanted = wanted.replace("{" + name + "}", value)
    if wanted.startswith("re:"):
        return re.search(wanted[3:], text, re.IGNORECASE | re.MULTILINE) is not None
    return wanted.casefold() in text.casefold()


def grade_communication(
    scenario: Scenario, turns: Sequence[TurnRecord], refs: dict[str, str] | None = None
) -> list[Check]:
    """Phrases may quote ``{last_booking}`` (the newest booking the trial created)."""
    refs = refs or {}
    checks = [Check("say", f"says {p.text!r}", _said(p, turns, refs)) for p in scenario.expect.say]
    checks += [
        Check("not_say", f"never says {p.text!r}", not _said(p, turns, refs))
        for p in scenario.expect.not_say
    ]
    return checks


# ----------------------------------------------------------------------- conduct


def _same_action(action: dict[str, Any], call: ToolCall) -> bool:
    def clean(args: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in args.items() if v not in (None, "", [], {})}

    return bool(
        action.get("tool") == call.name and clean(action.get("args") or {}) == clean(call.args)
    )


def _approved(turn: TurnRecord) -> bool:
    if "confirm" in turn.sent:
        return bool(turn.sent["confirm"])
    return yes_or_no(str(turn.sent.get("message") or "")) is True


def grade_gate(turns: Sequence[TurnRecord], calls: Sequence[ToolCall]) -> Check:
    """Every gated write (confirm, cancel, rebook, decide) followed the user's yes to
    exactly that action: the previous turn of the same user asked, this one approved.
    A turn refused before it began (a stale card pressed) asked nothing and changed
    nothing, so the question before it is still the one answered."""
    problems = []
    for call in calls:
        spec = TOOLS.get(call.name)
        if spec is None or not spec.needs_confirmation:
            continue
        earlier = [
            i for i in range(call.turn) if turns[i].user == call.user and not turns[i].refused
        ]
        asked = turns[earlier[-1]].confirmation if earlier else None
        if (
            asked is None
            or not _same_action(asked.get("action") or {}, call)
            or not _approved(turns[call.turn])
        ):
            problems.append(
                f"{call.name} {call.args} ran in turn {call.turn} without the user's yes to it"
            )
    return Check(
        "gate", "gated writes ran only after an explicit yes", not problems, "; ".join(problems)
    )


def grade_conduct(
    scenario: Scenario, turns: Sequence[TurnRecord], calls: Sequence[ToolCall]
) -> list[Check]:
    checks = [grade_gate(turns, calls)]
    harness = [f"turn {i}: {t.harness_error}" for i, t in enumerate(turns) if t.harness_error]
    checks.append(Check("script", "the script could be followed", not harness, "; ".join(harness)))
    expected = set(scenario.expect.refused)
    seen = {e.get("code") for t in turns for e in t.errors}
    for code in scenario.expect.refused:
        checks.append(
            Check(
                "refused",
                f"a turn was refused with {code}",
                code in seen,
                "" if code in seen else f"error codes seen: {sorted(map(str, seen)) or 'none'}",
            )
        )
    if not scenario.expect.errors_allowed:
        errors = [
            f"turn {i}: {e.get('code')} {e.get('message')}"
            for i, t in enumerate(turns)
            for e in t.errors
            if e.get("code") not in expected
        ]
        checks.append(Check("errors", "no turn errors", not errors, "; ".join(errors)))
    if scenario.expect.max_turns is not None:
        n = len(turns)
        checks.append(
            Check(
                "turns",
                f"at most {scenario.expect.max_turns} user turns",
                n <= scenario.expect.max_turns,
                f"{n} turns",
            )
        )
    return checks


def _fill(value: Any, refs: dict[str, str]) -> Any:
    if isinstance(value, str):
        for name, ref in refs.items():
            value = value.replace("{" + name + "}", ref)
        return value
    if isinstance(value, list):
        return [_fill(v, refs) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, refs) for k, v in value.items()}
    return value


def _with_refs(scenario: Scenario, refs: dict[str, str]) -> Scenario:
    expect = _fill(scenario.expect.model_dump(exclude_unset=True, exclude={"say", "not_say"}), refs)
    expect["say"] = scenario.expect.say
    expect["not_say"] = scenario.expect.not_say
    return scenario.model_copy(update={"expect": Expectations.model_validate(expect)})


def grade(
    scenario: Scenario,
    turns: Sequence[TurnRecord],
    state: dict[str, Any],
    offers: dict[str, dict[str, Any]],
    refs: dict[str, str] | None = None,
) -> list[Check]:
    """All checks of one trial. ``refs`` (``{last_booking}``…) fill the expectations
    first; check names keep the placeholders so trials aggregate by check."""
    calls = tool_calls(turns)
    filled = _with_refs(scenario, refs) if refs else scenario
    judged = [*grade_actions(filled, calls, offers), *grade_state(filled, state)]
    if filled is not scenario:
        names = [
            c.name for c in (*grade_actions(scenario, calls, offers), *grade_state(scenario, state))
        ]
        judged = [
            Check(c.kind, name, c.passed, c.detail) for c, name in zip(judged, names, strict=True)
        ]
    return [
        *judged,
        *grade_communication(scenario, turns, refs),
        *grade_conduct(scenario, turns, calls),
    ]
