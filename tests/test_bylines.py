"""Authors as Vietnamese papers sign articles; site and publisher names are never authors."""
import pytest

from corpus.text.bylines import choose_author, is_credit, is_publisher, looks_like_names, site_keys

BODY = ["Sáng 19/01, Sở Nông nghiệp tổ chức hội nghị tổng kết vụ lúa Đông Xuân.",
        "Giám đốc Sở đề nghị các địa phương chủ động lịch thời vụ."]


@pytest.mark.parametrize("signature, author", [
    ("Ngân Nguyễn - Thanh Nga", "Ngân Nguyễn - Thanh Nga"),
    ("ĐẶNG DŨNG", "ĐẶNG DŨNG"),
    ("P.V", "P.V"),
    ("Nhóm phóng viên", "Nhóm phóng viên"),
    ("TRƯỜNG SƠN thực hiện", "TRƯỜNG SƠN"),
    ("Bài và ảnh: NGỌC HÂN", "NGỌC HÂN"),
    ("Thu Hằng (TTXVN)", "Thu Hằng (TTXVN)"),
    ("Đ.ĐẠO, H.QUÂN", "Đ.ĐẠO, H.QUÂN"),
])
def test_signature_at_the_end_is_the_author_kept_whole(signature, author):
    paragraphs, found = choose_author(BODY + [signature], [], set())
    assert (paragraphs, found) == (BODY, author)


def test_signature_above_a_source_credit():
    paragraphs, found = choose_author(BODY + ["Minh Khoa", "Theo TTXVN"], [], set())
    assert (paragraphs, found) == (BODY, "Minh Khoa")


def test_byline_before_the_lead():
    paragraphs, found = choose_author(["Đ.ĐẠO - H.QUÂN | " + BODY[0], BODY[1]], [], set())
    assert (paragraphs, found) == (BODY, "Đ.ĐẠO - H.QUÂN")


@pytest.mark.parametrize("line", [
    "Giám đốc Sở đề nghị các địa phương chủ động lịch thời vụ.", "Hà Nội, ngày 10/5/2024",
    "Theo TTXVN", "Xin cảm ơn bà!", "Kết quả cụ thể như sau:", "Photos", "GIRLS BASKETBALL", "BAAR, SWITZERLAND",
])
def test_sentences_and_credits_are_not_signatures(line):
    assert not looks_like_names(line)


@pytest.mark.parametrize("url, names, declared", [
    ("https://nld.com.vn/a.htm", ["Báo Người Lao Động"], "NLD.COM.VN"),
    ("https://nld.com.vn/a.htm", [], "NLD COM VN"),
    ("https://baochinhphu.vn/a.htm", ["baochinhphu.vn"], "Baochinhphu Vn"),
    ("https://tuoitre.vn/a.htm", ["TUOI TRE ONLINE"], "TUOI TRE ONLINE; Baotuoitre; VCCorp.vn"),
    ("https://baotayninh.vn/a.html", ["Báo Tây Ninh Online"], "Báo Tây Ninh"),
    ("https://chauthanh.longan.gov.vn/a.aspx", [], "UBND huyện Châu Thành"),
    ("http://huyenuy.example.vn/a", [], "Super User"),
    ("https://baoquangnam.vn/a.html", [], "baoquangnam.vn"),
    ("https://vinhphuc.gov.vn/a.aspx", [], "Theo TTXVN"),
])
def test_site_publisher_and_credit_names_are_never_the_author(url, names, declared):
    assert choose_author(BODY, [declared], site_keys(url, names)) == (BODY, None)


def test_a_person_in_meta_is_the_author_and_leaves_the_text():
    keys = site_keys("https://tuoitre.vn/a.htm", ["TUOI TRE ONLINE"])
    assert choose_author(BODY + ["Chí Quốc"], ["TUOI TRE ONLINE; Chí Quốc"], keys) == (BODY, "Chí Quốc")
    assert choose_author(BODY, ["Baotuoitre; Chí Quốc"], keys) == (BODY, "Chí Quốc")
    assert not is_publisher("Thanh Nga", keys)


def test_source_credits_are_not_text_on_any_site():
    """A syndicated story keeps one text whether the credit is printed in the body or not."""
    assert choose_author(BODY + ["Theo TTXVN"], [], set()) == (BODY, None)
    assert choose_author(BODY + ["(Theo Báo Long An)"], [], set()) == (BODY, None)
    assert choose_author(BODY, ["Theo TTXVN"], set()) == (BODY, None)
    assert not is_credit("Theo báo cáo, toàn tỉnh gieo sạ hơn 42.000 ha lúa")
