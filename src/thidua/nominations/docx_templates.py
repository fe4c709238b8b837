"""Builders of the nomination Word templates (src/thidua/nominations/docx/*.docx), Nghị định 30/2020 layout.

Run `thidua docx_templates` (or `make docx`) after changing a builder; a test checks the committed files
match. The context each template expects is built in `thidua.nominations.documents`.
"""

from __future__ import annotations

from docx.shared import Cm

from thidua.lib.docx_builder import BODY, CENTER, HEADING, Nd30Builder, _cleanup_cells, _keep_together


def submission_letter() -> Nd30Builder:
    """Tờ trình đề nghị khen thưởng, with the nominee list (Law art. 84.1)."""
    b = Nd30Builder()
    b.header()
    b.title()
    b.body("{{ intro }}")
    b.body("{{ request }}")
    b.table(["STT", "Họ và tên / tên tập thể", "Đơn vị", "Hình thức đề nghị", "Năm", "Tóm tắt thành tích"],
            ["{{ r.stt }}", "{{ r.name }}", "{{ r.unit }}", "{{ r.award }}", "{{ r.year }}", "{{ r.achievement }}"],
            loop="r in rows", widths_cm=[1.1, 3.6, 3.4, 3.2, 1.3, 3.9], numeric=[False, False, False, False, True, False])
    b.body("{{ attachments_line }}")
    b.body("{{ closing }}")
    b.signature()
    return b


def decision() -> Nd30Builder:
    """Quyết định khen thưởng with the list of those awarded, golden-register numbers and prize money."""
    b = Nd30Builder()
    b.header()
    b.title()
    b.paragraph("{{ signer_heading }}", CENTER, bold=True)
    b.tag("{%p for line in bases %}")
    b.paragraph("{{ line }}", BODY, italic=True)
    b.tag("{%p endfor %}")
    b.paragraph("QUYẾT ĐỊNH:", CENTER, bold=True)
    b.body("{{ article1 }}")
    b.table(["STT", "Họ và tên / tên tập thể", "Đơn vị", "Hình thức", "Số sổ vàng", "Tiền thưởng (đồng)"],
            ["{{ r.stt }}", "{{ r.name }}", "{{ r.unit }}", "{{ r.award }}", "{{ r.register_no }}", "{{ r.prize }}"],
            loop="r in rows", widths_cm=[1.1, 3.8, 3.6, 3.3, 2.1, 2.6], numeric=[False, False, False, False, False, True],
            footer=["", "Tổng cộng", "", "", "", "{{ prize_total }}"])
    b.body("{{ article2 }}")
    b.body("{{ article3 }}")
    b.signature()
    return b


def vote_minutes() -> Nd30Builder:
    """Biên bản kiểm phiếu of a council session (secret ballot: counts only)."""
    b = Nd30Builder()
    b.header()
    b.title()
    b.body("{{ intro }}")
    b.body("{{ attendance }}")
    b.body("{{ secrecy }}")
    b.table(["STT", "Họ và tên / tên tập thể", "Hình thức", "Đồng ý", "Không đồng ý", "Tỷ lệ / tổng số thành viên",
             "Kết quả"],
            ["{{ r.stt }}", "{{ r.name }}", "{{ r.award }}", "{{ r.yes }}", "{{ r.no }}", "{{ r.share }}", "{{ r.result }}"],
            loop="r in rows", widths_cm=[1.1, 3.9, 2.6, 1.8, 2.0, 2.6, 2.5],
            numeric=[False, False, False, True, True, True, False])
    b.body("{{ conclusion }}")
    b.signature()
    return b


