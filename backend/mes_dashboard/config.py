"""Settings: the one place that reads the environment (and `.env`) into a frozen, typed object.

Every setting has a default except the production secrets. `load_settings()` raises
`ConfigError` with a message naming the variable for a bad value, and for a missing or placeholder
secret when `MES_ENV=production`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

NON_QUALITY_HOLD_REASONS = (
    "IQC檢驗(久存品驗證)(QC)",
    "大中/安波幅50pcs樣品留樣(PD)",
    "工程驗證(PE)",
    "工程驗證(RD)",
    "指定機台生產",
    "特殊需求(X-Ray全檢)",
    "特殊需求管控",
    "第一次量產QC品質確認(QC)",
    "需綁尾數(PD)",
    "樣品需求留存打樣(樣品)",
    "盤點(收線)需求",
)
EXCLUDED_LOCATIONS = (
    "ATEC",
    "F區",
    "F區焊接站",
    "報廢",
    "實驗室",
    "山東",
    "成型站_F區",
    "焊接F區",
    "無錫",
    "熒茂",
)
PLACEHOLDERS = frozenset({"", "change-me", "changeme", "secret", "password", "xxx", "todo"})


class ConfigError(ValueError):
    """A setting is missing, malformed or a placeholder where a real value is required."""


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected a boolean, got {raw!r}")


def _list(raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


@dataclass(frozen=True)
class Settings:
    """Every setting of the service; field metadata names the environment variable."""

    env: str = "development"
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 2
    threads: int = 8
    graceful_timeout_s: int = 30
    worker_timeout_s: int = 60
    keepalive_s: int = 5
    max_requests: int = 20000
    max_requests_jitter: int = 2000
    pidfile: str = ""
    log_level: str = "INFO"
    secret_key: str = "dev-only-not-secret"
    plant_tz: str = "Asia/Taipei"
    page_registry: str = ".data/pages.json"
    state_dir: str = ".data/state"

    source: str = "demo"
    demo_db: str = ".data/demo.sqlite"
    demo_lots: int = 12000
    demo_machines: int = 3000
    demo_seed: int = 20251201
    demo_simulate: bool = True
    demo_tick_seconds: float = 5.0
    demo_faults: str = ""
    demo_history_days: int = 90
    demo_pool_max: int = 4
    demo_wait_timeout_ms: int = 3000
    demo_call_timeout_ms: int = 30000

    oracle_dsn: str = ""
    oracle_user: str = ""
    oracle_password: str = ""
    oracle_pool_min: int = 1
    oracle_pool_max: int = 4
    oracle_pool_increment: int = 1
    oracle_wait_timeout_ms: int = 3000
    oracle_ping_interval_s: int = 60
    oracle_session_lifetime_s: int = 1800
    oracle_call_timeout_ms: int = 30000
    oracle_health_pool_max: int = 1
    obj_lot: str = "DWH.DW_MES_LOT_V"
    obj_resource: str = "DWH.DW_MES_RESOURCE"
    obj_equipment_status: str = "DWH.DW_MES_EQUIPMENTSTATUS_WIP_V"
    obj_spec_workcenter: str = "DWH.DW_MES_SPEC_WORKCENTER_V"
    obj_resource_history: str = "DWH.DW_MES_RESOURCESTATUS_SHIFT"

    redis_url: str = ""
    redis_prefix: str = "mes"
    redis_socket_timeout_s: float = 1.0
    redis_connect_timeout_s: float = 1.0

    # the database circuit breaker (per process) and the refresher's retry after a failure
    breaker_threshold: int = 3
    breaker_open_s: float = 5.0
    breaker_open_cap_s: float = 30.0
    breaker_jitter: float = 0.2
    refresh_retry_s: float = 5.0
    health_probe_timeout_s: float = 1.0

    # requests per client IP per window (0: unlimited) on the expensive routes
    rate_limit_window_s: int = 60
    rate_limit_snapshot: int = 120
    rate_limit_query: int = 30
    # prometheus-client's multiprocess directory (deploy/gunicorn.conf.py sets it for workers)
    prometheus_multiproc_dir: str = ""

    # per dataset (datasets/<name>.py names its two fields): server refresh, browser poll
    refresh_wip_s: float = 60.0
    refresh_resource_s: float = 30.0
    query_cache_ttl_s: float = 300.0
    # delta snapshots: versions a client may name in ?since= (0: no deltas), and the largest
    # delta kept, as a share of the full IPC payload
    delta_bases: int = 4
    delta_max_share: float = 0.25
    ui_refresh_wip_s: int = 600
    ui_refresh_resource_s: int = 300

    # sign-in: local accounts, LDAP, sessions, limiter, audit (auth/)
    accounts_file: str = ".data/accounts.json"
    audit_log: str = ".data/audit.jsonl"
    admin_users: tuple[str, ...] = ()
    ldap_url: str = ""
    ldap_user_dn_template: str = ""
    ldap_search_base: str = ""
    ldap_search_filter: str = "(uid={username})"
    ldap_bind_dn: str = ""
    ldap_bind_password: str = ""
    ldap_admin_group: str = ""
    ldap_timeout_s: float = 5.0
    session_idle_s: int = 1800
    session_absolute_s: int = 43200
    cookie_secure: bool = True
    sign_in_max_failures: int = 5
    sign_in_window_s: float = 900.0

    # watchdog (watchdog/): probe, restart policy, restart command
    watchdog_url: str = ""
    watchdog_interval_s: float = 10.0
    watchdog_probe_timeout_s: float = 3.0
    watchdog_failures: int = 3
    watchdog_cooldown_s: float = 300.0
    watchdog_budget: int = 3
    watchdog_window_s: float = 3600.0
    watchdog_restart_command: str = ""
    watchdog_history: int = 50

    non_quality_hold_reasons: tuple[str, ...] = NON_QUALITY_HOLD_REASONS
    excluded_locations: tuple[str, ...] = EXCLUDED_LOCATIONS

    @property
    def zone(self) -> ZoneInfo:
        """The plant time zone."""
        return ZoneInfo(self.plant_tz)

    @property
    def app_url(self) -> str:
        """Where the watchdog probes the app (`MES_WATCHDOG_URL`, else host and port)."""
        if self.watchdog_url:
            return self.watchdog_url.rstrip("/")
        host = "127.0.0.1" if self.host in {"0.0.0.0", ""} else self.host
        return f"http://{host}:{self.port}"

    @property
    def is_production(self) -> bool:
        """True when running with production safety checks."""
        return self.env == "production"

    def public(self) -> dict[str, Any]:
        """Settings in effect, secrets masked (for /health/deep and logs)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in SECRET_FIELDS:
                value = "***" if value else ""
            elif f.name == "redis_url" and "@" in value:
                value = "redis://***@" + value.rsplit("@", 1)[1]
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out


