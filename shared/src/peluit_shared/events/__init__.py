"""Versioned event contracts shared by every service."""

from __future__ import annotations

from peluit_shared.events import (
    case_created_v1,
    evidence_stored_v1,
    evidence_stored_v2,
    report_submitted_v1,
    report_submitted_v2,
    staff_changed_v1,
    staff_changed_v2,
)
from peluit_shared.events.base import Event, Payload
from peluit_shared.events.cases import (
    CaseAssigned,
    CaseCreated,
    CaseDeadlineDue,
    CaseMessageToReporter,
    CasePurged,
    CaseStatusChanged,
)
from peluit_shared.events.evidence import EvidenceAccessed, EvidenceStored
from peluit_shared.events.notifications import NotificationFailed
from peluit_shared.events.reports import ReportFollowupPosted, ReportSubmitted
from peluit_shared.events.staff import StaffChanged

# Every event type with its current version; the contract test snapshots their schemas.
ALL_EVENTS: tuple[type[Event], ...] = (
    ReportSubmitted,
    report_submitted_v2.ReportSubmitted,
    report_submitted_v1.ReportSubmitted,
    ReportFollowupPosted,
    CaseCreated,
    case_created_v1.CaseCreated,
    CaseStatusChanged,
    CaseMessageToReporter,
    CaseAssigned,
    CaseDeadlineDue,
    CasePurged,
    StaffChanged,
    staff_changed_v2.StaffChanged,
    staff_changed_v1.StaffChanged,
    EvidenceStored,
    evidence_stored_v2.EvidenceStored,
    evidence_stored_v1.EvidenceStored,
    EvidenceAccessed,
    NotificationFailed,
)

# Superseded versions each consumer still accepts (upgraded), by current event type.
OLDER_VERSIONS: dict[type[Event], tuple[type[Event], ...]] = {
    ReportSubmitted: (report_submitted_v2.ReportSubmitted, report_submitted_v1.ReportSubmitted),
    StaffChanged: (staff_changed_v2.StaffChanged, staff_changed_v1.StaffChanged),
    CaseCreated: (case_created_v1.CaseCreated,),
    EvidenceStored: (evidence_stored_v2.EvidenceStored, evidence_stored_v1.EvidenceStored),
}

__all__ = [
    "ALL_EVENTS",
    "OLDER_VERSIONS",
    "CaseAssigned",
    "CaseCreated",
    "CaseDeadlineDue",
    "CaseMessageToReporter",
    "CasePurged",
    "CaseStatusChanged",
    "Event",
    "EvidenceAccessed",
    "EvidenceStored",
    "NotificationFailed",
    "Payload",
    "ReportFollowupPosted",
    "ReportSubmitted",
    "StaffChanged",
]
