"""Classification of real python-oracledb exceptions and their API errors."""

from __future__ import annotations

from collections.abc import Iterator

import oracledb
import pytest
from oracledb import errors as driver_errors

from blackhole import BlackHole, closed_port
from mes_dashboard.errors import ApiError
from mes_dashboard.resilience.db_errors import (
    DbError,
    DbErrorKind,
    classify,
    classify_code,
    error_codes,
    is_infrastructure,
    retry_after_s,
    to_api_error,
)

PASSWORD = "s3cret-Passw0rd"


def ora_error(message: str, code: int) -> oracledb.Error:
    """An Oracle error built the way the thin driver builds one from a server message."""
    err = driver_errors._Error(message, code=code)
    exc: oracledb.Error = err.exc_type(err)
    return exc


def dpy_error(number: int, **args: object) -> oracledb.Error:
    """A driver (DPY) error built by the driver's own factory."""
    exc: oracledb.Error = driver_errors._create_exception(number, **args)
    return exc


@pytest.fixture(scope="module")
def refused() -> oracledb.Error:
    """A real DPY-6005: connecting to a port with nothing listening."""
    dsn = f"127.0.0.1:{closed_port()}/MES"
    with pytest.raises(oracledb.Error) as info:
        oracledb.connect(user="mes", password=PASSWORD, dsn=dsn, tcp_connect_timeout=2.0)
    return info.value


@pytest.fixture(scope="module")
def pool_timeout() -> Iterator[oracledb.Error]:
    """A real DPY-4005: a TIMEDWAIT pool whose only connection attempt never gets an answer."""
    with BlackHole() as hole:
        pool = oracledb.create_pool(
            user="mes", password=PASSWORD, dsn=hole.dsn, min=0, max=1,
            getmode=oracledb.POOL_GETMODE_TIMEDWAIT, wait_timeout=100,
        )  # fmt: skip
        with pytest.raises(oracledb.Error) as info:
            pool.acquire()
    pool.close(force=True)
    yield info.value


def test_connection_refused_is_unavailable(refused: oracledb.Error) -> None:
    assert error_codes(refused)[0] == "DPY-6005"
    assert classify(refused) is DbErrorKind.UNAVAILABLE
    api = to_api_error(refused, retry_after=2.0)
    assert isinstance(api, ApiError)
    assert (api.status, api.spec.code, api.spec.retryable) == (503, "DB_UNAVAILABLE", True)
    assert api.retry_after == 2.0
    assert PASSWORD not in api.detail and "127.0.0.1" not in api.detail


def test_pool_wait_timeout_is_pool_exhausted(pool_timeout: oracledb.Error) -> None:
    assert error_codes(pool_timeout) == ("DPY-4005",)
    assert classify(pool_timeout) is DbErrorKind.POOL_EXHAUSTED
    api = to_api_error(pool_timeout, retry_after=3.4)
    assert (api.status, api.spec.code, api.retry_after) == (503, "DB_POOL_EXHAUSTED", 3.4)


def test_call_timeout_is_timeout() -> None:
    exc = dpy_error(driver_errors.ERR_CALL_TIMEOUT_EXCEEDED, timeout=30000)
    assert error_codes(exc) == ("DPY-4024",)
    assert classify(exc) is DbErrorKind.TIMEOUT
    api = to_api_error(exc, retry_after=1.0)
    assert (api.status, api.spec.code) == (504, "DB_TIMEOUT")


def test_lost_connection_keeps_its_ora_code_and_is_unavailable() -> None:
    exc = ora_error("ORA-03113: end-of-file on communication channel", 3113)
    assert error_codes(exc) == ("DPY-4011", "ORA-03113")
    assert classify(exc) is DbErrorKind.UNAVAILABLE


@pytest.mark.parametrize(
    ("message", "code", "kind"),
    [
        ("ORA-12541: TNS:no listener", 12541, DbErrorKind.UNAVAILABLE),
        ("ORA-12514: TNS:listener does not currently know of service", 12514,
         DbErrorKind.UNAVAILABLE),
        ("ORA-03135: connection lost contact", 3135, DbErrorKind.UNAVAILABLE),
        ("ORA-01034: ORACLE not available", 1034, DbErrorKind.UNAVAILABLE),
        ("ORA-03156: OCI call timed out", 3156, DbErrorKind.TIMEOUT),
        ("ORA-00942: table or view does not exist", 942, DbErrorKind.SQL),
        ("ORA-00904: \"QTY3\": invalid identifier", 904, DbErrorKind.SQL),
        ("ORA-01017: invalid credential or not authorized; logon denied", 1017, DbErrorKind.SQL),
        ("ORA-01555: snapshot too old", 1555, DbErrorKind.SQL),
    ],
)  # fmt: skip
def test_oracle_errors(message: str, code: int, kind: DbErrorKind) -> None:
    assert classify(ora_error(message, code)) is kind


def test_sql_errors_are_internal_and_leak_nothing() -> None:
    exc = ora_error('ORA-00942: table or view "DWH"."DW_MES_LOT_V" does not exist', 942)
    api = to_api_error(exc, retry_after=5.0)
    assert (api.status, api.spec.code, api.spec.retryable) == (500, "INTERNAL_ERROR", False)
    assert api.retry_after is None
    assert api.detail == "the database query failed (ORA-00942)"


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("DPY-4005", DbErrorKind.POOL_EXHAUSTED),
        ("ORA-24459", DbErrorKind.POOL_EXHAUSTED),
        ("DPY-4024", DbErrorKind.TIMEOUT),
        ("ORA-03156", DbErrorKind.TIMEOUT),
        ("ORA-01013", DbErrorKind.TIMEOUT),
        ("DPY-6000", DbErrorKind.UNAVAILABLE),
        ("DPY-6005", DbErrorKind.UNAVAILABLE),
        ("DPY-4011", DbErrorKind.UNAVAILABLE),
        ("ORA-12170", DbErrorKind.UNAVAILABLE),
        ("ORA-12541", DbErrorKind.UNAVAILABLE),
        ("ORA-03114", DbErrorKind.UNAVAILABLE),
        ("ORA-00942", DbErrorKind.SQL),
        ("ORA-00904", DbErrorKind.SQL),
        ("DPY-2003", DbErrorKind.SQL),
        ("", DbErrorKind.SQL),
    ],
)
def test_code_table(code: str, kind: DbErrorKind) -> None:
    assert classify_code(code) is kind


def test_only_timeouts_and_outages_are_infrastructure() -> None:
    assert {k for k in DbErrorKind if is_infrastructure(k)} == {
        DbErrorKind.TIMEOUT,
        DbErrorKind.UNAVAILABLE,
    }


def test_other_exceptions_are_not_infrastructure() -> None:
    assert classify(ValueError("boom")) is DbErrorKind.SQL
    assert classify(RuntimeError()) is DbErrorKind.SQL


def test_db_error_passes_through_and_carries_its_kind() -> None:
    err = DbError(DbErrorKind.TIMEOUT, "DPY-4024", retry_after=1.5)
    assert to_api_error(err, retry_after=9.0) is err
    assert classify(err) is DbErrorKind.TIMEOUT and err.infrastructure


def test_retry_after_is_wait_timeout_plus_bounded_jitter() -> None:
    assert retry_after_s(3000, lambda: 0.0) == 3.0
    assert retry_after_s(3000, lambda: 0.999) == pytest.approx(3.999)
    assert 3.0 <= retry_after_s(3000) < 4.0
