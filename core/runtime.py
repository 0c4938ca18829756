"""Everything a core operation needs at run time, built once per process.

Runtime context (who is asking, which database) is not agent state: the API,
jobs, tools and tests hand a ``Runtime`` down explicitly.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aioredis

from core.cache import NullCache, RedisCache
from core.clock import Clock, SystemClock
from core.config import Settings
from core.db import Database, open_pooled
from core.events.wakeups import EventWakeups
from core.locks import InProcessLocks, LockManager, RedisLocks
from core.payment.gateway import PaymentGateway
from core.payment.issuing import CardIssuer
from core.payment.local import LocalGateway
from core.payment.local_issuing import LocalIssuing
from core.payment.stripe_gateway import StripeGateway
from core.payment.stripe_issuing import StripeIssuing
from core.redis_health import RedisHealth
from core.supplier.base import Supplier
from core.supplier.resilience import ResilientSupplier
from core.supplier.simulated import SimulatedSupplier
from core.travellers.crypto import PiiCipher, pii_cipher

log = logging.getLogger(__name__)

#: Commands the runtime's Redis client has in flight at once; more wait up to
#: ``REDIS_TIMEOUT_SECONDS`` for a connection. redis-py's default pool *raises* on the
#: 101st concurrent command instead, which ``RedisHealth`` rightly counts as Redis
#: failing: a burst of 435 holds switched a healthy process to degraded mode (issue 15).
REDIS_MAX_CONNECTIONS = 100
REDIS_TIMEOUT_SECONDS = 2.0


def runtime_redis(url: str) -> aioredis.Redis:
    """The process's client for locks, the cache and rate limits (short commands only:
    the chat's blocking stream reads have a client of their own, ``api.streams``)."""
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=REDIS_MAX_CONNECTIONS,
        timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        decode_responses=True,
    )
    return aioredis.Redis.from_pool(pool)


#: Connections of the runtime's Redis pool opened at startup (``Runtime.warm``): a burst
#: of 40 chat turns or 435 holds had up to ~100 commands in flight at once, each new one
#: opening a connection (~0.5 ms of CPU) in the middle of the burst.
REDIS_WARM_CONNECTIONS = 64


async def warm_redis_pool(client: Any, connections: int) -> int:
    """Open ``connections`` of ``client``'s pool now; the pool keeps them. Returns how many
    opened; a failure (Redis down) is logged, never raised."""
    pool = client.connection_pool
    return await open_pooled(pool.get_connection, pool.release, connections, "Redis")


@dataclass
class Runtime:
    settings: Settings
    db: Database
    clock: Clock
    locks: LockManager
    cache: Any
    payments: PaymentGateway
    suppliers: dict[str, Supplier]
    #: Encrypts personal numbers at rest (core.travellers.crypto).
    pii: PiiCipher
    #: Issues the bookings' virtual cards when ``settings.virtual_cards`` is on
    #: (Stripe Issuing with a Stripe key, else the local issuer).
    issuing: CardIssuer
    redis: Any | None = None
    #: Whether Redis answers, shared by everything that uses it (logged once per outage).
    redis_health: RedisHealth = field(default_factory=RedisHealth)
    extras: dict[str, Any] = field(default_factory=dict)
    #: Wakes the live event streams (GET /v1/events) when a commit wrote outbox rows.
    events: EventWakeups | None = None

    async def warm(self) -> None:
        """Open the database pool's and Redis pool's connections before the first request
        (a serving process's lifespan, ``Settings.warm_at_startup``; issue 15)."""
        jobs = [self.db.warm()]
        if self.redis is not None:
            jobs.append(warm_redis_pool(self.redis, REDIS_WARM_CONNECTIONS))
        await asyncio.gather(*jobs)

    def supplier_for(self, kind: str) -> Supplier:
        return self.suppliers[kind]

    async def close(self) -> None:
        if self.events is not None:
            await self.events.aclose()
        for client in (self.payments, self.issuing):
            closer = getattr(client, "aclose", None)
            if closer is not None:
                try:
                    await closer()
                except Exception:  # pragma: no cover - best effort on shutdown
                    log.debug("%s close failed", client.name, exc_info=True)
        if self.redis is not None:
            try:
                await self.redis.aclose()
            except Exception:  # pragma: no cover - best effort on shutdown
                log.debug("redis close failed", exc_info=True)
        await self.db.dispose()


def build_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    db: Database | None = None,
    locks: LockManager | None = None,
    payments: PaymentGateway | None = None,
    suppliers: dict[str, Supplier] | None = None,
    issuing: CardIssuer | None = None,
) -> Runtime:
    """Everything a process needs. Raises ``PiiKeyMissing`` in production without
    ``CONCIERGE_PII_KEY``: the API and the workers refuse to start."""
    pii = pii_cipher(settings)
    clock = clock or SystemClock()
    db = db or Database(
        settings.database_url,
        pre_ping=settings.database_pre_ping,
        pool_size=settings.database_pool_size,
    )
    redis = None
    redis_health = RedisHealth(retry_seconds=settings.redis_retry_seconds)
    cache: Any = NullCache()
    if settings.redis_url:
        redis = runtime_redis(settings.redis_url)
        cache = RedisCache(redis, health=redis_health)
    if locks is None:
        if redis is not None:
            locks = RedisLocks(
                redis,
                lease_ms=settings.lock_lease_ms,
                wait_ms=settings.lock_wait_ms,
                health=redis_health,
            )
        else:
            locks = InProcessLocks(lease_ms=settings.lock_lease_ms, wait_ms=settings.lock_wait_ms)
    if payments is None:
        if settings.payments_backend == "stripe":
            payments = StripeGateway(
                api_key=settings.stripe_api_key or "", api_base=settings.stripe_api_base
            )
        else:
            payments = LocalGateway(db, clock)
    if issuing is None:
        if settings.payments_backend == "stripe":
            issuing = StripeIssuing(
                api_key=settings.stripe_api_key or "", api_base=settings.stripe_api_base
            )
        else:
            issuing = LocalIssuing(db, clock)
    if suppliers is None:
        suppliers = {
            kind: ResilientSupplier(
                SimulatedSupplier(
                    db, clock, name=name, kind=kind, settings=settings, card_network=issuing
                ),
                max_attempts=settings.supplier_max_attempts,
                timeout_seconds=settings.supplier_timeout_seconds,
            )
            for kind, name in (("flight", "sim-gds"), ("hotel", "sim-hotels"))
        }
    events = EventWakeups(settings, redis=redis, health=redis_health)
    db.commit_listeners.append(events.committed)
    return Runtime(
        events=events,
        settings=settings,
        db=db,
        clock=clock,
        locks=locks,
        cache=cache,
        payments=payments,
        suppliers=suppliers,
        pii=pii,
        issuing=issuing,
        redis=redis,
        redis_health=redis_health,
    )
