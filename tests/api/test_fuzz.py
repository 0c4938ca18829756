"""Fuzz: hostile values in every place a client can put one; the answer is never a 5xx.

Hypothesis fills request templates — path ids, query parameters, JSON bodies, tool
inputs, chat messages and actions, signed webhooks (valid signatures around any
JSON, deep nesting included) and Slack's timestamp header — with values meant to
break things: NUL characters, unpaired surrogates, numbers past 32 and 64 bits,
dates at the ends of the calendar, offer ids that overflow, booleans and strings
where counts belong, deep nesting. It runs on SQLite and, with
``CONCIERGE_TEST_DATABASE_URL`` set, on PostgreSQL (which refuses NUL and bad
Unicode in text: that is where 500s came from).

The last line printed (``pytest -s``) is the count: cases run, statuses, 5xx seen.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from core.clock import FrozenClock
from core.config import Settings, normalize_database_url
from core.runtime import build_runtime
from tests.api.conftest import TOKENS, seed_world
from tests.api.signed import SIGNED_SETTINGS, flight_signed, stripe_signed
from tests.conftest import NOW, PG_URL, REDIS_URL, fresh_database
from tests.fakes.scripted_concierge import ScriptedConcierge

MAX_EXAMPLES = 400

# -- values ------------------------------------------------------------------------------

SPECIAL_TEXT = [
    "\x00", "a\x00b", "\ud800", "x\udfffy", "\ufeff", "\u202e", "𝔘𝔫𝔦", "",
    " ", "FL-2147483648", "FL-1-99999999999", "FL-0", "FL-1", "FL-1-1",
    "HT-HTLLON1-99991230-99991231", "HT-HTLLON1-20261218-20261220", "HT-X-00000000-00000001",
    "BK-AAAAAA", "AP-AAAAAAAA", "SG_AAAAAAAA", "TH-AAAAAAAA",
    "9999-12-31", "0001-01-01", "2026-02-30", "2026-12-18", "-1", "0", "1e309", "NaN",
    "' OR 1=1 --", "../../etc/passwd", "%00", "\\u0000", "a" * 600, "JFK", "London",
    "approve", "reject", "true", "null",
]
SPECIAL_INT = [0, -1, 1, 2, 9, 10, 2**31 - 1, 2**31, 2**63, -(2**63) - 1, 10**30]

texts = st.one_of(
    st.sampled_from(SPECIAL_TEXT),
    st.text(max_size=30),  # any code point, surrogates included
)
scalars = st.one_of(
    texts,
    st.sampled_from(SPECIAL_INT),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(texts, inner, max_size=4)
    ),
    max_leaves=12,
)


def _deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


raw_bodies = st.one_of(
    json_values.map(lambda v: json.dumps(v).encode()),
    st.integers(min_value=1, max_value=30_000).map(_deep),
    st.binary(max_size=40),
)

# -- the requests -------------------------------------------------------------------------


@dataclass
class Req:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    json_body: Any = None
    content: bytes | None = None
    params: dict[str, Any] | None = None


def _seg(value: Any) -> str:
    return quote(str(value), safe="", errors="surrogatepass")


def _templates(booking_id: str) -> list[tuple[str, list[str], dict[str, Any] | None, Any]]:
    """Valid requests (method, path segments, query, JSON body); one part gets broken."""
    flight = {"origin": "JFK", "destination": "LHR", "date": "2026-12-18"}
    stay = {"city": "London", "check_in": "2026-12-18", "check_out": "2026-12-20"}
    b = ["v1", "bookings", booking_id]
    return [
        ("GET", b, None, None),
        ("GET", [*b, "suggestions"], None, None),
        ("GET", ["v1", "bookings"], {"limit": 5, "status": "held", "cursor": "x"}, None),
        ("POST", ["v1", "bookings"], None,
         {"items": [{"offer_id": "FL-1", "quantity": 1}], "traveler_id": "ava"}),
        ("POST", ["v1", "bookings"], None,
         {"items": [{"offer_id": "HT-HTLLON1-20261218-20261220", "quantity": 1}]}),
        ("POST", [*b, "cancel"], None, {"reason": "plans changed"}),
        ("POST", [*b, "confirm"], None, None),
        ("POST", [*b, "rebook"], None, {"segment_id": "SG_AAAAAAAA", "offer_id": "FL-2"}),
        ("GET", ["v1", "approvals"], {"status": "pending", "limit": 5}, None),
        ("GET", ["v1", "approvals", "AP-AAAAAAAA"], None, None),
        ("POST", ["v1", "approvals", "AP-AAAAAAAA", "decision"], None,
         {"decision": "reject", "note": "no"}),
        ("GET", ["v1", "flights", "search"], {**flight, "passengers": 1, "cabin": "economy",
                                              "max_stops": 1, "limit": 5}, None),
        ("GET", ["v1", "hotels", "search"], {**stay, "rooms": 1}, None),
        ("GET", ["v1", "threads"], None, None),
        ("GET", ["v1", "threads", "TH-AAAAAAAA"], None, None),
        ("GET", ["v1", "analytics", "summary"], {"window": "30d"}, None),
        ("GET", ["v1", "finance", "exceptions"], {"status": "open"}, None),
        ("POST", ["v1", "chat"], None, {"message": "hello there"}),
        ("POST", ["v1", "chat"], None, {"thread_id": "TH-AAAAAAAA", "message": "yes"}),
        ("POST", ["v1", "chat"], None,
         {"action": {"type": "cancel_booking", "booking_id": booking_id}}),
        ("POST", ["v1", "chat"], None, {"action": {
            "type": "decide_approval", "approval_id": "AP-1", "decision": "reject", "note": "n"}}),
        ("POST", ["v1", "chat"], None, {"thread_id": "TH-1", "confirm": {
            "interrupt_id": "cf_1", "approved": True}}),
        ("POST", ["v1", "chat"], None, {"id": "TH-2", "messages": [
            {"role": "user", "parts": [{"type": "text", "text": "hi"}]}]}),
        ("POST", ["v1", "chat", "completions"], None, {
            "model": "concierge", "messages": [{"role": "user", "content": "hi"}]}),
        ("POST", ["v1", "tools", "search_flights"], None, {**flight, "passengers": 1}),
        ("POST", ["v1", "tools", "search_hotels"], None, {**stay, "rooms": 1}),
        ("POST", ["v1", "tools", "reserve"], None, {"items": [{"offer_id": "FL-1"}]}),
        ("POST", ["v1", "tools", "evaluate_policy"], None, {"offer_ids": ["FL-1"]}),
        ("POST", ["v1", "tools", "get_policy"], None, {"question": "can I fly business?"}),
        ("POST", ["v1", "tools", "get_booking"], None, {"booking_id": booking_id}),
        ("POST", ["v1", "tools", "list_trips"], None, {"limit": 3}),
        ("POST", ["v1", "tools", "cancel_booking"], None,
         {"booking_id": booking_id, "reason": "x"}),
        ("POST", ["v1", "tools", "decide_approval"], None,
         {"approval_id": "AP-1", "decision": "approve"}),
        ("GET", ["v1", "me", "profile"], None, None),
    ]


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value that can be replaced (containers too)."""
    out = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            out += _leaves(child, (*path, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            out += _leaves(child, (*path, i))
    return out


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy


@st.composite
def requests(draw: st.DrawFn, booking_id: str) -> Req:
    key = draw(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=20))
    idem = {"Idempotency-Key": key or "k"}
    kind = draw(st.integers(min_value=0, max_value=9))
    if kind == 7:
        raw = draw(raw_bodies)
        return Req("POST", "/v1/webhooks/flight-status",
                   {**flight_signed(raw), "Content-Type": "application/json"}, content=raw)
    if kind == 8:
        raw = draw(raw_bodies)
        return Req("POST", "/v1/webhooks/stripe",
                   {**stripe_signed(raw), "Content-Type": "application/json"}, content=raw)
    if kind == 9:
        stamp = draw(st.one_of(
            st.sampled_from(["abc", "", "1e9", "-", "9" * 30, str(int(time.time()))]),
            st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=12),
        ))
        return Req("POST", "/slack/events", {
            "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + "0" * 64,
            "Content-Type": "application/json"}, content=draw(raw_bodies))

    method, segments, params, body = draw(st.sampled_from(_templates(booking_id)))
    segments, params = list(segments), dict(params or {})
    headers = dict(idem) if method == "POST" else {}
    where = draw(st.sampled_from(["path", "query", "body", "raw", "none"]))
    if where == "path":
        segments[draw(st.integers(min_value=1, max_value=len(segments) - 1))] = str(draw(texts))
    elif where == "query" and params:
        params[draw(st.sampled_from(sorted(params)))] = draw(scalars)
    elif where == "body" and body is not None:
        body = _replace(body, draw(st.sampled_from(_leaves(body))), draw(json_values))
    elif where == "raw" and method == "POST":
        return Req(method, "/" + "/".join(_seg(p) for p in segments),
                   {**headers, "Content-Type": "application/json"}, content=draw(raw_bodies))
    return Req(method, "/" + "/".join(_seg(p) for p in segments), headers,
               json_body=body, params={k: _param(v) for k, v in params.items()} or None)


