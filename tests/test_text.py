"""Vietnamese text handling: dates, encodings, NFC, boilerplate, ids."""
import hashlib
import unicodedata
from datetime import datetime, timedelta, timezone

import pytest

from corpus.text.clean import article_id, decode_html, is_vietnamese
from corpus.text.dates import parse_vn_datetime
from corpus.text.extract import extract_page
from corpus.text.furniture import clean_paragraphs, place_lead

VN = timezone(timedelta(hours=7))


@pytest.mark.parametrize("line, expected", [
    ("28/11/2023 - 14:31", datetime(2023, 11, 28, 14, 31, tzinfo=VN)),
    ("Cập nhật ngày: 21/03/2023 18:53:24", datetime(2023, 3, 21, 18, 53, 24, tzinfo=VN)),
    ("Chính trị - Ngày đăng : 16:58, 25/09/2021", datetime(2021, 9, 25, 16, 58, tzinfo=VN)),
    ("Thứ Ba, 10/05/2019 14:18", datetime(2019, 5, 10, 14, 18, tzinfo=VN)),
    ("Chủ Nhật, 18/01/2026, 21:21 (GMT+7)", datetime(2026, 1, 18, 21, 21, tzinfo=VN)),
])
def test_vietnamese_date_lines(line, expected):
    parsed = parse_vn_datetime(line)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(hours=7)


def test_day_comes_before_month():
    assert parse_vn_datetime("05/10/2019 08:00").month == 10


