"""Schemathesis hooks of the four-service fuzz test (loaded through SCHEMATHESIS_HOOKS).

- Authentication: each operation gets the token of the first scheme it declares that the test
  handed over (PELUIT_FUZZ_TOKENS, JSON {scheme: "Authorization" value}); one call in ten goes
  without, so the 401 answers are exercised too.
- Hostile values: beside what Schemathesis generates, string leaves get NUL and other control
  characters, integer leaves 2^70 and -2^70, and one body in five is replaced by invalid UTF-8,
  deeply nested JSON or a huge number.
- Path parameters named in PELUIT_FUZZ_PATHS (JSON {name: value}) are mostly set to a value
  the token is valid for, so the handlers behind the grant checks are reached.
- Every call's status is appended to PELUIT_FUZZ_LOG (one line: status and operation).
"""

from __future__ import annotations

import json
import os
import random
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis.core import NotSet

TOKENS: dict[str, str] = json.loads(os.environ.get("PELUIT_FUZZ_TOKENS", "{}"))
PATHS: dict[str, str] = json.loads(os.environ.get("PELUIT_FUZZ_PATHS", "{}"))
LOG = os.environ.get("PELUIT_FUZZ_LOG", "")

NASTY_STRINGS = ["a\x00b", "\x00", "x\x1by", "\x7f"]
NASTY_NUMBERS = [2**70, -(2**70), 10**400, 2**63, -(2**63) - 1]
NASTY_BODIES = [
    b'{"text": "\xff\xfe invalid utf-8"}',
    b"\xc3\x28",
    b"[" * 5000 + b"]" * 5000,
    b'{"a":' * 200 + b"1" + b"}" * 200,
    b"1" + b"0" * 400,
    b'{"n": 1e999999}',
]


def _mutate(value: Any, rnd: random.Random) -> Any:
    if isinstance(value, dict):
        return {k: _mutate(v, rnd) for k, v in value.items()}
    if isinstance(value, list):
        return [_mutate(v, rnd) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str) and rnd.random() < 0.5:
        return value[: len(value) // 2] + rnd.choice(NASTY_STRINGS) + value[len(value) // 2 :]
    if isinstance(value, int) and rnd.random() < 0.5:
        return rnd.choice(NASTY_NUMBERS[:2])
    return value


@schemathesis.hook
def flatmap_body(ctx: Any, body: Any) -> Any:
    return st.randoms(use_true_random=False).map(
        lambda rnd: _mutate(body, rnd) if rnd.random() < 0.3 else body
    )


@schemathesis.hook
def flatmap_query(ctx: Any, query: Any) -> Any:
    if not query:
        return st.just(query)
    return st.randoms(use_true_random=False).map(
        lambda rnd: _mutate(query, rnd) if rnd.random() < 0.3 else query
    )


def _schemes(case: Any) -> list[str]:
    raw = case.operation.definition.raw
    requirements = raw.get("security")
    if requirements is None:
        requirements = case.operation.schema.raw_schema.get("security", [])
    return [name for req in requirements for name in req]


@schemathesis.hook
def before_call(ctx: Any, case: Any, kwargs: dict[str, Any]) -> None:
    rnd = random.Random()
    scheme = next((s for s in _schemes(case) if s in TOKENS), None)
    headers = dict(case.headers or {})
    if scheme is not None and rnd.random() < 0.9:
        headers["Authorization"] = TOKENS[scheme]
    case.headers = headers
    if case.path_parameters:
        case.path_parameters = {
            name: (PATHS[name] if name in PATHS and rnd.random() < 0.8 else value)
            for name, value in case.path_parameters.items()
        }
    if not isinstance(case.body, NotSet) and case.body is not None and rnd.random() < 0.2:
        kwargs["data"] = rnd.choice(NASTY_BODIES)


@schemathesis.hook
def after_call(ctx: Any, case: Any, response: Any) -> None:
    if LOG:
        with open(LOG, "a", encoding="utf-8") as out:
            out.write(f"{response.status_code} {case.operation.label} {response.content[:150]!r}\n")
