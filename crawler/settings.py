"""Scrapy settings: every default of mamori in one place.

Components are switched on by dotted path in priority dictionaries (lower runs first). In
``[crawler.settings]`` (or a source's ``settings``) of the config, a dictionary is merged into
the one here: add a component with its priority, switch one off with ``false``.
Settings specific to mamori carry the ``MAMORI_`` prefix.
"""

BOT_NAME = "mamori"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Politeness (overridden per source type by the spiders' custom_settings).
ROBOTSTXT_OBEY = True
USER_AGENT = "mamori/0.1 (harassment monitoring; +https://github.com/mamori)"
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
RANDOMIZE_DOWNLOAD_DELAY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
HTTPCACHE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    # Honour Retry-After on 429/503 before Scrapy's RetryMiddleware (550) retries: responses
    # go through middlewares from the highest number down, so this must be above 550.
    "crawler.middlewares.RetryAfterMiddleware": 560,
    # Rate-limit headers read next to the downloader (before the slot sends the next request).
    "crawler.middlewares.RateHeadersMiddleware": 950,
}

# The pipeline: dedupe -> media -> detectors -> index hand-off -> evidence queue -> alert
# outbox -> re-upload check -> mark seen (last: a post is remembered once every stage took it).
ITEM_PIPELINES = {
    "crawler.pipelines.dedupe.DedupePipeline": 100,
    "crawler.pipelines.media.MediaPipeline": 150,
    "crawler.pipelines.detect.DetectPipeline": 200,
    "crawler.pipelines.index.IndexHandoffPipeline": 300,
    "crawler.pipelines.evidence.EvidenceQueuePipeline": 350,
    "crawler.pipelines.alerts.AlertOutboxPipeline": 400,
    "cases.pipeline.ReuploadCasePipeline": 450,
    "crawler.pipelines.dedupe.MarkSeenPipeline": 1000,
}

# Detectors, in the order they run (names first: harassment needs a target).
MAMORI_DETECTORS = {
    "detectors.company.CompanyMentionDetector": 100,
    "detectors.names.EmployeeNameDetector": 110,
    "detectors.name_model.NameModelDetector": 120,
    "detectors.personal_info.PersonalInfoDetector": 400,
    "detectors.harassment.HarassmentDetector": 500,
    "detectors.text_model.TextModelDetector": 600,
}

# Media detectors (faces, voices, known photos/recordings), run by the media pipeline.
MAMORI_MEDIA_DETECTORS = {
    "media.face_detector.FaceMatchDetector": 100,
    "media.face_detector.KnownPhotoDetector": 110,
    "media.voice_detector.VoiceMatchDetector": 200,
    "media.voice_detector.KnownRecordingDetector": 210,
}

# Source types of [[sources]] entries: type -> spider class.
MAMORI_SOURCE_TYPES = {
    "rss": "spiders.rss.FeedSpider",
    "reddit": "spiders.reddit.RedditSpider",
    "mastodon": "spiders.mastodon.MastodonSpider",
    "bluesky": "spiders.bluesky.BlueskySpider",
    "hackernews": "spiders.hackernews.HackerNewsSpider",
    "youtube": "spiders.youtube.YouTubeSpider",
    "jp_board": "spiders.jp_board.BoardSpider",
    "forum": "spiders.forum.ForumSpider",
    "js_page": "spiders.js_page.JsPageSpider",
}

# Index backends of [index] backend = "...".
MAMORI_INDEX_BACKENDS = {
    "tantivy": "index.tantivy_index.TantivyIndex",
    "elasticsearch": "index.elasticsearch_index.ElasticsearchIndex",
}

# Index every crawled post, not only hits (posts with findings).
MAMORI_INDEX_ALL_POSTS = False

# Periodic tasks of the daemon: dotted path of ``func(config)`` -> interval in seconds
# (None switches one off).
MAMORI_DAEMON_TASKS: dict[str, float | None] = {
    # Re-fetch URLs with a takedown requested; removed posts update their case.
    "cases.recheck.recheck_removals": 6 * 3600,
    # Court-ready captures of queued hits (a child process running Chromium).
    "crawler.tasks.capture_evidence": 10,
    # Delete expired evidence (no case, or a case closed longer than the hold).
    "crawler.tasks.evidence_retention": 24 * 3600,
}

# Posts per state-database transaction during a crawl, and the longest wait before one is
# committed (see crawler/batch.py).
MAMORI_BATCH_SIZE = 500
MAMORI_BATCH_SECONDS = 2.0

# Garbage collection in a crawl process: start-up objects are frozen when the spider opens,
# and the young generation is collected after this many allocations (Python's default is
# 700, made for programs with fewer short-lived objects than feed parsing); empty: default.
MAMORI_GC_THRESHOLD = [20000, 50, 100]

# Text detection in a worker process (0: in the crawl process), in batches of posts, started
# only after the first posts of a crawl (small crawls never fork it); see crawler/detect_worker.py.
MAMORI_DETECT_WORKERS = 1
MAMORI_DETECT_BATCH = 100
MAMORI_DETECT_WORKER_AFTER = 500
