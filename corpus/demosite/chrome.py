"""Markup every Vietnamese news CMS wraps around an article: scripts, ads, share
and print widgets, comment forms, link lists. Shared by the three layouts."""
from __future__ import annotations

from html import escape
from urllib.parse import quote


def esc(text: str) -> str:
    return escape(text, quote=True)


def analytics(tag_id: str) -> str:
    return (f'<script async src="https://www.googletagmanager.com/gtag/js?id={tag_id}"></script>\n'
            "<script>window.dataLayer = window.dataLayer || [];\n"
            "function gtag(){dataLayer.push(arguments);}\n"
            f"gtag('js', new Date());\ngtag('config', '{tag_id}');</script>\n")


FACEBOOK_SDK = ('<div id="fb-root"></div>\n<script async defer crossorigin="anonymous" '
                'src="https://connect.facebook.net/vi_VN/sdk.js#xfbml=1&amp;version=v17.0"></script>\n')


def ad_slot(name: str, width: int, height: int) -> str:
    """A banner slot as ad servers inject it (a nofollow link to another host)."""
    return (f'<div class="adv adv-{name}" id="adv-{name}" style="width:{width}px;min-height:{height}px">\n'
            f"<script>window.adsQueue = window.adsQueue || []; adsQueue.push({{zone: '{name}', "
            f"size: [{width}, {height}], lazy: true}});</script>\n"
            f'<a href="https://quangcao.example.vn/click?zone={name}" rel="nofollow sponsored" target="_blank">'
            f'<img src="/images/banner/{name}.jpg" width="{width}" height="{height}" alt="Quảng cáo"></a>\n</div>\n')


def share_links(url: str, title: str, print_url: str, label: str = "Chia sẻ bài viết") -> str:
    u, t = quote(url, safe=""), quote(title, safe="")
    return (f'<div class="share-box"><span class="share-label">{label}</span>\n'
            f'<a class="fb" href="https://www.facebook.com/sharer/sharer.php?u={u}" target="_blank" '
            'rel="nofollow">Facebook</a>\n'
            f'<a class="tw" href="https://twitter.com/intent/tweet?url={u}&amp;text={t}" target="_blank" '
            'rel="nofollow">Twitter</a>\n'
            f'<a class="zalo" href="https://sp.zalo.me/share_inline?u={u}" target="_blank" rel="nofollow">Zalo</a>\n'
            f'<a class="mail" href="mailto:?subject={t}&amp;body={u}">Gửi email</a>\n'
            f'<a class="print" href="{esc(print_url)}" target="_blank" rel="nofollow">In bài viết</a>\n'
            '<a class="copy" href="javascript:void(0)" onclick="copyLink()">Sao chép liên kết</a>\n</div>\n')


def comment_form(action: str, heading: str = "Gửi bình luận của bạn") -> str:
    return (f'<div class="comment-box" id="binh-luan"><h3 class="comment-title">{heading}</h3>\n'
            f'<form method="post" action="{esc(action)}" class="comment-form">\n'
            '<input type="text" name="fullname" placeholder="Họ và tên (*)" required>\n'
            '<input type="email" name="email" placeholder="Email (*)" required>\n'
            '<textarea name="content" rows="5" placeholder="Nội dung bình luận (*)"></textarea>\n'
            '<p class="note">Bình luận của bạn sẽ được biên tập trước khi đăng. Vui lòng gõ tiếng Việt có dấu.</p>\n'
            '<button type="submit">Gửi bình luận</button>\n</form></div>\n')


def link_list(items: list[tuple[str, str]], css: str, heading: str = "", tag: str = "h3") -> str:
    """A boxed list of (url, title) links, e.g. "Tin liên quan"."""
    head = f'<{tag} class="box-title">{esc(heading)}</{tag}>\n' if heading else ""
    rows = "".join(f'<li><a href="{esc(u)}" title="{esc(t)}">{esc(t)}</a></li>\n' for u, t in items)
    return f'<div class="{css}">{head}<ul>\n{rows}</ul></div>\n'


def footer_contacts(email: str, phone: str) -> str:
    return (f'<a href="mailto:{email}">{email}</a> - <a href="tel:{phone.replace(" ", "")}">{phone}</a>\n'
            '<a href="javascript:window.scrollTo(0,0)" class="back-top">Lên đầu trang</a>\n')


def external_links(others: list[str]) -> str:
    """Links off the site: national media, social networks and the sister fixture sites."""
    rows = [("https://baochinhphu.vn/", "Báo điện tử Chính phủ"), ("https://nhandan.vn/", "Báo Nhân Dân"),
            ("https://www.youtube.com/@truyenhinhdiaphuong", "Kênh YouTube"),
            ("https://www.facebook.com/baodiaphuong", "Fanpage")]
    rows += [(url, "Báo bạn") for url in others]
    return link_list(rows, "weblink", "Liên kết website")


def padding_units(articles: list[tuple[str, str]], site_name: str):
    """Realistic filler (styles, scripts, link lists, ad slots) that ``page_kb`` pads pages with; endless."""
    css = "".join(f".box-{n} .item-{k}{{margin:0 0 {k}px;padding:{n % 7}px {k % 5}px;"
                  f"border-bottom:1px dotted #e{n % 10}e{k % 10}e{n % 10};font:14px/1.5 Arial}}\n"
                  for n in range(6) for k in range(12))
    i = 0
    while True:
        start = (i * 10) % max(1, len(articles))
        yield link_list(articles[start:start + 10] or articles[:10], f"box-more box-{i}", f"Tin khác - {site_name}")
        yield f"<style>/* block {i} */\n{css}</style>\n"
        yield (f"<script>window.__CFG_{i} = {{zones: [{', '.join(str(i * 7 + k) for k in range(40))}], "
               f"lazy: true, site: '{site_name}', refresh: 300}};</script>\n")
        yield ad_slot(f"sidebar-{i}", 300, 250)
        i += 1
