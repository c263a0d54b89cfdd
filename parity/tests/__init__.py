"""The parity properties (run: pytest parity/tests)."""
