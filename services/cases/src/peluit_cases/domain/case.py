"""A case: the team's handling of one report. Statuses as in the architecture's workflow table."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Status(StrEnum):
    RECEIVED = "received"
    VERIFYING = "verifying"
    NEEDS_INFO = "needs_info"
    REVIEWING = "reviewing"
    INVESTIGATING = "investigating"
    REFERRED = "referred"
    NOT_ACTIONABLE = "not_actionable"
    CONCLUDED = "concluded"
    ARCHIVED = "archived"


STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.RECEIVED: ("Diterima", "Received"),
    Status.VERIFYING: ("Dalam Verifikasi", "Verifying"),
    Status.NEEDS_INFO: ("Perlu Kelengkapan", "Needs information"),
    Status.REVIEWING: ("Ditelaah", "Under review"),
    Status.INVESTIGATING: ("Dalam Pemeriksaan", "Under investigation"),
    Status.REFERRED: ("Dilimpahkan", "Referred"),
    Status.NOT_ACTIONABLE: ("Tidak Dapat Ditindaklanjuti", "Not actionable"),
    Status.CONCLUDED: ("Selesai", "Concluded"),
    Status.ARCHIVED: ("Diarsipkan", "Archived"),
}


@dataclass(frozen=True)
class NewCase:
    """A case opened from a submitted report: always starts as Diterima."""

    id: uuid.UUID
    report_id: uuid.UUID
    report_number: str
    channel: str
    category: str
    anonymous: bool
    sealed_key_id: str
    sealed_report: bytes
    received_at: datetime
    reporter_public_key: str | None = None
    units: tuple[str, ...] = ()  # KKP units of the reported people: in clear, names never
    status: Status = Status.RECEIVED
