"""A booking made on a condition (nlu/conditions.py): "if it's under $400 book it", "if
there's a nonstop before noon grab it, otherwise show me what's there", "if option 3 is
under 150 book it, if not leave it", "is the evening one within policy? if so book it".

The condition tests the option, it never narrows the search: the day is searched as
asked, and an option is held only when it meets every part of the condition (its price
per person or per night, the time it leaves or lands, nonstop, within policy). When none
does, or the option named doesn't, nothing is held and the reply says why, with the
options shown. The booking flow calls ``choose`` on the turn of the search and ``unmet``
on a pick of options already shown.
"""

from __future__ import annotations

import re
from typing import Any

from concierge.planner import render
from concierge.planner.flows.options import amount_of, names_said, pick
from concierge.planner.nlu.conditions import Condition
from concierge.planner.nlu.intents import OptionRef, Understanding
from concierge.planner.state import State

_LISTS = (("flights", "flight"), ("hotels", "hotel"))


def unmet(option: dict[str, Any], cond: Condition) -> list[str]:
    """What of the condition the option does not meet, in words (none: it fits)."""
    why: list[str] = []
    hotel = "nightly" in option
    if cond.under is not None:
        price = option.get("nightly" if hotel else "price")
        if amount_of(price) > cond.under:
            per = " a night" if hotel else ""
            why.append(f"it's {render.money(price)}{per}, over {_amount(cond.under)}")
    if not hotel:
        key = "arrive" if cond.lands else "depart"
        at = render.clock(option.get(key))
        verb = "lands" if cond.lands else "leaves"
        if cond.before and at > cond.before:
            why.append(f"it {verb} at {at}, after {cond.before}")
        if cond.after and at < cond.after:
            why.append(f"it {verb} at {at}, before {cond.after}")
        stops = int(option.get("stops") or 0)
        if cond.direct and stops:
            why.append(f"it has {stops} stop{'s' if stops > 1 else ''}")
    if cond.refundable and not option.get("refundable"):
        why.append("its fare isn't refundable")
    verdict = option.get("policy") or {}
    if cond.green and verdict.get("status") != "green":
        reasons = "; ".join(verdict.get("violations") or [])
        why.append("it's outside policy" + (f" ({reasons})" if reasons else ""))
    if verdict.get("status") == "red" and not cond.green:
        reasons = "; ".join(verdict.get("violations") or [])
        why.append("it's not allowed under company policy" + (f" ({reasons})" if reasons else ""))
    return why


def _amount(value: float) -> str:
    return f"{value:,.2f}".removesuffix(".00")


def described(cond: Condition) -> str:
    """The condition in words: "under 200, nonstop and leaving before 12:00"."""
    parts = []
    if cond.under is not None:
        parts.append(f"under {_amount(cond.under)}")
    if cond.direct:
        parts.append("nonstop")
    verb = "landing" if cond.lands else "leaving"
    if cond.before and cond.after:
        parts.append(f"{verb} between {cond.after} and {cond.before}")
    elif cond.before:
        parts.append(f"{verb} by {cond.before}")
    elif cond.after:
        parts.append(f"{verb} from {cond.after}")
    if cond.green:
        parts.append("within policy")
    if cond.refundable:
        parts.append("refundable")
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def choose(state: State, u: Understanding, ref: OptionRef | None) -> OptionRef | str | None:
    """On the turn of the search: the option to hold (a reference to it), or why none is
    held; None when the request makes no condition or nothing was shown."""
    found = _candidates(state, u, ref)
    if found is None:
        return None
    items, pool, kind, rated = found
    cond = u.condition
    assert cond is not None
    fitting = [o for o in pool if not unmet(o, cond)]
    if not fitting:
        return _none_fits(cond, pool, f"{rated}{'hotel' if kind == 'hotel' else 'flight'}")
    best = (ref.best if ref is not None else None) or "cheapest"
    chosen = _best(fitting, best, kind)
    return OptionRef(index=items.index(chosen) + 1, kind=kind)


def passed_over(state: State, u: Understanding, ref: OptionRef | None, chosen: OptionRef) -> str:
    """Why the option ``choose`` took is not the cheapest it could have been: the cheaper
    candidates and what of the condition each misses ("DL 1149 (1,432.20 USD): it's
    outside policy (…)"), then the one held; "" when none was cheaper or the measure is
    not the price."""
    found = _candidates(state, u, ref)
    best = (ref.best if ref is not None else None) or "cheapest"
    if found is None or best != "cheapest" or chosen.index is None or u.condition is None:
        return ""
    items, pool, kind, _ = found
    price = "nightly" if kind == "hotel" else "price"
    held = items[chosen.index - 1]
    cheaper = [
        o
        for o in pool
        if amount_of(o.get(price)) < amount_of(held.get(price)) and unmet(o, u.condition)
    ]
    if not cheaper:
        return ""
    each = "; ".join(
        f"{_name(o)} ({render.money(o.get(price))}): {', '.join(unmet(o, u.condition))}"
        for o in cheaper
    )
    what = described(u.condition)
    return (
        f"Cheaper, but not {what or 'what you asked for'} — {each}. So I've picked "
        f"{_name(held)} ({render.money(held.get(price))}), the cheapest that is."
    )


