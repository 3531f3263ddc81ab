"""Readiness probes used by infra.sh (run with the workspace .venv python).

    probe.py kafka --bootstrap 127.0.0.1:29092[,...] [--brokers N] [--timeout 60] [--pid N ...]
    probe.py s3 --endpoint 127.0.0.1:28333 --access-key K --secret-key S [--timeout 60] [--pid N]

Retries until the service really answers (Kafka: the admin client lists
topics and, with --brokers N, at least N brokers are registered; S3: a signed
ListBuckets succeeds) or the timeout passes. With --pid (repeatable), gives up
at once when one of those processes has died. Exit 0 ready, 1 not.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time


def _alive(pid: int | None) -> bool:
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _kafka_once(bootstrap: str, brokers: int = 1) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    sasl = {}
    protocol = os.environ.get("PELUIT_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    if protocol.startswith("SASL_"):  # the admin user of deploy/local/env.sh
        sasl = {
            "security_protocol": protocol,
            "sasl_mechanism": os.environ.get("PELUIT_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
            "sasl_plain_username": os.environ["PELUIT_KAFKA_ADMIN_USER"],
            "sasl_plain_password": os.environ["PELUIT_KAFKA_ADMIN_PASSWORD"],
        }
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000, **sasl)
    try:
        await admin.start()
        await admin.list_topics()
        # A cluster with a broker registered and a live controller: describe_cluster
        # goes through the broker's metadata, which is only served once it is unfenced.
        cluster = await admin.describe_cluster()
        registered = len(cluster.get("brokers", ()))
        if registered < brokers:
            raise RuntimeError(f"{registered} of {brokers} brokers registered")
    finally:
        await admin.close()


def _s3_once(endpoint: str, access: str, secret: str) -> None:
    import urllib3
    from minio import Minio

    http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=2, read=5), retries=False)
    client = Minio(
        endpoint,
        access_key=access,
        secret_key=secret,
        secure=False,
        region="us-east-1",
        http_client=http,
    )
    client.list_buckets()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["kafka", "s3"])
    ap.add_argument("--bootstrap")
    ap.add_argument("--endpoint")
    ap.add_argument("--access-key")
    ap.add_argument("--secret-key")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--pid", type=int, action="append", default=[])
    ap.add_argument("--brokers", type=int, default=1)
    args = ap.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # clients log every refused connect

    deadline = time.monotonic() + args.timeout
    last: BaseException | None = None
    while time.monotonic() < deadline:
        dead = [pid for pid in args.pid if not _alive(pid)]
        if dead:
            print(f"process {dead[0]} exited", file=sys.stderr)
            return 1
        try:
            if args.what == "kafka":
                asyncio.run(asyncio.wait_for(_kafka_once(args.bootstrap, args.brokers), timeout=10))
            else:
                _s3_once(args.endpoint, args.access_key, args.secret_key)
            return 0
        except Exception as exc:
            last = exc
            time.sleep(0.5)
    print(f"not ready after {args.timeout:.0f}s: {last!r}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