def certificate() -> Nd30Builder:
    """The certificate (landscape): title, recipient, decision, golden-register number and the QR code that
    opens the public verification page."""
    b = Nd30Builder(landscape=True)
    b.paragraph("{{ national_title }}", CENTER, bold=True, size=13, after=0)
    b.paragraph("{{ motto }}", CENTER, bold=True, size=13, after=12)
    b.paragraph("{{ authority }}", CENTER, bold=True, size=14, after=12)
    b.paragraph("{{ award }}", CENTER, bold=True, size=26, after=12)
    b.paragraph("{{ lead }}", CENTER, size=16, after=6)
    b.paragraph("{{ recipient }}", CENTER, bold=True, size=24, after=6)
    b.paragraph("{{ unit }}", CENTER, size=14, after=6)
    b.paragraph("{{ achievement }}", CENTER, italic=True, size=14, after=12)
    b.paragraph("{{ decision_line }}", CENTER, size=12, after=0)
    b.paragraph("{{ register_line }}", CENTER, size=12, after=6)
    b.image("qr")
    b.paragraph("{{ verify_line }}", CENTER, size=9, after=12)
    b.paragraph("{{ signer_title }}", CENTER, bold=True, size=14, after=36)
    b.paragraph("{{ signer_name }}", CENTER, bold=True, size=14)
    return b


# --- Achievement reports (báo cáo thành tích, ND 152/2025 appendix) -------------------------------------------
# One template per case of forms.md §2; hero and foreign cases use the individual/collective layout with their
# own title. The context (documents.achievement_report_context) carries every piece; each template shows the
# sections of its case. Placeholders the office must write are highlighted runs ("[…]") built in documents.py.


def two_signatures(b: Nd30Builder, left: str, right: str, *, left_cm: float = 8.0) -> None:
    """Two signature blocks side by side (no "Nơi nhận"): `left`/`right` name context dicts with an optional
    authority line ("TM. HỘI ĐỒNG"), title, note (the "(Ký, ghi rõ họ tên)" line) and name."""
    b.paragraph("", CENTER, after=6).paragraph_format.keep_with_next = True
    total = b.text_width
    t = b._table(1, 2, [Cm(left_cm), total - Cm(left_cm)], borders=False)
    for cell, key in ((t.cell(0, 0), left), (t.cell(0, 1), right)):
        b.tag(f"{{%p if {key}.authority %}}", container=cell)
        b.paragraph(f"{{{{ {key}.authority }}}}", CENTER, bold=True, size=13, container=cell)
        b.tag("{%p endif %}", container=cell)
        b.paragraph(f"{{{{ {key}.title }}}}", CENTER, bold=True, size=13, container=cell)
        b.paragraph(f"{{{{ {key}.note }}}}", CENTER, italic=True, size=13, container=cell)
        for _ in range(4):
            b.paragraph("", CENTER, container=cell)
        b.paragraph(f"{{{{ {key}.name }}}}", CENTER, bold=True, size=14, container=cell)
    _cleanup_cells(t)
    _keep_together(t)


def _lines(b: Nd30Builder, loop: str, style: str = BODY) -> None:
    """Paragraphs from a list of rich-text lines (prefilled facts and highlighted placeholders)."""
    b.tag(f"{{%p for line in {loop} %}}")
    b.paragraph("{{r line }}", style)
    b.tag("{%p endfor %}")


def _table_or_note(b: Nd30Builder, rows: str, headers, cells, widths, numeric=None,
                   note: str = "(Chưa có bản ghi trong cơ sở dữ liệu; đơn vị bổ sung nếu có.)") -> None:
    b.tag(f"{{%p if {rows} %}}")
    b.table(headers, cells, loop=f"r in {rows}", widths_cm=widths, numeric=numeric)
    b.tag("{%p else %}")
    b.paragraph(note, BODY, italic=True)
    b.tag("{%p endif %}")


def _report_head(b: Nd30Builder) -> None:
    b.header()
    b.title()
    b.paragraph("{{ recipient_line }}", CENTER, bold=True, after=12)


def _cv(b: Nd30Builder) -> None:
    b.heading("{{ h.cv }}")
    _lines(b, "cv")


