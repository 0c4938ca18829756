"""A stateful local fake of the Stripe API endpoints our gateway uses, over real HTTP.

It speaks what the official SDK speaks: form-encoded requests (``metadata[k]=v``,
``expand[0]=...``), JSON objects (``"object": "payment_intent"``), errors shaped
``{"error": {type, code, decline_code, message, ...}}`` with Stripe's HTTP statuses
(400 invalid request / idempotency, 401 auth, 402 card, 404 missing, 5xx), and the
``Idempotency-Key`` header (a replay returns the stored response with
``Idempotent-Replayed: true``; the same key with other parameters is a 400
``idempotency_error``). Test cards decline exactly as in LocalGateway, because both
read :mod:`core.payment.testcards`.

Endpoints: ``POST /v1/payment_intents``, ``GET /v1/payment_intents/{id}``,
``POST /v1/payment_intents/{id}/capture``, ``POST /v1/payment_intents/{id}/cancel``,
``POST /v1/refunds``, ``GET /v1/refunds/{id}``, ``GET /v1/payment_intents/search``
(``metadata['k']:'v'``, ``status:'v'``, ``currency:'v'`` joined by ``AND``).

Usage::

    fake = StripeFake().start()
    gateway = StripeGateway("sk_test_fake", api_base=fake.url)
    ...
    fake.intents["pi_..."]["status"]      # state inspection
    fake.requests[-1].path                 # every request received
    fake.events                            # Stripe-like events, for webhook tests
    fake.fail_next(2, status=500)          # fault injection
    fake.stop()

Requests are handled one at a time under a lock, so an "in flight" idempotent
request (Stripe's 409) cannot happen here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from core.payment.testcards import CardOutcome, CardOutcomeKind, is_card_number, outcome_for

API_VERSION = "2026-10-28.endive"


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict[str, Any]
    headers: dict[str, str]
    status: int = 0
    replayed: bool = False

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("idempotency-key")


@dataclass
class _Stored:
    """What an idempotency key remembers: the request it was used for and the answer."""

    method: str
    path: str
    fingerprint: str
    status: int
    body: dict[str, Any]


class StripeApiError(Exception):
    """Raised inside a handler; becomes Stripe's error body and status."""

    def __init__(
        self,
        status: int,
        type_: str,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
        payment_intent: dict[str, Any] | None = None,
        stored: bool = True,
    ) -> None:
        super().__init__(message)
        self.status = status
        # Stripe keeps no idempotent result when a request fails validation before
        # the endpoint runs; it does keep results of requests that ran (declines).
        self.stored = stored
        error: dict[str, Any] = {"type": type_, "message": message}
        if code:
            error["code"] = code
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
        if param:
            error["param"] = param
        if decline_code:
            error["decline_code"] = decline_code
        if payment_intent is not None:
            error["payment_intent"] = payment_intent
        self.body = {"error": error}


def _invalid(message: str, *, code: str | None = None, param: str | None = None,
             status: int = 400, stored: bool = True) -> StripeApiError:
    return StripeApiError(status, "invalid_request_error", message, code=code, param=param,
                          stored=stored)


