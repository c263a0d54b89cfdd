"""Snapshots: build typed Arrow tables from raw source tables, encode them, store and refresh."""
