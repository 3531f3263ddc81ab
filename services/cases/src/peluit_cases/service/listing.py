"""Use case: the case list a staff member may see, with flags, filters and keyset cursors."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from peluit_cases.adapters import cases_repo
from peluit_cases.adapters.cases_repo import SORTS, CaseFilter
from peluit_cases.domain.deadlines import flag, reporter_flag, worst_flag
from peluit_cases.domain.permissions import Permission, allowed
from peluit_cases.domain.staff import StaffUser
from peluit_cases.service.access import require
from peluit_cases.service.errors import Invalid
from peluit_cases.wiring import Cases


def encode_cursor(row: dict[str, Any], sort: str) -> str:
    column = SORTS[sort][0]
    raw = json.dumps([row[column].isoformat(), str(row["id"])]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        at, ident = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return datetime.fromisoformat(at), uuid.UUID(ident)
    except (ValueError, TypeError) as exc:
        raise Invalid("cursor", "Cursor tidak valid | Invalid cursor") from exc


async def list_page(
    cases: Cases,
    staff: StaffUser,
    flt: CaseFilter,
    overdue: bool,
    sort: str,
    cursor: str | None,
    limit: int,
) -> tuple[list[dict[str, Any]], str | None]:
    require(staff, Permission.CASE_LIST)
    if sort not in SORTS:
        raise Invalid("sort", f"Urutan: {', '.join(SORTS)} | Sort: one of {', '.join(SORTS)}")
    today = datetime.now(UTC).date()
    if overdue:
        flt = replace(flt, overdue_before=today)
    if not allowed(staff.role, Permission.ALL_CASES):
        flt = replace(flt, assignee=staff.id, unassigned=False)  # handlers: their own cases
    after = decode_cursor(cursor) if cursor else None
    async with cases.runtime.pool.acquire() as conn:
        rows = await cases_repo.list_cases(conn, limit + 1, flt, sort, after)
    more = len(rows) > limit
    rows = rows[:limit]
    for row in rows:
        # One flag for the row: overdue (or due soon) if either clock is.
        row["stage_flag"] = flag(cases.calendar, row["due_on"], today)
        row["reporter_update_flag"] = reporter_flag(row["reporter_update_due"], today)
        row["deadline_flag"] = worst_flag(row["stage_flag"], row["reporter_update_flag"])
    return rows, (encode_cursor(rows[-1], sort) if more and rows else None)
