"""demo-vinhphuc: a Vĩnh Phúc provincial-portal-like DotNetNuke site (URLs /vi-vn/tin-tuc/<cat>/<slug>-<id>.html).

Articles from 2021 on use the current template: JSON-LD NewsArticle and the date
line ``Chính trị - Ngày đăng : 16:58, 25/09/2021``. Older ones keep the
migrated template: ``Thứ Sáu, 10/05/2019 14:18`` and no JSON-LD. Listings
paginate as ``.../currentpage/N``; the feed is Atom; the print view is
``?view=print``. Specials: a copy of a demo-longan article ("Theo Báo Long An",
``copy_of``), every fourth article's text in NFD, and one page whose HTTP header
says iso-8859-1 while its bytes and its <meta charset> are utf-8 (the meta is right).
"""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from corpus.demosite import chrome
from corpus.demosite.chrome import esc
from corpus.demosite.content import Article, slugify
from corpus.demosite.site import Site

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
LYING_INDEX, NFD_EVERY = 2, 4


class VinhPhuc(Site):
    key = "demo-vinhphuc"
    name = "Cổng Thông tin điện tử tỉnh Vĩnh Phúc"
    province = "Vĩnh Phúc"
    kind = "portal"
    server_header = "Microsoft-IIS/10.0"
    page_size = 10
    id_base = 20000
    categories = ("chinh-tri", "kinh-te", "xa-hoi", "van-hoa", "quoc-phong-an-ninh")
    sitemap_index_path = "/sitemap_index.xml"
    feed_path = "/vi-vn/rss/tin-moi.atom"
    feed_atom = True
    paths = {"contact": "/vi-vn/lien-he", "video": "/vi-vn/multimedia/video/{slug}-{id}.html",
             "gallery": "/vi-vn/Multimedia/Images/{slug}-{id}.html", "english": "/en/news/{slug}-{id}.html",
             "private": "/private/{slug}-{id}.html", "admin": "/admin/"}
    email, phone = "congtt@demo-vinhphuc.example.vn", "0211 3862 480"

    def article_path(self, a: Article) -> str:
        return f"/vi-vn/tin-tuc/{a.category}/{slugify(a.title)}-{a.cms_id}.html"

    def print_path(self, a: Article) -> str:
        return self.article_path(a) + "?view=print"

    def old_path(self, a: Article) -> str:
        return f"/Default.aspx?tabid=120&ch=0&ItemID={a.cms_id}"

    def listing_path(self, category: str, page: int) -> str:
        return f"/vi-vn/tin-tuc/{category}/" + (f"currentpage/{page}" if page > 1 else "")

    def tag_path(self, slug: str) -> str:
        return f"/vi-vn/tags/{slug}"

    def month_path(self, year: int, month: int) -> str:
        return f"/vi-vn/sitemap/{year}-{month:02d}.xml"

    def mark(self, index: int, draft: Article) -> Article:
        return replace(draft, nfd=index % NFD_EVERY == NFD_EVERY - 1)

    def specials(self, articles: list[Article], syndicate: Article | None) -> list[Article]:
        self.urls["lying_charset"] = articles[LYING_INDEX].url
        self.urls["nfd"] = articles[NFD_EVERY - 1].url
        if syndicate is None:
            return []
        copy = replace(syndicate, site=self.key, author=None, credit="Theo Báo Long An", copy_of=syndicate.url,
                       published=syndicate.published + timedelta(hours=3), related_inline=None, video=None)
        placed = self.place(copy, self.new_id())
        self.urls["syndicated"] = placed.url
        return [placed]

    def header_charset(self, a: Article) -> str:
        return "iso-8859-1" if a.path == self.state.articles[LYING_INDEX].path else self.charset

    @staticmethod
    def current_template(a: Article) -> bool:
        return a.published.year >= 2021

    def date_line(self, a: Article) -> str:
        if self.current_template(a):
            return f"{esc(a.category_name)} - Ngày đăng : {a.published:%H:%M, %d/%m/%Y}"
        return f"{WEEKDAYS[a.published.weekday()]}, {a.published:%d/%m/%Y %H:%M}"

    def page(self, title: str, main: str, *, canonical: str | None = None, head: str = "",
             sidebar: bool = True) -> str:
        menu = "".join(f'<li><a href="{esc(u)}">{esc(t)}</a></li>\n' for u, t in self.menu())
        side = ""
        if sidebar:
            side = ('<div id="dnn_RightPane" class="RightPane">\n'
                    + chrome.link_list([(a.path, a.title) for a in self.newest(8)], "tin-moi", "Tin mới cập nhật")
                    + chrome.ad_slot("dich-vu-cong", 300, 120)
                    + chrome.link_list([(a.path, a.title) for a in self.newest(18)[10:18]], "tin-noi-bat",
                                       "Tin nổi bật")
                    + chrome.external_links(list(self.others)) + "</div>\n")
        return f"""<!DOCTYPE html>
<html lang="vi-VN">
<head id="Head">
<meta charset="utf-8">
<meta content="text/html; charset=UTF-8" http-equiv="Content-Type">
<title>{esc(title)} - {esc(self.name)}</title>
<meta name="DESCRIPTION" content="Cổng Thông tin điện tử tỉnh Vĩnh Phúc">
<meta name="GENERATOR" content="DotNetNuke">
<link href="/Portals/_default/default.css?cdv=412" rel="stylesheet">
<link href="/Portals/0/skins/vinhphuc/skin.css?cdv=412" rel="stylesheet">
<script src="/Resources/libraries/jQuery/03_05_01/jquery.js?cdv=412"></script>
{self.feed_head()}{head}{chrome.analytics("G-VP0C2TTDT1")}</head>
<body id="Body">
<form method="post" action="/vi-vn" id="Form">
<div class="top-links"><a href="/">Trang chủ</a> | <a href="{esc(self.urls.get("english", "/en/"))}">English</a> |
<a href="{esc(self.urls.get("contact", "/"))}">Liên hệ</a> | <a href="/admin/">Đăng nhập</a></div>
<div class="banner"><a href="/"><img src="/Portals/0/banner-vinhphuc.png" alt="{esc(self.name)}"></a></div>
<div class="menu"><ul class="topnav"><li><a href="/">Trang chủ</a></li>
<li class="has-sub"><a href="{esc(self.listing_path(self.categories[0], 1))}">Tin tức - Sự kiện</a><ul>
{menu}</ul></li>
<li><a href="{esc(self.urls.get("video", "/"))}">Video</a></li>
<li><a href="{esc(self.urls.get("gallery", "/"))}">Thư viện ảnh</a></li></ul>
<div class="search"><input name="q" type="text" placeholder="Nhập từ khóa"><a href="{self.search_path}?q=" 
onclick="location.href='{self.search_path}?q='+encodeURIComponent(this.previousSibling.value);return false;">Tìm</a></div>
</div>
<div class="container"><div id="dnn_ContentPane" class="ContentPane"><div class="DnnModule">
<div id="dnn_ctr1320_ContentPane">
{main}</div></div></div>
{side}</div>
<div class="footer"><p>CỔNG THÔNG TIN ĐIỆN TỬ TỈNH VĨNH PHÚC (bản thử nghiệm cho kiểm thử)</p>
<p>Cơ quan chủ quản: UBND tỉnh Vĩnh Phúc. Địa chỉ: 38 Nguyễn Trãi, TP Vĩnh Yên.</p>
<p>{chrome.footer_contacts(self.email, self.phone)}</p>
<p>Ghi rõ nguồn "Cổng TTĐT tỉnh Vĩnh Phúc" khi phát hành lại thông tin từ cổng này.</p></div>
<input name="ScrollTop" type="hidden" id="ScrollTop"><input name="__dnnVariable" type="hidden" id="__dnnVariable"
value="`{{`__scdoff`:`1`,`sf_siteRoot`:`/vi-vn/`,`sf_tabId`:`120`}}">
</form>
<script>function copyLink(){{navigator.clipboard.writeText(location.href);}}</script>
</body>
</html>
"""

    def article_head(self, a: Article) -> str:
        if not self.current_template(a):
            return ""
        data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
                "datePublished": a.published.isoformat(), "dateModified": a.published.isoformat(),
                "mainEntityOfPage": a.url, "articleSection": a.category_name,
                "image": [f"{self.origin}/Portals/0/News/{a.cms_id}/anh-dai-dien.jpg"],
                "publisher": {"@type": "Organization", "name": self.name,
                              "logo": {"@type": "ImageObject", "url": f"{self.origin}/Portals/0/logo.png"}}}
        if a.byline:
            data["author"] = {"@type": "Person", "name": a.byline}
        return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>\n'

    def _content(self, a: Article) -> str:
        captions = {}
        for index, caption in a.captions:
            captions.setdefault(index, []).append(caption)
        out = []
        for i, p in enumerate(a.raw_paragraphs):
            if i:
                out.append(f"<p>{esc(p)}</p>\n")
            for n, caption in enumerate(captions.get(i, [])):
                out.append(f'<figure class="image"><img src="/Portals/0/News/{a.cms_id}/anh-{i}{n}.jpg" '
                           f'alt="{esc(caption)}"><figcaption>{esc(caption)}</figcaption></figure>\n')
        return "".join(out)

    def article_main(self, a: Article) -> str:
        related = [(b.path, b.title) for b in self.related(a)]
        others = [(b.path, b.title) for b in self.same_category(a)]
        author = f'<div class="author">{esc(a.byline)}</div>\n' if a.byline else ""
        tools = (chrome.share_links(a.url, a.title, self.print_path(a), "Chia sẻ")
                 + f'<div class="tags">Từ khóa: {self.tag_links(a)}</div>\n'
                 + chrome.link_list(related, "tin-lien-quan", "Tin liên quan")
                 + chrome.link_list(others, "tin-khac", "Các tin khác"))
        if self.current_template(a):
            return (f'<div class="news-detail">\n<h1 class="title">{esc(a.title)}</h1>\n'
                    f'<div class="meta">{self.date_line(a)}</div>\n'
                    f'<div class="summary"><p>{esc(a.raw_paragraphs[0])}</p></div>\n'
                    f'<div class="content">\n{self._content(a)}</div>\n{author}{tools}</div>\n')
        return (f'<table class="tblDetail" width="100%"><tr><td><span class="date">{self.date_line(a)}</span>'
                f'</td></tr>\n<tr><td><h2 class="TieuDe">{esc(a.title)}</h2></td></tr>\n'
                f'<tr><td class="TomTat"><b>{esc(a.raw_paragraphs[0])}</b></td></tr>\n'
                f'<tr><td class="NoiDung">\n{self._content(a)}{author}</td></tr></table>\n{tools}')

    def print_page(self, a: Article) -> str:
        return (f'<!DOCTYPE html>\n<html lang="vi-VN"><head><meta charset="utf-8"><title>{esc(a.title)}</title>\n'
                f'<link rel="canonical" href="{esc(a.url)}"></head>\n<body class="print">\n'
                f'<h1 class="title">{esc(a.title)}</h1><div class="meta">{self.date_line(a)}</div>\n'
                f'<div class="summary"><p>{esc(a.raw_paragraphs[0])}</p></div>\n'
                f'<div class="content">\n{self._content(a)}</div>\n'
                + (f'<div class="author">{esc(a.byline)}</div>\n' if a.byline else "")
                + '<script>window.print();</script></body></html>\n')

    def item(self, a: Article) -> str:
        lead = a.paragraphs[0]
        lead = lead if len(lead) < 240 else lead[:237].rsplit(" ", 1)[0] + "..."
        return (f'<div class="news-item"><a href="{esc(a.path)}"><img src="/Portals/0/News/{a.cms_id}/'
                f'thumb.jpg" alt=""></a>\n<h3><a href="{esc(a.path)}">{esc(a.title)}</a></h3>\n'
                f'<span class="date">{a.published:%d/%m/%Y}</span>\n<p>{esc(lead)}</p></div>\n')
