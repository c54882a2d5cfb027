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

from corpus.text.bylines import choose_author, site_keys
from corpus.text.clean import article_id, clean_line, decode_html, is_vietnamese, split_keywords, word_count
from corpus.text.dates import find_published, parse_iso_datetime
from corpus.text.furniture import clean_paragraphs, place_lead
from corpus.text.speedups import install as install_speedups

install_speedups()   # same output, a quarter less time (corpus.text.speedups)

MIN_WORDS = 80
# Image captions as Vietnamese CMSs mark them. Broader pruning (share, related, "caption" substrings)
# lowered F1 on the public benchmark (bench/extraction_f1.py), so only exact caption markup goes.
# Whole <figure>s go too (same F1): a figure left in readability's output makes trafilatura run
# jusText as well, a third of the extraction time on such pages.
# Caption classes seen on Vietnamese CMSs: p.img-desc, td.image_desc, div.PhotoCMS_Caption (VCCorp).
PRUNE = ["//figure", "//figcaption", "//table[contains(@class,'image')]",
         "//*[@class='caption' or contains(@class,'PhotoCMS_Caption') or contains(@class,'image_caption')"
         " or contains(@class,'img-desc') or contains(@class,'image-desc') or contains(@class,'img_desc')"
         " or contains(@class,'image_desc')]"]
# trafilatura.bare_extraction settings, chosen by measurement (bench/throughput.py --settings).
# with_metadata=False: provnews reads the metadata it needs itself (_metadata): same fields, less time.
TRAFILATURA_OPTIONS = {"fast": False, "favor_precision": True, "with_metadata": False, "prune_xpath": PRUNE,
                       "include_comments": False, "include_tables": True, "include_images": False,
                       "deduplicate": False}
# trafilatura drops these too, but only after several passes over them; JSON-LD stays (its fallback reads it).
SCRIPTS = "//script[not(@type='application/ld+json')] | //style"
# The lead (sapo) often sits outside the body container, where the extractor drops it.
LEAD = ("//*[@class][contains(concat(' ', normalize-space(@class), ' '), ' sapo ') or contains(@class, 'sapo')"
        " or contains(@class, 'lead') or contains(@class, 'chapeau') or contains(@class, 'summary')"
        " or contains(@class, 'description') or contains(@class, 'excerpt') or contains(@class, 'intro')"
        " or contains(translate(@class, 'TM', 'tm'), 'tomtat') or contains(@class, 'mota')]")
ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "blogposting", "analysisnewsarticle"}
ABSOLUTE_HREF = re.compile(r"https?://[^/?#\\]")   # scheme and a host: the base does not matter


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


# Children that end a run of loose text (a paragraph written without <p>).
BLOCK_TAGS = {"p", "div", "table", "ul", "ol", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "blockquote",
              "section", "article", "br", "hr", "form", "iframe", "center", "pre"}
MIN_LOOSE_WORDS = 5


def _wrap_loose_text(tree) -> None:
    """Text written straight into a body container that also has <p> children ("First
    paragraph<br><br><p>Second…</p>", common on Vietnamese CMSs) is dropped by trafilatura
    unless the container's class is one it knows: each such run of text (with its inline
    tags) becomes a <p>."""
    for container in tree.xpath("//*[p][text()[normalize-space()]]"):
        runs, previous, text, inline = [], None, container.text, []
        for child in container:
            if isinstance(child.tag, str) and child.tag in BLOCK_TAGS:
                runs.append((previous, text, inline))
                previous, text, inline = child, child.tail, []
            else:
                inline.append(child)
        runs.append((previous, text, inline))
        for previous, text, inline in reversed(runs):       # from the end: indices stay valid
            words = len((text or "").split()) + sum(
                len(" ".join(e.itertext()).split()) + len((e.tail or "").split()) for e in inline)
            if words < MIN_LOOSE_WORDS:
                continue
            paragraph = container.makeelement("p", {})
            paragraph.text = text
            paragraph.extend(inline)
            if previous is None:
                container.text = None
                container.insert(0, paragraph)
            else:
                previous.tail = None
                previous.addnext(paragraph)


