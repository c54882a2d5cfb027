"""Hard negatives: distinct articles of recurring events and templates, and their real near-duplicates.

Provincial outlets report the same kinds of event every month or year in the same
words: the People's Committee's monthly meeting, the People's Council's session,
the year's growth targets, the newspaper's football cup, the Party Standing
Committee's meeting, a wire story under the same agency lead. Two such articles
are different news (another month, other figures, other decisions) although most
of their trigrams are the same. The frames below are written after real articles
found in the search tool's stored pages (``EVIDENCE``: the page each family's
frame follows); they are paraphrased, not copied, and their slots (dates, names,
figures, teams, decisions) are filled from pools so that every article of a
family is a distinct event. Distinct content sentences come from the family's own
pool and from the seed articles (corpus/data/seeds), so the set also carries the
seeds' language.

Near-duplicates of these template articles are the kinds the outlets produce
(issue 13): an update about 27 hours later with one paragraph changed, a
syndicated copy with its own title, outlet prefix and footer, and a shortened
copy. They keep recall honest on exactly the texts where precision is hardest.
"""
from __future__ import annotations

import random
from itertools import combinations

from data.neardup_pairs import FOOTERS, OUTLET_PREFIXES, SEEDS, seed_paragraphs

# Where each frame comes from (stored pages of the search tool's ``pages`` corpus).
EVIDENCE = {
    "ubnd_monthly": [
        "http://tnmttuyenquang.gov.vn/tin-tuc/chinh-tri-xa-hoi/trang-784.html",      # tháng 10-2015
        "https://hdndtuyenquang.gov.vn/tin-hoat-dong/tin-tuc-chung/trang-302.html",   # tháng 12, same chair
        "https://daihoidang.baoquangninh.vn/ubnd-tinh-hop-thuong-ky-3242719.html",
        "https://tuyenquangtv.vn/thoi-su-chinh-tri/tin-dia-phuong/202206/ttv-phien-hop-thuong-ky-ubnd-tinh-thang-6-4405f62/",
        "https://baobackan.com.vn/ubnd-tinh-bac-kan-hop-phien-thang-112023-post58394.html",
    ],
    "council_session": [
        "http://baoangiang.com.vn/sang-nay-6-12-khai-mac-ky-hop-hdnd-tinh-lan-thu-9-a236206.html",
        "https://baolaocai.vn/tu-khoa/thong-qua-nghi-quyet-hdnd-tinh-tag10898.html",
        "https://thuviendientu.baoquangninh.vn/ky-hop-thu-21-hdnd-tinh-khoa-xiv-thang-9-2024-3321043.html",
    ],
    "annual_targets": [
        "https://f247.com/t/dong-thap-phan-dau-tang-truong-grdp-nam-2024-dat-muc-8/744042",
        "https://baoquangnam.vn/kinh-te-quang-nam-dat-muc-tang-truong-duong-cham-dut-2-nam-tang-truong-am-3137680.html",
        "https://vinh24h.vn/tag/toc-do-tang-truong-grdp",
    ],
    "football_cup": ["http://baolongan.vn/chat-luong-giai-dau-ngay-cang-tang-a26711.html"],
    "standing_committee": [
        "https://baoninhbinh.org.vn/s/nguy%E1%BB%85n%20th%E1%BB%8B%20thu%20h%C3%A0?page=2",
        "https://baoninhbinh.org.vn/s/%C4%90o%C3%A0n%20%C4%90%E1%BA%A1i%20bi%E1%BB%83u%20Qu%E1%BB%91c%20h%E1%BB%99i%20t%E1%BB%89nh?page=34",
    ],
    "wire_lead": ["the seeds' national-wire credit lines (corpus/data/seeds), 'Theo TTXVN' as outlets run it"],
}

CHAIRS = ["Nguyễn Văn Sơn", "Phạm Minh Huấn", "Trần Duy Đông", "Lê Quang Tiến", "Võ Thị Hạnh", "Đặng Văn Bảy"]
DISTRICTS = ["huyện Đức Hòa", "huyện Cần Giuộc", "thị xã Kiến Tường", "thành phố Tân An", "huyện Thạnh Hóa",
             "huyện Bến Lức", "huyện Tân Trụ", "huyện Mộc Hóa"]
