"""The use cases that change a case, in process: a fake unit of work, no database, no Kafka."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from nacl.encoding import Base64Encoder
from nacl.public import PrivateKey

from peluit_cases.domain.aggregate import Assignee
from peluit_cases.domain.case import Status
from peluit_cases.domain.errors import Forbidden, Invalid, KeyRefused, NotFound, Refused, Stale
from peluit_cases.domain.events import ContactRecorded, FollowupReceived, StatusChanged
from peluit_cases.domain.staff import Role
from peluit_cases.service import assignment, contacts, mailbox, workflow
from peluit_cases.service.commands import (
    Assign,
    DeclareConflict,
    ReceiveFollowup,
    RecordContact,
    SendMessage,
    Transition,
)
from peluit_shared.consumer import PoisonEvent
from peluit_shared.crypto import SealedData, key_id_of, unseal
from peluit_shared.events import (
    CaseAssigned,
    CaseMessageToReporter,
    CaseStatusChanged,
    ReportFollowupPosted,
)
from peluit_shared.events.reports import ReportFollowupPostedPayload

TODAY = datetime.now(UTC).date()


# --- transition ---------------------------------------------------------------------------


async def test_a_coordinator_moves_a_case_on_and_the_reporter_hears_of_it(
    make_case, make_staff, make_uow
) -> None:
    case, coord = make_case(), make_staff()
    uow = make_uow([case])
    version = await workflow.transition(
        Transition(coord, case.id, 1, Status.VERIFYING, "mulai verifikasi"), uow
    )
    stored = uow.case(case.id)
    assert version == 2 and stored.version == 2 and stored.status is Status.VERIFYING
    assert stored.stage == "verification" and stored.reporter_update_due == TODAY + timedelta(30)
    [event] = uow.outbox
    assert isinstance(event, CaseStatusChanged)
    assert (event.payload.from_status, event.payload.to_status) == ("received", "verifying")
    assert event.payload.public_status == "in_process"
    assert event.correlation_id == case.report_id and event.payload.case_id == case.id
    [changed] = uow.cases.recorded
    assert isinstance(changed, StatusChanged) and changed.note == "mulai verifikasi"
    assert uow.audit.entries == [
        (
            str(coord.id),
            "transition",
            case.id,
            {"from_status": "received", "to_status": "verifying"},
        )
    ]


async def test_a_stale_version_changes_and_publishes_nothing(
    make_case, make_staff, make_uow
) -> None:
    case = make_case(version=4)
    uow = make_uow([case])
    with pytest.raises(Stale) as stale:
        await workflow.transition(
            Transition(make_staff(), case.id, 3, Status.VERIFYING, "mulai"), uow
        )
    assert stale.value.extra["current_version"] == 4
    assert uow.outbox == [] and uow.audit.entries == [] and uow.commits == 0
    assert uow.case(case.id).status is Status.RECEIVED


async def test_a_step_outside_the_table_names_the_allowed_ones(
    make_case, make_staff, make_uow
) -> None:
    case = make_case()
    uow = make_uow([case])
    with pytest.raises(Refused) as refused:
        await workflow.transition(
            Transition(make_staff(), case.id, None, Status.CONCLUDED, "selesai"), uow
        )
    assert refused.value.extra["from_status"] == "received"
    assert set(refused.value.extra["allowed"]) == {"verifying", "not_actionable"}
    assert uow.outbox == [] and uow.case(case.id).version == 1


async def test_a_handler_cannot_see_a_case_of_someone_else(make_case, make_staff, make_uow) -> None:
    handler = make_staff(Role.HANDLER, "h")
    case = make_case(assignee_id=uuid.uuid4())
    uow = make_uow([case])
    with pytest.raises(NotFound):
        await workflow.transition(Transition(handler, case.id, None, Status.VERIFYING, "x"), uow)
    mine = make_case(assignee_id=handler.id)
    uow = make_uow([mine])
    await workflow.transition(Transition(handler, mine.id, None, Status.VERIFYING, "oke"), uow)
    assert uow.case(mine.id).status is Status.VERIFYING


async def test_a_viewer_may_not_work_a_case(make_case, make_staff, make_uow) -> None:
    case = make_case()
    with pytest.raises(Forbidden):
        await workflow.transition(
            Transition(make_staff(Role.VIEWER), case.id, None, Status.VERIFYING, "lihat"),
            make_uow([case]),
        )


# --- assignment ---------------------------------------------------------------------------


def _handler(name: str = "hana") -> Assignee:
    return Assignee(uuid.uuid4(), name, Role.HANDLER, disabled=False)


async def test_assigning_hands_over_the_case_key_and_publishes(
    make_case, make_staff, make_uow
) -> None:
    coord, hana = make_staff(), _handler()
    case = make_case()
    uow = make_uow([case], [hana])
    uow.keys.wraps[(case.id, coord.id)] = "intake"
    uow.keys.public[hana.id] = PrivateKey.generate().public_key
    version = await assignment.assign(Assign(coord, case.id, 1, hana.id), uow)
    assert version == 2 and uow.case(case.id).assignee_id == hana.id
    assert uow.keys.wraps[(case.id, hana.id)] == "assignment"
    [event] = uow.outbox
    assert isinstance(event, CaseAssigned)
    assert event.payload.assignee_id == hana.id and event.payload.assigned_by_id == coord.id
    assert event.payload.reassignment is False
    assert uow.audit.entries[0][1:] == (
        "assign",
        case.id,
        {"assignee": str(hana.id), "reassignment": False},
    )


async def test_a_reassignment_needs_a_reason_and_takes_the_key_from_the_previous_handler(
    make_case, make_staff, make_uow
) -> None:
    coord, hana, budi = make_staff(), _handler("hana"), _handler("budi")
    case = make_case(assignee_id=hana.id)
    uow = make_uow([case], [hana, budi])
    uow.keys.wraps.update({(case.id, coord.id): "intake", (case.id, hana.id): "assignment"})
    uow.keys.public[budi.id] = PrivateKey.generate().public_key
    with pytest.raises(Invalid) as invalid:
        await assignment.assign(Assign(coord, case.id, None, budi.id, "cuti"), uow)
    assert invalid.value.field == "reason" and uow.outbox == []
    await assignment.assign(Assign(coord, case.id, None, budi.id, "Hana cuti panjang"), uow)
    assert (case.id, hana.id) not in uow.keys.wraps
    assert uow.keys.wraps[(case.id, budi.id)] == "assignment"
    [event] = uow.outbox
    assert isinstance(event, CaseAssigned) and event.payload.reassignment is True


async def test_a_handler_without_a_key_pair_is_not_assigned_at_all(
    make_case, make_staff, make_uow
) -> None:
    coord, hana = make_staff(), _handler()
    case = make_case()
    uow = make_uow([case], [hana])
    uow.keys.wraps[(case.id, coord.id)] = "intake"
    with pytest.raises(KeyRefused):
        await assignment.assign(Assign(coord, case.id, None, hana.id), uow)
    assert uow.case(case.id).assignee_id is None and uow.case(case.id).version == 1
    assert uow.outbox == [] and uow.audit.entries == []


async def test_only_active_handlers_can_be_assigned(make_case, make_staff, make_uow) -> None:
    viewer = Assignee(uuid.uuid4(), "vivi", Role.VIEWER, disabled=False)
    gone = Assignee(uuid.uuid4(), "lama", Role.HANDLER, disabled=True)
    case = make_case()
    uow = make_uow([case], [viewer, gone])
    for who in (viewer.id, gone.id, uuid.uuid4()):
        with pytest.raises(Invalid) as invalid:
            await assignment.assign(Assign(make_staff(), case.id, None, who), uow)
        assert invalid.value.field == "assignee_id"
    assert uow.outbox == []


# --- conflict of interest -------------------------------------------------------------------


async def test_a_declared_conflict_unassigns_the_handler_and_bars_their_assignment(
    make_case, make_staff, make_uow
) -> None:
    coord = make_staff()
    handler = make_staff(Role.HANDLER, "hana")
    hana = Assignee(handler.id, "hana", Role.HANDLER, disabled=False)
    case = make_case(assignee_id=handler.id)
    uow = make_uow([case], [hana])
    uow.keys.wraps.update({(case.id, handler.id): "assignment", (case.id, coord.id): "intake"})
    await assignment.declare_conflict(DeclareConflict(handler, case.id, "saudara terlapor"), uow)
    stored = uow.case(case.id)
    assert stored.assignee_id is None and stored.version == 2
    assert handler.id in stored.conflicts and (case.id, handler.id) not in uow.keys.wraps
    assert uow.outbox == []  # a conflict is internal: no event leaves the service
    assert uow.audit.entries[-1][1] == "conflict_declared"
    with pytest.raises(Refused) as refused:
        await assignment.assign(Assign(coord, case.id, None, handler.id), uow)
    assert refused.value.extra["field"] == "assignee_id"


async def test_a_conflict_on_someone_elses_case_keeps_the_version(
    make_case, make_staff, make_uow
) -> None:
    handler = make_staff(Role.HANDLER, "hana")
    case = make_case(assignee_id=uuid.uuid4())
    uow = make_uow([case])
    await assignment.declare_conflict(DeclareConflict(handler, case.id, "kerabat"), uow)
    assert uow.case(case.id).version == 1 and handler.id in uow.case(case.id).conflicts


async def test_a_conflict_needs_a_note_before_anything_else(
    make_case, make_staff, make_uow
) -> None:
    case = make_case()
    with pytest.raises(Invalid):
        await assignment.declare_conflict(
            DeclareConflict(make_staff(Role.VIEWER), case.id, " x "), make_uow([case])
        )
    with pytest.raises(Forbidden):
        await assignment.declare_conflict(
            DeclareConflict(make_staff(Role.VIEWER), case.id, "kerabat"), make_uow([case])
        )
    with pytest.raises(NotFound):
        await assignment.declare_conflict(
            DeclareConflict(make_staff(), uuid.uuid4(), "kerabat"), make_uow([case])
        )


# --- contact log ----------------------------------------------------------------------------


async def test_a_contact_is_documented_and_bumps_the_version(
    make_case, make_staff, make_uow
) -> None:
    coord, case = make_staff(), make_case()
    uow = make_uow([case])
    await contacts.add_contact(
        RecordContact(
            coord, case.id, "contact", date(2026, 3, 2), "phone", " Pelapor ", " dikonfirmasi "
        ),
        uow,
    )
    assert uow.case(case.id).version == 2
    [logged] = uow.cases.recorded
    assert logged == ContactRecorded(
        coord.id, "contact", date(2026, 3, 2), "phone", "Pelapor", "dikonfirmasi"
    )
    assert uow.outbox == [] and uow.audit.entries[0][1] == "contact_logged"


@pytest.mark.parametrize(
    ("kind", "channel", "party", "result", "field"),
    [
        ("visit", "phone", "p", "hasil", "kind"),
        ("contact", "pigeon", "p", "hasil", "channel"),
        ("contact", "phone", "  ", "hasil", "party"),
        ("followup", "phone", "p", "ok", "result"),
    ],
)
async def test_a_contact_with_a_wrong_field_is_refused_by_name(
    make_case, make_staff, make_uow, kind, channel, party, result, field
) -> None:
    case = make_case()
    uow = make_uow([case])
    with pytest.raises(Invalid) as invalid:
        await contacts.add_contact(
            RecordContact(make_staff(), case.id, kind, TODAY, channel, party, result), uow
        )
    assert invalid.value.field == field and uow.case(case.id).version == 1


# --- messages to the reporter ---------------------------------------------------------------


async def test_a_question_is_sealed_to_the_reporter_and_restarts_their_clock(
    make_case, make_staff, make_uow
) -> None:
    reporter = PrivateKey.generate()
    coord = make_staff()
    uow = make_uow()
    case = make_case(
        reporter_public_key=reporter.public_key.encode(Base64Encoder).decode(),
        case_public_key=bytes(uow.keys.case_key.public_key),
        reporter_update_due=TODAY + timedelta(days=2),
    )
    uow.cases.stored[case.id] = case
    message_id = await mailbox.send(SendMessage(coord, case.id, "question", " Kapan? "), uow)
    [event] = uow.outbox
    assert isinstance(event, CaseMessageToReporter)
    assert event.payload.message_id == message_id and event.payload.kind == "question"
    keyring = {event.payload.sealed_message.key_id: reporter}
    assert json.loads(unseal(keyring, event.payload.sealed_message)) == {"text": "Kapan?"}
    [sent] = uow.cases.recorded
    copy_keys = {sent.staff_copy.key_id: uow.keys.case_key}
    assert json.loads(unseal(copy_keys, sent.staff_copy))["text"] == "Kapan?"
    stored = uow.case(case.id)
    assert stored.reporter_update_due == TODAY + timedelta(days=30) and stored.version == 1
    assert uow.audit.entries[0][1:] == ("message_sent", case.id, {"kind": "question"})


async def test_a_closed_case_keeps_no_reporter_clock(make_case, make_staff, make_uow) -> None:
    reporter = PrivateKey.generate().public_key.encode(Base64Encoder).decode()
    case = make_case(status=Status.CONCLUDED, reporter_public_key=reporter)
    uow = make_uow([case])
    await mailbox.send(SendMessage(make_staff(), case.id, "message", "Terima kasih"), uow)
    assert uow.case(case.id).reporter_update_due is None and len(uow.outbox) == 1


async def test_without_a_mailbox_key_the_team_uses_the_contact_log(
    make_case, make_staff, make_uow
) -> None:
    case = make_case(reporter_public_key=None)
    uow = make_uow([case])
    with pytest.raises(Refused, match="contact log"):
        await mailbox.send(SendMessage(make_staff(), case.id, "message", "Halo"), uow)
    legacy = make_case(
        case_public_key=None,
        reporter_public_key=PrivateKey.generate().public_key.encode(Base64Encoder).decode(),
    )
    uow = make_uow([legacy])
    with pytest.raises(KeyRefused):
        await mailbox.send(SendMessage(make_staff(), legacy.id, "message", "Halo"), uow)
    assert uow.outbox == []


async def test_a_message_needs_a_kind_and_some_text(make_case, make_staff, make_uow) -> None:
    case = make_case()
    for kind, text, field in (("memo", "Halo", "kind"), ("message", "Hi", "text")):
        with pytest.raises(Invalid) as invalid:
            await mailbox.send(SendMessage(make_staff(), case.id, kind, text), make_uow([case]))
        assert invalid.value.field == field


# --- the reporter's follow-ups (subscriber use case) ------------------------------------------


def _followup(case, key_id: str, kind: str = "answer", followup_id=None, in_reply_to=None):
    return ReportFollowupPosted(
        correlation_id=case.report_id,
        payload=ReportFollowupPostedPayload(
            followup_id=followup_id or uuid.uuid4(),
            report_id=case.report_id,
            report_number=case.report_number,
            kind=kind,
            in_reply_to=in_reply_to,
            sealed_followup=SealedData(key_id=key_id, ciphertext=b"\x01" * 80),
        ),
    )


async def test_a_reporters_answer_is_stored_once_and_bumps_the_version(make_case, make_uow) -> None:

    case_key = PrivateKey.generate()
    case = make_case(case_public_key=bytes(case_key.public_key))
    uow = make_uow([case])
    question = uuid.uuid4()
    event = _followup(case, key_id_of(case_key.public_key), in_reply_to=question)
    await mailbox.receive_followup(ReceiveFollowup(event, {}), uow)
    await mailbox.receive_followup(ReceiveFollowup(event, {}), uow)  # redelivered
    [stored] = uow.cases.recorded
    assert isinstance(stored, FollowupReceived)
    assert (stored.followup_id, stored.kind, stored.in_reply_to) == (
        event.payload.followup_id,
        "answer",
        question,
    )
    assert stored.at == event.occurred_at and uow.case(case.id).version == 2
    assert uow.outbox == []


async def test_a_followup_that_is_not_for_this_case_is_poison(make_case, make_uow) -> None:

    case = make_case()
    uow = make_uow([case])
    other = key_id_of(PrivateKey.generate().public_key)
    with pytest.raises(PoisonEvent):
        await mailbox.receive_followup(ReceiveFollowup(_followup(case, other), {}), uow)
    stranger = make_case()  # a report without a case here
    with pytest.raises(PoisonEvent):
        await mailbox.receive_followup(ReceiveFollowup(_followup(stranger, other), {}), uow)
    legacy = make_case(case_public_key=None)
    uow = make_uow([legacy])
    with pytest.raises(PoisonEvent):
        await mailbox.receive_followup(ReceiveFollowup(_followup(legacy, other), {}), uow)
    assert uow.cases.recorded == [] and uow.case(legacy.id).version == 1
