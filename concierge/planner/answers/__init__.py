"""Answers to questions, from the tools' typed outputs (policy rules, trips, bookings)."""
