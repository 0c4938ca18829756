"""Signed endpoints in tests: their secrets, the settings that set them, and signatures.

Each sender signs as the real one does: the airline feed over ``{ts}.{body}`` on our
clock (``NOW``), Stripe over ``{ts}.{body}`` and Slack over ``v0:{ts}:{body}`` on the
wall clock (their libraries check it). ``age`` makes a stale signature.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from fastapi import FastAPI

from api.app import create_app
from core.runtime import Runtime
from tests.conftest import NOW
from tests.fakes.scripted_concierge import ScriptedConcierge

FLIGHT_SECRET = "flight-test"
STRIPE_SECRET = "whsec_test"
SLACK_SECRET = "slack-test"

SIGNED_SETTINGS = {
    "flight_webhook_secret": FLIGHT_SECRET,
    "stripe_webhook_secret": STRIPE_SECRET,
    "slack_signing_secret": SLACK_SECRET,
    "slack_bot_token": "xoxb-test",
    "slack_api_base_url": "http://127.0.0.1:9",  # never reached: nothing valid gets that far
}


def signed_app(runtime: Runtime) -> FastAPI:
    """The app with every signed endpoint configured, on the scripted concierge."""
    runtime.settings = runtime.settings.model_copy(update=SIGNED_SETTINGS)
    return create_app(runtime=runtime, concierge=ScriptedConcierge(runtime))


def _mac(secret: str, signed: bytes) -> str:
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def flight_signed(body: bytes, *, age: int = 0) -> dict[str, str]:
    ts = int(NOW.timestamp()) - age
    mac = _mac(FLIGHT_SECRET, f"{ts}.".encode() + body)
    return {"X-Concierge-Timestamp": str(ts), "X-Concierge-Signature": f"sha256={mac}"}


def stripe_signed(body: bytes, *, age: int = 0) -> dict[str, str]:
    ts = int(time.time()) - age
    return {"Stripe-Signature": f"t={ts},v1={_mac(STRIPE_SECRET, f'{ts}.'.encode() + body)}"}


def slack_signed(body: bytes, *, age: int = 0) -> dict[str, str]:
    ts = int(time.time()) - age
    mac = _mac(SLACK_SECRET, f"v0:{ts}:".encode() + body)
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": f"v0={mac}"}
