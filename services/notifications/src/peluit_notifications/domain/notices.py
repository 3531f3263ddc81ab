"""What the team and reporters are told, and who is told: pure rules, no I/O."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    NEW_REPORT = "new_report"
    ASSIGNED = "assigned"
    REPORTER_REPLIED = "reporter_replied"
    EVIDENCE_ADDED = "evidence_added"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    ESCALATION = "escalation"
    REPORTER_NEWS = "reporter_news"
    DIGEST = "digest"


# Staff notices name at most the report number (email is an insecure channel).
TITLES: dict[Kind, tuple[str, str]] = {
    Kind.NEW_REPORT: ("Laporan baru {number} diterima", "New report {number} received"),
    Kind.ASSIGNED: ("Laporan {number} ditugaskan kepada Anda", "Report {number} assigned to you"),
    Kind.REPORTER_REPLIED: (
        "Pelapor menanggapi laporan {number}",
        "The reporter replied on report {number}",
    ),
    Kind.EVIDENCE_ADDED: ("Bukti baru untuk laporan {number}", "New evidence for report {number}"),
    Kind.DUE_SOON: ("Tenggat laporan {number} segera tiba", "Report {number} is due soon"),
    Kind.OVERDUE: ("Laporan {number} lewat tenggat", "Report {number} is overdue"),
    Kind.ESCALATION: (
        "Eskalasi: laporan {number} lewat tenggat",
        "Escalation: report {number} is overdue",
    ),
    Kind.REPORTER_NEWS: ("Ada kabar di kotak pesan Anda", "There is news in your mailbox"),
    Kind.DIGEST: ("Ringkasan pemberitahuan Peluit", "Peluit notification digest"),
}


def title(kind: Kind | str, number: str | None, lang: str) -> str:
    pair = TITLES[Kind(kind)]
    return (pair[1] if lang == "en" else pair[0]).format(number=number or "-")


@dataclass(frozen=True)
class StaffNotice:
    """One staff member to tell, and in which words."""

    staff_id: uuid.UUID
    kind: Kind


def staff_recipients(
    kind: Kind, assignee: uuid.UUID | None, coordinators: list[uuid.UUID]
) -> list[StaffNotice]:
    """Who on the team hears about `kind`: the assignee first, the coordinators otherwise.

    Overdue goes to the assignee and, as escalation, to every coordinator. A person appears once.
    """
    if kind is Kind.NEW_REPORT:
        chosen = [StaffNotice(c, kind) for c in coordinators]
    elif kind is Kind.ASSIGNED:
        chosen = [StaffNotice(assignee, kind)] if assignee else []
    elif kind is Kind.OVERDUE:
        chosen = [StaffNotice(assignee, Kind.OVERDUE)] if assignee else []
        chosen += [StaffNotice(c, Kind.ESCALATION) for c in coordinators]
    else:
        chosen = (
            [StaffNotice(assignee, kind)]
            if assignee
            else [StaffNotice(c, kind) for c in coordinators]
        )
    seen: set[uuid.UUID] = set()
    unique = []
    for notice in chosen:
        if notice.staff_id not in seen:
            seen.add(notice.staff_id)
            unique.append(notice)
    return unique


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"^[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]{{1,64}}@{_LABEL}(?:\.{_LABEL})+$")


def valid_email(address: str) -> bool:
    """A plain `local@domain.tld` address (no display name, no spaces, no header tricks)."""
    return len(address) <= 254 and _EMAIL.fullmatch(address) is not None and ".." not in address


def mask_email(address: str | None) -> str | None:
    """What operators see of an address: enough to recognise it, not to harvest it."""
    if not address or "@" not in address:
        return None
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"
