"""The layers hold: the Scrapy-free library imports no crawler, reactor or database driver.

`newsbot extract`, the benches and the extraction workers run the library without a
crawl or a database; a stray `import scrapy` (or one pulled in through a helper) in
`newsbot/dates/` would make them all load Scrapy and Twisted, and tie the library to
the crawler. The check runs in a fresh interpreter, so modules that other tests of this
session already imported cannot hide an import, and it walks the packages, so a new
submodule is checked without being listed here.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: the Scrapy-free library: packages are walked, so their submodules are all checked.
#: A name that does not exist (yet, or any more) is reported and skipped.
LIBRARY = (
    "newsbot.extraction",
    "newsbot.dates",
    "newsbot.reposts",
    "newsbot.config",
    "newsbot.items",
    "newsbot.errors",
    "newsbot.sites",
    "newsbot.boilerplate",
    "newsbot.endmatter",
    "newsbot.reposts.fingerprint",
    "newsbot.reposts.locking",
    "newsbot.reposts.original",
    "newsbot.reposts.similarity",
    "newsbot.urls",
    "newsbot.discovery",
    "newsbot.stages",
    "newsbot.decoding",
    "newsbot.archive",
)
#: top-level packages the library must never load
FORBIDDEN = ("scrapy", "twisted", "psycopg")

# Run in a fresh interpreter: imports every library module, recording for each module
# which module's code imported it first, and prints JSON.
_PROBE = r"""
import importlib, importlib.util, json, pkgutil, sys

library, forbidden = json.loads(sys.argv[1])
importer = {}


class Recorder:
    # asked first for every module not yet imported; notes who imports it, finds nothing
    def find_spec(self, name, path=None, target=None):
        frame = sys._getframe(1)
        while frame is not None:
            caller = frame.f_globals.get("__name__", "")
            if not caller.startswith(("importlib", "_frozen_importlib")):
                break
            frame = frame.f_back
        importer.setdefault(name, caller if frame is not None else "?")
        return None


sys.meta_path.insert(0, Recorder())

checked, missing, offences = [], [], []


def forbidden_loaded():
    return sorted(
        n for n in sys.modules if n.split(".")[0] in forbidden and n.count(".") == 0
    )


def chain_of(name):
    chain = [name]
    while chain[-1] in importer and len(chain) < 50:
        parent = importer[chain[-1]]
        if parent in chain or parent == "__main__":
            break
        chain.append(parent)
    return list(reversed(chain))


def check(name):
    before = set(forbidden_loaded())
    importlib.import_module(name)
    checked.append(name)
    for bad in forbidden_loaded():
        if bad not in before:
            offences.append({"module": name, "loaded": bad, "chain": chain_of(bad)})


for top in library:
    try:
        spec = importlib.util.find_spec(top)
    except ModuleNotFoundError:
        spec = None
    if spec is None:
        missing.append(top)
        continue
    check(top)
    module = sys.modules[top]
    if hasattr(module, "__path__"):
        for info in pkgutil.walk_packages(module.__path__, top + "."):
            check(info.name)

print(json.dumps({"checked": checked, "missing": missing, "offences": offences,
                  "loaded": forbidden_loaded()}))
