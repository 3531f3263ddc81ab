"""`peluit-notifications serve | migrate | send-digests | keys ensure|generate|list`."""

from __future__ import annotations

import argparse
import asyncio
import sys

from peluit_notifications.bootstrap import build
from peluit_notifications.service.digest import send_digests
from peluit_notifications.settings import NotificationsSettings
from peluit_shared import keyring
from peluit_shared.db import create_pool
from peluit_shared.event_signing import event_keys_main
from peluit_shared.runtime import serve


def main() -> None:
    parser = argparse.ArgumentParser(prog="peluit-notifications")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve")
    sub.add_parser("migrate")
    sub.add_parser("send-digests", help="send every held notice now, one email per person")
    keys = sub.add_parser("keys", help="manage the key pair reporters' contacts are sealed to")
    keys.add_argument("action", choices=["ensure", "generate", "list"])
    settings = NotificationsSettings()
    if sys.argv[1:2] == ["event-keys"]:
        raise SystemExit(
            event_keys_main(
                sys.argv[2:],
                settings.service_name,
                settings.event_key_file(),
                settings.infra().event_verify_key_dir,
            )
        )
    args = parser.parse_args()
    if args.command == "keys":
        keyring.keys_command(args.action, settings.key_dir, "peluit-notifications")
        return
    app, runtime = build(settings)
    if args.command == "migrate":
        print(f"[peluit-notifications] applied: {asyncio.run(runtime.migrate()) or 'nothing'}")
        return
    if args.command == "send-digests":
        print(f"[peluit-notifications] digests recorded: {asyncio.run(_digests(settings))}")
        return
    serve(app, settings)


async def _digests(settings: NotificationsSettings) -> int:
    """Record the digests; the running service's sender sends them (woken by NOTIFY)."""
    pool = await create_pool(settings.db_dsn, 1, 2)
    try:
        return await send_digests(pool)
    finally:
        await pool.close()


if __name__ == "__main__":
    main()
