"""Versioned event contracts shared by every service."""

from __future__ import annotations

from peluit_shared.events.base import Event, Payload
from peluit_shared.events.cases import CaseCreated, CasePurged
from peluit_shared.events.reports import ReportSubmitted

# Every event type with its current version; the contract test snapshots their schemas.
ALL_EVENTS: tuple[type[Event], ...] = (ReportSubmitted, CaseCreated, CasePurged)

__all__ = ["ALL_EVENTS", "CaseCreated", "CasePurged", "Event", "Payload", "ReportSubmitted"]
