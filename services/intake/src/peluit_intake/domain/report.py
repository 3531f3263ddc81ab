"""A whistleblower's report: the 4W+1H criteria (unsur pengaduan) and optional identity."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from peluit_shared.reference import categories

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# KKP works in Western Indonesia Time; "not in the future" is judged there.
WIB = timezone(timedelta(hours=7))


def today_in_indonesia() -> date:
    return datetime.now(WIB).date()


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReportedPerson(Closed):
    """Who is reported: name, position and KKP unit, as far as the reporter knows."""

    name: Short | None = None
    position: Short | None = None
    unit: Short | None = None

    @model_validator(mode="after")
    def _something_known(self) -> Self:
        if not (self.name or self.position or self.unit):
            raise PydanticCustomError(
                "person_unknown",
                "Isi nama, jabatan atau unit kerja terlapor | "
                "Give the reported person's name, position or unit",
            )
        return self


class Identity(Closed):
    """The reporter, when they choose to be identified (kept confidential)."""

    name: Short | None = None
    phone: Annotated[str, StringConstraints(max_length=30)] | None = None
    email: Annotated[str, StringConstraints(max_length=254)] | None = None
    employee_number: Annotated[str, StringConstraints(max_length=30)] | None = None

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        if v and not _PHONE.match(v):
            raise PydanticCustomError(
                "phone_invalid", "Nomor telepon tidak valid | Invalid phone number"
            )
        return v or None

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if v and not _EMAIL.match(v):
            raise PydanticCustomError(
                "email_invalid", "Alamat email tidak valid | Invalid email address"
            )
        return v or None

    @model_validator(mode="after")
    def _reachable(self) -> Self:
        if not (self.phone or self.email):
            raise PydanticCustomError(
                "identity_unreachable",
                "Pelapor beridentitas perlu mengisi telepon atau email | "
                "An identified reporter needs a phone number or an email address",
            )
        return self


class ReportContent(Closed):
    """What the reporter tells: 4W+1H plus optional details. Never stored or sent in clear."""

    category: str = Field(
        description="Kategori pelanggaran / category code",
        json_schema_extra={"enum": list(categories())},
    )
    what: Annotated[Text, StringConstraints(min_length=10)] = Field(
        description="Apa yang terjadi / what happened"
    )
    who: list[ReportedPerson] = Field(
        min_length=1, max_length=20, description="Siapa yang terlibat / who is involved"
    )
    where: Annotated[Short, StringConstraints(min_length=2)] = Field(description="Di mana / where")
    when: Annotated[Short, StringConstraints(min_length=2)] = Field(
        description="Kapan (tanggal atau periode) / when (date or period)"
    )
    how: Annotated[Text, StringConstraints(min_length=5)] = Field(
        description="Bagaimana modusnya / how it was done"
    )
    date_from: date | None = Field(default=None, description="Tanggal (awal) / date (from)")
    date_to: date | None = Field(default=None, description="Sampai tanggal / until date")
    estimated_loss: int | None = Field(
        default=None, ge=0, le=10**15, description="Perkiraan kerugian negara (Rp)"
    )
    witnesses: Text | None = None
    other_parties: Text | None = None
    identity: Identity | None = Field(
        default=None, description="Kosongkan untuk anonim / leave out to stay anonymous"
    )
    obligations_accepted: bool = Field(
        default=True,
        description="Pelapor menyetujui kewajiban pelapor (data menjadi milik KKP; bersedia "
        "dihubungi dan melengkapi data) / the reporter accepts the reporter's obligations",
    )

    @field_validator("date_from", "date_to")
    @classmethod
    def _not_in_future(cls, v: date | None) -> date | None:
        if v is not None and v > today_in_indonesia():
            raise PydanticCustomError(
                "date_in_future",
                "Tanggal tidak boleh di masa depan | The date cannot be in the future",
            )
        return v

    @field_validator("date_to")
    @classmethod
    def _period_in_order(cls, v: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("date_from")
        if v is not None and start is not None and v < start:
            raise PydanticCustomError(
                "date_order",
                "Tanggal akhir harus sama atau setelah tanggal awal | "
                "The end date must be on or after the start date",
            )
        return v

    @field_validator("obligations_accepted")
    @classmethod
    def _obligations(cls, v: bool) -> bool:
        if not v:
            raise PydanticCustomError(
                "obligations_refused",
                "Laporan hanya dapat diterima bila Anda menyetujui kewajiban pelapor | "
                "A report can only be accepted if you accept the reporter's obligations",
            )
        return v

    @field_validator("category")
    @classmethod
    def _known_category(cls, v: str) -> str:
        known = categories()
        if v not in known:
            raise PydanticCustomError(
                "category_unknown",
                f"Kategori tidak dikenal | Unknown category (one of: {', '.join(known)})",
            )
        return v

    @property
    def anonymous(self) -> bool:
        return self.identity is None
