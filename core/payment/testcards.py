"""Stripe's published test cards, shared by every payment backend we run without Stripe.

LocalGateway and the Stripe fake in ``tests/fakes`` decide declines here, so the
embedded default, the fake and Stripe's own test mode agree on what each card does
(https://docs.stripe.com/testing). A card number we do not know is treated as a
good card: in the embedded mode nothing real is ever charged.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CardOutcomeKind(StrEnum):
    SUCCEEDED = "succeeded"
    DECLINED = "declined"  # a final answer from the issuer: returned, not raised
    PROCESSING_ERROR = "processing_error"  # transient: the caller may retry later


@dataclass(frozen=True)
class CardOutcome:
    kind: CardOutcomeKind
    # Stripe's error ``code`` (``card_declined``, ``expired_card``, ...) and, for
    # ``card_declined``, the issuer's ``decline_code``.
    error_code: str | None = None
    decline_code: str | None = None
    message: str | None = None

    @property
    def reason(self) -> str | None:
        """What we report as ``Authorization.decline_code``: the most specific code."""
        return self.decline_code or self.error_code


SUCCESS = CardOutcome(CardOutcomeKind.SUCCEEDED)


def _declined(decline_code: str, message: str) -> CardOutcome:
    return CardOutcome(CardOutcomeKind.DECLINED, "card_declined", decline_code, message)


GENERIC_DECLINE = _declined("generic_decline", "Your card was declined.")
INSUFFICIENT_FUNDS = _declined("insufficient_funds", "Your card has insufficient funds.")
LOST_CARD = _declined("lost_card", "Your card was declined.")
STOLEN_CARD = _declined("stolen_card", "Your card was declined.")
# Stripe reports these with an error code and no decline_code.
EXPIRED_CARD = CardOutcome(CardOutcomeKind.DECLINED, "expired_card", None, "Your card has expired.")
INCORRECT_CVC = CardOutcome(
    CardOutcomeKind.DECLINED, "incorrect_cvc", None, "Your card's security code is incorrect."
)
PROCESSING_ERROR = CardOutcome(
    CardOutcomeKind.PROCESSING_ERROR,
    "processing_error",
    None,
    "An error occurred while processing your card. Try again in a little bit.",
)

# Card number -> (outcome, the Stripe test PaymentMethod that behaves the same).
TEST_CARDS: dict[str, tuple[CardOutcome, str]] = {
    "4242424242424242": (SUCCESS, "pm_card_visa"),
    "4000056655665556": (SUCCESS, "pm_card_visa_debit"),
    "5555555555554444": (SUCCESS, "pm_card_mastercard"),
    "378282246310005": (SUCCESS, "pm_card_amex"),
    "4000000000000002": (GENERIC_DECLINE, "pm_card_chargeDeclined"),
    "4000000000009995": (INSUFFICIENT_FUNDS, "pm_card_chargeDeclinedInsufficientFunds"),
    "4000000000009987": (LOST_CARD, "pm_card_chargeDeclinedLostCard"),
    "4000000000009979": (STOLEN_CARD, "pm_card_chargeDeclinedStolenCard"),
    "4000000000000069": (EXPIRED_CARD, "pm_card_chargeDeclinedExpiredCard"),
    "4000000000000127": (INCORRECT_CVC, "pm_card_chargeDeclinedIncorrectCvc"),
    "4000000000000119": (PROCESSING_ERROR, "pm_card_chargeDeclinedProcessingError"),
}

TEST_PAYMENT_METHODS: dict[str, CardOutcome] = {
    pm: outcome for outcome, pm in TEST_CARDS.values()
} | {
    "pm_card_us": SUCCESS,
    "pm_card_discover": SUCCESS,
    "pm_card_visa_chargeDeclined": GENERIC_DECLINE,
    "pm_card_visa_chargeDeclinedInsufficientFunds": INSUFFICIENT_FUNDS,
    "pm_card_visa_chargeDeclinedLostCard": LOST_CARD,
    "pm_card_visa_chargeDeclinedStolenCard": STOLEN_CARD,
    "pm_card_visa_chargeDeclinedExpiredCard": EXPIRED_CARD,
    "pm_card_visa_chargeDeclinedIncorrectCvc": INCORRECT_CVC,
    "pm_card_visa_chargeDeclinedProcessingError": PROCESSING_ERROR,
    # Legacy tokens still accepted by Stripe's test mode.
    "tok_visa": SUCCESS,
    "tok_mastercard": SUCCESS,
    "tok_chargeDeclined": GENERIC_DECLINE,
    "tok_chargeDeclinedInsufficientFunds": INSUFFICIENT_FUNDS,
}


def normalize_card_number(payment_method: str) -> str:
    """``"4242 4242-4242 4242"`` -> ``"4242424242424242"``; anything else unchanged."""
    compact = payment_method.replace(" ", "").replace("-", "")
    return compact if compact.isdigit() else payment_method.strip()


def is_card_number(payment_method: str) -> bool:
    return normalize_card_number(payment_method).isdigit()


def outcome_for(payment_method: str) -> CardOutcome:
    """What authorizing against ``payment_method`` (card number or PaymentMethod id) does."""
    key = normalize_card_number(payment_method)
    if key in TEST_CARDS:
        return TEST_CARDS[key][0]
    return TEST_PAYMENT_METHODS.get(key, SUCCESS)


def stripe_payment_method_for(payment_method: str) -> str | None:
    """The Stripe test PaymentMethod id for a test card number; ids pass through.

    ``None`` for a card number Stripe has no test PaymentMethod for: raw card
    numbers must never be sent to Stripe's API.
    """
    key = normalize_card_number(payment_method)
    if not key.isdigit():
        return key
    known = TEST_CARDS.get(key)
    return known[1] if known else None
