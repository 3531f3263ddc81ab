"""The one table of who produces and consumes which topic matches what the services do.

The Kafka ACLs (`kafka_admin.service_acls`) and the signature check (`event_signing`) are both
derived from `topics.PRODUCERS` / `topics.CONSUMES`; a subscription the table does not list
would be refused by Kafka, a publisher it does not list would be dead-lettered.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from peluit_shared.events import ALL_EVENTS
from peluit_shared.topics import AUDIT_ANCHORS, CONSUMES, PRODUCERS, SERVICES

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = {
    "intake": "IntakeSettings",
    "cases": "CasesSettings",
    "evidence": "EvidenceSettings",
    "notifications": "NotificationsSettings",
}


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_subscribes_exactly_to_what_its_acls_let_it_read(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(f"PELUIT_KAFKA_PASSWORD_{service.upper()}", "only-built-never-connected")
    bootstrap = importlib.import_module(f"peluit_{service}.bootstrap")
    settings = getattr(importlib.import_module(f"peluit_{service}.settings"), SETTINGS[service])
    built = bootstrap.build(settings())
    runtime = getattr(built[1], "runtime", built[1])
    subscribed = {name for s in runtime.broker.subscribers for name in s.topic_names}
    # cases reads audit.anchors directly (verify-audit), not through a subscription.
    assert subscribed == set(CONSUMES[service]) - {AUDIT_ANCHORS}


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_publishes_only_topics_it_owns(service: str) -> None:
    by_class = {e.__name__: e.TOPIC for e in ALL_EVENTS}
    source = "\n".join(p.read_text() for p in (ROOT / "services" / service / "src").rglob("*.py"))
    # Every event a service makes (to put into its outbox) names its topic by its class.
    made = re.findall(r"\b(\w+)\(\s*(?:event_id|correlation_id)=", source)
    published = {by_class[name] for name in made if name in by_class}
    owned = {t for t, owners in PRODUCERS.items() if service in owners}
    assert published, "no event construction found: the pattern is out of date"
    assert published <= owned, published - owned
