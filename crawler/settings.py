"""Scrapy settings for provnews: polite by default, state kept with the corpus.

Everything provnews-specific is prefixed PROVNEWS_; the rest is Scrapy's own
machinery (robots.txt, AutoThrottle, retries, size limit, depth limit).
"""
BOT_NAME = "provnews"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"   # `scrapy crawl` exits with the run's status (crawler.outcome)

USER_AGENT = "provnews/0.1 (+https://github.com/provnews/provnews; Vietnamese news corpus research crawler)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.25
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 10
DUPEFILTER_CLASS = "crawler.dupefilter.CountingDupeFilter"
DEPTH_LIMIT = 0                     # depth is limited for listings only: PROVNEWS_LISTING_DEPTH
# Scrapy runs each response's callback output through CONCURRENT_ITEMS tasks of its own (default 100, made
# afresh per response). A page here yields one item (an article page) or requests only (a listing), so one
# is as fast, without the 100 tasks per page that were a fifth of the crawl process's CPU (bench/throughput.py).
CONCURRENT_ITEMS = 1
# Scrapy's check for a callback generator that returns a value re-reads and re-parses the callback's source
# for nearly every response (its cache is keyed by the short-lived bound method): about 2 ms of the reactor's
# CPU per page. The spider's callbacks return no value (tests/test_crawl_costs.py checks it instead).
WARN_ON_GENERATOR_RETURN_VALUE = False
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.SourceBudget": 50,
    "crawler.middlewares.OffsiteRedirects": 60,   # sees the final response, after RedirectMiddleware (600)
    "crawler.archive.WarcArchiveMiddleware": 950,   # outermost: sees what the network returned
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.MetaRefresh": 580,      # Scrapy's place; no decoding of pages without the tag
    "crawler.middlewares.RobotsTxt": 100,        # Scrapy's, with the rules for every request that waited
}
ITEM_PIPELINES = {
    "crawler.pipelines.ExtractPipeline": 100,
    "crawler.pipelines.DedupPipeline": 200,
    "crawler.pipelines.ParquetWriterPipeline": 300,
}
EXTENSIONS = {
    "crawler.quietlog.QuietLog": 0,
    "crawler.outcome.ResponseCounter": 100,
    "crawler.outcome.ExitGuard": 100,
    "crawler.gcpolicy.GcPolicy": 100,
    "crawler.corpusrun.NearDuplicateGrouping": 390,
    "crawler.corpusrun.RunRecorder": 400,
    "crawler.progress.CrawlProgress": 380,    # before the summary: the live table is gone when it prints
    "crawler.summary.CrawlSummary": 500,
}
LOGSTATS_INTERVAL = 0               # crawler.progress prints its own status line instead
ADDONS = {"crawler.corpusrun.CorpusAddon": 0, "crawler.distributed.addon.RedisAddon": 0}

# Conditional requests for listings, sitemaps and feeds (article pages are never cached).
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
HTTPCACHE_STORAGE = "scrapy.extensions.httpcache.FilesystemCacheStorage"
HTTPCACHE_GZIP = True

# provnews
PROVNEWS_CORPUS = "provnews-corpus"  # corpus folder (articles/, aliases/, state/); corpus.store.parts.DEFAULT_CORPUS
PROVNEWS_SOURCES_FILE = None        # registry TOML; None = the one shipped with the package
PROVNEWS_MAX_ARTICLES = 0           # per source; 0 = no limit
PROVNEWS_MAX_PAGES = 0              # pages fetched per source; 0 = no limit
PROVNEWS_LISTING_DEPTH = 6          # listing pages further than this from the homepage are not followed
PROVNEWS_MIN_WORDS = 80             # shorter pages are not articles
PROVNEWS_EXTRACT_WORKERS = -1       # extraction processes; -1 = one per core, 0 = inline
PROVNEWS_FLUSH_ROWS = 200           # rows per Parquet part while crawling
PROVNEWS_FLUSH_SECONDS = 60         # ... or at least this often
PROVNEWS_SINCE = None               # YYYY-MM-DD: skip articles published before
PROVNEWS_LOCK_HELD = False          # True when the caller (provnews crawl) already holds the corpus lock
PROVNEWS_RUN_ID = None              # set by provnews crawl; generated otherwise
PROVNEWS_EXTRACT_SHUTDOWN_SECONDS = 10  # extraction workers still running this long after the crawl are killed
PROVNEWS_EXIT_GRACE_SECONDS = 30    # a stuck pool thread holds the exit this long at most; 0 = no guard
PROVNEWS_GC_THRESHOLD = [20000, 50, 50]   # gc.set_threshold once the engine runs (crawler.gcpolicy); [] = Python's
PROVNEWS_LOG_STARTUP = False        # log Scrapy's settings and components at start (always at LOG_LEVEL=DEBUG)
PROVNEWS_PROGRESS = "auto"          # auto: live table on a terminal, else a status line; "line"; "off"
PROVNEWS_STATUS_INTERVAL = 60       # seconds between status lines when not on a terminal
PROVNEWS_WARC_ENABLED = True        # keep every fetched response as WARC (provnews crawl --no-archive: off)
PROVNEWS_WARC_DIR = None            # None = CORPUS/warc
PROVNEWS_WARC_MAX_BYTES = 1_000_000_000   # a WARC file is closed and a new one started past this size
PROVNEWS_WARC_PREFIX = "provnews"   # WARC file names: <prefix>-<utc time>-<host>-<pid>-<random>.warc.gz
PROVNEWS_WARC_GZIP_LEVEL = 6        # zlib level of each record (1 fastest, 9 smallest: 0.6% smaller, 50-60% more CPU)

# Shared crawl (crawler/distributed/): set PROVNEWS_REDIS_URL (or scrapy-redis's REDIS_URL) to join one.
PROVNEWS_REDIS_URL = None           # redis://HOST:PORT/DB; None = crawl alone
PROVNEWS_REDIS_PREFIX = "provnews"  # Redis keys are <prefix>:<spider>:...
PROVNEWS_REDIS_LEASE_SECONDS = 30   # a worker silent this long is dead: its requests go back to the queue
PROVNEWS_REDIS_TICK_SECONDS = 0.5   # how often a worker notices finished requests and dead workers
PROVNEWS_REDIS_POLL_SECONDS = 0.05  # how often a request waiting for a politeness token asks again
PROVNEWS_REDIS_TOKEN_MAX_SECONDS = 300  # a politeness token older than this is dropped (lost release)
PROVNEWS_REDIS_DELAY = None        # set by RedisAddon from DOWNLOAD_DELAY: seconds between requests to an outlet, all workers
PROVNEWS_WORKER_ID = None           # this worker's name in the shared crawl; None = host-pid-random
