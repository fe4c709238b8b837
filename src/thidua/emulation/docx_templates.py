"""Builders of the cluster-year Word templates (src/thidua/emulation/docx/*.docx).

Run `thidua docx_templates` (or `make docx`) after changing a builder; a test checks the committed
files match. The context each template expects is built in `thidua.emulation.documents`.
"""

from __future__ import annotations

from thidua.lib.docx_builder import CENTER, Nd30Builder

# Text width of an A4 page with ND30 margins: 210 − 30 − 15 = 165 mm.


def pact() -> Nd30Builder:
    b = Nd30Builder()
    b.header()
    b.title()
    b.body("{{ intro }}")
    b.heading("I. NỘI DUNG GIAO ƯỚC")
    b.bullets("line in commitments", "{{ loop.index }}. {{ line }}", prefix="")
    b.tag("{%p if not commitments %}")
    b.body("Chưa có nội dung giao ước.")
    b.tag("{%p endif %}")
    b.tag("{%p if targets %}")
    b.heading("II. CHỈ TIÊU ĐĂNG KÝ")
    b.table(["STT", "Chỉ tiêu", "Đơn vị tính", "Thành viên", "Kế hoạch"],
            ["{{ t.stt }}", "{{ t.indicator }}", "{{ t.unit }}", "{{ t.member }}", "{{ t.planned }}"],
            loop="t in targets", widths_cm=[1.3, 6.5, 2.6, 3.1, 3.0], numeric=[False, False, False, False, True])
    b.tag("{%p endif %}")
    b.heading("{{ signatures_heading }}")
    b.body("{{ signatures_summary }}")
    b.table(["STT", "Thành viên", "Người ký", "Chức vụ", "Ngày ký", "Ký tên"],
            ["{{ s.stt }}", "{{ s.member }}", "{{ s.signatory }}", "{{ s.position }}", "{{ s.signed_on }}", ""],
            loop="s in signatures", widths_cm=[1.3, 2.8, 3.6, 3.6, 2.6, 2.6])
    b.heading("{{ implementation_heading }}")
    b.body("{{ implementation }}")
    b.signature()
    return b


