"""Resilience: error classification, the circuit breaker, the in-flight limit, the health probe."""