def decode_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's bracket encoding back into nested dicts and lists.

    ``metadata[a]=1&expand[0]=x`` -> ``{"metadata": {"a": "1"}, "expand": ["x"]}``.
    """
    root: dict[str, Any] = {}
    for raw_key, value in pairs:
        parts = re.findall(r"[^\[\]]+|\[\]", raw_key)
        parts = [p if p != "[]" else "" for p in parts]
        node: dict[str, Any] = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        last = parts[-1] if parts else raw_key
        if last == "":
            # "expand[]=x" form: append under a synthetic increasing index.
            last = str(len(node))
        node[last] = value
    decoded: dict[str, Any] = _listify(root)
    return decoded


def _listify(value: Any) -> Any:
    if isinstance(value, dict):
        converted = {k: _listify(v) for k, v in value.items()}
        if converted and all(k.isdigit() for k in converted):
            return [converted[k] for k in sorted(converted, key=int)]
        return converted
    return value


def _as_bool(value: Any) -> bool:
    return str(value).lower() in {"true", "1", "yes"}


def _as_int(params: dict[str, Any], name: str, *, required: bool = False) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise _invalid(f"Missing required param: {name}.", code="parameter_missing",
                           param=name, stored=False)
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _invalid(f"Invalid integer: {value}", code="parameter_invalid_integer",
                       param=name, stored=False) from None


def _api_key(headers: dict[str, str]) -> str:
    """Stripe takes the key as a bearer token or as the Basic-auth user (``curl -u sk_...:``)."""
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return credentials.strip()
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(credentials).decode().partition(":")[0]
        except (ValueError, UnicodeDecodeError):
            return ""
    return ""


def _money(amount: int, currency: str) -> str:
    return f"${amount / 100:.2f}" if currency == "usd" else f"{amount / 100:.2f} {currency}"


class StripeFake:
    """The fake's state and HTTP server. Reusable by tests, webhook tests and dev mode."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0,
                 now: Callable[[], float] = time.time, api_key_prefix: str = "sk_test_") -> None:
        self.host = host
        self.port = port
        self._now = now
        self._api_key_prefix = api_key_prefix
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._seq = itertools.count(1)
        self.reset()

    # -- lifecycle -------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("StripeFake is not running; call start() first")
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> StripeFake:
        if self._server is not None:
            return self
        fake = self

        class Handler(_Handler):
            owner = fake

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        # A short poll interval keeps stop() (and so every test's teardown) fast.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
            name="stripe-fake", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> StripeFake:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        with self._lock:
            self.intents: dict[str, dict[str, Any]] = {}
            self.charges: dict[str, dict[str, Any]] = {}
            self.refunds: dict[str, dict[str, Any]] = {}
            self.events: list[dict[str, Any]] = []
            self.requests: list[RecordedRequest] = []
            self.idempotency: dict[str, _Stored] = {}
            self._faults: list[int] = []

    # -- fault injection -------------------------------------------------------------

    def fail_next(self, count: int = 1, *, status: int = 500) -> None:
        """Answer the next ``count`` requests with ``status`` (api_error), doing nothing.

        Like a Stripe outage before the request ran: no state and no idempotent result.
        """
        with self._lock:
            self._faults.extend([status] * count)

    # -- inspection helpers ----------------------------------------------------------

    def requests_to(self, method: str, path_prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests
                if r.method == method and r.path.startswith(path_prefix)]

    def intent_by_key(self, idempotency_key: str) -> dict[str, Any] | None:
        """The intent our gateway created with this key (found via its metadata)."""
        matches = [pi for pi in self.intents.values()
                   if pi["metadata"].get("idempotency_key") == idempotency_key]
        return matches[-1] if matches else None

    # -- request handling (called by the HTTP handler, one at a time) ---------------------

    def handle(self, method: str, target: str, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, Any], dict[str, str]]:
        split = urlsplit(target)
        path = split.path.rstrip("/")
        form = body.decode() if method == "POST" else split.query
        params = decode_form(parse_qsl(form, keep_blank_values=True))
        record = RecordedRequest(method, path, params, headers)
        with self._lock:
            self.requests.append(record)
            status, payload, extra = self._dispatch(method, path, params, headers)
            record.status = status
            record.replayed = extra.get("Idempotent-Replayed") == "true"
        return status, payload, extra

    def _dispatch(self, method: str, path: str, params: dict[str, Any],
                  headers: dict[str, str]) -> tuple[int, dict[str, Any], dict[str, str]]:
        if not _api_key(headers).startswith(self._api_key_prefix):
            err = StripeApiError(401, "invalid_request_error", "Invalid API Key provided.")
            return err.status, err.body, {}
        if self._faults:
            status = self._faults.pop(0)
            err = StripeApiError(status, "api_error", "An unknown error occurred (injected).")
            return status, err.body, {"Stripe-Should-Retry": "true"}

        key = headers.get("idempotency-key") if method == "POST" else None
        fingerprint = json.dumps(params, sort_keys=True)
        if key is not None and key in self.idempotency:
            stored = self.idempotency[key]
            if (stored.method, stored.path, stored.fingerprint) != (method, path, fingerprint):
                err = StripeApiError(
                    400, "idempotency_error",
                    "Keys for idempotent requests can only be used with the same parameters "
                    f"they were first used with. Try using a key other than '{key}' if you "
                    "meant to execute a different request.",
                )
                return err.status, err.body, {}
            return stored.status, stored.body, {"Idempotent-Replayed": "true"}

        try:
            status, payload = 200, self._route(method, path, params)
            store = True
        except StripeApiError as err:
            status, payload, store = err.status, err.body, err.stored
        if key is not None and store:
            self.idempotency[key] = _Stored(method, path, fingerprint, status, payload)
        return status, payload, {}

    def _route(self, method: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "POST" and path == "/v1/payment_intents":
            return self._create_intent(params)
        if method == "GET" and path == "/v1/payment_intents/search":
            return self._search_intents(params)
        if m := re.fullmatch(r"/v1/payment_intents/([^/]+)", path):
            if method == "GET":
                return self._view(self._intent(m[1]), params)
        if m := re.fullmatch(r"/v1/payment_intents/([^/]+)/(capture|cancel)", path):
            if method == "POST":
                op = self._capture if m[2] == "capture" else self._cancel
                return op(self._intent(m[1]), params)
        if method == "POST" and path == "/v1/refunds":
            return self._create_refund(params)
        if m := re.fullmatch(r"/v1/refunds/([^/]+)", path):
            if method == "GET":
                if m[1] not in self.refunds:
                    raise _invalid(f"No such refund: '{m[1]}'", code="resource_missing",
                                   param="id", status=404)
                return dict(self.refunds[m[1]])
        raise _invalid(f"Unrecognized request URL ({method}: {path}).", status=404, stored=False)

    # -- objects ---------------------------------------------------------------------

    def _id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self._seq):06d}{secrets.token_hex(6)}"

    def _created(self) -> int:
        return int(self._now())

    def _intent(self, intent_id: str) -> dict[str, Any]:
        intent = self.intents.get(intent_id)
        if intent is None:
            raise _invalid(f"No such payment_intent: '{intent_id}'", code="resource_missing",
                           param="intent", status=404)
        return intent

    def _view(self, intent: dict[str, Any], params: dict[str, Any],
              expand_prefix: str = "") -> dict[str, Any]:
        """The intent as the API shows it, honouring ``expand`` for latest_charge."""
        view: dict[str, Any] = json.loads(json.dumps(intent))
        expand = params.get("expand") or []
        if f"{expand_prefix}latest_charge" in expand and view.get("latest_charge"):
            view["latest_charge"] = dict(self.charges[view["latest_charge"]])
        return view

    def _event(self, type_: str, obj: dict[str, Any]) -> None:
        self.events.append({
            "id": self._id("evt"), "object": "event", "api_version": API_VERSION,
            "created": self._created(), "livemode": False, "type": type_,
            "data": {"object": json.loads(json.dumps(obj))},
            "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None},
        })

    def _create_intent(self, params: dict[str, Any]) -> dict[str, Any]:
        amount = _as_int(params, "amount", required=True)
        assert amount is not None
        currency = str(params.get("currency") or "").lower()
        if not currency:
            raise _invalid("Missing required param: currency.", code="parameter_missing",
                           param="currency", stored=False)
        if amount < 1:
            raise _invalid("Amount must be at least 1.", code="amount_too_small",
                           param="amount", stored=False)
        payment_method = params.get("payment_method")
        if payment_method and is_card_number(payment_method):
            raise _invalid(f"No such PaymentMethod: '{payment_method}'",
                           code="resource_missing", param="payment_method", stored=False)
        capture_method = params.get("capture_method") or "automatic_async"
        metadata = params.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise _invalid("Invalid object", param="metadata", stored=False)
        intent: dict[str, Any] = {
            "id": self._id("pi"), "object": "payment_intent", "amount": amount,
            "amount_capturable": 0, "amount_received": 0, "currency": currency,
            "capture_method": capture_method, "confirmation_method": "automatic",
            "created": self._created(), "livemode": False, "metadata": dict(metadata),
            "payment_method": payment_method, "payment_method_types": ["card"],
            "status": "requires_payment_method" if not payment_method else "requires_confirmation",
            "last_payment_error": None, "latest_charge": None,
            "canceled_at": None, "cancellation_reason": None,
            "description": params.get("description"),
        }
        intent["client_secret"] = f"{intent['id']}_secret_{secrets.token_hex(8)}"
        self.intents[intent["id"]] = intent
        self._event("payment_intent.created", intent)
        if _as_bool(params.get("confirm")) and payment_method:
            self._confirm(intent, outcome_for(payment_method))
        return self._view(intent, params)

    def _confirm(self, intent: dict[str, Any], outcome: CardOutcome) -> None:
        charge = {
            "id": self._id("ch"), "object": "charge", "amount": intent["amount"],
            "amount_captured": 0, "amount_refunded": 0, "captured": False,
            "refunded": False, "currency": intent["currency"], "paid": False,
            "payment_intent": intent["id"], "payment_method": intent["payment_method"],
            "status": "failed", "created": self._created(), "livemode": False,
            "failure_code": None, "metadata": {},
        }
        self.charges[charge["id"]] = charge
        intent["latest_charge"] = charge["id"]
        if outcome.kind is CardOutcomeKind.SUCCEEDED:
            charge.update(status="succeeded", paid=True)
            if intent["capture_method"] == "manual":
                intent.update(status="requires_capture", amount_capturable=intent["amount"])
                self._event("payment_intent.amount_capturable_updated", intent)
            else:
                charge.update(captured=True, amount_captured=intent["amount"])
                intent.update(status="succeeded", amount_received=intent["amount"])
                self._event("payment_intent.succeeded", intent)
            return
        charge["failure_code"] = outcome.error_code
        error = {
            "type": "card_error", "code": outcome.error_code,
            "decline_code": outcome.decline_code, "message": outcome.message,
            "charge": charge["id"],
            "payment_method": {"id": intent["payment_method"], "object": "payment_method"},
        }
        intent.update(status="requires_payment_method", last_payment_error=error)
        self._event("payment_intent.payment_failed", intent)
        raise StripeApiError(
            402, "card_error", outcome.message or "Your card was declined.",
            code=outcome.error_code, decline_code=outcome.decline_code,
            payment_intent=self._view(intent, {}),
        )

    def _capture(self, intent: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        if intent["status"] != "requires_capture":
            raise _invalid(
                f"This PaymentIntent could not be captured because it has a status of "
                f"{intent['status']}. Only a PaymentIntent with one of the following statuses "
                "may be captured: requires_capture.",
                code="payment_intent_unexpected_state",
            )
        amount = _as_int(params, "amount_to_capture")
        capturable = intent["amount_capturable"]
        if amount is None:
            amount = capturable
        if amount > capturable:
            raise _invalid(
                f"The amount to capture ({_money(amount, intent['currency'])}) cannot be "
                f"greater than the capturable amount ({_money(capturable, intent['currency'])}).",
                code="amount_too_large", param="amount_to_capture",
            )
        if amount < 1:
            raise _invalid("Amount must be at least 1.", code="amount_too_small",
                           param="amount_to_capture")
        intent.update(status="succeeded", amount_received=amount, amount_capturable=0)
        charge = self.charges[intent["latest_charge"]]
        # Capturing less than authorized releases the rest, and Stripe books that
        # release as a refund of the remainder on the charge.
        charge.update(captured=True, amount_captured=amount,
                      amount_refunded=charge["amount"] - amount)
        self._event("payment_intent.succeeded", intent)
        self._event("charge.captured", charge)
        return self._view(intent, params)

    def _cancel(self, intent: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        cancelable = {"requires_payment_method", "requires_capture", "requires_confirmation",
                      "requires_action", "processing"}
        if intent["status"] not in cancelable:
            raise _invalid(
                "You cannot cancel this PaymentIntent because it has a status of "
                f"{intent['status']}. Only a PaymentIntent with one of the following statuses "
                f"may be canceled: {', '.join(sorted(cancelable))}.",
                code="payment_intent_unexpected_state",
            )
        intent.update(status="canceled", amount_capturable=0, canceled_at=self._created(),
                      cancellation_reason=params.get("cancellation_reason"))
        self._event("payment_intent.canceled", intent)
        return self._view(intent, params)

    def _create_refund(self, params: dict[str, Any]) -> dict[str, Any]:
        intent_id = params.get("payment_intent")
        if not intent_id:
            raise _invalid("One of the following params should be provided for this request: "
                           "payment_intent or charge.", code="parameter_missing",
                           param="payment_intent", stored=False)
        intent = self._intent(intent_id)
        if intent["status"] != "succeeded":
            raise _invalid(
                f"This PaymentIntent ({intent_id}) does not have a successful charge to refund.",
                code="payment_intent_unexpected_state",
            )
        charge = self.charges[intent["latest_charge"]]
        # amount_refunded already counts a partial capture's released remainder.
        remaining = charge["amount"] - charge["amount_refunded"]
        amount = _as_int(params, "amount")
        if amount is None:
            amount = remaining
        if remaining <= 0:
            raise _invalid(f"Charge {charge['id']} has already been refunded.",
                           code="charge_already_refunded")
        if amount > remaining:
            raise _invalid(
                f"Refund amount ({_money(amount, charge['currency'])}) is greater than unrefunded "
                f"amount on charge ({_money(remaining, charge['currency'])})",
                code="amount_too_large", param="amount",
            )
        if amount < 1:
            raise _invalid("Amount must be at least 1.", code="amount_too_small", param="amount")
        refund = {
            "id": self._id("re"), "object": "refund", "amount": amount,
            "charge": charge["id"], "payment_intent": intent_id,
            "currency": charge["currency"], "status": "succeeded",
            "reason": params.get("reason"), "metadata": dict(params.get("metadata") or {}),
            "created": self._created(),
        }
        self.refunds[refund["id"]] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        self._event("charge.refunded", charge)
        self._event("refund.created", refund)
        return dict(refund)

    _CLAUSE = re.compile(
        r"\s*(?:metadata\[(?P<q>['\"])(?P<mkey>.+?)(?P=q)\]|(?P<field>status|currency))"
        r"\s*:\s*'(?P<value>(?:[^'\\]|\\.)*)'\s*"
    )

    def _search_intents(self, params: dict[str, Any]) -> dict[str, Any]:
        query = str(params.get("query") or "")
        if not query.strip():
            raise _invalid("Missing required param: query.", code="parameter_missing",
                           param="query", stored=False)
        tests: list[Callable[[dict[str, Any]], bool]] = []
        for clause in re.split(r"\s+AND\s+", query.strip(), flags=re.IGNORECASE):
            m = self._CLAUSE.fullmatch(clause)
            if m is None:
                raise _invalid(f"The search query is not supported by the fake: {clause!r}",
                               param="query", stored=False)
            value = re.sub(r"\\(.)", r"\1", m["value"])
            tests.append(_clause_test(m["mkey"], m["field"], value))
        limit = _as_int(params, "limit") or 10
        hits = [pi for pi in self.intents.values() if all(t(pi) for t in tests)]
        hits.reverse()  # newest first, as Stripe lists
        data = [self._view(pi, params, expand_prefix="data.") for pi in hits[:limit]]
        return {"object": "search_result", "url": "/v1/payment_intents/search",
                "has_more": len(hits) > limit, "next_page": None, "data": data}


def _clause_test(metadata_key: str | None, field: str | None,
                 value: str) -> Callable[[dict[str, Any]], bool]:
    if metadata_key is not None:
        return lambda pi: pi["metadata"].get(metadata_key) == value
    return lambda pi: str(pi.get(field or "")) == value


class _Handler(BaseHTTPRequestHandler):
    owner: StripeFake
    protocol_version = "HTTP/1.1"
    server_version = "stripe-fake/1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            status, payload, extra = self.owner.handle(self.command, self.path, headers, body)
        except Exception as exc:  # a bug in the fake must surface as a 500, not a hang
            status, payload, extra = 500, {"error": {"type": "api_error",
                                                     "message": f"fake crashed: {exc!r}"}}, {}
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", f"req_fake{secrets.token_hex(6)}")
        self.send_header("Stripe-Version", API_VERSION)
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = _serve
    do_POST = _serve
    do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        return


def sign_webhook(payload: str, secret: str, *, timestamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header value for ``payload``, as Stripe signs webhooks."""
    ts = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{ts}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={ts},v1={digest}"


@pytest.fixture
def stripe_fake() -> Iterator[StripeFake]:
    """A fresh fake Stripe on a free local port, stopped after the test."""
    fake = StripeFake().start()
    try:
        yield fake
    finally:
        fake.stop()


def main() -> None:
    """``python -m tests.fakes.stripe_fake --port 12111``: serve the fake until Ctrl-C.

    Then run the app with ``CONCIERGE_STRIPE_API_KEY=sk_test_dev`` and
    ``CONCIERGE_STRIPE_API_BASE=http://127.0.0.1:12111``.
    """
    import argparse

    parser = argparse.ArgumentParser(description="A local fake of the Stripe API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    args = parser.parse_args()
    fake = StripeFake(host=args.host, port=args.port).start()
    print(f"Stripe fake listening on {fake.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
