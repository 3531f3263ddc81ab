"""`peluit-intake serve | migrate`."""

from __future__ import annotations

import argparse
import asyncio

from peluit_intake.bootstrap import build
from peluit_intake.settings import IntakeSettings
from peluit_shared.runtime import serve


def main() -> None:
    parser = argparse.ArgumentParser(prog="peluit-intake")
    parser.add_argument("command", choices=["serve", "migrate"], nargs="?", default="serve")
    args = parser.parse_args()
    settings = IntakeSettings()
    app, intake = build(settings)
    if args.command == "migrate":
        applied = asyncio.run(intake.runtime.migrate())
        print(f"[peluit-intake] applied: {applied or 'nothing'}")
        return
    serve(app, settings)


if __name__ == "__main__":
    main()
