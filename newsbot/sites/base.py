"""The declared data of a per-site override: CSS selectors, nothing executable."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from urllib.parse import urlsplit

#: keys allowed under [sources.extract] in the sources file
KEYS = ("body", "drop", "title", "authors", "lead")


@dataclass(frozen=True)
class SiteOverrides:
    #: selectors of the article's own container(s); when one matches, generic detection is skipped
    body: tuple[str, ...] = ()
    #: selectors removed before anything is extracted (promos, embedded widgets, …)
    drop: tuple[str, ...] = ()
    #: selector whose text is the headline
    title: str | None = None
    #: selector whose matches' texts are the authors
    authors: str | None = None
    #: selector whose text is the standfirst
    lead: str | None = None
    #: hosts a site module applies to (subdomains included); unused for sources-file overrides
    hosts: tuple[str, ...] = field(default=(), compare=False)

    def applies_to(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == h or host.endswith("." + h) for h in self.hosts)


def merge(base: SiteOverrides, top: SiteOverrides) -> SiteOverrides:
    """`top`'s fields where set, else `base`'s."""
    changes = {f.name: getattr(top, f.name) for f in fields(top) if getattr(top, f.name)}
    return replace(base, **changes)
