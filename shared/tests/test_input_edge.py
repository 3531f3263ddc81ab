"""The shared input edge: every body and parameter is checked before a handler sees it."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
import pytest
from litestar import Litestar, Request, get, post
from litestar.testing import AsyncTestClient
from pydantic import BaseModel

from peluit_shared.http import EXCEPTION_HANDLERS, input_edge, security_headers

SEEN: list[Any] = []


class Note(BaseModel):
    text: str
    count: int = 0
    tags: list[str] = []


@post("/notes", status_code=201)
async def add_note(data: Note) -> dict[str, str]:
    SEEN.append(data)
    return {"ok": "yes"}


@get("/notes/{note_id:int}")
async def one_note(note_id: int) -> dict[str, int]:
    SEEN.append(note_id)
    return {"id": note_id}


@get("/notes")
async def list_notes(before: int | None = None, q: str = "") -> dict[str, Any]:
    SEEN.append((before, q))
    return {"before": before, "q": q}


@post("/form", status_code=200)
async def form(request: Request[Any, Any, Any]) -> dict[str, Any]:
    data = await request.form()
    SEEN.append(dict(data))
    return {"ok": True}


@post("/own-size-form", opt={"form_fields": True, "own_size_page": True}, status_code=200)
async def own_size_form(request: Request[Any, Any, Any]) -> str:
    declared = request.headers.get("content-length", "")
    if not declared.isdigit() or int(declared) > 64 * 1024:
        return "Formulir ini terlalu besar"  # the route's own words, body unread
    data = await request.form()
    SEEN.append(dict(data))
    return "ok"


@post("/upload", opt={"raw_body": True}, status_code=201)
async def upload(request: Request[Any, Any, Any]) -> dict[str, int]:
    body = await request.body()
    SEEN.append(body)
    return {"size": len(body)}


@post("/db-down-form")
async def db_down_form(request: Request[Any, Any, Any]) -> None:
    raise asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already")


@get("/db-down")
async def db_down() -> None:
    raise asyncpg.exceptions.CannotConnectNowError("the database system is starting up")


@get("/pool-closing")
async def pool_closing() -> None:
    try:
        raise ConnectionRefusedError(111, "refused")
    except OSError as exc:
        raise RuntimeError("wrapped") from exc


@get("/out-of-range-in-sql")
async def sql_refuses() -> None:
    raise asyncpg.DataError("invalid input for query argument $1 (value out of int32 range)")


@get("/bug")
async def bug() -> None:
    raise KeyError("a bug")


def app() -> Litestar:
    return Litestar(
        route_handlers=[
            add_note,
            one_note,
            list_notes,
            form,
            own_size_form,
            upload,
            db_down,
            db_down_form,
            pool_closing,
            sql_refuses,
            bug,
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[security_headers(), input_edge()],
        request_max_body_size=64 * 1024,
    )


@pytest.fixture
async def client() -> Any:
    SEEN.clear()
    async with AsyncTestClient(app=app()) as c:
        yield c


def fields(r: Any) -> set[str]:
    return {e["field"] for e in r.json()["errors"]}


def assert_bilingual(r: Any) -> None:
    body = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert body["request_id"] == r.headers["x-request-id"]
    assert len(body["request_id"]) == 16
    for e in body.get("errors", []):
        assert e["message"] and e["message_en"] and e["message"] != e["message_en"]


async def post_json(client: Any, body: bytes, path: str = "/notes") -> Any:
    return await client.post(path, content=body, headers={"content-type": "application/json"})


async def test_good_json_reaches_the_handler(client: Any) -> None:
    r = await post_json(client, b'{"text": "baris satu\\nbaris dua\\ttab", "count": 3}')
    assert r.status_code == 201
    assert SEEN and SEEN[0].count == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"text": "a\\u0000b"}', "text"),
        (b'{"text": "bell\\u0007"}', "text"),
        (b'{"text": "ok", "tags": ["x", "\\u001b[31m"]}', "tags.1"),
        (b'{"text": "lone \\ud800 surrogate"}', "text"),
        (b'{"text": "del\\u007f"}', "text"),
    ],
)
async def test_control_characters_in_json_are_a_422_naming_the_field(
    client: Any, body: bytes, field: str
) -> None:
    r = await post_json(client, body)
    assert r.status_code == 422, r.text
    assert fields(r) == {field}
    assert_bilingual(r)
    assert SEEN == []


async def test_invalid_utf8_json_is_a_400(client: Any) -> None:
    r = await post_json(client, b'{"text": "\xff\xfe caf\xc3"}')
    assert r.status_code == 400
    assert fields(r) == {"body"}
    assert_bilingual(r)
    assert SEEN == []


@pytest.mark.parametrize("depth", [33, 5000, 100_000])
async def test_deep_json_is_a_400(client: Any, depth: int) -> None:
    body = b'{"text": "x", "tags": ' + b"[" * depth + b"]" * depth + b"}"
    if len(body) > 64 * 1024:
        body = b"[" * depth  # beyond the size limit the answer is 413
        r = await post_json(client, body)
        assert r.status_code == 413
        return
    r = await post_json(client, body)
    assert r.status_code == 400
    assert "JSON" in r.json()["errors"][0]["message_en"]
    assert SEEN == []


async def test_brackets_inside_strings_do_not_count_as_depth(client: Any) -> None:
    r = await post_json(client, json.dumps({"text": "[" * 200 + "{" * 200}).encode())
    assert r.status_code == 201


async def test_oversize_json_is_a_413_before_the_handler(client: Any) -> None:
    r = await post_json(client, json.dumps({"text": "x" * 70_000}).encode())
    assert r.status_code == 413
    assert SEEN == []


async def test_huge_integers_in_json_are_a_422(client: Any) -> None:
    r = await post_json(client, b'{"text": "x", "count": 1180591620717411303424}')
    assert r.status_code == 422
    assert fields(r) == {"count"}


async def test_a_thousand_digit_integer_is_a_400_not_a_500(client: Any) -> None:
    r = await post_json(client, b'{"text": "x", "count": ' + b"9" * 5000 + b"}")
    assert r.status_code == 400


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", "application/octet-stream", "image/png"]
)
async def test_unknown_content_types_are_a_415(client: Any, content_type: str) -> None:
    r = await client.post(
        "/notes", content=b'{"text": "x"}', headers={"content-type": content_type}
    )
    assert r.status_code == 415
    assert fields(r) == {"content-type"}
    assert SEEN == []


async def test_a_raw_body_route_takes_any_bytes(client: Any) -> None:
    r = await client.post(
        "/upload", content=b"\x00\xff" * 10, headers={"content-type": "image/png"}
    )
    assert r.status_code == 201
    assert SEEN == [b"\x00\xff" * 10]


async def test_integer_parameters_outside_64_bits_are_a_422(client: Any) -> None:
    r = await client.get("/notes", params={"before": str(2**70)})
    assert r.status_code == 422
    assert fields(r) == {"before"}
    r = await client.get(f"/notes/{2**70}")
    assert r.status_code == 422
    assert fields(r) == {"note_id"}
    r = await client.get("/notes", params={"before": str(2**63 - 1)})
    assert r.status_code == 200
    # A long run of digits in a text parameter is text (a NIK, an account number).
    r = await client.get("/notes", params={"q": "9" * 30})
    assert r.status_code == 200


async def test_control_characters_in_query_and_path_are_a_422(client: Any) -> None:
    r = await client.get("/notes?q=a%00b")
    assert r.status_code == 422
    assert fields(r) == {"q"}
    r = await client.get("/notes?q=line%0Abreak")
    assert r.status_code == 422
    r = await client.get("/notes/%00")
    assert r.status_code in (400, 404, 422)
    assert SEEN == []


async def test_invalid_utf8_in_query_is_a_400(client: Any) -> None:
    r = await client.get("/notes?q=%ff%fe")
    assert r.status_code == 400
    assert SEEN == []


async def test_forms_follow_the_same_rules_and_answer_html(client: Any) -> None:
    form = {"content-type": "application/x-www-form-urlencoded"}
    r = await client.post("/form", content=b"note=a%00b&ok=fine", headers=form)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/html")
    assert "note" in r.text and "Control characters" in r.text and "Karakter kendali" in r.text
    r = await client.post("/form", content=b"note=%ff", headers=form)
    assert r.status_code == 400
    r = await client.post("/form", content=b"note=baris%0D%0Abaru", headers=form)
    assert r.status_code == 200
    assert SEEN == [{"note": "baris\r\nbaru"}]


async def test_database_away_is_a_503_with_retry_after(client: Any) -> None:
    for path in ("/db-down", "/pool-closing"):
        r = await client.get(path)
        assert r.status_code == 503, path
        assert int(r.headers["retry-after"]) > 0
        assert r.json()["message_en"].startswith("Your request was not processed yet")
        assert_bilingual(r)


async def test_a_value_the_database_refuses_is_a_422(client: Any) -> None:
    r = await client.get("/out-of-range-in-sql")
    assert r.status_code == 422


async def test_a_bug_is_still_a_500_with_a_request_id(client: Any) -> None:
    r = await client.get("/bug")
    assert r.status_code == 500
    assert r.json()["request_id"] == r.headers["x-request-id"]
    # Security headers are kept on answers made by the edge.
    r = await client.post("/notes", content=b"x", headers={"content-type": "text/plain"})
    assert r.headers["x-frame-options"] == "DENY"


async def test_a_peer_service_away_is_a_503(client: Any) -> None:
    import httpx

    from peluit_shared.http import unavailable

    assert unavailable(httpx.ConnectError("refused"))
    assert unavailable(RuntimeError("wrapped").with_traceback(None)) is False


async def test_a_form_post_during_a_fault_shows_what_was_typed_without_secrets(
    client: Any,
) -> None:
    r = await client.post(
        "/db-down-form",
        content=b"note=Catatan+kontak+penting&password=rahasia123&csrf=tok&empty=",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 503
    assert int(r.headers["retry-after"]) > 0
    assert r.headers["content-type"].startswith("text/html")
    assert "Catatan kontak penting" in r.text and "nothing was lost" in r.text
    assert "rahasia123" not in r.text and "tok<" not in r.text


async def test_a_multipart_body_to_a_json_route_is_a_415_not_parsed_as_json(client: Any) -> None:
    # Found by the fuzz test: litestar parsed it as JSON anyway, and invalid UTF-8 was a 500.
    r = await client.post(
        "/notes", content=b"\xff\xfe not json", headers={"content-type": "multipart/form-data"}
    )
    assert r.status_code == 415, r.text
    assert SEEN == []


async def test_an_oversize_form_goes_to_a_route_that_answers_it_with_its_own_page(
    client: Any,
) -> None:
    r = await client.post("/own-size-form", data={"what": "x" * (80 * 1024)})
    assert r.status_code == 200 and r.text == "Formulir ini terlalu besar"
    assert SEEN == []
    # Within the limit, the edge reads and checks it as before.
    r = await client.post("/own-size-form", data={"what": "ok"})
    assert r.text == "ok" and SEEN == [{"what": "ok"}]
    # Other form routes keep the edge's generic 413.
    r = await client.post("/form", data={"what": "x" * (80 * 1024)})
    assert r.status_code == 413