def year_end_report() -> Nd30Builder:
    b = Nd30Builder()
    b.header()
    b.title()
    b.body("{{ intro }}")
    b.heading("I. KẾT QUẢ THỰC HIỆN CÁC PHONG TRÀO THI ĐUA VÀ CÔNG TÁC KHEN THƯỞNG NĂM {{ year }}")
    b.heading("1. Triển khai các phong trào thi đua")
    b.body("{{ movements_intro }}")
    b.bullets("m in movements", "{{ m }}")
    b.heading("2. Kết quả thực hiện các chỉ tiêu")
    b.body("{{ indicators_intro }}")
    b.table(["STT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Thực hiện", "% kế hoạch"],
            ["{{ i.stt }}", "{{ i.name }}", "{{ i.unit }}", "{{ i.planned }}", "{{ i.actual }}", "{{ i.percent }}"],
            loop="i in indicators", widths_cm=[1.3, 6.5, 2.2, 2.2, 2.3, 2.0],
            numeric=[False, False, False, True, True, True])
    b.tag("{%p for i in indicators %}")
    b.heading("2.{{ i.stt }}. {{ i.name }}")
    b.body("{{ i.sentence }}")
    b.tag('{%p if i.kind == "cumulative" %}')
    b.table(["STT", "Tỉnh", "Mới trong năm", "Lũy kế trước", "Lũy kế", "{{ i.base_label }}", "Tỷ lệ"],
            ["{{ r.stt }}", "{{ r.member }}", "{{ r.actual }}", "{{ r.prior }}", "{{ r.cumulative }}", "{{ r.base }}",
             "{{ r.share }}"],
            loop="r in i.rows", widths_cm=[1.3, 3.2, 2.4, 2.4, 2.2, 2.6, 2.4],
            numeric=[False, False, True, True, True, True, True],
            footer=["", "Toàn Cụm", "{{ i.total.actual }}", "", "{{ i.total.cumulative }}", "{{ i.total.base }}",
                    "{{ i.total.share }}"])
    b.tag('{%p elif i.kind == "members_met" %}')
    b.table(["STT", "Tỉnh", "Kế hoạch ({{ i.unit }})", "Thực hiện ({{ i.unit }})", "Đánh giá"],
            ["{{ r.stt }}", "{{ r.member }}", "{{ r.planned }}", "{{ r.actual }}", "{{ r.met }}"],
            loop="r in i.rows", widths_cm=[1.3, 4.6, 3.6, 3.6, 3.4], numeric=[False, False, True, True, False],
            footer=["", "Toàn Cụm", "", "", "{{ i.total.met }}"])
    b.tag("{%p else %}")
    b.table(["STT", "Tỉnh", "Kế hoạch ({{ i.unit }})", "Thực hiện ({{ i.unit }})", "% kế hoạch"],
            ["{{ r.stt }}", "{{ r.member }}", "{{ r.planned }}", "{{ r.actual }}", "{{ r.percent }}"],
            loop="r in i.rows", widths_cm=[1.3, 4.6, 3.6, 3.6, 3.4], numeric=[False, False, True, True, True],
            footer=["", "Toàn Cụm", "{{ i.total.planned }}", "{{ i.total.actual }}", "{{ i.total.percent }}"])
    b.tag("{%p endif %}")
    b.image("i.chart", condition="i.chart")
    b.tag("{%p endfor %}")
    b.heading("3. Công tác phát hiện, bồi dưỡng, tổng kết và nhân rộng điển hình tiên tiến")
    b.body("{{ exemplars }}")
    b.heading("4. Công tác khen thưởng")
    b.body("{{ commendations_intro }}")
    b.table(["Cấp khen thưởng", "Tập thể", "Cá nhân", "Hộ gia đình", "Tổng số",
             "Tập thể nhỏ, người lao động trực tiếp", "Tỷ lệ"],
            ["{{ c.level }}", "{{ c.collectives }}", "{{ c.individuals }}", "{{ c.households }}", "{{ c.total }}",
             "{{ c.priority }}", "{{ c.share }}"],
            loop="c in commendations", widths_cm=[4.4, 1.8, 1.8, 1.7, 2.0, 2.6, 2.2],
            numeric=[False, True, True, True, True, True, True])
    b.tag("{%p for c in commendations %}")
    b.paragraph("{{ c.chart_title }}", CENTER, italic=True, size=12)
    b.image("c.chart")
    b.tag("{%p endfor %}")
    b.heading("II. KẾT QUẢ HỘI NGHỊ TỔNG KẾT")
    b.body("{{ conference_intro }}")
    b.bullets("line in decisions", "{{ line }}")
    b.heading("III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {{ next_year }}")
    b.body("{{ directions_intro }}")
    b.bullets("line in directions", "{{ loop.index }}. {{ line }}", prefix="")
    b.tag("{%p if illustrative_note %}")
    b.paragraph("{{ illustrative_note }}", CENTER, italic=True, size=11)
    b.tag("{%p endif %}")
    b.signature()
    return b


def press_release() -> Nd30Builder:
    b = Nd30Builder()
    b.header()
    b.title()
    b.bullets("para in paragraphs", "{{ para }}", prefix="")
    b.signature()
    return b


def vote_minutes() -> Nd30Builder:
    b = Nd30Builder()
    b.header()
    b.title()
    b.body("{{ intro }}")
    b.heading("I. SỐ PHIẾU")
    b.bullets("line in counts", "{{ line }}", prefix="")
    b.heading("II. KẾT QUẢ KIỂM PHIẾU")
    b.table(["STT", "Ứng viên", "Số phiếu", "Tỷ lệ trên tổng số thành viên", "Kết quả"],
            ["{{ c.stt }}", "{{ c.name }}", "{{ c.votes }}", "{{ c.share }}", "{{ c.result }}"],
            loop="c in candidates", widths_cm=[1.3, 5.2, 2.4, 3.8, 3.8], numeric=[False, False, True, True, False])
    b.heading("III. KẾT LUẬN")
    b.bullets("line in conclusion", "{{ line }}", prefix="")
    b.body("{{ secrecy }}")
    b.signature()
    return b


