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
