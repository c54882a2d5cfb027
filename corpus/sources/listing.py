"""Dates that listing pages print next to their links, so ``--since`` can skip old articles unfetched.

Vietnamese news CMSs print each teaser as a small block: a thumbnail link, the
headline link and a date line, all about one article::

    <div class="item-news"><a href="/x-a140056.html"><img></a>
      <h3><a href="/x-a140056.html">…</a></h3><span class="time">28/11/2023 - 14:31</span>…</div>
    <td><a class="NewsTitle" href="/chinh-tri/x-48035.aspx">…</a> <span class="Date">(14/04/2023 08:15)</span>

(the demo outlets' listings, modelled on Báo Long An, Báo Đồng Tháp and the
provincial portals). A link's date is the one date printed in the smallest
enclosing block that links to nothing else; a block with several links or
several dates says nothing, so a link is skipped only on clear evidence.
"""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urljoin

from corpus.text.clean import clean_line
from corpus.text.dates import find_dates, parse_vn_datetime

MAX_LEVELS = 4          # teaser blocks are shallow; the list around them links to many articles


def listing_dates(tree, url: str) -> dict[str, datetime]:
    """Absolute link URL -> the date its teaser block prints (Vietnam time), for the links that have one."""
    dates: dict[str, datetime] = {}
    for anchor in tree.xpath("//a[@href]"):
        href = urljoin(url, anchor.get("href").strip())
        if href in dates:
            continue
        block = anchor
        for _ in range(MAX_LEVELS):
            block = block.getparent()
            if block is None:
                break
            links = {urljoin(url, h.strip()) for h in block.xpath(".//a/@href")}
            if links != {href}:
                break
            texts = [clean_line(t) for t in block.xpath(".//text()[not(ancestor::a)]")]
            found = [t for t in texts if find_dates(t)]
            if len(found) == 1 and (when := parse_vn_datetime(found[0])):
                dates[href] = when
                break
            if len(found) > 1:
                break
    return dates