TEAMS = ["FC Minh Nhật", "TP. Mỹ Tho", "Dũng Phong", "Bình Dương", "Cần Đước", "Long Hậu", "Tân An", "Đức Huệ"]
PLAYERS = ["Thanh Tuấn", "Thanh Khiêm", "Công Thành", "Quốc Việt", "Hoàng Nam", "Minh Trí", "Văn Lực", "Tấn Phát"]
PROVINCES = ["Long An", "Đồng Tháp", "Vĩnh Phúc", "Tuyên Quang", "Bắc Kạn", "Quảng Nam"]

# Frames (shared by every article of a family) and content pools (what differs between events).
FAMILIES = {
    "ubnd_monthly": {
        "title": "UBND tỉnh họp phiên thường kỳ tháng {month}",
        "frame": [
            "Ngày {day}/{month}, UBND tỉnh tổ chức phiên họp thường kỳ tháng {month}/{year} để đánh giá tình hình "
            "thực hiện nhiệm vụ phát triển kinh tế - xã hội trong tháng và triển khai nhiệm vụ tháng tiếp theo. "
            "Đồng chí {chair}, Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh chủ trì phiên họp.",
            "Dự phiên họp có các đồng chí Phó Chủ tịch UBND tỉnh; thành viên UBND tỉnh; lãnh đạo Thường trực HĐND "
            "tỉnh, Đoàn ĐBQH tỉnh, Ủy ban MTTQ tỉnh; lãnh đạo các sở, ban, ngành và UBND các huyện, thành phố.",
            "Kết luận phiên họp, Chủ tịch UBND tỉnh yêu cầu các sở, ngành, địa phương bám sát kế hoạch, tập trung "
            "tháo gỡ khó khăn, vướng mắc, phấn đấu hoàn thành cao nhất các chỉ tiêu kinh tế - xã hội năm {year}.",
        ],
        "pool": [
            "Theo báo cáo, tổng thu ngân sách nhà nước {months} tháng ước đạt {n1}.{n2} tỷ đồng, bằng {p1}% dự toán.",
            "Giải ngân vốn đầu tư công đến nay đạt {p2}% kế hoạch, cao hơn bình quân chung của cả nước.",
            "Tốc độ tăng trưởng tổng sản phẩm trên địa bàn tỉnh (GRDP) {months} tháng ước đạt {g}%.",
            "Phiên họp cũng cho ý kiến về dự thảo đề án sắp xếp đơn vị hành chính cấp xã của {district}.",
            "Các đại biểu thảo luận về tiến độ giải phóng mặt bằng dự án đường tỉnh đi qua {district}.",
            "Toàn tỉnh có thêm {n1} doanh nghiệp thành lập mới với tổng vốn đăng ký {n2}.{n3} tỷ đồng.",
            "Công tác phòng, chống dịch bệnh trên gia súc, gia cầm được triển khai quyết liệt tại {district}.",
            "Kim ngạch xuất khẩu {months} tháng ước đạt {n1} triệu USD, tăng {p3}% so với cùng kỳ.",
            "Tỉnh tổ chức thành công Lễ hội văn hóa, thể thao các dân tộc, thu hút đông đảo du khách.",
            "Chỉ số cải cách hành chính của tỉnh tiếp tục được cải thiện, xếp thứ {n4} cả nước.",
        ],
    },
    "council_session": {
        "title": "Khai mạc kỳ họp thứ {n4} HĐND tỉnh khóa {roman}",
        "frame": [
            "Sáng {day}/{month}, HĐND tỉnh khóa {roman}, nhiệm kỳ 2021-2026 khai mạc kỳ họp thứ {n4} để kiểm điểm tình "
            "hình thực hiện nghị quyết của HĐND tỉnh về nhiệm vụ phát triển kinh tế - xã hội và xem xét, quyết định "
            "nhiều nội dung quan trọng của tỉnh.",
            "Kỳ họp diễn ra trong {days} ngày tại Hội trường UBND tỉnh. Trong suốt thời gian kỳ họp, cử tri có kiến "
            "nghị hoặc nguyện vọng đối với kỳ họp có thể liên hệ Văn phòng Đoàn ĐBQH và HĐND tỉnh.",
            "Đồng chí {chair}, Ủy viên Ban Chấp hành Trung ương Đảng, Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh chủ trì, "
            "điều hành kỳ họp.",
        ],
        "pool": [
            "Tại kỳ họp, HĐND tỉnh xem xét, thông qua {n4} nghị quyết, trong đó có nghị quyết về kế hoạch đầu tư công "
            "trung hạn.",
            "Kỳ họp dành một buổi để chất vấn và trả lời chất vấn về quản lý đất đai tại {district}.",
            "HĐND tỉnh bầu bổ sung chức danh Phó Chủ tịch UBND tỉnh nhiệm kỳ 2021-2026.",
            "Đây là kỳ họp chuyên đề, quyết nghị các chính sách hỗ trợ khắc phục thiệt hại do mưa lũ gây ra.",
            "Các đại biểu thảo luận tại tổ về dự toán ngân sách địa phương năm {year} và phương án phân bổ.",
            "HĐND tỉnh thông qua nghị quyết quy định mức hỗ trợ cho giáo viên mầm non tại {district}.",
            "Báo cáo tổng hợp ý kiến, kiến nghị của cử tri trước kỳ họp được trình bày với {n1} ý kiến.",
            "Kỳ họp xem xét tờ trình về việc đặt tên đường, phố tại trung tâm {district}.",
            "Nghị quyết về chính sách thu hút nguồn nhân lực chất lượng cao được đa số đại biểu tán thành.",
        ],
    },
    "annual_targets": {
        "title": "{province} phấn đấu tăng trưởng GRDP năm {year} đạt {g}%",
        "frame": [
            "Tại hội nghị tổng kết nhiệm vụ phát triển kinh tế - xã hội năm {prev} và triển khai nhiệm vụ năm {year}, "
            "tỉnh {province} đặt mục tiêu tốc độ tăng trưởng tổng sản phẩm trên địa bàn (GRDP) đạt {g}%.",
            "Năm {prev}, tỉnh triển khai nhiệm vụ trong bối cảnh khó khăn, thách thức nhiều hơn thuận lợi, song các "
            "lĩnh vực kinh tế ổn định, an sinh xã hội được bảo đảm, quốc phòng, an ninh được giữ vững.",
        ],
        "pool": [
            "Tăng trưởng GRDP năm {prev} ước đạt {g2}%; GRDP bình quân đầu người đạt {n1} triệu đồng.",
            "Tỷ lệ hộ nghèo giảm còn {p4}%, vượt chỉ tiêu nghị quyết đề ra.",
            "Tổng thu ngân sách nhà nước ước đạt {n1}.{n2} tỷ đồng, bằng {p1}% dự toán trung ương giao.",
            "Tỉnh phấn đấu thu hút thêm {n4} dự án đầu tư trực tiếp nước ngoài vào các khu công nghiệp.",
            "Khu vực công nghiệp - xây dựng dự ước tăng trưởng {g}%, khu vực dịch vụ tăng {g2}%.",
            "Nguyên nhân một số chỉ tiêu chưa đạt là do thị trường bất động sản trầm lắng, thu tiền sử dụng đất giảm.",
            "Tỉnh tập trung hoàn thành các tuyến giao thông kết nối vùng, nhất là tuyến đi qua {district}.",
            "Số xã đạt chuẩn nông thôn mới nâng cao tăng thêm {n4} xã so với năm trước.",
            "Tỷ lệ lao động qua đào tạo đạt {p2}%, tạo việc làm mới cho {n1}.{n2} lao động.",
        ],
    },
    "football_cup": {
        "title": "Giải bóng đá Cúp Báo Long An lần thứ {roman}: {team1} thắng {team2}",
        "frame": [
            "Chiều {day}/{month}, Giải bóng đá Cúp Báo Long An lần thứ {roman} - {year} tiếp tục diễn ra tại sân vận "
            "động tỉnh với hai trận đấu thuộc vòng {n4}.",
            "Giải do Báo Long An phối hợp với các nhà tài trợ tổ chức, quy tụ các đội bóng mạnh trong và ngoài tỉnh, "
            "thu hút đông đảo khán giả đến sân cổ vũ.",
        ],
        "pool": [
            "Kết quả, {team1} thắng {team2} với tỷ số {s1} - {s2}. {player1} mở tỷ số ở phút {m1}.",
            "Ở trận đấu thứ hai, {team3} và {team4} hòa {s2} - {s2}; {player2} ghi bàn gỡ hòa ở phút {m2}.",
            "Sau lượt trận này, {team1} tạm dẫn đầu bảng với {n4} điểm.",
            "Trọng tài rút {s1} thẻ vàng, trận đấu diễn ra sôi nổi nhưng fair-play.",
            "Ban tổ chức trao giải cầu thủ xuất sắc nhất trận cho {player1}.",
            "Khán giả {player2}, ngụ {district}, cho biết năm nào cũng đến sân xem giải.",
            "Vòng đấu tiếp theo, {team2} gặp {team3} vào chiều {m1}/{month}.",
            "Nhiều cầu thủ từng thi đấu chuyên nghiệp tham gia giải năm nay, nâng cao chất lượng chuyên môn.",
        ],
    },
    "standing_committee": {
        "title": "Hội nghị Ban Thường vụ Tỉnh ủy",
        "frame": [
            "Sáng {day}/{month}, Ban Thường vụ Tỉnh ủy tổ chức hội nghị để thảo luận, cho ý kiến vào các nội dung quan "
            "trọng. Đồng chí {chair}, Ủy viên Ban Chấp hành Trung ương Đảng, Bí thư Tỉnh ủy, Trưởng đoàn ĐBQH tỉnh chủ "
            "trì hội nghị.",
            "Dự hội nghị có các đồng chí Ủy viên Ban Thường vụ Tỉnh ủy; lãnh đạo các ban xây dựng Đảng Tỉnh ủy và các "
            "cơ quan liên quan.",
        ],
        "pool": [
            "Hội nghị cho ý kiến vào dự thảo báo cáo kết quả thực hiện nghị quyết Đại hội Đảng bộ tỉnh giữa nhiệm kỳ.",
            "Ban Thường vụ thống nhất chủ trương đầu tư dự án khu dân cư tại {district}.",
            "Hội nghị xem xét đề án nâng cao chất lượng sinh hoạt chi bộ trong các cơ quan, doanh nghiệp.",
            "Ban Thường vụ cho ý kiến về công tác cán bộ và kết quả kiểm tra, giám sát {months} tháng.",
            "Các đại biểu thảo luận kế hoạch tổ chức đại hội đảng bộ cấp cơ sở tiến tới Đại hội Đảng bộ tỉnh.",
            "Hội nghị nghe báo cáo tình hình thực hiện chương trình mục tiêu quốc gia giảm nghèo bền vững.",
            "Ban Thường vụ thống nhất thành lập Ban Chỉ đạo biên soạn lịch sử Đảng bộ {district}.",
            "Kết luận hội nghị, đồng chí Bí thư Tỉnh ủy đề nghị các cơ quan hoàn chỉnh các dự thảo trong {days} ngày.",
        ],
    },
    "wire_lead": {
        "title": "Theo TTXVN: {province} {topic}",
        "frame": [
            "(TTXVN) - Theo phóng viên TTXVN tại {province}, chiều {day}/{month}, UBND tỉnh {province} tổ chức hội "
            "nghị về {topic}.",
            "Theo TTXVN",
        ],
        "pool": [],  # the body comes from the seeds: each article has its own seed paragraphs
    },
}
TOPICS = ["chuyển đổi số", "phòng chống thiên tai", "cải cách hành chính", "phát triển du lịch", "xây dựng nông thôn mới",
          "thu hút đầu tư", "bảo vệ môi trường", "an toàn giao thông"]
