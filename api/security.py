"""Passwords (argon2) and signed tokens (JWT) for the API and the pages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
ALGORITHM = "HS256"
# A hash of a random password: verifying against it takes as long as a real check, so
# an unknown username cannot be told apart from a wrong password by timing.
_DUMMY_HASH = _hasher.hash("not-a-real-password-7f3a")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def create_token(user_id: int, secret: str, minutes: int, purpose: str = "api") -> str:
    now = datetime.now(timezone.utc)
    payload = {"sub": str(user_id), "iat": now, "exp": now + timedelta(minutes=minutes), "pur": purpose}
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def read_token(token: str, secret: str, purpose: str = "api") -> int | None:
    try:
        data = jwt.decode(token, secret, algorithms=[ALGORITHM])
    except jwt.PyJWTError:
        return None
    if data.get("pur") != purpose:
        return None
    try:
        return int(data["sub"])
    except (KeyError, ValueError):
        return None
