"""Events the intake service publishes about reports."""

from __future__ import annotations

import base64
import uuid
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

from peluit_shared import topics
from peluit_shared.crypto import SealedData
from peluit_shared.events.base import Event, Payload

Channel = Literal["portal", "api", "letter", "phone", "email", "in_person"]


class KeyWrap(BaseModel):
    """A case (or identity) private key sealed to one holder's X25519 public key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # The staff member it is wrapped to; None: the offline recovery key.
    staff_id: uuid.UUID | None
    # key_id of the holder's public key (a re-keyed account's old wraps are recognisable).
    holder_key_id: str
    wrapped: bytes

    @field_serializer("wrapped")
    def _encode(self, value: bytes) -> str:
        return base64.b64encode(value).decode()

    @field_validator("wrapped", mode="before")
    @classmethod
    def _decode(cls, value: object) -> object:
        if isinstance(value, str):
            return base64.b64decode(value, validate=True)
        return value


class ReportSubmittedPayload(Payload):
    report_id: uuid.UUID
    report_number: str = Field(pattern=r"^WBS-\d{4}-\d{6,}$")
    channel: Channel
    # Since version 3: the report WITHOUT the identity, sealed to the case's own public key
    # (`case_public_key`). Legacy (upgraded v1/v2): everything sealed to the cases host key.
    sealed_report: SealedData
    # The reporter's X25519 public key (base64, derived from the receipt): the team's messages
    # are sealed to it, so only the holder of the receipt can read them. None: nobody to answer.
    reporter_public_key: str | None = None
    # Since version 2: where the reporter wants a generic "check the portal" notice, as JSON
    # {"email": ..., "language": "id"|"en"} sealed to the notifications service's public key, so
    # only notifications can open it. None: the reporter left no address.
    sealed_notification_contact: SealedData | None = None
    # Since version 3: the per-case X25519 public key (base64) and its private key wrapped to
    # every active coordinator and to the offline recovery key. None: a legacy report.
    case_public_key: str | None = None
    case_key_wraps: list[KeyWrap] = []
    # Since version 3: the identity in its own envelope, sealed to a per-case identity key pair
    # whose private key is wrapped to the identity custodians and the recovery key only.
    # None: anonymous (or legacy).
    sealed_identity: SealedData | None = None
    identity_public_key: str | None = None
    identity_key_wraps: list[KeyWrap] = []
    # Since version 3: JSON {category, units (reference codes or "lainnya"), anonymous} sealed
    # to the cases host key: what lists, deadlines and statistics need, no content.
    sealed_triage: SealedData | None = None


class ReportSubmitted(Event):
    TOPIC: ClassVar[str] = topics.REPORT_SUBMITTED

    type: Literal["report.submitted"] = "report.submitted"
    version: Literal[3] = 3
    payload: ReportSubmittedPayload


class ReportFollowupPostedPayload(Payload):
    followup_id: uuid.UUID
    report_id: uuid.UUID
    report_number: str
    # answer: to a question of the team (in_reply_to names it); information: added unprompted.
    kind: Literal["answer", "information"]
    in_reply_to: uuid.UUID | None = None
    # The reporter's text sealed to the case's public key (legacy: the cases host key).
    sealed_followup: SealedData


class ReportFollowupPosted(Event):
    """The reporter answered a question or added information through the mailbox."""

    TOPIC: ClassVar[str] = topics.REPORT_FOLLOWUP_POSTED

    type: Literal["report.followup_posted"] = "report.followup_posted"
    version: Literal[1] = 1
    payload: ReportFollowupPostedPayload
