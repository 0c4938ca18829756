"""A booking as a trip to take away: its flights and stays in order, on local clocks.

``views.py`` builds the typed :class:`~core.itinerary.views.ItineraryView` from the
booking's own view; ``ics.py`` writes it as RFC 5545 (``icalendar``), ``render.py`` as
HTML and plain text (Jinja2, HTML autoescaped) for the API and the confirmation e-mail.
"""

from core.itinerary.ics import MEDIA_TYPE, itinerary_ics
from core.itinerary.render import itinerary_html, itinerary_text
from core.itinerary.views import ItineraryView, load_itinerary, org_itinerary

__all__ = [
    "MEDIA_TYPE",
    "ItineraryView",
    "itinerary_html",
    "itinerary_ics",
    "itinerary_text",
    "load_itinerary",
    "org_itinerary",
]
