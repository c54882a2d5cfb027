"""demo-dongthap: a Báo Đồng Tháp-like ASP.NET site (URLs /<cat>/<slug>-<id>.aspx).

Served in windows-1258 (HTTP header and meta agree), so decoded text carries
combining tone marks and must be NFC-normalised. No og: or meta dates: the only
date is the visible ``Cập nhật ngày: 21/03/2023 18:53:24``. Listings paginate
as ``/<cat>/trang-N.html``; the print view is ``/print/<cat>/<slug>-<id>.aspx``;
feed links carry utm parameters.
"""
from __future__ import annotations

import base64
import hashlib

from corpus.demosite import chrome
from corpus.demosite.chrome import esc
from corpus.demosite.content import Article, slugify
from corpus.demosite.site import Site

XHTML = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
         '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
         '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="vi" lang="vi">\n')


def viewstate(title: str) -> str:
    """A __VIEWSTATE-sized opaque blob, as WebForms pages carry."""
    seed = hashlib.sha256(title.encode("utf-8")).digest()
    return base64.b64encode(seed * 48).decode("ascii")


class DongThap(Site):
    key = "demo-dongthap"
    name = "Báo Đồng Tháp"
    province = "Đồng Tháp"
    charset = "windows-1258"
    server_header = "Microsoft-IIS/8.5"
    page_size = 12
    id_base = 48000
    seconds_in_dates = True
    categories = ("chinh-tri", "kinh-te", "nong-nghiep", "xa-hoi", "van-hoa", "quoc-phong-an-ninh")
    sitemap_index_path = "/sitemap.xml"
    feed_path = "/rss/trang-chu.rss"
    paths = {"contact": "/lien-he.aspx", "video": "/video/xem-video/{slug}-{id}.html",
             "gallery": "/phong-su-anh/{slug}-{id}.aspx", "english": "/en/{slug}-{id}.aspx",
             "private": "/private/{slug}-{id}.aspx", "admin": "/admin/"}
    email, phone = "toasoan@demo-dongthap.example.vn", "0277 3851 227"

    def article_path(self, a: Article) -> str:
        return f"/{a.category}/{slugify(a.title)}-{a.cms_id}.aspx"

    def print_path(self, a: Article) -> str:
        return "/print" + self.article_path(a)

    def old_path(self, a: Article) -> str:
        return f"/NewsDetail.aspx?ID={a.cms_id}"

    def listing_path(self, category: str, page: int) -> str:
        return f"/{category}/" + (f"trang-{page}.html" if page > 1 else "")

    def tag_path(self, slug: str) -> str:
        return f"/tu-khoa/{slug}.aspx"

    def month_path(self, year: int, month: int) -> str:
        return f"/sitemaps/sitemap_{year}_{month:02d}.xml"

    def feed_link(self, a: Article) -> str:
        return a.url + "?utm_source=rss&utm_medium=feed"

    @staticmethod
    def date_line(a: Article) -> str:
        return f"Cập nhật ngày: {a.published:%d/%m/%Y %H:%M:%S}"

    def page(self, title: str, main: str, *, canonical: str | None = None, head: str = "",
             sidebar: bool = True) -> str:
        menu = "".join(f'<td class="MenuItem"><a href="{esc(u)}">{esc(t).upper()}</a></td>\n' for u, t in self.menu())
        side = ""
        if sidebar:
            side = ('<td class="ColRight" valign="top" width="300">\n'
                    + chrome.link_list([(a.path, a.title) for a in self.newest(10)], "TinMoi", "TIN MỚI")
                    + chrome.ad_slot("phai-1", 300, 250)
                    + chrome.link_list([(a.path, a.title) for a in self.newest(24)[14:24]], "TinDocNhieu",
                                       "ĐỌC NHIỀU NHẤT")
                    + chrome.external_links(list(self.others)) + "</td>\n")
        return f"""{XHTML}<head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258" />
<title>Báo Đồng Tháp Online - {esc(title)}</title>
<meta name="keywords" content="Báo Đồng Tháp, Đồng Tháp, tin tức Đồng Tháp, ĐTO" />
<link href="/App_Themes/Default/style.css" rel="stylesheet" type="text/css" />
<script type="text/javascript" src="/js/jquery-1.8.3.min.js"></script>
<script type="text/javascript" src="/js/swfobject.js"></script>
{self.feed_head()}{head}{chrome.analytics("UA-30918215-1")}</head>
<body>
<form method="post" action="./Default.aspx" id="form1">
<div class="aspNetHidden"><input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{viewstate(title)}" />
<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="{viewstate(title)[:120]}" /></div>
<table class="Wrapper" width="1000" align="center" cellpadding="0" cellspacing="0">
<tr><td class="Banner" colspan="2"><a href="/"><img src="/Images/banner_dto.jpg" alt="Báo Đồng Tháp Online" /></a>
<div class="TopLinks"><a href="/">Trang chủ</a> | <a href="{esc(self.urls.get("english", "/en/"))}">English</a> |
<a href="{esc(self.feed_path)}">RSS</a> | <a href="javascript:void(0)" onclick="AddFavorite()">Lưu trang</a></div>
</td></tr>
<tr><td colspan="2"><table class="Menu"><tr><td class="MenuItem"><a href="/">TRANG CHỦ</a></td>
{menu}<td class="MenuItem"><a href="{esc(self.urls.get("video", "/"))}">VIDEO</a></td>
<td class="MenuItem"><a href="{esc(self.urls.get("gallery", "/"))}">PHÓNG SỰ ẢNH</a></td></tr></table>
<div class="SearchBox"><input type="text" name="txtSearch" /><a href="{self.search_path}?q=">Tìm kiếm</a></div></td></tr>
<tr><td class="ColMain" valign="top">
{main}</td>
{side}</tr>
<tr><td class="Footer" colspan="2">
<p>BÁO ĐỒNG THÁP ĐIỆN TỬ - Cơ quan của Đảng bộ Đảng Cộng sản Việt Nam tỉnh Đồng Tháp</p>
<p>Giấy phép số 99/GP-BTTTT (bản thử nghiệm cho kiểm thử). Địa chỉ: 83 Nguyễn Huệ, Phường 1, TP Cao Lãnh.</p>
<p>{chrome.footer_contacts(self.email, self.phone)} | <a href="{esc(self.urls.get("contact", "/"))}">Liên hệ</a> |
<a href="/admin/">Đăng nhập</a></p>
<p>Ghi rõ nguồn "Báo Đồng Tháp Online" khi phát hành lại thông tin từ website này.</p>
</td></tr></table>
</form>
<script type="text/javascript">function AddFavorite(){{alert('Nhấn Ctrl+D để lưu trang');}}
function copyLink(){{window.prompt('Sao chép liên kết', location.href);}}</script>
</body>
</html>
"""

    def _content(self, a: Article) -> str:
        captions = {}
        for index, caption in a.captions:
            captions.setdefault(index, []).append(caption)
        out = []
        for i, p in enumerate(a.raw_paragraphs):
            out.append(f'<p style="text-align: justify;">{"<strong>" if i == 0 else ""}{esc(p)}'
                       f'{"</strong>" if i == 0 else ""}</p>\n')
            if i == a.related_inline:
                other = self.same_category(a, 1)
                if other:
                    out.append(f'<p><a href="{esc(other[0].path)}">&gt;&gt; {esc(other[0].title)}</a></p>\n')
            for n, caption in enumerate(captions.get(i, [])):
                out.append(f'<table align="center" class="image" width="500"><tr><td><img src="/Upload/'
                           f'{a.cms_id}_{i}{n}.jpg" width="500" alt="" /></td></tr>\n'
                           f'<tr><td><em>{esc(caption)}</em></td></tr></table>\n')
        if a.byline:
            out.append(f'<p style="text-align: right;"><strong>{esc(a.byline)}</strong></p>\n')
        return "".join(out)

    def article_main(self, a: Article) -> str:
        video = ""
        if a.video:
            video = (f'<div class="Video"><div class="VideoLink">{esc(a.video)}</div><div id="player"></div>\n'
                     f"<script type=\"text/javascript\">swfobject.embedSWF('/player.swf?file={esc(a.video)}', "
                     "'player', '500', '300', '9');</script></div>\n<p>&nbsp;</p>\n")
        same = "".join(f'<li><a href="{esc(b.path)}">{esc(b.title)}</a> <span class="Date">'
                       f'({b.published:%d/%m/%Y})</span></li>\n' for b in self.same_category(a, 8))
        return (f'<div class="ArticleDetail">\n<h1 class="ArticleTitle">{esc(a.title)}</h1>\n'
                f'<div class="ArticleDate">{self.date_line(a)}</div>\n{video}'
                f'<div class="ArticleContent">\n{self._content(a)}</div>\n'
                f'<div class="ArticleTags">Từ khóa: {self.tag_links(a)}</div>\n'
                '<div class="ArticleTools"><a href="javascript:history.back()">&lt; Trở về trang trước</a>\n'
                f'<a href="{esc(self.print_path(a))}" target="_blank">In bài viết</a> '
                f'<a href="mailto:?subject={esc(a.title)}">Gửi email</a></div>\n'
                + chrome.comment_form("/BinhLuan.aspx")
                + f'<div class="OtherNews"><h3>Tin cùng chuyên mục</h3><ul>\n{same}</ul></div>\n</div>\n')

    def print_page(self, a: Article) -> str:
        return (f'{XHTML}<head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258" />\n'
                f'<title>{esc(a.title)}</title><link rel="canonical" href="{esc(a.url)}" /></head>\n'
                '<body onload="window.print()"><div class="PrintPage">\n'
                f'<h1 class="ArticleTitle">{esc(a.title)}</h1><div class="ArticleDate">{self.date_line(a)}</div>\n'
                f'<div class="ArticleContent">\n{self._content(a)}</div>\n'
                '<p>Báo Đồng Tháp Online</p></div></body></html>\n')

    def item(self, a: Article) -> str:
        lead = a.paragraphs[0]
        lead = lead if len(lead) < 200 else lead[:197].rsplit(" ", 1)[0] + "..."
        return (f'<table class="NewsItem" width="100%"><tr><td width="130" valign="top"><a href="{esc(a.path)}">'
                f'<img src="/Upload/thumb_{a.cms_id}.jpg" width="120" alt="" /></a></td>\n<td valign="top">'
                f'<a class="NewsTitle" href="{esc(a.path)}">{esc(a.title)}</a> <span class="Date">'
                f'({a.published:%d/%m/%Y %H:%M})</span><br />{esc(lead)}</td></tr></table>\n')
