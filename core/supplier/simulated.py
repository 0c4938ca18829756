"""A simulated GDS (flights) / hotel supplier, with fault injection.

It stands in for an outside system, so it behaves like one: its memory is the
``supplier_reservations`` table, every call runs in its *own* transaction (never
the caller's — call it with no transaction of yours open, or on SQLite your own
``BEGIN IMMEDIATE`` would block it), and it honours our idempotency key the way a
good supplier API does: a repeated ``book`` with the same key returns the first
locator and creates nothing.

Faults (see :mod:`core.supplier.faults`) are applied on arrival, before the
supplier looks at its records — they model the network and the supplier's
front door failing, deliberately, whatever the request.

A request that names a virtual card (``SegmentRequest.card_ref``) is paid with it: the
supplier charges the card through the card network (``card_network``, the issuer's
merchant side) under its merchant category before it books, with a key derived from
ours, so a retried book neither books nor charges twice. A declined card is a
rejection. The reservation keeps the authorization's id, never a card number.

Before check-in on a flight between two countries the airline is sent each passenger's
passport (``send_apis``). A real airline keeps those numbers in its own systems; this one
lives in our database, which never holds a document number in clear, so the reservation
records what it was sent without the number (country, nationality, expiry, the key),
and the numbers themselves stay in this object's memory (``documents``) — where the
tests read what reached the airline. Frequent-flyer and known-traveller numbers come
with the ticketing request and are kept the same way (``loyalty``, ``known_travellers``;
the reservation lists only who had one).
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, Table, bindparam, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from core.catalogue.network import ticket_prefix
from core.clock import Clock
from core.config import Settings
from core.db import Database
from core.errors import CoreError, PaymentError
from core.ids import random_code
from core.models import SupplierReservation
from core.payment.issuing import CATEGORY_OF_KIND, CardIssuer, PurchaseAuthorization
from core.supplier.base import (
    ApisRequest,
    SegmentRequest,
    SupplierConfirmation,
    SupplierRejectedError,
    SupplierTimeoutError,
    SupplierTransientError,
)
from core.supplier.faults import Fault, FaultInjector, FaultMode

log = logging.getLogger(__name__)

BOOKED = "booked"
CANCELLED = "cancelled"
KINDS = frozenset({"flight", "hotel"})
_UNAVAILABLE_REASON = {"flight": "fare no longer available", "hotel": "room no longer available"}
# How far past the caller's deadline a simulated timeout hangs by default.
_HANG_PAST_DEADLINE_SECONDS = 0.5


#: Where the simulated ticket serials start: ten digits, never a leading zero.
_TICKET_SERIAL_BASE = 2_000_000_000
#: Serials per reservation: one per seat (an item holds at most 9).
_TICKETS_PER_RESERVATION = 10


def _issue_tickets(reservation_id: int, carrier: str, refs: Sequence[str]) -> dict[str, str]:
    """One 13-digit e-ticket per passenger: the airline's three-digit accounting code and
    a ten-digit serial. The serial comes from the reservation's own row id, so no two
    reservations share one and every read of the same reservation answers the same
    tickets: they are derived from the row (its id, carrier and passengers) when it is
    read, never stored, so this is their only formula (issue 15: a copy of it in SQL
    wrote them into the row's INSERT)."""
    prefix = ticket_prefix(carrier)
    first = _TICKET_SERIAL_BASE + reservation_id * _TICKETS_PER_RESERVATION
    return {ref: f"{prefix}{first + i:010d}" for i, ref in enumerate(refs)}


class SimulatedSupplier:
    """One simulated supplier (``kind`` is ``"flight"`` or ``"hotel"``).

    ``faults`` starts from the settings (``supplier_fault``, ``supplier_fault_rate``,
    ``supplier_latency_ms``) and can be changed at run time. ``calls`` counts the
    calls that reached this supplier, per operation, faulty or not.
    """

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        name: str,
        kind: str,
        settings: Settings,
        seed: int | None = None,
        card_network: CardIssuer | None = None,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"supplier kind must be one of {sorted(KINDS)}, got {kind!r}")
        self.name = name
        self.kind = kind
        self._db = db
        self._clock = clock
        self.faults = FaultInjector(
            mode=settings.supplier_fault,
            rate=settings.supplier_fault_rate,
            latency_ms=settings.supplier_latency_ms,
            hang_seconds=settings.supplier_timeout_seconds + _HANG_PAST_DEADLINE_SECONDS,
            # Stable per supplier name so two suppliers do not fail in lockstep.
            seed=zlib.crc32(name.encode()) if seed is None else seed,
        )
        self.calls: Counter[str] = Counter()
        self.card_network = card_network
        #: The document numbers the airline holds, by (locator, passenger ref): memory
        #: only, like the airline's own systems (never our database).
        self.documents: dict[tuple[str, str], str] = {}
        #: The frequent-flyer and known-traveller numbers ticketed with, likewise.
        self.loyalty: dict[tuple[str, str], str] = {}
        self.known_travellers: dict[tuple[str, str], str] = {}

    # -- the Supplier protocol ---------------------------------------------------

    async def book(self, request: SegmentRequest, *, idempotency_key: str) -> SupplierConfirmation:
        fault = await self._arrive("book")
        self._validate(request)
        authorization: PurchaseAuthorization | None = None
        if request.card_ref is not None and request.amount_minor > 0:
            # Paid before booked; a replay (the reservation exists) is not charged again.
            if await self._find(idempotency_key) is None:
                authorization = await self._charge(request, idempotency_key)
        try:
            confirmation = await self._book_once(request, idempotency_key, authorization)
        except IntegrityError:
            # A concurrent call with the same key won the unique constraint: answer with
            # the winner's reservation, exactly as if we had been the replay.
            winner = await self._find(idempotency_key)
            if winner is None:
                # The key belongs to another supplier's reservation.
                raise SupplierRejectedError(
                    f"idempotency key {idempotency_key!r} was already used"
                ) from None
            log.info("%s: concurrent book with key %s lost the race; replaying", self.name,
                     idempotency_key)
            confirmation = winner
            self._check_same_request(confirmation, request, idempotency_key)
        await self._after_write(fault, "book")
        return confirmation

    async def cancel(self, locator: str, *, idempotency_key: str) -> None:
        fault = await self._arrive("cancel")
        async with self._db.uow() as session:
            row = (
                await session.scalars(
                    select(SupplierReservation)
                    .where(
                        SupplierReservation.supplier == self.name,
                        SupplierReservation.locator == locator,
                    )
                    .order_by(SupplierReservation.id)
                    .limit(1)
                )
            ).first()
            if row is None:
                raise SupplierRejectedError(f"no reservation with locator {locator}")
            if row.status == BOOKED:
                # Conditional: a concurrent cancel that won first makes this a no-op.
                await session.execute(
                    update(SupplierReservation)
                    .where(SupplierReservation.id == row.id, SupplierReservation.status == BOOKED)
                    .values(
                        status=CANCELLED,
                        cancelled_at=self._clock.now(),
                        payload={**row.payload, "cancel_idempotency_key": idempotency_key},
                    )
                )
        log.info("%s: cancelled %s", self.name, locator)
        await self._after_write(fault, "cancel")

    async def lookup(self, idempotency_key: str) -> SupplierConfirmation | None:
        fault = await self._arrive("lookup")
        found = await self._find(idempotency_key)
        # Nothing was written, so a "timeout after write" is just a timeout here.
        await self._after_write(fault, "lookup")
        return found

    async def send_apis(self, request: ApisRequest, *, idempotency_key: str) -> None:
        fault = await self._arrive("send_apis")
        if self.kind != "flight":
            raise SupplierRejectedError(f"{self.name} books {self.kind}s; APIS is for flights")
        flight_date = str(request.details.get("date") or "")
        for p in request.passengers:
            number = p.document_number.strip()
            if not (number.isalnum() and 5 <= len(number) <= 20):
                raise SupplierRejectedError(f"passenger {p.ref}: the document number is not valid")
            if flight_date and p.expires_on.isoformat() < flight_date:
                raise SupplierRejectedError(f"passenger {p.ref}: the passport expires before the flight")
            if not (p.given_name.strip() and p.family_name.strip()):
                raise SupplierRejectedError(f"passenger {p.ref}: the names are missing")
        async with self._db.uow() as session:
            row = (
                await session.scalars(
                    select(SupplierReservation)
                    .where(
                        SupplierReservation.supplier == self.name,
                        SupplierReservation.locator == request.locator,
                    )
                    .order_by(SupplierReservation.id)
                    .limit(1)
                    .with_for_update()
                )
            ).first()
            if row is None or row.status != BOOKED:
                raise SupplierRejectedError(f"no ticketed reservation with locator {request.locator}")
            ticketed = set(row.payload.get("passengers") or ())
            if stray := [p.ref for p in request.passengers if p.ref not in ticketed]:
                raise SupplierRejectedError(f"passengers {stray} are not on {request.locator}")
            sent = dict(row.payload.get("apis") or {})
            if idempotency_key not in set(row.payload.get("apis_keys") or ()):
                for p in request.passengers:
                    sent[p.ref] = {
                        "issuing_country": p.issuing_country,
                        "nationality": p.nationality,
                        "expires_on": p.expires_on.isoformat(),
                        "date_of_birth": p.date_of_birth.isoformat() if p.date_of_birth else None,
                    }
                row.payload = {
                    **row.payload,
                    "apis": sent,
                    "apis_keys": [*(row.payload.get("apis_keys") or ()), idempotency_key],
                }
        for p in request.passengers:
            self.documents[(request.locator, p.ref)] = p.document_number
        log.info("%s: APIS for %d passengers on %s", self.name, len(request.passengers),
                 request.locator)
        await self._after_write(fault, "send_apis")

    # -- internals -------------------------------------------------------------

    async def _arrive(self, operation: str) -> Fault | None:
        """Count the call, add latency and raise the faults that strike before any write."""
        self.calls[operation] += 1
        fault = self.faults.decide(operation)
        if self.faults.latency_ms:
            await asyncio.sleep(self.faults.latency_seconds)
        if fault is None:
            return None
        if fault.mode is FaultMode.SERVER_ERROR:
            raise SupplierTransientError(f"{self.name}: 503 service unavailable ({operation})")
        if fault.mode is FaultMode.REJECTED:
            raise SupplierRejectedError(fault.reason or _UNAVAILABLE_REASON[self.kind])
        if fault.mode is FaultMode.TIMEOUT:
            await self._hang(fault, operation)
        return fault

    async def _after_write(self, fault: Fault | None, operation: str) -> None:
        if fault is not None and fault.mode is FaultMode.TIMEOUT_AFTER_WRITE:
            await self._hang(fault, operation)

    async def _hang(self, fault: Fault, operation: str) -> None:
        # A real client would be cut off by its own deadline while we sleep; if the
        # caller has none, the supplier eventually gives up itself.
        await asyncio.sleep(fault.hang_seconds)
        raise SupplierTimeoutError(f"{self.name}: no answer to {operation}")

    def _validate(self, request: SegmentRequest) -> None:
        if request.kind != self.kind:
            raise SupplierRejectedError(f"{self.name} books {self.kind}s, not {request.kind}s")
        if request.quantity <= 0:
            raise SupplierRejectedError("quantity must be positive")
        if request.amount_minor < 0 or len(request.currency) != 3:
            raise SupplierRejectedError("invalid price")
        if request.passengers:
            if request.kind != "flight":
                raise SupplierRejectedError("passengers are named on flights only")
            if len(request.passengers) != request.quantity:
                raise SupplierRejectedError(
                    f"{len(request.passengers)} passengers named for {request.quantity} seats"
                )
            if not all(p.given_name.strip() and p.family_name.strip() for p in request.passengers):
                raise SupplierRejectedError("every passenger needs a given and a family name")

    async def _charge(self, request: SegmentRequest, key: str) -> PurchaseAuthorization:
        """Charge the request's virtual card; a decline is the supplier's refusal."""
        assert request.card_ref is not None
        if self.card_network is None:
            raise SupplierRejectedError(f"{self.name} takes no card payments")
        try:
            auth = await self.card_network.authorize_purchase(
                request.card_ref,
                amount_minor=request.amount_minor,
                currency=request.currency,
                merchant_category=CATEGORY_OF_KIND[self.kind],
                merchant_name=self.name,
                idempotency_key=f"{key}:charge",
            )
        except PaymentError as exc:
            raise SupplierTransientError(f"{self.name}: the card could not be charged") from exc
        except CoreError as exc:
            raise SupplierRejectedError(f"{self.name}: the card was refused ({exc.code})") from exc
        if not auth.approved:
            raise SupplierRejectedError(
                f"the card was declined ({auth.decline_reason or 'declined'})"
            )
        return auth

    async def _book_once(
        self, request: SegmentRequest, key: str, authorization: PurchaseAuthorization | None = None
    ) -> SupplierConfirmation:
        if not self._db.is_sqlite:
            # PostgreSQL: a new key's reservation written by one autocommitted statement
            # when its locator is free (issue 15: 1 round trip, where BEGIN, the read, the
            # INSERT and COMMIT were 4); a key booked already, a locator taken or another
            # supplier's key leave no row, and are answered below as before.
            row = self._new_row(request, key, random_code(6), authorization)
            async with self._db.single() as session:
                written = await session.scalar(_INSERT_IF_NEW, _insert_params(row))
            if written is not None:
                row.id = int(written)
                return self._booked(row, request)
        async with self._db.uow() as session:
            existing, locator = await self._by_key_or_free_locator(session, key)
            if existing is not None:
                confirmation = self._confirmation(existing)
                self._check_same_request(confirmation, request, key)
                return confirmation
            row = self._new_row(request, key, locator, authorization)
            session.add(row)
            await session.flush()  # surfaces the unique-key race here, inside the uow
            return self._booked(row, request)

    def _new_row(
        self,
        request: SegmentRequest,
        key: str,
        locator: str,
        authorization: PurchaseAuthorization | None,
    ) -> SupplierReservation:
        """A new reservation of ``request`` (no id or tickets yet)."""
        return SupplierReservation(
            supplier=self.name,
            idempotency_key=key,
            locator=locator,
            booking_ref=request.booking_ref,
            kind=request.kind,
            status=BOOKED,
            amount_minor=request.amount_minor,
            currency=request.currency,
            payload={
                "segment_id": request.segment_id,
                "quantity": request.quantity,
                "details": request.details,
                **({"card_authorization": _stored(authorization)} if authorization else {}),
                "passengers": [p.ref for p in request.passengers],
                # Which passengers came with a frequent-flyer / known-traveller number
                # (the numbers themselves: memory only, see ``loyalty``).
                **_numbered(request),
            },
            created_at=self._clock.now(),
        )

    def _booked(self, row: SupplierReservation, request: SegmentRequest) -> SupplierConfirmation:
        """The answer for a reservation just written, its passengers' numbers kept."""
        confirmation = self._confirmation(row)
        for p in request.passengers:
            if p.loyalty_number:
                self.loyalty[(row.locator, p.ref)] = p.loyalty_number
            if p.known_traveller_number:
                self.known_travellers[(row.locator, p.ref)] = p.known_traveller_number
        log.info("%s: booked %s for %s", self.name, confirmation.locator, request.booking_ref)
        return confirmation

    async def _by_key_or_free_locator(
        self, session: AsyncSession, key: str
    ) -> tuple[SupplierReservation | None, str]:
        """The reservation booked with ``key`` already, or none and a locator no reservation
        of this supplier has; one read for both (issue 15: two before)."""
        while True:
            locator = random_code(6)
            match = (SupplierReservation.supplier == self.name) & (
                (SupplierReservation.idempotency_key == key)
                | (SupplierReservation.locator == locator)
            )
            rows = list((await session.scalars(select(SupplierReservation).where(match))).all())
            booked = next((row for row in rows if row.idempotency_key == key), None)
            if booked is not None or not rows:
                return booked, locator

    async def _find(self, key: str) -> SupplierConfirmation | None:
        async with self._db.uow(write=False) as session:
            row = await self._by_key(session, key)
            return None if row is None else self._confirmation(row)

    async def _by_key(self, session: AsyncSession, key: str) -> SupplierReservation | None:
        return (
            await session.scalars(
                select(SupplierReservation).where(
                    SupplierReservation.idempotency_key == key,
                    SupplierReservation.supplier == self.name,
                )
            )
        ).first()

    def _confirmation(self, row: SupplierReservation) -> SupplierConfirmation:
        raw: dict[str, Any] = {
            "passengers": row.payload.get("passengers"),
            "status": row.status,
            "booking_ref": row.booking_ref,
            "segment_id": row.payload.get("segment_id"),
            "kind": row.kind,
            "quantity": row.payload.get("quantity"),
            "amount_minor": row.amount_minor,
            "currency": row.currency,
        }
        paid = row.payload.get("card_authorization")
        return SupplierConfirmation(
            locator=row.locator, supplier=self.name, raw=raw,
            card_authorization=_loaded(paid) if isinstance(paid, dict) else None,
            tickets=_tickets(row),
        )

    @staticmethod
    def _check_same_request(
        confirmation: SupplierConfirmation, request: SegmentRequest, key: str
    ) -> None:
        """A key names one request; reusing it for another is a client bug (like Stripe's 400)."""
        raw = confirmation.raw
        stored: tuple[Any, ...] = (raw["booking_ref"], raw["segment_id"], raw["kind"], raw["quantity"],
                  raw["amount_minor"], raw["currency"])
        asked: tuple[Any, ...] = (request.booking_ref, request.segment_id, request.kind, request.quantity,
                 request.amount_minor, request.currency)
        # Reservations from before passengers were named carry no list to compare.
        if raw["passengers"] is not None:
            stored += (tuple(raw["passengers"]),)
            asked += (tuple(p.ref for p in request.passengers),)
        if stored != asked:
            raise SupplierRejectedError(
                f"idempotency key {key!r} was already used for a different request"
            )