ROMAN = ["VII", "VIII", "IX", "X", "XI", "XII"]
ARTICLES_PER_FAMILY = 8


def _slots(rng: random.Random) -> dict:
    year = rng.randrange(2016, 2026)
    teams = rng.sample(TEAMS, 4)
    players = rng.sample(PLAYERS, 2)
    return {"day": rng.randrange(1, 29), "month": rng.randrange(1, 13), "year": year, "prev": year - 1,
            "months": rng.randrange(2, 12), "chair": rng.choice(CHAIRS), "district": rng.choice(DISTRICTS),
            "province": rng.choice(PROVINCES), "roman": rng.choice(ROMAN), "topic": rng.choice(TOPICS),
            "days": rng.randrange(2, 5), "g": f"{rng.randrange(5, 11)},{rng.randrange(10)}",
            "g2": f"{rng.randrange(3, 9)},{rng.randrange(10)}", "p1": rng.randrange(60, 130),
            "p2": rng.randrange(30, 95), "p3": rng.randrange(2, 25), "p4": f"{rng.randrange(1, 6)},{rng.randrange(10)}",
            "n1": rng.randrange(100, 999), "n2": rng.randrange(100, 999), "n3": rng.randrange(100, 999),
            "n4": rng.randrange(2, 30), "s1": rng.randrange(1, 5), "s2": rng.randrange(0, 3),
            "m1": rng.randrange(5, 90), "m2": rng.randrange(5, 90),
            "team1": teams[0], "team2": teams[1], "team3": teams[2], "team4": teams[3],
            "player1": players[0], "player2": players[1]}


