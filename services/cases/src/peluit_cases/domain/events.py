"""What happened to a case: the domain events its aggregate records in `Case.events`.

The unit of work stores each one (history, contact log, messages, conflicts) and turns those
with a public contract into outbox events, in the transaction of the change.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from peluit_cases.domain.case import Status
from peluit_shared.crypto import SealedData


@dataclass(frozen=True)
class StatusChanged:
    actor: uuid.UUID
    source: Status
    target: Status
    note: str
    reason: str | None
    outcome: str | None
    public_status: str | None

    @property
    def history_note(self) -> str:
        text = self.note + (f"\n— {self.reason}" if self.reason else "")
        return text + (f"\n[{self.outcome}]" if self.outcome else "")


@dataclass(frozen=True)
class Assigned:
    actor: uuid.UUID
    assignee_id: uuid.UUID
    assignee_name: str
    previous: uuid.UUID | None
    reason: str | None

    @property
    def reassignment(self) -> bool:
        return self.previous is not None

    @property
    def history_note(self) -> str:
        return f"→ {self.assignee_name}" + (f" — {self.reason.strip()}" if self.reason else "")


@dataclass(frozen=True)
class ConflictDeclared:
    actor: uuid.UUID
    note: str
    left_case: bool  # the declarer was the assignee: the case is unassigned


@dataclass(frozen=True)
class ContactRecorded:
    actor: uuid.UUID
    kind: str  # contact | followup
    on_date: date
    channel: str
    party: str
    result: str


@dataclass(frozen=True)
class MessageSent:
    actor: uuid.UUID
    message_id: uuid.UUID
    kind: str  # question | message
    staff_copy: SealedData  # sealed to the case key
    to_reporter: SealedData  # sealed to the reporter's mailbox key


@dataclass(frozen=True)
class FollowupReceived:
    """The reporter answered a question or added information (sealed to the case key)."""

    followup_id: uuid.UUID
    kind: str
    in_reply_to: uuid.UUID | None
    sealed: SealedData
    at: datetime  # when the reporter sent it, not when it arrived


CaseEvent = (
    StatusChanged | Assigned | ConflictDeclared | ContactRecorded | MessageSent | FollowupReceived
)
