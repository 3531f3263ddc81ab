"""Sending one email over SMTP with aiosmtplib (STARTTLS and AUTH when configured)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from peluit_notifications.adapters.templates import Email


class SmtpMailer:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        starttls: bool = False,
        username: str = "",
        password: str = "",
        timeout: float = 10.0,
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._starttls = starttls
        self._username, self._password = username or None, password or None
        self._timeout = timeout

    def message(self, to: str, email: Email, message_id: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self._sender
        msg["To"] = to
        msg["Subject"] = email.subject
        msg["Date"] = formatdate(localtime=False)
        # Stable per delivery: a resend after a crash is recognisable as the same message.
        msg["Message-ID"] = message_id
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content(email.text)
        msg.add_alternative(email.html, subtype="html")
        return msg

    async def send(self, to: str, email: Email, message_id: str) -> None:
        await aiosmtplib.send(
            self.message(to, email, message_id),
            hostname=self._host,
            port=self._port,
            start_tls=self._starttls,
            username=self._username,
            password=self._password,
            timeout=self._timeout,
        )

    async def reachable(self) -> bool:
        client = aiosmtplib.SMTP(hostname=self._host, port=self._port, timeout=2, start_tls=False)
        try:
            await client.connect()
            await client.quit()
            return True
        except (aiosmtplib.SMTPException, OSError):
            return False
