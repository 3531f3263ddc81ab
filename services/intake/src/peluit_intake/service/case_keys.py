"""Per-case keys, made at submission: who may open a new report, decided by public keys only.

Each report gets two fresh X25519 key pairs. The content (without the identity) is sealed to
the case key, the identity to the identity key. The case private key is wrapped to every active
coordinator and to the offline recovery key; the identity private key to every identity
custodian and to the recovery key. Intake forgets both private keys at once: from then on only
a person (or the recovery key) can open the report. The cases host key gets only the triage
(category, unit codes, anonymous) that lists, deadlines and statistics need.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from nacl.encoding import Base64Encoder
from nacl.public import PrivateKey, PublicKey

from peluit_intake.adapters.staff_keys_repo import Recipient, recipients, upsert_staff_key
from peluit_intake.domain.report import ReportContent
from peluit_shared.crypto import SealedData, key_id_of, seal
from peluit_shared.events import StaffChanged
from peluit_shared.events.reports import KeyWrap
from peluit_shared.person_keys import public_b64, wrap
from peluit_shared.reference import units


class RecoveryKeyMissing(RuntimeError):
    """No recovery public key: a report nobody could recover is not accepted."""


def load_recovery_key(path: Path) -> PublicKey:
    try:
        return PublicKey(path.read_bytes().strip(), encoder=Base64Encoder)
    except (FileNotFoundError, ValueError) as exc:
        raise RecoveryKeyMissing(
            f"recovery public key not found at {path}; run `peluit-cases recovery-key init`"
        ) from exc


def unit_code(text: str | None) -> str | None:
    """The reference code a reported unit names, else the code of "other"."""
    if not text or not text.strip():
        return None
    wanted = " ".join(text.split()).casefold()
    table = units()
    for code, (label_id, label_en) in table.items():
        if wanted in (code.casefold(), label_id.casefold(), label_en.casefold()):
            return code
    return "Lainnya" if "Lainnya" in table else "lainnya"


@dataclass(frozen=True)
class SealedCase:
    sealed_report: SealedData
    case_public_key: bytes
    case_key_wraps: list[KeyWrap]
    sealed_identity: SealedData | None
    identity_public_key: bytes | None
    identity_key_wraps: list[KeyWrap]
    sealed_triage: SealedData


def _wraps(key: PrivateKey, people: list[Recipient], recovery: PublicKey) -> list[KeyWrap]:
    out = [KeyWrap(staff_id=None, holder_key_id=key_id_of(recovery), wrapped=wrap(recovery, key))]
    for person in people:
        public = PublicKey(person.public_key)
        out.append(
            KeyWrap(
                staff_id=person.staff_id,
                holder_key_id=key_id_of(public),
                wrapped=wrap(public, key),
            )
        )
    return out


async def seal_case(
    conn: asyncpg.Connection,
    content: ReportContent,
    host_key: PublicKey,
    recovery_key: PublicKey,
) -> SealedCase:
    coordinators, custodians = await recipients(conn)
    case_key = PrivateKey.generate()
    body = content.model_dump(mode="json")
    identity = body.pop("identity", None)
    sealed_identity = identity_public = None
    identity_wraps: list[KeyWrap] = []
    if identity is not None:
        identity_key = PrivateKey.generate()
        identity_public = bytes(identity_key.public_key)
        sealed_identity = seal(identity_key.public_key, json.dumps(identity).encode())
        identity_wraps = _wraps(identity_key, custodians, recovery_key)
    codes = sorted({c for c in (unit_code(w.unit) for w in content.who) if c})
    triage = {"category": content.category, "units": codes, "anonymous": identity is None}
    return SealedCase(
        sealed_report=seal(case_key.public_key, json.dumps(body).encode()),
        case_public_key=bytes(case_key.public_key),
        case_key_wraps=_wraps(case_key, coordinators, recovery_key),
        sealed_identity=sealed_identity,
        identity_public_key=identity_public,
        identity_key_wraps=identity_wraps,
        sealed_triage=seal(host_key, json.dumps(triage).encode()),
    )


def b64(key: bytes | None) -> str | None:
    return public_b64(PublicKey(key)) if key is not None else None


async def record_staff_key(conn: asyncpg.Connection, event: StaffChanged) -> None:
    """staff.changed: keep who may receive wraps (public keys only)."""
    p = event.payload
    public = PublicKey(p.public_key.encode(), encoder=Base64Encoder) if p.public_key else None
    await upsert_staff_key(
        conn,
        p.staff_id,
        p.role,
        p.active,
        p.custodian,
        bytes(public) if public else None,
        event.occurred_at,
    )
