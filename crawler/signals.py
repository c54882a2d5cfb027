"""provnews's own signals, between components that must not import each other.

``parts_flushed(started)``: ParquetWriterPipeline wrote every row it buffered before
``started`` (time.monotonic()) to a Parquet part. In a shared crawl a request's lease is
acknowledged only then: before, a worker's death would lose the article.

``flush_requested``: ask the writer to flush now (a shared crawl whose worker has nothing
left in flight, so its leases can be acknowledged and the run can end).
"""
parts_flushed = object()
flush_requested = object()
