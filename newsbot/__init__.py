"""newsbot: crawl news sites and blogs into clean, dated, de-duplicated articles in PostgreSQL."""

__version__ = "0.1.0"
