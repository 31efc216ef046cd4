"""Publication dates: raw candidates from a page, normalised and chosen.

`collect_candidates` (called by extraction) gathers raw strings with their
evidence; `resolve_dates` (the dates stage) parses and picks published/modified.
No Scrapy or database imports here: it runs the same in a crawl and offline.
"""

from newsbot.dates.candidates import collect_candidates
from newsbot.dates.choose import explain, resolve_dates
from newsbot.dates.parse import parse_date

__all__ = ["collect_candidates", "explain", "parse_date", "resolve_dates"]
