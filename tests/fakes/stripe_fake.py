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

Issuing: ``POST /v1/issuing/cardholders``, ``GET /v1/issuing/cardholders/{id}``,
``POST /v1/issuing/cards``, ``GET``/``POST /v1/issuing/cards/{id}`` (a canceled card
refuses every change), ``GET /v1/issuing/authorizations?card=``,
``GET /v1/issuing/authorizations/{id}`` and the test helper
``POST /v1/test_helpers/issuing/authorizations``, which approves or declines as Stripe
does: the card active, the merchant category allowed, the approved amounts plus this
one within every ``all_time`` spending limit (declined: ``approved`` false, ``amount``
0, the reason in ``request_history``). A card has a full test number and CVC, which
the API shows only when asked (``expand[]=number`` / ``cvc``), as Stripe does;
``fake.cards[id]["number"]`` lets a test look for it where it must never be.

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
            self.cardholders: dict[str, dict[str, Any]] = {}
            self.cards: dict[str, dict[str, Any]] = {}
            self.authorizations: dict[str, dict[str, Any]] = {}
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
        if path.startswith(("/v1/issuing/", "/v1/test_helpers/issuing/")):
            return self._route_issuing(method, path, params)
        raise _invalid(f"Unrecognized request URL ({method}: {path}).", status=404, stored=False)

    def _route_issuing(self, method: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "POST" and path == "/v1/issuing/cardholders":
            return self._create_cardholder(params)
        if method == "POST" and path == "/v1/issuing/cards":
            return self._create_card(params)
        if method == "POST" and path == "/v1/test_helpers/issuing/authorizations":
            return self._create_authorization(params)
        if method == "GET" and path == "/v1/issuing/authorizations":
            return self._list_authorizations(params)
        if m := re.fullmatch(r"/v1/issuing/(cardholders|cards|authorizations)/([^/]+)", path):
            kind, obj_id = m[1], m[2]
            store = {"cardholders": self.cardholders, "cards": self.cards,
                     "authorizations": self.authorizations}[kind]
            if obj_id not in store:
                raise _invalid(f"No such issuing.{kind[:-1]}: '{obj_id}'",
                               code="resource_missing", param="id", status=404)
            if method == "GET":
                return self._issuing_view(kind, store[obj_id], params)
            if method == "POST" and kind == "cards":
                return self._update_card(store[obj_id], params)
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

    # -- issuing ----------------------------------------------------------------------

    def _create_cardholder(self, params: dict[str, Any]) -> dict[str, Any]:
        name = str(params.get("name") or "").strip()
        if not name:
            raise _invalid("Missing required param: name.", code="parameter_missing",
                           param="name", stored=False)
        address = ((params.get("billing") or {}).get("address") or {})
        for part in ("line1", "city", "postal_code", "country"):
            if not address.get(part):
                raise _invalid(f"Missing required param: billing[address][{part}].",
                               code="parameter_missing", param=f"billing[address][{part}]",
                               stored=False)
        holder = {
            "id": self._id("ich"), "object": "issuing.cardholder", "name": name,
            "type": params.get("type") or "individual", "status": "active",
            "billing": {"address": dict(address)}, "email": params.get("email"),
            "metadata": dict(params.get("metadata") or {}), "created": self._created(),
            "livemode": False,
        }
        self.cardholders[holder["id"]] = holder
        self._event("issuing_cardholder.created", holder)
        return dict(holder)

    def _create_card(self, params: dict[str, Any]) -> dict[str, Any]:
        holder_id = params.get("cardholder")
        if holder_id not in self.cardholders:
            raise _invalid(f"No such cardholder: '{holder_id}'", code="resource_missing",
                           param="cardholder", stored=False)
        currency = str(params.get("currency") or "").lower()
        if not currency:
            raise _invalid("Missing required param: currency.", code="parameter_missing",
                           param="currency", stored=False)
        if params.get("type") not in ("virtual", "physical"):
            raise _invalid("Invalid type: must be one of physical or virtual", param="type",
                           stored=False)
        controls = params.get("spending_controls") or {}
        limits = []
        for limit in controls.get("spending_limits") or []:
            amount = _as_int(limit, "amount", required=True)
            if limit.get("interval") not in ("per_authorization", "daily", "weekly", "monthly",
                                             "yearly", "all_time"):
                raise _invalid("Invalid interval", param="spending_controls[spending_limits]",
                               stored=False)
            limits.append({"amount": amount, "interval": limit["interval"],
                           "categories": limit.get("categories")})
        number = _test_card_number(next(self._seq))
        card = {
            "id": self._id("ic"), "object": "issuing.card", "brand": "Visa",
            "cardholder": dict(self.cardholders[holder_id]), "currency": currency,
            "type": params["type"], "status": params.get("status") or "inactive",
            "last4": number[-4:], "number": number, "cvc": f"{secrets.randbelow(1000):03d}",
            "exp_month": 12, "exp_year": 2030, "cancellation_reason": None,
            "spending_controls": {
                "allowed_categories": list(controls.get("allowed_categories") or []) or None,
                "blocked_categories": list(controls.get("blocked_categories") or []) or None,
                "spending_limits": limits, "spending_limits_currency": currency,
            },
            "metadata": dict(params.get("metadata") or {}), "created": self._created(),
            "livemode": False,
        }
        self.cards[card["id"]] = card
        self._event("issuing_card.created", self._card_view(card, {}))
        return self._card_view(card, params)

    def _card_view(self, card: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        """A card as the API shows it: its number and CVC only when expanded."""
        view: dict[str, Any] = json.loads(json.dumps(card))
        expand = params.get("expand") or []
        for secret in ("number", "cvc"):
            if secret not in expand:
                view.pop(secret, None)
        return view

    def _update_card(self, card: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        if card["status"] == "canceled":
            raise _invalid("This card has been canceled and can no longer be updated.",
                           param="status")
        status = params.get("status")
        if status is not None:
            if status not in ("active", "inactive", "canceled"):
                raise _invalid(f"Invalid status: {status}", param="status", stored=False)
            card["status"] = status
            if status == "canceled":
                card["cancellation_reason"] = params.get("cancellation_reason")
        if "metadata" in params:
            card["metadata"].update(params.get("metadata") or {})
        self._event("issuing_card.updated", self._card_view(card, {}))
        return self._card_view(card, params)

    def _create_authorization(self, params: dict[str, Any]) -> dict[str, Any]:
        card_id = params.get("card")
        if card_id not in self.cards:
            raise _invalid(f"No such card: '{card_id}'", code="resource_missing",
                           param="card", stored=False)
        card = self.cards[card_id]
        amount = _as_int(params, "amount", required=True)
        assert amount is not None
        currency = str(params.get("currency") or card["currency"]).lower()
        merchant = params.get("merchant_data") or {}
        category = merchant.get("category") or "miscellaneous"
        reason = self._issuing_decline(card, amount, category)
        approved = reason is None
        auth = {
            "id": self._id("iauth"), "object": "issuing.authorization",
            "amount": amount if approved else 0, "approved": approved,
            "authorization_method": params.get("authorization_method") or "online",
            "card": self._card_view(card, {}), "cardholder": card["cardholder"]["id"],
            "currency": currency, "merchant_amount": amount, "merchant_currency": currency,
            "merchant_data": {"category": category, "name": merchant.get("name"),
                              "network_id": "1234567890"},
            "metadata": {}, "pending_request": None,
            "request_history": [{
                "amount": amount, "approved": approved, "currency": currency,
                "merchant_amount": amount, "merchant_currency": currency,
                "reason": "card_active" if approved else reason, "created": self._created(),
            }],
            "status": "pending" if approved else "closed", "created": self._created(),
            "livemode": False,
        }
        self.authorizations[auth["id"]] = auth
        self._event("issuing_authorization.created", auth)
        return dict(auth)

    def _issuing_decline(self, card: dict[str, Any], amount: int, category: str) -> str | None:
        if card["status"] == "canceled":
            return "card_canceled"
        if card["status"] != "active":
            return "card_inactive"
        controls = card["spending_controls"]
        allowed = controls.get("allowed_categories")
        if allowed and category not in allowed:
            return "spending_controls"
        spent = sum(a["amount"] for a in self.authorizations.values()
                    if a["card"]["id"] == card["id"] and a["approved"]
                    and a["status"] != "reversed")
        for limit in controls["spending_limits"]:
            if limit["interval"] in ("all_time", "per_authorization"):
                used = 0 if limit["interval"] == "per_authorization" else spent
                if used + amount > limit["amount"]:
                    return "spending_controls"
        return None

    def _list_authorizations(self, params: dict[str, Any]) -> dict[str, Any]:
        card_id = params.get("card")
        limit = _as_int(params, "limit") or 10
        hits = [a for a in self.authorizations.values()
                if card_id is None or a["card"]["id"] == card_id]
        hits.reverse()  # newest first, as Stripe lists
        return {"object": "list", "url": "/v1/issuing/authorizations",
                "has_more": len(hits) > limit, "data": [dict(a) for a in hits[:limit]]}

    def _issuing_view(self, kind: str, obj: dict[str, Any],
                      params: dict[str, Any]) -> dict[str, Any]:
        if kind == "cards":
            return self._card_view(obj, params)
        return json.loads(json.dumps(obj))

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


def _test_card_number(seq: int) -> str:
    """A Luhn-valid 16-digit Visa test number, distinct per card."""
    body = f"400000{seq:09d}"
    total = 0
    for i, ch in enumerate(reversed(body)):
        digit = int(ch)
        if i % 2 == 0:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return body + str((10 - total % 10) % 10)


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
