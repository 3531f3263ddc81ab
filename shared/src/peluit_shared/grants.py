"""Short-lived, signed grants for the evidence service (Ed25519 signatures via PyNaCl).

Intake signs upload grants for one report (the reporter's files); cases signs upload grants for
staff and download grants for one file of one case, naming the staff member. The evidence
service holds only the issuers' verify keys, so it can check a grant but never mint one.

A grant is `base64url(signature || JSON claims)` — PyNaCl's signed message, nothing home-made.
Signing keys live in files like the sealing keys (`<key_dir>/grant.key`, mode 0600, and
`grant.pub` beside it), created by `peluit-<svc> keys ensure`.
"""

from __future__ import annotations

import base64
import os
import time
import uuid
from pathlib import Path
from typing import Literal

from nacl.encoding import Base64Encoder
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError

SIGNING_KEY = "grant.key"
VERIFY_KEY = "grant.pub"
Issuer = Literal["intake", "cases"]
Kind = Literal["upload", "download"]


class Grant(BaseModel):
    """What a grant allows; `exp` is a Unix time in seconds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    iss: Issuer
    kind: Kind
    report_id: uuid.UUID
    exp: int
    # Upload: how many files the report may hold in all (the evidence service counts).
    max_files: int | None = Field(default=None, ge=1)
    # Upload: the case's X25519 public key (base64); file keys and names are sealed to it.
    case_public_key: str | None = None
    # Download: the one file and case, and the staff member it is for.
    evidence_id: uuid.UUID | None = None
    case_id: uuid.UUID | None = None
    staff_id: uuid.UUID | None = None
    # A random id so two grants with the same claims differ.
    nonce: str = Field(default_factory=lambda: uuid.uuid4().hex)


class GrantRefused(Exception):
    """Why a grant does not allow the request; `code` names it for clients and tests."""

    status = 401

    def __init__(self, code: str, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code, self.message, self.message_en = code, message, message_en


class GrantForbidden(GrantRefused):
    """A valid grant, but for something else (another report, file or action)."""

    status = 403


def issue(key: SigningKey, grant: Grant) -> str:
    signed = key.sign(grant.model_dump_json(exclude_none=True).encode())
    return base64.urlsafe_b64encode(bytes(signed)).decode().rstrip("=")


def new_grant(
    iss: Issuer, kind: Kind, report_id: uuid.UUID, ttl_seconds: int, **claims: object
) -> Grant:
    return Grant.model_validate(
        {
            "iss": iss,
            "kind": kind,
            "report_id": report_id,
            "exp": int(time.time()) + ttl_seconds,
            **claims,
        }
    )


def verify(token: str, verify_keys: dict[str, VerifyKey], now: float | None = None) -> Grant:
    """The grant's claims if a known issuer signed them and they have not expired."""
    malformed = GrantRefused(
        "grant_malformed", "Izin unggah/unduh tidak dapat dibaca.", "The grant cannot be read."
    )
    if not token or len(token) > 4096:
        raise GrantRefused("grant_missing", "Izin (grant) tidak ada.", "No grant was given.")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except ValueError as exc:
        raise malformed from exc
    if len(raw) < 64:
        raise malformed
    try:
        claimed = Grant.model_validate_json(raw[64:])
    except ValidationError as exc:
        raise malformed from exc
    key = verify_keys.get(claimed.iss)
    if key is None:
        raise GrantRefused(
            "grant_unknown_issuer", "Penerbit izin tidak dikenal.", "The grant's issuer is unknown."
        )
    try:
        key.verify(raw)
    except BadSignatureError as exc:
        raise GrantRefused(
            "grant_bad_signature",
            "Tanda tangan izin tidak sah.",
            "The grant's signature is not valid.",
        ) from exc
    if claimed.exp < (time.time() if now is None else now):
        raise GrantRefused(
            "grant_expired",
            "Izin sudah kedaluwarsa. Minta izin baru.",
            "The grant has expired. Ask for a new one.",
        )
    return claimed


def ensure_signing_key(key_dir: Path) -> bool:
    """Create the grant signing key pair when missing; True when anything was written."""
    private = key_dir / SIGNING_KEY
    if private.exists() and (key_dir / VERIFY_KEY).exists():
        return False
    key_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(key_dir, 0o700)
    if private.exists():  # only the public half is missing: derive it, keep grants valid
        key = load_signing_key(private)
    else:
        key = SigningKey.generate()
        fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key.encode(encoder=Base64Encoder))
    tmp = key_dir / f".{VERIFY_KEY}.tmp"
    tmp.write_bytes(key.verify_key.encode(encoder=Base64Encoder))
    tmp.replace(key_dir / VERIFY_KEY)
    return True


def load_signing_key(path: Path) -> SigningKey:
    return SigningKey(path.read_bytes().strip(), encoder=Base64Encoder)


def load_verify_key(path: Path) -> VerifyKey:
    return VerifyKey(path.read_bytes().strip(), encoder=Base64Encoder)