def _overview(b: Nd30Builder) -> None:
    b.heading("{{ h.overview }}")
    b.heading("1. Đặc điểm, tình hình")
    _lines(b, "overview")
    b.heading("2. Chức năng, nhiệm vụ")
    b.paragraph("{{r todo.functions }}", BODY)


def _subject_intro(b: Nd30Builder) -> None:
    """CV for a person, overview for a collective or household (ad hoc and thematic reports serve both)."""
    b.tag("{%p if individual %}")
    _cv(b)
    b.tag("{%p else %}")
    _overview(b)
    b.tag("{%p endif %}")


def _ratings(b: Nd30Builder) -> None:
    b.paragraph("{{ ratings_intro }}", BODY)
    _table_or_note(b, "ratings", ["Năm", "Kết quả đánh giá, xếp loại", "Danh hiệu thi đua trong năm"],
                   ["{{ r.year }}", "{{ r.rating }}", "{{ r.titles }}"], [2.2, 7.0, 7.0])


def _initiatives(b: Nd30Builder) -> None:
    _table_or_note(b, "initiatives", ["Năm", "Sáng kiến, đề tài", "Phạm vi ảnh hưởng", "Quyết định công nhận", "Căn cứ đề nghị"],
                   ["{{ r.year }}", "{{ r.title }}", "{{ r.scope }}", "{{ r.recognised_by }}", "{{ r.basis }}"],
                   [1.5, 6.2, 3.0, 3.6, 1.9])
    b.paragraph("{{r todo.initiatives }}", BODY)


def _awards(b: Nd30Builder, heading: str = "{{ h.awards }}") -> None:
    b.heading(heading)
    cells = ["{{ r.year }}", "{{ r.name }}", "{{ r.decision }}", "{{ r.issuer }}"]
    widths = [1.5, 5.6, 4.6, 4.5]
    for n, (rows, label) in enumerate((("titles", "Danh hiệu thi đua"), ("forms", "Hình thức khen thưởng")), 1):
        b.paragraph(f"{n}. {label}", HEADING)
        _table_or_note(b, rows, ["Năm", label, "Số, ngày quyết định", "Cơ quan ban hành quyết định"], cells, widths)


def _report_end(b: Nd30Builder) -> None:
    b.paragraph("{{r todo.closing }}", BODY)
    two_signatures(b, "sign_left", "sign_right")


def report_individual() -> Nd30Builder:
    """Individual merit (also CSTĐCS, CSTĐ tỉnh, Bằng khen; hero and foreign individuals with their title):
    I. CV; II. duties, results with the yearly ratings, initiatives; III. awards received."""
    b = Nd30Builder()
    _report_head(b)
    _cv(b)
    b.heading("{{ h.achievements }}")
    b.heading("1. Quyền hạn, nhiệm vụ được giao hoặc đảm nhận")
    b.paragraph("{{r todo.duties }}", BODY)
    b.heading("2. Thành tích đạt được")
    _lines(b, "achievement")
    _ratings(b)
    b.heading("3. Sáng kiến, đề tài nghiên cứu khoa học; giải pháp công tác")
    _initiatives(b)
    _awards(b)
    _report_end(b)
    return b


def report_collective() -> Nd30Builder:
    """Collective merit (hero and foreign collectives with their title): I. overview; II. results (figures,
    year-on-year), measures and movements, policy and Party/mass organisations; III. awards received."""
    b = Nd30Builder()
    _report_head(b)
    _overview(b)
    b.heading("{{ h.achievements }}")
    b.heading("1. Kết quả thực hiện nhiệm vụ được giao")
    _lines(b, "achievement")
    _ratings(b)
    b.paragraph("{{r todo.figures }}", BODY)
    b.heading("2. Các giải pháp, biện pháp; phong trào thi đua đã thực hiện")
    b.paragraph("{{r todo.measures }}", BODY)
    _initiatives(b)
    b.heading("3. Thực hiện chủ trương, chính sách; xây dựng tổ chức Đảng, đoàn thể")
    b.paragraph("{{r todo.policy }}", BODY)
    _awards(b)
    _report_end(b)
    return b


