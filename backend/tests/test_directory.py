"""LDAP sign-in against a real OpenLDAP slapd started for these tests (Debian package slapd)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from admin_session import sign_in
from fake_clock import FakeClock
from mes_dashboard.auth.audit import AuditLog
from mes_dashboard.auth.directory import Directory, DirectoryConfig, DirectoryUnavailable
from test_session_api import assert_problem, make_app
from testkit.ports import free_port
from testkit.slapd_server import PEOPLE, ROOT_DN, SlapdServer

TEMPLATE = f"uid={{username}},{PEOPLE}"


@pytest.fixture(scope="module")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlapdServer]:
    server = SlapdServer(tmp_path_factory.mktemp("slapd"))
    server.start()
    try:
        alice = server.add_user("alice", "alice ldap password")
        server.add_user("bob", "bob ldap password")
        server.add_admin_group([alice])
        yield server
    finally:
        server.stop()


def by_template(slapd: SlapdServer, group: str = "") -> Directory:
    return Directory(DirectoryConfig(url=slapd.url, user_dn_template=TEMPLATE, admin_group=group))


def test_bind_as_the_user_and_check_the_admin_group(slapd: SlapdServer) -> None:
    from testkit.slapd_server import ADMIN_GROUP

    directory = by_template(slapd, ADMIN_GROUP)
    alice = directory.authenticate("alice", "alice ldap password")
    assert alice is not None and alice.in_admin_group and alice.dn == f"uid=alice,{PEOPLE}"
    bob = directory.authenticate("bob", "bob ldap password")
    assert bob is not None and not bob.in_admin_group
    assert directory.authenticate("alice", "bob ldap password") is None
    assert directory.authenticate("alice", "") is None, "no unauthenticated bind"
    assert directory.authenticate("nobody", "whatever pw") is None


def test_search_mode_finds_the_dn_with_a_service_bind_and_escapes_the_filter(
    slapd: SlapdServer,
) -> None:
    directory = Directory(
        DirectoryConfig(
            url=slapd.url, search_base=PEOPLE, bind_dn=ROOT_DN, bind_password=slapd.root_password
        )
    )
    user = directory.authenticate("bob", "bob ldap password")
    assert user is not None and user.dn == f"uid=bob,{PEOPLE}"
    assert directory.authenticate("*", "bob ldap password") is None
    assert directory.authenticate("bob)(uid=*", "bob ldap password") is None


def test_an_unreachable_server_is_reported_not_taken_for_a_wrong_password() -> None:
    directory = Directory(
        DirectoryConfig(
            url=f"ldap://127.0.0.1:{free_port()}", user_dn_template=TEMPLATE, timeout_s=1
        )
    )
    with pytest.raises(DirectoryUnavailable):
        directory.authenticate("alice", "alice ldap password")


def ldap_app(tmp_path: Path, slapd: SlapdServer, **env: str):  # type: ignore[no-untyped-def]
    from testkit.slapd_server import ADMIN_GROUP

    return make_app(
        tmp_path,
        FakeClock(),
        MES_LDAP_URL=slapd.url,
        MES_LDAP_USER_DN_TEMPLATE=TEMPLATE,
        MES_LDAP_ADMIN_GROUP=ADMIN_GROUP,
        **env,
    )


def test_ldap_admin_signs_in_and_a_member_of_no_admin_group_is_forbidden(
    tmp_path: Path, slapd: SlapdServer
) -> None:
    client = ldap_app(tmp_path, slapd).test_client()
    ok = sign_in(client, "alice", "alice ldap password")
    assert ok.status_code == 200 and ok.get_json()["role"] == "admin"

    other = ldap_app(tmp_path / "b", slapd).test_client()
    assert_problem(sign_in(other, "alice", "wrong password"), 401, "SIGN_IN_FAILED")
    resp = sign_in(other, "bob", "bob ldap password")
    assert resp.status_code == 200 and resp.get_json()["role"] == "user"
    token = resp.get_json()["csrf_token"]
    put = other.put(
        "/api/v1/pages/equipment-history",
        json={"status": "released"},
        headers={"X-CSRF-Token": token},
    )
    assert_problem(put, 403, "FORBIDDEN")
    assert other.get("/health/deep").get_json().keys() == {"status", "datasets"}
    results = [
        (e["actor"], e["result"], e["reason"])
        for e in AuditLog(tmp_path / "b" / "audit.jsonl").read()
    ]
    assert results == [("alice", "failed", ""), ("bob", "ok", "ldap:user")]


def test_the_admin_user_list_makes_an_ldap_user_admin(tmp_path: Path, slapd: SlapdServer) -> None:
    client = ldap_app(tmp_path, slapd, MES_ADMIN_USERS="bob,carol").test_client()
    assert sign_in(client, "bob", "bob ldap password").get_json()["role"] == "admin"
