"""demo-longan: a Báo Long An-like site (baolongan.vn, URLs /<slug>-a<id>.html).

Date line ``28/11/2023 - 14:31`` under a "Tiếng Việt | English" switch, og:type
article and article:published_time metas, "Chia sẻ bài viết", utf-8. Category
listings paginate with ``?page=N``. It also serves an updated version of one
article at a new URL (one paragraph changed; ``revision_of`` says which).
"""
from __future__ import annotations

from dataclasses import replace

from corpus.demosite import chrome
from corpus.demosite.chrome import esc
from corpus.demosite.content import Article, slugify
from corpus.demosite.site import Site


class LongAn(Site):
    key = "demo-longan"
    name = "Báo Long An"
    province = "Long An"
    server_header = "nginx/1.18.0"
    page_size = 15
    id_base = 140000
    categories = ("chinh-tri", "kinh-te", "nong-nghiep", "xa-hoi", "van-hoa", "quoc-phong-an-ninh")
    parents = {"nong-nghiep": "kinh-te"}
    sitemap_index_path = "/sitemap.xml"
    feed_path = "/rss/tin-moi.rss"
    paths = {"contact": "/lien-he.html", "video": "/video/{slug}-v{id}.html", "gallery": "/anh/{slug}-g{id}.html",
             "english": "/en/{slug}-a{id}.html", "private": "/private/{slug}-a{id}.html", "admin": "/admin/"}
    email, phone = "toasoan@demo-longan.example.vn", "0272 3826 303"

    # --- URL shapes ---
    def _section(self, category: str) -> str:
        return f"{self.parents[category]}/{category}" if category in self.parents else category

    def article_path(self, a: Article) -> str:
        return f"/{slugify(a.title)}-a{a.cms_id}.html"

    def print_path(self, a: Article) -> str:
        return self.article_path(a) + "?print=1"

    def old_path(self, a: Article) -> str:
        return f"/tin-tuc/{a.cms_id}.html"

    def listing_path(self, category: str, page: int) -> str:
        return f"/{self._section(category)}/" + (f"?page={page}" if page > 1 else "")

    def tag_path(self, slug: str) -> str:
        return f"/tags/{slug}.html"

    def month_path(self, year: int, month: int) -> str:
        return f"/sitemap/{year}-{month:02d}.xml"

    def specials(self, articles: list[Article], syndicate: Article | None) -> list[Article]:
        original = articles[3]
        revised = self.writer.revise(original, 0)
        return [replace(self.place(revised, self.new_id()), revision_of=original.url)]

    def robots(self) -> str:
        return "User-agent: GPTBot\nDisallow: /\n\n" + super().robots()

    # --- look ---
    @staticmethod
    def date_line(a: Article) -> str:
        return f"{a.published:%d/%m/%Y - %H:%M}"

    def page(self, title: str, main: str, *, canonical: str | None = None, head: str = "",
             sidebar: bool = True) -> str:
        menu = "".join(
            f'<li class="menu-item"><a href="{esc(u)}">{esc(t)}</a>'
            + ('<ul class="sub-menu"><li><a href="/kinh-te/nong-nghiep/">Nông nghiệp</a></li></ul>'
               if u == "/kinh-te/" else "")
            + "</li>\n" for u, t in self.menu())
        side = ""
        if sidebar:
            side = ('<aside class="col-right">\n' + chrome.ad_slot("right-top", 300, 600)
                    + chrome.link_list([(a.path, a.title) for a in self.newest(10)], "box-latest", "Tin mới nhất")
                    + chrome.link_list([(a.path, a.title) for a in self.newest(20)[12:20]], "box-most", "Đọc nhiều")
                    + chrome.external_links(list(self.others)) + chrome.ad_slot("right-bottom", 300, 250)
                    + "</aside>\n")
        return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} - Báo Long An Online</title>