#: One row to join the reservations' read to, so that it answers a row when none match.
def _insert_if_new() -> ReturningInsert[Any]:
    """A new reservation as one PostgreSQL INSERT, only when no reservation of its
    supplier has its key or its locator (and no other supplier its key: ``ON CONFLICT DO
    NOTHING``); RETURNING the id it took. Bound per call (:func:`_insert_params`); built
    once (building it cost about what the round trips it saves did)."""
    table = SupplierReservation.__table__
    assert isinstance(table, Table)
    taken = (
        select(table.c.id)
        .where(
            table.c.supplier == bindparam("supplier", type_=String),
            (table.c.idempotency_key == bindparam("idempotency_key", type_=String))
            | (table.c.locator == bindparam("locator", type_=String)),
        )
        .exists()
    )
    chosen = select(*(bindparam(c, type_=table.c[c].type) for c in _RESERVATION_COLUMNS)).where(
        ~taken
    )
    return (
        postgresql.insert(table)
        .from_select(list(_RESERVATION_COLUMNS), chosen)
        .on_conflict_do_nothing()
        .returning(table.c.id)
    )


_RESERVATION_COLUMNS = (
    "supplier", "idempotency_key", "locator", "booking_ref", "kind", "status",
    "amount_minor", "currency", "payload", "created_at",
)


