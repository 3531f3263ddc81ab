"""Grants: only a known issuer's signature over unexpired claims is accepted."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path

import pytest
from nacl.signing import SigningKey

from peluit_shared.grants import (
    SIGNING_KEY,
    VERIFY_KEY,
    GrantRefused,
    ensure_signing_key,
    issue,
    load_signing_key,
    load_verify_key,
    new_grant,
    verify,
)

INTAKE, CASES = SigningKey.generate(), SigningKey.generate()
KEYS = {"intake": INTAKE.verify_key, "cases": CASES.verify_key}


def test_a_signed_grant_verifies_to_its_claims() -> None:
    report_id = uuid.uuid4()
    grant = new_grant("intake", "upload", report_id, 60, max_files=5)
    assert verify(issue(INTAKE, grant), KEYS) == grant


def code_of(token: str, now: float | None = None) -> str:
    with pytest.raises(GrantRefused) as refused:
        verify(token, KEYS, now)
    return refused.value.code


def test_expired_tampered_forged_and_garbage_grants_are_refused_with_their_reason() -> None:
    grant = new_grant("cases", "download", uuid.uuid4(), 60, evidence_id=uuid.uuid4())
    token = issue(CASES, grant)
    assert code_of(token, now=grant.exp + 1) == "grant_expired"

    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    other = str(uuid.uuid4()).encode()
    tampered = raw.replace(str(grant.report_id).encode(), other)
    assert code_of(base64.urlsafe_b64encode(tampered).decode()) == "grant_bad_signature"

    # Signed by intake's key but claiming to come from cases: the signature does not match.
    assert code_of(issue(INTAKE, grant)) == "grant_bad_signature"
    stranger = new_grant("intake", "upload", uuid.uuid4(), 60)
    assert code_of(issue(SigningKey.generate(), stranger)) == "grant_bad_signature"
    assert code_of(issue(CASES, grant)[:-10]) in {"grant_malformed", "grant_bad_signature"}
    assert code_of("") == "grant_missing"
    assert code_of("!!!") == "grant_malformed"


def test_a_grant_of_an_issuer_without_a_verify_key_is_refused() -> None:
    grant = new_grant("cases", "upload", uuid.uuid4(), 60)
    with pytest.raises(GrantRefused) as refused:
        verify(issue(CASES, grant), {"intake": INTAKE.verify_key})
    assert refused.value.code == "grant_unknown_issuer"


def test_ensure_makes_the_key_once_and_restores_a_lost_public_half(tmp_path: Path) -> None:
    assert ensure_signing_key(tmp_path) is True
    key = load_signing_key(tmp_path / SIGNING_KEY)
    assert ensure_signing_key(tmp_path) is False
    (tmp_path / VERIFY_KEY).unlink()
    assert ensure_signing_key(tmp_path) is True
    assert load_signing_key(tmp_path / SIGNING_KEY).encode() == key.encode()
    assert load_verify_key(tmp_path / VERIFY_KEY) == key.verify_key
    assert (tmp_path / SIGNING_KEY).stat().st_mode & 0o777 == 0o600
