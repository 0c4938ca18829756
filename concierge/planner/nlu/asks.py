"""Reading questions: about one's own trips, about the policy, about what a price is
made of, and about what the concierge can't do yet.

The phrase tables are data (``asks.yaml``); this module only compiles them and
reads the few numbers a question carries (a flight length, an amount of money),
with ``text2num`` for numbers written in words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from text_to_num import alpha2digit

from concierge.planner.nlu import datafiles
from core.catalogue import CARRIERS


@dataclass(frozen=True)
class Unsupported:
    """Something the concierge can't do yet, and the honest answer to give."""

    feature: str  # seats | check_in | boarding_pass | bags | meals | loyalty | override
    reply: str


@dataclass(frozen=True)
class _Tables:
    unsupported: tuple[tuple[str, re.Pattern[str], str], ...]
    unless: dict[str, re.Pattern[str]]  # a feature's cues don't count beside these words
    fare: re.Pattern[str]
    fare_reply: str
    hold_price: re.Pattern[str]
    cancel_refund: re.Pattern[str]
    only_asked: re.Pattern[str]
    facets: tuple[tuple[str, re.Pattern[str]], ...]
    just_booked: re.Pattern[str]
    went_through: re.Pattern[str]
    own: re.Pattern[str]
    open_steps: re.Pattern[str]
    all_settled: re.Pattern[str]
    others: re.Pattern[str]
    someone: tuple[re.Pattern[str], ...]
    someone_casual: tuple[re.Pattern[str], ...]
    not_someone: frozenset[str]
    someone_pronouns: frozenset[str]
    team: re.Pattern[str]
    request: re.Pattern[str]
    done: re.Pattern[str]
    not_ours: re.Pattern[str]
    done_for_me: re.Pattern[str]
    policy: re.Pattern[str]
    policy_subjects: re.Pattern[str]
    cabin_permission: re.Pattern[str]
    question: re.Pattern[str]
    injection: re.Pattern[str]
    bulk: re.Pattern[str]
    override_reply: str
    slang: tuple[tuple[re.Pattern[str], str], ...]
    threshold: re.Pattern[str]
    threshold_approval: re.Pattern[str]
    threshold_queue: re.Pattern[str]
    roles: tuple[tuple[str, re.Pattern[str]], ...]
    above: re.Pattern[str]
    besides_me: re.Pattern[str]
    approver_asked: re.Pattern[str]
    policy_outside: tuple[re.Pattern[str], ...]
    self_asked: re.Pattern[str]
    self_subject: re.Pattern[str]
    clause_break: re.Pattern[str]


def _any(patterns: list[str], *, bounded: bool = True) -> re.Pattern[str]:
    parts = [rf"\b(?:{p})\b" if bounded else f"(?:{p})" for p in patterns]
    return re.compile("|".join(parts))


