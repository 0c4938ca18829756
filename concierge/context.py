"""What the model sees: the system prompt, and a conversation kept under a token budget.

The checkpoint keeps every message; each model call gets a *view* of it:

1. the system prompt (policy brief rendered from the organization's rules, today's
   date from the runtime clock, the caller's profile);
2. tool results older than the last ``keep_recent_turns`` turns replaced by short
   digests (ids, statuses, prices: what the model needs to act on later);
3. if that is still over budget, the oldest turns folded into a running summary of
   the trip being planned (requests made, bookings and their states) until it fits.

The current turn is never summarised: the model must see what it just did.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

import prompts
from concierge.tokens import TokenCounter, content_text
from core.money import format_money, money_figure, read_money
from core.policy.render import role_label
from core.policy.rules import PolicyRules, cabin_label

# Keys worth keeping when a tool result becomes a digest: enough to refer back to
# an option, a booking or an approval without re-running the tool.
_DIGEST_KEYS = (
    "option",
    "offer_id",
    "booking_id",
    "approval_id",
    "segment_id",
    "status",
    "carrier",
    "number",
    "name",
    "origin",
    "destination",
    "depart_at",
    "depart",
    "date",
    "arrive",
    "flights",
    "check_in",
    "check_out",
    "cabin",
    "total",
    "price",
    "nightly_rate",
    "amount",
    "currency",
    "policy",
    "hold_expires_at",
    "locator",
    "error",
    "code",
    "message",
    "declined",
    "decision",
)
_DIGEST_LIST_ITEMS = 5
_DIGEST_STRING = 80


# --- the system prompt -------------------------------------------------------------


def policy_brief(rules: PolicyRules) -> str:
    """The policy's key facts in a few lines, rendered from the rules themselves."""
    cur = rules.currency
    cabins = "; ".join(
        f"{_minutes_range(r.min_minutes, r.max_minutes)}: "
        + "/".join(cabin_label(c) for c in r.allowed_cabins)
        for r in rules.cabin_rules
    )
    lines = [f"- Cabins by flying time: {cabins}; other cabins amber."]
    if rules.red_cabins:
        lines.append(
            "- Never allowed (red): " + ", ".join(cabin_label(c) for c in rules.red_cabins) + "."
        )
    if rules.advance_purchase_days:
        lines.append(f"- Booked fewer than {rules.advance_purchase_days} days ahead: amber.")
    # The currency once for the whole line: the caps are read as a list of numbers.
    caps = ", ".join(
        f"{cap.city} {money_figure(cap.nightly_cap_minor, cur)}" for cap in rules.hotel_caps.cities
    )
    default_cap = money_figure(rules.hotel_caps.default_nightly_cap_minor, cur)
    lines.append(
        f"- Hotel caps per night ({cur}): {caps + '; ' if caps else ''}elsewhere {default_cap}; "
        "over cap amber."
    )
    if rules.blocked_airlines:
        lines.append(
            "- Blocked airlines (red): "
            + ", ".join(v.display for v in rules.blocked_airlines)
            + "."
        )
    thresholds = sorted(rules.approval_thresholds, key=lambda t: t.over_minor)
    approvals = [
        f"over {money_figure(t.over_minor, cur)} {cur} {role_label(t.role)}" for t in thresholds
    ]
    approvals.append(f"any amber item {role_label(rules.amber_requires)}")
    lines.append("- Approvals: " + "; ".join(approvals) + ".")
    return "\n".join(lines)




def _minutes_range(low: int, high: int | None) -> str:
    if high is None:
        return f"from {low // 60} h"
    return f"under {high // 60} h" if low == 0 else f"{low // 60}-{high // 60} h"


def profile_text(profile: dict[str, Any]) -> str:
    fields = (
        ("name", "Name"),
        ("role", "Role"),
        ("department", "Department"),
        ("home_airport", "Home airport"),
        ("manager", "Manager"),
        ("currency", "Company currency"),
    )
    lines = [f"- {label}: {profile[key]}" for key, label in fields if profile.get(key)]
    if "approves_trips" in profile:
        lines.append(f"- Approves others' trips: {'yes' if profile['approves_trips'] else 'no'}")
    return "\n".join(lines)


def system_prompt(
    *, org_name: str, now: datetime, profile: dict[str, Any], rules: PolicyRules
) -> str:
    return prompts.render(
        "system",
        org_name=org_name,
        today=now.strftime("%a %d %b %Y, %H:%M"),
        profile=profile_text(profile) or "- (no profile)",
        policy=prompts.render("policy", org_name=org_name, rules=policy_brief(rules)),
    )


# --- digests and the running summary -------------------------------------------------


