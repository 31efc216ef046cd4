"""Synthetic news for bench/dedup.py: publishers, prose, the ways the web copies it.

sites.py: the publishers; vocabulary.py and writer.py: English and Ukrainian news
prose; alterations.py: what a reposting blog does to a story; corpus.py: the gold
repost set scored for quality; fresh.py: the stories and copies timed for cost, and the
rows the database generates its background articles from. Same seed, same corpus.
"""
