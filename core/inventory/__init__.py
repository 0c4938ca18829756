"""Inventory: seats and room-nights, taken only through conditional writes."""
