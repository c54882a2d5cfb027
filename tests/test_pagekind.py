"""URL page kinds: measured on real outlet URLs, and the shapes of the demo outlets."""
import csv
import os
from collections import Counter
from pathlib import Path

import pytest

from corpus.sources.pagekind import classify_url
from corpus.sources.registry import Source, host_index, load_sources, source_for_url

SHARED_SOURCES = Path(os.environ.get("PROVNEWS_SHARED") or Path(__file__).resolve().parents[1].parent / "shared") \
    / "sources"
CORRECTIONS = Path(__file__).parent / "data" / "observed_url_corrections.tsv"
REAL_URLS = Path(__file__).parent / "data" / "real_urls.tsv"
MIN_ACCURACY = 0.95
MIN_ARTICLE_ACCURACY = 0.97


def _read_tsv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@pytest.fixture(scope="module")
def sources():
    return {s.key: s for s in load_sources()}


@pytest.fixture(scope="module")
def observed():
    path = SHARED_SOURCES / "observed_urls.tsv"
    if not path.exists():
        pytest.skip(f"{path} not found (set PROVNEWS_SHARED to the folder holding sources/)")
    return _read_tsv(path)


def test_corrections_name_rows_of_the_file(observed):
    labels = {(row["url"], row["page_kind"]) for row in observed}
    for fix in _read_tsv(CORRECTIONS):
        assert (fix["url"], fix["label"]) in labels, f"stale correction: {fix['url']}"
        assert fix["corrected"] != fix["label"] and len(fix["reason"]) > 20


def _accuracy(rows, index) -> tuple[Counter, Counter, list[str]]:
    """Rows per label and rows put on the right side (article or not), with the misses."""
    total, right, misses = Counter(), Counter(), []
    for row in rows:
        source = source_for_url(row["url"], index) if index is not None else None
        kind = classify_url(row["url"], source)
        total[row["page_kind"]] += 1
        if (kind == "article") == (row["page_kind"] == "article"):
            right[row["page_kind"]] += 1
        else:
            misses.append(f"{row['page_kind']} -> {kind}: {row['url']}")
    return total, right, misses


def _report(title, total, right) -> dict[str, float]:
    scores = {label: right[label] / total[label] for label in sorted(total)}
    non_article = [label for label in total if label != "article"]
    scores["non-article (all)"] = sum(right[x] for x in non_article) / sum(total[x] for x in non_article)
    print(f"\n{title}")
    for label, score in scores.items():
        n = total[label] if label in total else sum(total[x] for x in non_article)
        print(f"  {label:18} {score:6.3f}  (n={n})")
    return scores


def test_observed_urls_land_on_the_right_side(observed, sources):
    fixes = {fix["url"]: fix["corrected"] for fix in _read_tsv(CORRECTIONS)}
    rows = [dict(row, page_kind=fixes.get(row["url"], row["page_kind"])) for row in observed]
    total, right, misses = _accuracy(rows, host_index(sources.values()))
    scores = _report(f"observed_urls.tsv, registry + generic rules ({len(rows)} URLs, {len(fixes)} label "
                     f"corrections):", total, right)
    _report("generic rules only (no registry):", *_accuracy(rows, None)[:2])
    assert set(total) == {"article", "category", "tag", "search", "home", "video", "photo", "other"}
    assert all(score >= MIN_ACCURACY for score in scores.values()), "\n".join(misses)


@pytest.fixture(scope="module")
def real_urls():
    return _read_tsv(REAL_URLS)


def test_real_set_covers_every_kind_and_many_outlets(real_urls):
    assert len(real_urls) >= 400 and len({row["outlet"] for row in real_urls}) >= 60
    assert {row["label"] for row in real_urls} == {"article", "category", "tag", "search", "home", "video",
                                                    "photo", "other"}
    assert {"portal", "radio_tv", "party"} <= {row["outlet_kind"] for row in real_urls}
    assert all(row["origin"] for row in real_urls), "every URL says where it was seen"


