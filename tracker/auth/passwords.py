"""Password hashing with argon2id and the password policy."""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tracker.i18n import _, _n

# argon2-cffi's RFC 9106 "low memory" profile: argon2id, m=64 MiB, t=3, p=4,
# above OWASP's minimum (m=19 MiB, t=2, p=1).
hasher = PasswordHasher()
MIN_LENGTH = 8


def hash_password(password: str) -> str:
    """An argon2id hash of password."""
    return hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether password matches the hash; never raises."""
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


DUMMY_HASH = hash_password("timing-equaliser-not-a-real-password")


def burn_verify_time(password: str) -> None:
    """Spend the time a real verification takes, for unknown users."""
    verify_password(DUMMY_HASH, password)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 20,000 common passwords list (from Django, BSD licence) shipped with the app."""
    raw = resources.files("tracker").joinpath("data/common-passwords.txt.gz").read_bytes()
    text = gzip.decompress(raw).decode("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problem(password: str, email: str = "") -> str | None:
    """Why password is unacceptable, or None: too short, common, or built on the account's
    email name. No composition rules."""
    if len(password) < MIN_LENGTH:
        return _n("Use at least %(num)d character.", "Use at least %(num)d characters.", MIN_LENGTH)
    if password.lower() in common_passwords():
        return _("This password is on a list of common passwords. Choose another.")
    local = email.strip().partition("@")[0].casefold()
    folded = password.casefold()
    if local and (folded == local or (len(local) >= 3 and local in folded)):
        return _("Do not use the name of your email address in the password. Choose another.")
    return None
