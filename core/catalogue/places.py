"""Place resolution: turn what a person types into the airports we serve.

Pure Python (no database), so the offline planner and the tools can call it
freely. Understands metro names ("New York" = JFK, LGA, EWR), airport codes in
any case, airport names ("Heathrow"), common aliases ("SF", "NYC", "DC"), city nicknames
("the Windy City", exact only) and
typos ("Londn", "Frankfrut", "san fransisco") via a conservative fuzzy match
(``rapidfuzz`` over the catalogue's names).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from rapidfuzz import fuzz, process

from core.catalogue.hubs import HUB_CODES, METROS, Metro, airport_info, airport_table, hubs
from core.errors import ValidationFailed

# A typo must be this close (rapidfuzz ratio, 0-100: normalised Indel similarity)
# to count; below it we only suggest.
_MATCH_CUTOFF = 78.0
_SUGGEST_CUTOFF = 60.0
# Words that carry no place information ("JFK airport", "London city centre").
_NOISE = frozenset({"airport", "airports", "international", "intl", "the", "city", "centre", "center"})
# "Paris, France" / "Boston MA": a trailing country or state we can drop.
_TRAILERS = frozenset({
    "usa", "us", "uk", "gb", "england", "france", "germany", "netherlands", "spain", "italy",
    "switzerland", "ireland", "japan", "korea", "south korea", "australia", "uae", "india",
    "canada", "ny", "ma", "il", "ga", "fl", "tx", "co", "wa", "ca", "on", "nsw", "hong kong sar",
})


@dataclass(frozen=True)
class Place:
    """A resolved place.

    ``kind`` is ``"metro"`` when the text named a city (every airport of the
    metro is included) and ``"airport"`` when it named one airport (by code or
    name). ``city`` is always the metro name, which is also the hotel city.
    """

    query: str
    kind: Literal["metro", "airport"]
    name: str
    city: str
    airports: tuple[str, ...]
    region: str
    country: str
    tz: str

    def label(self) -> str:
        """Human label: ``"New York (JFK, LGA, EWR)"``."""
        return f"{self.name} ({', '.join(self.airports)})"


def normalize(text: str) -> str:
    """Lower case, no accents or punctuation, single spaces."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = re.sub(r"[^a-z0-9 ]+", " ", folded.lower().replace("'", "").replace(".", ""))
    return " ".join(folded.split())


def _strip_noise(key: str) -> str:
    words = [w for w in key.split() if w not in _NOISE]
    return " ".join(words) if words else key


# Alias key -> (metro, the single airport it names or None for the whole metro).
_Target = tuple[Metro, str | None]


@lru_cache(maxsize=1)
def _aliases() -> dict[str, _Target]:
    table: dict[str, _Target] = {}

    def add(alias: str, target: _Target) -> None:
        key = _strip_noise(normalize(alias))
        if key and len(key) > 1:
            # Metro-level names win over airport names that happen to collide.
            if key not in table or target[1] is None:
                table[key] = target

    for code, hub in hubs().items():
        metro = hub.metro
        info = airport_info(code)
        add(hub.name, (metro, code))
        if info is not None and info["city"] and normalize(info["city"]) != normalize(metro.name):
            # airportsdata's own city ("Newark", "Mississauga") names one airport
            # unless the metro lists it as an alias of the whole metro.
            add(info["city"], (metro, code if len(metro.airports) > 1 else None))
    for metro in METROS:
        add(metro.name, (metro, None))
        for alias in metro.aliases:
            add(alias, (metro, None))
    # Airport nicknames that name one airport of a multi-airport metro.
    for alias, code in (
        ("Heathrow", "LHR"), ("Gatwick", "LGW"), ("Charles de Gaulle", "CDG"), ("Roissy", "CDG"),
        ("Orly", "ORY"), ("Narita", "NRT"), ("Haneda", "HND"), ("O'Hare", "ORD"), ("Ohare", "ORD"),
        ("Midway", "MDW"), ("Dulles", "IAD"), ("Reagan National", "DCA"), ("Newark", "EWR"),
        ("LaGuardia", "LGA"), ("La Guardia", "LGA"), ("Kennedy", "JFK"), ("JFK Airport", "JFK"),
    ):
        table[_strip_noise(normalize(alias))] = (hubs()[code].metro, code)
    return table


def _nickname_key(text: str) -> str:
    """A nickname's key: normalised whole, a leading "the" aside ("the Windy City")."""
    return normalize(text).removeprefix("the ")


@lru_cache(maxsize=1)
def _nicknames() -> dict[str, Metro]:
    """Nickname key -> metro. Kept apart from the aliases: read whole and exactly, never
    stripped of "city" nor spelled near, so "windy" or "light" stay words."""
    return {_nickname_key(nick): metro for metro in METROS for nick in metro.nicknames}


def _place(query: str, target: _Target) -> Place:
    metro, code = target
    first = hubs()[code or metro.airports[0]]
    return Place(
        query=query,
        kind="airport" if code else "metro",
        name=first.name if code else metro.name,
        city=metro.name,
        airports=(code,) if code else metro.airports,
        region=metro.region,
        country=first.country,
        tz=first.tz,
    )


def _candidates(text: str) -> list[str]:
    """Keys to try, most specific first: the whole text, then without a trailer."""
    key = _strip_noise(normalize(text))
    out = [key]
    if "," in text:
        head = _strip_noise(normalize(text.split(",", 1)[0]))
        if head:
            out.append(head)
    words = key.split()
    while len(words) > 1 and " ".join(words[-2:]) in _TRAILERS:
        words = words[:-2]
        out.append(" ".join(words))
    while len(words) > 1 and words[-1] in _TRAILERS:
        words = words[:-1]
        out.append(" ".join(words))
    return [k for k in dict.fromkeys(out) if k]


