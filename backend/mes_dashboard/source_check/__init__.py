"""The go-live source check: required columns and types, row counts, and data findings."""
