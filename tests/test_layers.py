"""The layers hold: the Scrapy-free library imports no crawler, reactor or database driver.

`newsbot extract`, the benches and the extraction workers run the library without a
crawl or a database; a stray `import scrapy` (or one pulled in through a helper) in
`newsbot/dates/` would make them all load Scrapy and Twisted, and tie the library to
the crawler. The check runs in a fresh interpreter, so modules that other tests of this
session already imported cannot hide an import, and it walks the packages, so a new
submodule is checked without being listed here.
"""

from __future__ import annotations

import json
import subprocess
import sys
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
