"""A cluster's bootstrap list reaches the Kafka clients as separate hosts (no stack needed)."""

from __future__ import annotations

import pytest

from peluit_shared.kafka import bootstrap_servers, client_options, make_broker
from peluit_shared.provision import topic_configs
from peluit_shared.settings import InfraSettings, KafkaCredentials
from peluit_shared.topics import ALL_TOPICS, AUDIT_ANCHORS, REPORT_SUBMITTED, Topic

CLUSTER = "127.0.0.1:29092,127.0.0.1:29094, 127.0.0.1:29096"
HOSTS = ["127.0.0.1:29092", "127.0.0.1:29094", "127.0.0.1:29096"]


def test_a_comma_separated_bootstrap_is_split_into_hosts() -> None:
    assert bootstrap_servers(CLUSTER) == HOSTS
    assert bootstrap_servers("127.0.0.1:29092") == ["127.0.0.1:29092"]
    with pytest.raises(ValueError):
        bootstrap_servers(" , ")


def test_the_aiokafka_options_and_the_faststream_broker_get_every_host() -> None:
    infra = InfraSettings(kafka_bootstrap=CLUSTER, kafka_security_protocol="PLAINTEXT")
    assert client_options(None, infra)["bootstrap_servers"] == HOSTS
    broker = make_broker(CLUSTER, "test", KafkaCredentials("intake", "x"), infra)
    assert broker.specification.url == HOSTS  # the servers faststream connects to


def test_topics_on_a_cluster_require_two_in_sync_replicas() -> None:
    by_name = {t.name: t for t in ALL_TOPICS}
    assert topic_configs(by_name[REPORT_SUBMITTED], 3) == {"min.insync.replicas": "2"}
    assert topic_configs(by_name[AUDIT_ANCHORS], 3)["min.insync.replicas"] == "2"
    assert topic_configs(by_name[AUDIT_ANCHORS], 3)["cleanup.policy"] == "compact"
    # The laptop's single broker keeps the broker default (1).
    assert topic_configs(by_name[REPORT_SUBMITTED], 1) == {}
    assert topic_configs(Topic("x", configs=(("retention.ms", "1"),)), 1) == {"retention.ms": "1"}
