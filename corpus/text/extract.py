"""One fetched page -> one article record, or the reason it is not one.

``extract_page`` is a pure function of the page bytes (no I/O, picklable
arguments and result) so the crawler can run it in worker processes; the
inline path and the pool path give the same output.
"""
from __future__ import annotations

import functools
import json
import re
from urllib.parse import urljoin, urlsplit

import trafilatura
from htmldate import find_date
from trafilatura.metadata import (
    examine_meta, extract_author, extract_catstags, extract_meta_json, extract_sitename, extract_title,
)
from trafilatura.settings import set_date_params
from trafilatura.utils import load_html

from corpus.text.clean import (
    DATE_LINE, DATE_ONLY, article_id, clean_line, clean_paragraphs, decode_html, is_vietnamese,
    parse_iso_datetime, parse_vn_datetime, word_count,
)

MIN_WORDS = 80
# Image captions as Vietnamese CMSs mark them. Broader pruning (share, related, "caption" substrings)
# lowered F1 on the public benchmark (bench/extraction_f1.py), so only exact caption markup goes.
# Whole <figure>s go too (same F1): a figure left in readability's output makes trafilatura run
# jusText as well, a third of the extraction time on such pages.
PRUNE = ["//figure", "//figcaption", "//table[contains(@class,'image')]",
         "//*[@class='caption' or contains(@class,'PhotoCMS_Caption') or contains(@class,'image_caption')]"]
# trafilatura.bare_extraction settings, chosen by measurement (bench/throughput.py --settings).
# with_metadata=False: provnews reads the metadata it needs itself (_metadata): same fields, less time.
TRAFILATURA_OPTIONS = {"fast": False, "favor_precision": True, "with_metadata": False, "prune_xpath": PRUNE,
                       "include_comments": False, "include_tables": True, "include_images": False,
                       "deduplicate": False}
META_DATE = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//meta[@name='pubdate' or @name='publishdate' or @name='date']/@content",
    "//*[@itemprop='datePublished']/@datetime",
)
# trafilatura drops these too, but only after several passes over them; JSON-LD stays (its fallback reads it).
SCRIPTS = "//script[not(@type='application/ld+json')] | //style"
# The lead (sapo) often sits outside the body container, where the extractor drops it.
LEAD = ("//*[@class][contains(concat(' ', normalize-space(@class), ' '), ' sapo ') or contains(@class, 'sapo')"
        " or contains(@class, 'lead') or contains(@class, 'chapeau') or contains(@class, 'summary')"
        " or contains(@class, 'description') or contains(@class, 'excerpt') or contains(@class, 'intro')"
        " or contains(translate(@class, 'TM', 'tm'), 'tomtat') or contains(@class, 'mota')]")
ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "blogposting", "analysisnewsarticle"}
ABSOLUTE_HREF = re.compile(r"https?://[^/?#\\]")   # scheme and a host: the base does not matter
AUTHOR_LINE = re.compile(r"^(?:[A-ZĐÀ-Ỹ][\wà-ỹ]*\.?\s?)(?:(?:\s|\s?[-–,]\s?)[A-ZĐÀ-Ỹ][\wà-ỹ]*\.?){0,7}$")


def _json_ld(tree) -> list[dict]:
    out = []
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                out.append(item)
                stack.extend(v for v in item.get("@graph", []) if isinstance(v, dict))
    return out


def _unwrap_layout_tables(tree) -> None:
    """Old portals (DNN, ASP.NET) lay articles out in tables; the extractor would print them as
    table rows. A table holding paragraphs or headings is layout, not data: make it divs.
    Tables nested in it that hold no paragraphs (image boxes with captions) stay tables, so
    PRUNE still finds them."""
    layout = tree.xpath("//table[.//p or .//h1 or .//h2 or .//h3]")
    own_parts = [element for table in layout for element in table.iter("tbody", "thead", "tfoot", "tr", "td", "th")
                 if next(element.iterancestors("table")) is table]
    for element in layout + own_parts:
        element.tag = "div"


