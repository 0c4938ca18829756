"""The manual-review queue: what waits for a person, and what they decided."""
