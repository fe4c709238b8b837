"""Word lists for illustrative names (people, units) in the reference scenario."""

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hà", "Nông", "Lục", "Lò",
          "Vàng", "Giàng", "Sùng", "Triệu", "Bế", "Đinh", "Lường", "Quàng", "Ma", "Mùa", "Hầu", "Lý"]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Xuân", "Mạnh", "A", "Seo"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Mai", "Hồng", "Kim", "Thùy"]
GIVEN_M = ["Hùng", "Dũng", "Tuấn", "Long", "Sơn", "Hải", "Cường", "Thắng", "Phong", "Trung", "Bình", "Khánh",
           "Chính", "Páo", "Chứ", "Dìn", "Tráng", "Lâm", "Nam", "Hiếu", "Quý", "Thái"]
GIVEN_F = ["Lan", "Hoa", "Hương", "Mai", "Thảo", "Hằng", "Nga", "Dung", "Ly", "Trang", "Vân", "Yến", "Mỷ",
           "Sua", "Chi", "Linh", "Phương", "Huyền", "Thủy", "Hạnh"]
ETHNICITIES = ["Kinh", "Tày", "Nùng", "H'Mông", "Dao", "Thái", "Giáy", "Hà Nhì", "Lự", "Khơ Mú"]

DEPARTMENTS = [
    ("Sở Nội vụ", ["Ban Thi đua - Khen thưởng", "Phòng Tổ chức, biên chế", "Phòng Xây dựng chính quyền"]),
    ("Sở Giáo dục và Đào tạo", ["Trường THPT Chuyên", "Trường THPT Dân tộc nội trú", "Trường THPT số 1",
                                "Trường THCS Hoàng Văn Thụ", "Trường Tiểu học Kim Đồng", "Trường Mầm non Hoa Sen"]),
    ("Sở Y tế", ["Bệnh viện Đa khoa tỉnh", "Trung tâm Kiểm soát bệnh tật", "Bệnh viện Y dược cổ truyền",
                 "Trung tâm Y tế dự phòng"]),
    ("Sở Tài chính", ["Phòng Quản lý ngân sách", "Phòng Tài chính doanh nghiệp"]),
    ("Sở Nông nghiệp và Phát triển nông thôn", ["Chi cục Kiểm lâm", "Chi cục Thủy lợi", "Văn phòng Điều phối nông thôn mới"]),
    ("Sở Lao động - Thương binh và Xã hội", ["Trung tâm Dịch vụ việc làm", "Trung tâm Bảo trợ xã hội"]),
    ("Sở Kế hoạch và Đầu tư", ["Phòng Tổng hợp, quy hoạch", "Phòng Đăng ký kinh doanh"]),
    ("Sở Văn hóa, Thể thao và Du lịch", ["Bảo tàng tỉnh", "Thư viện tỉnh", "Trung tâm Văn hóa nghệ thuật"]),
    ("Sở Giao thông vận tải", ["Ban Quản lý dự án giao thông", "Thanh tra Sở"]),
    ("Sở Tư pháp", ["Trung tâm Trợ giúp pháp lý", "Phòng Công chứng số 1"]),
    ("Công an tỉnh", ["Phòng Cảnh sát giao thông", "Phòng An ninh kinh tế", "Phòng Cảnh sát PCCC"]),
    ("Bộ Chỉ huy Quân sự tỉnh", ["Ban Chỉ huy Quân sự thành phố", "Đại đội Trinh sát"]),
    ("Bộ Chỉ huy Bộ đội Biên phòng tỉnh", ["Đồn Biên phòng cửa khẩu", "Đồn Biên phòng số 1", "Đồn Biên phòng số 2"]),
    ("Cục Thuế tỉnh", ["Phòng Kiểm tra thuế", "Chi cục Thuế khu vực I"]),
    ("Kho bạc Nhà nước tỉnh", ["Phòng Kiểm soát chi", "Kho bạc Nhà nước khu vực I"]),
]
SMALL_COLLECTIVES = ["Phòng Hành chính - Tổng hợp", "Phòng Chuyên môn", "Tổ Nghiệp vụ", "Khoa Nội", "Tổ Toán - Tin",
                     "Tổ Ngữ văn", "Đội Công tác", "Tổ Văn phòng"]
COMMUNE_NAMES = ["Hòa Bình", "Quang Trung", "Thống Nhất", "Đoàn Kết", "Tân Tiến", "Minh Khai", "Hồng Phong",
                 "Nà Phặc", "Phúc Sen", "Bản Giốc", "Sủng Là", "Lũng Cú", "Mường Hum", "Tả Phìn", "Bản Lầu",
                 "Mường Lay", "Chiềng Sinh", "Hua La", "Nậm Cuổi", "Thanh Minh", "Bình Minh", "Hữu Lũng",
                 "Na Sầm", "Pò Tấu", "Sơn Vĩ", "Tả Van", "Bản Phố", "Nậm Nhùn", "Pa Tần", "Mường Nhé"]
ENTERPRISES = ["Công ty CP Khoáng sản", "Công ty TNHH Chè", "Hợp tác xã Nông nghiệp", "Công ty Điện lực",
               "Công ty CP Xi măng", "Hợp tác xã Dược liệu", "Công ty CP Du lịch", "Công ty CP Cấp nước"]

