"""Vietnamese date lines, parsed to the minute in Vietnam time.

Forms come from real pages (issue 12 lists them as seen on outlets; tests/data/pages/SOURCES.md)
and from the 24 strptime patterns of an independent Vietnamese news crawler
(hailoc12/docbao, src/backend/lib/utils.py), rendered here for one instant.
"""
from datetime import datetime, timedelta

import pytest
from lxml import html

from corpus.text.dates import VN, date_order, find_published, is_date_line, parse_vn_datetime

REAL_LINES = [
    ("Chủ Nhật, 18/01/2026, 21:21 (GMT+7)", datetime(2026, 1, 18, 21, 21)),
    ("Thứ Bảy, 18/12/2021, 21:07 [GMT+7] In bài này", datetime(2021, 12, 18, 21, 7)),
    ("17:54, 08/04/2024", datetime(2024, 4, 8, 17, 54)),
    ("Thứ sáu: 15:00 ngày 09/02/2024", datetime(2024, 2, 9, 15, 0)),
    ("Thứ Ba, ngày 17/06/2025 | 08:39", datetime(2025, 6, 17, 8, 39)),
    ("Thứ ba, 22-4-25 02:08:13", datetime(2025, 4, 22, 2, 8, 13)),
    ("Đăng ngày: 20/01/2020 - 8:28:04 AM | Lượt xem: 1231", datetime(2020, 1, 20, 8, 28, 4)),
    ("Thời gian đăng: 26/11/2018 01:49:17 PM", datetime(2018, 11, 26, 13, 49, 17)),
    ("Được đăng: Thứ ba, 13 Tháng 10 2015 09:10 - Lượt xem: 24342", datetime(2015, 10, 13, 9, 10)),
    ("ClockThứ Năm, 05/03/2026 10:17", datetime(2026, 3, 5, 10, 17)),
    ("Cập nhật ngày: 24/04/2015 05:21:36", datetime(2015, 4, 24, 5, 21, 36)),
    ("Lượt xem: 7370 | Gửi lúc: 05/12/2013 15:42:27", datetime(2013, 12, 5, 15, 42, 27)),
    ("17:42 Ngày 04/06/2018", datetime(2018, 6, 4, 17, 42)),
    ("VĂN HÀO - TRẦN HỮU 30/04/2016 11:39", datetime(2016, 4, 30, 11, 39)),
    ("28/11/2023 - 14:31", datetime(2023, 11, 28, 14, 31)),
    ("Chính trị - Ngày đăng : 16:58, 25/09/2021", datetime(2021, 9, 25, 16, 58)),
    ("Thứ Ba, 10/05/2019 14:18 | Bình luận: 12", datetime(2019, 5, 10, 14, 18)),
    # Other forms Vietnamese CMSs print: time before weekday and date, month written out,
    # AM/PM after a dash, year first, a prime or a pipe between time and date.
    ("10:30 Thứ Hai, 21/04/2025", datetime(2025, 4, 21, 10, 30)),
    ("Ngày 5 tháng Mười, 2023 | 09:15", datetime(2023, 10, 5, 9, 15)),
    ("Thứ năm, ngày 08 tháng 12 năm 2024 - 16:02", datetime(2024, 12, 8, 16, 2)),
    ("20-01-2020 - 08:28 PM", datetime(2020, 1, 20, 20, 28)),
    ("2024-04-08 17:54", datetime(2024, 4, 8, 17, 54)),
    ("17:54' 08/04/2024", datetime(2024, 4, 8, 17, 54)),
    ("17:54 | 08/04/2024", datetime(2024, 4, 8, 17, 54)),
    ("Cập nhật lúc 14h30 ngày 05.06.2023", datetime(2023, 6, 5, 14, 30)),
    ("4/25/2024 5:54:00 PM", datetime(2024, 4, 25, 17, 54)),          # month-first: 25 cannot be a month
]


@pytest.mark.parametrize("line, expected", REAL_LINES, ids=[line for line, _ in REAL_LINES])
def test_real_date_lines_parse_to_the_minute_in_vietnam_time(line, expected):
    parsed = parse_vn_datetime(line)
    assert parsed == expected.replace(tzinfo=VN)
    assert parsed.utcoffset() == timedelta(hours=7)


DOCBAO_FORMATS = [
    "%H:%M, %d/%m/%Y", "%H:%M:%S %d/%m/%Y", "%H:%M %d/%m/%Y", "%H:%M - %d/%m/%Y", "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %I:%M %p", "%d/%m/%Y | %H:%M", "%d/%m/%Y %H:%M", "%H:%M ngày %d-%m-%Y", "%d/%m/%Y, %H:%M",
    "%H:%M' %d/%m/%Y", "%m/%d/%Y %I:%M:%S %p", "%d/%m/%Y - %H:%M", "%d-%m-%Y - %I:%M %p",
    "%H:%M | %d/%m/%Y", "%d/%m/%Y", "%Y-%m-%d %H:%M", "%Y-%m-%d", "ngày %d tháng %m , %Y",
    "NGÀY %d THÁNG %m, %Y | %H:%M", "Ngày %d Tháng %m, %Y | %H:%M", "Ngày %d tháng %m năm %Y",
    "%d-%m-%Y %H:%M",
]
INSTANT = datetime(2023, 11, 28, 14, 31, 0)