def report_government_flag() -> Nd30Builder:
    """Government Emulation Flag (collective, Law art. 25): the collective report plus the cluster/block the
    unit leads and its emulation targets."""
    b = Nd30Builder()
    _report_head(b)
    _overview(b)
    b.heading("{{ h.achievements }}")
    b.heading("1. Kết quả thực hiện các chỉ tiêu, nhiệm vụ được giao")
    _lines(b, "achievement")
    _ratings(b)
    b.paragraph("{{r todo.figures }}", BODY)
    b.heading("2. Kết quả tham gia Cụm, Khối thi đua")
    b.paragraph("{{r todo.cluster }}", BODY)
    b.heading("3. Các giải pháp, phong trào thi đua; sáng kiến, kinh nghiệm")
    b.paragraph("{{r todo.measures }}", BODY)
    _initiatives(b)
    b.heading("4. Thực hiện chủ trương, chính sách; xây dựng tổ chức Đảng, đoàn thể")
    b.paragraph("{{r todo.policy }}", BODY)
    _awards(b)
    _report_end(b)
    return b


def report_national_fighter() -> Nd30Builder:
    """National Emulation Fighter (Law art. 21): the individual report with the provincial titles and the
    initiatives of nationwide effect set out."""
    b = Nd30Builder()
    _report_head(b)
    _cv(b)
    b.heading("{{ h.achievements }}")
    b.heading("1. Quyền hạn, nhiệm vụ được giao hoặc đảm nhận")
    b.paragraph("{{r todo.duties }}", BODY)
    b.heading("2. Thành tích đạt được")
    _lines(b, "achievement")
    _ratings(b)
    b.heading("3. Sáng kiến, đề tài nghiên cứu có phạm vi ảnh hưởng toàn quốc")
    _initiatives(b)
    b.paragraph("{{r todo.national_effect }}", BODY)
    _awards(b)
    _report_end(b)
    return b


def report_adhoc() -> Nd30Builder:
    """Ad hoc achievement (individual or collective): who, then the deed and its effect."""
    b = Nd30Builder()
    _report_head(b)
    _subject_intro(b)
    b.heading("{{ h.achievements }}")
    _lines(b, "achievement")
    b.paragraph("{{r todo.deed }}", BODY)
    b.paragraph("{{r todo.effect }}", BODY)
    _awards(b)
    _report_end(b)
    return b


def report_career() -> Nd30Builder:
    """Career contribution (individual): CV, the table of posts held (from–to, post, unit, months, allowance
    coefficient), awards received and discipline."""
    b = Nd30Builder()
    _report_head(b)
    _cv(b)
    b.heading("II. QUÁ TRÌNH CÔNG TÁC VÀ CÁC CHỨC VỤ ĐÃ ĐẢM NHẬN")
    b.table(["Từ tháng, năm – đến tháng, năm", "Chức vụ", "Đơn vị công tác", "Số tháng giữ chức vụ",
             "Hệ số phụ cấp chức vụ"],
            ["{{r r.period }}", "{{r r.post }}", "{{r r.unit }}", "{{r r.months }}", "{{r r.allowance }}"],
            loop="r in posts", widths_cm=[3.6, 3.6, 4.6, 2.2, 2.2], numeric=[False, False, False, True, True])
    b.paragraph("{{r todo.posts }}", BODY)
    b.heading("III. THÀNH TÍCH ĐẠT ĐƯỢC")
    _lines(b, "achievement")
    _ratings(b)
    _awards(b, "IV. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG")
    b.heading("V. KỶ LUẬT")
    _table_or_note(b, "disciplines", ["Hình thức kỷ luật", "Từ ngày", "Đến ngày", "Quyết định"],
                   ["{{ r.level }}", "{{ r.starts_on }}", "{{ r.ends_on }}", "{{ r.decision }}"], [4.2, 2.8, 2.8, 6.4],
                   note="(Không có bản ghi kỷ luật trong cơ sở dữ liệu.)")
    _report_end(b)
    return b


