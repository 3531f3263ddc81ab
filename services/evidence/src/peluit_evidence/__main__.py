"""`peluit-evidence serve | migrate | orphans [--delete] [--stale-minutes N] | restore-deleted
[--key KEY] | expire-versions`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import timedelta

import asyncpg

from peluit_evidence.adapters.object_store import ObjectStore
from peluit_evidence.bootstrap import build
from peluit_evidence.service.orphans import find_orphans, remove_orphans
from peluit_evidence.settings import EvidenceSettings
from peluit_shared.event_signing import event_keys_main
from peluit_shared.runtime import serve


async def _orphans(settings: EvidenceSettings, delete: bool, stale_minutes: int) -> int:
    store = ObjectStore(settings)
    conn = await asyncpg.connect(settings.db_dsn)
    try:
        found = await find_orphans(conn, store, timedelta(minutes=stale_minutes))
        for line in found.lines():
            print(line)
        if delete:
            await remove_orphans(conn, store, found)
        verb = "removed" if delete else "found"
        print(
            f"[peluit-evidence] orphans {verb}: {len(found.objects_without_row)} objects, "
            f"{len(found.rows_without_object)} rows, {len(found.stale_uploads)} uploads"
        )
        return 0
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="peluit-evidence")
    parser.add_argument(
        "command",
        choices=[
            "serve",
            "migrate",
            "orphans",
            "restore-deleted",
            "expire-versions",
        ],
        nargs="?",
        default="serve",
    )
    parser.add_argument("--delete", action="store_true", help="orphans: remove what is listed")
    parser.add_argument("--key", help="restore-deleted: only this object")
    parser.add_argument(
        "--stale-minutes",
        type=int,
        default=None,
        help="orphans: incomplete uploads older than this are stale",
    )
    settings = EvidenceSettings()
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
    if args.command == "restore-deleted":
        store = ObjectStore(settings)
        if args.key:
            found = store.restore_deleted_object(args.key)
            print(f"[peluit-evidence] {'restored' if found else 'not deleted (or expired)'}")
            raise SystemExit(0 if found else 1)
        restored = store.restore_deleted()
        print(f"[peluit-evidence] restored {len(restored)} objects deleted outside Peluit")
        return
    if args.command == "expire-versions":
        window = timedelta(days=settings.deleted_recovery_days)
        removed = ObjectStore(settings).expire_noncurrent(window)
        print(
            f"[peluit-evidence] expired {removed} versions noncurrent for more than "
            f"{settings.deleted_recovery_days:g} days"
        )
        return

    if args.command == "orphans":
        stale = settings.stale_upload_minutes if args.stale_minutes is None else args.stale_minutes
        raise SystemExit(asyncio.run(_orphans(settings, args.delete, stale)))
    app, runtime = build(settings)
    if args.command == "migrate":
        print(f"[peluit-evidence] applied: {asyncio.run(runtime.migrate()) or 'nothing'}")
        return
    serve(app, settings)


if __name__ == "__main__":
    main()
