"""Sitemaps (an index of monthly sitemaps, the oldest month gzipped) and the RSS or Atom feed."""
from __future__ import annotations

import gzip
from email.utils import format_datetime

from corpus.demosite.chrome import esc
from corpus.demosite.response import Response, http_date

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def month_path(site, ym: tuple[int, int]) -> str:
    return site.month_path(*ym) + (".gz" if ym == site.gz_month else "")


def month_sitemap(site, st, ym: tuple[int, int]) -> Response:
    rows = "".join(f"<url><loc>{esc(a.url)}</loc><lastmod>{a.published.isoformat()}</lastmod>"
                   "<changefreq>monthly</changefreq><priority>0.8</priority></url>\n"
                   for a in st.by_month[ym])
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{rows}</urlset>\n'
    headers = {"Last-Modified": http_date(st.by_month[ym][0].published)}
    if ym == site.gz_month:
        headers["Content-Type"] = "application/x-gzip"
        return Response(200, gzip.compress(xml.encode("utf-8"), mtime=0), headers)
    return site.text(xml, "application/xml; charset=utf-8", headers)


def sitemap_index(site, st, months: list[tuple[int, int]]) -> Response:
    rows = "".join(f"<sitemap><loc>{esc(site.url(month_path(site, ym)))}</loc>"
                   f"<lastmod>{st.by_month[ym][0].published.isoformat()}</lastmod></sitemap>\n"
                   for ym in reversed(months))
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n{rows}</sitemapindex>\n'
    return site.text(xml, "application/xml; charset=utf-8", {"Last-Modified": http_date(st.newest[0].published)})


def feed(site, st) -> Response:
    """The 20 newest articles, RSS 2.0 or Atom as the site has it."""
    items, updated = st.newest[:20], st.newest[0].published
    headers = {"Last-Modified": http_date(updated)}
    if site.feed_atom:
        entries = "".join(
            f"<entry><title>{esc(a.title)}</title><link rel=\"alternate\" href=\"{esc(site.feed_link(a))}\"/>"
            f"<id>{esc(a.url)}</id><published>{a.published.isoformat()}</published>"
            f"<updated>{a.published.isoformat()}</updated>"
            f"<author><name>{esc(a.byline or site.name)}</name></author>"
            f"<summary>{esc(a.paragraphs[0])}</summary></entry>\n" for a in items)
        xml = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">\n'
               f"<title>{esc(site.name)} - Tin mới</title><id>{esc(site.base_url)}</id>"
               f'<link rel="self" href="{esc(site.url(site.feed_path))}"/><link href="{esc(site.base_url)}"/>'
               f"<updated>{updated.isoformat()}</updated>\n{entries}</feed>\n")
        return site.text(xml, "application/atom+xml; charset=utf-8", headers)
    entries = "".join(
        f"<item><title>{esc(a.title)}</title><link>{esc(site.feed_link(a))}</link>"
        f'<guid isPermaLink="true">{esc(a.url)}</guid>'
        f"<description><![CDATA[<img src=\"/images/thumb/{a.cms_id}.jpg\" /> {a.paragraphs[0]}]]></description>"
        f"<pubDate>{format_datetime(a.published)}</pubDate></item>\n" for a in items)
    xml = ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">\n<channel>\n'
           f"<title>{esc(site.name)} - Tin mới</title><link>{esc(site.base_url)}</link>"
           f"<description>Tin tức mới nhất của {esc(site.name)}</description><language>vi-VN</language>"
           f"<lastBuildDate>{format_datetime(updated)}</lastBuildDate>\n{entries}</channel>\n</rss>\n")
    return site.text(xml, "application/rss+xml; charset=utf-8", headers)


def feed_head(site) -> str:
    """The <link rel="alternate"> every page carries."""
    kind = "application/atom+xml" if site.feed_atom else "application/rss+xml"
    return f'<link rel="alternate" type="{kind}" title="{esc(site.name)} - Tin mới" href="{esc(site.feed_path)}">\n'