def _title(tree) -> tuple[str | None, object]:
    """The headline and its element: the heading that the page's <title> starts with (a
    logo in <h1>, as Joomla templates print it, is not the headline), else the page's one
    <h1>, else og:title. <h2>/<h3> are read only when no <h1> matches the <title>."""
    page_title = clean_line(" ".join(tree.xpath("//title//text()")))
    h1 = [(h, clean_line(" ".join(h.itertext()))) for h in tree.xpath("//h1")]

    def matching(headings):
        return next(((text, h) for h, text in headings if len(text.split()) >= 4 and page_title.startswith(text)),
                    None)

    found = matching(h1) or matching((h, clean_line(" ".join(h.itertext()))) for h in tree.xpath("//h2 | //h3"))
    if found:
        return found
    if len(h1) == 1:
        return h1[0][1], h1[0][0]
    og = clean_line(" ".join(tree.xpath("//meta[@property='og:title']/@content")))
    anchor = next((h for h, text in h1 if og and text == og), None)
    return og or None, anchor


def _signals(tree, ld_items: list[dict]) -> dict:
    """Page-level evidence that this is a news article (cheap XPath checks)."""
    og_type = " ".join(tree.xpath("//meta[@property='og:type']/@content")).strip().lower()
    ld_types = set()
    for item in ld_items:
        types = item.get("@type", [])
        ld_types.update(t.lower() for t in ([types] if isinstance(types, str) else types) if isinstance(t, str))
    return {"og_article": og_type == "article", "ld_article": bool(ld_types & ARTICLE_TYPES),
            "lead": next((t for t in (clean_line(" ".join(e.itertext())) for e in tree.xpath(LEAD))
                          if len(t.split()) >= 12), None)}


def page_signals(tree) -> dict:
    """Article markup (og:type, JSON-LD) and the <h1> texts of a page: what ``provnews extract``
    weighs before calling a page a listing (corpus.commands.extract)."""
    return {**_signals(tree, _json_ld(tree)), "h1": [clean_line(" ".join(h.itertext())) for h in tree.xpath("//h1")]}


def _site_names(tree, ld_items: list[dict], sitename: str | None) -> list[str]:
    """What the page calls its publisher: og:site_name, JSON-LD publishers and organisation
    authors, the <title> suffix ("… - Báo Long An Online")."""
    names = [sitename] + tree.xpath("//meta[@property='og:site_name']/@content")
    for item in ld_items:
        for key in ("publisher", "author", "sourceOrganization"):
            for value in item.get(key) if isinstance(item.get(key), list) else [item.get(key)]:
                if isinstance(value, dict) and (value.get("@type") != "Person" or key == "publisher"):
                    names.append(value.get("name") if isinstance(value.get("name"), str) else None)
    page_title = " ".join(tree.xpath("//title//text()"))
    for sep in (" - ", " | ", " – "):
        if sep in page_title:
            names.append(page_title.rsplit(sep, 1)[1])
    return [clean_line(n) for n in names if n]


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


def site_keywords(tree) -> list[str]:
    """The keywords a home page declares: on many sites every article repeats them (not its own tags)."""
    return split_keywords(tree.xpath("//meta[@name='keywords' or @name='news_keywords']/@content"))


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
    ld_items = _json_ld(tree)
    signals = _signals(tree, ld_items)
    title, anchor = _title(tree)
    _unwrap_layout_tables(tree)
    _wrap_loose_text(tree)
    published = find_published(tree, anchor, ld_items)
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
    paragraphs = place_lead(clean_paragraphs(doc["text"], title), signals["lead"])
    keys = site_keys(url, _site_names(tree, ld_items, doc.get("sitename")))
    paragraphs, author = choose_author(paragraphs, [doc.get("author")], keys)
    if author is None and not options["with_metadata"] and (byline := extract_author(tree)):
        paragraphs, author = choose_author(paragraphs, [byline], keys)
    text = "\n".join(paragraphs)
    return {
        "id": article_id(text), "title": title, "author": author, "text": text,
        "published": published or (parse_iso_datetime(doc["date"]) if doc.get("date") else None),
        "language": "vi" if is_vietnamese(text) else None, "word_count": word_count(text),
        "site_name": doc.get("sitename"), "categories": [c for c in (doc.get("categories") or []) if c],
        "tags": split_keywords(doc.get("tags")), "encoding": encoding, "canonical": canonical,
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
