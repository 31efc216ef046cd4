"""Scrapy downloader middlewares: incremental re-crawls and polite retries."""
