"""Use cases for leadership: dashboard counts and the case register export (no identities)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import asyncpg
from openpyxl import Workbook

# No identities and no free text: units are typed by reporters, so they stay out as well.
REGISTER_COLUMNS = (
    "report_number",
    "received_at",
    "channel",
    "category",
    "status",
    "outcome",
    "assignee",
    "stage",
    "due_on",
    "closed_at",
)


async def dashboard(conn: asyncpg.Connection) -> dict[str, Any]:
    async def counts(expr: str) -> list[tuple[str, int]]:
        rows = await conn.fetch(
            f"SELECT {expr} AS k, count(*) AS n FROM cases GROUP BY 1 ORDER BY 1"  # noqa: S608
        )
        return [(str(r["k"]), int(r["n"])) for r in rows]

    today = datetime.now(UTC).date()
    compliance = await conn.fetchrow(
        """SELECT count(*) FILTER (WHERE due_on IS NOT NULL AND due_on >= $1) AS on_time,
                  count(*) FILTER (WHERE due_on IS NOT NULL AND due_on < $1) AS overdue
           FROM cases""",
        today,
    )
    stage_rows = await conn.fetch(
        """SELECT status, avg(extract(epoch FROM coalesce(left_at, now()) - entered_at))
                  / 86400.0 AS days, count(*) AS n
           FROM case_stage_times
           WHERE status NOT IN ('not_actionable', 'concluded', 'archived')
           GROUP BY status ORDER BY status"""
    )
    return {
        "by_status": await counts("status"),
        "by_category": await counts("category"),
        "by_channel": await counts("channel"),
        "by_month": await counts("to_char(received_at, 'YYYY-MM')"),
        "by_unit": [
            (str(r["k"]), int(r["n"]))
            for r in await conn.fetch(
                "SELECT u AS k, count(*) AS n FROM cases, unnest(units) u GROUP BY 1 "
                "ORDER BY 2 DESC, 1 LIMIT 20"
            )
        ],
        "on_time": int(compliance["on_time"]),
        "overdue": int(compliance["overdue"]),
        "stage_days": [(r["status"], round(float(r["days"]), 2)) for r in stage_rows],
        "total": sum(n for _, n in await counts("status")),
    }


async def register(conn: asyncpg.Connection) -> list[tuple[Any, ...]]:
    rows = await conn.fetch(
        """SELECT c.report_number, c.received_at, c.channel, c.category, c.status, c.outcome,
                  u.username AS assignee, c.stage, c.due_on, c.closed_at
           FROM cases c LEFT JOIN staff_users u ON u.id = c.assignee_id
           ORDER BY c.received_at, c.id"""
    )
    return [tuple(r[c] for c in REGISTER_COLUMNS) for r in rows]


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    return "" if value is None else value


def to_csv(rows: list[tuple[Any, ...]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REGISTER_COLUMNS)
    for row in rows:
        writer.writerow(
            ["" if v is None else (v.isoformat() if hasattr(v, "isoformat") else v) for v in row]
        )
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[tuple[Any, ...]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Register"
    sheet.append(list(REGISTER_COLUMNS))
    for row in rows:
        sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
