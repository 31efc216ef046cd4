"""`newsbot db …`: the database schema."""

from __future__ import annotations

import argparse
import sys

from newsbot.commands import EXIT_OK
from newsbot.errors import message_of


def register(commands: argparse._SubParsersAction) -> None:
    db = commands.add_parser("db", help="database schema and roles")
    actions = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = actions.add_parser("upgrade", help="apply pending schema migrations")
    upgrade.set_defaults(run=db_upgrade)
    reader = actions.add_parser(
        "grant-reader",
        help="create/update a read-only LOGIN role for analysts",
        description="Create ROLE (LOGIN, with the password of --password-file; or NOLOGIN "
        "with --no-login) when missing and let it read, and only read, every table and view, "
        "including ones later migrations add. Safe to run again.",
    )
    reader.add_argument("role", metavar="ROLE", help="role name, e.g. analyst")
    reader.add_argument(
        "--password-file",
        metavar="FILE",
        help="set the role's password to the first line of FILE (sent hashed, never printed)",
    )
    reader.add_argument(
        "--no-login",
        "--nologin",
        dest="no_login",
        action="store_true",
        help="a role without login (NOLOGIN), to be granted to login roles; without it a "
        "new role needs --password-file",
    )
    reader.set_defaults(run=db_grant_reader)


def db_upgrade(args: argparse.Namespace) -> int:
    from newsbot.storage import connect, mask_url, resolve_database_url, upgrade

    url = resolve_database_url()
    with connect(url) as conn:
        applied = upgrade(conn)
    if applied:
        print(f"applied {len(applied)} migration(s) to {mask_url(url)}: {', '.join(applied)}")
    else:
        print(f"schema of {mask_url(url)} is up to date")
    return EXIT_OK


def db_grant_reader(args: argparse.Namespace) -> int:
    import psycopg

    from newsbot.errors import NewsbotError
    from newsbot.storage import connect, mask_url, resolve_database_url
    from newsbot.storage.roles import (
        RoleError,
        grant_reader,
        read_password_file,
        validate_role_name,
    )

    role = validate_role_name(args.role)
    no_login = getattr(args, "no_login", False)
    if no_login and args.password_file:
        raise RoleError(
            "--no-login and --password-file exclude each other: a role without "
            "login has no use for a password"
        )
    password = read_password_file(args.password_file) if args.password_file else None
    url = resolve_database_url()
    with connect(url) as conn:
        try:
            report = grant_reader(conn, role, password, login=not no_login)
        except psycopg.errors.InsufficientPrivilege as exc:
            reason = message_of(exc)
            raise NewsbotError(
                f"not allowed to set up role {role!r} on {mask_url(url)}: {reason}. "
                "Run as a superuser, or as the database owner with CREATEROLE."
            ) from None
    state = "created" if report.created else "already existed"
    if no_login:
        state += ", without login"
    if report.password_set:
        state += ", password set"
    print(f"role {role}: {state}")
    print(
        f"granted CONNECT on database {report.database}, USAGE on schema public, SELECT on "
        f"{report.relations} table(s) and view(s); tables and views created later by "
        f"{', '.join(report.default_privileges_for)} will be readable too"
    )
    if report.revoked_public_create:
        print(
            "revoked CREATE on schema public from PUBLIC (an old default): grant it explicitly "
            "to roles that must create tables there"
        )
    for warning in report.warnings:
        print(f"warning: role {role} still has {warning} through another role", file=sys.stderr)
    return EXIT_OK
