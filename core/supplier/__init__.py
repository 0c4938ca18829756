"""Suppliers: the Supplier interface, the simulated GDS/hotel supplier, resilience."""
