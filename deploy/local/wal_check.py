"""Before a restore to the latest point: is the WAL archive complete along the restored path?

    wal_check.py PGBACKREST_COMMAND...    (e.g. `pgbackrest --config=C --stanza=peluit`)

PostgreSQL, asked to recover "to the end", simply stops at the first segment it cannot fetch: a
segment missing from the archive would silently drop everything archived after it. This check
finds the backup a latest restore starts from (the newest), the timeline recovery will follow
(the newest one whose history is in the archive, as `recovery_target_timeline = latest` does),
and which timeline each segment number lies on (a child timeline owns the segment holding its
switch point and everything after). Every segment from the backup's first one up to the newest
archived segment of that path must be in the archive. Prints the last segment of the path, or
names the missing ones on stderr and exits 1. Reads only names and the small history files.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

SEGMENT = re.compile(r"^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})-[0-9a-f]{40}(\.\w+)?$")
HISTORY = re.compile(r"^([0-9A-F]{8})\.history$")
WAL_SEGMENT_BYTES = 16 * 1024 * 1024  # initdb's default; infra.sh keeps it


@dataclass(frozen=True)
class Timeline:
    """A timeline and its ancestors: [(parent timeline, switch point LSN)], oldest first."""

    timeline: int
    switches: tuple[tuple[int, int], ...]

    def timeline_of(self, segno: int, segment_bytes: int = WAL_SEGMENT_BYTES) -> int:
        for parent, lsn in self.switches:
            if segno < lsn // segment_bytes:
                return parent
        return self.timeline


def segno(name: str, segment_bytes: int = WAL_SEGMENT_BYTES) -> int:
    per_id = 0x100000000 // segment_bytes
    return int(name[8:16], 16) * per_id + int(name[16:24], 16)


def segment_name(timeline: int, number: int, segment_bytes: int = WAL_SEGMENT_BYTES) -> str:
    per_id = 0x100000000 // segment_bytes
    return f"{timeline:08X}{number // per_id:08X}{number % per_id:08X}"


def parse_history(text: str) -> tuple[tuple[int, int], ...]:
    switches = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[0].isdigit():
            high, low = fields[1].split("/")
            switches.append((int(fields[0]), (int(high, 16) << 32) | int(low, 16)))
    return tuple(switches)


def archived(names: list[str]) -> tuple[set[tuple[int, int]], set[int]]:
    """(timeline, segment number) of every whole archived segment, and the history timelines."""
    segments: set[tuple[int, int]] = set()
    histories: set[int] = set()
    for name in names:
        base = name.rsplit("/", 1)[-1]
        if m := SEGMENT.match(base):
            if not base.endswith(".partial") and ".partial." not in base:
                segments.add((int(m.group(1), 16), segno(base)))
        elif m := HISTORY.match(base):
            histories.add(int(m.group(1), 16))
    return segments, histories


def latest_timeline(start: int, histories: set[int]) -> int:
    """PostgreSQL's choice for `latest`: probe start+1, start+2, ... while a history exists."""
    timeline = start
    while timeline + 1 in histories:
        timeline += 1
    return timeline


def missing_segments(
    backup_start: str, segments: set[tuple[int, int]], path: Timeline
) -> tuple[list[str], str]:
    """The segments missing between the backup's start and the path's newest one, and that one."""
    first = segno(backup_start)
    on_path = [n for t, n in segments if n >= first and path.timeline_of(n) == t]
    last = max(on_path, default=first)
    missing = [
        segment_name(path.timeline_of(n), n)
        for n in range(first, last + 1)
        if (path.timeline_of(n), n) not in segments
    ]
    return missing, segment_name(path.timeline_of(last), last)


def main(pgbr: list[str]) -> int:
    try:
        return check(pgbr)
    except ValueError:
        print("restore: refused by pgBackRest: its answer cannot be read", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:
        error = re.search(r"ERROR: .*", exc.stderr or exc.stdout or "")
        print(
            f"restore: refused by pgBackRest: {error.group(0) if error else exc}", file=sys.stderr
        )
        return 1


class Refused(Exception):
    """The archive cannot bring a latest restore to its end; the message says why."""


def verdict(backup_label: str, start: str, names: list[str], history: Callable[[int], str]) -> str:
    """The last segment of the restored path, or Refused: the pure part of the check."""
    segments, histories = archived(names)
    timeline = latest_timeline(int(start[:8], 16), histories)
    switches = parse_history(history(timeline)) if timeline > int(start[:8], 16) else ()
    newer = sorted({t for t, _ in segments if t > timeline})
    if newer:
        raise Refused(
            f"restore: refused, the archive holds WAL of timeline {newer[-1]} but not the history "
            f"file of timeline {timeline + 1}: recovery would silently stay on timeline "
            f"{timeline}; data unchanged"
        )
    missing, last = missing_segments(start, segments, Timeline(timeline, switches))
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise Refused(
            f"restore: refused, {len(missing)} WAL segment(s) missing from the archive on "
            f"timeline {timeline} between the backup {backup_label} and {last}: {shown} "
            "(a missing or damaged segment); data unchanged"
        )
    return last


def check(pgbr: list[str]) -> int:
    def run(*args: str) -> str:
        return subprocess.run(
            [*pgbr, *args], capture_output=True, text=True, errors="replace", check=True
        ).stdout

    # strict=False: pgBackRest's error messages may quote the undecryptable bytes.
    stanza = json.loads(run("info", "--output=json"), strict=False)[0]
    for repo in stanza.get("repo", []):
        if repo.get("status", {}).get("code", 0) != 0:
            # e.g. a wrong passphrase: the info files decrypt to noise.
            reason = repo["status"].get("message", "").split(":", 1)[0]
            print(
                f"restore: refused by pgBackRest: the repository cannot be read ({reason}; "
                "a wrong passphrase?); data unchanged",
                file=sys.stderr,
            )
            return 1
    backups = stanza.get("backup") or []
    if not backups:
        print("restore: refused, the repository holds no backup", file=sys.stderr)
        return 1
    newest = backups[-1]
    archive_id = next(
        a["id"] for a in stanza["archive"] if a["database"]["id"] == newest["database"]["id"]
    )
    root = f"archive/{stanza['name']}/{archive_id}"
    names = list(json.loads(run("repo-ls", "--recurse", "--output=json", root)))
    try:
        last = verdict(
            newest["label"],
            newest["archive"]["start"],
            names,
            lambda timeline: run("repo-get", f"{root}/{timeline:08X}.history"),
        )
    except Refused as refused:
        print(refused, file=sys.stderr)
        return 1
    print(last)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
