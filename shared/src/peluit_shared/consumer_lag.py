"""Consumer lag per group and topic, as Prometheus sees it (`peluit_consumer_lag`).

Lag is what an operator's `kafka-consumer-groups --describe` shows: for each partition, the end
offset minus the group's committed offset, summed per topic. Every replica of a service watches
its own groups (the figure is the group's, so replicas report the same value); the alert takes
the maximum. Read with the service's own Kafka user (its ACLs allow describing its topics and
groups), every `interval` seconds; a failure leaves the last value and is retried.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import Gauge

from peluit_shared.kafka import client_options
from peluit_shared.logging import get_logger
from peluit_shared.settings import InfraSettings, KafkaCredentials

log = get_logger(__name__)

LAG = Gauge(
    "peluit_consumer_lag",
    "Events on a topic not yet committed by the consumer group (summed over partitions)",
    ["group", "topic"],
)

# group id -> topics, filled by `consumer.subscribe*` as the service registers its subscribers.
GROUPS: dict[str, tuple[str, ...]] = {}


def lag_by_topic(
    ends: Mapping[TopicPartition, int],
    committed: Mapping[TopicPartition, int],
    starts: Mapping[TopicPartition, int],
) -> dict[str, int]:
    """Summed per topic; a partition the group never committed counts from its first offset
    still kept (what a new group reads from the start)."""
    lag: dict[str, int] = {}
    for tp, end in ends.items():
        done = committed.get(tp, starts.get(tp, 0))
        lag[tp.topic] = lag.get(tp.topic, 0) + max(0, end - done)
    return lag


class LagWatcher:
    def __init__(
        self,
        credentials: KafkaCredentials | None,
        infra: InfraSettings,
        groups: Mapping[str, tuple[str, ...]],
        interval: float = 15.0,
    ) -> None:
        self._options = client_options(credentials, infra)
        self._groups = dict(groups)
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._groups and self._task is None:
            self._task = asyncio.create_task(self._run(), name="consumer-lag")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.measure()
            except Exception as exc:  # Kafka away: keep the last figures, try again
                log.warning("consumer_lag_unavailable", error=type(exc).__name__)
            await asyncio.sleep(self._interval)

    async def measure(self) -> dict[str, dict[str, int]]:
        admin = AIOKafkaAdminClient(**self._options)
        reader = AIOKafkaConsumer(**self._options, enable_auto_commit=False)
        await admin.start()
        await reader.start()
        try:
            await reader.topics()  # metadata for the partitions below
            out: dict[str, dict[str, int]] = {}
            for group, topics in self._groups.items():
                tps = [
                    TopicPartition(t, p)
                    for t in topics
                    for p in sorted(reader.partitions_for_topic(t) or ())
                ]
                ends = await reader.end_offsets(tps) if tps else {}
                starts = await reader.beginning_offsets(tps) if tps else {}
                offsets = await admin.list_consumer_group_offsets(group)
                committed = {tp: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}
                out[group] = lag_by_topic(ends, committed, starts)
                for topic in topics:
                    LAG.labels(group, topic).set(out[group].get(topic, 0))
            return out
        finally:
            await reader.stop()
            await admin.close()
