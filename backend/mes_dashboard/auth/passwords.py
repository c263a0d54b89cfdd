"""Password hashes: scrypt with a per-user salt and the cost stored beside the hash."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCHEME = "scrypt"
COST = (2**14, 8, 1)
SALT_BYTES = 16
KEY_BYTES = 32
MAX_MEM = 64 * 1024 * 1024


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=MAX_MEM, dklen=KEY_BYTES
    )


def hash_password(password: str, cost: tuple[int, int, int] = COST) -> str:
    """`scrypt$n$r$p$salt$key`, base64 parts, a fresh salt each time."""
    n, r, p = cost
    salt = secrets.token_bytes(SALT_BYTES)
    return "$".join(
        [SCHEME, str(n), str(r), str(p), _b64(salt), _b64(_derive(password, salt, n, r, p))]
    )


def verify_password(password: str, stored: str) -> bool:
    """True when `password` derives the stored key (constant-time compare); False if malformed."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != SCHEME:
            return False
        derived = _derive(password, base64.b64decode(salt), int(n), int(r), int(p))
        return hmac.compare_digest(derived, base64.b64decode(key))
    except ValueError:
        return False


DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