def _title(tree, h1: list[str]) -> str | None:
    """The headline: the page's one <h1>, else og:title, else the <title> heading it matches."""
    if len(h1) == 1:
        return h1[0]
    page_title = clean_line(" ".join(tree.xpath("//title//text()")))
    for heading in tree.xpath("//h2 | //h3"):
        text = clean_line(" ".join(heading.itertext()))
        if len(text.split()) >= 4 and page_title.startswith(text):
            return text
    og = clean_line(" ".join(tree.xpath("//meta[@property='og:title']/@content")))
    return og or None


def _signals(tree) -> dict:
    """Page-level evidence that this is a news article (cheap XPath checks)."""
    og_type = " ".join(tree.xpath("//meta[@property='og:type']/@content")).strip().lower()
    ld_types = set()
    for item in _json_ld(tree):
        types = item.get("@type", [])
        ld_types.update(t.lower() for t in ([types] if isinstance(types, str) else types) if isinstance(t, str))
    return {"og_article": og_type == "article", "ld_article": bool(ld_types & ARTICLE_TYPES),
            "h1": [clean_line(" ".join(h.itertext())) for h in tree.xpath("//h1")],
            "lead": next((t for t in (clean_line(" ".join(e.itertext())) for e in tree.xpath(LEAD))
                          if len(t.split()) >= 12), None)}


def find_published(tree, title: str | None):
    """Publication time: metadata first, then the visible Vietnamese date line near the title."""
    for xpath in META_DATE:
        for value in tree.xpath(xpath):
            parsed = parse_iso_datetime(value)
            if parsed:
                return parsed
    for item in _json_ld(tree):
        if isinstance(item.get("datePublished"), str) and (parsed := parse_iso_datetime(item["datePublished"])):
            return parsed
    texts = [clean_line(t) for t in tree.xpath(
        "//body//text()[normalize-space() and not(ancestor::script) and not(ancestor::style)]")]
    texts = [t for t in texts if t]
    title_key = (title or "").casefold()
    anchor = next((i for i, t in enumerate(texts) if title_key and t.casefold() == title_key), None)
    window = range(len(texts)) if anchor is None else sorted(
        range(max(0, anchor - 8), min(len(texts), anchor + 40)), key=lambda i: abs(i - anchor))
    dated = [(i, texts[i]) for i in window if len(texts[i]) < 90 and DATE_LINE.match(texts[i])]
    with_time = [t for _, t in dated if not DATE_ONLY.fullmatch(t.strip(" ,:"))
                 and parse_vn_datetime(t) and parse_vn_datetime(t).hour + parse_vn_datetime(t).minute]
    for text in with_time or [t for _, t in dated]:
        if parsed := parse_vn_datetime(text):
            return parsed
    return None


def _split_author(paragraphs: list[str], author: str | None) -> tuple[list[str], str | None]:
    """Vietnamese papers sign articles with a last short line of names ("Thanh Nga - Thái Bạch")."""
    if paragraphs:
        last = paragraphs[-1]
        if (author and last.casefold() == author.casefold()) or (
                len(last.split()) <= 8 and AUTHOR_LINE.match(last) and not last.startswith("Theo ")):
            return paragraphs[:-1], author or last
    return paragraphs, author


def _metadata(tree, url: str, need_title: bool, need_date: bool) -> dict:
    """trafilatura's metadata, read only as far as provnews needs it.

    trafilatura's own pass (with_metadata) spends most of its time on a date search and on a
    byline search over a copy of the tree. provnews finds title and date itself, so those run
    only as fallbacks here, and the byline search (``extract_author``) only when neither meta
    tags, JSON-LD nor the last paragraph name an author (see parse_page).
    """
    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:      # as trafilatura: one-word meta authors are site names
        meta.author = None
    meta = extract_meta_json(tree, meta)
    meta.title = (meta.title or extract_title(tree)) if need_title else None
    meta.date = find_date(tree, **set_date_params(True), url=url) if need_date else None
    meta.sitename = meta.sitename or extract_sitename(tree)
    meta.categories = meta.categories or extract_catstags("category", tree)
    meta.tags = meta.tags or extract_catstags("tag", tree)
    meta.clean_and_trim()
    return {k: getattr(meta, k) for k in ("title", "author", "date", "sitename", "categories", "tags")}


