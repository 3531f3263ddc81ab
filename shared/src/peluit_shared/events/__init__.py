"""Versioned event contracts shared by every service."""

from __future__ import annotations

from peluit_shared.events.base import Event, Payload
from peluit_shared.events.cases import (
    CaseAssigned,
    CaseCreated,
    CaseDeadlineDue,
    CaseMessageToReporter,
    CasePurged,
    CaseStatusChanged,
)
from peluit_shared.events.evidence import EvidenceStored
from peluit_shared.events.reports import ReportFollowupPosted, ReportSubmitted
from peluit_shared.events.staff import StaffChanged

# Every event type with its current version; the contract test snapshots their schemas.
ALL_EVENTS: tuple[type[Event], ...] = (
    ReportSubmitted,
    ReportFollowupPosted,
    CaseCreated,
    CaseStatusChanged,
    CaseMessageToReporter,
    CaseAssigned,
    CaseDeadlineDue,
    CasePurged,
    StaffChanged,
    EvidenceStored,
)

__all__ = [
    "ALL_EVENTS",
    "CaseAssigned",
    "CaseCreated",
    "CaseDeadlineDue",
    "CaseMessageToReporter",
    "CasePurged",
    "CaseStatusChanged",
    "Event",
    "EvidenceStored",
    "Payload",
    "ReportFollowupPosted",
    "ReportSubmitted",
    "StaffChanged",
]
