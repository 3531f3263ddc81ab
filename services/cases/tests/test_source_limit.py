"""Failed sign-ins per source: counted before the check, keyed by a rotating HMAC."""

from __future__ import annotations

from peluit_cases.adapters.source_limit import SourceLimit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_source_gets_its_limit_and_then_nothing_until_the_window_ends() -> None:
    clock = Clock()
    limit = SourceLimit(3, 900.0, clock)
    keys = [limit.reserve("10.0.0.1") for _ in range(3)]
    assert all(keys) and limit.reserve("10.0.0.1") is None
    assert limit.reserve("10.0.0.2") is not None  # another source is not affected
    clock.now += 899
    assert limit.reserve("10.0.0.1") is None
    clock.now += 2
    assert limit.reserve("10.0.0.1") is not None


def test_a_success_gives_its_attempt_back() -> None:
    limit = SourceLimit(2, 900.0, Clock())
    first = limit.reserve("10.0.0.1")
    assert first is not None
    limit.release(first)
    assert limit.reserve("10.0.0.1") and limit.reserve("10.0.0.1")
    assert limit.reserve("10.0.0.1") is None


def test_no_address_is_kept_and_keys_rotate() -> None:
    clock = Clock()
    limit = SourceLimit(5, 900.0, clock)
    key = limit.reserve("192.0.2.7")
    assert key is not None and b"192.0.2.7" not in key
    assert all(b"192.0.2.7" not in k for k in limit._counts)
    clock.now += 900
    assert limit.source_key("192.0.2.7") != key
