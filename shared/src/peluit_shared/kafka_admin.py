"""Kafka identities: the services' SCRAM users and the ACLs that bind each to its own topics.

aiokafka's admin client has no calls for ACLs or SCRAM users, so this module sends the Kafka
protocol requests itself, built from aiokafka's own protocol types:
- AlterUserScramCredentials v0 (KIP-554): the client sends a random salt, the iteration count and
  the salted password (PBKDF2-HMAC of the password, RFC 5802 `Hi`, hashlib); the password never
  travels and never appears on a command line;
- CreateAcls / DescribeAcls / DeleteAcls v1: `sync_acls` makes the ACLs of the service users
  exactly the wanted set (creating is idempotent; ACLs no longer wanted are removed).

The wanted set (`service_acls`) is derived from `topics.PRODUCERS` / `topics.CONSUMES`:
each service may WRITE the topics it produces and the dead-letter topics of what it consumes,
READ what it consumes, and READ its own consumer groups (names starting with the service's).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.admin import (
    CreateAclsRequest_v1,
    DeleteAclsRequest_v1,
    DescribeAclsRequest_v1,
)
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import (
    CompactArray,
    CompactBytes,
    CompactString,
    Int8,
    Int16,
    Int32,
    Schema,
    TaggedFields,
)

from peluit_shared.topics import CONSUMES, SERVICES, dead_letter, produces

# Kafka's enum codes (org.apache.kafka.common.resource / acl).
RESOURCE_ANY, RESOURCE_TOPIC, RESOURCE_GROUP = 1, 2, 3
PATTERN_ANY, PATTERN_LITERAL, PATTERN_PREFIXED = 1, 3, 4
OP_ANY, OP_READ, OP_WRITE = 1, 3, 4
PERMISSION_ANY, PERMISSION_ALLOW = 1, 3
SCRAM_SHA_256, SCRAM_SHA_512 = 1, 2
SCRAM_ITERATIONS = 8192


class KafkaAdminError(RuntimeError):
    """The broker refused an ACL or user change."""


@dataclass(frozen=True, order=True)
class Acl:
    """One ALLOW binding: principal may `operation` on a resource (any host)."""

    resource_type: int
    resource_name: str
    pattern_type: int
    principal: str
    operation: int

    def as_tuple(self) -> tuple[int, str, int, str, str, int, int]:
        return (
            self.resource_type,
            self.resource_name,
            self.pattern_type,
            self.principal,
            "*",
            self.operation,
            PERMISSION_ALLOW,
        )


def service_acls(services: tuple[str, ...] = SERVICES) -> set[Acl]:
    """The ACLs of every service user: its own topics, what it reads, its consumer groups."""
    acls: set[Acl] = set()
    for svc in services:
        principal = f"User:{svc}"
        consumed = CONSUMES.get(svc, ())
        writes = set(produces(svc)) | {dead_letter(t) for t in consumed}
        for topic in writes:
            acls.add(Acl(RESOURCE_TOPIC, topic, PATTERN_LITERAL, principal, OP_WRITE))
        for topic in consumed:
            acls.add(Acl(RESOURCE_TOPIC, topic, PATTERN_LITERAL, principal, OP_READ))
        if consumed:
            acls.add(Acl(RESOURCE_GROUP, svc, PATTERN_PREFIXED, principal, OP_READ))
    return acls


# ------------------------------------------------------------- SCRAM users ---
class AlterUserScramCredentialsResponse_v0(Response):  # type: ignore[misc]
    API_KEY = 51
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        (
            "results",
            CompactArray(
                ("user_name", CompactString("utf-8")),
                ("error_code", Int16),
                ("error_message", CompactString("utf-8")),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class AlterUserScramCredentialsRequest_v0(RequestStruct):  # type: ignore[misc]
    FLEXIBLE_VERSION = True
    API_KEY = 51
    API_VERSION = 0
    RESPONSE_TYPE = AlterUserScramCredentialsResponse_v0
    SCHEMA = Schema(
        (
            "deletions",
            CompactArray(
                ("name", CompactString("utf-8")),
                ("mechanism", Int8),
                ("tags", TaggedFields),
            ),
        ),
        (
            "upsertions",
            CompactArray(
                ("name", CompactString("utf-8")),
                ("mechanism", Int8),
                ("iterations", Int32),
                ("salt", CompactBytes),
                ("salted_password", CompactBytes),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class AlterUserScramCredentialsRequest(Request[AlterUserScramCredentialsRequest_v0]):  # type: ignore[misc]
    API_KEY = 51

    def __init__(self, upsertions: list[tuple[str, int, int, bytes, bytes, dict[int, bytes]]]):
        self._upsertions = upsertions

    def build(
        self, request_struct_class: type[AlterUserScramCredentialsRequest_v0]
    ) -> AlterUserScramCredentialsRequest_v0:
        return request_struct_class([], self._upsertions, {})


def salted_password(password: str, salt: bytes, iterations: int, mechanism: int) -> bytes:
    """RFC 5802 `Hi(password, salt, i)`: PBKDF2 with HMAC of the mechanism's hash."""
    digest = "sha512" if mechanism == SCRAM_SHA_512 else "sha256"
    return hashlib.pbkdf2_hmac(digest, password.encode("utf-8"), salt, iterations)