@lru_cache(maxsize=512)
def digest(content: str) -> str:
    """A tool result cut down to ids, statuses and prices (compact JSON). Memoised as
    ``tabulate`` is: an older turn's results are digested again for every model call
    after them (a JSON parse and dump each, perf28)."""
    try:
        data = json.loads(content)
    except (TypeError, ValueError):
        return content[:_DIGEST_STRING]
    return json.dumps(_prune(data), separators=(",", ":"), ensure_ascii=False)


def _prune(value: Any, depth: int = 0, shared: dict[str, str] | None = None) -> Any:
    if isinstance(value, dict):
        if any(isinstance(value.get(k), str) for k in _ENTITY_KEYS):
            return _entity_line(value, shared or {})
        kept: dict[str, Any] = {}
        for key, item in value.items():
            if key == "policy" and isinstance(item, dict):
                kept[key] = {"status": item.get("status")}
            elif key in _DIGEST_KEYS and not isinstance(item, dict):
                kept[key] = _prune(item, depth + 1)
            elif key in _DIGEST_KEYS and (money := _money(item)):
                kept[key] = money
            elif depth < 3 and (
                isinstance(item, dict)
                or (isinstance(item, list) and any(isinstance(v, dict) for v in item))
            ):
                pruned = _prune(item, depth + 1, _shared(value, item))
                if isinstance(pruned, dict) and set(pruned) == {"name"}:
                    pruned = pruned["name"]  # {"origin": {"name": "New York"}} → "New York"
                if pruned:
                    kept[key] = pruned
        return kept
    if isinstance(value, list):
        items = [_prune(v, depth + 1, shared) for v in value[:_DIGEST_LIST_ITEMS]]
        if len(value) > _DIGEST_LIST_ITEMS:
            items.append(f"+{len(value) - _DIGEST_LIST_ITEMS} more")
        return items
    if isinstance(value, str) and len(value) > _DIGEST_STRING:
        return value[: _DIGEST_STRING - 1] + "…"
    return value


_ENTITY_KEYS = ("offer_id", "booking_id", "approval_id")


def _shared(parent: dict[str, Any], items: Any) -> dict[str, str]:
    """What every entity of a list has in common, said once instead of in each brief:
    the day when all depart on the search's ``date``, the cabin when it is the
    search's ``cabin`` (both stay in the digest, at the top)."""
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        return {}
    shared: dict[str, str] = {}
    day = parent.get("date")
    departs = [i.get("depart") or i.get("depart_at") for i in items]
    if isinstance(day, str) and all(isinstance(d, str) and d[:10] == day for d in departs):
        shared["day"] = day
    cabin = parent.get("cabin")
    if isinstance(cabin, str) and all(i.get("cabin") == cabin for i in items):
        shared["cabin"] = cabin
    return shared


def _money(value: Any) -> str | None:
    """``{"amount": "583.70", "currency": "USD"}`` → ``"583.70 USD"``; None for anything else."""
    money = read_money(value)
    return None if money is None else format_money(money.minor(), money.currency)


def _entity_line(item: dict[str, Any], shared: dict[str, str] | None = None) -> dict[str, Any]:
    """An offer, booking or approval cut to its ids plus one line: ``{"option": 1,
    "offer_id": "FL-1161", "brief": "UA 27 EWR→LHR 2026-12-18T22:50 economy 583.70 USD
    green"}`` — what a later turn needs to refer back to it, in the same key names.
    The flight number comes first and the policy colour last (the offline planner
    reads both); what ``shared`` says the list has in common (day, cabin) is left out."""
    shared = shared or {}
    ids = {k: item[k] for k in ("option", *_ENTITY_KEYS, "status") if item.get(k) is not None}

    parts: list[str] = []
    flights = item.get("flights")
    segments = item.get("segments")
    if (
        not flights
        and isinstance(segments, list)
        and segments
        and all(isinstance(x, dict) for x in segments)
    ):
        briefs = [str(_entity_line(x).get("brief", "")) for x in segments]
        parts.append(" + ".join(b for b in briefs if b))
    elif isinstance(flights, list):
        parts.append("+".join(str(f) for f in flights))
    elif item.get("carrier") and item.get("number"):
        parts.append(f"{item['carrier']} {item['number']}")
    elif isinstance(item.get("flight"), str):
        parts.append(item["flight"])  # a booking's segment: "UA 27"
    for key in ("name", "hotel"):
        if isinstance(item.get(key), str):
            parts.append(item[key])
            break
    if item.get("origin") and item.get("destination"):
        parts.append(f"{item['origin']}→{item['destination']}")
    depart = item.get("depart") or item.get("depart_at")
    if isinstance(depart, str):
        parts.append(depart[11:16] if shared.get("day") == depart[:10] else depart[:16])
    if item.get("check_in") and item.get("check_out"):
        parts.append(f"{item['check_in']}→{item['check_out']}")
    if isinstance(item.get("cabin"), str) and item["cabin"] != shared.get("cabin"):
        parts.append(item["cabin"])
    price = (
        _money(item.get("total")) or _money(item.get("price")) or _money(item.get("nightly_rate"))
    )
    if price:
        parts.append(price)
    policy = item.get("policy")
    if isinstance(policy, dict) and policy.get("status"):
        parts.append(str(policy["status"]))
    if isinstance(item.get("locator"), str):
        parts.append(item["locator"])
    return {**ids, "brief": " ".join(parts)} if parts else ids


