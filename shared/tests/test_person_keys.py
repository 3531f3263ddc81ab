"""Person keys: wraps open only for their holder, locked keys only with the password or the
session token, the recovery key survives typing and catches typos."""

from __future__ import annotations

import pytest
from nacl.public import PrivateKey

from peluit_shared.person_keys import (
    KeyUnavailable,
    format_recovery_key,
    lock,
    new_salt,
    parse_recovery_key,
    password_key,
    session_key,
    unlock,
    unwrap,
    wrap,
)


def test_a_wrap_opens_only_for_its_holder() -> None:
    case, holder, other = PrivateKey.generate(), PrivateKey.generate(), PrivateKey.generate()
    wrapped = wrap(holder.public_key, case)
    assert bytes(unwrap(holder, wrapped)) == bytes(case)
    with pytest.raises(KeyUnavailable):
        unwrap(other, wrapped)
    with pytest.raises(KeyUnavailable):
        unwrap(holder, wrapped[:-1] + bytes([wrapped[-1] ^ 1]))


def test_a_locked_key_opens_only_with_its_password_or_session_token() -> None:
    secret = bytes(PrivateKey.generate())
    salt = new_salt()
    locked = lock(password_key("correct horse battery", salt, 2, 8 * 1024 * 1024), secret)
    assert unlock(password_key("correct horse battery", salt, 2, 8 * 1024 * 1024), locked) == secret
    with pytest.raises(KeyUnavailable):
        unlock(password_key("wrong horse battery", salt, 2, 8 * 1024 * 1024), locked)
    in_session = lock(session_key("token-a"), secret)
    assert unlock(session_key("token-a"), in_session) == secret
    with pytest.raises(KeyUnavailable):
        unlock(session_key("token-b"), in_session)


def test_the_recovery_key_survives_typing_and_catches_typos() -> None:
    key = PrivateKey.generate()
    printed = format_recovery_key(key)
    assert all(len(group) <= 4 for group in printed.split("-"))
    typed = printed.lower().replace("-", " ")
    assert bytes(parse_recovery_key(typed)) == bytes(key)
    wrong = ("B" if printed[0] != "B" else "C") + printed[1:]
    with pytest.raises(KeyUnavailable):
        parse_recovery_key(wrong)