def report_thematic() -> Nd30Builder:
    """Thematic movement (individual or collective): the movement, what was done in it and the results."""
    b = Nd30Builder()
    _report_head(b)
    _subject_intro(b)
    b.heading("{{ h.achievements }}")
    _lines(b, "movement")
    _lines(b, "achievement")
    b.paragraph("{{r todo.movement_results }}", BODY)
    b.paragraph("{{r todo.measures }}", BODY)
    _awards(b)
    _report_end(b)
    return b


# --- Council general-meeting minutes (biên bản họp Hội đồng) ---------------------------------------------------


def council_minutes() -> Nd30Builder:
    """Minutes of a council meeting (forms.md §2): time and place, members by decision / present / absent with
    reason, content, per-item results of the secret ballot, conclusion, end time; secretary and chair sign."""
    b = Nd30Builder()
    b.header()
    b.title()
    _lines(b, "opening")
    b.heading("I. THÀNH PHẦN THAM DỰ")
    b.body("{{ attendance }}")
    b.paragraph("1. Thành viên có mặt", HEADING)
    _table_or_note(b, "present", ["STT", "Họ và tên", "Ghi chú"], ["{{ r.stt }}", "{{ r.name }}", "{{ r.note }}"],
                   [1.2, 8.0, 7.0], note="(Không có.)")
    b.paragraph("2. Thành viên vắng mặt và lý do", HEADING)
    _table_or_note(b, "absent", ["STT", "Họ và tên", "Lý do vắng mặt; ý kiến bằng văn bản"],
                   ["{{ r.stt }}", "{{ r.name }}", "{{r r.reason }}"], [1.2, 8.0, 7.0], note="(Không có.)")
    b.paragraph("{{r guests }}", BODY)
    b.heading("II. NỘI DUNG CUỘC HỌP")
    _lines(b, "content")
    b.heading("III. KẾT QUẢ BỎ PHIẾU KÍN")
    b.body("{{ ballot_intro }}")
    b.table(["STT", "Họ và tên / tên tập thể", "Hình thức đề nghị", "Đồng ý", "Không đồng ý", "Tỷ lệ / tổng số thành viên",
             "Kết quả"],
            ["{{ r.stt }}", "{{ r.name }}", "{{ r.award }}", "{{ r.yes }}", "{{ r.no }}", "{{ r.share }}", "{{ r.result }}"],
            loop="r in rows", widths_cm=[1.2, 3.8, 3.2, 1.7, 1.8, 2.2, 2.5],
            numeric=[False, False, False, True, True, True, False])
    b.heading("IV. KẾT LUẬN")
    _lines(b, "conclusion")
    b.paragraph("{{r closing }}", BODY)
    two_signatures(b, "sign_left", "sign_right")
    return b


TEMPLATES = {
    "to-trinh.docx": submission_letter,
    "quyet-dinh-khen-thuong.docx": decision,
    "bien-ban-kiem-phieu.docx": vote_minutes,
    "giay-chung-nhan.docx": certificate,
    "bao-cao-thanh-tich-ca-nhan.docx": report_individual,
    "bao-cao-thanh-tich-tap-the.docx": report_collective,
    "bao-cao-thanh-tich-co-thi-dua-chinh-phu.docx": report_government_flag,
    "bao-cao-thanh-tich-cstd-toan-quoc.docx": report_national_fighter,
    "bao-cao-thanh-tich-dot-xuat.docx": report_adhoc,
    "bao-cao-thanh-tich-cong-hien.docx": report_career,
    "bao-cao-thanh-tich-chuyen-de.docx": report_thematic,
    "bien-ban-hop-hoi-dong.docx": council_minutes,
}