"""


def _probe() -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps([LIBRARY, FORBIDDEN])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_library_imports_no_scrapy_twisted_or_psycopg() -> None:
    found = _probe()
    # the core of the library is there (a rename must update LIBRARY, not empty it)
    for name in ("newsbot.extraction", "newsbot.dates", "newsbot.config", "newsbot.items"):
        assert name in found["checked"], (name, found["missing"])
    assert any(n.startswith("newsbot.dates.") for n in found["checked"]), found["checked"]
    assert any(n.startswith("newsbot.extraction.") for n in found["checked"]), found["checked"]
    offences = [
        f"importing {o['module']} loads {o['loaded']}: " + " -> ".join(o["chain"])
        for o in found["offences"]
    ]
    assert not offences, "the library must not import Scrapy, Twisted or psycopg:\n" + (
        "\n".join(offences)
    )
    assert not found["loaded"], found["loaded"]


#: project code that must hold no SQL: the database is reached through newsbot/storage/
#: (tests are exempt: they query the schema as analysts do)
SQL_SCOPE = ("newsbot", "spiders", "middlewares", "pipelines", "extensions", "bench")
#: where SQL belongs
SQL_HOME = ROOT / "newsbot" / "storage"

#: statement shapes, case-sensitive: this codebase writes SQL keywords in capitals, and
#: its lower-case "select", "update" or "create" are HTML tags and English words
SQL_SHAPES = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b"
    r"|\bSELECT\s+(?:DISTINCT\s+)?(?:[a-z_][\w.]*\s*(?:\(|,|\bAS\b|$)|\d|\*)"
    r"|\bSET\s+(?:LOCAL\s+|SESSION\s+)?(?:[a-z_][\w.]*\s+(?:TO\b|=)|TIME\s+ZONE\b|ROLE\b)"
    r"|\b(?:VACUUM|REINDEX)\s+[(a-zA-Z_]|\b(?:LISTEN|NOTIFY)\s+[a-z_]"
    r"|\bWITH\s+(?:RECURSIVE\s+)?\w+\s+AS\s*\("
    r"|\bINSERT\s+INTO\b"
    r"|\bUPDATE\s+[a-z_][\w.]*(?:\s+(?:AS\s+)?[a-z_]\w*)?\s+SET\b"
    r"|\bDELETE\s+FROM\b"
    r"|\bTRUNCATE\s+(?:TABLE\s+)?[a-z_]"
    r"|\bCOPY\s+[a-z_(][\s\S]*\b(?:FROM|TO)\b"
    r"|\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:UNIQUE\s+)?(?:TEMP(?:ORARY)?\s+)?"
    r"(?:TABLE|INDEX|ROLE|USER|DATABASE|EXTENSION|SCHEMA|VIEW|MATERIALIZED\s+VIEW"
    r"|FUNCTION|TRIGGER|SEQUENCE|TYPE)\b"
    r"|\bALTER\s+(?:TABLE|ROLE|USER|DATABASE|SCHEMA|INDEX|SEQUENCE|DEFAULT\s+PRIVILEGES)\b"
    r"|\bDROP\s+(?:TABLE|DATABASE|ROLE|USER|SCHEMA|INDEX|VIEW|FUNCTION|EXTENSION|COLUMN)\b"
    r"|\bpg_(?:try_)?advisory"
    r"|\bGRANT\s+[\s\S]*?\b(?:ON|TO)\b"
    r"|\bREVOKE\s+[\s\S]*?\b(?:ON|FROM)\b"
)
#: stands for an f-string's replacement fields when its literal parts are joined
_FIELD = "x"


def _strings(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, text) of every string literal that is not documentation.

    An f-string is read whole, its replacement fields standing in as `x`, so SQL split
    by a field (`f"SELECT {kind}(%s)"`) is still seen. Bare string statements (module,
    class and function docstrings, attribute docstrings) are documentation: skipped.
    """
    docs: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            docs.add(id(node.value))
        if isinstance(node, ast.JoinedStr):
            for part in node.values:
                docs.add(id(part))  # read below, as part of the whole f-string
            text = "".join(
                part.value
                if isinstance(part, ast.Constant) and isinstance(part.value, str)
                else _FIELD
                for part in node.values
            )
            yield node.lineno, text
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            yield node.lineno, node.value


def sql_outside_storage(scope: tuple[str, ...] = SQL_SCOPE) -> list[str]:
    """file:line and start of every SQL-looking string literal in `scope` outside storage."""
    found = []
    for top in scope:
        for path in sorted((ROOT / top).rglob("*.py")):
            if path.is_relative_to(SQL_HOME):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for line, text in _strings(tree):
                if SQL_SHAPES.search(text):
                    start = " ".join(text.split())[:60]
                    found.append(f"{path.relative_to(ROOT)}:{line}: {start!r}")
    return sorted(set(found))


def _flagged(source: str) -> list[int]:
    return [line for line, text in _strings(ast.parse(source)) if SQL_SHAPES.search(text)]


def test_no_sql_outside_storage() -> None:
    for top in SQL_SCOPE:
        assert (ROOT / top).is_dir(), top  # a rename must update SQL_SCOPE, not empty it
    # the detector sees SQL where it is (storage), split by f-string fields too, and not
    # in docstrings, messages that name privileges, or HTML tag names
    assert _flagged((SQL_HOME / "runs.py").read_text(encoding="utf-8"))
    assert _flagged('kind = "x"\nq = f"SELECT {kind}(%s) AS ok"\n') == [2]
    assert not _flagged(
        '"""Uses SELECT x FROM t."""\n'
        'm = f"granted CONNECT on database {db}, SELECT on {n} table(s)"\n'
        'n = "revoked CREATE on schema public from PUBLIC"\n'
        'tags = {"select", "option"}\n'
    )
    offences = sql_outside_storage()
    assert not offences, (
        "SQL belongs in newsbot/storage/, behind a named function; found outside it:\n"
        + "\n".join(offences)
    )
