"""Platform spiders: one module per platform, each a subclass of :class:`spiders.base.SourceSpider`."""