def split_turns(messages: Sequence[BaseMessage]) -> list[list[BaseMessage]]:
    """Turns start at each human message (anything before the first is its own turn)."""
    turns: list[list[BaseMessage]] = []
    for message in messages:
        if isinstance(message, HumanMessage) or not turns:
            turns.append([])
        turns[-1].append(message)
    return turns


def summarise(
    turns: Sequence[Sequence[BaseMessage]],
    counter: TokenCounter | None = None,
    max_tokens: int = 600,
) -> str:
    """The running summary of folded turns: what was asked, what the tools settled.

    Bounded: the newest folded turns are kept up to ``max_tokens`` and older ones
    are only counted; the bookings line (ids and their last known status) always stays.
    """
    blocks: list[str] = []
    bookings: dict[str, str] = {}
    for turn in turns:
        lines: list[str] = []
        for message in turn:
            if isinstance(message, HumanMessage):
                lines.append(f"- Asked: {_clip(content_text(message), 160)}")
            elif isinstance(message, ToolMessage):
                lines.append(f"  - {message.name or 'tool'}: {_ids_line(content_text(message))}")
                _collect_bookings(content_text(message), bookings)
            elif (
                isinstance(message, AIMessage) and not message.tool_calls and content_text(message)
            ):
                lines.append(f"  - Answered: {_clip(content_text(message), 160)}")
        if lines:
            blocks.append("\n".join(lines))
    tail = (
        "- Bookings so far: " + ", ".join(f"{b} {s}" for b, s in bookings.items())
        if bookings
        else ""
    )
    spent = counter.count_text(tail) if counter and tail else 0
    kept: list[str] = []
    for block in reversed(blocks):
        cost = counter.count_text(block) if counter else len(block) // 4
        if kept and spent + cost > max_tokens:
            break
        kept.append(block)
        spent += cost
    omitted = len(blocks) - len(kept)
    parts = kept[::-1]
    if omitted:
        # The first request usually states the trip; keep it whatever else goes.
        first = blocks[0].split("\n", 1)[0]
        parts = (
            [first, f"- ({omitted - 1} more requests not shown)", *parts]
            if omitted > 1
            else [first, *parts]
        )
    if tail:
        parts.append(tail)
    return "\n".join(parts)


def _ids_line(content: str) -> str:
    """``FL-1, FL-2, FL-3 (+2)`` / ``BK-7Q2M4X held`` / ``error SOLD_OUT``: a tool result in a line."""
    try:
        data = json.loads(content)
    except (TypeError, ValueError):
        return _clip(content, 80)
    found: list[str] = []
    stack: list[Any] = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, dict):
            if isinstance(item.get("error"), dict):
                found.append(f"error {item['error'].get('code', '')}".strip())
            if item.get("declined") is True:
                found.append("declined by the traveller")
            for key in ("offer_id", "booking_id", "approval_id"):
                if isinstance(item.get(key), str):
                    status = item.get("status")
                    found.append(f"{item[key]} {status}" if isinstance(status, str) else item[key])
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend(item)
    if not found:
        return _clip(digest(content), 80)
    extra = f" (+{len(found) - 3})" if len(found) > 3 else ""
    return ", ".join(found[:3]) + extra


def _collect_bookings(content: str, into: dict[str, str]) -> None:
    try:
        data = json.loads(content)
    except (TypeError, ValueError):
        return
    stack: list[Any] = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("booking_id"), str) and isinstance(item.get("status"), str):
                into[item["booking_id"]] = item["status"]
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the budget ----------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetedPrompt:
    messages: list[BaseMessage]
    tokens: int  # our tiktoken count, tools included
    folded_turns: int  # how many old turns went into the summary


