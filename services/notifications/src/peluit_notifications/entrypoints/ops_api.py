"""The operators' API (bearer ops token): deliveries, failures, retry, digest run.

Addresses are masked; reporters' deliveries show no recipient at all.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import HTTPException, NotFoundException

from peluit_notifications.adapters import repo
from peluit_notifications.domain.notices import mask_email
from peluit_notifications.entrypoints.auth import require_token
from peluit_notifications.entrypoints.params import int_param
from peluit_notifications.service.digest import send_digests
from peluit_notifications.settings import NotificationsSettings
from peluit_shared.runtime import ServiceRuntime

STATUSES = ("pending", "held", "digested", "sent", "failed")


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    staff = row["recipient_kind"] == "staff"
    return {
        "id": row["id"],
        "event_id": str(row["event_id"]),
        "channel": row["channel"],
        "kind": row["kind"],
        "recipient_kind": row["recipient_kind"],
        "staff_id": row["recipient"] if staff else None,
        "username": row["username"] if staff else None,
        "address": mask_email(row["email"]) if staff and row["channel"] == "email" else None,
        "webhook": int(row["recipient"]) if row["recipient_kind"] == "webhook" else None,
        "report_number": row["report_number"],
        "status": row["status"],
        "attempts": row["attempts"],
        "last_error": row["last_error"],
        "created_at": row["created_at"].isoformat(),
        "sent_at": row["sent_at"].isoformat() if row["sent_at"] else None,
        "next_attempt_at": (
            row["next_attempt_at"].isoformat() if row["status"] == "pending" else None
        ),
    }


def ops_api(settings: NotificationsSettings, runtime: ServiceRuntime) -> type[Controller]:
    async def page(request: Request[Any, Any, Any], status: str | None) -> dict[str, Any]:
        require_token(request, settings.ops_token)
        limit = int_param(request, "limit", 50, 1, 500) or 50
        before = int_param(request, "before", None, 1, 2**62)
        async with runtime.pool.acquire() as conn:
            rows = await repo.list_deliveries(conn, status, before, limit)
        return {
            "items": [_shown(r) for r in rows],
            "next_before": rows[-1]["id"] if len(rows) == limit else None,
        }

    class OpsApi(Controller):
        path = "/ops/v1"
        security = [{"ops": []}]

        @get("/deliveries")
        async def deliveries(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
            status = request.query_params.get("status") or None
            if status is not None and status not in STATUSES:
                raise HTTPException(
                    status_code=422,
                    detail="invalid status",
                    extra={
                        "errors": [
                            {
                                "field": "status",
                                "message": f"Pilihan yang valid: {', '.join(STATUSES)}",
                                "message_en": f"Valid choices: {', '.join(STATUSES)}",
                            }
                        ]
                    },
                )
            return await page(request, status)

        @get("/failures")
        async def failures(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
            return await page(request, "failed")

        @post("/deliveries/{delivery_id:int}/retry", status_code=200)
        async def retry(self, delivery_id: int, request: Request[Any, Any, Any]) -> dict[str, Any]:
            require_token(request, settings.ops_token)
            async with runtime.pool.acquire() as conn:
                if not await repo.retry_failed(conn, delivery_id):
                    exists = await conn.fetchval(
                        "SELECT EXISTS (SELECT 1 FROM deliveries WHERE id = $1)", delivery_id
                    )
                    if not exists:
                        raise NotFoundException()
                    raise HTTPException(
                        status_code=409,
                        detail=(
                            "Hanya pengiriman yang gagal dapat diulang | "
                            "Only a failed delivery can be retried"
                        ),
                    )
                await repo.wake_sender(conn)
            return {"id": delivery_id, "status": "pending"}

        @post("/digests/run", status_code=200)
        async def run_digests(self, request: Request[Any, Any, Any]) -> dict[str, int]:
            require_token(request, settings.ops_token)
            return {"digests": await send_digests(runtime.pool)}

    return OpsApi
