"""The reporter's optional address for notices: only "there is news, open the portal".

It is sealed to the notifications service's public key before anything is written, so intake
never keeps it in clear and the cases team never sees it.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, StringConstraints

NoticeLanguage = Literal["id", "en"]
NoticeEmail = Annotated[EmailStr, StringConstraints(max_length=254)]


class NotificationContact(BaseModel):
    """Where a generic notice goes, and in which language it is written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: NoticeEmail
    language: NoticeLanguage = "id"

    def sealed_plaintext(self) -> bytes:
        """The JSON the notifications service opens: {"email": ..., "language": ...}."""
        return json.dumps({"email": str(self.email), "language": self.language}).encode()
