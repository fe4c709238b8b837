"""Builders of the eligibility Word templates (src/thidua/eligibility/docx/*.docx): the Central Board's national
summary of the clusters and blocks and of the Government flag proposals. Run `thidua docx_templates` (or
`make docx`) after changing a builder; a test checks the committed files match. The context is built in
`thidua.eligibility.national.summary_context`."""

from __future__ import annotations

from thidua.lib.docx_builder import CENTER, Nd30Builder


def national_summary() -> Nd30Builder:
    b = Nd30Builder()
    b.header()
    b.title()
    b.body("{{ intro }}")
    b.heading("I. CÁC CỤM, KHỐI THI ĐUA NĂM {{ year }}")
    b.table(["STT", "Cụm, khối", "Số thành viên", "Cụm trưởng", "Cụm phó", "Tiến độ (bước)", "Đơn vị dẫn đầu"],
            ["{{ c.stt }}", "{{ c.name }}", "{{ c.members }}", "{{ c.chair }}", "{{ c.deputy }}", "{{ c.progress }}",
             "{{ c.leads }}"],
            loop="c in clusters", widths_cm=[1.1, 4.4, 1.7, 2.4, 2.4, 1.8, 2.7],
            numeric=[False, False, True, False, False, False, False])
    b.heading("II. ĐỀ NGHỊ TẶNG CỜ THI ĐUA CỦA CHÍNH PHỦ")
    b.body("{{ flags_intro }}")
    b.table(["STT", "Đơn vị dẫn đầu", "Cụm, khối đề nghị", "Kết quả xét"],
            ["{{ f.stt }}", "{{ f.org }}", "{{ f.cluster }}", "{{ f.status }}"],
            loop="f in flags", widths_cm=[1.1, 5.0, 6.2, 4.2])
    b.tag("{%p if illustrative_note %}")
    b.paragraph("{{ illustrative_note }}", CENTER, italic=True, size=11)
    b.tag("{%p endif %}")
    b.signature()
    return b


TEMPLATES = {
    "tong-hop-cum-khoi-toan-quoc.docx": national_summary,
}
