"""Pages that are not articles and do not change: contact, video-only, photo gallery,
admin login, the English edition, and the robots-disallowed /private/ article."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from corpus.demosite import chrome
from corpus.demosite.chrome import esc
from corpus.demosite.content import Article, english_article, slugify


def fixed_routes(site, when: datetime) -> dict:
    """Routes of the fixed pages; fills their entries of ``site.urls``."""
    routes = {}
    pages = {
        "contact": ("Liên hệ", contact(site)),
        "video": ("Video: Toàn cảnh hội nghị Tỉnh ủy", VIDEO),
        "gallery": ("Phóng sự ảnh: Sắc màu quê hương", gallery()),
        "admin": ("Đăng nhập hệ thống quản trị", ADMIN),
    }
    for name, (title, main) in pages.items():
        path = site.paths[name].format(slug=slugify(title), id=4321)
        routes[path] = (lambda q, t=title, m=main: site.html(site.page(t, m)), False)
        site.urls[name] = site.url(path)
    en = english_article(site.key, f"{site.province} sets key targets for the year", when)
    path = site.paths["english"].format(slug=slugify(en.title), id=8765)
    routes[path] = (lambda q: site.html(site.page(en.title, english(en), sidebar=False)), False)
    site.urls["english"] = site.url(path)
    private = site.place(replace(site.writer.article(50_000, list(site.categories), when),
                                 title="Dự thảo báo cáo nội bộ (không công bố)"), 5555)
    path = site.paths["private"].format(slug=slugify(private.title), id=5555)
    routes[path] = (lambda q: site.html(site.page(private.title, site.article_main(private))), False)
    site.urls["private"] = site.url(path)
    return routes


def contact(site) -> str:
    return (f'<div class="contact"><h1>Liên hệ {esc(site.name)}</h1>\n'
            f"<p>Địa chỉ: Tòa soạn {esc(site.name)}, tỉnh {esc(site.province)}.</p>\n"
            f"<p>Điện thoại: <a href=\"tel:{site.phone.replace(' ', '')}\">{site.phone}</a> - "
            f'Email: <a href="mailto:{site.email}">{site.email}</a></p>\n'
            + chrome.comment_form("/lien-he/gui", "Gửi thư cho tòa soạn") + "</div>\n")


VIDEO = ('<div class="video-detail"><h1>Video: Toàn cảnh hội nghị Tỉnh ủy</h1>\n'
         '<video controls width="720" poster="/images/video/poster-4321.jpg">'
         '<source src="/database/video/20231128-hoi-nghi.mp4" type="video/mp4"></video>\n'
         '<p class="video-desc">Thời lượng 03:45.</p></div>\n')

ADMIN = ('<form class="login" method="post" action="/admin/login"><h1>Đăng nhập</h1>\n'
         '<input name="user" placeholder="Tên đăng nhập"><input type="password" name="pass">\n'
         "<button>Đăng nhập</button></form>\n")


def gallery() -> str:
    shots = "".join(f'<figure class="photo"><img src="/images/gallery/anh-{i}.jpg" alt="Ảnh {i}">'
                    f"<figcaption>Ảnh {i}: Cánh đồng lúa mùa nước nổi. Ảnh: HD</figcaption></figure>\n"
                    for i in range(1, 9))
    return f'<div class="gallery"><h1>Phóng sự ảnh: Sắc màu quê hương</h1>\n{shots}</div>\n'


def english(a: Article) -> str:
    body = "".join(f"<p>{esc(p)}</p>\n" for p in a.paragraphs)
    return (f'<div class="en-news"><h1>{esc(a.title)}</h1><p class="date">'
            f'{a.published:%B %d, %Y}</p>\n{body}<p><a href="/">Tiếng Việt</a></p></div>\n')
