"""The hub airports and the metro areas they serve: static, pure, no database.

Airport facts (name, country, time zone, coordinates) come from the
``airportsdata`` package; what we add is the *metro* each airport belongs to —
the city a traveller names ("New York" is JFK, LGA and EWR) and the city hotels
are listed under. ``Airport.city`` in the database holds that metro name, so a
flight's airport and a hotel's city always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Final

import airportsdata

from core.errors import ValidationFailed

NA: Final = "NA"
EU: Final = "EU"
AP: Final = "AP"  # Asia-Pacific and the Middle East
REGIONS: Final = (NA, EU, AP)


@dataclass(frozen=True)
class Metro:
    """A city as people name it, with its airports in order of preference."""

    name: str
    code: str  # three letters; prefixes hotel ids ("LON01")
    region: str
    airports: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    # Well-known nicknames ("the Windy City"): read whole (a leading "the" aside), never
    # stripped of "city" nor spelled near, so "windy" alone stays a word (core.catalogue.places).
    nicknames: tuple[str, ...] = ()


# Aliases are what people type besides the metro name and its airports' own names
# (those are added automatically from airportsdata).
METROS: Final[tuple[Metro, ...]] = (
    Metro("New York", "NYC", NA, ("JFK", "LGA", "EWR"),
          ("NYC", "New York City", "NY", "Manhattan", "Brooklyn", "Newark", "Big Apple")),
    Metro("Boston", "BOS", NA, ("BOS",), ("Logan",),
          nicknames=("Beantown",)),
    Metro("Washington", "WAS", NA, ("IAD", "DCA"),
          ("Washington DC", "Washington D.C.", "DC", "D.C.", "Dulles", "Reagan National")),
    Metro("Chicago", "CHI", NA, ("ORD", "MDW"), ("O'Hare", "Ohare", "Midway", "Chi-town"),
          nicknames=("Windy City",)),
    Metro("Atlanta", "ATL", NA, ("ATL",), ("Hartsfield",),
          nicknames=("Hotlanta",)),
    Metro("Miami", "MIA", NA, ("MIA",), (),
          nicknames=("Magic City",)),
    Metro("Dallas", "DAL", NA, ("DFW",),
          ("Dallas Fort Worth", "Dallas-Fort Worth", "Dallas/Fort Worth", "Fort Worth"),
          nicknames=("Big D",)),
    Metro("Denver", "DEN", NA, ("DEN",), (),
          nicknames=("Mile High City",)),
    Metro("Seattle", "SEA", NA, ("SEA",), ("Seattle-Tacoma", "Tacoma", "Sea-Tac"),
          nicknames=("Emerald City",)),
    Metro("San Francisco", "SFO", NA, ("SFO",),
          ("SF", "San Fran", "San Francisco Bay Area", "Bay Area"),
          nicknames=("Frisco", "City by the Bay")),
    Metro("Los Angeles", "LAX", NA, ("LAX",), ("LA", "L.A."),
          nicknames=("City of Angels",)),
    Metro("Toronto", "YTO", NA, ("YYZ",), ("Pearson", "Mississauga")),
    # "LDN": how London is shortened in chat (no airport's code, no word)
    Metro("London", "LON", EU, ("LHR", "LGW"), ("Heathrow", "Gatwick", "London UK", "LDN")),
    Metro("Paris", "PAR", EU, ("CDG", "ORY"), ("Charles de Gaulle", "Roissy", "Orly"),
          nicknames=("City of Light", "City of Lights")),
    Metro("Frankfurt", "FRA", EU, ("FRA",), ("Frankfurt am Main",),
          nicknames=("Mainhattan",)),
    Metro("Amsterdam", "AMS", EU, ("AMS",), ("Schiphol",)),
    Metro("Madrid", "MAD", EU, ("MAD",), ("Barajas",)),
    Metro("Rome", "ROM", EU, ("FCO",), ("Roma", "Fiumicino"),
          nicknames=("Eternal City",)),
    Metro("Zurich", "ZRH", EU, ("ZRH",), ("Zürich", "Zuerich")),
    Metro("Dublin", "DUB", EU, ("DUB",), ()),
    Metro("Tokyo", "TYO", AP, ("NRT", "HND"), ("Narita", "Haneda")),
    Metro("Seoul", "SEL", AP, ("ICN",), ("Incheon",)),
    Metro("Singapore", "SIN", AP, ("SIN",), ("Changi",),
          nicknames=("Lion City",)),
    Metro("Hong Kong", "HKG", AP, ("HKG",), ("HK",)),
    Metro("Sydney", "SYD", AP, ("SYD",), ()),
    Metro("Dubai", "DXB", AP, ("DXB",), ()),
    Metro("Delhi", "DEL", AP, ("DEL",), ("New Delhi",)),
)

METRO_BY_NAME: Final = MappingProxyType({m.name: m for m in METROS})
METRO_OF: Final = MappingProxyType({code: m for m in METROS for code in m.airports})
HUB_CODES: Final[tuple[str, ...]] = tuple(code for m in METROS for code in m.airports)


@dataclass(frozen=True)
class Hub:
    """One hub airport as stored in the ``airports`` table."""

    code: str
    name: str
    city: str  # the metro name ("New York" for EWR too)
    country: str
    region: str
    tz: str
    lat: float
    lon: float

    @property
    def metro(self) -> Metro:
        return METRO_OF[self.code]


@lru_cache(maxsize=1)
def airport_table() -> dict[str, airportsdata.Airport]:
    """airportsdata's IATA table (loaded once)."""
    return airportsdata.load("IATA")


def airport_info(code: str) -> airportsdata.Airport | None:
    """Raw airportsdata facts for any IATA code (not only hubs), or None."""
    return airport_table().get(code.upper())


@lru_cache(maxsize=1)
def hubs() -> MappingProxyType[str, Hub]:
    """Every hub by IATA code, in the order of ``HUB_CODES``."""
    data = airport_table()
    out: dict[str, Hub] = {}
    for code in HUB_CODES:
        row = data[code]
        metro = METRO_OF[code]
        out[code] = Hub(
            code=code,
            name=row["name"],
            city=metro.name,
            country=row["country"],
            region=metro.region,
            tz=row["tz"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
        )
    return MappingProxyType(out)


def hub(code: str) -> Hub:
    """The hub with this IATA code (any case), or ``ValidationFailed``."""
    found = hubs().get(code.strip().upper())
    if found is None:
        raise ValidationFailed(f"{code!r} is not an airport we serve", field="airport")
    return found


def same_metro(a: str, b: str) -> bool:
    return METRO_OF[a] is METRO_OF[b]
