"""Events the intake service publishes about reports."""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import Field

from peluit_shared import topics
from peluit_shared.crypto import SealedData
from peluit_shared.events.base import Event, Payload

Channel = Literal["portal", "api", "letter", "phone", "email", "in_person"]


class ReportSubmittedPayload(Payload):
    report_id: uuid.UUID
    report_number: str = Field(pattern=r"^WBS-\d{4}-\d{6,}$")
    channel: Channel
    # The full report (4W+1H and identity) sealed to the cases service's public key.
    sealed_report: SealedData
    # The reporter's X25519 public key (base64, derived from the receipt): the team's messages
    # are sealed to it, so only the holder of the receipt can read them. None: nobody to answer.
    reporter_public_key: str | None = None
    # Since version 2: where the reporter wants a generic "check the portal" notice, as JSON
    # {"email": ..., "language": "id"|"en"} sealed to the notifications service's public key, so
    # only notifications can open it. None: the reporter left no address.
    sealed_notification_contact: SealedData | None = None


class ReportSubmitted(Event):
    TOPIC: ClassVar[str] = topics.REPORT_SUBMITTED

    type: Literal["report.submitted"] = "report.submitted"
    version: Literal[2] = 2
    payload: ReportSubmittedPayload


class ReportFollowupPostedPayload(Payload):
    followup_id: uuid.UUID
    report_id: uuid.UUID
    report_number: str
    # answer: to a question of the team (in_reply_to names it); information: added unprompted.
    kind: Literal["answer", "information"]
    in_reply_to: uuid.UUID | None = None
    # The reporter's text sealed to the cases service's public key.
    sealed_followup: SealedData


class ReportFollowupPosted(Event):
    """The reporter answered a question or added information through the mailbox."""

    TOPIC: ClassVar[str] = topics.REPORT_FOLLOWUP_POSTED

    type: Literal["report.followup_posted"] = "report.followup_posted"
    version: Literal[1] = 1
    payload: ReportFollowupPostedPayload
