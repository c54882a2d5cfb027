"""Sources: the registry of outlets (data, not code), URL identity and page kinds.

The first step of the flow: which hosts belong to which outlet, which URLs are one page, and what a URL is
(article, listing, tag, video, ...) before anything is fetched.
"""