@lru_cache(maxsize=1)
def tables() -> _Tables:
    raw: dict[str, Any] = datafiles.load("asks")
    return _Tables(
        unsupported=tuple(
            (name, _any(entry["cues"]), " ".join(str(entry["reply"]).split()))
            for name, entry in raw["unsupported"].items()
        ),
        unless={
            name: _any(entry["unless"])
            for name, entry in raw["unsupported"].items()
            if entry.get("unless")
        },
        fare=_any(raw["fare"]["cues"]),
        fare_reply=" ".join(str(raw["fare"]["reply"]).split()),
        hold_price=_any(raw["hold_price"]),
        cancel_refund=_any(raw["cancel_refund"]),
        only_asked=_any(raw["only_asked"]),
        facets=tuple((name, _any(cues)) for name, cues in raw["trip_facets"].items()),
        just_booked=_any(raw["just_booked"]),
        went_through=_any(raw["went_through"]),
        own=_any(raw["own"]),
        open_steps=_any(raw["open_steps"]),
        all_settled=_any(raw["all_settled"]),
        others=_any(raw["others"], bounded=False),
        someone=tuple(re.compile(rf"\b{p}") for p in raw["someone"]),
        someone_casual=tuple(re.compile(rf"\b{p}", re.IGNORECASE) for p in raw["someone"]),
        not_someone=frozenset(str(w).lower() for w in raw["not_someone"]),
        someone_pronouns=frozenset(str(w).lower() for w in raw["someone_pronouns"]),
        team=_any(raw["team"]),
        request=_any(raw["request"]),
        done=_any(raw["done"]),
        not_ours=_any(raw["request_not_ours"]),
        done_for_me=_any(raw["done_for_me"]),
        policy=_any(raw["policy"]["cues"]),
        policy_subjects=_any([*raw["policy"]["subjects"], *_airline_names()]),
        cabin_permission=_any(raw["cabin_permission"]),
        question=_any(raw["question"], bounded=False),
        injection=_any(raw["override"]["injection"]),
        bulk=_any(raw["override"]["bulk"]),
        override_reply=" ".join(str(raw["override"]["reply"]).split()),
        slang=tuple(
            (re.compile(rf"\b(?:{'|'.join(map(re.escape, spellings))})\b"), str(word))
            for word, spellings in raw["slang"].items()
        ),
        threshold=_any(raw["approval_threshold"]["cues"]),
        threshold_approval=_any(raw["approval_threshold"]["approval"]),
        threshold_queue=_any(raw["approval_threshold"]["queue"]),
        roles=tuple((str(role), _any(words)) for role, words in raw["approver_roles"].items()),
        above=re.compile(rf"(?:{'|'.join(raw['amount_above'])})\s*$"),
        besides_me=_any(raw["besides_me"]),
        approver_asked=_any(raw["approver_asked"]),
        policy_outside=tuple(_any([p]) for p in raw["policy_outside"]),
        self_asked=_any(raw["self_asked"]),
        self_subject=_any(raw["self_subject"]),
        clause_break=_any(raw["clause_break"], bounded=False),
    )


def _airline_names() -> list[str]:
    """An airline named is what a policy question may be about ("can we book Ryanair?",
    "is Spirit ok?"): each airline's name, and its first word when it is one of its own
    (``CarrierInfo.short_name``: "Delta", "JetBlue"; never "Air" or "British")."""
    names: list[str] = []
    for carrier in CARRIERS:
        names.append(re.escape(carrier.name.lower()))
        if carrier.short_name is not None:
            # ("United" alone, not "the United States")
            names.append(re.escape(carrier.short_name) + r"(?! (?:states|kingdom|nations|arab))")
    return names


def plain(text: str) -> str:
    """Lower case, single spaces, plain apostrophes, slang question words spelt out
    ("wot time" → "what time"): what the tables are written for."""
    low = " ".join((text or "").lower().replace("’", "'").split())
    for pattern, word in tables().slang:
        low = pattern.sub(word, low)
    return low


def unsupported(text: str) -> Unsupported | None:
    """The feature a message asks for that doesn't exist yet, if any."""
    low = plain(text)
    t = tables()
    for name, pattern, reply in t.unsupported:
        if pattern.search(low) and not (name in t.unless and t.unless[name].search(low)):
            return Unsupported(name, reply)
    return None


def other_clauses(text: str, feature: str) -> str:
    """The clauses of the message that don't ask for ``feature`` ("which hotel am I in"
    of "which hotel am I in, and is breakfast included?"): what else it asks, if
    anything ("" when every clause asks for it)."""
    t = tables()
    pattern = next((p for name, p, _reply in t.unsupported if name == feature), None)
    if pattern is None:  # ("override": asks.override's, never beside a question)
        return ""
    clauses = t.clause_break.split(plain(text))
    return " ".join(c for c in clauses if c.strip() and not pattern.search(c))


def fare_question(text: str) -> bool:
    """The message asks what a price is made of ("how much of option 2 is taxes?",
    "what's the VAT on the hotel?", "break the fare down")."""
    return bool(tables().fare.search(plain(text)))


def cancel_refund_question(text: str) -> bool:
    """The message asks what cancelling would give back, without asking to cancel ("would
    I get a refund if I cancelled the London trip", "money back if I cancel?", "if i cancel
    paris do i lose anything"): answered from get_booking's quote, nothing cancelled."""
    low = plain(text)
    if _DO_CANCEL.match(low) or _ASKED_TO_CANCEL.search(low):
        return False  # "cancel it. would I get a refund?": a cancellation asked for
    asked = (
        is_question(text)
        or _HYPOTHETICAL.search(low) is not None
        or tables().only_asked.search(low) is not None
    )
    return asked and bool(tables().cancel_refund.search(low))


