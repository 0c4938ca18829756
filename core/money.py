"""Money is integer minor units plus an ISO currency; decimals only at the edge."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ValidationError

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


def read_money(value: object) -> Money | None:
    """Money in its JSON form read back (a tool's output in a conversation, a card's
    data); None for anything that is not money."""
    if not isinstance(value, dict):
        return None
    try:
        money = Money.model_validate(value)
        money.minor()
    except (ValidationError, ArithmeticError, ValueError):
        return None
    return money


# One formatter per audience. JSON: ``money_json`` (the ``Money`` wire form). People:
# ``money_text`` (grouped, for prose, cards and tables; ``money_figure`` is its number
# alone, for a table or a digest that names the currency once). ``format_money`` is the
# plain form kept in error and audit messages, whose wording is part of the contract,
# and in the model's compact digests of tool outputs.


def money_json(amount_minor: int, currency: str) -> dict[str, str]:
    """``{"amount": "6120.00", "currency": "USD"}`` — money in any JSON answer."""
    return Money.of(amount_minor, currency).model_dump()


def money_text(amount_minor: int, currency: str) -> str:
    """``6,120.00 USD`` — thousands separated, as people read amounts."""
    digits = minor_digits(currency)
    return f"{Decimal(to_major_str(amount_minor, currency)):,.{digits}f} {currency}"


def money_figure(amount_minor: int, currency: str) -> str:
    """``5,000`` (``5,000.50`` when there are cents): the grouped number without its currency."""
    text = money_text(amount_minor, currency).removesuffix(f" {currency}")
    whole, _, cents = text.partition(".")
    return whole if not cents.strip("0") else text


def format_money(amount_minor: int, currency: str) -> str:
    """``6120.00 USD`` — the plain form of error and audit messages."""
    return f"{to_major_str(amount_minor, currency)} {currency}"
