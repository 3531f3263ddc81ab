"""Files attached on the report form, forwarded after the report is safely committed.

The report is accepted first; each file then streams to the evidence service on its own. A file
that fails is named on the receipt page with the reason and can be added from the mailbox — a
failed upload never loses the report.
"""

from __future__ import annotations

from peluit_intake.adapters.evidence_client import ForwardFailed
from peluit_intake.adapters.receipt_handoff import AttachedFile
from peluit_intake.entrypoints.web.notices import NOTICES
from peluit_intake.entrypoints.web.streamed_form import FilePart, FormBroken, StreamedForm
from peluit_intake.i18n import pair
from peluit_intake.service.evidence import add_evidence, clean_filename
from peluit_intake.service.submit import Accepted
from peluit_intake.wiring import Intake

MAX_FILES = 5


async def forward_attachments(
    intake: Intake, form: StreamedForm, first: FilePart | None, accepted: Accepted
) -> tuple[AttachedFile, ...]:
    outcomes: list[AttachedFile] = []
    part = first
    try:
        while part is not None:
            if part.filename:
                outcomes.append(await _one(intake, form, part, accepted, len(outcomes)))
            part = await form.next_file()
    except FormBroken:
        name = clean_filename(part.filename) if part and part.filename else "?"
        outcomes.append(AttachedFile(name, error=pair(NOTICES["evidence.broken"])))
    return tuple(outcomes)


async def _one(
    intake: Intake, form: StreamedForm, part: FilePart, accepted: Accepted, already: int
) -> AttachedFile:
    name = clean_filename(part.filename)
    if already >= MAX_FILES:
        return AttachedFile(name, error=pair(NOTICES["evidence.too_many"]))
    assert accepted.keys is not None, "a report accepted on the form has the reporter's keys"
    try:
        forwarded = await add_evidence(
            intake.runtime.pool,
            intake.evidence(),
            (await intake.upload_grant(accepted.report_id))[0],
            accepted.report_id,
            accepted.keys,
            part.filename,
            part.content_type,
            form.file_bytes(),
        )
    except ForwardFailed as exc:
        return AttachedFile(name, error=(exc.message, exc.message_en))
    return AttachedFile(name, forwarded.size_bytes, forwarded.sha256[:12])