async def upsert_scram_users(
    admin: AIOKafkaAdminClient,
    users: dict[str, str],
    mechanism: int = SCRAM_SHA_512,
    iterations: int = SCRAM_ITERATIONS,
) -> None:
    """Set (create or replace) the SCRAM credential of each user to the given password."""
    if not users:
        return
    upsertions: list[tuple[str, int, int, bytes, bytes, dict[int, bytes]]] = []
    for name, password in sorted(users.items()):
        if not password:
            raise KafkaAdminError(f"no password for Kafka user {name!r}")
        salt = os.urandom(32)
        salted = salted_password(password, salt, iterations, mechanism)
        upsertions.append((name, mechanism, iterations, salt, salted, {}))
    response: Any = await admin._send_request(AlterUserScramCredentialsRequest(upsertions))
    errors = [
        f"{name}: {message or code}" for name, code, message, _ in response.results if code != 0
    ]
    if errors:
        raise KafkaAdminError("SCRAM users refused: " + "; ".join(errors))


# ------------------------------------------------------------------- ACLs ---
class _CreateAcls(Request[CreateAclsRequest_v1]):  # type: ignore[misc]
    API_KEY = 30

    def __init__(self, acls: list[Acl]):
        self._acls = acls

    def build(self, request_struct_class: type[CreateAclsRequest_v1]) -> CreateAclsRequest_v1:
        return request_struct_class([a.as_tuple() for a in self._acls])


class _DescribeAcls(Request[DescribeAclsRequest_v1]):  # type: ignore[misc]
    API_KEY = 29

    def build(self, request_struct_class: type[DescribeAclsRequest_v1]) -> DescribeAclsRequest_v1:
        return request_struct_class(
            RESOURCE_ANY, None, PATTERN_ANY, None, None, OP_ANY, PERMISSION_ANY
        )


class _DeleteAcls(Request[DeleteAclsRequest_v1]):  # type: ignore[misc]
    API_KEY = 31

    def __init__(self, acls: list[Acl]):
        self._acls = acls

    def build(self, request_struct_class: type[DeleteAclsRequest_v1]) -> DeleteAclsRequest_v1:
        return request_struct_class([a.as_tuple() for a in self._acls])


async def current_acls(admin: AIOKafkaAdminClient) -> set[Acl]:
    """Every ALLOW ACL on the cluster (any host)."""
    response: Any = await admin._send_request(_DescribeAcls())
    if response.error_code:
        raise KafkaAdminError(f"describe ACLs: {response.error_message or response.error_code}")
    found: set[Acl] = set()
    for rtype, rname, ptype, acls in response.resources:
        for principal, host, operation, permission in acls:
            if host == "*" and permission == PERMISSION_ALLOW:
                found.add(Acl(rtype, rname, ptype, principal, operation))
    return found


async def sync_acls(admin: AIOKafkaAdminClient, wanted: set[Acl]) -> tuple[int, int]:
    """Make the service users' ACLs exactly `wanted`; returns (created, removed)."""
    have = await current_acls(admin)
    ours = {f"User:{s}" for s in SERVICES} | {a.principal for a in wanted}
    missing = sorted(wanted - have)
    stale = sorted(a for a in have - wanted if a.principal in ours)
    if missing:
        created: Any = await admin._send_request(_CreateAcls(missing))
        errors = [msg or str(code) for code, msg in created.creation_responses if code]
        if errors:
            raise KafkaAdminError("create ACLs: " + "; ".join(errors))
    if stale:
        deleted: Any = await admin._send_request(_DeleteAcls(stale))
        errors = [msg or str(code) for code, msg, _ in deleted.filter_responses if code]
        if errors:
            raise KafkaAdminError("delete ACLs: " + "; ".join(errors))
    return len(missing), len(stale)
