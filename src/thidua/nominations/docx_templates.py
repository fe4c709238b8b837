"""Builders of the nomination Word templates (src/thidua/nominations/docx/*.docx), Nghị định 30/2020 layout.

Run `thidua docx_templates` (or `make docx`) after changing a builder; a test checks the committed files
match. The context each template expects is built in `thidua.nominations.documents`.
"""

from __future__ import annotations

from thidua.core.docx_builder import BODY, CENTER, Nd30Builder


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


TEMPLATES = {
    "to-trinh.docx": submission_letter,
    "quyet-dinh-khen-thuong.docx": decision,
    "bien-ban-kiem-phieu.docx": vote_minutes,
    "giay-chung-nhan.docx": certificate,
}
