"""Documents of the nomination path (Word, and PDF through LibreOffice when installed): the submission letter
with its nominee list, the award decision with its list, the vote-count minutes of a council session and the
certificate with its QR code. Figures come from the services (checks, prize statement, session results);
this module only words them. Templates: src/thidua/nominations/docx/*.docx (nominations.docx_templates)."""

from __future__ import annotations

from django.utils import timezone

from thidua.core.documents import DocImage, DocumentHead, Signature, render, template_path, upper_vi
from thidua.core.numbers import format_date, format_number, format_percent
from thidua.nominations import services
from thidua.nominations.models import ACTIVE_OUTCOMES, Certificate, CouncilSession, Dossier
from thidua.nominations.prize import decision_prizes

KIND_PHRASE = {"merit": "thành tích xuất sắc trong thực hiện nhiệm vụ", "adhoc": "thành tích đột xuất",
               "thematic": "thành tích trong phong trào thi đua", "career": "quá trình cống hiến",
               "service": "thành tích theo niên hạn"}


def _number(full: str, default_symbol: str) -> tuple[str | None, str]:
    """"245/QĐ-UBND" → ("245", "QĐ-UBND"); "" → (None, default) so the number line stays blank."""
    number, _, symbol = (full or "").partition("/")
    return (number or None), (symbol or default_symbol)


def filename(prefix: str, pk: int | str) -> str:
    return f"{prefix}-{pk}"


def _place(org) -> str:
    province = org.province if org.province_id and org.province_id != org.pk else org
    return province.name


def _authority_body(org) -> str:
    return f"Ủy ban nhân dân tỉnh {org.name}" if org.kind == "province" else org.name


def submission_letter_docx(d: Dossier) -> bytes:
    items = [i for i in d.items.select_related("award_type", "lowered_to", "person__organization", "organization",
                                               "household__organization").order_by("position")
             if i.outcome in ACTIVE_OUTCOMES]
    awards = sorted({i.final_award_type.name for i in items})
    head = DocumentHead(
        issuing_body=d.from_org.name, parent_body=d.from_org.parent.name if d.from_org.parent_id else "",
        symbol=_number(d.letter_number, "TTr")[1], number=_number(d.letter_number, "TTr")[0], place=_place(d.from_org),
        on=timezone.localtime(d.submitted_at).date() if d.submitted_at else None, doc_type="Tờ trình",
        subject=f"Về việc đề nghị tặng {', '.join(a[:1].lower() + a[1:] for a in awards) or 'khen thưởng'} năm {d.year}",
        signature=Signature(title="Thủ trưởng đơn vị"), recipients=[f"Như trên ({d.steps.first().organization.name})"],
        year=d.year + 1)
    rows = [{"stt": n, "name": i.recipient_name, "unit": i.recipient_unit.name, "award": i.final_award_type.name,
             "year": i.year, "achievement": i.achievement or "—"} for n, i in enumerate(items, 1)]
    context = {
        "doc": head.as_context(),
        "intro": (f"Căn cứ Luật Thi đua, khen thưởng năm 2022 và các văn bản hướng dẫn thi hành; căn cứ kết quả bình "
                  f"xét thi đua năm {d.year} của {d.from_org.name},"),
        "request": (f"{d.from_org.name} kính trình {d.authority.name} xem xét, khen thưởng cho {len(rows)} "
                    f"{'cá nhân, tập thể' if len(rows) != 1 else 'cá nhân/tập thể'} đã có {KIND_PHRASE.get(d.kind, '')} "
                    f"năm {d.year}, cụ thể như sau:"),
        "rows": rows,
        "attachments_line": ("Hồ sơ kèm theo: " + "; ".join(sorted({a.get_kind_display() for a in d.attachments.all()}))
                             + ".") if d.attachments.exists() else "Hồ sơ kèm theo: báo cáo thành tích, biên bản họp xét.",
        "closing": f"Kính trình {d.authority.name} xem xét, quyết định./.",
    }
    return render(template_path("nominations", "to-trinh.docx"), context)


