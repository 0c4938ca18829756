"""Flight and hotel search over the catalogue."""
