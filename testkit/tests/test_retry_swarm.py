"""50 clients of the real fetch client in Chromium against a 503 with Retry-After: 2."""

from __future__ import annotations

from testkit.retry_swarm import run_swarm

CLIENTS = 50
RETRY_AFTER_S = 2


def test_a_swarm_retries_no_earlier_than_retry_after_and_spread_out() -> None:
    flaky, attempts = run_swarm(CLIENTS, RETRY_AFTER_S)
    assert attempts == [2] * CLIENTS
    delays = flaky.delays_s()
    assert len(delays) == CLIENTS
    assert min(delays) >= RETRY_AFTER_S
    assert len({int(d * 10) for d in delays}) > 1  # not all in the same 100 ms
    assert flaky.attempt_headers == ["1"] * CLIENTS
