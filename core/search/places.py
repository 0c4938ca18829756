"""Place resolution lives in :mod:`core.catalogue.places`; re-exported for search callers."""

from core.catalogue.places import Place, normalize, resolve_airports, resolve_place, served_cities

__all__ = ["Place", "normalize", "resolve_airports", "resolve_place", "served_cities"]