def cp1258(text: str) -> bytes:
    """Encode like a Vietnamese Windows page: base letters precomposed, tone marks combining."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            tones = [m for m in marks if m in "\u0300\u0301\u0303\u0309\u0323"]
            rest = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in tones))
            out += (rest + "".join(tones)).encode("cp1258")
    return bytes(out)


def test_windows_1258_page_decodes_and_composes_to_nfc():
    title = "Tỉnh ủy Đồng Tháp tổng kết công tác xây dựng Đảng"
    body = b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">' + cp1258(title)
    text, encoding = decode_html(body, http_charset=None)
    assert encoding == "cp1258"
    assert unicodedata.normalize("NFC", text).endswith(title)
    assert clean_paragraphs(text.split(">", 1)[1]) == [title]


def test_lying_http_charset_loses_to_valid_utf8():
    body = "<meta charset='utf-8'><p>Bí thư Tỉnh ủy phát biểu</p>".encode()
    text, encoding = decode_html(body, http_charset="iso-8859-1")
    assert encoding == "utf-8" and "Bí thư Tỉnh ủy" in text


def test_nfd_text_is_composed():
    nfd = unicodedata.normalize("NFD", "Nghị quyết Đại hội XIII của Đảng")
    assert clean_paragraphs(nfd) == ["Nghị quyết Đại hội XIII của Đảng"]


def test_boilerplate_lines_removed_and_article_lines_kept():
    text = "\n".join([
        "Tiếng Việt | English", "28/11/2023 - 14:31", "Năm 2024: Tỉnh ủy đề ra 18 chỉ tiêu",
        "Ngày 10/5, Tỉnh ủy Long An tổ chức Hội nghị trực tuyến.", "Chia sẻ bài viết", "< Trở về trang trước",
        "Gửi bình luận của bạn", "Tin liên quan", "Từ khóa: Tỉnh ủy, Long An", "Theo TTXVN",
    ])
    assert clean_paragraphs(text, title="Năm 2024: Tỉnh ủy đề ra 18 chỉ tiêu") == [
        "Ngày 10/5, Tỉnh ủy Long An tổ chức Hội nghị trực tuyến.", "Theo TTXVN"]


def test_article_id_is_sha256_prefix():
    text = "Đoạn một.\nĐoạn hai."
    assert article_id(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    assert len(article_id(text)) == 16 and article_id(text) == article_id(text).lower()


def test_language_check():
    assert is_vietnamese("Thường trực Ban Bí thư làm việc tại tỉnh Vĩnh Phúc về công tác xây dựng Đảng")
    assert not is_vietnamese("The provincial Party Committee held its meeting on Tuesday in the capital")


def test_captions_related_lists_placeholders_and_follow_lines_go():
    text = "\n".join([
        "Trang chủ » Tin tức - Sự kiện", "Theo dõi Báo Tây Ninh trên", "google news", "{title}",
        "Ngày 10/5, Tỉnh ủy Long An tổ chức Hội nghị trực tuyến.", "Quang cảnh hội nghị. (Ảnh: Minh Tâm)",
        "Trong ảnh: Lực lượng kiểm lâm diễn tập chữa cháy.", "(Ảnh tư liệu)", "Đại biểu phát biểu. Ảnh: Hoàng Yến",
        "Hội nghị thống nhất các giải pháp.", "In bài này", "Đọc báo in", "Tải ứng dụng", "TAGS",
        "Tin cùng chuyên mục:", "Tập huấn kỹ thuật nuôi tôm nước lợ", "Ra quân phòng chống dịch bệnh",
        "- Kiểm tra tiến độ nạo vét kênh (10/01/2020)", "Tổng số lượt truy cập: 1.254.332",
    ])
    assert clean_paragraphs(text) == ["Ngày 10/5, Tỉnh ủy Long An tổ chức Hội nghị trực tuyến.",
                                      "Hội nghị thống nhất các giải pháp."]


def test_an_inline_related_box_ends_at_the_next_sentence():
    text = "Đoạn một của bài viết.\nTin liên quan\nMột tiêu đề khác\nĐoạn hai của bài viết tiếp tục."
    assert clean_paragraphs(text) == ["Đoạn một của bài viết.", "Đoạn hai của bài viết tiếp tục."]


def test_a_menu_before_the_title_goes_and_repeats_appear_once():
    lead = "Chiều 18/1, Thủ tướng Chính phủ chủ trì phiên họp Chính phủ thường kỳ tháng 1 tại Hà Nội."
    text = f"Chính phủ\nThủ tướng\nBộ ngành\nTiêu đề bài viết hôm nay\n{lead}\nĐoạn hai.\n{lead}\nĐoạn ba.\nĐoạn hai."
    assert clean_paragraphs(text, title="Tiêu đề bài viết hôm nay") == [lead, "Đoạn hai.", "Đoạn ba.", "Đoạn hai."]
    assert clean_paragraphs("| a | b |\n|---|---|\n| 1 | 2 |\n|---|---|") == ["| a | b |", "|---|---|", "| 1 | 2 |", "|---|---|"]


def test_the_lead_comes_first_once_with_its_outlet_marker():
    lead = "(Baonghean.vn) - Nhiều hợp tác xã đã ứng dụng cảm biến vào sản xuất nông nghiệp."
    body = ["Nhiều hợp tác xã đã ứng dụng cảm biến vào sản xuất nông nghiệp.", "Đoạn hai."]
    assert place_lead(body, lead) == [lead, "Đoạn hai."]
    assert place_lead(["Đoạn hai."], lead) == [lead, "Đoạn hai."]
    assert clean_paragraphs("ĐTO -\nSáng 23/4, lễ ra quân diễn ra.") == ["ĐTO - Sáng 23/4, lễ ra quân diễn ra."]


def test_loose_first_paragraph_before_p_paragraphs_is_kept():
    """trafilatura drops text written straight into a container of unknown class before its <p>s."""
    first = "Ngày 26/11, Sở Thông tin và Truyền thông khai mạc lớp tập huấn kỹ năng chuyển đổi số cho cán bộ cấp xã."
    rest = ["Trong ba ngày, học viên được hướng dẫn sử dụng hệ thống quản lý văn bản điều hành và chữ ký số. " * 2,
            "Giám đốc Sở đề nghị học viên sau lớp học hướng dẫn lại cho tổ công nghệ số cộng đồng ở thôn. " * 2]
    page = ("<html><head><meta property='og:type' content='article'></head><body><h1>Tập huấn chuyển đổi số</h1>"
            f"<div class='noidung'>{first}<br><br>" + "".join(f"<p>{p}</p>" for p in rest) + "</div></body></html>")
    text = extract_page(page.encode(), "https://stttt.example.gov.vn/a.html", min_words=10)["text"]
    assert text.split("\n") == [first] + [" ".join(p.split()) for p in rest]
