"""HTTP probes of the app's liveness and readiness endpoints."""

from __future__ import annotations

import urllib.error
import urllib.request


def probe(url: str, timeout_s: float) -> tuple[bool, str]:
    """GET `url`: (answered 200, what happened otherwise)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as resp:
            return resp.status == 200, f"HTTP {resp.status}"
    except urllib.error.HTTPError as err:
        return False, f"HTTP {err.code}"
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        return False, f"{type(reason).__name__}: {reason}"
