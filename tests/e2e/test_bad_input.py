"""Bad input gets a clear 4xx problem naming the field, never a 500, and nothing half-written."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.reports import sample_report
from tests.support.stack import service_dsn

pytestmark = pytest.mark.stack


@pytest.fixture
async def intake_db(services: object) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(service_dsn("intake"))
    yield conn
    await conn.close()


async def counts(db: asyncpg.Connection) -> tuple[int, int]:
    return (
        await db.fetchval("SELECT count(*) FROM reports"),
        await db.fetchval("SELECT count(*) FROM outbox"),
    )


def fields(problem: dict[str, Any]) -> set[str]:
    return {e["field"] for e in problem["errors"]}


async def post_raw(
    client: httpx.AsyncClient, body: bytes, content_type: str = "application/json"
) -> httpx.Response:
    return await client.post(
        "/api/v1/reports", content=body, headers={"content-type": content_type}
    )


async def test_malformed_json_is_a_400_naming_the_body(
    intake_client: httpx.AsyncClient, intake_db: asyncpg.Connection
) -> None:
    before = await counts(intake_db)
    r = await post_raw(intake_client, b'{"category": "korupsi", "what": ')
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    assert fields(r.json()) == {"body"}
    assert r.json()["errors"][0]["message"].startswith("JSON tidak valid")
    assert await counts(intake_db) == before


async def test_missing_unknown_and_mistyped_fields_are_named_in_both_languages(
    intake_client: httpx.AsyncClient, intake_db: asyncpg.Connection
) -> None:
    before = await counts(intake_db)
    report = sample_report(estimated_loss="banyak", nickname="x")
    del report["where"]
    r = await intake_client.post("/api/v1/reports", json=report)
    assert r.status_code == 422
    problem = r.json()
    assert {"where", "estimated_loss", "nickname"} <= fields(problem)
    where = next(e for e in problem["errors"] if e["field"] == "where")
    assert where["message"] == "Wajib diisi" and where["message_en"] == "Field required"
    assert await counts(intake_db) == before


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"null", b"42"])
async def test_json_that_is_not_an_object_is_refused(
    intake_client: httpx.AsyncClient, body: bytes
) -> None:
    r = await post_raw(intake_client, body)
    assert 400 <= r.status_code < 500


async def test_an_oversize_body_is_a_413(
    intake_client: httpx.AsyncClient, intake_db: asyncpg.Connection
) -> None:
    before = await counts(intake_db)
    huge = sample_report(what="x" * (600 * 1024))
    r = await intake_client.post("/api/v1/reports", json=huge)
    assert r.status_code == 413
    assert r.json()["title"] == "Data terlalu besar"
    assert await counts(intake_db) == before


async def test_an_oversize_field_is_a_field_error(intake_client: httpx.AsyncClient) -> None:
    r = await intake_client.post("/api/v1/reports", json=sample_report(how="x" * 20_001))
    assert r.status_code == 422
    assert fields(r.json()) == {"how"}


async def test_wrong_content_type_and_method_are_4xx(intake_client: httpx.AsyncClient) -> None:
    r = await post_raw(intake_client, b"category=korupsi", "text/plain")
    assert 400 <= r.status_code < 500
    assert (await intake_client.put("/api/v1/reports", json={})).status_code == 405
    assert (await intake_client.get("/api/v1/nothing")).status_code == 404
