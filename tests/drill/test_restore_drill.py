"""Disaster drill: back up, work, lose everything, restore, and find every accepted report once.

Runs in its own step of `./peluit test` (marker `drill`): it kills PostgreSQL and deletes its data
folder. `PELUIT_DRILL_REPORTS` sets how many reports it files (default 6).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from minio import Minio

from tests.support.evidence import bucket_client, jpeg_parts
from tests.support.portal import api_sign_in
from tests.support.reports import sample_report
from tests.support.stack import (
    ROOT,
    SERVICES,
    ServiceProcess,
    admin_dsn,
    base_url,
    service_dsn,
)

pytestmark = [pytest.mark.stack, pytest.mark.drill]

BACKUP = ROOT / "deploy" / "local" / "backup.sh"
PELUIT = ROOT / "peluit"


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(args), capture_output=True, text=True, cwd=ROOT, timeout=900)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def pg_data() -> Path:
    env = run("bash", "-c", '. deploy/local/env.sh && printf %s "$PELUIT_PG_DATA"').stdout
    return Path(env)


async def fetch(service: str, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(service_dsn(service))
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def wait_archived() -> str:
    """Close the current WAL segment and wait until pgBackRest has archived it."""
    conn = await asyncpg.connect(admin_dsn())
    try:
        # Write something first: a switch with nothing new written returns the same segment.
        await conn.execute("CREATE TEMP TABLE IF NOT EXISTS drill_tick (x int)")
        await conn.execute("DROP TABLE drill_tick")
        segment = await conn.fetchval("SELECT pg_walfile_name(pg_switch_wal())")
        for _ in range(600):
            done = await conn.fetchval("SELECT last_archived_wal FROM pg_stat_archiver")
            if done and done[8:] >= segment[8:]:
                return str(segment)
            await asyncio.sleep(0.2)
        raise TimeoutError(f"WAL segment {segment} was not archived")
    finally:
        await conn.close()


def start_services() -> dict[str, ServiceProcess]:
    procs = {name: ServiceProcess(name) for name in SERVICES}
    for proc in procs.values():
        proc.start()
    for proc in procs.values():
        proc.wait_ready(timeout=90)
    return procs


def kill_services(procs: dict[str, ServiceProcess]) -> None:
    for proc in procs.values():
        if proc.proc and proc.proc.poll() is None:
            proc.proc.kill()
            proc.proc.wait()


async def file_reports(count: int) -> list[dict[str, Any]]:
    filed: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=base_url("intake"), timeout=30) as client:
        for i in range(count):
            marker = f"DRILL-{uuid.uuid4().hex}"
            r = await client.post("/api/v1/reports", json=sample_report(marker))
            assert r.status_code == 201, r.text
            accepted = dict(r.json()) | {"marker": marker}
            if i % 2 == 0:  # every other report gets a photo
                token = await api_sign_in(client, accepted["receipt"])
                photo, _ = jpeg_parts(marker)
                up = await client.post(
                    "/api/v1/mailbox/evidence",
                    content=photo,
                    headers={
                        "authorization": f"Bearer {token}",
                        "content-type": "image/jpeg",
                        "x-filename": f"drill-{i}.jpg",
                    },
                )
                assert up.status_code == 201, up.text
            filed.append(accepted)
    return filed


async def state_of(numbers: list[str]) -> dict[str, Any]:
    """What intake, cases and evidence hold for these reports (rows and stored bytes)."""
    intake = await fetch(
        "intake", "SELECT id, report_number FROM reports WHERE report_number = ANY($1)", numbers
    )
    cases = await fetch(
        "cases", "SELECT report_number FROM cases WHERE report_number = ANY($1)", numbers
    )
    ids = [r["id"] for r in intake]
    files = await fetch(
        "evidence",
        "SELECT object_key FROM evidence_files WHERE report_id = ANY($1) ORDER BY object_key",
        ids,
    )
    client, bucket = bucket_client()
    objects = {}
    for f in files:
        response = client.get_object(bucket, f["object_key"])
        try:
            objects[f["object_key"]] = response.read()
        finally:
            response.close()
            response.release_conn()
    return {
        "intake": sorted(r["report_number"] for r in intake),
        "cases": sorted(r["report_number"] for r in cases),
        "objects": objects,
    }


async def wait_for_cases(numbers: list[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = await fetch(
            "cases", "SELECT count(*) AS n FROM cases WHERE report_number = ANY($1)", numbers
        )
        if rows[0]["n"] == len(numbers):
            return
        await asyncio.sleep(0.5)
    raise TimeoutError("cases did not open every filed report")


# Two backups, a restore and two service start-ups: over the suite's 300 s on a loaded machine.
@pytest.mark.timeout(900)
async def test_restore_after_losing_the_database_and_the_bucket_loses_no_accepted_report() -> None:
    count = int(os.environ.get("PELUIT_DRILL_REPORTS", "6"))
    run(str(BACKUP), "setup")
    took = run(str(PELUIT), "backup", "full").stdout
    # The backup says what it did, how long it took and how big it is.
    assert re.search(r"full backup \S+F of the PostgreSQL cluster", took), took
    assert re.search(r"took [\d.]+s; wrote [\d.]+ MB", took) and "repository now" in took, took
    procs = start_services()
    try:
        filed = await file_reports(count)
        numbers = sorted(r["report_number"] for r in filed)
        await wait_for_cases(numbers)
        before = await state_of(numbers)
        assert before["intake"] == before["cases"] == numbers
        assert len(before["objects"]) == (count + 1) // 2
        run(str(BACKUP), "backup")
        await wait_archived()
        archived_at = time.monotonic()
        assert_backup_bucket_holds_no_plaintext([r["marker"] for r in filed])
    finally:
        kill_services(procs)

    # The disaster: PostgreSQL killed, its data folder gone, the evidence objects deleted.
    run("pkill", "-KILL", "-f", f"postgres -D {pg_data()}", check=False)
    await asyncio.sleep(1)
    run("bash", "-c", ". deploy/local/env.sh && deploy/local/infra.sh stop pg || true")
    shutil.rmtree(pg_data())
    client, bucket = bucket_client()
    for key in before["objects"]:
        client.remove_object(bucket, key)
    lost_at = time.monotonic()
    failed_at = datetime.now(UTC).isoformat(timespec="seconds")

    restored = run(str(PELUIT), "restore", "--failed-at", failed_at)
    rto = time.monotonic() - lost_at
    print(restored.stdout)
    # The restore says what it did and what it cost.
    assert "backup set" in restored.stdout and "replayed WAL to" in restored.stdout
    assert re.search(r"RPO \d+s", restored.stdout), restored.stdout
    assert re.search(r"RTO [\d.]+s", restored.stdout), restored.stdout

    procs = start_services()
    try:
        after = await state_of(numbers)
        assert after["intake"] == numbers, "a report that got a 201 is missing from intake"
        assert after["cases"] == numbers, "a case is missing or doubled after the restore"
        assert after["objects"] == before["objects"], "evidence is not byte-identical"
        # Intake and cases agree on every drill report (other tests' reports published
        # straight to Kafka have no reporter's copy; reconcile names them, not these).
        agreed = run(str(PELUIT), "reconcile", check=False)
        assert "0 republished" in agreed.stdout, agreed.stdout
        assert not any(n in agreed.stdout for n in numbers), agreed.stdout
        audit = run(str(ROOT / ".venv" / "bin" / "peluit-cases"), "verify-audit", check=False)
        assert audit.returncode == 0, audit.stdout + audit.stderr
        # New work goes on after the restore.
        again = await file_reports(1)
        await wait_for_cases([again[0]["report_number"]])
    finally:
        for proc in procs.values():
            proc.stop()
    rpo = max(0.0, lost_at - archived_at)
    print(
        f"\n[drill] reports filed {count}, restored {len(after['intake'])}; "
        f"files {len(after['objects'])} byte-identical; RPO {rpo:.1f}s "
        f"(data after the last archived WAL); RTO {rto:.1f}s (restore command)"
    )


@pytest.mark.timeout(900)
def test_restore_refusals_leave_the_data_as_it_was(tmp_path: Path) -> None:
    run(str(BACKUP), "setup")
    # The refusals are checked on a second (or later) timeline, as after any real restore.
    ensure_a_restored_timeline()
    run(str(BACKUP), "backup")
    # Onto a running service.
    proc = ServiceProcess("intake")
    proc.start()
    try:
        proc.wait_ready(timeout=90)
        refused = run(str(BACKUP), "restore", check=False)
        assert refused.returncode != 0 and "services are running" in refused.stderr
    finally:
        proc.stop()
    # With PostgreSQL still running.
    refused = run(str(BACKUP), "restore", check=False)
    assert refused.returncode != 0 and "PostgreSQL is running" in refused.stderr
    # Three more archived segments after the backup, so one in the middle can go missing.
    segments = [asyncio.run(wait_archived()) for _ in range(3)]
    assert len(set(segments)) == 3, segments
    assert int(segments[0][:8], 16) >= 2, f"{segments[0]} is not on a restored timeline"
    run("bash", "-c", ". deploy/local/env.sh && deploy/local/infra.sh stop pg")
    before = folder_state(pg_data())
    backups, bucket = backup_bucket()
    gap: list[str] = []
    try:
        # A WAL segment missing from the archive, on the timeline being restored.
        gap = [
            o.object_name
            for o in backups.list_objects(bucket, prefix="pgbackrest/archive/", recursive=True)
            if o.object_name and Path(o.object_name).name.startswith(segments[0])
        ]
        assert len(gap) == 1, gap
        backups.remove_object(bucket, gap[0])
        refused = run(str(BACKUP), "restore", check=False)
        assert refused.returncode != 0 and "missing or damaged segment" in refused.stderr
        assert segments[0] in refused.stderr, refused.stderr
        assert_untouched(before)
        restore_deleted(backups, bucket, gap[0])
        # To a time before the first backup began.
        refused = run(str(BACKUP), "restore", "--to", "2001-01-01 00:00:00+00", check=False)
        assert refused.returncode != 0 and "refused by pgBackRest" in refused.stderr
        assert_untouched(before)
        # With a wrong passphrase.
        wrong = tmp_path / "wrong-passphrase"
        wrong.write_text("x" * 64)
        env = {**os.environ, "PELUIT_BACKUP_PASSPHRASE_FILE": str(wrong)}
        refused = subprocess.run(
            [str(BACKUP), "restore"], capture_output=True, text=True, env=env, timeout=600
        )
        assert refused.returncode != 0 and "refused by pgBackRest" in refused.stderr
        assert_untouched(before)
    finally:
        if gap:
            restore_deleted(backups, bucket, gap[0])
        # Start the untouched cluster again; setup rewrites the configuration (passphrase).
        run("bash", "-c", ". deploy/local/env.sh && deploy/local/infra.sh start pg")
        run(str(BACKUP), "setup")
    # With the segment back, the same archive restores (the refusal was the gap, nothing else).
    run(str(BACKUP), "backup")


def ensure_a_restored_timeline() -> None:
    """Restore once when the archive has no timeline history yet (a stack fresh from `up`)."""
    if not archived_histories():
        run("bash", "-c", ". deploy/local/env.sh && deploy/local/infra.sh stop pg")
        run(str(BACKUP), "restore")
        asyncio.run(wait_archived())
    # The restore's new timeline reached the archive (or a later restore would not follow it).
    assert archived_histories()


def archived_histories() -> list[str]:
    backups, bucket = backup_bucket()
    return [
        o.object_name
        for o in backups.list_objects(bucket, prefix="pgbackrest/archive/", recursive=True)
        if o.object_name and o.object_name.endswith(".history")
    ]


def folder_state(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file of the data folder (size, mtime), and the folders beside it."""
    state = {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }
    siblings = {f"../{p.name}": (0, 0) for p in folder.parent.glob(f"{folder.name}.*")}
    return state | siblings