def _seed_sentences() -> list[str]:
    """Long sentences of the seeds, each used by one wire article only."""
    sentences = []
    for path in sorted(SEEDS.glob("*.txt")):
        for paragraph in seed_paragraphs(path):
            sentences += [s.strip() for s in paragraph.split(". ") if len(s.split()) >= 18]
    return sentences


def family_articles(family: str) -> list[list[str]]:
    """``ARTICLES_PER_FAMILY`` distinct events of one family, as paragraph lists (title first).

    Each event: the family's frame around three body paragraphs, each one sentence
    of the family's pool (its own slot values) and one seed sentence that no other
    event of the family uses.
    """
    spec = FAMILIES[family]
    seeds = _seed_sentences()
    offset = 7 * list(FAMILIES).index(family)
    out = []
    for k in range(ARTICLES_PER_FAMILY):
        rng = random.Random(f"{family}/{k}")
        slots = _slots(rng)
        frame = [p.format(**slots) for p in spec["frame"]]
        mine = [seeds[(offset + 3 * k + i) % len(seeds)] + "." for i in range(3)]
        pool = [s.format(**slots) for s in rng.sample(spec["pool"], 3)] if spec["pool"] else \
            [seeds[(offset + 3 * k + 3 * ARTICLES_PER_FAMILY + i) % len(seeds)] + "." for i in range(3)]
        body = [f"{a} {b}" for a, b in zip(pool, mine)]
        out.append([spec["title"].format(**slots), frame[0], *body, *frame[1:]])
    return out


