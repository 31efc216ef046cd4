"""A read-only login role for analysts (`newsbot db grant-reader`).

Everything happens in one transaction and every step is idempotent, so the command can be
re-run (after migrations, on a second database of the cluster) and leaves the role
read-only whatever it was granted before. Role names only ever reach SQL through
`sql.Identifier`; a password is hashed (SCRAM) on the client, so its clear text is never
sent to the server, nor logged there, nor printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg
from psycopg import sql

from newsbot.errors import NewsbotError
from newsbot.exit_codes import EXIT_USAGE

_MAX_NAME_BYTES = 63  # NAMEDATALEN - 1: longer names are silently truncated by PostgreSQL


class RoleError(NewsbotError):
    """A role name or password that cannot be used (exit code 2: bad usage)."""

    exit_code = EXIT_USAGE


@dataclass
class GrantReport:
    """What grant_reader did, for a message that never contains the password."""

    role: str
    database: str
    created: bool = False
    password_set: bool = False
    relations: int = 0
    default_privileges_for: list[str] = field(default_factory=list)
    revoked_public_create: bool = False
    #: privileges the role still has through other roles it belongs to, or PUBLIC
    warnings: list[str] = field(default_factory=list)


def validate_role_name(name: str) -> str:
    """A usable role name, or RoleError: not empty, ≤ 63 bytes, not reserved (`pg_…`)."""
    if not name or name != name.strip() or "\x00" in name:
        raise RoleError(f"invalid role name {name!r}")
    if len(name.encode("utf-8")) > _MAX_NAME_BYTES:
        raise RoleError(f"role name {name!r} is longer than {_MAX_NAME_BYTES} bytes")
    if name.lower().startswith("pg_") or name.lower() == "public":
        raise RoleError(f"role name {name!r} is reserved by PostgreSQL")
    return name


def read_password_file(path: str) -> str:
    """The first line of `path` (without its line end); RoleError if unreadable or empty."""
    try:
        with open(path, encoding="utf-8") as handle:
            line = handle.readline()
    except OSError as exc:
        raise RoleError(f"cannot read password file {path}: {exc.strerror or exc}") from None
    password = line.rstrip("\r\n")
    if not password:
        raise RoleError(f"password file {path} has an empty first line")
    return password


def _one(conn: psycopg.Connection, query: sql.Composable | str, params: tuple = ()) -> object:
    row = conn.execute(query, params).fetchone()
    if row is None:
        return None
    return next(iter(row.values())) if isinstance(row, dict) else row[0]


def current_role(conn: psycopg.Connection) -> str:
    """The role this connection acts as (named in one-line permission errors)."""
    return str(_one(conn, "SELECT current_user"))


def grant_reader(
    conn: psycopg.Connection, role: str, password: str | None = None, *, login: bool = True
) -> GrantReport:
    """Create `role` (LOGIN) if missing and make it able to read, and only read, newsbot's data.

    A new LOGIN role needs a `password` (RoleError otherwise: a login role without one is
    either unusable or, where the server trusts local connections, open to anyone on the
    machine); `login=False` creates (or makes) a NOLOGIN role instead, to be granted to
    login roles (`GRANT reader TO alice`).

    Grants CONNECT on the current database, USAGE on schema public, SELECT on every table and
    view in it, and default privileges so tables and views created later (by the owner of
    `articles`, i.e. whoever runs migrations, and by the current user) are readable too.
    Revokes any write privilege the role may hold on them and CREATE on the schema. Refuses
    superusers and the role running the command: they cannot be made read-only.
    """
    validate_role_name(role)
    ident = sql.Identifier(role)
    with conn.transaction():
        database = str(_one(conn, "SELECT current_database()"))
        me = str(_one(conn, "SELECT current_user"))
        report = GrantReport(role=role, database=database)
        existing = conn.execute(
            "SELECT rolsuper, rolcanlogin FROM pg_roles WHERE rolname = %s", (role,)
        ).fetchone()
        if role == me:
            raise RoleError(f"role {role!r} is the one running this command; choose another")
        if existing is not None and _field(existing, 0):
            raise RoleError(f"role {role!r} is a superuser: it cannot be made read-only")
        if not login and password is not None:
            raise RoleError("a role without login (--no-login) cannot have a password")
        if existing is None and login and password is None:
            raise RoleError(
                f"role {role!r} does not exist and would be created able to log in without a "
                "password: give --password-file FILE, or --no-login for a role without login "
                "(grant it to login roles)"
            )
        if existing is None:
            report.created = _create_role(conn, ident, login=login)
        elif not login and _field(existing, 1):
            conn.execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(ident))
        if password is not None:
            hashed = conn.pgconn.encrypt_password(password.encode("utf-8"), role.encode("utf-8"))
            conn.execute(
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(ident, sql.Literal(hashed.decode()))
            )
            report.password_set = True
        conn.execute(
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), ident)
        )
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(ident))
        conn.execute(sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(ident))
        conn.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(ident))
        conn.execute(
            sql.SQL(
                "REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER "
                "ON ALL TABLES IN SCHEMA public FROM {}"
            ).format(ident)
        )
        report.relations = int(
            _one(
                conn,
                """SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p', 'f')""",
            )
            or 0
        )
        owner = _one(
            conn,
            "SELECT tableowner FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename = 'articles'",
        )
        creators = [me] if owner in (None, me) else [str(owner), me]
        for creator in creators:
            conn.execute(
                sql.SQL(
                    "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
                    "GRANT SELECT ON TABLES TO {}"
                ).format(sql.Identifier(creator), ident)
            )
        report.default_privileges_for = creators
        report.revoked_public_create = _revoke_public_create(conn)
        report.warnings = _remaining_write_access(conn, role)
    return report


def _remaining_write_access(conn: psycopg.Connection, role: str) -> list[str]:
    """Write access the role still has, inherited from roles it is a member of."""
    rows = conn.execute(
        """SELECT c.relname, p.priv
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
                unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p(priv)
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
             AND has_table_privilege(%s, c.oid, p.priv)
           ORDER BY 1, 2""",
        (role,),
    ).fetchall()
    warnings = [f"{_field(r, 1)} on {_field(r, 0)}" for r in rows]
    if _one(conn, "SELECT has_schema_privilege(%s, 'public', 'CREATE')", (role,)):
        warnings.append("CREATE on schema public")
    return warnings


def _create_role(conn: psycopg.Connection, ident: sql.Identifier, *, login: bool = True) -> bool:
    """CREATE ROLE … LOGIN (or NOLOGIN); False when a concurrent run created it first."""
    statement = "CREATE ROLE {} LOGIN" if login else "CREATE ROLE {} NOLOGIN"
    try:
        with conn.transaction():
            conn.execute(sql.SQL(statement).format(ident))
    except psycopg.errors.DuplicateObject:
        return False
    return True


def _revoke_public_create(conn: psycopg.Connection) -> bool:
    """Take CREATE on schema public away from PUBLIC when it still has it.

    PostgreSQL 15+ no longer grants it on new clusters, but a cluster upgraded from 14 or
    older (pg_upgrade, dump and restore) keeps the old grant, which would let every role,
    the reader included, create tables.
    """
    public_can_create = _one(
        conn,
        """SELECT EXISTS (
               SELECT 1 FROM pg_namespace n, aclexplode(n.nspacl) acl
               WHERE n.nspname = 'public' AND acl.grantee = 0
                 AND acl.privilege_type = 'CREATE')""",
    )
    if not public_can_create:
        return False
    conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    return True


def _field(row: object, index: int) -> object:
    if isinstance(row, dict):
        return list(row.values())[index]
    return row[index]  # type: ignore[index]
