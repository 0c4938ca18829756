"""Airline disruptions: the signed status feed, affected bookings, ranked alternatives."""