_DO_CANCEL: Final = re.compile(r"^(?:please |pls |ok |okay )?(?:(?:can|could) you )?cancel\b")
# ... asked politely anywhere in a longer message ("Hello, the conference is off. Could you
# please cancel the whole trip and let me know whether we get our money back?")
_ASKED_TO_CANCEL: Final = re.compile(
    r"\b(?:(?:can|could|would|will) you (?:please |kindly |pls )?|please |pls |kindly )cancel\b"
)
# "would I ...", "if I cancel paris do i lose anything": asked, without a question mark.
_HYPOTHETICAL: Final = re.compile(
    r"^(?:would|and if|so if|if|what if)\b|\b(?:do|would|will|could|can|did) (?:i|we)\b"
)


def price_question(text: str) -> bool:
    """The message asks what something costs in all ("how much is that all in?",
    "what's the total?"); at a hold's confirmation, the hold's total."""
    return bool(tables().hold_price.search(plain(text)))


def fare_reply() -> str:
    """What to say to a fare question when there is no option or booking to break down."""
    return tables().fare_reply


def override(text: str) -> Unsupported | None:
    """An instruction to override the concierge's rules that asks for everything at once."""
    low = plain(text)
    t = tables()
    if t.injection.search(low) and t.bulk.search(low):
        return Unsupported("override", t.override_reply)
    return None


def trip_facets(text: str) -> frozenset[str]:
    """What a question about a booked trip asks (depart, arrive, hotel, status, …)."""
    low = plain(text)
    found = frozenset(name for name, pattern in tables().facets if pattern.search(low))
    # (every_ref says how many references are asked: alone it asks for none)
    return found if "locator" in found else found - {"every_ref"}


def just_booked(text: str) -> bool:
    """The message names the booking just made ("what did I just book?", "remind me what I
    just booked", "my latest booking")."""
    return bool(tables().just_booked.search(plain(text)))


def went_through(text: str) -> bool:
    """The message asks whether what was just done took ("did that go through?")."""
    return bool(tables().went_through.search(plain(text)))


def without_just_booked(text: str) -> str:
    """The message with the words naming the booking just made blanked out: "booked" in
    "what I just booked?" asks nothing of its status."""
    return tables().just_booked.sub(lambda m: " " * len(m.group(0)), plain(text))


def is_own(text: str) -> bool:
    """The message talks about the traveller's own plans ("my flight", "when do I land",
    "which hotel did you book me in?"), not someone else's ("when can my boss get back to
    Boston?")."""
    t = tables()
    low = t.others.sub(" ", plain(text))
    if t.own.search(low):
        return True
    return any(t.done_for_me.search(m.group(0)) for m in t.done.finditer(low))


def open_steps(text: str) -> bool:
    """The message asks whether anything on one's trips is still open ("is anything on my
    trips still outstanding or needing someone to do something?"): what each unsettled
    trip waits on, not only the list."""
    return bool(tables().open_steps.search(plain(text)))


def all_settled(text: str) -> bool:
    """The message asks whether all of one's trips are settled ("are both of my trips
    fully approved and booked?"): the same answer as ``open_steps`` — what each unsettled
    trip waits on — told as a yes or a not yet."""
    return bool(tables().all_settled.search(plain(text)))


def someone(text: str) -> list[tuple[int, str]]:
    """Who a question about a booked trip names as taking it, when not the speaker
    ("When does Ava fly back?", "Ava Patel's London booking"): (where, the name as
    written) for each candidate, first first; the caller checks that each is a name."""
    plain_quotes = (text or "").replace("’", "'")
    found = [
        _without_question_words(m.start("name"), m.group("name"))
        for pattern in tables().someone
        for m in pattern.finditer(plain_quotes)
    ]
    return sorted(f for f in found if f[1])


