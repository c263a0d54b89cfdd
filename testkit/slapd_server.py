"""A real OpenLDAP `slapd` on a free port for tests: a temp slapd.conf with an mdb database,
people and an admin group loaded with ldap3, always killed."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import ldap3

from testkit.ports import free_port

SLAPD = "/usr/sbin/slapd"
SUFFIX = "dc=example,dc=org"
ROOT_DN = f"cn=admin,{SUFFIX}"
PEOPLE = f"ou=people,{SUFFIX}"
ADMIN_GROUP = f"cn=mes-admins,ou=groups,{SUFFIX}"
SCHEMAS = ("core", "cosine", "inetorgperson", "nis")


class SlapdServer:
    """slapd serving `dc=example,dc=org` on 127.0.0.1; `add_user` and `add_admin_group` fill it."""

    def __init__(self, workdir: Path) -> None:
        binary = SLAPD if Path(SLAPD).is_file() else shutil.which("slapd")
        if binary is None:
            raise RuntimeError("slapd not found: install the Debian package slapd")
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.url = f"ldap://127.0.0.1:{self.port}"
        self.root_password = "root-" + workdir.name
        self.proc: subprocess.Popen[bytes] | None = None

    def _write_config(self) -> Path:
        db = self.workdir / "ldap-db"
        db.mkdir(exist_ok=True)
        includes = "\n".join(f"include /etc/ldap/schema/{name}.schema" for name in SCHEMAS)
        conf = self.workdir / "slapd.conf"
        conf.write_text(
            f"""{includes}
pidfile {self.workdir}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 10485760
suffix "{SUFFIX}"
rootdn "{ROOT_DN}"
rootpw {self.root_password}
directory {db}
"""
        )
        return conf

    def start(self, timeout: float = 10.0) -> None:
        """Start slapd, wait until the root DN can bind, then create the base entries."""
        conf = self._write_config()
        args = [self.binary, "-f", str(conf), "-h", self.url + "/", "-d", "0"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"slapd exited with {self.proc.returncode}: {err}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            except OSError:
                time.sleep(0.05)
                continue
            with self._root() as conn:
                conn.add(SUFFIX, ["dcObject", "organization"], {"o": "Example", "dc": "example"})
                conn.add(PEOPLE, ["organizationalUnit"], {"ou": "people"})
                conn.add(f"ou=groups,{SUFFIX}", ["organizationalUnit"], {"ou": "groups"})
            return
        raise RuntimeError(f"slapd did not answer within {timeout}s")

    @contextmanager
    def _root(self) -> Iterator[ldap3.Connection]:
        server = ldap3.Server(self.url, connect_timeout=1)
        conn = ldap3.Connection(server, ROOT_DN, self.root_password, auto_bind=True)
        try:
            yield conn
        finally:
            conn.unbind()

    def add_user(self, uid: str, password: str) -> str:
        """Add a person with a password; return the DN."""
        dn = f"uid={uid},{PEOPLE}"
        with self._root() as conn:
            attrs = {"cn": uid, "sn": uid, "uid": uid, "userPassword": password}
            if not conn.add(dn, ["inetOrgPerson"], attrs):
                raise RuntimeError(f"ldap add {dn}: {conn.result}")
        return dn

    def add_admin_group(self, members: list[str]) -> str:
        """Add the admin group (groupOfNames) with these member DNs; return its DN."""
        with self._root() as conn:
            if not conn.add(ADMIN_GROUP, ["groupOfNames"], {"cn": "mes-admins", "member": members}):
                raise RuntimeError(f"ldap add {ADMIN_GROUP}: {conn.result}")
        return ADMIN_GROUP

    def stop(self) -> None:
        """Kill slapd and wait for it to exit."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()
