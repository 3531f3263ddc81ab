"""asyncpg storage of the Case aggregate: load it locked, store its state and recorded events."""

from __future__ import annotations

import json
import uuid

import asyncpg

from peluit_cases.adapters import cases_repo
from peluit_cases.domain.aggregate import Case
from peluit_cases.domain.case import Status
from peluit_cases.domain.events import (
    Assigned,
    CaseEvent,
    ConflictDeclared,
    ContactRecorded,
    FollowupReceived,
    MessageSent,
    StatusChanged,
)
from peluit_cases.service.unit_of_work import CaseRepository

_STATE = """id, report_id, report_number, status, version, assignee_id, stage, stage_started_on,
            due_on, outcome, reporter_update_due, closed_at, reporter_public_key,
            case_public_key, identity_public_key"""


_MUTABLE = (
    "status",
    "version",
    "assignee_id",
    "stage",
    "stage_started_on",
    "due_on",
    "outcome",
    "reporter_update_due",
    "closed_at",
)


def _state(case: Case) -> tuple[object, ...]:
    return tuple(getattr(case, name) for name in _MUTABLE)


class PgCaseRepository(CaseRepository):
    def __init__(self, conn: asyncpg.Connection) -> None:
        super().__init__()
        self._conn = conn
        self._loaded: dict[uuid.UUID, tuple[object, ...]] = {}

    async def _get(self, case_id: uuid.UUID) -> Case | None:
        return await self._load("id", case_id)

    async def _for_report(self, report_id: uuid.UUID) -> Case | None:
        return await self._load("report_id", report_id)

    async def has_message(self, message_id: uuid.UUID) -> bool:
        found = await self._conn.fetchval("SELECT 1 FROM case_messages WHERE id = $1", message_id)
        return found is not None

    async def _load(self, column: str, value: uuid.UUID) -> Case | None:
        row = await self._conn.fetchrow(
            f"SELECT {_STATE} FROM cases WHERE {column} = $1 FOR UPDATE",  # noqa: S608
            value,
        )
        if row is None:
            return None
        conflicts = await self._conn.fetch(
            "SELECT staff_id FROM case_conflicts WHERE case_id = $1", row["id"]
        )
        values = dict(row)
        for key in ("case_public_key", "identity_public_key"):
            values[key] = bytes(values[key]) if values[key] is not None else None
        case = Case(
            **{**values, "status": Status(values["status"])},
            conflicts={r["staff_id"] for r in conflicts},
        )
        self._loaded[case.id] = _state(case)
        return case

    async def save(self, case: Case) -> None:
        before = self._loaded.get(case.id)
        if before != _state(case):
            await self._conn.execute(
                """UPDATE cases SET status = $2, outcome = $3, stage = $4, stage_started_on = $5,
                          due_on = $6, closed_at = $7, reporter_update_due = $8,
                          assignee_id = $9, version = $10,
                          updated_at = CASE WHEN version <> $10 THEN now() ELSE updated_at END
                   WHERE id = $1""",
                case.id,
                case.status.value,
                case.outcome,
                case.stage,
                case.stage_started_on,
                case.due_on,
                case.closed_at,
                case.reporter_update_due,
                case.assignee_id,
                case.version,
            )
            self._loaded[case.id] = _state(case)
        for event in case.events:
            await self._store(case, event)

    async def _store(self, case: Case, event: CaseEvent) -> None:
        if isinstance(event, FollowupReceived):
            await self._followup(case, event)
            return
        conn, actor = self._conn, str(event.actor)
        if isinstance(event, StatusChanged):
            await conn.execute(
                "UPDATE case_stage_times SET left_at = now() "
                "WHERE case_id = $1 AND left_at IS NULL",
                case.id,
            )
            await conn.execute(
                "INSERT INTO case_stage_times (case_id, status, entered_at) VALUES ($1, $2, now())",
                case.id,
                event.target.value,
            )
            await self._history(
                case, actor, "transition", event.history_note, event.source, event.target
            )
        elif isinstance(event, Assigned):
            action = "reassigned" if event.reassignment else "assigned"
            await self._history(case, actor, action, event.history_note)
        elif isinstance(event, ConflictDeclared):
            sealed = self._seal(case, event.note)
            await conn.execute(
                "INSERT INTO case_conflicts (case_id, staff_id, note, sealed_note) "
                "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                case.id,
                event.actor,
                event.note if sealed is None else "",
                sealed,
            )
            await self._history(case, actor, "conflict_declared")
        elif isinstance(event, ContactRecorded):
            await self._contact(case, event)
        elif isinstance(event, MessageSent):
            await conn.execute(
                """INSERT INTO case_messages (id, case_id, direction, kind, sealed_key_id,
                                              sealed_text, author)
                   VALUES ($1, $2, 'to_reporter', $3, $4, $5, $6)""",
                event.message_id,
                case.id,
                event.kind,
                event.staff_copy.key_id,
                event.staff_copy.ciphertext,
                actor,
            )
            await self._history(case, actor, f"{event.kind}_sent")

    async def _followup(self, case: Case, event: FollowupReceived) -> None:
        await self._conn.execute(
            """INSERT INTO case_messages (id, case_id, direction, kind, in_reply_to,
                                          sealed_key_id, sealed_text, author, at)
               VALUES ($1, $2, 'from_reporter', $3, $4, $5, $6, 'reporter', $7)
               ON CONFLICT (id) DO NOTHING""",
            event.followup_id,
            case.id,
            event.kind,
            event.in_reply_to,
            event.sealed.key_id,
            event.sealed.ciphertext,
            event.at,
        )
        if event.kind == "answer" and event.in_reply_to:
            await self._conn.execute(
                "UPDATE case_messages SET answered_at = now() WHERE id = $1 AND case_id = $2 "
                "AND kind = 'question'",
                event.in_reply_to,
                case.id,
            )
        await self._history(case, "reporter", f"reporter_{event.kind}")

    async def _contact(self, case: Case, event: ContactRecorded) -> None:
        # Who and what was said are sealed to the case key; the columns keep only codes.
        sealed = self._seal(case, json.dumps({"party": event.party, "result": event.result}))
        await self._conn.execute(
            """INSERT INTO case_contacts (case_id, kind, on_date, channel, party, result, actor,
                                          sealed)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
            case.id,
            event.kind,
            event.on_date,
            event.channel,
            event.party if sealed is None else "",
            event.result if sealed is None else "",
            str(event.actor),
            sealed,
        )
        await self._history(case, str(event.actor), f"{event.kind}_logged")

    async def _history(
        self,
        case: Case,
        actor: str,
        action: str,
        note: str | None = None,
        source: Status | None = None,
        target: Status | None = None,
    ) -> None:
        sealed = self._seal(case, note) if note is not None else None
        await self._conn.execute(
            """INSERT INTO case_history (case_id, actor, action, from_status, to_status, note,
                                         sealed_note)
               VALUES ($1, $2, $3, $4, $5, $6, $7)""",
            case.id,
            actor,
            action,
            source.value if source else None,
            target.value if target else None,
            note if sealed is None else None,
            sealed,
        )

    @staticmethod
    def _seal(case: Case, text: str) -> bytes | None:
        """Free text sealed to the case key; None for a legacy case (kept plain, as before)."""
        if case.case_public_key is None:
            return None
        return cases_repo.seal_to(case.case_public_key, text)
