"""Resilience: error classification, the circuit breaker and the in-flight limit."""
