"""Password hashes: scrypt, per-user salt, stored cost, constant-time verify."""

from __future__ import annotations

from mes_dashboard.auth.passwords import hash_password, verify_password


def test_hash_verifies_only_the_same_password_and_salts_each_time() -> None:
    first, second = hash_password("s3cret passphrase"), hash_password("s3cret passphrase")
    assert first != second, "a fresh salt per hash"
    assert first.startswith("scrypt$16384$8$1$") and "s3cret" not in first
    assert verify_password("s3cret passphrase", first) and verify_password(
        "s3cret passphrase", second
    )
    assert not verify_password("s3cret passphrasE", first)


def test_the_stored_cost_is_the_one_used() -> None:
    cheap = hash_password("pw", cost=(1024, 8, 1))
    assert cheap.startswith("scrypt$1024$8$1$") and verify_password("pw", cheap)


def test_malformed_hashes_never_verify() -> None:
    for stored in ("", "plain", "md5$x$y$z$a$b", "scrypt$abc$8$1$AA==$AA=="):
        assert not verify_password("pw", stored)