def _param(value: Any) -> str:
    return "" if value is None else json.dumps(value) if isinstance(value, bool) else str(value)


# -- the run ------------------------------------------------------------------------------


def test_hostile_values_never_get_a_5xx(tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    run = loop.run_until_complete
    database = run(fresh_database(tmp_path))
    app_settings = Settings(
        env="test",
        database_url=normalize_database_url(PG_URL) if PG_URL else f"sqlite+aiosqlite:///{tmp_path / 'test.db'}",
        redis_url=REDIS_URL,
        run_jobs_in_process=False,
        chat_rate_per_minute=0,
        bookings_rate_per_minute=0,
        **SIGNED_SETTINGS,
    )
    runtime = build_runtime(app_settings, clock=FrozenClock(NOW), db=database)
    agent = ScriptedConcierge(runtime)
    agent.gate.set()
    app = create_app(runtime=runtime, concierge=agent)
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://api.test",
    )
    statuses: Counter[int] = Counter()
    server_errors: list[str] = []
    try:
        run(seed_world(runtime))
        auth = {"Authorization": f"Bearer {TOKENS['ava']}"}
        held = run(client.post(
            "/v1/bookings", json={"items": [{"offer_id": "FL-1"}]},
            headers={**auth, "Idempotency-Key": "fuzz-hold"},
        ))
        assert held.status_code == 201, held.text
        booking_id = held.json()["booking_id"]

        @given(req=requests(booking_id))
        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def case(req: Req) -> None:
            headers = {**auth, **req.headers}
            content = req.content
            if content is None and req.json_body is not None:
                # Our own encoding (ASCII, escapes kept): httpx would refuse a lone surrogate.
                content = json.dumps(req.json_body).encode()
                headers["Content-Type"] = "application/json"
            try:
                response = run(client.request(
                    req.method, req.url, headers=headers, params=req.params, content=content
                ))
            except (httpx.InvalidURL, UnicodeEncodeError):
                statuses[0] += 1  # the client library refused to send it at all
                return
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                server_errors.append(
                    f"{req.method} {req.url} {req.params} {req.json_body!r:.300} "
                    f"{req.content!r:.100} -> {response.status_code} {response.text[:200]}"
                )

        case()
    finally:
        run(client.aclose())
        if app.state.turns is not None:
            run(app.state.turns.aclose())
        run(runtime.close())
        run(database.dispose())
        leftovers = asyncio.all_tasks(loop)  # e.g. sse-starlette's shutdown watcher
        for task in leftovers:
            task.cancel()
        run(asyncio.gather(*leftovers, return_exceptions=True))
        loop.close()
    total = sum(statuses.values())
    fives = sum(n for s, n in statuses.items() if s >= 500)
    print(f"\nfuzz: {total} cases, statuses {dict(sorted(statuses.items()))}, 5xx seen: {fives}")
    assert total >= MAX_EXAMPLES
    assert not server_errors, "\n".join(server_errors[:20])