SECRET_FIELDS = frozenset({"secret_key", "ldap_bind_password", "oracle_password"})


def _env_name(field_name: str) -> str:
    if field_name.startswith(("redis_", "oracle_", "prometheus_")):
        return field_name.upper()
    return "MES_" + field_name.upper()


def _caster(default: Any) -> Callable[[str], Any]:
    if isinstance(default, bool):
        return _bool
    if isinstance(default, int):
        return int
    if isinstance(default, float):
        return float
    if isinstance(default, tuple):
        return _list
    return str


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env"
) -> Settings:
    """Read settings from `environ` (default `os.environ`) over the values in `env_file`."""
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    defaults = Settings()
    kwargs: dict[str, Any] = {}
    for f in fields(Settings):
        name = _env_name(f.name)
        if name not in values:
            continue
        raw = values[name]
        try:
            kwargs[f.name] = _caster(getattr(defaults, f.name))(raw)
        except ValueError as exc:
            raise ConfigError(f"{name}: {exc}") from None
    settings = Settings(**kwargs)
    _validate(settings)
    return settings


def _validate(s: Settings) -> None:
    if s.env not in {"development", "production", "test"}:
        raise ConfigError(f"MES_ENV must be development, production or test, not {s.env!r}")
    if s.source not in {"demo", "oracle"}:
        raise ConfigError(f"MES_SOURCE must be demo or oracle, not {s.source!r}")
    try:
        ZoneInfo(s.plant_tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"MES_PLANT_TZ: unknown time zone {s.plant_tz!r}") from None
    at_least_one = ("oracle_pool_max", "demo_lots", "demo_pool_max", "breaker_threshold")
    watchdog_ints = ("watchdog_failures", "watchdog_budget", "watchdog_history")
    gunicorn_ints = ("graceful_timeout_s", "worker_timeout_s")
    for name in ("port", "workers", "threads", *at_least_one, *watchdog_ints, *gunicorn_ints):
        if getattr(s, name) < 1:
            raise ConfigError(f"{_env_name(name)} must be at least 1")
    if s.rate_limit_snapshot < 0 or s.rate_limit_query < 0 or s.breaker_jitter < 0:
        raise ConfigError("MES_RATE_LIMIT_* and MES_BREAKER_JITTER must not be negative")
    if s.max_requests < 0 or s.max_requests_jitter < 0 or s.watchdog_cooldown_s < 0:
        raise ConfigError(
            "MES_MAX_REQUESTS, MES_MAX_REQUESTS_JITTER and MES_WATCHDOG_COOLDOWN_S must not be "
            "negative"
        )
    if s.oracle_pool_min > s.oracle_pool_max:
        raise ConfigError("ORACLE_POOL_MIN must not exceed ORACLE_POOL_MAX")
    if s.demo_history_days < 0:
        raise ConfigError("MES_DEMO_HISTORY_DAYS must not be negative")
    if s.delta_bases < 0:
        raise ConfigError("MES_DELTA_BASES must not be negative")
    if not 0 < s.delta_max_share <= 1:
        raise ConfigError("MES_DELTA_MAX_SHARE must be above 0 and at most 1")
    refresh = [f.name for f in fields(s) if f.name.startswith("refresh_")]
    positive = (
        "breaker_open_s",
        "breaker_open_cap_s",
        "health_probe_timeout_s",
        "query_cache_ttl_s",
        "ldap_timeout_s",
        "sign_in_window_s",
        "watchdog_interval_s",
        "watchdog_probe_timeout_s",
        "watchdog_window_s",
    )
    for name in (*refresh, *positive, "redis_socket_timeout_s", "rate_limit_window_s"):
        if getattr(s, name) <= 0:
            raise ConfigError(f"{_env_name(name)} must be positive")
    if s.source == "oracle" and not (s.oracle_dsn and s.oracle_user):
        raise ConfigError("MES_SOURCE=oracle needs ORACLE_DSN and ORACLE_USER")
    for name in ("session_idle_s", "session_absolute_s", "sign_in_max_failures"):
        if getattr(s, name) < 1:
            raise ConfigError(f"{_env_name(name)} must be at least 1")
    if s.ldap_url and not (s.ldap_user_dn_template or s.ldap_search_base):
        raise ConfigError("MES_LDAP_URL needs MES_LDAP_USER_DN_TEMPLATE or MES_LDAP_SEARCH_BASE")
    if s.is_production and not s.cookie_secure:
        raise ConfigError(
            "MES_COOKIE_SECURE=false sends the admin session over plain HTTP; "
            "production refuses it (serve HTTPS, e.g. behind a TLS reverse proxy)"
        )
    if s.is_production and s.demo_faults:
        raise ConfigError(
            "MES_DEMO_FAULTS is a test and drill switch; production refuses to start with it set"
        )
    if s.is_production:
        secrets = ["secret_key"] + (["oracle_password"] if s.source == "oracle" else [])
        for name in secrets:
            value = getattr(s, name)
            if value.strip().lower() in PLACEHOLDERS or value == Settings.secret_key:
                raise ConfigError(
                    f"{_env_name(name)} is missing or a placeholder; "
                    "production refuses to start without a real secret"
                )
