"""Scrapy item pipelines: dedupe -> detectors -> index hand-off -> alert outbox."""
