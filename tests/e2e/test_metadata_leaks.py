"""What someone who reads every Kafka topic, or only the public intake port, learns about reports.

Against the real stack: reports with evidence go in through the portal form and the API, then
every record of every topic (as the Kafka admin) and every page and API answer a reporter meets
on the public port are read back. Neither may give away how many reports came in or in which
order, the hash of an evidence file as it was sent (before its metadata was removed: whoever
holds the original could prove it was sent), or the services' metrics.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import uuid
from typing import Any

import httpx
import pytest

from peluit_shared.topics import ALL_TOPICS
from tests.support.evidence import jpeg_parts
from tests.support.kafka import topic_messages
from tests.support.portal import api_mailbox, api_sign_in, eventually
from tests.support.reports import sample_report, submit, wait_for_case

pytestmark = pytest.mark.stack

NUMBER = re.compile(r"WBS-\d{4}-(\d{6,})")
RECEIPT = re.compile(r"\d{4}-\d{4}-\d{4}-\d{4}-\d{4}")
# Prometheus exposition text: HELP/TYPE lines or one of our metric families.
METRICS = re.compile(r"^# (HELP|TYPE) |peluit_[a-z_]+(\{|\s)|process_resident_memory", re.M)
# Operational paths that belong on the internal ops port only.
OPS_PATHS = ("/metrics", "/metrics/", "/ops/metrics", "/prometheus", "/_metrics", "/ops/v1/health")


class Reporter:
    """A browser without JavaScript: follows the portal's forms, keeps its cookies by hand (they
    are `Secure`, which httpx will not send over the test stack's plain HTTP), and keeps every
    answer it was given."""

    def __init__(self, client: httpx.AsyncClient, seen: list[httpx.Response]) -> None:
        self.client = client
        self.seen = seen
        self.cookies: dict[str, str] = {}

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if self.cookies:
            headers["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        r = await self.client.request(method, path, headers=headers, timeout=120, **kwargs)
        self.seen.append(r)
        for name, value in r.cookies.items():
            if value:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return r

    async def report_with_a_file(self, photo: bytes) -> tuple[str, str]:
        """The form on /report, a photo attached; (report number, receipt) from the receipt page."""
        page = await self.request("GET", "/report")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        token = re.search(r'name="submission" value="([^"]+)"', page.text)
        assert csrf and token, page.text[:500]
        form = {
            "csrf": csrf[1],
            "submission": token[1],
            "people": "1",
            "category": "pungutan_liar",
            "what": "Petugas meminta pungutan liar saat pemeriksaan kapal.",
            "who-0-name": "Terlapor",
            "who-0-position": "Pengawas Perikanan",
            "who-0-unit": "Ditjen PSDKP",
            "where": "Pelabuhan Perikanan Nusantara Pengambengan",
            "when": "Januari 2026",
            "how": "Uang tunai diminta sebelum surat laik operasi diterbitkan",
            "identity_choice": "anonymous",
            "obligations": "on",
        }
        sent = await self.request(
            "POST", "/report", data=form, files={"evidence": ("kapal.jpg", photo, "image/jpeg")}
        )
        assert sent.status_code == 303, sent.text[:500]
        receipt_page = await self.request("GET", sent.headers["location"])
        assert receipt_page.status_code == 200
        number, receipt = NUMBER.search(receipt_page.text), RECEIPT.search(receipt_page.text)
        assert number and receipt, receipt_page.text[:800]
        assert "kapal.jpg" in receipt_page.text  # the file went with the report
        return number[0], receipt[0]

    async def mailbox_with_another_file(self, receipt: str, photo: bytes) -> None:
        page = await self.request("GET", "/mailbox/sign-in")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf
        signed = await self.request(
            "POST", "/mailbox/sign-in", data={"csrf": csrf[1], "receipt": receipt}
        )
        assert signed.status_code == 303, signed.text[:500]
        box = await self.request("GET", "/mailbox")
        assert box.status_code == 200
        csrf = re.search(r'name="csrf" value="([^"]+)"', box.text)
        assert csrf
        added = await self.request(
            "POST",
            "/mailbox/evidence",
            data={"csrf": csrf[1]},
            files={"file": ("dermaga.jpg", photo, "image/jpeg")},
        )
        assert added.status_code == 303, added.text[:500]
        shown = await self.request("GET", added.headers["location"])
        assert "dermaga.jpg" in shown.text
        for path in ("/mailbox?lang=en", "/"):
            await self.request("GET", path)


async def test_topics_and_the_public_port_give_away_no_order_no_original_hash_and_no_metrics(
    intake_client: httpx.AsyncClient, staff_client: httpx.AsyncClient
) -> None:
    seen: list[httpx.Response] = []
    originals: set[str] = set()
    numbers: list[str] = []

    def photo() -> bytes:
        original, stripped = jpeg_parts(uuid.uuid4().hex)
        assert original != stripped  # metadata is removed: the two hashes differ
        originals.add(hashlib.sha256(original).hexdigest())
        return original

    # Two reporters through the form (a file with the report, another from the mailbox)...
    for _ in range(2):
        reporter = Reporter(intake_client, seen)
        number, receipt = await reporter.report_with_a_file(photo())
        numbers.append(number)
        await reporter.mailbox_with_another_file(receipt, photo())
    # ...and five through the API, each adding a file from the mailbox.
    for _ in range(5):
        accepted = await submit(intake_client, sample_report())
        numbers.append(accepted["report_number"])
        token = await api_sign_in(intake_client, accepted["receipt"])
        auth = {"authorization": f"Bearer {token}"}
        seen.append(
            added := await intake_client.post(
                "/api/v1/mailbox/evidence",
                content=photo(),
                headers={**auth, "x-filename": "foto.jpg", "content-type": "image/jpeg"},
            )
        )
        assert added.status_code == 201, added.text
        seen.append(await intake_client.get("/api/v1/mailbox", headers=auth))
        seen.append(await intake_client.post("/api/v1/mailbox/evidence-grant", headers=auth))
        assert (await api_mailbox(intake_client, token))["evidence"]
    # Every other page, asset and document the public port serves, and its error answers.
    for path in (
        "/",
        "/?lang=en",
        "/report?lang=en",
        "/report/receipt",
        "/mailbox/sign-in?lang=en",
        "/static/portal.css",
        "/static/portal.js",
        "/schema",
        "/schema/openapi.json",
        "/health/live",
        "/health/ready",
        "/no-such-page",
        *OPS_PATHS,
    ):
        seen.append(await intake_client.get(path))
    seen.append(await intake_client.post("/api/v1/mailbox/session", json={"receipt": "1" * 20}))
    seen.append(await intake_client.post("/api/v1/reports", content=b"{"))
    for number in numbers:
        await wait_for_case(staff_client, number, timeout=60)

    # 1. Report numbers: neither a run nor an order, so they reveal no volume.
    values = [int(NUMBER.fullmatch(n)[1]) for n in numbers]  # type: ignore[index]
    assert len(set(values)) == len(values)
    assert max(values) - min(values) > 10 * len(values), values  # not a block of neighbours
    steps = [b - a for a, b in itertools.pairwise(values)]
    assert not all(s > 0 for s in steps) and not all(s < 0 for s in steps), values

    # 2. Every file reached its case through evidence.stored (so what follows is about them)...
    async def published() -> int | None:
        count = await _files_on_cases(staff_client, numbers)
        return count if count >= len(originals) else None

    await eventually(published, timeout=60)
    # ...and no topic carries the original's hash, under that name or as a value.
    read = 0
    for topic in ALL_TOPICS:
        for record in await topic_messages(topic.name, 5000):
            read += 1
            blob = (record.value or b"") + b"".join(v for _, v in record.headers)
            assert b"original_sha256" not in blob, topic.name
            assert not any(h.encode() in blob for h in originals), topic.name
    assert read > 3 * len(numbers)  # the topics really were read

    # 3. The public port: no original hash, no metrics, and the ops paths do not exist there.
    for r in seen:
        text = r.text
        assert "original_sha256" not in text, r.request.url
        assert not any(h in text for h in originals), r.request.url
        if r.request.url.path not in ("/static/portal.css", "/static/portal.js"):
            assert not METRICS.search(text), r.request.url
    for r in seen:
        if r.request.url.path in OPS_PATHS:
            assert r.status_code == 404, r.request.url
    assert len(seen) > 40


async def _files_on_cases(staff: httpx.AsyncClient, numbers: list[str]) -> int:
    """How many files the team sees on the cases of `numbers` (each came by evidence.stored)."""
    total = 0
    for number in numbers:
        case = await wait_for_case(staff, number, timeout=60)
        detail = await staff.get(f"/api/v1/cases/{case[0]['id']}")
        total += len(detail.json()["evidence"])
    return total
