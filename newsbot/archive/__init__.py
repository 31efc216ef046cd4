"""Raw pages as WARC (ISO 28500): written while crawling, read back to re-extract or ingest.

Keeping what was fetched lets every later improvement of extraction be applied to pages
crawled before it (`newsbot reprocess`), and lets archives made by anyone (wget, Heritrix,
Common Crawl's CC-NEWS) become articles (`newsbot ingest`). warcio does the format; this
package only decides what goes in and how a page is found again (file and offset).
No Scrapy and no database here: the archive middleware and the commands wrap it.
"""

from newsbot.archive.reader import PageReader, RawPage, Skipped, iter_pages, read_page
from newsbot.archive.writer import Exchange, Location, WarcArchive, archive_for, release

#: request.meta key of a fetch's `Location` in the archive (set by the archive middleware;
#: the last fetch of a redirect chain or of retries overwrites the earlier ones)
META_KEY = "newsbot_warc"


def archive_directory(source_archive: str | None, default: str | None) -> str | None:
    """Where a source's responses are kept: its own `archive` key wins over the setting
    (NEWSBOT_ARCHIVE_DIR) that archives every source; None: not archived."""
    return source_archive or default or None


__all__ = [
    "META_KEY",
    "Exchange",
    "Location",
    "PageReader",
    "RawPage",
    "Skipped",
    "WarcArchive",
    "archive_directory",
    "archive_for",
    "iter_pages",
    "read_page",
    "release",
]