@functools.lru_cache(maxsize=1 << 14)
def _absolute_link(base_scheme: str, href: str) -> str:
    """``urljoin(base, href)`` for an ``href`` with scheme and host: that depends on the base's scheme
    only, so menus and sidebars repeated on every page of a site are joined once per worker."""
    return urljoin(base_scheme + "://", href)


def page_links(tree, url: str) -> list[str]:
    """The page's link targets, absolute, once each, in order.

    Read here because the tree is parsed here already: the crawler follows an article's links
    from this list instead of parsing the page a second time in Scrapy's reactor."""
    base = urljoin(url, (tree.xpath("//base/@href") or [""])[0].strip())
    scheme = urlsplit(base).scheme
    links = (_absolute_link(scheme, href) if ABSOLUTE_HREF.match(href) else urljoin(base, href)
             for href in (h.strip() for h in tree.xpath("//a/@href | //area/@href")))
    return list(dict.fromkeys(link for link in links if link.startswith(("http://", "https://"))))


def parse_page(body: bytes, url: str, http_charset: str | None = None, options: dict = TRAFILATURA_OPTIONS) -> dict:
    """Everything the page says about itself, with no verdict on whether it is an article.

    ``options`` are trafilatura's settings; other values are for bench/throughput.py to compare."""
    html, encoding = decode_html(body, http_charset)
    tree = load_html(html)
    if tree is None:
        return {"reason": "unparsable HTML"}
    links = page_links(tree, url)
    signals = _signals(tree)
    title = _title(tree, signals["h1"])
    _unwrap_layout_tables(tree)
    published = find_published(tree, title)
    canonical = (tree.xpath("//link[@rel='canonical']/@href") or [None])[0]
    meta = None if options["with_metadata"] else _metadata(tree, url, need_title=not title, need_date=not published)
    for element in tree.xpath(SCRIPTS):
        element.drop_tree()
    doc = trafilatura.bare_extraction(tree, url=url, **options)
    doc = doc.as_dict() if doc else None
    if not doc or not doc.get("text"):
        return {"reason": "no text", "links": links}
    doc.update(meta or {})
    title = title or clean_line(doc.get("title") or "") or None
    paragraphs, author = _split_author(clean_paragraphs(doc["text"], title),
                                       clean_line(doc["author"]) if doc.get("author") else None)
    if author is None and not options["with_metadata"] and (byline := extract_author(tree)):
        paragraphs, author = _split_author(paragraphs, clean_line(byline))
    lead = signals["lead"]
    if lead and not any(lead[:60] in p or p[:60] in lead for p in paragraphs[:3]):
        paragraphs.insert(0, lead)
    text = "\n".join(paragraphs)
    return {
        "id": article_id(text), "title": title, "author": author, "text": text,
        "published": published or (parse_iso_datetime(doc["date"]) if doc.get("date") else None),
        "language": "vi" if is_vietnamese(text) else None, "word_count": word_count(text),
        "site_name": doc.get("sitename"), "categories": [c for c in (doc.get("categories") or []) if c],
        "tags": [t for t in (doc.get("tags") or []) if t], "encoding": encoding, "canonical": canonical,
        "article_markup": signals["og_article"] or signals["ld_article"], "dated_line": published is not None,
        "links": links,
    }


def extract_page(body: bytes, url: str, http_charset: str | None = None, min_words: int = MIN_WORDS) -> dict:
    """Article fields of a page, or ``{"reason": ...}`` saying why it is not an article.

    Either way ``links`` lists the page's links for the crawler to follow."""
    if b"\x00" in body[:2048]:
        return {"reason": "binary content", "links": []}
    page = parse_page(body, url, http_charset)
    dated, marked = page.pop("dated_line", None), page.pop("article_markup", None)
    reason = page.get("reason") or (
        "too little text" if page["word_count"] < min_words else
        "not Vietnamese" if page["language"] != "vi" else
        "no article signals" if not (dated or marked) else None)
    return {"reason": reason, "links": page.get("links", [])} if reason else page
