"""Helpers of deploy/local/backup.sh: make the backup bucket, and summarise a finished backup.

backup_bucket.py BUCKET              create the bucket (versioned) if missing
backup_bucket.py --summary SECONDS REPO_BYTES
    read `pgbackrest info --output=json` on stdin, print what the backup did
"""

from __future__ import annotations

import json
import os
import sys
import time

from minio import Minio
from minio.commonconfig import ENABLED
from minio.versioningconfig import VersioningConfig


def ensure_bucket(bucket: str) -> None:
    host = os.environ["PELUIT_S3_ENDPOINT"].split("://", 1)[1]
    client = Minio(
        host,
        access_key=os.environ["PELUIT_S3_ACCESS_KEY"],
        secret_key=os.environ["PELUIT_S3_SECRET_KEY"],
        secure=False,
    )
    if not client.bucket_exists(bucket):
        client.make_bucket(bucket)
    # A backup file deleted by mistake stays recoverable as an older version.
    client.set_bucket_versioning(bucket, VersioningConfig(ENABLED))


def summary(seconds: str, repo_bytes: str) -> None:
    stanza = json.load(sys.stdin)[0]
    last = stanza["backup"][-1]
    written = last["info"]["repository"]["delta"]
    archive = stanza["archive"][-1] if stanza.get("archive") else {}
    print(
        f"[peluit] backup: {last['type']} backup {last['label']} of the PostgreSQL cluster "
        f"({last['info']['size'] / 1e6:.1f} MB of data) to s3://{os.environ.get('PELUIT_BACKUP_BUCKET')}"
    )
    print(
        f"[peluit] backup: took {float(seconds):.1f}s; wrote {written / 1e6:.1f} MB "
        f"(compressed, encrypted); WAL archived up to {archive.get('max', '?')}; "
        f"repository now {int(repo_bytes) / 1e6:.1f} MB in {len(stanza['backup'])} backups"
    )


def status() -> int:
    """One line for `./peluit status`: the last backup's age; exit 1 when none or too old."""
    try:
        stanza = json.load(sys.stdin)[0]
    except (ValueError, IndexError):
        print("[peluit] backup down  the repository cannot be read")
        return 1
    backups = stanza.get("backup") or []
    if not backups:
        print("[peluit] backup down  no backup yet (./peluit backup)")
        return 1
    last = backups[-1]
    age_h = (time.time() - last["timestamp"]["stop"]) / 3600
    fresh = age_h <= float(os.environ.get("PELUIT_BACKUP_MAX_AGE_HOURS", "26"))
    word = "up   " if fresh else "stale"
    print(f"[peluit] backup {word} last {last['type']} {last['label']}, {age_h:.1f} h ago")
    return 0 if fresh else 1


if __name__ == "__main__":
    if sys.argv[1] == "--summary":
        summary(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "--status":
        sys.exit(status())
    else:
        ensure_bucket(sys.argv[1])
