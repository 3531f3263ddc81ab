"""After a restore (or a consumer that missed events past Kafka's retention): compare what intake
and cases hold, republish what cases is missing, and report what cannot be recovered.

An operator's tool, run with each service's own database login (it reads, and only resets
`published_at` in intake's outbox); never part of a request. Exit 0 when the two agree (after
republishing), 1 when something is left that no republishing can bring back.

    python -m peluit_shared.reconcile [--dry-run]

- A report intake holds but cases does not: its `report.submitted` is still in intake's outbox
  (kept 7 days after publishing): the row is marked unpublished, so the relay sends it again
  and cases (idempotent by event id) opens the case once. Older than the outbox keeps it: listed
  as not recoverable here (the team's sealed copy is gone; the reporter's copy is not).
- A case whose report intake no longer holds (intake restored to an earlier point): listed; the
  reporter's mailbox for it is gone, and the team should know before they write to it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import uuid
from dataclasses import dataclass, field

import asyncpg

from peluit_shared.outbox import CHANNEL
from peluit_shared.settings import InfraSettings


@dataclass
class Findings:
    republished: list[str] = field(default_factory=list)
    lost_team_copy: list[str] = field(default_factory=list)
    lost_reporter_copy: list[str] = field(default_factory=list)

    @property
    def unrecoverable(self) -> bool:
        return bool(self.lost_team_copy or self.lost_reporter_copy)

    def lines(self) -> list[str]:
        out = [f"republished to cases: {n}" for n in self.republished]
        out += [f"NOT RECOVERABLE (no team copy left): {n}" for n in self.lost_team_copy]
        out += [f"reporter's copy lost (mailbox gone): {n}" for n in self.lost_reporter_copy]
        return out


def dsn(service: str) -> str:
    """The service's own DSN (`PELUIT_<SERVICE>_DB_DSN`), else the local stack's login."""
    found = os.environ.get(f"PELUIT_{service.upper()}_DB_DSN")
    if found:
        return found
    infra = InfraSettings()
    password = os.environ.get(f"PELUIT_PG_PASSWORD_{service.upper()}", f"peluit-{service}-dev")
    return (
        f"postgresql://peluit_{service}:{password}@{infra.pg_host}:{infra.pg_port}/peluit_{service}"
    )


async def reconcile(dry_run: bool = False) -> Findings:
    intake = await asyncpg.connect(dsn("intake"))
    cases = await asyncpg.connect(dsn("cases"))
    try:
        held = {
            r["id"]: r["report_number"]
            for r in await intake.fetch("SELECT id, report_number FROM reports")
        }
        opened = {
            r["report_id"]: r["report_number"]
            for r in await cases.fetch("SELECT report_id, report_number FROM cases")
        }
        found = Findings()
        for report_id in sorted(set(held) - set(opened), key=str):
            row_id = await intake.fetchval(
                """SELECT id FROM outbox WHERE event_type = 'report.submitted'
                   AND partition_key = $1 ORDER BY id LIMIT 1""",
                str(report_id).encode(),
            )
            if row_id is None:
                found.lost_team_copy.append(held[report_id])
                continue
            if not dry_run:
                await intake.execute("UPDATE outbox SET published_at = NULL WHERE id = $1", row_id)
                await intake.execute("SELECT pg_notify($1, '')", CHANNEL)
            found.republished.append(held[report_id])
        found.lost_reporter_copy = sorted(
            opened[r] for r in set(opened) - set(held) if isinstance(r, uuid.UUID)
        )
        return found
    finally:
        await intake.close()
        await cases.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dry-run", action="store_true", help="list only; republish nothing")
    args = parser.parse_args()
    found = asyncio.run(reconcile(args.dry_run))
    for line in found.lines():
        print(f"[peluit] reconcile: {line}")
    print(
        f"[peluit] reconcile: {len(found.republished)} republished, "
        f"{len(found.lost_team_copy)} without a team copy, "
        f"{len(found.lost_reporter_copy)} without the reporter's copy"
    )
    sys.exit(1 if found.unrecoverable else 0)


if __name__ == "__main__":
    main()
