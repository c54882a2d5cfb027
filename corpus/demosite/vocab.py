"""Word lists the synthetic articles are built from (provincial-news Vietnamese).

``{P}`` is the site's province, ``{D}`` one of its districts, ``{Y}`` the year
the article is published, ``{n}`` a small number.
"""

CATEGORIES = {
    # key: (display name, title topics, tags)
    "chinh-tri": ("Chính trị", [
        "công tác xây dựng Đảng năm {Y}",
        "{n} năm thực hiện Nghị quyết Trung ương 4 (khóa XII)",
        "Chỉ thị số 05-CT/TW của Bộ Chính trị",
        "công tác kiểm tra, giám sát năm {Y}",
        "công tác dân vận năm {Y}",
        "Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XI",
        "công tác cải cách hành chính năm {Y}",
        "công tác phòng, chống tham nhũng, tiêu cực",
        "công tác tiếp công dân, giải quyết khiếu nại, tố cáo",
        "công tác cán bộ và bảo vệ chính trị nội bộ",
    ], ["xây dựng Đảng", "Nghị quyết", "Tỉnh ủy", "cải cách hành chính", "Chỉ thị 05"]),
    "kinh-te": ("Kinh tế", [
        "tình hình kinh tế - xã hội 6 tháng đầu năm {Y}",
        "giải ngân vốn đầu tư công năm {Y}",
        "thu hút đầu tư vào các khu, cụm công nghiệp",
        "công tác thu ngân sách nhà nước năm {Y}",
        "hỗ trợ doanh nghiệp nhỏ và vừa",
        "phát triển kinh tế tập thể, hợp tác xã",
        "chương trình mỗi xã một sản phẩm (OCOP) năm {Y}",
        "chuyển đổi số trong doanh nghiệp",
    ], ["đầu tư công", "doanh nghiệp", "OCOP", "ngân sách", "chuyển đổi số"]),
    "nong-nghiep": ("Nông nghiệp", [
        "sản xuất lúa vụ Hè Thu {Y}",
        "mô hình trồng thanh long ứng dụng công nghệ cao",
        "chương trình mục tiêu quốc gia xây dựng nông thôn mới",
        "phòng, chống hạn hán, xâm nhập mặn mùa khô {Y}",
        "phát triển vùng nguyên liệu chanh không hạt",
        "chuyển đổi cơ cấu cây trồng, vật nuôi",
        "nuôi tôm ứng dụng công nghệ cao",
    ], ["nông thôn mới", "lúa gạo", "hạn mặn", "nông nghiệp công nghệ cao"]),
    "xa-hoi": ("Xã hội", [
        "công tác bảo đảm an sinh xã hội dịp Tết Nguyên đán {Y}",
        "công tác giảm nghèo bền vững",
        "công tác phòng, chống dịch COVID-19",
        "kỳ thi tốt nghiệp THPT năm {Y}",
        "chương trình hỗ trợ nhà ở cho hộ nghèo",
        "công tác bảo hiểm xã hội, bảo hiểm y tế năm {Y}",
        "công tác giải quyết việc làm cho người lao động",
    ], ["an sinh xã hội", "COVID-19", "giáo dục", "giảm nghèo", "việc làm"]),
    "van-hoa": ("Văn hóa - Thể thao", [
        "phong trào Toàn dân đoàn kết xây dựng đời sống văn hóa",
        "Đại hội Thể dục thể thao tỉnh lần thứ {n}",
        "công tác bảo tồn di tích lịch sử - văn hóa",
        "phát triển du lịch cộng đồng",
        "hoạt động kỷ niệm Ngày Thành lập Đảng Cộng sản Việt Nam năm {Y}",
    ], ["văn hóa", "du lịch", "thể thao", "di tích"]),
    "quoc-phong-an-ninh": ("Quốc phòng - An ninh", [
        "diễn tập khu vực phòng thủ tỉnh năm {Y}",
        "công tác tuyển chọn, gọi công dân nhập ngũ năm {Y}",
        "bảo đảm trật tự an toàn giao thông dịp Tết {Y}",
        "phong trào Toàn dân bảo vệ an ninh Tổ quốc",
        "công tác phòng cháy, chữa cháy và cứu nạn, cứu hộ",
    ], ["quốc phòng", "an ninh trật tự", "an toàn giao thông", "nghĩa vụ quân sự"]),
}

ORGS = [
    "Tỉnh ủy {P}", "UBND tỉnh {P}", "HĐND tỉnh {P}", "Ban Thường vụ Tỉnh ủy {P}",
    "Ủy ban MTTQ Việt Nam tỉnh {P}", "Sở Nông nghiệp và Phát triển nông thôn tỉnh {P}",
    "Sở Kế hoạch và Đầu tư tỉnh {P}", "Sở Giáo dục và Đào tạo tỉnh {P}", "Công an tỉnh {P}",
    "Bộ Chỉ huy Quân sự tỉnh {P}", "Hội Nông dân tỉnh {P}", "Liên đoàn Lao động tỉnh {P}",
    "Hội Liên hiệp Phụ nữ tỉnh {P}", "Sở Y tế tỉnh {P}", "Ban Tuyên giáo Tỉnh ủy {P}",
    "Ủy ban Kiểm tra Tỉnh ủy {P}", "Huyện ủy {D}", "UBND huyện {D}",
]

