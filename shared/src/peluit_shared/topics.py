"""Every Kafka topic Peluit uses, with its partition count: the one place topic names live."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

REPORT_SUBMITTED = "report.submitted"
REPORT_FOLLOWUP_POSTED = "report.followup_posted"
CASE_CREATED = "case.created"
CASE_STATUS_CHANGED = "case.status_changed"
CASE_ASSIGNED = "case.assigned"
CASE_MESSAGE_TO_REPORTER = "case.message_to_reporter"
CASE_DEADLINE_DUE = "case.deadline_due"
CASE_PURGED = "case.purged"
STAFF_CHANGED = "staff.changed"
EVIDENCE_STORED = "evidence.stored"
EVIDENCE_ACCESSED = "evidence.accessed"
NOTIFICATION_FAILED = "notification.failed"
# Heads of the cases audit chain, kept outside the cases database (compacted: the latest per key).
AUDIT_ANCHORS = "audit.anchors"

DEFAULT_PARTITIONS = 3


@dataclass(frozen=True)
class Topic:
    """A topic, how many partitions it is created with and its topic configs."""

    name: str
    partitions: int = DEFAULT_PARTITIONS
    configs: tuple[tuple[str, str], ...] = ()


def dead_letter(topic: str) -> str:
    """The dead-letter topic that takes poison messages of `topic`."""
    return f"{topic}.dlq"


# State topics: each record is the whole current state of one entity, keyed by it, so Kafka
# keeps the latest per key for ever (compaction) and a projection rebuilt from the start of the
# topic — a new service, or a wiped database — still learns every staff member, however old the
# change. Accounts are disabled, never deleted, so no tombstones are written: the latest
# record of a disabled account says so. `peluit-cases republish-staff` writes them all again.
STATE_TOPIC_CONFIGS: tuple[tuple[str, str], ...] = (
    ("cleanup.policy", "compact"),
    ("min.compaction.lag.ms", "60000"),
)
STATE_TOPICS = frozenset({STAFF_CHANGED})

EVENT_TOPICS: tuple[Topic, ...] = tuple(
    Topic(name, configs=STATE_TOPIC_CONFIGS if name in STATE_TOPICS else ())
    for name in (
        REPORT_SUBMITTED,
        REPORT_FOLLOWUP_POSTED,
        CASE_CREATED,
        CASE_STATUS_CHANGED,
        CASE_ASSIGNED,
        CASE_MESSAGE_TO_REPORTER,
        CASE_DEADLINE_DUE,
        CASE_PURGED,
        STAFF_CHANGED,
        EVIDENCE_STORED,
        EVIDENCE_ACCESSED,
        NOTIFICATION_FAILED,
    )
)

# Dead letters are rare and read by operators: one partition keeps them in order.
DEAD_LETTER_TOPICS: tuple[Topic, ...] = tuple(
    Topic(dead_letter(t.name), partitions=1) for t in EVENT_TOPICS
)

# Not events for consumers: one partition, compacted (only the latest record per key is kept).
ANCHOR_TOPICS: tuple[Topic, ...] = (
    # Kept forever: one record per anchored sequence number (verify-audit reads them all).
    Topic(
        AUDIT_ANCHORS,
        partitions=1,
        configs=(("cleanup.policy", "compact"), ("retention.ms", "-1")),
    ),
)

ALL_TOPICS: tuple[Topic, ...] = EVENT_TOPICS + DEAD_LETTER_TOPICS + ANCHOR_TOPICS

# Who may produce each topic: its events are signed with that service's key, Kafka lets only
# that service's user write it (ACLs), and consumers accept only its signatures.
PRODUCERS: Mapping[str, tuple[str, ...]] = {
    REPORT_SUBMITTED: ("intake",),
    REPORT_FOLLOWUP_POSTED: ("intake",),
    CASE_CREATED: ("cases",),
    CASE_STATUS_CHANGED: ("cases",),
    CASE_ASSIGNED: ("cases",),
    CASE_MESSAGE_TO_REPORTER: ("cases",),
    CASE_DEADLINE_DUE: ("cases",),
    CASE_PURGED: ("cases",),
    STAFF_CHANGED: ("cases",),
    AUDIT_ANCHORS: ("cases",),
    EVIDENCE_STORED: ("evidence",),
    EVIDENCE_ACCESSED: ("evidence",),
    NOTIFICATION_FAILED: ("notifications",),
}

# What each service reads (its consumer dead-letters into `<topic>.dlq` of these).
CONSUMES: Mapping[str, tuple[str, ...]] = {
    # staff.changed: the coordinators' and custodians' public keys new case keys are wrapped to.
    "intake": (CASE_STATUS_CHANGED, CASE_MESSAGE_TO_REPORTER, EVIDENCE_STORED, STAFF_CHANGED),
    "cases": (
        REPORT_SUBMITTED,
        REPORT_FOLLOWUP_POSTED,
        EVIDENCE_STORED,
        EVIDENCE_ACCESSED,
        AUDIT_ANCHORS,
    ),
    "evidence": (CASE_PURGED,),
    "notifications": (
        STAFF_CHANGED,
        REPORT_SUBMITTED,
        CASE_CREATED,
        CASE_ASSIGNED,
        REPORT_FOLLOWUP_POSTED,
        EVIDENCE_STORED,
        CASE_DEADLINE_DUE,
        CASE_STATUS_CHANGED,
        CASE_MESSAGE_TO_REPORTER,
    ),
}

SERVICES: tuple[str, ...] = ("intake", "cases", "evidence", "notifications")


def produces(service: str) -> tuple[str, ...]:
    """The topics `service` publishes."""
    return tuple(t for t, owners in PRODUCERS.items() if service in owners)
