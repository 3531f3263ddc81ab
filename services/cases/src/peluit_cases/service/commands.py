"""What the team asks of a case: one command per use case, each naming who asks."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from nacl.public import PrivateKey

from peluit_cases.domain.case import Status
from peluit_cases.domain.staff import StaffUser
from peluit_shared.events import ReportFollowupPosted


@dataclass(frozen=True)
class Transition:
    staff: StaffUser
    case_id: uuid.UUID
    version: int | None
    target: Status
    note: str
    reason: str | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class Assign:
    staff: StaffUser
    case_id: uuid.UUID
    version: int | None
    assignee_id: uuid.UUID
    reason: str | None = None


@dataclass(frozen=True)
class DeclareConflict:
    staff: StaffUser
    case_id: uuid.UUID
    note: str


@dataclass(frozen=True)
class RecordContact:
    staff: StaffUser
    case_id: uuid.UUID
    kind: str
    on_date: date
    channel: str
    party: str
    result: str


@dataclass(frozen=True)
class SendMessage:
    staff: StaffUser
    case_id: uuid.UUID
    kind: str
    text: str


@dataclass(frozen=True)
class ReceiveFollowup:
    """The reporter's follow-up arrived; `host_keys` open legacy ones (sealed to the host)."""

    event: ReportFollowupPosted
    host_keys: Mapping[str, PrivateKey]
