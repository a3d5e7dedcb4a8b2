"""Detectors: plain classes over a :class:`crawler.items.Post` (never importing Scrapy),
shared by the crawl pipeline, the portal and the eval commands."""
