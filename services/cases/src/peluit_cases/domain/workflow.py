"""The workflow as data: which status may follow which, for which roles, with what proof.

The default table follows ARCHITECTURE §3; a JSON file (`PELUIT_CASES_WORKFLOW_FILE`) may
replace it: `{"transitions": [{"from": "received", "to": "verifying",
"roles": ["coordinator", "handler"], "reason_required": false}, ...]}`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from peluit_cases.domain.case import Status
from peluit_cases.domain.staff import Role

S = Status
ENDINGS = frozenset({S.NOT_ACTIONABLE, S.CONCLUDED})
OUTCOMES = ("proven", "not_proven")
OUTCOME_LABELS = {"proven": ("Terbukti", "Proven"), "not_proven": ("Tidak terbukti", "Not proven")}

# What the reporter sees for each status (contract of case.status_changed).
PUBLIC_STATUS: dict[Status, str | None] = {
    S.RECEIVED: "received",
    S.VERIFYING: "in_process",
    S.NEEDS_INFO: "needs_info",
    S.REVIEWING: "in_process",
    S.INVESTIGATING: "followed_up",
    S.REFERRED: "referred",
    S.NOT_ACTIONABLE: "closed",
    S.CONCLUDED: "closed",
    S.ARCHIVED: None,
}


@dataclass(frozen=True)
class Rule:
    source: Status
    target: Status
    roles: frozenset[Role]
    reason_required: bool


@dataclass(frozen=True)
class TransitionTable:
    rules: tuple[Rule, ...]

    def rule(self, source: Status, target: Status) -> Rule | None:
        return next((r for r in self.rules if r.source is source and r.target is target), None)

    def targets(self, source: Status, role: Role | None = None) -> list[Status]:
        return [
            r.target for r in self.rules if r.source is source and (role is None or role in r.roles)
        ]

    def to_json(self) -> str:
        return json.dumps(
            {
                "transitions": [
                    {
                        "from": r.source.value,
                        "to": r.target.value,
                        "roles": sorted(r.roles),
                        "reason_required": r.reason_required,
                    }
                    for r in self.rules
                ]
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> TransitionTable:
        data = json.loads(text)
        rules = tuple(
            Rule(
                S(t["from"]),
                S(t["to"]),
                frozenset(Role(r) for r in t["roles"]),
                bool(t.get("reason_required", S(t["to"]) in ENDINGS)),
            )
            for t in data["transitions"]
        )
        return cls(rules)

    @classmethod
    def load(cls, path: Path | None) -> TransitionTable:
        return cls.from_json(path.read_text(encoding="utf-8")) if path else DEFAULT_TABLE


_WORK = frozenset({Role.COORDINATOR, Role.HANDLER})
_LEAD = frozenset({Role.COORDINATOR})


def _r(source: Status, target: Status, roles: frozenset[Role] = _WORK) -> Rule:
    return Rule(source, target, roles, target in ENDINGS)


DEFAULT_TABLE = TransitionTable(
    (
        _r(S.RECEIVED, S.VERIFYING),
        _r(S.RECEIVED, S.NOT_ACTIONABLE, _LEAD),
        _r(S.VERIFYING, S.NEEDS_INFO),
        _r(S.VERIFYING, S.REVIEWING),
        _r(S.VERIFYING, S.NOT_ACTIONABLE, _LEAD),
        _r(S.NEEDS_INFO, S.VERIFYING),
        _r(S.NEEDS_INFO, S.REVIEWING),
        _r(S.NEEDS_INFO, S.NOT_ACTIONABLE, _LEAD),
        _r(S.REVIEWING, S.NEEDS_INFO),
        _r(S.REVIEWING, S.INVESTIGATING),
        _r(S.REVIEWING, S.REFERRED, _LEAD),
        _r(S.REVIEWING, S.NOT_ACTIONABLE, _LEAD),
        _r(S.INVESTIGATING, S.REFERRED, _LEAD),
        _r(S.INVESTIGATING, S.CONCLUDED, _LEAD),
        _r(S.REFERRED, S.CONCLUDED, _LEAD),
        _r(S.CONCLUDED, S.ARCHIVED, _LEAD),
        _r(S.NOT_ACTIONABLE, S.ARCHIVED, _LEAD),
    )
)