def submission_letter() -> Nd30Builder:
    b = Nd30Builder()
    b.header()
    b.title()
    b.body("{{ addressee }}")
    b.body("{{ intro }}")
    b.bullets("p in proposals", "{{ loop.index }}. {{ p }}", prefix="")
    b.body("{{ closing }}")
    b.signature()
    b.heading("PHỤ LỤC: KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG NĂM {{ year }}").paragraph_format.page_break_before = True
    b.body("{{ ranking_intro }}")
    b.table(["Hạng", "Tỉnh", "Chỉ tiêu (% KH)", "Chấm điểm", "Thưởng", "Trừ", "Tổng điểm"],
            ["{{ r.rank }}", "{{ r.member }}", "{{ r.indicator }}", "{{ r.manual }}", "{{ r.bonus }}",
             "{{ r.penalty }}", "{{ r.total }}"],
            loop="r in ranking", widths_cm=[1.4, 3.6, 2.6, 2.5, 2.0, 1.8, 2.6],
            numeric=[False, False, True, True, True, True, True])
    b.body("{{ tie_breaks }}")
    return b


def movement_review() -> Nd30Builder:
    """The report of a movement's sơ kết / tổng kết (emulation.movement_documents)."""
    b = Nd30Builder()
    b.header()
    b.title()
    b.body("{{ intro }}")
    b.heading("I. TRIỂN KHAI PHONG TRÀO")
    b.bullets("line in launch", "{{ line }}")
    b.heading("II. KẾT QUẢ THAM GIA, ĐĂNG KÝ THI ĐUA")
    b.body("{{ participation_intro }}")
    b.table(["STT", "Cấp, đơn vị", "Đơn vị", "Tập thể", "Cá nhân", "Đăng ký danh hiệu"],
            ["{{ r.stt }}", "{{ r.name }}", "{{ r.units }}", "{{ r.collectives }}", "{{ r.individuals }}",
             "{{ r.titles }}"],
            loop="r in levels", widths_cm=[1.2, 6.9, 2.0, 2.0, 2.0, 2.4],
            numeric=[False, False, True, True, True, True])
    b.image("chart", condition="chart")
    b.heading("III. BÁO CÁO CỦA CÁC ĐƠN VỊ THAM GIA")
    b.body("{{ reports_intro }}")
    b.tag("{%p if reports %}")
    b.table(["STT", "Đơn vị", "Tập thể", "Cá nhân", "Điển hình", "Sáng kiến, mô hình"],
            ["{{ r.stt }}", "{{ r.name }}", "{{ r.collectives }}", "{{ r.individuals }}", "{{ r.exemplars }}",
             "{{ r.initiatives }}"],
            loop="r in reports", widths_cm=[1.2, 6.9, 2.0, 2.0, 2.0, 2.4],
            numeric=[False, False, True, True, True, True])
    b.bullets("h in highlights", "{{ h }}")
    b.tag("{%p endif %}")
    b.heading("IV. KHEN THƯỞNG")
    b.bullets("c in commendations", "{{ c }}")
    b.heading("V. ĐÁNH GIÁ CHUNG VÀ PHƯƠNG HƯỚNG")
    b.body("{{ conclusions }}")
    b.signature()
    return b


TEMPLATES = {
    "giao-uoc-thi-dua.docx": pact,
    "bao-cao-tong-ket.docx": year_end_report,
    "thong-cao-bao-chi.docx": press_release,
    "bien-ban-kiem-phieu-cum.docx": vote_minutes,
    "to-trinh-de-nghi-khen-thuong.docx": submission_letter,
    "bao-cao-so-ket-phong-trao.docx": movement_review,
}
