"""Scrapy spiders (SPIDER_MODULES): thin crawl logic around the newsbot core."""
