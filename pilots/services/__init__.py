"""Writes for pilots, one module per entity: proposals, pilots, measurements, contacts."""
