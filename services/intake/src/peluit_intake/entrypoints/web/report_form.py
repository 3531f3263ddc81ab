"""The report form: from posted fields to a ReportContent, and errors back next to each field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from peluit_intake.domain.notice import NotificationContact
from peluit_intake.domain.report import ReportContent
from peluit_intake.entrypoints.web import form_errors
from peluit_intake.i18n import N_, gettext_for

TEXT_FIELDS = (
    "category",
    "what",
    "where",
    "when",
    "date_from",
    "date_to",
    "how",
    "estimated_loss",
    "witnesses",
    "other_parties",
    "identity_choice",
    "id_name",
    "id_phone",
    "id_email",
    "id_employee_number",
    "notification_email",
)
PERSON_FIELDS = ("name", "position", "unit")
DEFAULT_PEOPLE = 3
MAX_PEOPLE = 20


def read_values(form: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the reporter typed, as typed (for re-rendering), people as a list of rows."""
    values: dict[str, Any] = {name: str(form.get(name) or "")[:25_000] for name in TEXT_FIELDS}
    values["obligations"] = bool(form.get("obligations"))
    try:
        rows = int(str(form.get("people") or DEFAULT_PEOPLE))
    except ValueError:
        rows = DEFAULT_PEOPLE
    rows = max(1, min(rows, MAX_PEOPLE))
    values["who"] = [
        {f: str(form.get(f"who-{i}-{f}") or "")[:1_000] for f in PERSON_FIELDS} for i in range(rows)
    ]
    return values


def _blank_to_none(value: str) -> str | None:
    value = value.strip()
    return value or None


def to_report(values: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON-shaped report the domain model validates; blank rows and fields left out."""
    people = [
        {f: _blank_to_none(p[f]) for f in PERSON_FIELDS}
        for p in values["who"]
        if any(p[f].strip() for f in PERSON_FIELDS)
    ]
    when = values["when"].strip()
    if not when and values["date_from"]:
        when = " – ".join(d for d in (values["date_from"], values["date_to"]) if d)
    loss = re.sub(r"[.,\s]|^Rp", "", values["estimated_loss"].strip())
    report: dict[str, Any] = {
        "category": values["category"],
        "what": values["what"],
        "who": [{k: v for k, v in p.items() if v is not None} for p in people],
        "where": values["where"],
        "when": when,
        "how": values["how"],
        "date_from": _blank_to_none(values["date_from"]),
        "date_to": _blank_to_none(values["date_to"]),
        "estimated_loss": loss or None,
        "witnesses": _blank_to_none(values["witnesses"]),
        "other_parties": _blank_to_none(values["other_parties"]),
        "obligations_accepted": values["obligations"],
    }
    if values["identity_choice"] == "identified":
        report["identity"] = {
            key: _blank_to_none(values[f"id_{key}"])
            for key in ("name", "phone", "email", "employee_number")
        }
    return report


def _field_of(loc: tuple[int | str, ...]) -> str:
    if not loc:
        return "form"
    head = str(loc[0])
    if head == "identity":
        return f"id_{loc[1]}" if len(loc) > 1 else "identity"
    if head == "who":
        return f"who-{loc[1]}" if len(loc) > 1 else "who"
    if head == "obligations_accepted":
        return "obligations"
    return head


def field_of_form_name(name: str) -> str:
    """Where the form shows a message about a posted field (`who-2-name` on person row 2)."""
    if name.startswith("who-"):
        return "-".join(name.split("-")[:2])
    if name.startswith("id_") or name in TEXT_FIELDS:
        return name
    return "form"


def notice_of(
    values: Mapping[str, Any], lang: str
) -> tuple[NotificationContact | None, str | None]:
    """The optional address for notices (in the page's language), or its error message."""
    email = values["notification_email"].strip()
    if not email:
        return None, None
    try:
        return NotificationContact(email=email, language="en" if lang == "en" else "id"), None
    except ValidationError:
        return None, gettext_for(lang, form_errors.NOTIFICATION_EMAIL)


def validate(values: Mapping[str, Any], lang: str) -> tuple[ReportContent | None, dict[str, str]]:
    """The report, or field errors in the reporter's language (first error per field)."""
    errors: dict[str, str] = {}
    _, notice_error = notice_of(values, lang)
    if notice_error:
        errors["notification_email"] = notice_error
    if values["identity_choice"] not in ("anonymous", "identified"):
        errors["identity_choice"] = gettext_for(lang, form_errors.IDENTITY_CHOICE)
    if not values["obligations"]:
        errors["obligations"] = gettext_for(lang, form_errors.OBLIGATIONS)
    try:
        report = ReportContent.model_validate(to_report(values))
    except ValidationError as exc:
        for err in exc.errors():
            field = _field_of(tuple(err["loc"]))
            errors.setdefault(field, gettext_for(lang, form_errors.sentence(field, err["type"])))
        return None, errors
    return (None, errors) if errors else (report, {})


# Where the error summary sends the reporter for each field, and the field's label, in form order.
_TARGETS: dict[str, tuple[str, str]] = {
    "category": ("category", N_("Kategori pelanggaran *")),
    "what": ("what", N_("Apa yang terjadi? *")),
    "who": ("who-0-name", N_("Siapa yang terlibat")),
    "where": ("where", N_("Di mana? *")),
    "when": ("when", N_("Kapan? *")),
    "date_from": ("date_from", N_("Tanggal (awal)")),
    "date_to": ("date_to", N_("Sampai tanggal")),
    "how": ("how", N_("Bagaimana caranya? *")),
    "estimated_loss": ("estimated_loss", N_("Perkiraan kerugian negara (Rupiah)")),
    "witnesses": ("witnesses", N_("Saksi")),
    "other_parties": ("other_parties", N_("Pihak lain yang terkait")),
    "identity_choice": ("identity-anonymous", N_("Identitas Anda")),
    "identity": ("id_phone", N_("Identitas Anda")),
    "id_name": ("id_name", N_("Nama")),
    "id_phone": ("id_phone", N_("Nomor telepon")),
    "id_email": ("id_email", N_("Email")),
    "id_employee_number": ("id_employee_number", N_("NIP (nomor induk pegawai)")),
    "notification_email": ("notification_email", N_("Email untuk pemberitahuan (opsional)")),
    "obligations": ("obligations", N_("Persetujuan")),
    "evidence": ("evidence-files", N_("Bukti")),
}
_ORDER = list(_TARGETS)


def _rank(field: str) -> tuple[int, int]:
    if field.startswith("who-"):
        return _ORDER.index("who"), int(field.split("-")[1]) + 1
    return (_ORDER.index(field), 0) if field in _TARGETS else (len(_ORDER), 0)


def summary(errors: Mapping[str, str], lang: str) -> list[tuple[str, str, str]]:
    """(element id, label, message) for each field in error, in the order of the form."""
    rows: list[tuple[str, str, str]] = []
    for field in sorted(errors, key=_rank):
        if field.startswith("who-"):
            index = int(field.split("-")[1])
            anchor, label = f"{field}-name", f"{gettext_for(lang, 'Terlapor')} {index + 1}"
        elif field in _TARGETS:
            anchor, message_id = _TARGETS[field]
            label = gettext_for(lang, message_id).rstrip(" *")
        else:
            anchor, label = "report-form", gettext_for(lang, N_("Formulir"))
        rows.append((anchor, label, errors[field]))
    return rows
