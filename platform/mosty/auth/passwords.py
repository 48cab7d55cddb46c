"""Password hashing with Argon2id."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 10


def hash_password(password):
    return _hasher.hash(password)


def verify_password(password_hash, password):
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash():
    return hash_password("a password nobody has")


def spend_a_password_check(password):
    """Verify against a dummy hash: the cost of a check when there is no account to check."""
    verify_password(_dummy_hash(), password)


def needs_rehash(password_hash):
    return _hasher.check_needs_rehash(password_hash)
