"""The jobs every deployment runs (in-process for ``make run``, or ``concierge worker``).

Each job opens its own unit of work at this edge (or calls a flow that opens its
own); a job that raises fails that tick (logged by the runner), not the process.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from core.approval.service import run_escalations
from core.booking.cards import close_finished_cards
from core.booking.on_approval import run_expiries
from core.booking.rebook import complete_stuck_changes
from core.booking.saga import complete_stuck_sagas as complete
from core.catalogue.seed import seed_catalogue
from core.checkin.auto import auto_check_in as check_in_due
from core.finance.reconcile import reconcile
from core.idempotency import reap_idempotency_keys as reap
from core.inventory.holds import release_expired_holds
from core.jobs.runner import Job
from core.notify.relay import relay_outbox as relay
from core.payment.webhooks import process_stripe_events as process
from core.runtime import Runtime

HOLD_SWEEP_SECONDS = 30.0
SAGA_COMPLETER_SECONDS = 30.0
IDEMPOTENCY_REAP_SECONDS = 3600.0
CATALOGUE_EXTEND_SECONDS = 24 * 3600.0
OUTBOX_RELAY_SECONDS = 5.0
STRIPE_EVENTS_SECONDS = 10.0
RECONCILE_SECONDS = 300.0
APPROVAL_SLA_SECONDS = 60.0
CARD_CLOSER_SECONDS = 600.0
AUTO_CHECKIN_SECONDS = 60.0


async def sweep_expired_holds(rt: Runtime) -> int:
    """Release expired holds the hold path has not already released (DESIGN §4)."""
    async with rt.db.uow() as session:
        return await release_expired_holds(session, now=rt.clock.now())


async def complete_stuck_sagas(rt: Runtime) -> int:
    """Resume confirmation sagas, cancellations and rebooks left half-way; each saga
    opens its own transactions."""
    return await complete(rt) + await complete_stuck_changes(rt)


async def reap_idempotency_keys(rt: Runtime) -> int:
    """Forget idempotency keys older than their TTL (≥ 24 h by contract)."""
    async with rt.db.uow() as session:
        return await reap(session, now=rt.clock.now(), ttl_seconds=rt.settings.idempotency_ttl_seconds)


async def extend_catalogue(rt: Runtime) -> int:
    """Roll the flight and hotel window forward a day (seeding is idempotent)."""
    async with rt.db.uow() as session:
        result = await seed_catalogue(
            session, today=rt.clock.now().date(), days_ahead=rt.settings.catalogue_days_ahead
        )
    return count_of(result)


async def escalate_overdue_approvals(rt: Runtime) -> int:
    """Approval steps past their SLA: escalated, and the approver's manager told (once)."""
    return await run_escalations(rt)


async def expire_overdue_approvals(rt: Runtime) -> int:
    """Approvals past their deadline expire and their bookings give the inventory back."""
    return await run_expiries(rt)


async def relay_outbox(rt: Runtime) -> int:
    """Deliver committed outbox events to the notifiers (at least once; see core.notify.relay)."""
    return (await relay(rt)).sent


async def process_stripe_events(rt: Runtime) -> int:
    """Apply stored Stripe webhook events (payments captured, refunds, disputes)."""
    return await process(rt)


async def reconcile_payments(rt: Runtime) -> int:
    """Match captures and supplier charges to bookings: invoice lines or exceptions."""
    return count_of(await reconcile(rt))


async def close_virtual_cards(rt: Runtime) -> int:
    """Close the virtual cards of bookings cancelled, failed or expired and of trips over."""
    return await close_finished_cards(rt)


async def auto_check_in(rt: Runtime) -> int:
    """Check in, when their flight's check-in opens, the travellers who asked for it
    (profile ``auto_check_in``); each pass is e-mailed through the outbox."""
    return await check_in_due(rt)


def count_of(result: Any) -> int:
    """A job's figure from whatever its service returns (a count, a summary, None)."""
    if isinstance(result, bool) or result is None:
        return 0
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        result = dataclasses.asdict(result)
    if isinstance(result, int):
        return result
    if isinstance(result, dict):
        return sum(v for v in result.values() if isinstance(v, int) and not isinstance(v, bool))
    return 0


def default_jobs() -> list[Job]:
    return [
        Job("hold_sweeper", HOLD_SWEEP_SECONDS, sweep_expired_holds),
        Job("saga_completer", SAGA_COMPLETER_SECONDS, complete_stuck_sagas),
        Job("idempotency_reaper", IDEMPOTENCY_REAP_SECONDS, reap_idempotency_keys),
        Job("catalogue_extender", CATALOGUE_EXTEND_SECONDS, extend_catalogue),
        Job("outbox_relay", OUTBOX_RELAY_SECONDS, relay_outbox),
        Job("stripe_events", STRIPE_EVENTS_SECONDS, process_stripe_events),
        Job("reconciliation", RECONCILE_SECONDS, reconcile_payments),
        Job("approval_escalator", APPROVAL_SLA_SECONDS, escalate_overdue_approvals),
        Job("approval_expirer", APPROVAL_SLA_SECONDS, expire_overdue_approvals),
        Job("card_closer", CARD_CLOSER_SECONDS, close_virtual_cards),
        Job("auto_check_in", AUTO_CHECKIN_SECONDS, auto_check_in),
    ]
