"""Bookings as trips: one view per booking (``views.TripView``: flights and stays on
local clocks, hold, policy, payment and the actions allowed now), "My trips" and a
manager's "Team trips" (``service``)."""

from core.trips.service import in_words, list_trips, load_trip
from core.trips.views import TripList, TripView

__all__ = ["TripList", "TripView", "in_words", "list_trips", "load_trip"]
