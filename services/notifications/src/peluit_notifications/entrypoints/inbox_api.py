"""The staff inbox API the cases console calls server-side (bearer service token)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException

from peluit_notifications.adapters import repo
from peluit_notifications.domain.notices import title
from peluit_notifications.entrypoints.auth import require_token
from peluit_notifications.entrypoints.params import int_param
from peluit_notifications.settings import NotificationsSettings
from peluit_shared.runtime import ServiceRuntime


def inbox_api(settings: NotificationsSettings, runtime: ServiceRuntime) -> type[Controller]:
    class InboxApi(Controller):
        path = "/internal/v1/staff/{staff_id:uuid}"
        security = [{"service": []}]

        @get("/notices")
        async def notices(
            self, staff_id: uuid.UUID, request: Request[Any, Any, Any]
        ) -> dict[str, Any]:
            """Newest first; `before` (an id) pages on (keyset)."""
            require_token(request, settings.service_token)
            limit = int_param(request, "limit", 20, 1, 100) or 20
            before = int_param(request, "before", None, 1, 2**62)
            async with runtime.pool.acquire() as conn:
                rows = await repo.inbox_page(conn, staff_id, before, limit)
                unread = await repo.unread_count(conn, staff_id)
            items = [
                {
                    "id": r["id"],
                    "kind": r["kind"],
                    "title": title(r["kind"], r["report_number"], "id"),
                    "title_en": title(r["kind"], r["report_number"], "en"),
                    "case_id": str(r["case_id"]) if r["case_id"] else None,
                    "report_number": r["report_number"],
                    "created_at": r["created_at"].isoformat(),
                    "read": r["read_at"] is not None,
                }
                for r in rows
            ]
            return {
                "items": items,
                "unread": unread,
                "next_before": rows[-1]["id"] if len(rows) == limit else None,
            }

        @get("/unread")
        async def unread(
            self, staff_id: uuid.UUID, request: Request[Any, Any, Any]
        ) -> dict[str, int]:
            require_token(request, settings.service_token)
            async with runtime.pool.acquire() as conn:
                return {"unread": await repo.unread_count(conn, staff_id)}

        @post("/notices/{notice_id:int}/read", status_code=200)
        async def read_one(
            self, staff_id: uuid.UUID, notice_id: int, request: Request[Any, Any, Any]
        ) -> dict[str, int]:
            require_token(request, settings.service_token)
            async with runtime.pool.acquire() as conn:
                if not await repo.mark_read(conn, staff_id, notice_id):
                    raise NotFoundException()
                return {"unread": await repo.unread_count(conn, staff_id)}

        @post("/notices/read-all", status_code=200)
        async def read_all(
            self, staff_id: uuid.UUID, request: Request[Any, Any, Any]
        ) -> dict[str, int]:
            require_token(request, settings.service_token)
            async with runtime.pool.acquire() as conn:
                await repo.mark_read(conn, staff_id, None)
                return {"unread": 0}

    return InboxApi
