"""The PostgreSQL unit of work: one connection, one transaction, outbox writes inside it."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
from nacl.public import PrivateKey, PublicKey

from peluit_cases.adapters import audit_repo, case_keys, staff_repo
from peluit_cases.adapters.case_store import PgCaseRepository
from peluit_cases.domain.aggregate import Assignee, Case
from peluit_cases.domain.staff import Role, StaffUser
from peluit_cases.service.unit_of_work import CaseRules, UnitOfWork
from peluit_shared.events.base import Event
from peluit_shared.outbox import add_to_outbox


class PgStaffDirectory:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def assignee(self, staff_id: uuid.UUID) -> Assignee | None:
        row = await staff_repo.get_user(self._conn, staff_id)
        if row is None:
            return None
        return Assignee(row["id"], row["username"], Role(row["role"]), bool(row["disabled"]))


class PgCaseKeys:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def held_key(self, staff: StaffUser, case: Case) -> PrivateKey:
        row = {
            "id": case.id,
            "case_public_key": case.case_public_key,
            "identity_public_key": case.identity_public_key,
        }
        return await case_keys.held_key(self._conn, staff, row)

    async def holds(self, case_id: uuid.UUID, staff_id: uuid.UUID) -> bool:
        return await case_keys.wrapped_for(self._conn, case_id, "case", str(staff_id)) is not None

    async def drop_wrap(self, case_id: uuid.UUID, staff_id: uuid.UUID, via: str) -> None:
        await case_keys.drop_wrap(self._conn, case_id, "case", staff_id, via)

    async def public_key_of(self, staff_id: uuid.UUID) -> PublicKey | None:
        return await case_keys.staff_public_key(self._conn, staff_id)

    async def wrap_to(
        self,
        case_id: uuid.UUID,
        key: PrivateKey,
        recipient_id: uuid.UUID,
        recipient: PublicKey,
        via: str,
    ) -> None:
        await case_keys.wrap_to(self._conn, case_id, "case", key, recipient_id, recipient, via)


class PgAuditTrail:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def append(
        self, actor: str, action: str, case_id: uuid.UUID | None = None, **detail: Any
    ) -> None:
        await audit_repo.append(self._conn, actor, action, case_id, **detail)


class PgUnitOfWork(UnitOfWork):
    """Opened per use case: `async with uow: ...; await uow.commit()`."""

    def __init__(
        self, pool: asyncpg.Pool | None, rules: CaseRules, conn: asyncpg.Connection | None = None
    ) -> None:
        """From the pool, or (`conn`) inside a transaction the caller holds, as a savepoint:
        a consumer's batch, whose processed-event record must commit with the change."""
        super().__init__(rules)
        self._pool = pool
        self._joined = conn
        self._conn: Any = None
        self._tx: Any = None

    async def _begin(self) -> None:
        self._conn = self._joined or await self._acquire()
        try:
            self._tx = self._conn.transaction()
            await self._tx.start()
        except BaseException:
            await self._release()
            raise
        self.cases = PgCaseRepository(self._conn)
        self.staff = PgStaffDirectory(self._conn)
        self.keys = PgCaseKeys(self._conn)
        self.audit = PgAuditTrail(self._conn)

    async def _commit(self) -> None:
        await self._tx.commit()

    async def _close(self, rollback: bool) -> None:
        try:
            if rollback:
                await self._tx.rollback()
        finally:
            await self._release()
            self._conn = self._tx = None

    async def _acquire(self) -> asyncpg.Connection:
        assert self._pool is not None, "a unit of work needs a pool or a connection"
        return await self._pool.acquire()

    async def _release(self) -> None:
        if self._joined is None and self._pool is not None:
            await self._pool.release(self._conn)

    async def _publish(self, event: Event) -> None:
        await add_to_outbox(self._conn, event)