@pytest.mark.parametrize("pattern", DOCBAO_FORMATS)
def test_an_independent_crawlers_formats(pattern):
    line = INSTANT.strftime(pattern)
    expected = INSTANT if "%H" in pattern or "%I" in pattern else INSTANT.replace(hour=0, minute=0)
    assert parse_vn_datetime(line) == expected.replace(tzinfo=VN), line


def test_month_first_site_is_read_month_first_by_its_other_dates():
    texts = ["Ngày đăng: 4/8/2024 5:54:00 PM", "Huyện tổ chức hội nghị (3/28/2024)", "(3/21/2024)"]
    assert date_order(texts) == "mdy"
    assert parse_vn_datetime(texts[0], date_order(texts)) == datetime(2024, 4, 8, 17, 54, tzinfo=VN)
    assert date_order(["20/01/2020 08:28", "4/8/2024"]) == "dmy"
    assert parse_vn_datetime("4/8/2024 5:54:00 PM") == datetime(2024, 8, 4, 17, 54, tzinfo=VN)


def test_an_explicit_offset_is_converted_to_vietnam_time():
    assert parse_vn_datetime("08/04/2024 10:54 GMT+0") == datetime(2024, 4, 8, 17, 54, tzinfo=VN)


def test_body_sentences_with_dates_are_not_date_lines():
    assert is_date_line("Thứ Ba, 10/05/2019 14:18")
    assert not is_date_line("Ngày 10/5/2019, Tỉnh ủy tổ chức hội nghị sơ kết công tác quý I.")
    assert not is_date_line("Hà Nội, ngày 10 tháng 5 năm 2019")
    assert not is_date_line("Quyết định số 1736/QĐ-TTg ngày 29.12.2023 của Thủ tướng Chính phủ phê duyệt quy hoạch")


def page(head: str, body: str):
    return html.fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


def published(head: str, body: str):
    tree = page(head, body)
    return find_published(tree, (tree.xpath("//h1") or [None])[0], [])


def test_a_visible_time_beats_date_only_metadata():
    head = '<meta itemprop="datePublished" content="2024-02-09">'
    body = '<h1>Tiêu đề</h1><div class="date">Thứ sáu: 15:00 ngày 09/02/2024</div><p>Nội dung.</p>'
    assert published(head, body) == datetime(2024, 2, 9, 15, 0, tzinfo=VN)


def test_metadata_with_a_time_wins():
    head = '<meta property="article:published_time" content="2024-02-09T08:05:00+07:00">'
    body = '<h1>Tiêu đề</h1><div class="date">09/02/2024 15:00</div>'
    assert published(head, body) == datetime(2024, 2, 9, 8, 5, tzinfo=VN)


def test_time_element_without_itemprop_counts_as_metadata():
    body = ('<ul class="sidebar"><li><time datetime="2020-01-01T10:00:00+07:00">1/1</time></li></ul>'
            '<h1>Tiêu đề</h1><time datetime="2024-04-08T10:54:00Z">08/04/2024</time><p>Nội dung.</p>')
    assert published("", body) == datetime(2024, 4, 8, 17, 54, tzinfo=VN)


def test_date_and_time_on_two_lines_before_the_headline():
    body = ('<div class="date-top">Chủ nhật, ngày 08 tháng 12 năm 2024<br>16:02 (GMT +7)</div>'
            '<h1>Giữ hồn dân ca</h1><p>Nội dung bài viết.</p>')
    assert published("", body) == datetime(2024, 12, 8, 16, 2, tzinfo=VN)


def test_the_line_nearest_the_headline_wins_over_related_dates():
    body = ('<div class="box"><a>Tin cũ</a> <span>01/01/2019 08:00</span></div>' + "<p>x</p>" * 5
            + '<h1>Tiêu đề</h1><div>Thứ Ba, 17/06/2025 | 08:39</div><ul><li>(16/06/2025 10:00)</li></ul>')
    assert published("", body) == datetime(2025, 6, 17, 8, 39, tzinfo=VN)


def test_a_dated_body_line_is_not_a_date_line_but_a_labelled_one_is():
    assert is_date_line("Chính trị - Ngày đăng : 16:58, 25/09/2021")
    assert is_date_line("ClockThứ Năm, 05/03/2026 10:17", strict=False)
    assert not is_date_line("Thứ Bảy, 20/01/2024: khai mạc hội chợ xuân")
