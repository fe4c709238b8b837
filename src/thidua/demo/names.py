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
