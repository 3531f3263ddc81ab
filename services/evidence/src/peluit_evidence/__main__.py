"""`peluit-evidence serve | migrate`."""

from __future__ import annotations

import argparse
import asyncio

from peluit_evidence.bootstrap import build
from peluit_evidence.settings import EvidenceSettings
from peluit_shared.runtime import serve


def main() -> None:
    parser = argparse.ArgumentParser(prog="peluit-evidence")
    parser.add_argument("command", choices=["serve", "migrate"], nargs="?", default="serve")
    args = parser.parse_args()
    settings = EvidenceSettings()
    app, runtime = build(settings)
    if args.command == "migrate":
        print(f"[peluit-evidence] applied: {asyncio.run(runtime.migrate()) or 'nothing'}")
        return
    serve(app, settings)


if __name__ == "__main__":
    main()
