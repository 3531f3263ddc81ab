"""`peluit-intake serve | migrate | keys ensure`."""

from __future__ import annotations

import argparse
import asyncio

from peluit_intake.bootstrap import build
from peluit_intake.settings import IntakeSettings
from peluit_shared import grants
from peluit_shared.runtime import serve


def main() -> None:
    parser = argparse.ArgumentParser(prog="peluit-intake")
    parser.add_argument("command", choices=["serve", "migrate", "keys"], nargs="?", default="serve")
    parser.add_argument(
        "action",
        nargs="?",
        choices=["ensure"],
        help="keys: create the grant signing key if missing",
    )
    args = parser.parse_args()
    settings = IntakeSettings()
    if args.command == "keys":
        made = grants.ensure_signing_key(settings.grant_key_file.parent)
        print(
            f"[peluit-intake] grant key {'created' if made else 'present'}: "
            f"{settings.grant_key_file}"
        )
        return
    app, intake = build(settings)
    if args.command == "migrate":
        applied = asyncio.run(intake.runtime.migrate())
        print(f"[peluit-intake] applied: {applied or 'nothing'}")
        return
    serve(app, settings)


if __name__ == "__main__":
    main()
