"""Travellers' personal data: legal names, contact, seat preference, loyalty
memberships, known-traveller number and travel documents — encrypted where it is a
number (``crypto``), read masked (``service``), validated as typed (``validate``)."""
