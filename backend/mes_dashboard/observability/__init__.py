"""Observability: the exported metrics, their exposition, and the alerts defined over them."""
