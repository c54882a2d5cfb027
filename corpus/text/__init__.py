"""Text: from a fetched page to an article (decoding, trafilatura, Vietnamese dates, bylines, boilerplate).

`extract.extract_page` is the one entry point, run in the extraction worker processes; `clean` holds the
Vietnamese specifics it is built from and the content hash that keys an article.
"""