def _candidates(
    state: State, u: Understanding, ref: OptionRef | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str, str] | None:
    """The list the condition is tested on (the first shown), the options of it the
    request names (all when it names none), its kind and the star rating asked ("4★ ")."""
    cond = getattr(u, "condition", None)
    if cond is None:
        return None
    listed = [
        (key, kind) for key, kind in _LISTS if state.shown.get(key) and state.shown[key].items
    ]
    if not listed:
        return None
    key, kind = listed[0]
    items = state.shown[key].items
    pool = list(items)
    # What the request names besides the condition ("the 6am american", "an Aer Lingus
    # flight"): only those options are candidates.
    named = [r for r in u.options if r.carrier or r.clock or r.index is not None]
    text = cond.clause
    for mention in u.places:
        text = re.sub(rf"\b{re.escape(mention.text)}\b", " ", text, flags=re.IGNORECASE)
    named += [r for r in names_said(state, text) if r.kind in (None, kind)]
    for r in named:
        got = pick(items, OptionRef(index=r.index, carrier=r.carrier, clock=r.clock))
        if r.index is not None or r.clock:
            pool = [o for o in pool if o is got]
        elif r.carrier:
            word = r.carrier.lower()
            pool = [o for o in pool if _carrier_of(o, word)]
    # "the cheapest 4-star … within our limit": among the hotels of that rating only
    stars = next((r.stars for r in [*u.options, *([ref] if ref else [])] if r.stars), None)
    rated = f"{stars}★ " if stars and kind == "hotel" else ""
    if rated:
        pool = [o for o in pool if o.get("stars") == stars]
    return items, pool, kind, rated


def _name(option: dict[str, Any]) -> str:
    return str(option.get("name") or " + ".join(option.get("flights") or []))


def _carrier_of(option: dict[str, Any], word: str) -> bool:
    blob = " ".join(
        [str(option.get("carrier") or ""), str(option.get("name") or "")]
        + [str(f) for f in option.get("flights") or []]
    ).lower()
    return word in blob or word.replace(" ", "") in blob.replace(" ", "")


def _best(options: list[dict[str, Any]], best: str, kind: str) -> dict[str, Any]:
    if best in ("earliest", "latest"):
        ordered = sorted(options, key=lambda o: str(o.get("depart") or ""))
        return ordered[-1] if best == "latest" else ordered[0]
    if best == "fastest":
        return min(options, key=lambda o: _minutes(o.get("duration")))
    price = "nightly" if kind == "hotel" else "price"
    return min(options, key=lambda o: amount_of(o.get(price)))


def _minutes(text: Any) -> int:
    m = re.match(r"(\d+)h(\d+)", str(text or ""))
    return int(m.group(1)) * 60 + int(m.group(2)) if m else 10**6


def _none_fits(cond: Condition, pool: list[dict[str, Any]], noun: str) -> str:
    what = described(cond)
    if len(pool) == 1:
        why = "; ".join(unmet(pool[0], cond))
        return (
            f"{_label(pool[0])} doesn't meet your condition ({why}), so I haven't booked "
            "anything. Pick another option if you'd like one of these."
        )
    if not pool:
        return f"None of these is the {noun} you named, so I haven't booked anything."
    return (
        f"None of these {noun}s is {what}, so I haven't booked anything"
        if what
        else f"None of these {noun}s fits, so I haven't booked anything"
    ) + " — here is what there is. Pick one if you'd like it anyway."


def _label(option: dict[str, Any]) -> str:
    name = option.get("name") or " + ".join(option.get("flights") or [])
    return f"Option {option.get('option')} ({name})"


def unmet_picks(chosen: dict[str, dict[str, Any]], cond: Condition | None) -> str | None:
    """On a pick of options shown ("if option 3 is under 150 book it"): why nothing is
    held, when an option picked doesn't meet the condition; None when all do."""
    if cond is None:
        return None
    for option in chosen.values():
        why = unmet(option, cond)
        if why:
            return (
                f"{_label(option)} doesn't meet your condition ({'; '.join(why)}), so I "
                "haven't booked it. Would you like another option?"
            )
    return None
