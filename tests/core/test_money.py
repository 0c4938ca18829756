"""One formatter per audience (core.money): what each writes, and reading money back."""

from __future__ import annotations

import pytest

from core.money import (
    Money,
    format_money,
    from_major,
    money_figure,
    money_json,
    money_text,
    read_money,
)


def test_each_audience_gets_its_own_form() -> None:
    assert money_json(612040, "USD") == {"amount": "6120.40", "currency": "USD"}
    assert money_text(612040, "USD") == "6,120.40 USD"
    assert format_money(612040, "USD") == "6120.40 USD"
    assert money_figure(500000, "USD") == "5,000"  # cents only when there are some
    assert money_figure(500050, "USD") == "5,000.50"


def test_currencies_without_minor_units() -> None:
    assert money_text(150000, "JPY") == "150,000 JPY"
    assert from_major(1500, "JPY") == 1500
    assert from_major("19.99", "USD") == 1999


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"amount": "612.40", "currency": "USD"}, Money(amount="612.40", currency="USD")),
        # A refund's JSON is money with more fields.
        ({"amount": "1.00", "currency": "USD", "due": {}}, Money(amount="1.00", currency="USD")),
        ({"amount": "lots", "currency": "USD"}, None),
        ({"currency": "USD"}, None),
        ("612.40 USD", None),
        (None, None),
    ],
)
def test_read_money_takes_only_the_json_form(value: object, expected: Money | None) -> None:
    assert read_money(value) == expected