def test_real_urls_land_on_the_right_side(real_urls, sources):
    """tests/data/real_urls.tsv: URLs of stored public pages (search `pages` corpus, shared/sources), labelled.

    Rows marked ``decided_by = page`` have a URL that cannot tell (an English slug on the paper's own
    host, a gallery with an article's URL): they must reach the page, whose signals decide."""
    index = host_index(sources.values())
    page_decides = [row for row in real_urls if row["decided_by"] == "page"]
    assert [row["url"] for row in page_decides if row["label"] == "article" and classify_url(
        row["url"], source_for_url(row["url"], index)) != "article"] == []
    rows = [dict(row, page_kind=row["label"]) for row in real_urls if row["decided_by"] == "url"]
    total, right, misses = _accuracy(rows, index)
    scores = _report(f"real_urls.tsv, registry + generic rules ({len(rows)} URLs, "
                     f"{len({r['outlet'] for r in rows})} outlets; {len(page_decides)} more left to the page):",
                     total, right)
    _report("generic rules only (no registry):", *_accuracy(rows, None)[:2])
    exact = Counter(row["label"] for row in rows
                    if classify_url(row["url"], source_for_url(row["url"], host_index(sources.values())))
                    == row["label"])
    print("  exact kind:       " + ", ".join(f"{k} {exact[k] / total[k]:.2f}" for k in sorted(total)))
    floor = {label: MIN_ARTICLE_ACCURACY if label == "article" else MIN_ACCURACY for label in scores}
    assert all(scores[label] >= floor[label] for label in scores), "\n".join(misses)


def test_real_article_urls_are_owned_by_their_source(real_urls, sources):
    """An article URL on a registry outlet's domain (or a sub-site of it) belongs to that source."""
    index = host_index(sources.values())
    unowned = [(row["url"], source.key) for row in real_urls if row["label"] == "article"
               and (source := source_for_url(row["url"], index)) is not None and not source.owns(row["url"])]
    assert unowned == []


@pytest.mark.parametrize("key, url, kind", [
    # Báo Long An: /<slug>-a<id>.html articles, slash-ended category paths
    ("baolongan", "https://baolongan.vn/moi-ban-doc-don-doc-an-pham-long-an-cuoi-thang-9-2022-a142177.html", "article"),
    ("baolongan", "https://baolongan.vn/tinh-uy-long-an-a150001.html", "article"),  # short slug, id decides
    ("baolongan", "http://baolongan.vn/kinh-te/nong-nghiep/", "category"),
    ("baolongan", "https://baolongan.vn/kinh-te/nong-nghiep/?page=3", "category"),
    ("baolongan", "https://baolongan.vn/", "home"),
    ("baolongan", "https://baolongan.vn/tim-kiem?q=long+an", "search"),
    ("baolongan", "https://baolongan.vn/tag/long-an", "tag"),
    # Báo Đồng Tháp: three URL generations, video pages denied
    ("baodongthap", "https://www.baodongthap.vn/phong-su-anh/40-nam-mot-chang-duong-48437.aspx", "photo"),
    ("baodongthap", "https://www.baodongthap.vn/ban-doc/202510/don-doc-bao-dong-thap-so-ra-ngay-22-10-1050912",
     "article"),
    ("baodongthap", "https://www.baodongthap.vn/don-doc-bao-dong-thap-so-ra-ngay-19-1-2026-a235582.html", "article"),
    ("baodongthap", "https://www.baodongthap.vn/video/xem-video/truong-thpt-chuyen-tien-giang-noi-uom-mam-tinh-hoa-297"
                    ".html", "video"),
    ("baodongthap", "https://www.baodongthap.vn/chinh-tri/", "category"),
    ("baodongthap", "https://www.baodongthap.vn/chinh-tri/trang-2.html", "category"),
    # Báo Vĩnh Phúc: ASP.NET paths; no article shape seen, so the generic rules decide
    ("baovinhphuc", "https://baovinhphuc.com.vn/vi-vn/Multimedia/Images/currentpage/97", "photo"),  # photo listing
    ("baovinhphuc", "https://baovinhphuc.com.vn/", "home"),
    ("baovinhphuc", "https://baovinhphuc.com.vn/vi-vn/chinh-tri/thuong-truc-ban-bi-thu-lam-viec-tai-tinh-vinh-phuc",
     "article"),
    ("vinhphuctv", "http://vinhphuctv.vn/chuyen-muc/lich-su-phat-trien/51-932", "article"),  # registry pattern
    ("vinhphuctv", "http://vinhphuctv.vn/Chuy%C3%AAn-m%E1%BB%A5c-tin-t%E1%BB%A9c/cat/730/lapg-6697/97", "category"),
])
def test_demo_outlet_shapes(sources, key, url, kind):
    assert classify_url(url, sources[key]) == kind


