"""AsyncAPI 3.0 documents of every service's events, generated from the pydantic event models.

One document per service (`docs/asyncapi/<service>.json`): the topics it publishes (`send`,
from `topics.PRODUCERS`), the topics it reads (`receive`, from `topics.CONSUMES`, with every
older version its consumer still upgrades) and the dead-letter topics its consumer writes.
Payloads are the models' JSON Schemas (serialization mode), headers the signature headers
(`event_signing`). FastStream's own AsyncAPI output is not used: Peluit's batched consumers take
raw records (one subscriber for several topics, models chosen per topic) and its events leave
through the outbox relay, so FastStream sees neither payload models nor publishers.

`./peluit asyncapi` (= `python -m peluit_shared.asyncapi`) rewrites the documents; the contract
test fails when they differ from what the code generates.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from peluit_shared.event_signing import (
    HEADER_KEY_ID,
    HEADER_SIGNATURE,
    HEADER_SIGNER,
    SIGNATURE_HEADERS,
)
from peluit_shared.events import ALL_EVENTS, OLDER_VERSIONS, Event
from peluit_shared.topics import AUDIT_ANCHORS, CONSUMES, PRODUCERS, SERVICES, dead_letter

DOCS_DIR = Path(__file__).resolve().parents[3] / "docs" / "asyncapi"
ASYNCAPI_VERSION = "3.0.0"
# The shared consumer's defaults (`consumer.subscribe_routes`).
MAX_BATCH = 200
MAX_ATTEMPTS = 3
# Headers `consumer.subscribe_routes` puts on every dead letter.
_DLQ_FIELDS = (
    "dlq_reason",
    "dlq_consumer",
    "dlq_source_topic",
    "dlq_source_partition",
    "dlq_source_offset",
)


class AuditAnchorRecord(BaseModel):
    """The head of the cases audit chain as published on `audit.anchors` (not an Event).

    Written by `peluit_cases.domain.audit.Anchor.sign`, read back by `verify-audit`.
    """

    model_config = ConfigDict(extra="forbid", title="AuditAnchorRecord")

    seq: int = Field(ge=1, description="Sequence number of the audit entry that is the head")
    head: str = Field(pattern=r"^[0-9a-f]{64}$", description="That entry's MAC (hex)")
    at: str = Field(description="When the head was read (ISO 8601, UTC)")
    mac: str = Field(pattern=r"^[0-9a-f]{64}$", description="HMAC-SHA256 of the anchor (hex)")


def _is_older(event: type[Event]) -> bool:
    return any(event in older for older in OLDER_VERSIONS.values())


def current_events(topic: str) -> list[type[Event]]:
    """The current-version event models published on `topic`."""
    return [e for e in ALL_EVENTS if topic == e.TOPIC and not _is_older(e)]


def accepted_events(topic: str) -> list[type[Event]]:
    """What a consumer of `topic` accepts: the current models and the older versions it upgrades."""
    out: list[type[Event]] = []
    for event in current_events(topic):
        out.append(event)
        out.extend(OLDER_VERSIONS.get(event, ()))
    return out


def message_name(event: type[Event]) -> str:
    return f"{event.model_fields['type'].default}.v{event.model_fields['version'].default}"


def _key(name: str) -> str:
    """A component/channel key (AsyncAPI allows letters, digits, `.`, `-` and `_`)."""
    return name.replace("/", "_")


class _Builder:
    def __init__(self, service: str) -> None:
        self.service = service
        self.schemas: dict[str, Any] = {}
        self.messages: dict[str, Any] = {}
        self.channels: dict[str, Any] = {}
        self.operations: dict[str, Any] = {}

    def schema(self, name: str, model: type[BaseModel]) -> dict[str, Any]:
        """`model`'s JSON Schema; its nested models go to components.schemas under `name.`."""
        raw = model.model_json_schema(
            mode="serialization", ref_template=f"#/components/schemas/{name}.{{model}}"
        )
        for sub, body in raw.pop("$defs", {}).items():
            self.schemas[f"{name}.{sub}"] = body
        self.schemas[name] = raw
        return {"$ref": f"#/components/schemas/{name}"}

    def headers(self, topic: str) -> dict[str, Any]:
        signers = sorted(PRODUCERS.get(topic, ()))
        return {
            "type": "object",
            "required": [HEADER_SIGNER, HEADER_KEY_ID, HEADER_SIGNATURE],
            "properties": {
                HEADER_SIGNER: {
                    "type": "string",
                    "enum": signers,
                    "description": "The producing service (only these may sign this topic)",
                },
                HEADER_KEY_ID: {
                    "type": "string",
                    "description": "Which of the signer's Ed25519 keys signed the record",
                },
                HEADER_SIGNATURE: {
                    "type": "string",
                    "contentEncoding": "base64",
                    "description": "Ed25519 signature over domain, topic, key and value",
                },
            },
        }

    def event_message(self, event: type[Event]) -> str:
        name = _key(message_name(event))
        if name not in self.messages:
            self.messages[name] = {
                "name": name,
                "title": f"{event.__name__} (version {event.model_fields['version'].default})",
                "summary": (event.__doc__ or event.__name__).strip().splitlines()[0],
                "contentType": "application/json",
                "headers": self.headers(event.TOPIC),
                "payload": self.schema(name, event),
                "bindings": {
                    "kafka": {
                        "key": {
                            "type": "string",
                            "description": "The report id (events about one report stay in "
                            "order) or else the correlation id",
                        },
                        "bindingVersion": "0.5.0",
                    }
                },
            }
        return name

    def anchor_message(self) -> str:
        name = "audit.anchor"
        self.messages[name] = {
            "name": name,
            "title": "Audit chain anchor",
            "summary": "The cases audit chain's head, MACed (compacted topic, key = seq)",
            "contentType": "application/json",
            "headers": self.headers(AUDIT_ANCHORS),
            "payload": self.schema(name, AuditAnchorRecord),
            "bindings": {
                "kafka": {
                    "key": {"type": "string", "description": "The sequence number"},
                    "bindingVersion": "0.5.0",
                }
            },
        }
        return name

    def channel(self, topic: str, messages: list[str], description: str) -> str:
        key = _key(topic)
        channel = self.channels.setdefault(
            key, {"address": topic, "description": description, "messages": {}}
        )
        for m in messages:
            channel["messages"][m] = {"$ref": f"#/components/messages/{m}"}
        return key

    def operation(
        self, op_id: str, action: str, channel: str, messages: list[str], **extra: Any
    ) -> None:
        self.operations[op_id] = {
            "action": action,
            "channel": {"$ref": f"#/channels/{channel}"},
            "messages": [{"$ref": f"#/channels/{channel}/messages/{m}"} for m in messages],
            **extra,
        }

    def messages_of(self, topic: str, accepted: bool) -> list[str]:
        if topic == AUDIT_ANCHORS:
            return [self.anchor_message()]
        events = accepted_events(topic) if accepted else current_events(topic)
        return [self.event_message(e) for e in events]

    def build(self) -> dict[str, Any]:
        svc = self.service
        for topic in sorted(t for t, owners in PRODUCERS.items() if svc in owners):
            msgs = self.messages_of(topic, accepted=False)
            ch = self.channel(topic, msgs, f"Published by {svc} through its transactional outbox")
            self.operation(
                f"publish.{_key(topic)}",
                "send",
                ch,
                msgs,
                summary=f"{svc} publishes {topic}",
            )
        for topic in sorted(CONSUMES.get(svc, ())):
            msgs = self.messages_of(topic, accepted=True)
            producers = ", ".join(PRODUCERS.get(topic, ()))
            ch = self.channel(topic, msgs, f"Published by {producers}")
            if topic == AUDIT_ANCHORS:
                self.operation(
                    f"read.{_key(topic)}",
                    "receive",
                    ch,
                    msgs,
                    summary="verify-audit reads every anchor back (no consumer group)",
                )
                continue
            group = svc
            self.operation(
                f"consume.{_key(topic)}",
                "receive",
                ch,
                msgs,
                summary=f"{svc} consumes {topic} in batches",
                description=(
                    f"One Kafka consumer (group `{group}`) reads all of {svc}'s topics, a poll "
                    f"at a time (at most {MAX_BATCH} records). A record counts only when a "
                    f"service allowed to produce the topic signed it. Older versions are "
                    f"upgraded to the newest before the handler runs. Each event is handled "
                    f"once per `{group}:{topic}` (event_id), offsets are committed after the "
                    f"batch's transaction. A record that fails {MAX_ATTEMPTS} times or cannot be "
                    f"parsed goes to `{dead_letter(topic)}`; a database fault leaves it for "
                    f"redelivery."
                ),
                bindings={
                    "kafka": {
                        "groupId": {"type": "string", "enum": [group]},
                        "bindingVersion": "0.5.0",
                    }
                },
                **{"x-peluit-batch": {"maxRecords": MAX_BATCH, "maxAttempts": MAX_ATTEMPTS}},
            )
            dlq = self.dead_letter_channel(topic, msgs)
            self.operation(
                f"dead-letter.{_key(topic)}",
                "send",
                dlq,
                [f"{m}.dead-letter" for m in msgs],
                summary=f"{svc} dead-letters poison {topic} records",
            )
        return {
            "asyncapi": ASYNCAPI_VERSION,
            "info": {
                "title": f"Peluit {svc} events",
                "version": "1",
                "description": (
                    f"Kafka topics {svc} publishes and consumes. Generated from the event "
                    "models by `./peluit asyncapi`; do not edit by hand."
                ),
            },
            "defaultContentType": "application/json",
            "servers": {
                "kafka": {
                    "host": "127.0.0.1:29092",
                    "protocol": "kafka",
                    "description": "PELUIT_KAFKA_BOOTSTRAP (SASL SCRAM-SHA-512, one user per "
                    "service; ACLs let each write only the topics it produces)",
                    "security": [{"$ref": "#/components/securitySchemes/scram"}],
                }
            },
            "channels": dict(sorted(self.channels.items())),
            "operations": dict(sorted(self.operations.items())),
            "components": {
                "securitySchemes": {
                    "scram": {
                        "type": "scramSha512",
                        "description": f"Kafka user `{svc}` (PELUIT_KAFKA_PASSWORD_{svc.upper()})",
                    }
                },
                "messages": dict(sorted(self.messages.items())),
                "schemas": dict(sorted(self.schemas.items())),
            },
        }

    def dead_letter_channel(self, topic: str, messages: list[str]) -> str:
        dlq_headers = {
            "type": "object",
            "description": "The original headers prefixed `dlq_`, and why and where from",
            "required": list(_DLQ_FIELDS),
            "properties": {
                **{name: {"type": "string"} for name in _DLQ_FIELDS},
                "dlq_source_topic": {"type": "string", "const": topic},
                **{f"dlq_{name}": {"type": "string"} for name in SIGNATURE_HEADERS},
            },
            "additionalProperties": False,
        }
        names = []
        for m in messages:
            name = f"{m}.dead-letter"
            names.append(name)
            self.messages[name] = {
                "name": name,
                "title": f"{m} as it came, dead-lettered",
                "summary": "The record's value unchanged (it may not parse at all)",
                "headers": dlq_headers,
                "payload": self.messages[m]["payload"],
            }
        key = _key(dead_letter(topic))
        self.channels[key] = {
            "address": dead_letter(topic),
            "description": f"Poison records of {topic}, for operators (one partition)",
            "messages": {n: {"$ref": f"#/components/messages/{n}"} for n in names},
        }
        return key


def document(service: str) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of `service`'s events."""
    return _Builder(service).build()


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def path_of(service: str, directory: Path = DOCS_DIR) -> Path:
    return directory / f"{service}.json"


def stale(directory: Path = DOCS_DIR) -> list[str]:
    """The services whose committed document differs from what the code generates."""
    out = []
    for svc in SERVICES:
        p = path_of(svc, directory)
        if not p.exists() or p.read_text(encoding="utf-8") != render(document(svc)):
            out.append(svc)
    return out


def write_all(directory: Path = DOCS_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for svc in SERVICES:
        p = path_of(svc, directory)
        p.write_text(render(document(svc)), encoding="utf-8")
        written.append(p)
    return written


if __name__ == "__main__":
    if "--check" in sys.argv[1:]:
        bad = stale()
        if bad:
            print(f"[peluit] AsyncAPI out of date for: {', '.join(bad)}; run ./peluit asyncapi")
            sys.exit(1)
        print("[peluit] AsyncAPI documents match the code")
    else:
        for p in write_all():
            print(f"[peluit] wrote {p}")