# Communes of each member province (pre-2025 codes), so a commune is named inside its own province.
COMMUNES_BY_PROVINCE = {
    "02": ["Lũng Cú", "Sủng Là", "Sà Phìn", "Lũng Phìn", "Sủng Trái", "Tả Lủng", "Pả Vi", "Xín Cái", "Thượng Phùng",
           "Lũng Táo", "Cán Tỷ", "Quyết Tiến", "Thanh Vân", "Tùng Vài", "Bát Đại Sơn", "Nghĩa Thuận", "Lùng Tám",
           "Mậu Duệ", "Du Già", "Đường Thượng", "Na Khê", "Yên Cường", "Minh Ngọc", "Thanh Thủy", "Phương Tiến",
           "Tùng Bá", "Thuận Hòa", "Nà Chì", "Thông Nguyên", "Nậm Dịch"],
    "04": ["Đàm Thủy", "Đình Phong", "Chí Viễn", "Phong Nặm", "Ngọc Côn", "Trường Hà", "Sóc Hà", "Quý Quân",
           "Nà Sác", "Cần Yên", "Lương Can", "Nam Tuấn", "Đức Long", "Quốc Dân", "Bế Triều", "Hồng Việt",
           "Chu Trinh", "Ngũ Lão", "Lý Quốc", "Đức Quang", "Thái Cường", "Kim Đồng", "Lê Lai", "Canh Tân",
           "Vĩnh Quang", "Hưng Đạo", "Cô Ba", "Hưng Thịnh", "Mai Long", "Tam Kim"],
    "20": ["Hồ Sơn", "Yên Vượng", "Minh Sơn", "Đồng Tân", "Tân Liên", "Hồng Phong", "Gia Cát", "Thụy Hùng",
           "Lộc Yên", "Tân Mỹ", "Hoàng Văn Thụ", "Tân Thanh", "Quốc Khánh", "Đội Cấn", "Kháng Chiến", "Vũ Lăng",
           "Chiến Thắng", "Bắc Quỳnh", "Long Đống", "Hưng Đạo", "Tô Hiệu", "Thiện Thuật", "Quang Lang", "Mai Sao",
           "Y Tịch", "Khuất Xá", "Tú Đoạn", "Bính Xá", "Cường Lợi", "Tràng Các"],
    "10": ["Tả Van", "Tả Phìn", "Bản Hồ", "Lao Chải", "Trung Chải", "Y Tý", "A Mú Sung", "Trịnh Tường",
           "Mường Hum", "Dền Sáng", "Bản Vược", "Lùng Phình", "Tả Van Chư", "Bản Phố", "Na Hối", "Sín Chéng",
           "Lùng Sui", "Nàn Sán", "Pha Long", "Bản Lầu", "Lùng Vai", "Xuân Quang", "Phong Niên", "Gia Phú",
           "Sơn Hải", "Nghĩa Đô", "Vĩnh Yên", "Tân Dương", "Minh Lương", "Dương Quỳ"],
    "12": ["Bình Lư", "Bản Bo", "Sơn Bình", "Hồ Thầu", "Giang Ma", "Nà Tăm", "Ma Ly Pho", "Dào San", "Sì Lở Lầu",
           "Mường So", "Huổi Luông", "Bản Lang", "Pa Tần", "Chăn Nưa", "Nậm Tăm", "Pu Sam Cáp", "Nậm Hàng",
           "Lê Lợi", "Mường Mô", "Pú Đao", "Bum Nưa", "Ka Lăng", "Thu Lũm", "Pa Ủ", "Mường Khoa", "Phúc Khoa",
           "Trung Đồng", "Mường Kim", "Phúc Than", "Mường Than"],
    "11": ["Thanh Xương", "Thanh An", "Noong Hẹt", "Sam Mứn", "Núa Ngam", "Mường Phăng", "Nà Tấu", "Thanh Nưa",
           "Thanh Luông", "Sín Thầu", "Chung Chải", "Nậm Kè", "Quảng Lâm", "Ma Thì Hồ", "Sa Lông", "Huổi Lèng",
           "Sính Phình", "Mường Báng", "Quài Tở", "Chiềng Sinh", "Mường Mùn", "Pú Nhung", "Na Son", "Phì Nhừ",
           "Keo Lôm", "Ẳng Nưa", "Búng Lao", "Si Pa Phìn", "Chà Tở", "Mường Nhé"],
    "14": ["Chiềng Sơn", "Đông Sang", "Phiêng Luông", "Tân Lập", "Lóng Sập", "Chiềng Mung", "Cò Nòi", "Chiềng Ban",
           "Mường Bằng", "Chiềng Pấc", "Phổng Lái", "Tông Lạnh", "Mường É", "Chiềng Ngần", "Hua La", "Chiềng Cọ",
           "Chiềng Đen", "Mường Giàng", "Chiềng Bằng", "Chiềng Khương", "Nà Nghịu", "Chiềng Đông", "Sặp Vạt",
           "Tạ Xùa", "Hồng Ngài", "Gia Phù", "Tường Thượng", "Vân Hồ", "Lóng Luông", "Chiềng Hắc"],
}
assert all(len(v) == len(COMMUNE_NAMES) == len(set(v)) for v in COMMUNES_BY_PROVINCE.values())