def _without_question_words(at: int, name: str) -> tuple[int, str]:
    """A name as matched less the question words or auxiliaries before it, capitalised
    at the start of a question ("Has Ava's Paris flight ...": "Ava"; "Did Ava Patel's
    ...": "Ava Patel"); the words of ``not_someone`` are never part of a name."""
    words = name.split(" ")
    while len(words) > 1 and words[0].lower() in tables().not_someone:
        at += len(words[0]) + 1
        words = words[1:]
    return at, " ".join(words)


def someone_casual(text: str) -> list[tuple[int, str]]:
    """The same in chat lower case ("when does ava land?", "how much is ava's paris
    flight?"): (where, the first word of the name as written), never a word of
    ``not_someone``; the caller checks the rest as for ``someone``."""
    plain_quotes = (text or "").replace("’", "'")
    # Both ends of what was matched: "is ava's" (the last word), "ava fly" (the first).
    found = [
        (m.start("name"), word)
        for pattern in tables().someone_casual
        for m in pattern.finditer(plain_quotes)
        for words in (re.findall(r"[^\s,&]+", m.group("name")),)
        # "she staying", "he fly": a pronoun where the name is, the word after it no name
        if words[0].lower() not in tables().someone_pronouns
        for word in dict.fromkeys((words[0], words[-1]))
    ]
    return sorted((at, w) for at, w in found if w.lower() not in tables().not_someone)


def someone_pronoun(text: str) -> str | None:
    """The pronoun a question about someone else's booked trip has where the name would
    be ("where's she staying in paris?", "when does he fly back?"): "she", "he", …;
    None when there is none."""
    plain_quotes = (text or "").replace("’", "'")
    for pattern in tables().someone_casual:
        for m in pattern.finditer(plain_quotes):
            first = str(re.findall(r"[^\s,&]+", m.group("name"))[0]).lower()
            if first in tables().someone_pronouns:
                return first
    return None


def self_asked(text: str) -> bool:
    """The message asks after the speaker's own bookings ("do I have anything booked?",
    "show me my bookings"), not after every trip the speaker may see ("show all trips")."""
    return _about_self(text, tables().self_asked)


def _about_self(text: str, pattern: re.Pattern[str]) -> bool:
    """``pattern`` found in ``text`` once others' possessions ("my boss's") are taken out,
    and the team not named."""
    t = tables()
    low = plain(text)
    return not t.team.search(low) and bool(pattern.search(t.others.sub(" ", low)))


def self_subject(text: str) -> bool:
    """The speaker is the subject of the question ("do I have anything booked?", "am I
    travelling?"), not only the owner of what is asked for ("show me my trips")."""
    return _about_self(text, tables().self_subject)


def about_team(text: str) -> bool:
    """The message asks about the travel of the caller's team or reports ("is anyone on my
    team travelling to London?"), not about one person's trip."""
    return bool(tables().team.search(plain(text)))


def is_request(text: str) -> bool:
    """The message asks for something to be searched or booked (a booking already made,
    asked about — "which hotel did you book me in?" — is none, nor is booking what no tool
    books: "I want to book a car" beside a question about one's flight)."""
    t = tables()
    return bool(t.request.search(t.not_ours.sub(" ", t.done.sub(" ", plain(text)))))


def is_policy_question(text: str) -> bool:
    """A question about what the policy allows ("could I take business to Paris?",
    "is a 400/night hotel ok?", "who signs off on a 12k trip?")."""
    low = plain(text)
    return (
        is_question(text)
        and bool(tables().policy.search(low))
        and bool(tables().policy_subjects.search(low))
    ) or cabin_permission(text)


def cabin_permission(text: str) -> bool:
    """A question whether one could, may or is allowed to fly a cabin ("could I go
    business?", "could I have gone business on that?", "is she allowed to go business?"):
    the policy's cabin rules asked, whatever trip is told beside it."""
    return is_question(text) and bool(tables().cabin_permission.search(plain(text)))


def is_threshold_question(text: str) -> bool:
    """A question about the trip cost at which someone must approve ("at what trip cost
    does the VP sign off?", "what's the approval threshold for my manager?")."""
    low = plain(text)
    t = tables()
    return (
        is_question(text)
        and bool(t.threshold.search(low) and t.threshold_approval.search(low))
        and not t.threshold_queue.search(low)
    )


