"""What a price is made of, said from a fare breakdown (the tools' ``fare``: base + taxes
by code + fees = total), for an option shown or a booking."""

from __future__ import annotations

from core.catalogue.fares import ChargeOut, FareOut
from core.money import Money, money_text


def _amount(money: Money) -> str:
    return money_text(money.minor(), money.currency)


def _sum(charges: list[ChargeOut], currency: str) -> str:
    return money_text(sum(c.amount.minor() for c in charges), currency)


def _charge(charge: ChargeOut, *, hotel: bool) -> str:
    # A ticket's taxes go by their IATA codes ("US passenger facility charge (XF)"); a
    # hotel's names say it all ("UK VAT").
    code = "" if hotel else f" ({charge.code})"
    return f"{charge.name}{code} {_amount(charge.amount)}"


# What the base and the fees are called: a ticket's, a room's, a whole trip's.
_LABELS = {
    "flight": ("Base fare", "carrier fees"),
    "hotel": ("Room rate", "fees"),
    "trip": ("Base fares and room rates", "fees"),
}


def breakdown(fare: FareOut, *, kind: str) -> str:
    """``Base fare 481.40 USD + taxes 33.00 USD + carrier fees 98.00 USD = 612.40 USD``,
    then one line per part: each tax and fee by name (and code). ``kind``: flight, hotel
    or trip (several of them)."""
    currency = fare.total.currency
    hotel = kind == "hotel"
    base, fees = _LABELS.get(kind, _LABELS["trip"])
    parts = [f"{base} {_amount(fare.base)}"]
    if fare.taxes:
        parts.append(f"taxes {_sum(fare.taxes, currency)}")
    if fare.fees:
        parts.append(f"{fees} {_sum(fare.fees, currency)}")
    text = " + ".join(parts) + f" = {_amount(fare.total)}"
    if fare.taxes:
        text += "\n- Taxes: " + " · ".join(_charge(c, hotel=hotel) for c in fare.taxes)
    else:
        text += "\n- No taxes are charged on it."
    if fare.fees:
        label = fees[:1].upper() + fees[1:]
        text += f"\n- {label}: " + " · ".join(_charge(c, hotel=hotel) for c in fare.fees)
    return text


def taxes_share(fare: FareOut) -> str:
    """``33.00 USD of it is taxes`` — the sentence a "how much of it is taxes?" wants."""
    taxes = _sum(fare.taxes, fare.total.currency)
    return f"{taxes} of it is taxes" if fare.taxes else "none of it is taxes"


__all__ = ["breakdown", "taxes_share"]
