"""Demo hotels: 3-5 per metro, priced around each city's level. Pure and deterministic.

Nightly rates straddle the usual corporate caps on purpose (a 3-star under
250 USD, a 5-star well over it in London, New York, Zurich and Tokyo) so that
the policy has something to say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Final

from core.catalogue.hubs import METRO_BY_NAME
from core.catalogue.network import unit


@dataclass(frozen=True)
class HotelPlan:
    id: str  # "LON01": metro code + two digits (uppercase alphanumerics only)
    name: str
    city: str
    airport_code: str
    stars: int
    chain: str
    address: str
    base_rate_usd: float
    rooms: int
    refundable: bool


# Metro -> (a 4-star's typical nightly USD, [(neighbourhood, street address)]).
_CITIES: Final[dict[str, tuple[int, tuple[tuple[str, str], ...]]]] = {
    "New York": (330, (("Times Square", "1535 Broadway"), ("Midtown East", "301 Park Avenue"),
                       ("Financial District", "85 West Street"), ("Chelsea", "132 West 27th Street"),
                       ("Upper West Side", "2350 Broadway"))),
    "London": (310, (("Canary Wharf", "22 Hertsmere Road"), ("Park Lane", "1 Hamilton Place"),
                     ("Kings Cross", "1 Pancras Road"), ("Tower Bridge", "7 Pepys Street"),
                     ("Paddington", "146 Praed Street"))),
    "Paris": (270, (("Opera", "2 Rue Scribe"), ("La Defense", "2 Place de la Defense"),
                    ("Montparnasse", "19 Rue du Commandant Mouchotte"),
                    ("Gare de Lyon", "8 Rue de Chalon"), ("Saint-Germain", "28 Rue de Seine"))),
    "Tokyo": (270, (("Shinjuku", "2-7-2 Nishi-Shinjuku"), ("Marunouchi", "1-8-3 Marunouchi"),
                    ("Shinagawa", "4-10-30 Takanawa"), ("Roppongi", "6-10-3 Roppongi"),
                    ("Shiodome", "1-9-1 Higashi-Shimbashi"))),
    "Zurich": (300, (("Paradeplatz", "Bahnhofstrasse 87"), ("Zurich West", "Pfingstweidstrasse 102"),
                     ("Oerlikon", "Thurgauerstrasse 101"), ("Old Town", "Limmatquai 12"))),
    "San Francisco": (280, (("Union Square", "335 Powell Street"), ("SoMa", "50 Third Street"),
                            ("Embarcadero", "5 Embarcadero Center"),
                            ("Fisherman's Wharf", "2500 Mason Street"))),
    "Boston": (260, (("Back Bay", "110 Huntington Avenue"), ("Seaport", "606 Congress Street"),
                     ("Cambridge", "5 Cambridge Center"), ("Downtown", "1 Avenue de Lafayette"))),
    "Washington": (240, (("Capitol Hill", "400 New Jersey Avenue NW"),
                         ("Dupont Circle", "1500 New Hampshire Avenue NW"),
                         ("Foggy Bottom", "2401 M Street NW"), ("Arlington", "1800 Jefferson Davis Hwy"))),
    "Chicago": (210, (("The Loop", "171 West Randolph Street"),
                      ("Magnificent Mile", "540 North Michigan Avenue"),
                      ("River North", "350 West Wolf Point Plaza"), ("O'Hare", "5460 N River Road"))),
    "Seattle": (210, (("Downtown", "1113 Sixth Avenue"), ("South Lake Union", "400 Dexter Avenue N"),
                      ("Pike Place", "1415 Fifth Avenue"), ("Bellevue", "900 Bellevue Way NE"))),
    "Los Angeles": (230, (("Downtown", "930 Wilshire Boulevard"), ("Santa Monica", "1700 Ocean Avenue"),
                          ("Century City", "2025 Avenue of the Stars"), ("LAX", "5711 W Century Blvd"))),
    "Miami": (220, (("Brickell", "1395 Brickell Avenue"), ("South Beach", "1601 Collins Avenue"),
                    ("Downtown", "50 Biscayne Boulevard"))),
    "Atlanta": (170, (("Midtown", "188 14th Street NE"), ("Downtown", "265 Peachtree Center Ave"),
                      ("Buckhead", "3405 Lenox Road NE"))),
    "Dallas": (160, (("Uptown", "2222 McKinney Avenue"), ("Downtown", "1914 Commerce Street"),
                     ("Las Colinas", "5555 N MacArthur Blvd"))),
    "Denver": (180, (("LoDo", "1701 Wynkoop Street"), ("Cherry Creek", "2600 E 2nd Avenue"),
                     ("Downtown", "1550 Court Place"))),
    "Toronto": (200, (("Financial District", "100 Front Street W"), ("Yorkville", "21 Avenue Road"),
                      ("Waterfront", "1 Harbour Square"), ("Airport", "5875 Airport Road"))),
    "Frankfurt": (180, (("Bankenviertel", "Neue Mainzer Strasse 66"), ("Messe", "Osloer Strasse 5"),
                        ("Sachsenhausen", "Walther-von-Cronberg-Platz 1"),
                        ("Airport", "The Squaire Am Flughafen"))),
    "Amsterdam": (230, (("Canal Ring", "Herengracht 341"), ("Zuidas", "Parnassusweg 30"),
                        ("Centraal", "Prins Hendrikkade 59"), ("Schiphol", "Schiphol Boulevard 701"))),
    "Madrid": (160, (("Gran Via", "Gran Via 21"), ("Salamanca", "Calle de Velazquez 45"),
                     ("Castellana", "Paseo de la Castellana 57"), ("Chamartin", "Calle Agustin de Foxa 4"))),
    "Rome": (190, (("Centro Storico", "Via del Corso 126"), ("Termini", "Via Marsala 80"),
                   ("EUR", "Viale Europa 190"), ("Trastevere", "Viale di Trastevere 72"))),
    "Dublin": (210, (("Docklands", "North Wall Quay 1"), ("St Stephen's Green", "27 St Stephen's Green"),
                     ("Ballsbridge", "Merrion Road 41"))),
    "Seoul": (170, (("Gangnam", "521 Teheran-ro"), ("Myeongdong", "30 Eulji-ro"),
                    ("Yeouido", "10 Gukjegeumyung-ro"), ("Jongno", "1 Jong-ro"))),
    "Singapore": (240, (("Marina Bay", "10 Bayfront Avenue"), ("Orchard", "442 Orchard Road"),
                        ("Raffles Place", "80 Collyer Quay"), ("Changi", "78 Airport Boulevard"))),
    "Hong Kong": (230, (("Central", "15 Queen's Road Central"), ("Admiralty", "88 Queensway"),
                        ("Tsim Sha Tsui", "18 Salisbury Road"), ("Wan Chai", "1 Harbour Road"))),
    "Sydney": (220, (("Circular Quay", "61 Macquarie Street"), ("Darling Harbour", "161 Sussex Street"),
                     ("Barangaroo", "2 Hickson Road"), ("Mascot", "20 Levey Street"))),
    "Dubai": (200, (("DIFC", "Gate Village 4"), ("Downtown", "1 Sheikh Mohammed bin Rashid Blvd"),
                    ("Dubai Marina", "The Walk JBR"), ("Deira", "Port Saeed Road"))),
    "Delhi": (120, (("Connaught Place", "1 Barakhamba Lane"), ("Aerocity", "Asset 2 GMR Hospitality"),
                    ("Gurugram", "DLF Cyber City Phase 2"))),
}

# (chain, brand, stars): the brand goes into the hotel name.
_BRANDS: Final = (
    ("IHG", "InterContinental", 5),
    ("Accor", "Sofitel", 5),
    ("Marriott", "Marriott", 4),
    ("Hilton", "Hilton", 4),
    ("Hyatt", "Hyatt Regency", 4),
    ("Radisson", "Radisson Blu", 4),
    ("Accor", "Novotel", 3),
    ("IHG", "Holiday Inn Express", 3),
    ("citizenM", "citizenM", 3),
)
_STAR_FACTOR: Final = {3: 0.68, 4: 1.0, 5: 1.55}
# The star mix by hotel count: a spread from budget to luxury.
_STAR_MIX: Final = {3: (5, 4, 3), 4: (5, 4, 4, 3), 5: (5, 4, 4, 3, 3)}


def hotel_brands() -> tuple[str, ...]:
    """The names a traveller may ask for a hotel by ("a Hilton in London", "any Marriott"):
    every brand and chain of the catalogue, longest first."""
    names = {name for chain, brand, _ in _BRANDS for name in (chain, brand)}
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


def hotel_areas() -> dict[str, tuple[str, ...]]:
    """The neighbourhoods the catalogue's hotels are in ("Times Square", "Canary Wharf"),
    longest first, each with the cities it is in ("Downtown" is in several): where a
    traveller may ask to stay, never a place to fly to."""
    cities: dict[str, list[str]] = {}
    for city, (_, spots) in _CITIES.items():
        for area, _ in spots:
            cities.setdefault(area, []).append(city)
    return {a: tuple(cities[a]) for a in sorted(cities, key=lambda n: (-len(n), n))}


@lru_cache(maxsize=1)
def hotel_plans() -> tuple[HotelPlan, ...]:
    plans: list[HotelPlan] = []
    for city, (level, spots) in _CITIES.items():
        metro = METRO_BY_NAME[city]
        mix = _STAR_MIX[len(spots)]
        used: set[str] = set()
        for i, ((area, street), stars) in enumerate(zip(spots, mix, strict=True), start=1):
            options = [b for b in _BRANDS if b[2] == stars and b[1] not in used]
            chain, brand, _ = options[int(unit("brand", city, i) * len(options))]
            used.add(brand)
            rate = level * _STAR_FACTOR[stars] * (0.9 + 0.2 * unit("rate", city, i))
            plans.append(
                HotelPlan(
                    id=f"{metro.code}{i:02d}",
                    name=f"{brand} {city} {area}",
                    city=city,
                    airport_code=metro.airports[0],
                    stars=stars,
                    chain=chain,
                    address=f"{street}, {city}",
                    base_rate_usd=rate,
                    rooms=20 + int(unit("rooms", city, i) * 40),
                    # Budget brands sell non-refundable rates; the rest are flexible.
                    refundable=stars >= 4 or unit("refund", city, i) < 0.5,
                )
            )
    return tuple(plans)


def nightly_rate_minor(plan: HotelPlan, night: date) -> int:
    """The rate for one night: business hotels are cheaper on Friday and Saturday."""
    weekend = 0.88 if night.weekday() in (4, 5) else 1.0
    wobble = 0.94 + 0.12 * unit("night", plan.id, night.isoformat())
    return round(plan.base_rate_usd * weekend * wobble) * 100
