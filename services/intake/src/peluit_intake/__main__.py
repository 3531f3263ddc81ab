"""`peluit-intake serve | migrate | keys ensure`."""

from __future__ import annotations

import argparse
import asyncio
import sys

from peluit_intake.bootstrap import build
from peluit_intake.settings import IntakeSettings
from peluit_shared import grants
from peluit_shared.event_signing import event_keys_main
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
    settings = IntakeSettings()
    if sys.argv[1:2] == ["event-keys"]:
        raise SystemExit(
            event_keys_main(
                sys.argv[2:],
                settings.service_name,
                settings.event_key_file(),
                settings.infra().event_verify_key_dir,
            )
        )
    args = parser.parse_args()
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
