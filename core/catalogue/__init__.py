"""The demo catalogue: hubs, places, the route network, hotels and the seeder (DESIGN §7)."""

from core.catalogue.hubs import HUB_CODES, METROS, REGIONS, Hub, Metro, hub, hubs
from core.catalogue.network import CARRIER_BY_CODE, CARRIERS, CarrierInfo, schedule
from core.catalogue.places import Place, resolve_airports, resolve_place
from core.catalogue.seed import CatalogueStats, seed_catalogue

__all__ = [
    "CARRIERS",
    "CARRIER_BY_CODE",
    "HUB_CODES",
    "METROS",
    "REGIONS",
    "CarrierInfo",
    "CatalogueStats",
    "Hub",
    "Metro",
    "Place",
    "hub",
    "hubs",
    "resolve_airports",
    "resolve_place",
    "schedule",
    "seed_catalogue",
]
