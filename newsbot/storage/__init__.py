"""PostgreSQL storage: connection (or the embedded server), migrations, articles and runs."""

from newsbot.storage.connection import connect, for_ingest, mask_url, resolve_database_url
from newsbot.storage.migrate import upgrade

__all__ = ["connect", "for_ingest", "mask_url", "resolve_database_url", "upgrade"]
