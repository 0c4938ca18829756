"""Money is integer minor units plus an ISO currency; decimals only at the edge."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel

MINOR_DIGITS = {"JPY": 0, "KRW": 0}


def minor_digits(currency: str) -> int:
    return MINOR_DIGITS.get(currency.upper(), 2)


def to_major_str(amount_minor: int, currency: str) -> str:
    digits = minor_digits(currency)
    value = Decimal(amount_minor).scaleb(-digits)
    return f"{value:.{digits}f}"


def from_major(amount: str | Decimal | float, currency: str) -> int:
    digits = minor_digits(currency)
    value = Decimal(str(amount)).scaleb(digits).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(value)


class Money(BaseModel):
    """Wire form: ``{"amount": "612.40", "currency": "USD"}``."""

    amount: str
    currency: str

    @classmethod
    def of(cls, amount_minor: int, currency: str) -> Money:
        return cls(amount=to_major_str(amount_minor, currency), currency=currency)

    def minor(self) -> int:
        return from_major(self.amount, self.currency)


def format_money(amount_minor: int, currency: str) -> str:
    return f"{to_major_str(amount_minor, currency)} {currency}"