<meta name="keywords" content="Báo Long An, tin tức Long An, Long An online, thời sự Long An">
<meta name="description" content="{esc(title)}">
<link rel="shortcut icon" href="/favicon.ico">
<link rel="stylesheet" href="/Content/css/bootstrap.min.css?v=4.6">
<link rel="stylesheet" href="/Content/css/style.css?v=20231128">
{self.feed_head()}{head}<style>.top-bar{{background:#0a5db3;color:#fff}}.menu-item:hover .sub-menu{{display:block}}</style>
{chrome.analytics("G-LA8X2Q7T1N")}</head>
<body class="page">
{chrome.FACEBOOK_SDK}<div class="top-bar"><div class="container">
<span class="hotline">Đường dây nóng: <a href="tel:{self.phone.replace(" ", "")}">{self.phone}</a></span>
<span class="lang"><a href="/">Tiếng Việt</a> | <a href="{esc(self.urls.get("english", "/en/"))}">English</a></span>
</div></div>
<header class="header"><div class="container">
<a class="logo" href="/"><img src="/Content/images/logo-baolongan.png" alt="Báo Long An Online"></a>
{chrome.ad_slot("header", 728, 90)}<form class="search" action="{self.search_path}" method="get">
<input type="text" name="q" placeholder="Tìm kiếm..."><button type="submit">Tìm</button></form>
</div></header>
<nav class="main-nav"><div class="container"><ul class="menu">
<li class="menu-item home"><a href="/">Trang chủ</a></li>
{menu}<li class="menu-item"><a href="{esc(self.urls.get("video", "/"))}">Video</a></li>
<li class="menu-item"><a href="{esc(self.urls.get("gallery", "/"))}">Ảnh</a></li>
</ul></div></nav>
<div class="container main"><div class="row"><div class="col-left">
{main}</div>
{side}</div></div>
<footer class="footer"><div class="container">
<p><strong>BÁO LONG AN - CƠ QUAN CỦA ĐẢNG BỘ ĐẢNG CỘNG SẢN VIỆT NAM TỈNH LONG AN</strong></p>
<p>Giấy phép hoạt động báo điện tử số 123/GP-BTTTT (bản thử nghiệm cho kiểm thử). Tổng Biên tập: Nguyễn Văn A.</p>
<p>Địa chỉ: 05 Võ Văn Tần, Phường 2, Thành phố Tân An, Long An. {chrome.footer_contacts(self.email, self.phone)}</p>
<p><a href="{esc(self.urls.get("contact", "/"))}">Liên hệ</a> | <a href="/admin/">Quản trị</a> |
<a href="{esc(self.feed_path)}">RSS</a></p>
</div></footer>
<script src="/Content/js/jquery-3.6.0.min.js"></script>
<script src="/Content/js/main.js?v=20231128"></script>
<script>function copyLink(){{navigator.clipboard.writeText(location.href);}}</script>
</body>
</html>
"""

    def article_head(self, a: Article) -> str:
        tags = "".join(f'<meta property="article:tag" content="{esc(t)}">\n' for t in a.tags)
        return (f'<meta property="og:type" content="article">\n<meta property="og:title" content="{esc(a.title)}">\n'
                f'<meta property="og:url" content="{esc(a.url)}">\n'
                f'<meta property="og:image" content="{self.origin}/Upload/news/{a.cms_id}/anh-1.jpg">\n'
                f'<meta property="og:description" content="{esc(a.paragraphs[0][:200])}">\n'
                f'<meta property="article:published_time" content="{a.published.isoformat()}">\n'
                f'<meta property="article:section" content="{esc(a.category_name)}">\n{tags}')

    def _content(self, a: Article) -> str:
        captions = {}
        for index, caption in a.captions:
            captions.setdefault(index, []).append(caption)
        out = []
        for i, p in enumerate(a.raw_paragraphs):
            if i:
                out.append(f'<p style="text-align: justify;">{esc(p)}</p>\n')
            for n, caption in enumerate(captions.get(i, [])):
                out.append(f'<table class="image center"><tbody><tr><td><img src="/Upload/news/{a.cms_id}/'
                           f'anh-{i}-{n}.jpg" alt="{esc(caption)}" width="640"></td></tr>\n'
                           f'<tr><td class="image_desc">{esc(caption)}</td></tr></tbody></table>\n')
        if a.byline:
            out.append(f'<p style="text-align: right;"><strong>{esc(a.byline)}</strong></p>\n')
        return "".join(out)

    def article_main(self, a: Article) -> str:
        related = [(b.path, b.title) for b in self.related(a)]
        same = [(b.path, b.title) for b in self.same_category(a)]
        return (f'<div class="detail-news">\n<div class="breadcrumb"><a href="/">Trang chủ</a> » '
                f'<a href="{esc(self.listing_path(a.category, 1))}">{esc(a.category_name)}</a></div>\n'
                f'<div class="lang-switch"><a href="{esc(a.path)}">Tiếng Việt</a> | '
                f'<a href="{esc(self.urls.get("english", "/en/"))}">English</a></div>\n'
                f'<div class="date-detail">{self.date_line(a)}</div>\n'
                f'<h1 class="title-detail">{esc(a.title)}</h1>\n'
                f'<div class="sapo-detail">{esc(a.raw_paragraphs[0])}</div>\n'
                f'<div class="content-detail" id="content-detail">\n{self._content(a)}</div>\n'
                + chrome.share_links(a.url, a.title, self.print_path(a))
                + f'<div class="tags-detail"><span>Từ khóa:</span> {self.tag_links(a)}</div>\n'
                + chrome.link_list(related, "tin-lien-quan", "Tin liên quan")
                + chrome.comment_form("/binh-luan/gui")
                + chrome.link_list(same, "tin-cung-chuyen-muc", "Tin cùng chuyên mục") + "</div>\n")

    def print_page(self, a: Article) -> str:
        return (f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"><title>{esc(a.title)}</title>\n'
                f'<link rel="canonical" href="{esc(a.url)}"><meta name="robots" content="noindex">\n'
                '<link rel="stylesheet" href="/Content/css/print.css"></head>\n<body onload="window.print()">\n'
                '<div class="print-header"><img src="/Content/images/logo-baolongan.png" alt="Báo Long An"></div>\n'
                f'<div class="date-detail">{self.date_line(a)}</div>\n<h1>{esc(a.title)}</h1>\n'
                f'<div class="sapo-detail">{esc(a.raw_paragraphs[0])}</div>\n'
                f'<div class="content-detail">\n{self._content(a)}</div>\n'
                f'<p class="source">Nguồn: {esc(a.url)}</p>\n</body></html>\n')

    def item(self, a: Article) -> str:
        lead = a.paragraphs[0]
        lead = lead if len(lead) < 220 else lead[:217].rsplit(" ", 1)[0] + "..."
        return (f'<div class="item-news"><a class="thumb" href="{esc(a.path)}"><img src="/Upload/thumbs/'
                f'{a.cms_id}.jpg" alt="{esc(a.title)}"></a>\n<h3 class="title-news"><a href="{esc(a.path)}">'
                f'{esc(a.title)}</a></h3>\n<span class="time">{self.date_line(a)}</span>\n'
                f'<p class="sapo">{esc(lead)}</p></div>\n')
