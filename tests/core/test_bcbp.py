"""IATA BCBP (Resolution 792, format M, one leg, mandatory items) field by field.

The offsets below are the resolution's, written out here on their own rather than read
from ``core.checkin.bcbp.LAYOUT``, so a shifted field in the encoder fails the test."""

from __future__ import annotations

from datetime import date

import pytest

from core.checkin.bcbp import LENGTH, Leg, decode, encode

# (item, first column, last column), 1-based and inclusive, as the resolution numbers them.
RESOLUTION_792 = [
    ("format code", 1, 1),
    ("number of legs encoded", 2, 2),
    ("passenger name", 3, 22),
    ("electronic ticket indicator", 23, 23),
    ("operating carrier PNR code", 24, 30),
    ("from city airport code", 31, 33),
    ("to city airport code", 34, 36),
    ("operating carrier designator", 37, 39),
    ("flight number", 40, 44),
    ("date of flight (Julian date)", 45, 47),
    ("compartment code", 48, 48),
    ("seat number", 49, 52),
    ("check-in sequence number", 53, 57),
    ("passenger status", 58, 58),
    ("field size of variable size field", 59, 60),
]

LEG = Leg(
    family_name="Desmarais", given_name="Luc", pnr="ABC123", origin="YUL", destination="FRA",
    carrier="AC", flight_number="834", flight_date=date(2026, 11, 22), cabin="business",
    seat="1A", sequence=25,
)


def items(bcbp: str) -> dict[str, str]:
    return {name: bcbp[first - 1 : last] for name, first, last in RESOLUTION_792}


def test_the_resolutions_own_example_is_printed_character_for_character() -> None:
    # The implementation guide's example pass (Air Canada 834, YUL→FRA, seat 1A, seq 25),
    # with its day of the year taken from 22 November (326).
    assert encode(LEG) == "M1DESMARAIS/LUC       EABC123 YULFRAAC 0834 326J001A0025 100"


def test_every_mandatory_item_sits_in_its_columns() -> None:
    bcbp = encode(LEG)
    assert len(bcbp) == LENGTH == 60
    assert items(bcbp) == {
        "format code": "M",
        "number of legs encoded": "1",
        "passenger name": "DESMARAIS/LUC       ",
        "electronic ticket indicator": "E",
        "operating carrier PNR code": "ABC123 ",
        "from city airport code": "YUL",
        "to city airport code": "FRA",
        "operating carrier designator": "AC ",
        "flight number": "0834 ",
        "date of flight (Julian date)": "326",
        "compartment code": "J",
        "seat number": "001A",
        "check-in sequence number": "0025 ",
        "passenger status": "1",
        "field size of variable size field": "00",
    }
    assert list(decode(bcbp).values()) == list(items(bcbp).values())


@pytest.mark.parametrize(
    ("family", "given", "printed"),
    [
        ("Example", "Ava", "EXAMPLE/AVA         "),
        ("O'Brien-Smith", "Zoë", "OBRIENSMITH/ZOE     "),
        ("Wolfeschlegelsteinhausen", "Hubert", "WOLFESCHLEGELSTEINHA"),
        ("Núñez de la Vega", "María José", "NUNEZ DE LA VEGA/MAR"),
    ],
)
def test_names_are_surname_slash_given_in_twenty_plain_letters(family: str, given: str, printed: str) -> None:
    bcbp = encode(Leg(**{**LEG.__dict__, "family_name": family, "given_name": given}))
    assert items(bcbp)["passenger name"] == printed
    assert bcbp.isascii()


@pytest.mark.parametrize(
    ("cabin", "seat", "number", "day", "compartment", "seat_item", "flight_item", "julian"),
    [
        ("economy", "12C", "117", date(2026, 1, 1), "Y", "012C", "0117 ", "001"),
        ("premium", "31K", "2101", date(2026, 12, 31), "W", "031K", "2101 ", "365"),
        ("first", "2A", "1", date(2028, 12, 31), "F", "002A", "0001 ", "366"),
        ("business", None, "12A", date(2026, 2, 1), "J", "    ", "0012A", "032"),
    ],
)
def test_cabin_seat_flight_and_day_items(
    cabin: str, seat: str | None, number: str, day: date, compartment: str, seat_item: str,
    flight_item: str, julian: str,
) -> None:
    leg = Leg(**{**LEG.__dict__, "cabin": cabin, "seat": seat, "flight_number": number, "flight_date": day})
    got = items(encode(leg))
    assert (got["compartment code"], got["seat number"]) == (compartment, seat_item)
    assert (got["flight number"], got["date of flight (Julian date)"]) == (flight_item, julian)


@pytest.mark.parametrize(
    "change",
    [{"seat": "99"}, {"seat": "1234A"}, {"flight_number": "BA117"}, {"sequence": 0}, {"sequence": 10000}],
)
def test_what_the_layout_cannot_hold_is_refused(change: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each message names its own item
        encode(Leg(**{**LEG.__dict__, **change}))
