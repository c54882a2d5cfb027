"""demo-portal: a provincial portal on SharePoint/IIS, as Quảng Ninh's and Hải Dương's are.

Shapes seen on the real portals (tests/data/real_urls.tsv): an article is
``/Trang/ChiTietTinTuc.aspx?nid=<id>``, its print view ``/Trang/InTinTuc.aspx?nid=<id>``,
a listing ``/Trang/TinTuc.aspx?CatId=<n>&PageIndex=<page>``. IIS answers every
letter case of a path and of a parameter name, and the portal's own links mix
them (``/trang/chitiettintuc.aspx?NID=…`` in some boxes, ``pageindex=`` in the pager).
There is no sitemap and no feed: listings are the only way into the archive, so
a crawl that stops paging early loses articles. Layout and look are Báo Đồng
Tháp's old ASP.NET table layout (dongthap.py).
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from corpus.demosite.content import Article
from corpus.demosite.dongthap import DongThap
from corpus.demosite.response import Response


class Portal(DongThap):
    key = "demo-portal"
    name = "Cổng Thông tin điện tử tỉnh (SharePoint)"
    province = "Vĩnh Phúc"     # its articles are written as a Vĩnh Phúc outlet's (content.Writer)
    kind = "portal"
    server_header = "Microsoft-IIS/10.0"
    page_size = 4
    id_base = 113000
    categories = ("chinh-tri", "kinh-te", "xa-hoi")
    sitemap_index_path = "/_vti_bin/khong-cong-bo.xml"   # not in robots.txt: the crawl never learns of it
    feed_path = "/Trang/RSS.aspx"
    paths = {"contact": "/Trang/LienHe.aspx", "video": "/Trang/Video/{slug}-{id}.aspx",
             "gallery": "/Trang/Album/{slug}-{id}.aspx", "english": "/en/Pages/{slug}-{id}.aspx",
             "private": "/private/{slug}-{id}.aspx", "admin": "/admin/"}
    email, phone = "cttdt@demo-portal.example.vn", "0203 3835 678"

    def article_path(self, a: Article) -> str:
        return f"/Trang/ChiTietTinTuc.aspx?nid={a.cms_id}"

    def print_path(self, a: Article) -> str:
        return f"/Trang/InTinTuc.aspx?nid={a.cms_id}"

    def old_path(self, a: Article) -> str:
        return f"/Pages/NewsDetail.aspx?ID={a.cms_id}"

    def listing_path(self, category: str, page: int) -> str:
        cat_id = self.categories.index(category) + 1
        return f"/Trang/TinTuc.aspx?CatId={cat_id}" + (f"&PageIndex={page}" if page > 1 else "")

    def tag_path(self, slug: str) -> str:
        return f"/Trang/TimKiem.aspx?tag={slug}"

    def month_path(self, year: int, month: int) -> str:
        return f"/_vti_bin/sitemap-{year}-{month:02d}.xml"

    def robots(self) -> str:
        return "User-agent: *\nDisallow: /admin/\nDisallow: /private/\nAllow: /\n"

    def feed_head(self) -> str:
        return ""

    @staticmethod
    def case_variant(path: str, n: int) -> str:
        """The way the portal's boxes spell a link: as published, all lower case, or shouted parameters."""
        if n % 3 == 1:
            return path.lower()
        if n % 3 == 2:
            stem, _, query = path.partition("?")
            return stem.upper().replace(".ASPX", ".aspx") + "?" + query.replace("nid=", "NID=")
        return path

    def item(self, a: Article) -> str:
        return super().item(a).replace(f'href="{a.path}"', f'href="{self.case_variant(a.path, a.cms_id // 7)}"')

    def pager(self, category: str, page: int, pages: int) -> str:
        return super().pager(category, page, pages).replace("PageIndex=", "pageindex=", 1)

    def print_page(self, a: Article) -> str:
        """The print view prints a little more than the page: the portal's name and a print note."""
        return super().print_page(a).replace("<p>Báo Đồng Tháp Online</p>",
                                             f"<p>{self.name} - In ngày 02/05/2024</p>")

    def _routes(self, st) -> None:
        super()._routes(st)
        folded = {self.fold(path): route for path, route in st.routes.items()}
        st.routes.clear()
        st.routes.update(folded)

    @staticmethod
    def fold(target: str) -> str:
        """What IIS sees: the path in any letter case, parameter names in any case and order."""
        path, _, query = target.partition("?")
        params = sorted((k.lower(), v) for k, v in parse_qsl(query, keep_blank_values=True))
        return path.lower() + ("?" + urlencode(params) if params else "")

    def respond(self, method: str, target: str, headers: dict[str, str]) -> Response:
        return super().respond(method, self.fold(target), headers)
