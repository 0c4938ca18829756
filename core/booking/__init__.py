"""Bookings: the state machine, holds → confirmation saga, views."""
