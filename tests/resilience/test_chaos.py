"""Chaos: reports and evidence keep arriving while every service, Kafka and PostgreSQL are
SIGKILLed at random points and restarted. Nothing accepted is lost or doubled, no notice goes
out twice, and no answer is a 500 (a 503 is the honest answer while something is away).

Run it alone with `./peluit test -m chaos -s`; it is also part of the full run. Size:
PELUIT_CHAOS_SUBMISSIONS (reports, default 40), PELUIT_CHAOS_KILLS (default 6: each of the six
components once, in random order; more kills pick components at random),
PELUIT_CHAOS_EVIDENCE_EVERY (every Nth report also uploads a file, default 3),
PELUIT_CHAOS_SEED (to replay a run). The figures are printed at the end (use -s to see them).
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import os
import random
import signal
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg
import httpx
import pytest

from tests.support.evidence import jpeg_parts
from tests.support.notify import MAIL, add_staff, retire_staff
from tests.support.reports import sample_report
from tests.support.stack import DATA, ServiceProcess, base_url, infra, service_dsn

pytestmark = [pytest.mark.stack, pytest.mark.chaos, pytest.mark.timeout(1800)]

SUBMISSIONS = int(os.environ.get("PELUIT_CHAOS_SUBMISSIONS", "40"))
KILLS = int(os.environ.get("PELUIT_CHAOS_KILLS", "6"))
EVIDENCE_EVERY = max(1, int(os.environ.get("PELUIT_CHAOS_EVIDENCE_EVERY", "3")))
SEED = int(os.environ.get("PELUIT_CHAOS_SEED", str(random.SystemRandom().randrange(1 << 30))))
WORKERS = 4
SERVICE_NAMES = ("intake", "cases", "evidence", "notifications")
COMPONENTS = (*SERVICE_NAMES, "kafka", "pg")
# How long a client keeps retrying one request (a reporter's patience, generously).
PATIENCE = 240.0


@dataclass
class Figures:
    statuses: Counter[int] = field(default_factory=Counter)
    connection_errors: int = 0
    kills: Counter[str] = field(default_factory=Counter)
    reports: dict[str, str] = field(default_factory=dict)  # idempotency key -> report number
    files: dict[str, set[str]] = field(default_factory=dict)  # report number -> evidence ids
    gave_up: list[str] = field(default_factory=list)
    unexpected_exits: Counter[str] = field(default_factory=Counter)
    started: int = 0  # submissions begun
    phase: int = 0  # kills done and recovered from


def pid_from(path: Path, pattern: str) -> int | None:
    try:
        pid = int(path.read_text().split()[0])
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except (OSError, ValueError, IndexError):
        return None
    return pid if pattern.encode() in cmdline else None


def children_of(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.append(int(entry.name))
    return found


def kill_infra(component: str) -> None:
    """SIGKILL PostgreSQL (the postmaster and every backend, as a crashed host would leave it)
    or the Kafka broker, by the pid our stack recorded."""
    if component == "pg":
        pid = pid_from(DATA / "run" / "pg.pid", "postgres")
        assert pid is not None, "PostgreSQL's pid not found"
        victims = [pid, *children_of(pid)]
    else:
        pid = pid_from(DATA / "run" / "kafka.pid", "kafka")
        assert pid is not None, "Kafka's pid not found"
        victims = [pid]
    for victim in victims:
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{v}").exists() for v in victims):
        time.sleep(0.05)


def start_infra(component: str) -> None:
    for _ in range(3):
        started = infra("start", component)
        if started.returncode == 0:
            return
        time.sleep(2)
    raise AssertionError(f"{component} did not start again: {started.stdout}{started.stderr}")


async def all_ready(services: dict[str, ServiceProcess], figures: Figures) -> None:
    for name, proc in services.items():
        if proc.proc is not None and proc.proc.poll() is not None:
            figures.unexpected_exits[name] += 1  # died on its own: start it again, count it
            proc.proc = None
            proc.start()
    for proc in services.values():
        await asyncio.to_thread(proc.wait_ready, 180.0)


def phase_of(index: int) -> int:
    """Submissions are spread over the kills: phase k runs around the k-th kill."""
    return index * KILLS // SUBMISSIONS if KILLS else 0


async def chaos(services: dict[str, ServiceProcess], figures: Figures, rng: random.Random) -> None:
    order = list(COMPONENTS)
    rng.shuffle(order)
    plan = [order[i] if i < len(order) else rng.choice(COMPONENTS) for i in range(KILLS)]
    for k, component in enumerate(plan):
        # Strike once a random part of this phase's submissions is under way: the rest of
        # them meet the component dead or restarting.
        first = next((i for i in range(SUBMISSIONS) if phase_of(i) == k), SUBMISSIONS)
        size = sum(1 for i in range(SUBMISSIONS) if phase_of(i) == k)
        strike_at = first + rng.randrange(max(1, size // 2 + 1))
        while figures.started < min(strike_at, SUBMISSIONS):  # noqa: ASYNC110
            await asyncio.sleep(0.02)
        await asyncio.sleep(rng.uniform(0.0, 1.0))
        if component in services:
            proc = services[component]
            assert proc.proc is not None
            proc.proc.send_signal(signal.SIGKILL)
            await asyncio.to_thread(proc.proc.wait, 10)
            proc.proc = None
        else:
            await asyncio.to_thread(kill_infra, component)
        figures.kills[component] += 1
        await asyncio.sleep(rng.uniform(0.5, 3.0))
        if component in services:
            services[component].start()
        else:
            await asyncio.to_thread(start_infra, component)
        await all_ready(services, figures)
        figures.phase = k + 1


async def request(
    client: httpx.AsyncClient, figures: Figures, method: str, url: str, **kwargs: Any
) -> httpx.Response | None:
    """One attempt: the answer, or None when there was none (connection refused/reset)."""
    try:
        r = await client.request(method, url, **kwargs)
    except httpx.TransportError:
        figures.connection_errors += 1
        return None
    figures.statuses[r.status_code] += 1
    return r


async def until_answered(
    client: httpx.AsyncClient,
    figures: Figures,
    method: str,
    url: str,
    ok: tuple[int, ...],
    headers: Any = None,
    **kwargs: Any,
) -> httpx.Response | None:
    """Retry as a patient client does: after no answer or a 503, with the same body and
    Idempotency-Key. `headers` may be a callable (a new session token after a restart)."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        h = headers() if callable(headers) else headers
        r = await request(client, figures, method, url, headers=h, **kwargs)
        if r is not None and (r.status_code in ok or r.status_code not in (401, 429, 503)):
            return r
        if r is not None and r.status_code == 401 and callable(headers):
            return r  # the session was lost with intake's memory: the caller signs in again
        await asyncio.sleep(0.5)
    return None


