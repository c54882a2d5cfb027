"""Store: the corpus on disk (atomic Parquet parts, the run log and lock, compaction of small parts).

Parquet parts are the source of truth; everything else (run log, near-duplicate sidecars) can be rebuilt.
"""
