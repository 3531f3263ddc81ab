"""Event contracts frozen as JSON Schema files, one per event type and version.

A schema may only change together with its version: `python -m peluit_shared.contracts` writes
the files of new versions and never rewrites an existing one, and the contract test fails when
an event's schema differs from its frozen file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from peluit_shared.events import ALL_EVENTS, Event

CONTRACTS_DIR = Path(__file__).resolve().parents[2] / "contracts"


def schema_of(event: type[Event]) -> dict[str, Any]:
    return event.model_json_schema(mode="serialization")


def contract_path(event: type[Event], directory: Path = CONTRACTS_DIR) -> Path:
    type_name = event.model_fields["type"].default
    version = event.model_fields["version"].default
    return directory / f"{type_name}.v{version}.json"


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def drift(event: type[Event], directory: Path = CONTRACTS_DIR) -> str | None:
    """Why `event` no longer matches its frozen contract, or None when it does."""
    path = contract_path(event, directory)
    if not path.exists():
        return f"{path.name} is missing: run `python -m peluit_shared.contracts`"
    if path.read_text(encoding="utf-8") != render(schema_of(event)):
        return (
            f"{event.__name__} changed but its version did not: bump `version` and freeze "
            f"the new schema (never edit {path.name})"
        )
    return None


def freeze_new(directory: Path = CONTRACTS_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for event in ALL_EVENTS:
        path = contract_path(event, directory)
        if not path.exists():
            path.write_text(render(schema_of(event)), encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    for p in freeze_new():
        print(f"[peluit] froze {p.name}")
