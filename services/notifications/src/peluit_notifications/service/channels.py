"""The channels a delivery can go through, behind one small interface, and their registry.

A channel gets the recorded delivery and the connection; it resolves what it needs (address,
texts) at send time, so no address is ever copied into the delivery log. `Undeliverable` means
trying again cannot help (no address any more, key gone): the delivery fails at once.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

import asyncpg
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey

from peluit_notifications.adapters import repo
from peluit_notifications.adapters.repo import Delivery
from peluit_notifications.adapters.smtp import SmtpMailer
from peluit_notifications.adapters.templates import (
    DigestItem,
    Email,
    digest_email,
    reporter_email,
    staff_email,
)
from peluit_notifications.adapters.webhook import WebhookPoster
from peluit_notifications.domain.notices import Kind, title, valid_email
from peluit_notifications.settings import NotificationsSettings
from peluit_shared.crypto import SealedData, UnknownKey, unseal


class Undeliverable(Exception):
    """Retrying cannot help; the message says why (never an address)."""


class Channel(Protocol):
    name: str

    async def deliver(self, conn: asyncpg.Connection, d: Delivery) -> None:
        """Send `d` or raise (Undeliverable: give up now; anything else: retry later)."""


class InAppChannel:
    """The staff member's inbox in the console."""

    name = "inapp"

    async def deliver(self, conn: asyncpg.Connection, d: Delivery) -> None:
        await repo.add_to_inbox(conn, d)


class EmailChannel:
    name = "email"

    def __init__(
        self,
        settings: NotificationsSettings,
        mailer: SmtpMailer,
        keys: Callable[[], dict[str, PrivateKey]],
    ) -> None:
        self._settings, self._mailer, self._keys = settings, mailer, keys

    async def deliver(self, conn: asyncpg.Connection, d: Delivery) -> None:
        to, email = await self.compose(conn, d)
        await self._mailer.send(to, email, f"<peluit-delivery-{d.id}@{self._domain()}>")

    def _domain(self) -> str:
        return self._settings.mail_from.rpartition("@")[2] or "peluit.local"

    async def compose(self, conn: asyncpg.Connection, d: Delivery) -> tuple[str, Email]:
        base = self._settings.console_base_url.rstrip("/")
        if d.recipient_kind == "reporter":
            return self._reporter(await repo.reporter_contact(conn, uuid.UUID(d.recipient)))
        contact = await repo.contact(conn, uuid.UUID(d.recipient))
        if contact is None or not contact.active or not contact.email:
            raise Undeliverable("staff member has no active address")
        if d.kind == Kind.DIGEST:
            rows = await conn.fetch(
                """SELECT kind, case_id, report_number FROM deliveries WHERE digest_id = $1
                   ORDER BY id""",
                d.id,
            )
            items = [
                DigestItem(
                    title(r["kind"], r["report_number"], contact.language),
                    _case_link(base, r["case_id"]),
                )
                for r in rows
            ]
            return contact.email, digest_email(
                items, f"{base}/console/notifications", contact.language
            )
        return contact.email, staff_email(
            d.kind, d.report_number, _case_link(base, d.case_id), contact.language
        )

    def _reporter(self, sealed: SealedData | None) -> tuple[str, Email]:
        if sealed is None:
            raise Undeliverable("reporter contact missing")
        try:
            contact = json.loads(unseal(self._keys(), sealed))
        except (UnknownKey, CryptoError, ValueError) as exc:
            raise Undeliverable(f"reporter contact unreadable: {type(exc).__name__}") from exc
        address = str(contact.get("email", "")) if isinstance(contact, dict) else ""
        if not valid_email(address):
            raise Undeliverable("reporter address invalid")
        lang = "en" if contact.get("language") == "en" else "id"
        link = f"{self._settings.portal_base_url.rstrip('/')}/mailbox/sign-in"
        if lang == "en":
            link += "?lang=en"
        return address, reporter_email(link, lang)


def _case_link(base: str, case_id: uuid.UUID | None) -> str:
    return f"{base}/console/cases/{case_id}" if case_id else f"{base}/console/notifications"


class WebhookChannel:
    """A signed POST per staff notice to each configured URL; no content, no names."""

    name = "webhook"

    def __init__(self, urls: list[str], poster: WebhookPoster) -> None:
        self._urls, self._poster = urls, poster

    async def deliver(self, conn: asyncpg.Connection, d: Delivery) -> None:
        index = int(d.recipient)
        if index >= len(self._urls):
            raise Undeliverable("webhook no longer configured")
        body = json.dumps(
            {
                "delivery_id": d.id,
                "event_id": str(d.event_id),
                "kind": d.kind,
                "case_id": str(d.case_id) if d.case_id else None,
                "report_number": d.report_number,
                "sent_at": datetime.now(UTC).isoformat(),
            }
        ).encode()
        await self._poster.post(self._urls[index], body, d.id)


def channel_registry(
    settings: NotificationsSettings, keys: Callable[[], dict[str, PrivateKey]]
) -> dict[str, Channel]:
    """The channels switched on in the settings."""
    known: dict[str, Callable[[], Channel]] = {
        "inapp": InAppChannel,
        "email": lambda: EmailChannel(
            settings,
            SmtpMailer(
                settings.smtp_host,
                settings.smtp_port,
                settings.mail_from,
                starttls=settings.smtp_starttls,
                username=settings.smtp_username,
                password=settings.smtp_password,
                timeout=settings.smtp_timeout_seconds,
            ),
            keys,
        ),
        "webhook": lambda: WebhookChannel(
            settings.webhook_urls,
            WebhookPoster(settings.webhook_secret, settings.webhook_timeout_seconds),
        ),
    }
    unknown = set(settings.channels) - set(known)
    if unknown:
        raise ValueError(f"unknown notification channels: {sorted(unknown)}")
    return {name: known[name]() for name in settings.channels}