def resolve_place(text: str, *, fuzzy: bool = True) -> Place:
    """Resolve a city, metro, airport code, alias or near-miss spelling.

    Raises ``ValidationFailed`` for anything else, with suggestions when some
    place is close. ``fuzzy=False`` accepts exact names, aliases and codes only
    (for scanning free text, where every word is a candidate).
    """
    raw = (text or "").strip()
    if not raw:
        raise ValidationFailed("An airport or city is required", field="place")
    found = _match(raw, fuzzy=fuzzy)
    if found is not None:
        return found
    raise ValidationFailed(_unknown_message(raw, _candidates(raw)), field="place")


@lru_cache(maxsize=4096)
def _match(raw: str, *, fuzzy: bool) -> Place | None:
    """The place ``raw`` names, or None (no message: scanning free text calls this a lot)."""
    code = raw.upper()
    if len(code) == 3 and code.isalpha():
        if code in hubs():
            return _place(raw, (hubs()[code].metro, code))
        # A three-letter city alias ("NYC", "LON" is not one) before giving up.
        metro = next((m for m in METROS if m.code == code and len(m.airports) > 1), None)
        if metro is not None:
            return _place(raw, (metro, None))
    nicknamed = _nicknames().get(_nickname_key(raw))
    if nicknamed is not None:
        return _place(raw, (nicknamed, None))
    table = _aliases()
    keys = _candidates(raw)
    for key in keys:
        if key in table:
            return _place(raw, table[key])
    for key in keys:
        named = _city_then_airport(key)
        if named is not None:
            return _place(raw, named)
    # Fuzzy: only against names (never codes) and only for texts long enough to
    # carry a spelling, so "LAS" does not silently become "LAX".
    for key in keys:
        if len(key) < 4 or not fuzzy:
            continue
        close = _close_names(key, _MATCH_CUTOFF, 1)
        if close:
            return _place(raw, table[close[0]])
    return None


def _city_then_airport(key: str) -> _Target | None:
    """ "new york jfk", "new york newark", "paris cdg": a city, then one of its own airports
    (by code or name) — that airport. None when the rest is no airport of that city."""
    words = key.split()
    table = _aliases()
    for cut in range(1, len(words)):
        city = table.get(" ".join(words[:cut]))
        if city is None or city[1] is not None:
            continue
        own = _match(" ".join(words[cut:]), fuzzy=False)
        if own is not None and own.kind == "airport" and own.city == city[0].name:
            return (city[0], own.airports[0])
    return None


@lru_cache(maxsize=1)
def _names() -> tuple[str, ...]:
    """Alias keys a spelling can be near: names, never codes."""
    return tuple(k for k in _aliases() if len(k) >= 4)


def _close_names(key: str, cutoff: float, limit: int) -> list[str]:
    """Catalogue names nearest ``key`` (rapidfuzz ratio >= ``cutoff``), best first."""
    hits = process.extract(key, _names(), scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)
    return [name for name, _score, _i in hits]


def _unknown_message(raw: str, keys: list[str]) -> str:
    message = f"Unknown airport or city {raw!r}"
    info = airport_info(raw) if len(raw.strip()) == 3 else None
    if info is not None:
        message = (
            f"We do not serve {raw.strip().upper()} ({info['name']}, {info['city']}); "
            "choose one of our cities or hub airports"
        )
        return message
    suggestions: list[str] = []
    table = _aliases()
    for key in keys:
        for match in _close_names(key, _SUGGEST_CUTOFF, 3):
            city = table[match][0].name
            if city not in suggestions:
                suggestions.append(city)
    if suggestions:
        return f"{message}. Did you mean {' or '.join(suggestions[:3])}?"
    return f"{message}. Try a city such as London or New York, or an airport code such as JFK"


def lookup_place(text: str, *, fuzzy: bool = True) -> Place | None:
    """:func:`resolve_place`, or None when nothing matches."""
    raw = (text or "").strip()
    return _match(raw, fuzzy=fuzzy) if raw else None


@lru_cache(maxsize=1)
def _world_cities() -> dict[str, tuple[str, ...]]:
    """Every city airportsdata knows (normalized name -> "City, Region, Country" labels)."""
    data = _airportsdata_all()
    out: dict[str, dict[str, None]] = {}
    for row in data.values():
        city = row["city"]
        if not city:
            continue
        where = ", ".join(p for p in (city, row["subd"], row["country"]) if p)
        out.setdefault(normalize(city), {})[where] = None
    return {k: tuple(v) for k, v in out.items()}


def _airportsdata_all() -> dict[str, Any]:
    return dict(airport_table())


def unserved_places(text: str) -> tuple[str, ...]:
    """Real cities of that name we do not serve: ``("Portland, Oregon, US", "Portland, Maine, US")``.

    Lets a conversation say "we don't fly to Portland" (or ask which Portland)
    instead of "unknown place".
    """
    key = normalize(text)
    if lookup_place(text, fuzzy=False) is not None:
        return ()
    return _world_cities().get(key, ())


def resolve_airports(text: str) -> tuple[str, ...]:
    """Shorthand: the airport codes a text stands for."""
    return resolve_place(text).airports


def served_cities() -> tuple[str, ...]:
    return tuple(m.name for m in METROS)


__all__ = [
    "HUB_CODES",
    "Place",
    "lookup_place",
    "normalize",
    "resolve_airports",
    "resolve_place",
    "served_cities",
    "unserved_places",
]
