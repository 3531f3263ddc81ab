"""Peluit local SMTP sink: accepts every message and stores it as an .eml file.

    .venv/bin/python deploy/local/smtp_sink.py --host 127.0.0.1 --port 21025 --dir .local/mail

One file per message, written to a hidden temp file and renamed into place, so
a reader never sees a partial message. Names sort by arrival time:
    <UTC yyyymmddThhmmss.ffffff>Z-<ns counter>-<random>.eml
Two headers are prepended, since Bcc recipients appear nowhere else:
    X-Peluit-Mail-From: <envelope sender>
    X-Peluit-Rcpt-To: <envelope recipients, comma separated>
Nothing about a message (contents, addresses) nor any client address is logged.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import logging
import os
import secrets
import signal
import sys
import time
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger("peluit.smtp_sink")


def _header_safe(value: str) -> str:
    return value.replace("\r", " ").replace("\n", " ")


class EmlWriter:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.count = 0

    def _name(self) -> str:
        now = dt.datetime.now(dt.UTC)
        return f"{now:%Y%m%dT%H%M%S.%f}Z-{time.monotonic_ns():020d}-{secrets.token_hex(4)}.eml"

    def write(self, envelope: Envelope) -> Path:
        raw = envelope.original_content or b""
        if isinstance(raw, str):  # only when decode_data=True, which we do not use
            raw = raw.encode("utf-8", "surrogateescape")
        head = (
            f"X-Peluit-Mail-From: {_header_safe(envelope.mail_from or '')}\r\n"
            f"X-Peluit-Rcpt-To: {_header_safe(', '.join(envelope.rcpt_tos))}\r\n"
        ).encode()
        name = self._name()
        tmp = self.directory / f".{name}.tmp"
        final = self.directory / name
        with open(tmp, "wb") as fh:
            fh.write(head + raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        self.count += 1
        return final

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        try:
            await asyncio.to_thread(self.write, envelope)
        except OSError as exc:
            log.error("could not store a message: %s", exc.__class__.__name__)
            return "451 Requested action aborted: local error in processing"
        return "250 Message accepted for delivery"


async def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=int(os.environ.get("PELUIT_SMTP_PORT", "21025")))
    ap.add_argument("--dir", type=Path, required=True, help="where .eml files are written")
    args = ap.parse_args(argv)

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # aiosmtpd logs peers (client IP/port) and commands at INFO/DEBUG: keep it quiet.
    logging.getLogger("mail.log").setLevel(logging.ERROR)

    args.dir.mkdir(parents=True, exist_ok=True)
    # Leftover temp files of a killed previous run are never complete messages.
    for stale in args.dir.glob(".*.eml.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()

    handler = EmlWriter(args.dir)

    def factory() -> Any:
        return SMTP(
            handler, enable_SMTPUTF8=True, hostname="peluit-smtp-sink", ident="Peluit SMTP sink"
        )

    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, host=args.host, port=args.port)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("listening on %s:%d, writing to %s", args.host, args.port, args.dir)
    await stop.wait()
    server.close()
    await server.wait_closed()
    log.info("stopped after %d message(s)", handler.count)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
