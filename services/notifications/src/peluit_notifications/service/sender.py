"""The sender: takes due deliveries, sends them through their channel, retries, gives up.

Claiming a delivery bumps its attempt count and leases it (`next_attempt_at` in the future) in
a short transaction; the send happens outside any transaction, then the outcome is written. A
process that dies mid-send leaves the delivery pending, and it is sent again when the lease runs
out: at least once (an SMTP server may have taken the first copy; the Message-ID is the same).
Past the retry budget the delivery is marked failed and `notification.failed` goes out through
the outbox in the same transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import asyncpg
from prometheus_client import Counter, Histogram

from peluit_notifications.adapters import repo
from peluit_notifications.adapters.repo import Delivery
from peluit_notifications.adapters.webhook import WebhookFailed
from peluit_notifications.domain.retry import RetryPolicy
from peluit_notifications.service.channels import Channel, Undeliverable
from peluit_shared.events import NotificationFailed
from peluit_shared.events.notifications import NotificationFailedPayload
from peluit_shared.logging import get_logger
from peluit_shared.outbox import add_to_outbox

log = get_logger(__name__)
SENT = Counter("peluit_notifications_sent_total", "Deliveries sent", ["channel"])
RETRIED = Counter("peluit_notifications_retried_total", "Failed attempts to retry", ["channel"])
FAILED = Counter("peluit_notifications_failed_total", "Deliveries given up", ["channel"])
SEND_SECONDS = Histogram("peluit_notifications_send_seconds", "Time to send one", ["channel"])


class Sender:
    def __init__(
        self,
        dsn: str,
        pool_getter: Callable[[], asyncpg.Pool],
        channels: dict[str, Channel],
        policy: RetryPolicy,
        *,
        batch: int = 20,
        lease_seconds: float = 60.0,
        poll_seconds: float = 2.0,
    ) -> None:
        self._dsn, self._pool = dsn, pool_getter
        self._channels, self._policy = channels, policy
        self._batch, self._lease, self._poll = batch, lease_seconds, poll_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="notification-sender")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _notified(self, *_: Any) -> None:
        self._wake.set()

    async def _run(self) -> None:
        while True:
            listener: asyncpg.Connection | None = None
            try:
                listener = await asyncpg.connect(self._dsn)
                await listener.add_listener(repo.WAKE_CHANNEL, self._notified)
                while True:
                    self._wake.clear()
                    if await self.run_once() == self._batch:
                        continue
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), timeout=self._poll)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("sender_db_unavailable", error=type(exc).__name__)
                await asyncio.sleep(self._poll)
            finally:
                if listener is not None:
                    with contextlib.suppress(Exception):
                        await listener.close(timeout=2)

    async def run_once(self) -> int:
        """Claim one batch of due deliveries and send them concurrently; how many."""
        async with self._pool().acquire() as conn, conn.transaction():
            claimed = await repo.claim_due(conn, self._batch, self._lease)
        await asyncio.gather(*(self._send(d) for d in claimed))
        return len(claimed)

    async def _send(self, d: Delivery) -> None:
        channel = self._channels.get(d.channel)
        try:
            if channel is None:
                raise Undeliverable(f"channel {d.channel} is switched off")
            with SEND_SECONDS.labels(d.channel).time():
                async with self._pool().acquire() as conn:
                    await channel.deliver(conn, d)
        except Undeliverable as exc:
            await self._give_up(d, str(exc))
            return
        except Exception as exc:  # any send error: retried within the budget, then failed
            reason = _reason(exc)
            if self._policy.exhausted(d.attempts):
                await self._give_up(d, reason)
            else:
                RETRIED.labels(d.channel).inc()
                log.warning(
                    "delivery_retry",
                    delivery_id=d.id,
                    channel=d.channel,
                    attempt=d.attempts,
                    error=type(exc).__name__,
                )
                async with self._pool().acquire() as conn:
                    await repo.reschedule(conn, d.id, self._policy.delay(d.attempts), reason)
            return
        async with self._pool().acquire() as conn:
            await repo.mark_sent(conn, d.id)
        SENT.labels(d.channel).inc()

    async def _give_up(self, d: Delivery, reason: str) -> None:
        async with self._pool().acquire() as conn, conn.transaction():
            if not await repo.mark_failed(conn, d.id, reason):
                return
            await add_to_outbox(
                conn,
                NotificationFailed(
                    correlation_id=d.event_id,
                    payload=NotificationFailedPayload(
                        delivery_id=d.id,
                        event_id=d.event_id,
                        channel=d.channel,  # type: ignore[arg-type]
                        recipient_kind=d.recipient_kind,  # type: ignore[arg-type]
                        attempts=max(d.attempts, 1),
                        reason=reason[:200],
                    ),
                ),
            )
        FAILED.labels(d.channel).inc()
        log.error(
            "delivery_failed",
            delivery_id=d.id,
            channel=d.channel,
            attempts=d.attempts,
            reason=reason[:120],
        )


def _reason(exc: Exception) -> str:
    """Why a send failed, without the message text (SMTP errors can quote the address)."""
    if isinstance(exc, WebhookFailed):
        return f"WebhookFailed: {exc}"[:200]
    code = getattr(exc, "code", None)
    return f"{type(exc).__name__}{f' {code}' if isinstance(code, int) else ''}"
