"""Dedup: near-duplicate grouping over stored articles (exact duplicates are folded by id at store time)."""
