"""`newsbot db …`: the database schema."""

from __future__ import annotations

import argparse

from newsbot.commands import EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    db = commands.add_parser("db", help="database schema and roles")
    actions = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = actions.add_parser("upgrade", help="apply pending schema migrations")
    upgrade.set_defaults(run=db_upgrade)


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
