"""Signed webhooks to a real local receiver; a delivery past its retry budget is failed,
published as notification.failed and listed, retried by operators; the ops and inbox APIs."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from peluit_shared.topics import NOTIFICATION_FAILED
from tests.support.kafka import publish, topic_records
from tests.support.notify import (
    OPS_TOKEN,
    SERVICE_TOKEN,
    add_staff,
    db_value,
    new_case_created,
    retire_staff,
    until,
)
from tests.support.stack import ServiceProcess, base_url

pytestmark = pytest.mark.stack
SECRET = "test-webhook-secret-" + uuid.uuid4().hex


class Receiver(BaseHTTPRequestHandler):
    calls: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        Receiver.calls.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/peluit"
    finally:
        server.shutdown()


@pytest.fixture
def webhook_service(services: dict[str, ServiceProcess], receiver: str) -> Iterator[None]:
    """The notifications service restarted with two webhooks: the receiver and a dead port."""
    services["notifications"].stop()
    special = ServiceProcess(
        "notifications",
        env={
            "PELUIT_NOTIFICATIONS_WEBHOOK_URLS": json.dumps([receiver, "http://127.0.0.1:9/none"]),
            "PELUIT_NOTIFICATIONS_WEBHOOK_SECRET": SECRET,
            "PELUIT_NOTIFICATIONS_RETRY_MAX_ATTEMPTS": "2",
            "PELUIT_NOTIFICATIONS_RETRY_BASE_SECONDS": "0.1",
        },
    )
    special.start()
    try:
        special.wait_ready()
        yield
    finally:
        special.stop()
        services["notifications"].start()
        services["notifications"].wait_ready()


async def test_webhooks_are_signed_and_a_hopeless_delivery_fails_is_published_and_retried(
    webhook_service: None,
) -> None:
    staff_id, _ = await add_staff("coordinator")
    try:
        event = new_case_created()
        await publish(event)

        async def called() -> list[tuple[dict[str, str], bytes]]:
            return [c for c in Receiver.calls if str(event.event_id).encode() in c[1]]

        headers, body = (await until(called, "webhook called"))[0]
        mac = hmac.new(
            SECRET.encode(), headers["x-peluit-timestamp"].encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        assert hmac.compare_digest(headers["x-peluit-signature"], f"sha256={mac}")
        payload = json.loads(body)
        assert set(payload) == {
            "delivery_id",
            "event_id",
            "kind",
            "case_id",
            "report_number",
            "sent_at",
        }

        dead = await until(
            lambda: db_value(
                """SELECT id FROM deliveries WHERE event_id = $1 AND channel = 'webhook'
               AND recipient = '1' AND status = 'failed'""",
                event.event_id,
            ),
            "the dead webhook marked failed",
        )

        async def published() -> list[dict[str, Any]]:
            return [
                json.loads(v)
                for v in await topic_records(NOTIFICATION_FAILED)
                if json.loads(v)["payload"]["delivery_id"] == dead
            ]

        failed = (await until(published, "notification.failed published"))[0]["payload"]
        assert failed["channel"] == "webhook" and failed["attempts"] == 2
        assert failed["event_id"] == str(event.event_id)

        async with httpx.AsyncClient(base_url=base_url("notifications")) as ops:
            auth = {"authorization": f"Bearer {OPS_TOKEN}"}
            assert (await ops.get("/ops/v1/failures")).status_code == 401
            listed = (await ops.get("/ops/v1/failures", headers=auth)).json()["items"]
            assert dead in [d["id"] for d in listed]
            r = await ops.post(f"/ops/v1/deliveries/{dead}/retry", headers=auth)
            assert r.status_code == 200, r.text
            assert (
                await ops.post(f"/ops/v1/deliveries/{dead}/retry", headers=auth)
            ).status_code in (200, 409)
            await until(
                lambda: db_value(
                    "SELECT attempts >= 1 AND status = 'failed' FROM deliveries WHERE id = $1", dead
                ),
                "retried and failed again",
            )
    finally:
        await retire_staff(staff_id)


async def test_ops_api_masks_addresses_and_checks_its_input(
    services: dict[str, ServiceProcess],
) -> None:
    staff_id, address = await add_staff("coordinator")
    assert address
    try:
        event = new_case_created()
        await publish(event)
        await until(
            lambda: db_value(
                "SELECT true FROM deliveries WHERE event_id = $1 AND status = 'sent' "
                "AND channel = 'email'",
                event.event_id,
            ),
            "sent",
        )
        async with httpx.AsyncClient(base_url=base_url("notifications")) as ops:
            auth = {"authorization": f"Bearer {OPS_TOKEN}"}
            r = await ops.get(
                "/ops/v1/deliveries", params={"status": "sent", "limit": 50}, headers=auth
            )
            assert r.status_code == 200
            mine = [d for d in r.json()["items"] if d["staff_id"] == str(staff_id)]
            assert mine and address not in r.text
            assert {d["address"] for d in mine if d["channel"] == "email"} == {
                address[0] + "***@kkp.go.id"
            }
            bad = await ops.get("/ops/v1/deliveries", params={"status": "bogus"}, headers=auth)
            assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"
            bad = await ops.get("/ops/v1/deliveries", params={"limit": "x"}, headers=auth)
            assert bad.status_code == 422 and bad.json()["errors"][0]["message_en"]
            missing = await ops.post("/ops/v1/deliveries/999999999/retry", headers=auth)
            assert missing.status_code == 404
    finally:
        await retire_staff(staff_id)


async def test_inbox_api_pages_counts_and_marks_read(services: dict[str, ServiceProcess]) -> None:
    staff_id, _ = await add_staff("coordinator", email_address=None)
    try:
        events = [new_case_created() for _ in range(3)]
        for event in events:
            await publish(event)
        async with httpx.AsyncClient(base_url=base_url("notifications")) as api:
            auth = {"authorization": f"Bearer {SERVICE_TOKEN}"}
            root = f"/internal/v1/staff/{staff_id}"
            assert (await api.get(f"{root}/unread")).status_code == 401

            async def three() -> bool:
                r = await api.get(f"{root}/unread", headers=auth)
                return bool(r.json()["unread"] == 3)

            await until(three, "three unread notices")
            first = (await api.get(f"{root}/notices", params={"limit": 2}, headers=auth)).json()
            assert len(first["items"]) == 2 and first["next_before"]
            rest = (
                await api.get(
                    f"{root}/notices",
                    headers=auth,
                    params={"limit": 2, "before": first["next_before"]},
                )
            ).json()
            numbers = {i["report_number"] for i in first["items"] + rest["items"]}
            assert numbers == {e.payload.report_number for e in events}
            one = first["items"][0]["id"]
            r = await api.post(f"{root}/notices/{one}/read", headers=auth)
            assert r.json() == {"unread": 2}
            other = f"/internal/v1/staff/{uuid.uuid4()}/notices/{one}/read"
            assert (await api.post(other, headers=auth)).status_code == 404
            await api.post(f"{root}/notices/read-all", headers=auth)
            assert (await api.get(f"{root}/unread", headers=auth)).json() == {"unread": 0}
    finally:
        await retire_staff(staff_id)