TITLE_VERBS = ["sơ kết", "tổng kết", "triển khai", "bàn giải pháp thực hiện", "đánh giá kết quả",
               "kiểm tra", "quán triệt", "đẩy mạnh"]
LEAD_EVENTS = ["tổ chức hội nghị sơ kết", "tổ chức hội nghị tổng kết", "tổ chức hội nghị triển khai",
               "có buổi làm việc về", "tổ chức hội nghị trực tuyến về", "tổ chức hội nghị chuyên đề về"]
DAY_PARTS = ["Sáng", "Chiều", "Ngày", "Tối"]

PEOPLE = {
    "Long An": ["Nguyễn Văn Được", "Nguyễn Văn Út", "Phạm Văn Cảnh", "Nguyễn Thanh Hải", "Phạm Tấn Hòa"],
    "Đồng Tháp": ["Lê Quốc Phong", "Phạm Thiện Nghĩa", "Phan Văn Thắng", "Huỳnh Minh Tuấn"],
    "Vĩnh Phúc": ["Hoàng Thị Thúy Lan", "Lê Duy Thành", "Trần Duy Đông", "Phạm Hoàng Anh"],
}
POSITIONS = ["Phó Bí thư Tỉnh ủy", "Chủ tịch UBND tỉnh", "Phó Chủ tịch UBND tỉnh",
             "Trưởng ban Tuyên giáo Tỉnh ủy", "Phó Chủ tịch Thường trực HĐND tỉnh"]
DISTRICTS = {
    "Long An": ["Bến Lức", "Cần Giuộc", "Đức Hòa", "Tân Trụ", "Thạnh Hóa", "Tân Hưng", "Mộc Hóa"],
    "Đồng Tháp": ["Lai Vung", "Cao Lãnh", "Tháp Mười", "Tam Nông", "Châu Thành", "Thanh Bình"],
    "Vĩnh Phúc": ["Tam Dương", "Lập Thạch", "Sông Lô", "Bình Xuyên", "Yên Lạc", "Vĩnh Tường"],
}

CAPTIONS = [
    "Quang cảnh hội nghị", "Đại biểu dự hội nghị tại điểm cầu cấp tỉnh",
    "Các đại biểu biểu quyết thông qua chương trình hội nghị", "Các đồng chí chủ trì hội nghị",
    "Đồng chí {person} - {position} phát biểu chỉ đạo tại hội nghị",
    "Đoàn công tác tham quan mô hình sản xuất tại huyện {D}",
    "Lãnh đạo tỉnh trao quà cho các hộ gia đình chính sách", "Toàn cảnh buổi làm việc",
]

AUTHORS = {
    "demo-longan": ["Thanh Nga", "Thái Bạch", "Thanh Nga - Thái Bạch", "Hoàng Dũng", "Minh Thư",
                    "Phan Trường", "Ngọc Mận"],
    "demo-dongthap": ["Ngân Nguyễn", "Hữu Nghĩa", "Thu Hiền", "Bảo Trân", "Lê Minh", "Ngân Nguyễn - Thu Hiền"],
    "demo-vinhphuc": ["Thu Hằng", "Minh Khoa", "Hải Yến", "Nguyễn Khánh", "Theo TTXVN", "Trà Hương"],
    "demo-portal": ["Thanh Tùng", "Hồng Nhung", "Minh Đức", "Thanh Tùng - Hồng Nhung"],
}
CAPTION_CREDITS = {
    "demo-longan": [". Ảnh: HD", ". Ảnh: Thái Bạch", ""],
    "demo-dongthap": ["", " (Ảnh: Hữu Nghĩa)"],
    "demo-vinhphuc": [". Ảnh: Cổng TTĐT tỉnh Vĩnh Phúc", ". Ảnh: Thu Hằng"],
    "demo-portal": [" (Ảnh: Cổng TTĐT tỉnh)", ""],
}

ENGLISH_PARAGRAPHS = [
    "The provincial Party Committee has set 18 key socio-economic targets for next year, focusing on "
    "industrial investment, infrastructure and the development of high-tech agriculture.",
    "According to the provincial People's Committee, the growth rate of the regional economy reached "
    "more than 7 percent, while the state budget revenue met the estimate assigned by the central government.",
    "Local authorities pledged to speed up site clearance for key traffic projects, improve the business "
    "environment and support small and medium-sized enterprises in accessing credit.",
    "Farmers in the province harvested the summer-autumn rice crop on schedule, with yields slightly "
    "higher than last year thanks to new varieties and better irrigation.",
    "Leaders of the province also asked departments to ensure social welfare, create jobs for workers "
    "and keep security and order stable during the holidays.",
]