class ContextBudget:
    def __init__(
        self, counter: TokenCounter, *, budget_tokens: int = 6000, keep_recent_turns: int = 1
    ) -> None:
        self.counter = counter
        self.budget_tokens = budget_tokens
        self.keep_recent_turns = max(1, keep_recent_turns)

    def fit(
        self, system: str, history: Sequence[BaseMessage], tools: Sequence[dict[str, Any]] = ()
    ) -> BudgetedPrompt:
        count = self.counter.count_messages
        turns = [list(t) for t in split_turns(history)]
        recent_from = max(0, len(turns) - self.keep_recent_turns)
        older = [[_digested(m) for m in t] for t in turns[:recent_from]]
        recent = [[_tabulated(m) for m in t] for t in turns[recent_from:]]
        system_message = SystemMessage(system)
        fixed = self.counter.count_tools(tools) + self.counter.count_message(system_message)
        recent_cost = sum(self.counter.count_message(m) for t in recent for m in t)
        older_costs = [sum(self.counter.count_message(m) for m in t) for t in older]
        summary_cap = max(100, min(600, self.budget_tokens // 6))

        # Fold the fewest oldest turns so that the rest plus a (capped) summary fit.
        folded = 0
        remaining = sum(older_costs)
        if fixed + recent_cost + remaining + self.counter.REPLY_PRIMING > self.budget_tokens:
            while folded < len(older):
                remaining -= older_costs[folded]
                folded += 1
                if fixed + recent_cost + remaining + summary_cap + 8 <= self.budget_tokens:
                    break
        head, body, tokens = self._assemble(system_message, older, recent, folded, summary_cap)
        # The summary's real size can pass its cap (the first request and the bookings
        # line always stay): fold further until the prompt fits.
        while tokens + fixed > self.budget_tokens and folded < len(older):
            folded += 1
            head, body, tokens = self._assemble(system_message, older, recent, folded, summary_cap)
        tokens += fixed
        if tokens > self.budget_tokens and len(recent) > 1:
            # Still too big with only recent turns left: digest all but the current turn.
            recent = [[_digested(m) for m in t] for t in recent[:-1]] + recent[-1:]
            body = [m for t in older[folded:] + recent for m in t]
            tokens = fixed + count(head[1:] + body)
        return BudgetedPrompt(messages=head + body, tokens=tokens, folded_turns=folded)

    def _assemble(
        self,
        system_message: SystemMessage,
        older: list[list[BaseMessage]],
        recent: list[list[BaseMessage]],
        folded: int,
        summary_cap: int,
    ) -> tuple[list[BaseMessage], list[BaseMessage], int]:
        """The system message (plus the summary of the ``folded`` oldest turns), the
        rest, and their token count without the tools and the system message."""
        head: list[BaseMessage] = [system_message]
        if folded:
            summary = summarise(older[:folded], self.counter, max_tokens=summary_cap)
            head.append(SystemMessage(prompts.render("summary", summary=summary)))
        body = [m for t in older[folded:] + recent for m in t]
        return head, body, self.counter.count_messages(head[1:] + body)


@lru_cache(maxsize=512)
def tabulate(content: str) -> str:
    """A tool result as the model reads it: the same facts with each list of records
    as one table (``{"columns": [...], "rows": [[...], ...]}``, nested fields as
    ``policy.status``), money as ``"612.40 USD"`` and empty fields left out — about
    half the tokens of the raw JSON, which the checkpoint (and the offline planner)
    keeps as it was. Memoised: a conversation's tool results are tabulated again for
    every model call after them (a pure function of the text)."""
    try:
        data = json.loads(content)
    except (TypeError, ValueError):
        return content
    return json.dumps(_table(data), separators=(",", ":"), ensure_ascii=False)


def _table(value: Any) -> Any:
    if isinstance(value, dict):
        if (money := _money(value)) is not None:
            return money
        tabled = {k: _table(v) for k, v in value.items() if v is not None}
        return {k: v for k, v in tabled.items() if v != [] and v != {}}
    if isinstance(value, list):
        # Records a digest emptied (nothing worth keeping) are left out entirely.
        items = [t for v in value if (t := _table(v)) != {}]
        if not any(i for i in items if not isinstance(i, str)):
            items = [i for i in items if not (isinstance(i, str) and i.startswith("+"))]
        if len(items) < 2 or not all(isinstance(i, dict) for i in items):
            return items
        rows = [_flat(i) for i in items]
        columns: list[str] = []
        for row in rows:
            columns.extend(k for k in row if k not in columns)
        return {"columns": columns, "rows": [[row.get(c) for c in columns] for row in rows]}
    return value


def _flat(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, item in record.items():
        if isinstance(item, dict) and "columns" not in item:
            flat.update(_flat(item, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = item
    return flat


def _tabulated(message: BaseMessage) -> BaseMessage:
    if not isinstance(message, ToolMessage):
        return message
    short = tabulate(content_text(message))
    if len(short) >= len(content_text(message)):
        return message
    return message.model_copy(update={"content": short})


def _digested(message: BaseMessage) -> BaseMessage:
    if not isinstance(message, ToolMessage):
        return message
    short = tabulate(digest(content_text(message)))
    if len(short) >= len(content_text(message)):
        return message
    return message.model_copy(update={"content": short})
