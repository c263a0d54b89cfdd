"""Data sources: the Source protocol, the Oracle data warehouse, and the demo plant (`demo/`)."""