def assert_untouched(before: dict[str, tuple[int, int]]) -> None:
    """A refusal leaves the data folder exactly as it was, and no restore half-done beside it."""
    assert folder_state(pg_data()) == before, "the data folder or the folders beside it changed"


def assert_backup_bucket_holds_no_plaintext(markers: list[str]) -> None:
    """A copy of the backup bucket alone: every object, and not one report's words in it."""
    client, bucket = backup_bucket()
    names = [o.object_name for o in client.list_objects(bucket, recursive=True) if o.object_name]
    assert any("/archive/" in n for n in names) and any("/backup/" in n for n in names)
    for name in names:
        response = client.get_object(bucket, name)
        try:
            body = response.read()
        finally:
            response.close()
            response.release_conn()
        # Every file is ciphertext (pgBackRest's aes-256-cbc files start with OpenSSL's salt
        # header), so not even the schema, role names or unsealed metadata can be read.
        assert body.startswith(b"Salted__"), f"{name} is not encrypted"
        for marker in markers:
            assert marker.encode() not in body, f"{marker} readable in {name}"
        assert b"Kepala seksi meminta uang pelicin" not in body


def backup_bucket() -> tuple[Minio, str]:
    client, _ = bucket_client()
    return client, os.environ.get("PELUIT_BACKUP_BUCKET", "peluit-backup")


def restore_deleted(client: Minio, bucket: str, name: str) -> None:
    """Undo the test's own deletion (drop the delete marker), nothing of pgBackRest's own."""
    for o in client.list_objects(bucket, prefix=name, include_version=True):
        if o.object_name == name and o.is_delete_marker and o.is_latest == "true":
            client.remove_object(bucket, name, version_id=o.version_id)
