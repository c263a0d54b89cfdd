"""Classification of python-oracledb errors into the kinds the resilience contract acts on.

    oracledb.Error (args[0] is the driver's _Error: full_code "DPY-nnnn"/"ORA-nnnnn", code)
     └── classify() -> DbErrorKind
          ├── POOL_EXHAUSTED  DPY-4005 pool wait timed out      -> DB_POOL_EXHAUSTED 503
          ├── TIMEOUT         DPY-4024 call timeout, ORA-03156  -> DB_TIMEOUT 504
          ├── UNAVAILABLE     DPY-6xxx, DPY-4011, ORA-12541 ... -> DB_UNAVAILABLE 503
          └── SQL             everything else (ORA-00942 ...)   -> INTERNAL_ERROR 500

Only TIMEOUT and UNAVAILABLE are infrastructure failures that a circuit breaker may count.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from enum import Enum

from mes_dashboard.errors import ApiError

JITTER_S = 1.0


class DbErrorKind(Enum):
    """What a database failure means for retries and the circuit breaker."""

    POOL_EXHAUSTED = "pool_exhausted"
    TIMEOUT = "timeout"
    UNAVAILABLE = "unavailable"
    SQL = "sql"


POOL_EXHAUSTED_CODES = frozenset(
    {
        "DPY-4005",  # timed out waiting for the pool (thick ORA-24457/24459/24496 become it)
        "ORA-24457",
        "ORA-24459",
        "ORA-24496",
    }
)
TIMEOUT_CODES = frozenset(
    {
        "DPY-4024",  # call timeout exceeded (thick DPI-1067 becomes it)
        "ORA-03156",  # OCI call timed out
        "ORA-01013",  # cancel of the current operation (how a thick call timeout ends a call)
        "ORA-12609",  # TNS receive timeout
    }
)
UNAVAILABLE_CODES = frozenset(
    {
        "DPY-1001",  # not connected
        "DPY-4011",  # the database or network closed the connection (ORA-03113/03114/03135 ...)
        "DPY-4033",  # idle time exceeded, connection closed
        "ORA-00018",  # maximum number of sessions exceeded
        "ORA-00020",  # maximum number of processes exceeded
        "ORA-00028",  # session killed
        "ORA-01033",  # initialization or shutdown in progress
        "ORA-01034",  # ORACLE not available
        "ORA-01089",  # immediate shutdown in progress
        "ORA-01090",  # shutdown in progress
        "ORA-01092",  # instance terminated
        "ORA-03113",  # end-of-file on communication channel
        "ORA-03114",  # not connected to ORACLE
        "ORA-03135",  # connection lost contact
        "ORA-03136",  # inbound connection timed out
        "ORA-12153",  # TNS: not connected
        "ORA-12170",  # TNS: connect timeout
        "ORA-12505",  # listener does not know of SID
        "ORA-12514",  # listener does not know of service
        "ORA-12516",  # listener could not find available handler
        "ORA-12518",  # listener could not hand off client connection
        "ORA-12519",  # no appropriate service handler found
        "ORA-12520",  # listener could not find handler for server type
        "ORA-12521",  # listener does not know of instance
        "ORA-12528",  # all appropriate instances are blocking new connections
        "ORA-12535",  # TNS: operation timed out
        "ORA-12537",  # TNS: connection closed
        "ORA-12541",  # TNS: no listener
        "ORA-12543",  # TNS: destination host unreachable
        "ORA-12545",  # target host or object does not exist
        "ORA-12547",  # TNS: lost contact
        "ORA-12560",  # TNS: protocol adapter error
        "ORA-12571",  # TNS: packet writer failure
    }
)
UNAVAILABLE_PREFIXES = ("DPY-6",)  # DPY-6000..6999: cannot connect (listener, refused, TLS ...)

API_CODES = {
    DbErrorKind.POOL_EXHAUSTED: "DB_POOL_EXHAUSTED",
    DbErrorKind.TIMEOUT: "DB_TIMEOUT",
    DbErrorKind.UNAVAILABLE: "DB_UNAVAILABLE",
    DbErrorKind.SQL: "INTERNAL_ERROR",
}
DETAILS = {
    DbErrorKind.POOL_EXHAUSTED: "no database connection became free in time",
    DbErrorKind.TIMEOUT: "the database call timed out",
    DbErrorKind.UNAVAILABLE: "the database cannot be reached",
    DbErrorKind.SQL: "the database query failed",
}


class DbError(ApiError):
    """A classified database failure: an ApiError that also carries its kind."""

    def __init__(self, kind: DbErrorKind, code: str = "", *, retry_after: float | None) -> None:
        detail = DETAILS[kind] + (f" ({code})" if code else "")
        retry = retry_after if kind is not DbErrorKind.SQL else None
        super().__init__(API_CODES[kind], detail, retry_after=retry)
        self.kind = kind
        self.db_code = code

    @property
    def infrastructure(self) -> bool:
        """True when a circuit breaker should count this failure."""
        return is_infrastructure(self.kind)


def error_codes(exc: BaseException) -> tuple[str, ...]:
    """The driver codes of an oracledb error: its full_code, then its ORA code when different."""
    err = exc.args[0] if exc.args else None
    full_code = getattr(err, "full_code", "")
    number = getattr(err, "code", 0)
    codes = [full_code] if isinstance(full_code, str) and full_code else []
    if isinstance(number, int) and number > 0 and f"ORA-{number:05d}" not in codes:
        codes.append(f"ORA-{number:05d}")
    return tuple(codes)


def classify_code(code: str) -> DbErrorKind:
    """The kind of one driver code such as 'DPY-4005' or 'ORA-00942'."""
    if code in POOL_EXHAUSTED_CODES:
        return DbErrorKind.POOL_EXHAUSTED
    if code in TIMEOUT_CODES:
        return DbErrorKind.TIMEOUT
    if code in UNAVAILABLE_CODES or code.startswith(UNAVAILABLE_PREFIXES):
        return DbErrorKind.UNAVAILABLE
    return DbErrorKind.SQL


def classify(exc: BaseException) -> DbErrorKind:
    """The kind of a driver exception; anything unrecognized is SQL (not infrastructure)."""
    if isinstance(exc, DbError):
        return exc.kind
    for code in error_codes(exc):
        kind = classify_code(code)
        if kind is not DbErrorKind.SQL:
            return kind
    return DbErrorKind.SQL


def is_infrastructure(kind: DbErrorKind) -> bool:
    """True for TIMEOUT and UNAVAILABLE; never for SQL errors or pool-wait timeouts."""
    return kind in (DbErrorKind.TIMEOUT, DbErrorKind.UNAVAILABLE)


def counts_for_breaker(exc: BaseException) -> bool:
    """True for a classified infrastructure failure (DB_UNAVAILABLE, DB_TIMEOUT) only."""
    return isinstance(exc, DbError) and exc.infrastructure


def retry_after_s(wait_timeout_ms: int, rng: Callable[[], float] = random.random) -> float:
    """Retry-After for a retryable database error: the pool wait timeout plus a little jitter."""
    return wait_timeout_ms / 1000 + JITTER_S * rng()


def to_api_error(
    exc: BaseException, *, retry_after: float, kind: DbErrorKind | None = None
) -> DbError:
    """The API error for a driver exception; its message carries the code, never SQL or secrets."""
    if isinstance(exc, DbError):
        return exc
    codes = error_codes(exc)
    return DbError(kind or classify(exc), codes[0] if codes else "", retry_after=retry_after)
