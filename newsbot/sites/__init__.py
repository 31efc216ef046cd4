"""Per-site extraction overrides, for when generic extraction is not enough.

Two ways to declare them, in the style of Fundus's publisher parsers:

* in the sources file, under the source: ``[sources.extract]`` with ``body``, ``drop``,
  ``title``, ``authors``, ``lead`` (CSS selectors);
* as a small module here, ``newsbot/sites/<module>.py``, that defines ``OVERRIDES`` (a
  `SiteOverrides`) with the hosts it applies to.

Declarations in the sources file win over a module's, field by field.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from newsbot.sites.base import SiteOverrides, merge

__all__ = ["SiteOverrides", "for_url", "merge", "registered"]


@cache
def registered() -> tuple[SiteOverrides, ...]:
    """Every module's OVERRIDES, loaded once."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        overrides = getattr(module, "OVERRIDES", None)
        if isinstance(overrides, SiteOverrides):
            found.append(overrides)
    return tuple(found)


def for_url(url: str, declared: SiteOverrides | None = None) -> SiteOverrides | None:
    """The overrides that apply to a page: a site module's, overlaid with the declared ones."""
    module = next((o for o in registered() if o.applies_to(url)), None)
    if module is None:
        return declared
    return merge(module, declared) if declared else module