def decision_docx(d: Dossier) -> bytes:
    decision = d.decision
    lines = decision_prizes(decision)
    awards = {a.pk: a for a in decision.awards.select_related("award_type", "unit", "certificate")}
    rows = [{"stt": n, "name": line.recipient, "unit": awards[line.award_id].unit.name, "award": line.award_name,
             "register_no": getattr(awards[line.award_id], "certificate", None) and awards[line.award_id].certificate.register_no,
             "prize": format_number(line.paid) if line.amount is not None else "—"} for n, line in enumerate(lines, 1)]
    names = sorted({line.award_name for line in lines})
    head = DocumentHead(
        issuing_body=_authority_body(d.authority), symbol=_number(decision.number, "QĐ")[1],
        number=_number(decision.number, "QĐ")[0],
        place=_place(d.authority), on=decision.signed_on, doc_type="Quyết định",
        subject=decision.summary or f"Về việc khen thưởng năm {d.year}",
        signature=Signature(title=decision.signer_title or "Người ký", name=decision.signer_name),
        recipients=["Như Điều 3", d.from_org.name])
    context = {
        "doc": head.as_context(),
        "signer_heading": upper_vi(decision.signer_title or d.authority.name),
        "bases": [
            "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
            "Căn cứ Nghị định số 152/2025/NĐ-CP quy định chi tiết một số điều của Luật Thi đua, khen thưởng;",
            f"Xét đề nghị của {d.from_org.name} tại Tờ trình {d.letter_number or '(số tờ trình)'}"
            f"{' ngày ' + format_date(timezone.localtime(d.submitted_at).date()) if d.submitted_at else ''}.",
        ],
        "article1": (f"Điều 1. Tặng {', '.join(n[:1].lower() + n[1:] for n in names)} cho {len(rows)} cá nhân, tập thể "
                     f"có tên trong danh sách dưới đây, đã có {KIND_PHRASE.get(d.kind, '')} năm {d.year}:"),
        "rows": rows,
        "prize_total": format_number(sum(line.paid for line in lines)),
        "article2": ("Điều 2. Tiền thưởng kèm theo được chi theo quy định (Nghị định 152/2025/NĐ-CP Điều 49–54): hệ số "
                     "nhân mức lương cơ sở tại ngày ký, làm tròn lên hàng chục nghìn đồng; hộ gia đình 1,5 lần mức cá nhân."),
        "article3": (f"Điều 3. Quyết định có hiệu lực kể từ ngày ký. {d.from_org.name} và các cá nhân, tập thể có tên "
                     f"tại Điều 1 chịu trách nhiệm thi hành Quyết định này./."),
    }
    return render(template_path("nominations", "quyet-dinh-khen-thuong.docx"), context)


def vote_minutes_docx(s: CouncilSession) -> bytes:
    results = services.session_results(s)  # refuses while the session is open: results stay hidden
    participations = list(s.participations.all())
    present = sum(1 for p in participations if p.mode == "in_person")
    written = len(participations) - present
    org = s.council.organization
    head = DocumentHead(issuing_body=s.council.name, parent_body=_authority_body(org), symbol="BB-HĐTĐKT",
                        place=_place(org), on=s.held_on, doc_type="Biên bản kiểm phiếu",
                        subject=f"Phiên họp xét khen thưởng: {s.dossier.title}",
                        signature=Signature(authority="TM. Ban kiểm phiếu", title="Trưởng ban"),
                        recipients=["Thành viên Hội đồng", "Cơ quan thường trực Hội đồng"])
    rows = [{"stt": n, "name": r.item.recipient_name, "award": r.item.final_award_type.code,
             "yes": format_number(r.yes), "no": format_number(r.no), "share": format_percent(r.share),
             "result": f"{'Đạt' if r.passed else 'Không đạt'} (cần ≥ {r.needed})"} for n, r in enumerate(results, 1)]
    context = {
        "doc": head.as_context(),
        "intro": f"Hôm nay, {format_date(s.held_on)}, {s.council.name} họp xét đề nghị khen thưởng và bỏ phiếu kín.",
        "attendance": (f"Tổng số thành viên Hội đồng: {s.member_count}; có mặt và bỏ phiếu tại phiên họp: {present}; "
                       f"phiếu bằng văn bản của thành viên vắng mặt: {written}; số có mặt tối thiểu: {s.quorum}."),
        "secrecy": ("Bỏ phiếu kín: chỉ ghi nhận thành viên đã bỏ phiếu và tổng số phiếu của từng người, tập thể; tỷ lệ "
                    "tính trên tổng số thành viên Hội đồng."),
        "rows": rows,
        "conclusion": f"Số người, tập thể đạt tỷ lệ phiếu đồng ý theo quy định: {sum(r.passed for r in results)}/{len(results)}.",
    }
    return render(template_path("nominations", "bien-ban-kiem-phieu.docx"), context)


def certificate_docx(cert: Certificate, verify_url: str) -> bytes:
    from thidua.nominations.certificates import qr_png

    a = cert.award
    lead = {"collective": "Tặng tập thể", "household": "Tặng hộ gia đình"}.get(a.recipient_kind, "Tặng")
    context = {
        "national_title": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "motto": "Độc lập - Tự do - Hạnh phúc",
        "authority": upper_vi(_authority_body(a.decision.authority)), "award": upper_vi(a.award_type.name),
        "lead": lead, "recipient": a.recipient_name, "unit": a.unit.name,
        "achievement": f"Đã có thành tích năm {a.year} — {a.get_basis_display().lower()}",
        "decision_line": f"Quyết định số {a.decision.number} ngày {format_date(a.decision.signed_on)}",
        "register_line": f"Số sổ vàng: {cert.register_no}" + (" — ĐÃ THU HỒI" if hasattr(a, "revocation") else ""),
        "qr": DocImage(qr_png(verify_url), width_mm=30),
        "verify_line": f"Xác minh: {verify_url}",
        "signer_title": upper_vi(a.decision.signer_title or ""), "signer_name": a.decision.signer_name,
    }
    return render(template_path("nominations", "giay-chung-nhan.docx"), context)
