"""The card-issuing contract (Stripe Issuing semantics): cardholders, virtual cards and
the authorizations merchants make on them.

An issuer is an *outside* system, like a payment gateway: never called inside one of
our transactions, every write carrying our deterministic idempotency key
(``booking:{id}:card``), so a retry after a crash answers with the first card instead
of issuing a second one.

A card's number never reaches us: the issuer answers its id (``ic_…``) and last four
digits, and that is all we keep, log or show. A merchant charges the card through the
card network (:meth:`CardIssuer.authorize_purchase`, which in the simulation and in
Stripe's test mode is the issuer's test helper for an incoming authorization); the
issuer approves or declines it against the card's spending controls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from core.errors import ValidationFailed

#: The merchant categories (Stripe's names) a booking's card may be used in.
AIRLINES = "airlines_air_carriers"
HOTELS = "hotels_motels_and_resorts"
TRAVEL_AGENCIES = "travel_agencies_and_tour_operators"
TRAVEL_CATEGORIES: tuple[str, ...] = (AIRLINES, HOTELS, TRAVEL_AGENCIES)
#: The category a supplier of each segment kind charges under.
CATEGORY_OF_KIND = {"flight": AIRLINES, "hotel": HOTELS}

#: Stripe's decline reasons (``request_history[].reason``) the issuers here give.
SPENDING_CONTROLS = "spending_controls"  # over the limit, or a category not allowed
CARD_CANCELED = "card_canceled"
CARD_INACTIVE = "card_inactive"


@dataclass(frozen=True)
class BillingAddress:
    line1: str
    city: str
    postal_code: str
    country: str
    state: str | None = None


@dataclass(frozen=True)
class Cardholder:
    ref: str  # ich_…
    name: str


@dataclass(frozen=True)
class IssuedCard:
    """A card as the issuer answers it: never its number."""

    ref: str  # ic_…
    cardholder_ref: str
    last4: str
    currency: str  # ISO, upper case
    status: str  # active | inactive | canceled
    spending_limit_minor: int
    allowed_categories: tuple[str, ...]
    metadata: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:  # nothing here is secret, but keep reprs short in logs
        return f"IssuedCard({self.ref}, ••••{self.last4}, {self.status})"


@dataclass(frozen=True)
class PurchaseAuthorization:
    """An authorization on a card: approved, or declined with Stripe's reason."""

    ref: str  # iauth_…
    card_ref: str
    amount_minor: int
    currency: str
    approved: bool
    decline_reason: str | None
    merchant_category: str
    merchant_name: str
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


class CardIssuer(Protocol):
    name: str

    async def create_cardholder(
        self,
        *,
        name: str,
        billing: BillingAddress,
        idempotency_key: str,
        metadata: dict[str, str] | None = None,
    ) -> Cardholder:
        """A company cardholder; the same key answers the same cardholder."""
        ...

    async def create_card(
        self,
        *,
        cardholder_ref: str,
        currency: str,
        spending_limit_minor: int,
        allowed_categories: tuple[str, ...],
        idempotency_key: str,
        metadata: dict[str, str] | None = None,
    ) -> IssuedCard:
        """An active virtual card, limited to ``spending_limit_minor`` for all time."""
        ...

    async def close_card(self, card_ref: str, *, idempotency_key: str) -> IssuedCard:
        """Cancel the card for good (status ``canceled``); closing it again is harmless."""
        ...

    async def retrieve_card(self, card_ref: str) -> IssuedCard: ...

    async def authorize_purchase(
        self,
        card_ref: str,
        *,
        amount_minor: int,
        currency: str,
        merchant_category: str,
        merchant_name: str,
        idempotency_key: str,
    ) -> PurchaseAuthorization:
        """A merchant charges the card (the network's side). A decline is returned."""
        ...

    async def list_authorizations(self, card_ref: str) -> list[PurchaseAuthorization]:
        """Every authorization on the card, oldest first."""
        ...


def check_categories(categories: tuple[str, ...]) -> tuple[str, ...]:
    if not categories:
        raise ValidationFailed("a virtual card needs at least one allowed merchant category")
    return tuple(categories)
