"""`peluit-cases serve | migrate | keys | event-keys | create-admin | create-user | reset-password |
reset-totp | grant-reveal | set-notifications | set-role | disable | enable | verify-audit |
anchor-audit | check-deadlines | recovery-key init|restore|rotate`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from nacl.public import PrivateKey

from peluit_cases.adapters import audit_repo, staff_repo
from peluit_cases.bootstrap import build
from peluit_cases.domain.audit import first_finding
from peluit_cases.domain.calendar import WorkingCalendar
from peluit_cases.domain.staff import NOTICE_LANGUAGES, NOTIFICATION_MODES, Role, parse_prefs
from peluit_cases.service import recovery, staff_admin
from peluit_cases.service.audit_anchor import publish_head, read_anchors
from peluit_cases.service.auth import WeakPassword
from peluit_cases.service.deadlines import check_deadlines
from peluit_cases.settings import CasesSettings
from peluit_shared import grants, keyring
from peluit_shared.event_signing import event_keys_main
from peluit_shared.kafka import make_broker
from peluit_shared.person_keys import KeyUnavailable, format_recovery_key, parse_recovery_key
from peluit_shared.runtime import serve


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    env = os.environ.get("PELUIT_CASES_ADMIN_PASSWORD")
    if env:
        return env
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise SystemExit("passwords differ")
    return first


def _db(settings: CasesSettings, work: Callable[[asyncpg.Connection], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        conn = await asyncpg.connect(settings.db_dsn)
        try:
            return await work(conn)
        finally:
            await conn.close()

    return asyncio.run(run())


def _secret_out(secret: str | None) -> None:
    # Printed only when asked for (--totp-secret-stdout), on a line of its own.
    if secret:
        print(f"totp_secret={secret}")


def _enrol_code_out(code: str) -> None:
    print(
        "Give the user this one-time enrolment code (with the password it lets them set up "
        "their authenticator once):",
        file=sys.stderr,
    )
    print(f"enrolment_code={code}")


def _valid_email(email: str | None) -> str | None:
    prefs, errors = parse_prefs(email, "immediate", "id")
    if prefs is None:
        raise SystemExit(f"--email: {errors['email'][1]}")
    return str(prefs.email) if prefs.email else None


def _create(settings: CasesSettings, args: argparse.Namespace, role: Role) -> None:
    args.email = _valid_email(args.email)
    password = _password(args)

    async def work(conn: asyncpg.Connection) -> None:
        if await staff_repo.find_login(conn, args.username):
            if args.if_missing:
                print(f"user {args.username} exists; left unchanged")
                return
            raise SystemExit(f"user {args.username} already exists")
        secret = await staff_admin.create_user(
            conn, args.username, password, role, args.email, args.totp_secret_stdout
        )
        print(f"user {args.username} created with role {role.value}")
        _secret_out(secret)
        if not secret:
            _enrol_code_out(await staff_admin.new_enrol_code(conn, args.username))

    _db(settings, work)


def _set_notifications(settings: CasesSettings, args: argparse.Namespace) -> None:
    """Change only what is given; the rest keeps its stored value."""

    async def work(conn: asyncpg.Connection) -> bool:
        row = await staff_admin.find(conn, args.username)
        prefs, errors = parse_prefs(
            row["email"] if args.email is None else args.email,
            args.mode or row["notification_mode"],
            args.language or row["language"],
        )
        if prefs is None:
            raise SystemExit("; ".join(f"--{f}: {m[1]}" for f, m in errors.items()))
        return await staff_admin.set_notifications(conn, row["id"], "cli", prefs)

    changed = _db(settings, work)
    print(f"notifications of {args.username} {'updated' if changed else 'unchanged'}")


def _verify_audit(settings: CasesSettings) -> None:
    """Exit 1 naming the first bad entry when the chain or an anchor does not hold."""
    try:
        anchors = asyncio.run(read_anchors(settings.kafka_credentials()))
    except Exception as exc:  # no anchors, no verdict: a cut-off tail would go unseen
        print(
            f"cannot read the anchors from Kafka ({type(exc).__name__}); audit not verified",
            file=sys.stderr,
        )
        raise SystemExit(2) from exc
    checked, findings = _db(settings, lambda c: audit_repo.verify(c, anchors))
    first = first_finding(findings)
    if first is not None:
        where = f"entry {first.entry}" if first.entry is not None else "an anchor"
        print(
            f"audit chain BROKEN at {where} ({first.kind}; {checked} entries, "
            f"{len(anchors)} anchors)",
            file=sys.stderr,
        )
        for finding in findings:
            print(f"  {finding.kind}: {finding.message}", file=sys.stderr)
        raise SystemExit(1)
    if not anchors and checked:
        print("warning: no anchor found in audit.anchors", file=sys.stderr)
    print(f"audit chain intact: {checked} entries, {len(anchors)} anchors")


def _print_recovery_key(key: PrivateKey) -> None:
    print(
        "RECOVERY KEY: write it down and keep it offline (a safe). It is shown only now; "
        "with it every case can be opened.",
        file=sys.stderr,
    )
    print(f"recovery_key={format_recovery_key(key)}")


def _typed_recovery_key() -> PrivateKey:
    try:
        return parse_recovery_key(sys.stdin.readline())
    except KeyUnavailable as exc:
        raise SystemExit(f"recovery key: {exc}") from exc


def _recovery(settings: CasesSettings, args: argparse.Namespace) -> None:
    path = settings.recovery_public_key_file
    if args.recovery_action == "init":
        if recovery.read_public(path) is not None and not args.force:
            if args.if_missing:
                print(f"recovery key present: {path}")
                return
            raise SystemExit(f"a recovery key exists ({path}); use `rotate` (or --force)")
        key = PrivateKey.generate()
        recovery.write_public(path, key.public_key)
        _print_recovery_key(key)
        print(f"public half written to {path}", file=sys.stderr)
    elif args.recovery_action == "restore":
        key = _typed_recovery_key()
        try:
            done = _db(settings, lambda c: recovery.restore(c, key, args.to))
        except ValueError as exc:
            raise SystemExit(str(exc)) from exc
        print(f"restored to {args.to}: {done[0]} case keys, {done[1]} identity keys")
        if done[2]:
            print(f"{done[2]} recovery wraps did not open (tampered?)", file=sys.stderr)
            raise SystemExit(1)
    else:
        old = _typed_recovery_key()
        new = PrivateKey.generate()
        moved, failed = _db(settings, lambda c: recovery.rotate(c, old, new.public_key))
        recovery.write_public(path, new.public_key)
        _print_recovery_key(new)
        print(f"{moved} wraps moved to the new key", file=sys.stderr)
        if failed:
            print(f"{failed} wraps did not open with the old key", file=sys.stderr)
            raise SystemExit(1)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="peluit-cases")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve")
    sub.add_parser("migrate")
    sub.add_parser(
        "republish-staff",
        help="publish every account's current state again (rebuilds the projections of "
        "notifications and intake, e.g. after a restore or a wiped database)",
    )
    keys = sub.add_parser("keys", help="manage the key pair reports are sealed to")
    keys.add_argument("action", choices=["ensure", "generate", "list"])
    for name in ("create-admin", "create-user", "reset-password", "reset-totp"):
        p = sub.add_parser(name)
        p.add_argument("--username", required=True)
        if name != "reset-totp":
            p.add_argument("--password-stdin", action="store_true")
        if name == "create-user":
            p.add_argument("--role", choices=[r.value for r in Role], required=True)
        if name in ("create-admin", "create-user"):
            p.add_argument("--email")
            p.add_argument(
                "--if-missing",
                action="store_true",
                help="succeed without change when the user exists",
            )
        if name in ("create-admin", "create-user", "reset-totp"):
            p.add_argument(
                "--totp-secret-stdout",
                action="store_true",
                help="set up TOTP now and print its secret (automation, tests); "
                "otherwise the user enrols with a QR code at first sign-in",
            )
    grant = sub.add_parser("grant-reveal", help="allow a handler to reveal reporter identities")
    grant.add_argument("--username", required=True)
    grant.add_argument("--revoke", action="store_true")
    sub.add_parser(
        "enrolment-code", help="a new one-time code the user needs to enrol an authenticator"
    ).add_argument("--username", required=True)
    custodian = sub.add_parser(
        "grant-custodian",
        help="make a user an identity custodian (approves reveals; new identities wrap to them)",
    )
    custodian.add_argument("--username", required=True)
    custodian.add_argument("--revoke", action="store_true")
    notify = sub.add_parser(
        "set-notifications", help="a user's notification email, mode and language"
    )
    notify.add_argument("--username", required=True)
    notify.add_argument("--email", help='address for notices ("" removes it)')
    notify.add_argument(
        "--mode",
        choices=NOTIFICATION_MODES,
        help="immediate, or daily_digest (also hides when reports arrive)",
    )
    notify.add_argument("--language", choices=NOTICE_LANGUAGES)
    role = sub.add_parser("set-role", help="change a user's role")
    role.add_argument("--username", required=True)
    role.add_argument("--role", choices=[r.value for r in Role], required=True)
    for name, text in (
        ("disable", "disable an account (its sessions end)"),
        ("enable", "enable a disabled account"),
    ):
        sub.add_parser(name, help=text).add_argument("--username", required=True)
    recovery = sub.add_parser("recovery-key", help="the offline recovery key")
    recovery_sub = recovery.add_subparsers(dest="recovery_action", required=True)
    init = recovery_sub.add_parser("init", help="make it; print the private key once")
    init.add_argument(
        "--if-missing", action="store_true", help="do nothing when a recovery key exists"
    )
    init.add_argument("--force", action="store_true", help="replace an existing one")
    restore = recovery_sub.add_parser(
        "restore", help="wrap every case key to USERNAME (the recovery key on stdin)"
    )
    restore.add_argument("--to", required=True, dest="to")
    recovery_sub.add_parser(
        "rotate", help="move every wrap to a new recovery key (the old one on stdin)"
    )
    sub.add_parser(
        "verify-audit",
        help="verify the audit log's HMAC chain and its anchors in Kafka (exit 1 if broken)",
    )
    sub.add_parser("anchor-audit", help="anchor the audit chain's head in Kafka now")
    sub.add_parser("check-deadlines", help="publish case.deadline_due notices now")
    return parser


def main() -> None:
    settings = CasesSettings()
    if sys.argv[1:2] == ["event-keys"]:
        raise SystemExit(
            event_keys_main(
                sys.argv[2:],
                settings.service_name,
                settings.event_key_file(),
                settings.infra().event_verify_key_dir,
            )
        )
    args = _parser().parse_args()
    command = args.command or "serve"
    try:
        if command == "serve":
            app, _ = build(settings)
            serve(app, settings)
        elif command == "migrate":
            _, cases = build(settings)
            print(f"[peluit-cases] applied: {asyncio.run(cases.runtime.migrate()) or 'nothing'}")
        elif command == "keys":
            keyring.keys_command(args.action, settings.key_dir, "peluit-cases")
            if args.action == "ensure" and grants.ensure_signing_key(
                settings.grant_key_file.parent
            ):
                print(f"[peluit-cases] grant key created: {settings.grant_key_file}")
            if args.action == "ensure" and audit_repo.ensure_key(settings.audit_key):
                print(f"[peluit-cases] audit key created: {settings.audit_key}")
        elif command in ("create-admin", "create-user"):
            _create(settings, args, Role.ADMIN if command == "create-admin" else Role(args.role))
        elif command == "reset-password":
            password = _password(args)
            if not _db(settings, lambda c: staff_admin.reset_password(c, args.username, password)):
                raise SystemExit(f"no user {args.username}")
            print(f"password of {args.username} reset; sessions ended; TOTP to enrol again")
            _enrol_code_out(_db(settings, lambda c: staff_admin.new_enrol_code(c, args.username)))
        elif command == "reset-totp":
            try:
                secret = _db(
                    settings,
                    lambda c: staff_admin.reset_totp(c, args.username, args.totp_secret_stdout),
                )
            except LookupError as exc:
                raise SystemExit(f"no user {args.username}") from exc
            print(f"TOTP of {args.username} reset; sessions ended")
            _secret_out(secret)
            if not secret:
                _enrol_code_out(
                    _db(settings, lambda c: staff_admin.new_enrol_code(c, args.username))
                )
        elif command == "enrolment-code":
            _enrol_code_out(_db(settings, lambda c: staff_admin.new_enrol_code(c, args.username)))
        elif command == "grant-reveal":
            if not _db(
                settings, lambda c: staff_admin.set_reveal(c, args.username, not args.revoke)
            ):
                raise SystemExit(f"no user {args.username}")
            print(f"reveal {'revoked from' if args.revoke else 'granted to'} {args.username}")
        elif command == "grant-custodian":
            if not _db(
                settings, lambda c: staff_admin.set_custodian(c, args.username, not args.revoke)
            ):
                raise SystemExit(f"no user {args.username}")
            print(f"custodian {'revoked from' if args.revoke else 'granted to'} {args.username}")
        elif command == "set-notifications":
            _set_notifications(settings, args)
        elif command == "set-role":
            changed = _db(
                settings, lambda c: staff_admin.set_role(c, args.username, Role(args.role))
            )
            print(f"role of {args.username}: {args.role}{'' if changed else ' (unchanged)'}")
        elif command in ("disable", "enable"):
            changed = _db(
                settings, lambda c: staff_admin.set_active(c, args.username, command == "enable")
            )
            print(f"{args.username} {command}d{'' if changed else ' (unchanged)'}")
        elif command == "recovery-key":
            _recovery(settings, args)
        elif command == "verify-audit":
            _verify_audit(settings)
        elif command == "anchor-audit":

            async def anchor(conn: asyncpg.Connection) -> int | None:
                broker = make_broker(
                    settings.infra().kafka_bootstrap,
                    "peluit-cases-cli",
                    settings.kafka_credentials(),
                )
                await broker.start()
                try:
                    return await publish_head(conn, broker)
                finally:
                    await broker.stop()

            seq = _db(settings, anchor)
            if seq is None:
                raise SystemExit("nothing anchored: the audit log is empty or its head is bad")
            print(f"audit head anchored at entry {seq}")
        elif command == "republish-staff":
            count = _db(settings, staff_admin.republish_all)
            print(f"staff.changed written to the outbox for {count} accounts")
        elif command == "check-deadlines":
            calendar = WorkingCalendar.load(settings.holidays_file)

            async def run() -> int:
                pool = await asyncpg.create_pool(settings.db_dsn, min_size=1, max_size=2)
                try:
                    return await check_deadlines(pool, calendar)
                finally:
                    await pool.close()

            print(f"deadline notices published: {asyncio.run(run())}")
    except WeakPassword as exc:
        raise SystemExit(str(exc)) from exc
    except LookupError as exc:
        raise SystemExit(f"no user {exc.args[0]}") from exc


if __name__ == "__main__":
    main()