def outside_policy(text: str) -> str | None:
    """What a policy question asks about that the travel policy doesn't rule on ("can I
    expense a taxi?" → "taxi"), as written; None when it asks about flights or hotels."""
    low = plain(text)
    # The first line that matches: the things (taxis, meals) come before "expense".
    found = (m for pattern in tables().policy_outside if (m := pattern.search(low)))
    m = next(found, None)
    return m.group(0) if m else None


def besides_me(text: str) -> bool:
    """The question leaves the speaker out ("who has to sign it off apart from me?")."""
    return bool(tables().besides_me.search(plain(text)))


def approver_asked(text: str) -> bool:
    """The question asks who approves ("who has to approve it?", "whose sign-off do I
    need?"): the person is wanted, not only the rule."""
    return bool(tables().approver_asked.search(plain(text)))


def approver_roles(text: str) -> tuple[str, ...]:
    """The approval roles a message names ("the VP Finance", "my boss"), as role ids."""
    low = plain(text)
    return tuple(role for role, pattern in tables().roles if pattern.search(low))


_SENTENCES: Final = re.compile(r"(?<=[.!?])\s+")


def is_question(text: str) -> bool:
    """The message asks something: it, or one of its sentences, is a question ("Quick
    one before my trip. Could I take premium economy on that route? I have a bad back.")."""
    question = tables().question
    return any(question.search(plain(s)) for s in _SENTENCES.split(text or "") if s.strip())


def _digits(low: str) -> str:
    """Numbers in words as digits ("a seven hour flight" → "a 7 hour flight")."""
    try:
        return str(alpha2digit(low, "en"))
    except Exception:  # pragma: no cover - text2num is defensive already
        return low


_HOURS: Final = re.compile(
    r"(?<![\d.])(?P<h>\d{1,2}(?:\.\d+)?)\s*(?:-\s*)?(?:h(?=\d)|h\b|hrs?\b|hours?\b)(?:\s*(?P<m>\d{1,2})\b)?"
    r"|(?<![\d.])(?P<h2>\d{1,2}):(?P<m2>\d\d)\s*(?:h\b|hrs?\b|hours?\b)"
)


def flight_minutes(text: str) -> int | None:
    """A flight length said in the message ("a 7h flight", "4 hours", "six-hour")."""
    low = plain(text).replace("-hour", " hour").replace("half an hour", "0.5 hours")
    low = _digits(low)
    m = _HOURS.search(low)
    if not m:
        return None
    if m.group("h2"):
        return int(m.group("h2")) * 60 + int(m.group("m2"))
    minutes = round(float(m.group("h")) * 60)
    if m.group("m"):
        minutes += int(m.group("m"))
    return minutes


_AMOUNT: Final = re.compile(
    r"(?P<cur>[$£€])?\s?(?P<n>\d[\d,]*(?:\.\d+)?)(?![\d:])\s?(?P<mult>k\b|thousand\b|grand\b)?"
    r"\s?(?P<word>usd\b|dollars?\b|bucks\b|eur\b|euros?\b|gbp\b|pounds?\b|quid\b)?"
    r"(?P<night>\s*(?:a|per|/|each)\s*(?:night|nt)\b)?"
)


@dataclass(frozen=True)
class Amount:
    major: float  # in the currency's major units
    per_night: bool = False
    above: bool = False  # said as a bound passed ("more than $10k", "over 10 grand")


def amount(text: str) -> Amount | None:
    """An amount of money in the message ("a 6k trip", "$12,000", "400 a night")."""
    low = _digits(plain(text))
    for m in _AMOUNT.finditer(low):
        if not (m.group("cur") or m.group("mult") or m.group("word") or m.group("night")):
            continue
        if re.match(r"\s*(?:h\b|hrs?\b|hours?\b|days?\b|nights?\b(?! ?(?:a|per)))", low[m.end() :]):
            continue
        value = float(m.group("n").replace(",", ""))
        if m.group("mult"):
            value *= 1000
        above = bool(tables().above.search(low[: m.start()]))
        return Amount(value, per_night=bool(m.group("night")), above=above)
    return None
