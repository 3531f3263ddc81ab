"""`transition_to`: the pure rule check of one workflow step."""

from __future__ import annotations

from dataclasses import dataclass

from peluit_cases.domain.case import Status
from peluit_cases.domain.staff import Role
from peluit_cases.domain.workflow import OUTCOMES, PUBLIC_STATUS, TransitionTable

MIN_NOTE = 3
MIN_REASON = 10


class TransitionRefused(Exception):
    """The step is not in the table, not for this role, or lacks its note/reason."""

    def __init__(self, code: str, message: str, allowed: list[Status], field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.allowed = allowed
        self.field = field


@dataclass(frozen=True)
class StatusChange:
    """What a legal step records: history, the public status and the case's new state."""

    source: Status
    target: Status
    note: str
    reason: str | None
    outcome: str | None
    public_status: str | None


def transition_to(
    table: TransitionTable,
    source: Status,
    target: Status,
    role: Role,
    note: str,
    reason: str | None = None,
    outcome: str | None = None,
) -> StatusChange:
    rule = table.rule(source, target)
    allowed = table.targets(source, role)
    if rule is None:
        raise TransitionRefused(
            "illegal",
            f"Tidak boleh dari {source} ke {target} | Not allowed from {source} to {target}",
            allowed,
        )
    if role not in rule.roles:
        raise TransitionRefused("role", f"Peran {role} tidak boleh | Role {role} may not", allowed)
    if len(note.strip()) < MIN_NOTE:
        raise TransitionRefused(
            "note",
            f"Catatan minimal {MIN_NOTE} karakter | Note needs at least {MIN_NOTE} characters",
            allowed,
            "note",
        )
    if rule.reason_required and len((reason or "").strip()) < MIN_REASON:
        raise TransitionRefused(
            "reason",
            f"Alasan minimal {MIN_REASON} karakter | Reason needs at least {MIN_REASON} characters",
            allowed,
            "reason",
        )
    if target is Status.CONCLUDED and outcome not in OUTCOMES:
        raise TransitionRefused(
            "outcome",
            "Pilih terbukti/tidak terbukti | Choose proven or not_proven",
            allowed,
            "outcome",
        )
    return StatusChange(
        source,
        target,
        note.strip(),
        (reason or "").strip() or None,
        outcome if target is Status.CONCLUDED else None,
        PUBLIC_STATUS[target],
    )
