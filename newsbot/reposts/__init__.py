"""Reposts: one story stored at several places, and which copy is its original.

`fingerprint` hashes verbatim copies alike, `similarity` finds near copies
(excerpts, extended reposts) by sampled shingles, `original` decides membership
and the original, `locking` plans the locks that keep concurrent writers' links
exact. Scrapy-free and database-free; `newsbot.storage.stories` applies it to rows.
"""