def test_registry_decides_before_the_generic_rules(sources):
    listing_shape = "http://huyendienbien.gov.vn/T/HUYEN-DIEN-BIEN-70-NAM?PageIndex=76"
    assert classify_url(listing_shape) == "category"
    assert classify_url(listing_shape, sources["huyendienbien-gov"]) == "article"  # article_pattern
    bulletin = "https://baoquangnam.vn/tin-tuc-su-kien/diem-tin-tuc-su-kien-hang-tuan-tuan-thu-9-nam-2020-85020.html"
    assert classify_url(bulletin) == "article"
    assert classify_url(bulletin, sources["baoquangnam"]) == "other"  # deny beats article_pattern
    mine = Source(key="x", name="X", province="Long An", homepage="https://x.vn/", article_pattern=r"/bai/\d+$")
    assert classify_url("https://x.vn/bai/12", mine) == "article"
    assert classify_url("https://x.vn/bai/12") == "category"


@pytest.mark.parametrize("url, kind", [
    ("https://x.vn/thoi-su/page/3/", "category"),
    ("https://x.vn/thoi-su/page-3.html", "category"),
    ("https://x.vn/xa-hoi-8.html?page=489", "category"),
    ("https://x.vn/que-huong?currentpage=7", "category"),
    ("https://x.vn/thoi-su/?p=4", "category"),
    ("https://x.vn/tin-tuc/2023-05-12", "category"),                       # a day's archive, not an id
    ("https://x.vn/2023/05/", "category"),
    ("https://x.vn/?p=17565", "article"),                                  # WordPress post id
    ("https://x.vn/2023/05/12/khai-mac-hoi-bao-xuan/", "article"),         # WordPress date path
    ("https://x.vn/thoi-su/202401/khai-mac-hoi-bao-xuan-2665055/", "article"),
    ("https://x.vn/chinh-tri/310783-dai-hoi-dang-cap-co-so.html", "article"),  # id before slug
    ("https://x.vn/doi-song/cung-ban-doc/113523.htm", "article"),          # numeric id after the slug
    ("https://x.vn/viewer.aspx?macm=39&mabb=222823", "article"),
    ("https://x.vn/pages/newsdetail.aspx?CatId=95&NewsId=4278", "article"),
    ("https://x.vn/x%C3%A3-h%E1%BB%99i/r%E1%BB%ABng-ph%C3%B2ng-h%E1%BB%99-k%C3%AAu-c%E1%BB%A9u", "article"),
    ("https://x.vn/x%C3%A3-h%E1%BB%99i", "category"),                      # percent-encoded category
    ("https://x.vn/thoi-su/ngay_chien_thang_3004_va_quoc_te_0105", "category"),  # underscore category slug
    ("https://x.vn/quy-nhon-ptag.html", "tag"),
    ("https://x.vn/ky-niem-40-nam-tag138105.html", "tag"),
    ("https://x.vn/tag?tag=tuyen+truyen", "tag"),
    ("https://x.vn/news/tag/x%C3%A2y-d%E1%BB%B1ng/page-8", "tag"),
    ("https://x.vn/s/qu%C3%AA%20h%C6%B0%C6%A1ng?page=29", "search"),
    ("https://x.vn/tim-kiem/q/l%E1%BA%A7n-th%E1%BB%A9-iii/p/3", "search"),
    ("https://x.vn/van-hoa-xa-hoi-video/uoc-vong-dau-xuan-ia0MUN2Sg.html", "video"),
    ("https://x.vn/tv/xuan-que-huong-tham-nong-cau-vi-giam-31120.html", "video"),
    ("https://x.vn/print/2162ab91c4b2597e4a001ed30666a/116119.htm", "other"),
    ("https://x.vn/contact/ttts_gioithieu.aspx", "other"),
    ("https://x.vn/gioi-thieu.html", "other"),
    ("https://x.vn/Default.aspx", "home"),
    ("https://x.vn/channel/5093/", "category"),
    ("https://x.vn/vi-vn/chuyen-muc/thong-tin-dieu-hanh/156332-424736", "category"),
    # Portal and older-CMS shapes (tests/data/real_urls.tsv)
    ("https://www.quangninh.gov.vn/Trang/ChiTietTinTuc.aspx?nid=113139", "article"),
    ("https://x.vn/chi-tiet-tin?dDocName=MOD_012345", "article"),
    ("https://sonduong.tuyenquang.gov.vn/vi/dai-hoi-dang-cac-cap?id=12856", "article"),
    ("https://x.vn/danh-muc/tin-tuc.aspx?id=5&PageIndex=3", "category"),     # ?id= of a paged listing
    ("https://x.vn/Trang/TinTuc.aspx?CatId=2&PageIndex=4", "category"),
    ("https://chauthanh.longan.dcs.vn/wps/portal/menutop/x/!ut/p/z0/VYx?uri=nm%3Aoid%3AZ6_MPG01", "article"),
    ("https://x.vn/chuyen-muc/hoat-dong-cua-lanh-dao-tinh-va-cac-so-nganh", "category"),  # long slug, listing
    # Not articles, whatever shape follows
    ("https://baocaobang.vn/Phongsuanh/306.bcb", "photo"),
    ("https://x.vn/phong-su-anh/40-nam-mot-chang-duong-48437.aspx", "photo"),
    ("https://x.vn/album/ngay-hoi-van-hoa-cac-dan-toc-123.html", "photo"),
    ("https://vnews.gov.vn/nvideo/be-mac-dai-hoi-dai-bieu-dang-bo-tinh-lan-thu-xv-192072.htm", "video"),
    ("https://x.vn/truyen-hinh/thoi-su-toi-ngay-21-3-2020-10822.html", "video"),
    ("https://www.sggp.org.vn/podcast-ban-tin-trua-25-9-tphcm-chu-dong-post814653.html", "video"),
    ("https://dongnai.gov.vn/en/news/savefile/Our-activities/ten-outstanding-events-in-2009-1224.html", "other"),
    ("https://en.baobinhthuan.com.vn/print/109044.html", "other"),
    ("https://hanam.gov.vn/en-us/Pages/People-s-Committee-of-Ha-Nam-Province1939743735.aspx", "other"),
    ("https://x.vn/tin-tuc/tinh-uy-hop-phien-thuong-ky-thang-4-12345.html?lang=en", "other"),
    ("http://baothainguyen.org.vn/trang-in-268673.html", "other"),                # print view
    ("https://x.vn/Trang/InTinTuc.aspx?nid=113139", "other"),
    ("https://x.vn/Trang/ChiTietBVGioiThieu.aspx?bvid=458", "other"),            # standing introduction page
    ("http://doisongtieudung.vn/tag-quang-ninh---dat-mo-anh-hung-38533.html", "tag"),
])
def test_generic_shapes(url, kind):
    assert classify_url(url) == kind
