"""The AsyncAPI documents in docs/asyncapi/ are what the code generates, and match the code.

Regenerate with `./peluit asyncapi`. Also: every event topic has a current event model, every
consumed topic is published by its producer, and the consumers subscribe what the documents say.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from peluit_shared import asyncapi
from peluit_shared.events import ALL_EVENTS
from peluit_shared.topics import (
    AUDIT_ANCHORS,
    CONSUMES,
    EVENT_TOPICS,
    PRODUCERS,
    SERVICES,
    dead_letter,
)

ROOT = Path(__file__).resolve().parents[2]


def test_committed_documents_are_what_the_code_generates() -> None:
    assert asyncapi.stale() == [], "AsyncAPI documents are out of date: run `./peluit asyncapi`"


def test_a_changed_model_or_document_is_caught(tmp_path: Path) -> None:
    asyncapi.write_all(tmp_path)
    assert asyncapi.stale(tmp_path) == []
    doc = json.loads(asyncapi.path_of("evidence", tmp_path).read_text())
    doc["components"]["schemas"]["evidence.stored.v3.EvidenceStoredPayload"]["required"].pop()
    asyncapi.path_of("evidence", tmp_path).write_text(asyncapi.render(doc))
    assert asyncapi.stale(tmp_path) == ["evidence"]


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = doc
    for part in ref[2:].split("/"):
        assert part in node, f"dangling $ref {ref}"
        node = node[part]
    return node


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


@pytest.mark.parametrize("service", SERVICES)
def test_each_document_is_asyncapi_3_with_every_topic_and_resolvable_refs(service: str) -> None:
    doc = asyncapi.document(service)
    assert doc["asyncapi"] == "3.0.0"
    for ref in _refs(doc):
        _resolve(doc, ref)
    key = re.compile(r"^[A-Za-z0-9._-]+$")
    for section in ("channels", "operations"):
        assert all(key.match(k) for k in doc[section])
    for name in ("messages", "schemas", "securitySchemes"):
        assert all(key.match(k) for k in doc["components"][name])
    sends = {_resolve(doc, o["channel"]["$ref"])["address"] for o in _ops(doc, "send")}
    receives = {_resolve(doc, o["channel"]["$ref"])["address"] for o in _ops(doc, "receive")}
    produced = {t for t, owners in PRODUCERS.items() if service in owners}
    consumed = set(CONSUMES[service])
    dead_letters = {dead_letter(t) for t in consumed if t != AUDIT_ANCHORS}
    assert sends == produced | dead_letters
    assert receives == consumed
    for op in doc["operations"].values():
        assert op["messages"], f"{op['summary']}: no message"
        channel = op["channel"]["$ref"]
        for m in op["messages"]:
            assert m["$ref"].startswith(channel + "/messages/")


def _ops(doc: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [o for o in doc["operations"].values() if o["action"] == action]


def test_consumers_read_every_version_they_upgrade() -> None:
    doc = asyncapi.document("cases")
    op = doc["operations"]["consume.report.submitted"]
    names = {m["$ref"].rsplit("/", 1)[1] for m in op["messages"]}
    assert names == {"report.submitted.v3", "report.submitted.v2", "report.submitted.v1"}
    published = asyncapi.document("intake")["operations"]["publish.report.submitted"]
    assert [m["$ref"].rsplit("/", 1)[1] for m in published["messages"]] == ["report.submitted.v3"]


def test_every_event_topic_has_a_current_event_model() -> None:
    for topic in EVENT_TOPICS:
        assert asyncapi.current_events(topic.name), f"{topic.name} has no event model"
        assert PRODUCERS.get(topic.name), f"{topic.name} has no producer"


def _constructs(service: str, class_name: str) -> bool:
    pattern = re.compile(rf"\b{class_name}\(")
    sources = (ROOT / "services" / service / "src").rglob("*.py")
    return any(pattern.search(p.read_text(encoding="utf-8")) for p in sources)


_NEVER_PUBLISHED = {"case.purged"}  # issue 14: cases has no retention purge yet


@pytest.mark.parametrize(
    "topic",
    sorted({t for topics in CONSUMES.values() for t in topics} - {AUDIT_ANCHORS}),
)
def test_every_consumed_topic_is_published_by_its_producer(topic: str) -> None:
    if topic in _NEVER_PUBLISHED:
        pytest.xfail(f"{topic} is consumed but no service publishes it yet")
    for event in asyncapi.current_events(topic):
        owners = PRODUCERS[topic]
        assert any(_constructs(svc, event.__name__) for svc in owners), (
            f"{event.__name__} ({topic}) is consumed, but {owners} never build one"
        )


def test_the_never_published_list_is_still_true() -> None:
    # When cases starts publishing case.purged, drop it from _NEVER_PUBLISHED.
    for topic in _NEVER_PUBLISHED:
        for event in asyncapi.current_events(topic):
            assert not any(_constructs(s, event.__name__) for s in PRODUCERS[topic])


def test_every_model_has_a_topic_a_producer_publishes() -> None:
    for event in ALL_EVENTS:
        assert PRODUCERS.get(event.TOPIC), event.__name__


def test_the_anchor_record_schema_is_what_cases_publishes() -> None:
    from peluit_cases.domain.audit import Anchor

    raw = Anchor(seq=7, head=b"\x01" * 32, at=datetime.now(UTC)).sign(b"k" * 32)
    asyncapi.AuditAnchorRecord.model_validate_json(raw)


def test_the_running_consumers_subscribe_what_the_documents_say(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PELUIT_ENV", "dev")
    from tests.support.apps import build

    for service in SERVICES:
        _, runtime = build(service)
        broker = getattr(runtime, "broker", None) or runtime.runtime.broker
        subscribers = list(broker.subscribers)
        assert len(subscribers) == 1, f"{service}: one batched consumer"
        sub = subscribers[0]
        topics = {t.name for t in sub.topics}
        assert topics == set(CONSUMES[service]) - {AUDIT_ANCHORS}, service
        assert sub.group_id == service
        assert sub.max_records == asyncapi.MAX_BATCH
