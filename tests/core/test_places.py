from __future__ import annotations

import pytest

from core.catalogue.hubs import HUB_CODES, METROS, hub, hubs
from core.catalogue.places import resolve_airports, resolve_place
from core.errors import ValidationFailed


@pytest.mark.parametrize(
    ("text", "airports"),
    [
        ("New York", ("JFK", "LGA", "EWR")),
        ("new york city", ("JFK", "LGA", "EWR")),
        ("NYC", ("JFK", "LGA", "EWR")),
        ("London", ("LHR", "LGW")),
        ("Paris", ("CDG", "ORY")),
        ("Tokyo", ("NRT", "HND")),
        ("Chicago", ("ORD", "MDW")),
        ("Toronto", ("YYZ",)),
        ("Washington DC", ("IAD", "DCA")),
        ("SF", ("SFO",)),
        ("LA", ("LAX",)),
        ("Zürich", ("ZRH",)),
        ("New Delhi", ("DEL",)),
        ("Dallas/Fort Worth", ("DFW",)),
        ("Paris, France", ("CDG", "ORY")),
        ("London UK", ("LHR", "LGW")),
        ("ldn", ("LHR", "LGW")),
        ("Boston, MA", ("BOS",)),
    ],
)
def test_metros_and_aliases(text: str, airports: tuple[str, ...]) -> None:
    place = resolve_place(text)
    assert place.airports == airports
    assert place.kind == "metro"


@pytest.mark.parametrize(
    ("text", "code", "city"),
    [
        ("jfk", "JFK", "New York"),
        (" LhR ", "LHR", "London"),
        ("ewr", "EWR", "New York"),
        ("Heathrow", "LHR", "London"),
        ("Gatwick airport", "LGW", "London"),
        ("Newark", "EWR", "New York"),
        ("LaGuardia", "LGA", "New York"),
        ("O'Hare", "ORD", "Chicago"),
        ("Haneda", "HND", "Tokyo"),
    ],
)
def test_airport_codes_and_names_name_one_airport(text: str, code: str, city: str) -> None:
    place = resolve_place(text)
    assert place.airports == (code,)
    assert place.kind == "airport"
    assert place.city == city


@pytest.mark.parametrize(
    ("typo", "city"),
    [
        ("Londn", "London"),
        ("Pari", "Paris"),
        ("Frankfrut", "Frankfurt"),
        ("san fransisco", "San Francisco"),
        ("Chicgo", "Chicago"),
        ("Amsterdm", "Amsterdam"),
        ("Sidney", "Sydney"),
        ("Singapur", "Singapore"),
        ("Tokio", "Tokyo"),
    ],
)
def test_typos_resolve_to_the_city(typo: str, city: str) -> None:
    assert resolve_place(typo).city == city


def test_every_hub_code_and_metro_name_resolves() -> None:
    for code in HUB_CODES:
        assert resolve_place(code.lower()).airports == (code,)
    for metro in METROS:
        place = resolve_place(metro.name.upper())
        assert place.airports == metro.airports
        assert place.region == metro.region


@pytest.mark.parametrize("text", ["Xyz", "Gotham", "Qqqqq", "LAS", "Portland"])
def test_unknown_places_are_refused_helpfully(text: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        resolve_place(text)
    message = str(err.value)
    assert text.upper() in message.upper()


def test_unknown_message_mentions_a_real_airport_we_do_not_serve() -> None:
    with pytest.raises(ValidationFailed, match="do not serve LAS"):
        resolve_place("LAS")


def test_unknown_message_suggests_close_cities() -> None:
    with pytest.raises(ValidationFailed, match="Did you mean London"):
        resolve_place("Londonderry")


def test_empty_text_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="required"):
        resolve_place("  ")


def test_three_letter_codes_are_never_fuzzy() -> None:
    # "LAX" must not be guessed from "LAS" (Las Vegas): codes match exactly or not at all.
    with pytest.raises(ValidationFailed):
        resolve_airports("LAS")


def test_hub_metadata_comes_from_airportsdata() -> None:
    jfk = hub("jfk")
    assert (jfk.city, jfk.region, jfk.country, jfk.tz) == ("New York", "NA", "US", "America/New_York")
    assert "Kennedy" in jfk.name
    assert hubs()["EWR"].city == "New York"  # the metro, not airportsdata's "Newark"
    assert hubs()["SYD"].region == "AP"
    with pytest.raises(ValidationFailed):
        hub("XXX")


def test_lookup_without_fuzzy_takes_only_exact_names() -> None:
    from core.catalogue.places import lookup_place

    assert lookup_place("Lodnon", fuzzy=False) is None
    found = lookup_place("Lodnon")
    assert found is not None
    assert found.city == "London"
    assert lookup_place("Gotham") is None


def test_city_nicknames_are_read_whole_and_exactly() -> None:
    from core.catalogue.places import lookup_place

    said = {
        "the Windy City": "Chicago",
        "Beantown": "Boston",
        "City of Light": "Paris",
        "the big apple": "New York",
    }
    for text, city in said.items():
        found = lookup_place(text, fuzzy=False)
        assert found is not None, text
        assert found.city == city, text
    # a nickname's words alone stay words: never stripped of "city" nor spelled near
    assert lookup_place("windy") is None
    assert lookup_place("light", fuzzy=False) is None
    assert lookup_place("Windy Cty") is None


def test_unserved_places_name_real_cities_we_do_not_fly_to() -> None:
    from core.catalogue.places import unserved_places

    assert unserved_places("Portland") == ("Portland, Oregon, US", "Portland, Maine, US")
    assert unserved_places("London") == ()  # served
    assert unserved_places("Gotham") == ()  # not a real city