def _changed_later(ps: list[str], rng: random.Random, family: str) -> list[str]:
    """The update ~27 h later: one body paragraph replaced by newer news, the title kept."""
    out = ps[:]
    fresh = random.Random(f"{family}/update/{rng.random()}")
    pool = FAMILIES[family]["pool"] or _seed_sentences()[-20:]
    out[3] = " ".join(s.format(**_slots(fresh)) for s in fresh.sample(pool, 2))
    return out


def _syndicated(ps: list[str], rng: random.Random, family: str) -> list[str]:
    """Another outlet's copy: its own title, its prefix on the lead, its footer."""
    return [ps[0].upper(), rng.choice(OUTLET_PREFIXES) + ps[1], *ps[2:], *rng.choice(FOOTERS)]


def _shortened(ps: list[str], rng: random.Random, family: str) -> list[str]:
    """A shortened copy: the last paragraph and the second sentence of the lead cut."""
    lead = ps[1].split(". ")
    return [ps[0], ". ".join(lead[:max(1, len(lead) - 1)]), *ps[2:-1]]


VARIANTS = [_changed_later, _syndicated, _shortened]


def documents() -> list[tuple[str, str, str]]:
    """``[(doc id, event, text)]``: every event of every family, and its three near-duplicates."""
    docs = []
    for family in FAMILIES:
        for k, ps in enumerate(family_articles(family)):
            event = f"{family}-{k}"
            docs.append((f"{event}-original", event, "\n".join(ps)))
            for variant in VARIANTS:
                rng = random.Random(f"{event}/{variant.__name__}")
                docs.append((f"{event}{variant.__name__}", event, "\n".join(variant(ps, rng, family))))
    return docs


def labelled_pairs(docs) -> list[tuple[str, str, bool]]:
    """Every pair within a family: the same event (near-duplicate) or another event (hard negative)."""
    family = {d: event.rsplit("-", 1)[0] for d, event, _ in docs}
    return [(a[0], b[0], a[1] == b[1]) for a, b in combinations(docs, 2) if family[a[0]] == family[b[0]]]
