"""Web archives: WARC files written while crawling, read back for re-extraction and import.

``writer`` keeps every fetched response as WARC records (rotated, uniquely named files);
``reader`` turns WARC/ARC files into archived pages; ``cdx`` queries a CDX server (pywb,
Common Crawl) and range-fetches its records; ``ingest`` feeds archived pages through the same
steps as a crawl (page kind -> extract in worker processes -> dedup -> store).
"""