async def reporter(client: httpx.AsyncClient, figures: Figures, index: int, jpeg: bytes) -> None:
    key = str(uuid.uuid4())
    r = await until_answered(
        client,
        figures,
        "POST",
        "/api/v1/reports",
        (201,),
        headers={"idempotency-key": key},
        json=sample_report(),
    )
    if r is None or r.status_code != 201:
        figures.gave_up.append(f"report {index}: {r.status_code if r else 'no answer'}")
        return
    number, receipt = r.json()["report_number"], r.json()["receipt"]
    figures.reports[key] = number
    figures.files[number] = set()
    if index % EVIDENCE_EVERY:
        return
    file_key = str(uuid.uuid4())
    for _ in range(20):
        signed = await until_answered(
            client, figures, "POST", "/api/v1/mailbox/session", (201,), json={"receipt": receipt}
        )
        if signed is None or signed.status_code != 201:
            figures.gave_up.append(f"sign-in {index}: {signed.status_code if signed else '-'}")
            return
        token = signed.json()["token"]
        up = await until_answered(
            client,
            figures,
            "POST",
            "/api/v1/mailbox/evidence",
            (200, 201),
            headers=lambda token=token: {
                "authorization": f"Bearer {token}",
                "content-type": "image/jpeg",
                "x-filename": quote(f"foto-{index}.jpg"),
                "idempotency-key": file_key,
            },
            content=jpeg,
        )
        if up is not None and up.status_code == 401:
            continue  # intake restarted: sessions live in its memory; sign in again
        if up is None or up.status_code not in (200, 201):
            figures.gave_up.append(f"evidence {index}: {up.status_code if up else '-'}")
            return
        figures.files[number].add(up.json()["evidence_id"])
        return


