"""Event schemas cannot change without a version bump; every event has a topic."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

import pytest

from peluit_shared.contracts import contract_path, drift, freeze_new, render, schema_of
from peluit_shared.events import ALL_EVENTS, Event, ReportSubmitted
from peluit_shared.events.base import Payload
from peluit_shared.topics import ALL_TOPICS, dead_letter


@pytest.mark.parametrize("event", ALL_EVENTS, ids=lambda e: e.__name__)
def test_event_schema_matches_its_frozen_contract(event: type[Event]) -> None:
    assert drift(event) is None, drift(event)


def test_a_changed_schema_with_the_same_version_is_caught(tmp_path: Path) -> None:
    contract_path(ReportSubmitted, tmp_path).write_text(render(schema_of(ReportSubmitted)))

    class ChangedPayload(Payload):
        report_id: str
        extra_field: int

    class ReportSubmittedChanged(Event):
        TOPIC: ClassVar[str] = "report.submitted"
        type: Literal["report.submitted"] = "report.submitted"
        version: Literal[3] = 3
        payload: ChangedPayload

    assert drift(ReportSubmitted, tmp_path) is None
    assert "version did not" in (drift(ReportSubmittedChanged, tmp_path) or "")


def test_freezing_never_rewrites_an_existing_contract(tmp_path: Path) -> None:
    first = freeze_new(tmp_path)
    assert first
    frozen = first[0]
    frozen.write_text("edited by hand\n")
    assert freeze_new(tmp_path) == []
    assert frozen.read_text() == "edited by hand\n"


def test_every_event_type_and_version_is_unique_and_has_topics() -> None:
    keys = [(e.model_fields["type"].default, e.model_fields["version"].default) for e in ALL_EVENTS]
    assert len(keys) == len(set(keys))
    topic_names = {t.name for t in ALL_TOPICS}
    for event in ALL_EVENTS:
        assert event.TOPIC in topic_names
        assert dead_letter(event.TOPIC) in topic_names
