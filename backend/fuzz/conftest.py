"""Hypothesis profiles for the fuzz suite: `ci` (make fuzz) is derandomized, `dev` is random."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

SUPPRESSED = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]
settings.register_profile(
    "ci", derandomize=True, max_examples=300, deadline=None, suppress_health_check=SUPPRESSED
)
settings.register_profile("dev", max_examples=300, deadline=None, suppress_health_check=SUPPRESSED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