async def rows(service: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(service_dsn(service))
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def eventually(probe: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = await probe()
        if result[0] or time.monotonic() > deadline:
            return result[1]
        await asyncio.sleep(1)


def mail_ids_by_notice(address: str, numbers: set[str]) -> dict[str, list[str]]:
    """Message-IDs of the mails the sink took for `address` about our reports, by notice (its
    subject: the kind of notice and the report number)."""
    found: dict[str, list[str]] = {}
    for path in sorted(MAIL.glob("*.eml")):
        raw = path.read_bytes()
        if f"X-Peluit-Rcpt-To: {address}".encode() not in raw.split(b"\r\n\r\n", 1)[0]:
            continue
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        subject = str(msg["subject"])
        if any(number in subject for number in numbers):
            found.setdefault(subject, []).append(str(msg["message-id"]))
    return found


async def test_nothing_is_lost_or_doubled_while_everything_is_killed_at_random(
    services: dict[str, ServiceProcess],
) -> None:
    rng = random.Random(SEED)
    figures = Figures()
    # A coordinator with an e-mail address: every new case mails them one notice.
    staff_id, address = await add_staff()
    assert address is not None
    jpeg, _ = jpeg_parts()
    (since,) = await rows("intake", "SELECT now() AS t")
    started = time.monotonic()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(SUBMISSIONS):
        queue.put_nowait(i)

    async def worker() -> None:
        async with httpx.AsyncClient(base_url=base_url("intake"), timeout=30) as client:
            while not queue.empty():
                index = queue.get_nowait()
                # The next phase waits for its kill.
                while figures.phase < phase_of(index):  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
                figures.started += 1
                await reporter(client, figures, index, jpeg)
                # Spread the submissions over the chaos (a steady trickle, not one burst).
                await asyncio.sleep(rng.uniform(0.0, 0.6))

    try:
        await asyncio.gather(chaos(services, figures, rng), *(worker() for _ in range(WORKERS)))
        await all_ready(services, figures)
        load_seconds = time.monotonic() - started

        numbers = set(figures.reports.values())

        async def cases_probe() -> tuple[bool, dict[str, int]]:
            found = await rows(
                "cases",
                "SELECT report_number, count(*) AS n FROM cases WHERE report_number = ANY($1)"
                " GROUP BY report_number",
                list(numbers),
            )
            counts = {r["report_number"]: r["n"] for r in found}
            return len(counts) == len(numbers), counts

        case_counts = await eventually(cases_probe, 240)
        # A report stored twice (a retry that was not recognised) is a number nobody was given.
        unknown_reports = [
            r["report_number"]
            for r in await rows(
                "intake",
                "SELECT report_number FROM reports WHERE submitted_at >= $1"
                " AND NOT report_number = ANY($2)",
                since["t"],
                list(numbers),
            )
        ]

        ids = {
            r["report_number"]: r["id"]
            for r in await rows(
                "intake",
                "SELECT report_number, id FROM reports WHERE report_number = ANY($1)",
                list(numbers),
            )
        }
        report_ids = list(ids.values())

        async def files_on(service: str, sql: str) -> dict[uuid.UUID, list[str]]:
            by_report: dict[uuid.UUID, list[str]] = {}
            for r in await rows(service, sql, report_ids):
                by_report.setdefault(r[0], []).append(str(r[1]))
            return by_report

        want_files = {ids[n]: sorted(f) for n, f in figures.files.items() if f}

        async def files_probe() -> tuple[bool, dict[str, dict[uuid.UUID, list[str]]]]:
            sides = {
                "intake": await files_on(
                    "intake",
                    "SELECT report_id, evidence_id FROM evidence_forwarded"
                    " WHERE report_id = ANY($1)",
                ),
                "cases": await files_on(
                    "cases", "SELECT report_id, evidence_id FROM evidence WHERE report_id = ANY($1)"
                ),
                "evidence": await files_on(
                    "evidence", "SELECT report_id, id FROM evidence_files WHERE report_id = ANY($1)"
                ),
            }
            settled = all(
                {k: sorted(v) for k, v in side.items()} == want_files for side in sides.values()
            )
            return settled, sides

        file_sides = await eventually(files_probe, 180)

        async def notices_probe() -> tuple[bool, dict[str, int]]:
            found = await rows(
                "notifications",
                "SELECT report_number, count(*) AS n FROM deliveries WHERE recipient = $1"
                " AND channel = 'email' AND kind = 'new_report' AND status = 'sent'"
                " AND report_number = ANY($2) GROUP BY report_number",
                str(staff_id),
                list(numbers),
            )
            counts = {r["report_number"]: r["n"] for r in found}
            return len(counts) == len(numbers), counts

        delivered = await eventually(notices_probe, 240)
        mails = mail_ids_by_notice(address, numbers)
    finally:
        await retire_staff(staff_id)

    lost = sorted(n for n in numbers if case_counts.get(n, 0) == 0)
    doubled = sorted(n for n in numbers if case_counts.get(n, 0) > 1) + unknown_reports
    files_wrong = {
        side: {
            str(rid): (sorted(got.get(rid, [])), want)
            for rid, want in want_files.items()
            if sorted(got.get(rid, [])) != want
        }
        | {str(rid): (ev, []) for rid, ev in got.items() if rid not in want_files}
        for side, got in file_sides.items()
    }
    mails_doubled = {n: m for n, m in mails.items() if len(set(m)) > 1}
    mails_resent = sum(len(m) - len(set(m)) for m in mails.values())
    notices_missing = sorted(numbers - set(delivered))
    notices_doubled = {n: c for n, c in delivered.items() if c > 1}
    stored_files = sum(len(f) for f in want_files.values())
    print(
        f"\n[chaos] seed={SEED} submissions={SUBMISSIONS} load+kills={load_seconds:.0f}s"
        f"\n[chaos] kills: {dict(sorted(figures.kills.items()))}"
        f" unexpected exits: {dict(figures.unexpected_exits)}"
        f"\n[chaos] answers: {dict(sorted(figures.statuses.items()))}"
        f" no answer (connection refused/reset): {figures.connection_errors}"
        f"\n[chaos] reports accepted (201): {len(numbers)}, files stored: {stored_files},"
        f" gave up: {len(figures.gave_up)}"
        f"\n[chaos] lost: {len(lost)}, duplicated: {len(doubled)},"
        f" files wrong: {sum(len(v) for v in files_wrong.values())},"
        f" notices missing: {len(notices_missing)}, doubled: {len(notices_doubled)},"
        f" mails with 2+ Message-IDs: {len(mails_doubled)},"
        f" same-Message-ID resends: {mails_resent}"
    )
    assert figures.statuses[500] == 0 and not any(s >= 500 and s != 503 for s in figures.statuses)
    assert not figures.gave_up, figures.gave_up
    assert len(numbers) == len(figures.reports) == SUBMISSIONS  # one number per key
    assert sum(figures.kills.values()) == KILLS
    assert not lost and not doubled, (lost, doubled)
    assert not any(files_wrong.values()), files_wrong
    assert not notices_missing and not notices_doubled, (notices_missing, notices_doubled)
    new_report_mails = {n for n in numbers if any(f"Laporan baru {n} " in s for s in mails)}
    assert new_report_mails == numbers and not mails_doubled, mails_doubled
