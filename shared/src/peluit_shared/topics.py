"""Every Kafka topic Peluit uses, with its partition count: the one place topic names live."""

from __future__ import annotations

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
EVIDENCE_REJECTED = "evidence.rejected"
EVIDENCE_ACCESSED = "evidence.accessed"
NOTIFICATION_FAILED = "notification.failed"
# The cases audit chain's head, MACed (not an event; written and read only by cases).
AUDIT_ANCHORS = "audit.anchors"

DEFAULT_PARTITIONS = 3


@dataclass(frozen=True)
class Topic:
    """A topic and how many partitions it is created with."""

    name: str
    partitions: int = DEFAULT_PARTITIONS
    config: tuple[tuple[str, str], ...] = ()


def dead_letter(topic: str) -> str:
    """The dead-letter topic that takes poison messages of `topic`."""
    return f"{topic}.dlq"


EVENT_TOPICS: tuple[Topic, ...] = tuple(
    Topic(name)
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
        EVIDENCE_REJECTED,
        EVIDENCE_ACCESSED,
        NOTIFICATION_FAILED,
    )
)

# Dead letters are rare and read by operators: one partition keeps them in order.
ALL_TOPICS: tuple[Topic, ...] = (
    EVENT_TOPICS
    + tuple(Topic(dead_letter(t.name), partitions=1) for t in EVENT_TOPICS)
    # One partition, compacted, kept forever: one record per anchored sequence number.
    + (
        Topic(
            AUDIT_ANCHORS,
            partitions=1,
            config=(("cleanup.policy", "compact"), ("retention.ms", "-1")),
        ),
    )
)
