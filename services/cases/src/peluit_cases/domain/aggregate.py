"""The Case aggregate: one case's state and the rules of changing it, with no I/O.

Every change checks its rules, moves the state (bumping `version` where clients must reload)
and records what happened in `events`; the unit of work stores those in one transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from peluit_cases.domain.calendar import WorkingCalendar
from peluit_cases.domain.case import Status
from peluit_cases.domain.deadlines import (
    CLOSED,
    Deadline,
    deadline_for,
    reporter_update_after_transition,
    reporter_update_due,
)
from peluit_cases.domain.errors import Invalid, NotFound, Refused, Stale
from peluit_cases.domain.events import (
    Assigned,
    CaseEvent,
    ConflictDeclared,
    ContactRecorded,
    FollowupReceived,
    MessageSent,
    StatusChanged,
)
from peluit_cases.domain.permissions import Permission, allowed
from peluit_cases.domain.staff import Role, StaffUser
from peluit_cases.domain.transition import TransitionRefused, transition_to
from peluit_cases.domain.workflow import ENDINGS, TransitionTable
from peluit_shared.crypto import SealedData

MIN_REASON = 10
MIN_NOTE = 3
MAX_TEXT = 5000
CONTACT_KINDS = ("contact", "followup")
CONTACT_CHANNELS = ("phone", "email", "letter", "in_person", "mailbox", "other")
MESSAGE_KINDS = ("question", "message")
NOT_FOUND = "Kasus tidak ditemukan | Case not found"


@dataclass(frozen=True)
class Assignee:
    """A team member as the assignment rule sees them."""

    id: uuid.UUID
    username: str
    role: Role
    disabled: bool


def sees(staff: StaffUser, assignee_id: uuid.UUID | None) -> bool:
    """Whoever may see all cases sees it; anyone else only the cases assigned to them."""
    return allowed(staff.role, Permission.ALL_CASES) or assignee_id == staff.id


def check_conflict_note(note: str) -> str:
    if len(note.strip()) < MIN_NOTE:
        raise Invalid("note", "Keterangan minimal 3 karakter | Note needs 3+ characters")
    return note.strip()


def check_contact(kind: str, channel: str, party: str, result: str) -> None:
    if kind not in CONTACT_KINDS:
        raise Invalid("kind", "Pilih contact atau followup | Choose contact or followup")
    if channel not in CONTACT_CHANNELS:
        raise Invalid(
            "channel",
            f"Saluran: {', '.join(CONTACT_CHANNELS)} | Channel: one of "
            f"{', '.join(CONTACT_CHANNELS)}",
        )
    if not party.strip() or len(party) > 200:
        raise Invalid("party", "Pihak wajib diisi (maks. 200) | Who is required (max 200)")
    if not 3 <= len(result.strip()) <= MAX_TEXT:
        raise Invalid("result", "Hasil 3–5000 karakter | Result needs 3–5000 characters")


def check_message(kind: str, text: str) -> None:
    if kind not in MESSAGE_KINDS:
        raise Invalid("kind", "Pilih question atau message | Choose question or message")
    if not 3 <= len(text.strip()) <= MAX_TEXT:
        raise Invalid(
            "text", f"Pesan 3–{MAX_TEXT} karakter | Message needs 3–{MAX_TEXT} characters"
        )


@dataclass
class Case:
    """A live case. `events` holds what happened since it was loaded, until committed."""

    id: uuid.UUID
    report_id: uuid.UUID
    report_number: str
    status: Status
    version: int
    assignee_id: uuid.UUID | None = None
    stage: str | None = None
    stage_started_on: date | None = None
    due_on: date | None = None
    outcome: str | None = None
    reporter_update_due: date | None = None
    closed_at: datetime | None = None
    reporter_public_key: str | None = None  # the reporter's mailbox key (base64)
    case_public_key: bytes | None = None  # None: a legacy case sealed to the host key
    identity_public_key: bytes | None = None
    conflicts: set[uuid.UUID] = field(default_factory=set)  # who declared one
    events: list[CaseEvent] = field(default_factory=list)

    def visible_to(self, staff: StaffUser) -> bool:
        return sees(staff, self.assignee_id)

    def expect_version(self, version: int | None) -> None:
        """Optimistic concurrency: the client changes the version it read, or reloads."""
        if version is not None and version != self.version:
            raise Stale(self.version)

    def transition_to(
        self,
        table: TransitionTable,
        calendar: WorkingCalendar,
        actor: StaffUser,
        target: Status,
        note: str,
        reason: str | None = None,
        outcome: str | None = None,
        *,
        now: datetime,
        reporter_update_days: int,
    ) -> None:
        """One workflow step by the table, with its deadline and the reporter clock."""
        source = self.status
        try:
            change = transition_to(table, source, target, actor.role, note, reason, outcome)
        except TransitionRefused as exc:
            if exc.field:
                raise Invalid(exc.field, exc.message) from exc
            raise Refused(
                exc.message, allowed=[s.value for s in exc.allowed], from_status=source.value
            ) from exc
        today = now.date()
        current = (
            Deadline(self.stage, self.stage_started_on, self.due_on)
            if self.stage and self.stage_started_on and self.due_on
            else None
        )
        deadline = deadline_for(calendar, target, today, current)
        self.status = target
        self.outcome = change.outcome or self.outcome
        self.stage = deadline.stage if deadline else None
        self.stage_started_on = deadline.started_on if deadline else None
        self.due_on = deadline.due_on if deadline else None
        if target in ENDINGS and self.closed_at is None:
            self.closed_at = now
        self.reporter_update_due = reporter_update_after_transition(
            self.reporter_update_due, target, change.public_status, today, reporter_update_days
        )
        self.version += 1
        self.events.append(
            StatusChanged(
                actor.id,
                source,
                target,
                change.note,
                change.reason,
                change.outcome,
                change.public_status,
            )
        )

    def assign(self, actor: StaffUser, assignee: Assignee | None, reason: str | None) -> Assigned:
        """Hand the case to an active handler or coordinator who declared no conflict."""
        if (
            assignee is None
            or assignee.disabled
            or assignee.role not in (Role.HANDLER, Role.COORDINATOR)
        ):
            raise Invalid("assignee_id", "Bukan penangan aktif | Not an active handler")
        if assignee.id in self.conflicts:
            raise Refused(
                "Penangan menyatakan benturan kepentingan | The handler declared a "
                "conflict of interest",
                field="assignee_id",
            )
        if self.assignee_id is not None and len((reason or "").strip()) < MIN_REASON:
            raise Invalid(
                "reason",
                f"Alasan pengalihan minimal {MIN_REASON} karakter | A "
                f"reassignment needs a reason of {MIN_REASON}+ characters",
            )
        event = Assigned(actor.id, assignee.id, assignee.username, self.assignee_id, reason)
        self.assignee_id = assignee.id
        self.version += 1
        self.events.append(event)
        return event

    def declare_conflict(self, actor: StaffUser, note: str) -> ConflictDeclared:
        """The declarer can no longer be assigned; if they hold the case, they leave it."""
        left = self.assignee_id == actor.id
        event = ConflictDeclared(actor.id, check_conflict_note(note), left)
        self.conflicts.add(actor.id)
        if left:
            self.assignee_id = None
            self.version += 1
        self.events.append(event)
        return event

    def record_contact(
        self, actor: StaffUser, kind: str, on_date: date, channel: str, party: str, result: str
    ) -> None:
        """A confirmation call, visit, letter or follow-up, documented on the case."""
        check_contact(kind, channel, party, result)
        self.events.append(
            ContactRecorded(actor.id, kind, on_date, channel, party.strip(), result.strip())
        )
        self.version += 1

    def require_mailbox(self) -> str:
        """The reporter's mailbox key; without it the team uses the contact log."""
        if not self.reporter_public_key:
            raise Refused(
                "Pelapor tidak dapat dihubungi lewat kotak pesan (tanpa kunci "
                "pelapor) | The reporter has no mailbox key; use the contact log"
            )
        return self.reporter_public_key

    def send_message(
        self,
        actor: StaffUser,
        message_id: uuid.UUID,
        kind: str,
        staff_copy: SealedData,
        to_reporter: SealedData,
        *,
        today: date,
        reporter_update_days: int,
    ) -> None:
        """A question or message to the reporter (sealed by the caller): their clock restarts."""
        self.require_mailbox()
        if kind not in MESSAGE_KINDS:
            raise Invalid("kind", "Pilih question atau message | Choose question or message")
        if self.status not in CLOSED:
            self.reporter_update_due = reporter_update_due(today, reporter_update_days)
        self.events.append(MessageSent(actor.id, message_id, kind, staff_copy, to_reporter))

    def receive_followup(
        self,
        followup_id: uuid.UUID,
        kind: str,
        in_reply_to: uuid.UUID | None,
        sealed: SealedData,
        at: datetime,
    ) -> None:
        """The reporter's answer or added information: the team's view changes (version)."""
        self.events.append(FollowupReceived(followup_id, kind, in_reply_to, sealed, at))
        self.version += 1


def not_found() -> NotFound:
    return NotFound(NOT_FOUND)
