"""Settings from ``CONCIERGE_*`` environment variables (pydantic-settings)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("var") / "concierge.db"
DEFAULT_PII_KEY_FILE = Path("var") / "pii.key"


def normalize_database_url(url: str) -> str:
    """Accept the usual spellings and pick the async drivers we ship with."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite:///") or url == "sqlite://":
        url = "sqlite+aiosqlite://" + url[len("sqlite://") :]
    return url


class CardholderAddress(BaseModel):
    """The billing address Stripe Issuing requires of a cardholder (an organization)."""

    line1: str = "1 Market Street"
    city: str = "San Francisco"
    state: str | None = "CA"
    postal_code: str = "94105"
    country: str = "US"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONCIERGE_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default=f"sqlite+aiosqlite:///{DEFAULT_SQLITE_PATH}")
    # Ping each pooled PostgreSQL connection before use (a round trip per transaction);
    # off: keepalives, recycling and pool invalidation cover dead connections (core.db).
    database_pre_ping: bool = False
    # PostgreSQL connections a process keeps (core.db.POOL_SIZE: none open beyond them).
    database_pool_size: int = 20
    # A serving API process opens its connections (the database pool, the checkpointer's,
    # Redis) and the agent in its lifespan, before its first request: a first burst then
    # opens none of them (issue 15). Off: opened on first use.
    warm_at_startup: bool = True
    redis_url: str | None = None
    # An API process remembers who a bearer token is this long (api.auth.CallerCache): a
    # token revoked (its user's token_hash cleared or replaced), a user removed or a role
    # changed is honoured by every process within this many seconds. 0: read every time.
    auth_cache_seconds: float = 10.0
    # While a configured Redis is down (core.redis_health), try it again at most this often.
    redis_retry_seconds: float = 5.0
    model: str = "local"
    openai_base_url: str | None = None
    openai_api_key: str | None = None
    stripe_api_key: str | None = None
    stripe_api_base: str | None = None
    stripe_webhook_secret: str | None = None
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    # Slack Web API base (tests point it at a local fake); unset = https://slack.com/api/.
    slack_api_base_url: str | None = None
    flight_webhook_secret: str = "dev-flight-webhook-secret"
    # Signed barcode links for viewers without a token (Slack's image blocks,
    # core.checkin.links); unset: no such link is made or opened.
    signed_url_secret: SecretStr | None = None
    # The API's address as Slack and e-mail readers reach it (links in cards): e.g.
    # https://concierge.example.com; unset: cards carry no links to this API.
    public_base_url: str | None = None
    hold_ttl_seconds: int = 900
    # The common hold (one direct flight, for the caller) in one statement on PostgreSQL
    # (core.booking.one_statement); off: every hold row by row, as on SQLite.
    hold_one_statement: bool = True
    # Caps on holds (core.booking.quota), 0 = no cap. Places are seats or rooms (an item's
    # quantity); "open" counts bookings. Holds awaiting approval are counted on their own.
    hold_max_places_per_item: int = 9
    hold_max_places_per_user: int = 20
    hold_max_places_per_org: int = 200
    hold_max_open_per_user: int = 10
    hold_max_open_per_org: int = 100
    approval_max_places_per_user: int = 20
    approval_max_places_per_org: int = 200
    approval_max_open_per_user: int = 10
    approval_max_open_per_org: int = 100
    approval_hold_deadline_seconds: int = 48 * 3600
    # How long each approver has before their step is escalated to their manager.
    approval_step_sla_seconds: int = 24 * 3600
    # A disrupted flight's window (core.disruption.alternatives): alternatives are suggested,
    # and rebooked without the change fee, from this long before its scheduled departure to
    # this long after it, between the same airports or metro areas.
    disruption_window_before_hours: int = Field(default=6, ge=0, le=72)
    disruption_window_after_hours: int = Field(default=30, ge=0, le=7 * 24)
    # Online check-in (core.checkin): opens this long before departure, closes this long before.
    checkin_opens_hours_before: int = Field(default=24, ge=1, le=7 * 24)
    checkin_closes_minutes_before: int = Field(default=60, ge=0, le=24 * 60)
    idempotency_ttl_seconds: int = 24 * 3600
    idempotency_in_flight_seconds: int = 120
    search_cache_ttl_seconds: int = 30
    lock_lease_ms: int = 5000
    lock_wait_ms: int = 3000
    company_card: str = "4242424242424242"
    # Virtual cards (core.booking.cards): on, confirming a booking issues it a single-use
    # Stripe Issuing card (limit = the booking's total, travel merchants only) that its
    # suppliers charge; off (the default), the company card is charged and suppliers
    # invoice us. The cardholder's billing address as JSON, e.g.
    # CONCIERGE_VIRTUAL_CARD_BILLING='{"line1": "…", "city": "…", "postal_code": "…", "country": "US"}'.
    virtual_cards: bool = False
    virtual_card_billing: CardholderAddress = Field(default_factory=CardholderAddress)
    # Simulated supplier fault injection: "none", "5xx", "4xx", "timeout" plus a rate.
    supplier_fault: Literal["none", "5xx", "4xx", "timeout"] = "none"
    supplier_fault_rate: float = 0.0
    supplier_latency_ms: int = 0
    supplier_timeout_seconds: float = 5.0
    supplier_max_attempts: int = 3
    catalogue_days_ahead: int = 90
    # Notifications: email over SMTP when set (smtp://user:pass@host:port, smtp+starttls://,
    # smtps://); the log notifier always runs.
    smtp_url: str | None = None
    smtp_from: str = "Travel concierge <concierge@localhost>"
    smtp_timeout_seconds: float = 10.0
    # Spend analytics answers are cached this long (Redis only).
    analytics_cache_ttl_seconds: int = 60
    # Per-user token buckets (api/ratelimit.py): sustained rate per minute and burst; 0 = off.
    chat_rate_per_minute: int = 30
    chat_rate_burst: int = 10
    bookings_rate_per_minute: int = 60
    bookings_rate_burst: int = 30
    # GET /v1/events (core.events): how often a stream reads the outbox when nothing woke
    # it — without Redis (or while it is down), and with Redis as a safety net (pub/sub
    # delivers at most once).
    events_poll_seconds: float = 1.0
    events_redis_poll_seconds: float = 15.0
    # PostgreSQL commits outbox ids out of order: a stream reads no further than an id a
    # transaction may still commit (core.events.horizon). This long at most, when a
    # transaction open elsewhere on the server keeps it from knowing (normally the gap
    # is filled or known rolled back within a second).
    events_gap_grace_seconds: float = 30.0
    # How long a chat turn's events stay readable for reconnects (Last-Event-ID).
    chat_stream_ttl_seconds: int = 3600
    # Turns one API process runs at once; more wait their turn (backpressure, not errors).
    # Size it by Little's law: slots = turns/s the process can serve x seconds a turn holds
    # its slot. Turns/s is capped by CPU: one free core / CPU per turn (~0.1 s measured,
    # bench/chat_load.py) = ~10/s. A turn holds its slot for its model calls (~1.7 a turn x
    # the model's latency) plus its own CPU: ~0.1 s with the offline planner (2 slots would
    # carry the CPU's 10/s; 16 keeps short turns from queueing behind long ones), ~1.8 s
    # with a 1 s remote model (about 18). More slots than that add no throughput, only
    # CPU sharing: every running turn gets slower and so does time to first event (issue 15:
    # 48 slots vs 16 at 40 users, 1 s model: same turns/s, TTFE p99 4.5 s vs 2.7 s).
    chat_max_concurrent_turns: int = 16
    # Of those, how many compute at once (concierge.cpu_gate); a turn waiting on a remote
    # model does not count. The rest wait off the event loop's ready queue, so a new
    # request's `start` does not wait behind every running turn's CPU (issue 15). A
    # process has one core: a few suffice to overlap one turn's database round trips
    # with another's Python.
    chat_max_computing_turns: int = 4
    run_jobs_in_process: bool = True
    # The agent (concierge/): model endpoint behaviour, context budget, turn limits.
    openai_timeout_seconds: float = 60.0
    openai_max_retries: int = 3  # retries on 429/5xx/timeouts, with backoff
    agent_token_budget: int = 6000  # prompt tokens per model call, tools included
    agent_keep_recent_turns: int = 1  # turns sent whole (the current one); older tool results become digests
    agent_recursion_limit: int = 25  # graph steps per turn (agent + tools = 2 per round)
    turn_lock_lease_ms: int = 300_000  # a turn holds its thread at most this long
    turn_lock_wait_ms: int = 15_000  # a second turn waits this long, then TURN_IN_PROGRESS
    # Personal data at rest (core/travellers/crypto.py): 32 urlsafe-base64 bytes. Required in
    # production; development generates one into pii_key_file, test derives a fixed one.
    pii_key: SecretStr | None = None
    # Older keys, comma-separated, still accepted for decryption after a rotation.
    pii_previous_keys: SecretStr | None = None
    pii_key_file: Path = DEFAULT_PII_KEY_FILE
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"

    @field_validator("database_url")
    @classmethod
    def _normalize(cls, value: str) -> str:
        return normalize_database_url(value)

    @field_validator("pii_key", "pii_previous_keys", "signed_url_secret")
    @classmethod
    def _blank_key_is_none(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value().strip() else None

    @field_validator("redis_url")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def payments_backend(self) -> Literal["local", "stripe"]:
        return "stripe" if self.stripe_api_key else "local"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
