"""Console page "Pemberitahuan / Notifications": the signed-in staff member's in-app inbox.

Read server-side from the notifications service's inbox API; when that service is away the page
says so and the rest of the console is unaffected.
"""

from __future__ import annotations

import contextlib
from typing import Any

from litestar import Controller, Request, Response, post
from litestar import get as get_route

from peluit_cases.adapters.notifications_client import NotificationsClient, NotificationsUnavailable
from peluit_cases.console.web import form_of, redirect, render, visit
from peluit_cases.entrypoints.auth_api import CASES_DEP
from peluit_cases.wiring import Cases

WORDS: dict[str, tuple[str, str]] = {
    "heading": ("Pemberitahuan", "Notifications"),
    "unread": ("belum dibaca", "unread"),
    "none": ("Belum ada pemberitahuan.", "No notifications yet."),
    "mark_read": ("Tandai sudah dibaca", "Mark as read"),
    "mark_all": ("Tandai semua sudah dibaca", "Mark all as read"),
    "open_case": ("Buka kasus", "Open case"),
    "unavailable": (
        "Pemberitahuan tidak dapat dimuat saat ini. Coba lagi nanti.",
        "Notifications cannot be loaded right now. Try again later.",
    ),
    "more": ("Lebih lama", "Older"),
    "new": ("Baru", "New"),
}


def _client(cases: Cases) -> NotificationsClient:
    return NotificationsClient(
        cases.settings.notifications_url, cases.settings.notifications_service_token
    )


class NotificationPages(Controller):
    path = "/console/notifications"
    include_in_schema = False
    dependencies = CASES_DEP

    @get_route("/")
    async def inbox(self, request: Request[Any, Any, Any], cases: Cases) -> Response[Any]:
        v = await visit(request, cases)
        before = request.query_params.get("before", "")
        words = {k: pair[1] if v.lang == "en" else pair[0] for k, pair in WORDS.items()}
        try:
            page = await _client(cases).notices(
                v.staff.id, int(before) if before.isdigit() else None
            )
        except NotificationsUnavailable:
            return render(
                request, "notifications.html", status=503, v=v, w=words, page=None, unread=None
            )
        return render(request, "notifications.html", v=v, w=words, page=page, unread=page["unread"])

    @post("/{notice_id:int}/read")
    async def read_one(
        self, request: Request[Any, Any, Any], cases: Cases, notice_id: int
    ) -> Response[Any]:
        v = await visit(request, cases)
        await form_of(request, v)
        await self._mark(cases, v.staff.id, notice_id)
        return redirect("/console/notifications")

    @post("/read-all")
    async def read_all(self, request: Request[Any, Any, Any], cases: Cases) -> Response[Any]:
        v = await visit(request, cases)
        await form_of(request, v)
        await self._mark(cases, v.staff.id, None)
        return redirect("/console/notifications")

    @staticmethod
    async def _mark(cases: Cases, staff_id: Any, notice_id: int | None) -> None:
        # If the service is away, the page it redirects to says so.
        with contextlib.suppress(NotificationsUnavailable):
            await _client(cases).mark_read(staff_id, notice_id)
