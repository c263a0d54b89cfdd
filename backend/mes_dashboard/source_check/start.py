"""The blocking part of the source check, run once before the service starts."""

from __future__ import annotations

import logging

from mes_dashboard.config import Settings
from mes_dashboard.services import build_source
from mes_dashboard.source_check.report import SourceUnreachable, blocking_problems, object_names
from mes_dashboard.sources.base import OBJECTS

log = logging.getLogger(__name__)


def check_at_start(settings: Settings) -> None:
    """SystemExit naming every blocking problem; an unreachable source only warns (cold start)."""
    configured = {obj: getattr(settings, attr) for obj, attr in OBJECTS.items()}
    source = build_source(settings)
    try:
        problems = blocking_problems(source, object_names(configured))
    except SourceUnreachable as exc:
        log.warning("source check skipped at start: %s", exc)
        return
    finally:
        source.close()
    if problems:
        message = "refusing to start, the source is not usable:\n" + "\n".join(
            f"  {p}" for p in problems
        )
        log.error(message)
        raise SystemExit(message + "\n(run `mes-dashboard check-source` for the full report)")