def _insert_params(row: SupplierReservation) -> dict[str, Any]:
    """:func:`_insert_if_new`'s values for ``row`` (no id yet)."""
    return {c: getattr(row, c) for c in _RESERVATION_COLUMNS}


def _tickets(row: SupplierReservation) -> dict[str, str]:
    """A reservation's e-tickets (:func:`_issue_tickets`), one per passenger: as a row
    written before they were derived on read stored them, else from the row itself."""
    stored = row.payload.get("tickets")
    if stored:
        return dict(stored)
    refs = row.payload.get("passengers") or ()
    carrier = str((row.payload.get("details") or {}).get("carrier") or "")
    return _issue_tickets(row.id, carrier, refs) if refs else {}


def _numbered(request: SegmentRequest) -> dict[str, list[str]]:
    out = {
        "frequent_flyer": [p.ref for p in request.passengers if p.loyalty_number],
        "known_traveller": [p.ref for p in request.passengers if p.known_traveller_number],
    }
    return {k: v for k, v in out.items() if v}


def _stored(auth: PurchaseAuthorization) -> dict[str, Any]:
    """What a reservation keeps of the card payment: ids and amounts, no card number."""
    return {
        "ref": auth.ref, "card_ref": auth.card_ref, "amount_minor": auth.amount_minor,
        "currency": auth.currency, "approved": auth.approved,
        "merchant_category": auth.merchant_category, "merchant_name": auth.merchant_name,
    }


def _loaded(stored: dict[str, Any]) -> PurchaseAuthorization:
    return PurchaseAuthorization(
        ref=str(stored["ref"]), card_ref=str(stored["card_ref"]),
        amount_minor=int(stored["amount_minor"]), currency=str(stored["currency"]),
        approved=bool(stored["approved"]), decline_reason=None,
        merchant_category=str(stored.get("merchant_category") or ""),
        merchant_name=str(stored.get("merchant_name") or ""),
    )


_INSERT_IF_NEW = _insert_if_new()
