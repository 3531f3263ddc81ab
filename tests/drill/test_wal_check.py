"""The archive check before a latest restore follows the restored timeline (no stack needed)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest

from tests.support.stack import ROOT


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "wal_check", ROOT / "deploy" / "local" / "wal_check.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["wal_check"] = module
    spec.loader.exec_module(module)
    return module


wal = load()
SHA = "0" * 40


def names(*segments: str, histories: tuple[int, ...] = ()) -> list[str]:
    listed = [f"15-1/{s[:16]}/{s}-{SHA}.zst" for s in segments]
    return listed + [f"15-1/{t:08X}.history" for t in histories]


def seg(timeline: int, number: int) -> str:
    return str(wal.segment_name(timeline, number))


def test_a_complete_single_timeline_archive_passes() -> None:
    segments, _ = wal.archived(names(*(seg(1, n) for n in range(3, 9))))
    missing, last = wal.missing_segments(seg(1, 3), segments, wal.Timeline(1, ()))
    assert missing == [] and last == seg(1, 8)


def test_a_gap_on_the_second_timeline_is_found() -> None:
    # Timeline 1 runs to segment 0x20; a restore branched timeline 2 at 0x15 (0/15000000).
    tl1 = [seg(1, n) for n in range(3, 0x21)]
    tl2 = [seg(2, n) for n in range(0x15, 0x1A) if n != 0x17]  # 0x17 lost on timeline 2
    segments, histories = wal.archived(names(*tl1, *tl2, histories=(2,)))
    assert wal.latest_timeline(1, histories) == 2
    path = wal.Timeline(2, wal.parse_history("1\t0/15000000\tno recovery target specified\n"))
    missing, last = wal.missing_segments(seg(1, 3), segments, path)
    # Timeline 1's own segments 0x15..0x20 are off the path: they neither fill the gap nor
    # set the end (comparing with the archive's overall newest name missed exactly this).
    assert missing == [seg(2, 0x17)] and last == seg(2, 0x19)


def test_a_gap_on_the_parent_timeline_before_the_switch_is_found() -> None:
    tl1 = [seg(1, n) for n in range(3, 0x15) if n != 0x10]
    tl2 = [seg(2, n) for n in range(0x15, 0x18)]
    segments, _ = wal.archived(names(*tl1, *tl2, histories=(2,)))
    path = wal.Timeline(2, wal.parse_history("1\t0/15000100\tno recovery target specified\n"))
    missing, _ = wal.missing_segments(seg(1, 3), segments, path)
    assert missing == [seg(1, 0x10)]


def test_a_backup_on_the_second_timeline_needs_only_the_segments_after_it() -> None:
    tl1 = [seg(1, n) for n in range(3, 0x10) if n != 5]  # a gap before the backup is harmless
    tl2 = [seg(2, n) for n in range(0x10, 0x14)]
    tl3 = [seg(3, n) for n in range(0x14, 0x16)]
    segments, histories = wal.archived(names(*tl1, *tl2, *tl3, histories=(2, 3)))
    assert wal.latest_timeline(2, histories) == 3
    history = "1\t0/10000000\tx\n2\t0/14000000\tx\n"
    missing, last = wal.missing_segments(
        seg(2, 0x11), segments, wal.Timeline(3, wal.parse_history(history))
    )
    assert missing == [] and last == seg(3, 0x15)


def test_partial_segments_do_not_count_as_archived() -> None:
    partial = f"15-1/0000000100000000/{seg(1, 4)}.partial-{SHA}.zst"
    listed = [*names(seg(1, 3), seg(1, 5)), partial]
    segments, _ = wal.archived(listed)
    missing, _ = wal.missing_segments(seg(1, 3), segments, wal.Timeline(1, ()))
    assert missing == [seg(1, 4)]


def test_segments_of_a_newer_timeline_without_its_history_are_refused() -> None:
    # A restore's new timeline whose history file never reached the archive: PostgreSQL would
    # stay on timeline 1 and silently drop everything on timeline 2.
    listed = names(seg(1, 3), seg(1, 4), seg(2, 5), seg(2, 6))
    with pytest.raises(wal.Refused, match="history file of timeline 2"):
        wal.verdict("B", seg(1, 3), listed, lambda t: "")
    with_history = names(seg(1, 3), seg(1, 4), seg(2, 5), seg(2, 6), histories=(2,))
    assert wal.verdict("B", seg(1, 3), with_history, lambda t: "1\t0/5000000\tx\n") == seg(2, 6)


def test_verdict_names_the_missing_segment_on_the_restored_timeline() -> None:
    listed = names(seg(1, 3), seg(1, 4), seg(2, 5), seg(2, 7), histories=(2,))
    with pytest.raises(wal.Refused, match=f"missing or damaged segment.*|{seg(2, 6)}") as refused:
        wal.verdict("B", seg(1, 3), listed, lambda t: "1\t0/5000000\tx\n")
    assert seg(2, 6) in str(refused.value)
