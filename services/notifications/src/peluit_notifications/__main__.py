"""`peluit-notifications serve | migrate`."""

from __future__ import annotations

import argparse
import asyncio

from peluit_notifications.bootstrap import build
from peluit_notifications.settings import NotificationsSettings
from peluit_shared.runtime import serve


def main() -> None:
    parser = argparse.ArgumentParser(prog="peluit-notifications")
    parser.add_argument("command", choices=["serve", "migrate"], nargs="?", default="serve")
    args = parser.parse_args()
    settings = NotificationsSettings()
    app, runtime = build(settings)
    if args.command == "migrate":
        print(f"[peluit-notifications] applied: {asyncio.run(runtime.migrate()) or 'nothing'}")
        return
    serve(app, settings)


if __name__ == "__main__":
    main()
