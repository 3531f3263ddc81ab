from aiokafka import TopicPartition

from peluit_shared.consumer_lag import lag_by_topic


def test_lag_is_end_minus_committed_summed_per_topic_from_the_kept_start() -> None:
    a0, a1, b0 = TopicPartition("a", 0), TopicPartition("a", 1), TopicPartition("b", 0)
    ends = {a0: 10, a1: 7, b0: 100}
    committed = {a0: 4, a1: 7}
    starts = {a0: 0, a1: 0, b0: 60}  # b: never committed; offsets below 60 were deleted
    assert lag_by_topic(ends, committed, starts) == {"a": 6, "b": 40}
    # A commit past the end (a topic recreated) is no negative lag.
    assert lag_by_topic({a0: 3}, {a0: 5}, {a0: 0}) == {"a": 0}
