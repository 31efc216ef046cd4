"""Scrapy extensions: crawl-wide jobs that listen to signals (run records)."""
