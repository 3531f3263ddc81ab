"""`peluit-cases serve | migrate | keys ensure|generate | create-admin | reset-password`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

import asyncpg

from peluit_cases.adapters import keyring, staff_repo
from peluit_cases.bootstrap import build
from peluit_cases.domain.staff import Role
from peluit_cases.service.auth import WeakPassword, hash_password
from peluit_cases.settings import CasesSettings
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


async def _create_user(settings: CasesSettings, username: str, password: str, role: Role,
                       if_missing: bool) -> str:
    conn = await asyncpg.connect(settings.db_dsn)
    try:
        if await staff_repo.find_login(conn, username):
            if if_missing:
                return f"user {username} exists; left unchanged"
            raise SystemExit(f"user {username} already exists")
        await staff_repo.create_user(conn, username, hash_password(password), role)
        return f"user {username} created with role {role.value}"
    finally:
        await conn.close()


async def _reset(settings: CasesSettings, username: str, password: str) -> str:
    conn = await asyncpg.connect(settings.db_dsn)
    try:
        if not await staff_repo.set_password(conn, username, hash_password(password)):
            raise SystemExit(f"no user {username}")
        await conn.execute(
            "DELETE FROM staff_sessions WHERE user_id = "
            "(SELECT id FROM staff_users WHERE username = $1)", username)
        return f"password of {username} reset; sessions ended"
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="peluit-cases")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve")
    sub.add_parser("migrate")
    keys = sub.add_parser("keys", help="manage the key pair reports are sealed to")
    keys.add_argument("action", choices=["ensure", "generate", "list"])
    for name in ("create-admin", "create-user", "reset-password"):
        p = sub.add_parser(name)
        p.add_argument("--username", required=True)
        p.add_argument("--password-stdin", action="store_true")
        if name == "create-user":
            p.add_argument("--role", choices=[r.value for r in Role], required=True)
        if name != "reset-password":
            p.add_argument("--if-missing", action="store_true",
                           help="succeed without change when the user exists")
    args = parser.parse_args()
    settings = CasesSettings()
    command = args.command or "serve"
    try:
        if command == "serve":
            app, _ = build(settings)
            serve(app, settings)
        elif command == "migrate":
            _, cases = build(settings)
            print(f"[peluit-cases] applied: {asyncio.run(cases.runtime.migrate()) or 'nothing'}")
        elif command == "keys":
            if args.action == "list":
                for key_id in keyring.load_private_keys(settings.key_dir):
                    print(key_id)
            elif args.action == "generate":
                print(f"[peluit-cases] new key {keyring.generate(settings.key_dir)} is current")
            else:
                made = keyring.ensure(settings.key_dir)
                print(f"[peluit-cases] key {'created: ' + made if made else 'present'}")
        elif command in ("create-admin", "create-user"):
            role = Role.ADMIN if command == "create-admin" else Role(args.role)
            print(asyncio.run(_create_user(settings, args.username, _password(args), role,
                                           args.if_missing)))
        elif command == "reset-password":
            print(asyncio.run(_reset(settings, args.username, _password(args))))
    except WeakPassword as exc:
        raise SystemExit(str(exc)) from exc


if __name__ == "__main__":
    main()
