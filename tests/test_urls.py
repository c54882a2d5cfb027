"""One article, one identity, whatever form its URL was linked in."""
import pytest

from corpus.sources.urls import canonical_url, url_key

BASE = "https://baolongan.vn/nam-2024-tinh-uy-long-an-de-ra-18-chi-tieu-chu-yeu-a166001.html"


@pytest.mark.parametrize("variant", [
    BASE + "?utm_source=facebook&utm_medium=social",
    BASE + "#binh-luan",
    BASE.replace("https://", "http://"),
    BASE.replace("baolongan.vn", "www.baolongan.vn"),
    BASE.replace("baolongan.vn", "m.baolongan.vn"),
    BASE.replace("baolongan.vn/", "baolongan.vn/amp/"),
    BASE + "?print=1",
    BASE.replace("baolongan.vn", "BaoLongAn.vn:443"),
])
def test_variants_share_one_key(variant):
    assert url_key(variant) == url_key(BASE)


def test_different_articles_differ():
    assert url_key(BASE) != url_key(BASE.replace("a166001", "a166002"))
    assert url_key("https://x.vn/tin?id=1") != url_key("https://x.vn/tin?id=2")


def test_canonical_drops_tracking_and_fragment():
    assert canonical_url(BASE + "?utm_campaign=x&fbclid=abc#top") == BASE


@pytest.mark.parametrize("url", [
    # Real portal and CMS shapes (tests/data/real_urls.tsv): the query names the article or the listing page.
    "https://www.quangninh.gov.vn/Trang/ChiTietTinTuc.aspx?nid=113139",
    "http://dpidongnai.gov.vn/Pages/newsdetail.aspx?CatId=51&NewsId=1553",
    "https://x.vn/viewer.aspx?mabb=222823&macm=39",
    "https://x.vn/chi-tiet-tin?dDocName=MOD_012345",
    "https://x.vn/?p=17565",
    "https://x.vn/tin-tuc?UserKey=Tinh-uy-hop-phien-thuong-ky",
    "https://x.vn/Trang/TinTuc.aspx?PageIndex=3",
    "https://x.vn/que-huong?currentpage=7",
])
def test_canonical_keeps_the_parameters_that_name_a_page(url):
    assert canonical_url(url) == url


def test_articles_named_by_a_query_parameter_keep_apart():
    nid = "https://www.quangninh.gov.vn/Trang/ChiTietTinTuc.aspx?nid={}"
    assert url_key(nid.format(113139)) != url_key(nid.format(113140))
    pages = {url_key(f"https://x.vn/Trang/TinTuc.aspx?PageIndex={n}") for n in range(1, 6)}
    assert len(pages) == 5


def test_canonical_orders_parameters_and_drops_only_tracking_and_sessions():
    assert canonical_url("https://x.vn/a.aspx?NewsId=4&CatId=9&utm_source=zalo&zarsrc=30&fbclid=IwAR&_ga=2.1"
                         "&gclid=x&ASPSESSIONID=ABC&jsessionid=9#top") == "https://x.vn/a.aspx?CatId=9&NewsId=4"
    assert canonical_url("https://x.vn/a?b=2&a=1") == canonical_url("https://x.vn/a?a=1&b=2")


@pytest.mark.parametrize("url", [
    "https://x.vn/danh-sach.aspx?cid=12&page=2",      # category id
    "https://x.vn/tim-kiem?keyword=t%E1%BB%89nh+%E1%BB%A7y",
    "https://x.vn/album.aspx?gallery=7",
    "https://x.vn/tin.aspx?id=8&source=3",
])
def test_courlan_default_would_drop_real_parameters(url):
    """Why canonical_url does not use courlan's normalize_url for the query: strict mode keeps only its
    allow-list, and the lax mode's tracker pattern also matches cid, keyword, gallery and source."""
    from courlan import normalize_url

    assert normalize_url(url) != url
    assert canonical_url(url) == url


def test_courlan_strict_default_drops_portal_ids():
    from courlan import normalize_url

    url = "https://www.quangninh.gov.vn/Trang/ChiTietTinTuc.aspx?nid=113139"
    assert normalize_url(url, strict=True) == "https://www.quangninh.gov.vn/Trang/ChiTietTinTuc.aspx"
    assert canonical_url(url) == url


def test_case_variants_fold_on_asp_net_paths_and_declared_hosts():
    from corpus.sources.urls import declare_case_insensitive, fold_case

    aspx = "https://x.vn/Trang/ChiTietTinTuc.aspx?nid=5"
    assert url_key(aspx) == url_key("https://X.vn/trang/chitiettintuc.aspx?NID=5") == url_key(aspx.upper()
                                                                                            .replace("HTTPS", "https"))
    mvc = "https://case.example.vn/News/VP/Cong-doan-Van-phong"
    assert url_key(mvc) != url_key(mvc.lower())                  # not known to be case-insensitive
    declare_case_insensitive(["case.example.vn"])
    assert url_key(mvc) == url_key(mvc.lower()) == url_key(mvc.replace("https://", "https://www."))
    assert fold_case("https://x.vn/A/b.html") == "https://x.vn/A/b.html"  # a case-sensitive host is untouched


@pytest.mark.parametrize("print_url, full_url", [
    ("https://x.vn/Trang/InTinTuc.aspx?nid=5", "https://x.vn/Trang/ChiTietTinTuc.aspx?nid=5"),
    ("https://x.vn/Pages/InBaiVietPage.aspx?ID=3382&ListId=7", "https://x.vn/Pages/ChiTiet.aspx?ID=3382&ListId=7"),
    ("https://x.vn/print/tin-a-123.html", "https://x.vn/tin-a-123.html"),
    ("https://x.vn/tin-a-123.html?print=1", "https://x.vn/tin-a-123.html"),
])
def test_print_view_and_full_page_share_one_key(print_url, full_url):
    assert url_key(print_url) == url_key(full_url)


def test_mobile_prefixes_fold_like_www():
    assert url_key("https://mb.baoxyz.vn/tin-a-1.html") == url_key("https://baoxyz.vn/tin-a-1.html")
