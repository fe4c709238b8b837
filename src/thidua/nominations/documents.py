"""Documents of the nomination path (Word, and PDF through LibreOffice when installed): the submission letter
with its nominee list, the award decision with its list, the vote-count minutes of a council session and the
certificate with its QR code. Figures come from the services (checks, prize statement, session results);
this module only words them. Templates: src/thidua/nominations/docx/*.docx (nominations.docx_templates)."""

from __future__ import annotations

from django.utils import timezone

from thidua.awards.models import Award, AwardCategory, Discipline, Evaluation, Initiative, Membership
from thidua.lib.documents import DocImage, DocumentHead, Signature, render, template_path, upper_vi
from thidua.lib.numbers import format_date, format_number, format_percent
from thidua.nominations import services
from thidua.nominations.certificates import qr_png
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
    return org.place_name


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


# ---------------------------------------------------------------------------
# Achievement reports (báo cáo thành tích), prefilled from the stored records
# ---------------------------------------------------------------------------

# Case → (template, document type, subject). Hero and foreign cases use the individual/collective layout with
# their own title.
REPORT_CASES = {
    "individual": ("bao-cao-thanh-tich-ca-nhan.docx", "Báo cáo thành tích", "Đề nghị tặng {award}"),
    "collective": ("bao-cao-thanh-tich-tap-the.docx", "Báo cáo thành tích", "Đề nghị tặng {award}"),
    "government_flag": ("bao-cao-thanh-tich-co-thi-dua-chinh-phu.docx", "Báo cáo thành tích", "Đề nghị tặng {award}"),
    "national_fighter": ("bao-cao-thanh-tich-cstd-toan-quoc.docx", "Báo cáo thành tích",
                         "Đề nghị xét tặng danh hiệu {award}"),
    "adhoc": ("bao-cao-thanh-tich-dot-xuat.docx", "Báo cáo thành tích đột xuất", "Đề nghị tặng {award}"),
    "career": ("bao-cao-thanh-tich-cong-hien.docx", "Báo cáo tóm tắt quá trình cống hiến", "Đề nghị tặng {award}"),
    "thematic": ("bao-cao-thanh-tich-chuyen-de.docx", "Báo cáo thành tích",
                 "Trong phong trào thi đua theo chuyên đề, đề nghị tặng {award}"),
    "hero_individual": ("bao-cao-thanh-tich-ca-nhan.docx", "Báo cáo thành tích",
                        "Đề nghị phong tặng danh hiệu {award}"),
    "hero_collective": ("bao-cao-thanh-tich-tap-the.docx", "Báo cáo thành tích",
                        "Đề nghị phong tặng danh hiệu {award}"),
    "foreign_individual": ("bao-cao-thanh-tich-ca-nhan.docx", "Báo cáo thành tích",
                           "Đề nghị tặng {award} (khen thưởng đối ngoại)"),
    "foreign_collective": ("bao-cao-thanh-tich-tap-the.docx", "Báo cáo thành tích",
                           "Đề nghị tặng {award} (khen thưởng đối ngoại)"),
}
FOREIGN_CODES = {"HC_HUU_NGHI", "HUY_CHUONG_HUU_NGHI"}
RATING_WINDOW = {"national_fighter": 6}  # CSTĐTQ: two provincial titles of three years each
DEFAULT_RATING_WINDOW = 5
TODO_SHADE = "FFF2A8"  # light yellow behind placeholders (RichText writes it as w:shd fill: hex only)


def report_case(item) -> str:
    """Which achievement report an item needs (forms.md §2): by the dossier's kind first, then the award."""
    d, code = item.dossier, item.final_award_type.code
    individual = item.person_id is not None
    if d.kind == "career":
        return "career" if individual else "collective"
    if d.kind in ("adhoc", "thematic"):
        return d.kind
    if code.startswith("AH_") or code == "ME_VNAH":
        return "hero_individual" if individual else "hero_collective"
    if code in FOREIGN_CODES or d.kind == "foreign":
        return "foreign_individual" if individual else "foreign_collective"
    if code == "CO_CP":
        return "government_flag"
    if code == "CSTDTQ" and individual:
        return "national_fighter"
    return "individual" if individual else "collective"


def todo(text: str):
    """A placeholder the office must write: bracketed, italic and highlighted so it cannot be missed."""
    from docxtpl import RichText

    return RichText(f"[{text}]", italic=True, highlight=TODO_SHADE)


def fact(label: str, value, missing: str | None = None, prefix: str = "- "):
    """"- Label: value" from a stored record; a highlighted placeholder when the record has no value."""
    from docxtpl import RichText

    rt = RichText(f"{prefix}{label}: ")
    if value not in (None, ""):
        rt.add(str(value))
    else:
        rt.add(f"[{missing or 'Bổ sung'}]", italic=True, highlight=TODO_SHADE)
    return rt


def plain(text: str):
    from docxtpl import RichText

    return RichText(text)


def _with(rt, more):
    """`rt` with `more` (text or another RichText) appended; RichText.add returns None."""
    rt.add(more)
    return rt


def _decision_text(decision) -> str:
    return f"{decision.number} ngày {format_date(decision.signed_on)}"


def awards_received(item) -> tuple[list[dict], list[dict]]:
    """The recipient's awards in force from the registry (revoked ones left out), as the report's table rows
    (year, title/form, decision number and date, issuing body): emulation titles, then forms of commendation.
    A collective's awards include those of the units merged into it."""
    qs = Award.objects.in_force().select_related("award_type", "decision__authority")
    if item.person_id:
        qs = qs.filter(recipient_person_id=item.person_id)
    elif item.organization_id:
        qs = qs.filter(recipient_org_id__in=item.organization.lineage_ids())
    else:
        qs = qs.filter(recipient_household_id=item.household_id)
    if item.award_id:
        qs = qs.exclude(pk=item.award_id)  # the award this very nomination produced
    titles, forms = [], []
    for a in qs.order_by("year", "decision__signed_on", "pk"):
        row = {"year": a.year, "name": a.award_type.name, "code": a.award_type.code,
               "decision": _decision_text(a.decision), "issuer": _authority_body(a.decision.authority)}
        (titles if a.award_type.category == AwardCategory.TITLE else forms).append(row)
    return titles, forms


def yearly_ratings(item, window: int, titles: list[dict]) -> list[dict]:
    """One row per year of the window ending in the item's year: the stored rating and the titles of that year."""
    first = item.year - window + 1
    qs = Evaluation.objects.filter(year__gte=first, year__lte=item.year)
    qs = qs.filter(person_id=item.person_id) if item.person_id else qs.filter(organization_id=item.organization_id)
    ratings = {e.year: e.get_rating_display() for e in qs} if (item.person_id or item.organization_id) else {}
    by_year: dict[int, list[str]] = {}
    for t in titles:
        by_year.setdefault(t["year"], []).append(t["name"])
    return [{"year": y, "rating": ratings.get(y, "(chưa có dữ liệu)"), "titles": "; ".join(by_year.get(y, [])) or "—"}
            for y in range(first, item.year + 1)]


def initiatives_of(item, window: int) -> list[dict]:
    """The recipient's recognised initiatives and research in the window, and every one cited by the item."""
    from django.db.models import Q

    cited = {i.pk for i in item.initiatives.all()}
    if item.person_id:
        subject = Q(person_id=item.person_id)
    elif item.organization_id:
        subject = Q(organization_id=item.organization_id)
    else:
        subject = Q(pk__in=[])
    qs = Initiative.objects.filter((subject & Q(year__gte=item.year - window + 1, year__lte=item.year))
                                   | Q(pk__in=cited)).order_by("year", "pk")
    return [{"year": i.year, "title": f"{i.get_kind_display()}: {i.title}", "scope": i.get_scope_display(),
             "recognised_by": i.recognised_by or "—", "basis": "Có" if i.pk in cited else "—"} for i in qs]


def _cv_lines(item, case: str) -> list:
    p = item.person
    lines = [fact("Họ và tên", p.full_name), fact("Giới tính", p.get_gender_display()),
             fact("Năm sinh", p.birth_year, "Bổ sung: ngày, tháng, năm sinh")]
    if case.startswith("foreign"):
        lines.append(fact("Quốc tịch", None, "Bổ sung: quốc tịch"))
    lines += [fact("Dân tộc", p.ethnicity), fact("Quê quán", None, "Bổ sung: quê quán"),
              fact("Nơi thường trú", None, "Bổ sung: nơi thường trú"),
              fact("Đơn vị công tác", p.organization.name),
              fact("Chức vụ (Đảng, chính quyền, đoàn thể)", p.position, "Bổ sung: chức vụ"),
              fact("Trình độ chuyên môn, nghiệp vụ; lý luận chính trị", None, "Bổ sung: trình độ"),
              fact("Học hàm, học vị, danh hiệu", None, "Bổ sung nếu có")]
    if case == "career":
        lines += [fact("Ngày tham gia công tác", None, "Bổ sung: ngày, tháng, năm"),
                  fact("Ngày vào Đảng (nếu có)", None, "Bổ sung"),
                  fact("Ngày nghỉ hưu / dự kiến nghỉ hưu", None, "Bổ sung")]
    return lines


def _overview_lines(item) -> list:
    if item.household_id:
        h = item.household
        return [fact("Hộ gia đình", f"Hộ {h.head_name}"), fact("Xã, phường", h.organization.name),
                fact("Địa chỉ", h.address, "Bổ sung: địa chỉ"),
                todo("Bổ sung: số nhân khẩu, hoàn cảnh, ngành nghề của hộ")]
    org = item.organization
    members = Membership.objects.filter(organization=org, year=item.year).count()
    lines = [fact("Tên tập thể", org.name), fact("Cơ quan, đơn vị cấp trên", org.parent.name if org.parent_id else None),
             fact("Loại hình", org.get_kind_display()),
             fact("Địa chỉ trụ sở, điện thoại, thư điện tử", None, "Bổ sung"),
             fact(f"Số thành viên năm {item.year}", format_number(members) if members else None,
                  "Bổ sung: tổng số cán bộ, công chức, viên chức, người lao động")]
    if org.is_small_collective:
        lines.append(plain("- Là tập thể nhỏ (đối tượng ưu tiên theo Điều 5 Luật Thi đua, khen thưởng)."))
    lines.append(todo("Bổ sung: quá trình thành lập và phát triển; cơ cấu tổ chức; cơ sở vật chất; những thuận lợi, "
                      "khó khăn trong thực hiện nhiệm vụ"))
    return lines


def achievement_report_context(item) -> dict:
    """Everything the achievement report templates show, from the stored records: the recipient (person CV
    fields or organisation), the dossier's summary of the achievement, yearly ratings and titles, initiatives,
    awards already received (registry, in force), discipline for career reports. What the records cannot hold
    is a highlighted placeholder."""
    d = item.dossier
    case = report_case(item)
    award = item.final_award_type
    individual = item.person_id is not None
    unit = item.recipient_unit
    window = RATING_WINDOW.get(case, DEFAULT_RATING_WINDOW)
    titles, forms = awards_received(item)
    _template, doc_type, subject = REPORT_CASES[case]
    subject = subject.format(award=award.name[:1].lower() + award.name[1:]) + f" năm {item.year}"
    if d.kind == "thematic" and d.movement_id:
        subject += f" ({d.movement.name})"
    issuer = item.organization if item.organization_id else unit
    head = DocumentHead(issuing_body=issuer.name, parent_body=issuer.parent.name if issuer.parent_id else "",
                        symbol="BC", place=_place(unit), on=None, doc_type=doc_type, subject=subject, year=d.year + 1)
    doc = head.as_context()
    if individual:
        doc["number_line"] = ""  # an individual's report carries no registered number
    achievement = []
    if item.achievement:
        achievement.append(plain(f"Tóm tắt thành tích năm {item.year} (theo hồ sơ đề nghị): {item.achievement}"))
    achievement.append(todo("Bổ sung: kết quả cụ thể đạt được, có số liệu, so sánh với các năm trước và với chỉ "
                            "tiêu được giao" if case != "adhoc" else
                            "Bổ sung: thời gian, địa điểm, diễn biến của hành động, thành tích đột xuất"))
    movement = []
    if d.movement_id:
        m = d.movement
        period = " – ".join(format_date(x) for x in (m.launched_on, m.ends_on) if x)
        movement = [fact("Phong trào thi đua", m.name), fact("Phát động", period or None, "Bổ sung: thời gian phát động")]
        if m.directive:
            movement.append(fact("Văn bản phát động", m.directive))
    elif case == "thematic":
        movement = [fact("Phong trào thi đua", None, "Bổ sung: tên phong trào, văn bản phát động, thời gian")]
    posts = []
    if case == "career":
        p = item.person
        posts = [{"period": todo("từ … đến …"), "post": plain(p.position) if p.position else todo("Bổ sung"),
                  "unit": plain(p.organization.name), "months": todo("…"), "allowance": todo("…")}]
    disciplines = []
    if individual:
        disciplines = [{"level": x.get_level_display(), "starts_on": format_date(x.starts_on),
                        "ends_on": format_date(x.ends_on) if x.ends_on else "—", "decision": x.decision or "—"}
                       for x in Discipline.objects.filter(person_id=item.person_id).order_by("starts_on")]
    head_title = "Người báo cáo thành tích" if individual else "Thủ trưởng đơn vị"
    kind = "cá nhân" if individual else ("hộ gia đình" if item.household_id else "tập thể")
    return {
        "case": case,
        "doc": doc,
        "individual": individual,
        "recipient_line": f"{item.recipient_name} — {unit.name}" if individual else
                          f"{kind[:1].upper() + kind[1:]}: {item.recipient_name}",
        "h": {"cv": "I. SƠ LƯỢC LÝ LỊCH",
              "overview": "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH",
              "achievements": "II. THÀNH TÍCH ĐẠT ĐƯỢC" if case not in ("adhoc", "thematic") else
              ("II. THÀNH TÍCH ĐỘT XUẤT" if case == "adhoc" else "II. THÀNH TÍCH TRONG PHONG TRÀO THI ĐUA"),
              "awards": "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG"},
        "cv": _cv_lines(item, case) if individual else [],
        "overview": [] if individual else _overview_lines(item),
        "achievement": achievement,
        "ratings_intro": f"Kết quả đánh giá, xếp loại và danh hiệu thi đua từ năm {item.year - window + 1} đến năm "
                         f"{item.year} (theo cơ sở dữ liệu):",
        "ratings": yearly_ratings(item, window, titles),
        "initiatives": initiatives_of(item, window),
        "titles": titles, "forms": forms,
        "movement": movement, "posts": posts, "disciplines": disciplines,
        "todo": {
            "functions": todo("Bổ sung: chức năng, nhiệm vụ được giao"),
            "duties": todo("Bổ sung: quyền hạn, nhiệm vụ được giao hoặc đảm nhận"),
            "figures": todo("Bổ sung: bảng số liệu các chỉ tiêu chủ yếu qua các năm (năm trước / năm nay / tỷ lệ)"),
            "measures": todo("Bổ sung: các giải pháp, biện pháp đổi mới; phong trào thi đua đã tổ chức và kết quả"),
            "policy": todo("Bổ sung: thực hiện chủ trương của Đảng, chính sách, pháp luật của Nhà nước; hoạt động của "
                           "tổ chức Đảng, đoàn thể"),
            "cluster": todo("Bổ sung: Cụm, Khối thi đua tham gia; kết quả chấm điểm, xếp hạng; là đơn vị dẫn đầu "
                            "Cụm, Khối thi đua năm …"),
            "initiatives": todo("Bổ sung: nội dung, hiệu quả áp dụng của sáng kiến, đề tài (nếu có)"),
            "national_effect": todo("Bổ sung: phạm vi ảnh hưởng toàn quốc và hiệu quả của sáng kiến, đề tài; cơ "
                                    "quan xác nhận"),
            "deed": todo("Bổ sung: hành động, thành tích đột xuất cụ thể"),
            "effect": todo("Bổ sung: ý nghĩa, tác dụng, sức lan tỏa của thành tích"),
            "posts": todo("Bổ sung: các chức vụ đã đảm nhận trước đây (từ tháng, năm đến tháng, năm), số tháng giữ "
                          "chức vụ và hệ số phụ cấp"),
            "movement_results": todo("Bổ sung: nội dung đã thực hiện trong phong trào và kết quả cụ thể"),
            "closing": todo("Bổ sung nếu cần: tự đánh giá, kiến nghị"),
        },
        "sign_left": {"title": "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG", "note": "(Ký, đóng dấu)", "name": ""},
        "sign_right": {"title": upper_vi(head_title),
                       "note": "(Ký, ghi rõ họ và tên)" if individual else "(Ký, đóng dấu)",
                       "name": item.recipient_name if individual else "……………………………"},
    }


def achievement_report_docx(item) -> bytes:
    context = achievement_report_context(item)
    return render(template_path("nominations", REPORT_CASES[context["case"]][0]), context)


def report_filename(item) -> str:
    return filename("bao-cao-thanh-tich", f"{item.dossier_id}-{item.pk}")


# ---------------------------------------------------------------------------
# Minutes of the council meeting (biên bản họp Hội đồng)
# ---------------------------------------------------------------------------


def _member_name(user) -> str:
    return user.get_full_name() or user.username


def council_minutes_docx(s: CouncilSession) -> bytes:
    """The general minutes of a closed council session: attendance from the participations (who voted, how),
    the results from `services.session_results` (the figures of the session page), placeholders for what only
    the meeting knows (place, start and end time, opinions); the chair and secretary as named on the council."""
    results = services.session_results(s)  # refuses while the session is open
    participations = list(s.participations.select_related("member").order_by("member__last_name",
                                                                            "member__first_name", "member__username"))
    in_person = [p for p in participations if p.mode == "in_person"]
    written = [p for p in participations if p.mode != "in_person"]
    voted_ids = {p.member_id for p in participations}
    no_vote = list(s.council.members.exclude(pk__in=voted_ids).order_by("last_name", "first_name", "username"))
    org = s.council.organization
    d = s.dossier
    chair = _member_name(s.council.chair) if s.council.chair_id else None
    secretary = _member_name(s.council.secretary) if s.council.secretary_id else None
    head = DocumentHead(issuing_body=s.council.name, parent_body=_authority_body(org), symbol="BB-HĐTĐKT",
                        place=_place(org), on=s.held_on, doc_type="Biên bản",
                        subject=f"Họp Hội đồng Thi đua - Khen thưởng xét đề nghị khen thưởng: {d.title}")
    absent_count = max(s.member_count - len(in_person), 0)
    rows = [{"stt": n, "name": r.item.recipient_name, "award": r.item.final_award_type.name,
             "yes": format_number(r.yes), "no": format_number(r.no), "share": format_percent(r.share),
             "result": f"{'Đạt' if r.passed else 'Không đạt'} (cần ≥ {r.needed})"} for n, r in enumerate(results, 1)]
    passed = [r for r in results if r.passed]
    failed = [r for r in results if not r.passed]
    n_items = d.items.filter(outcome__in=ACTIVE_OUTCOMES).count() + len(failed)
    conclusion = [plain(f"Hội đồng thống nhất đề nghị cấp có thẩm quyền xem xét, khen thưởng {len(passed)}/{len(results)} "
                        f"trường hợp đạt tỷ lệ phiếu đồng ý theo quy định{':' if passed else '.'}")]
    conclusion += [plain(f"- {r.item.recipient_name}: {r.item.final_award_type.name} ({r.yes}/{r.member_count} phiếu "
                         f"đồng ý, {format_percent(r.share)}).") for r in passed]
    if failed:
        conclusion.append(plain(f"Không đạt tỷ lệ phiếu đồng ý, không đề nghị khen thưởng: {len(failed)} trường hợp:"))
        conclusion += [plain(f"- {r.item.recipient_name}: {r.item.final_award_type.name} ({r.yes}/{r.member_count} "
                             f"phiếu đồng ý, cần ≥ {r.needed}).") for r in failed]
    conclusion.append(todo("Bổ sung: các kết luận khác của Chủ tịch Hội đồng (nếu có)"))
    context = {
        "doc": head.as_context(),
        "opening": [_with(_with(plain("Thời gian: "), todo("… giờ … phút")), f", ngày {format_date(s.held_on)}."),
                    fact("Địa điểm", None, "Bổ sung: địa điểm họp", prefix=""),
                    fact("Chủ trì", chair and f"{chair}, Chủ tịch Hội đồng", "Bổ sung: họ tên, chức vụ Chủ tịch Hội đồng",
                         prefix=""),
                    fact("Thư ký", secretary and f"{secretary}, Thư ký Hội đồng", "Bổ sung: họ tên, chức vụ Thư ký Hội đồng",
                         prefix="")],
        "attendance": (f"Tổng số thành viên Hội đồng theo quyết định thành lập, kiện toàn: {s.member_count}; có mặt: "
                       f"{len(in_person)}; vắng mặt: {absent_count}, trong đó {len(written)} thành viên gửi phiếu "
                       f"bằng văn bản. Số có mặt tối thiểu: {s.quorum}."),
        "present": [{"stt": n, "name": _member_name(p.member), "note": "Có mặt, bỏ phiếu tại phiên họp"}
                    for n, p in enumerate(in_person, 1)],
        "absent": [{"stt": n, "name": _member_name(p.member),
                    "reason": _with(todo("Bổ sung: lý do"), "; có phiếu bằng văn bản")}
                   for n, p in enumerate(written, 1)],
        "guests": fact("Khách mời", None, "Bổ sung nếu có", prefix=""),
        "content": [
            plain(f"1. Cơ quan thường trực Hội đồng báo cáo tóm tắt hồ sơ “{d.title}”"
                  f"{' (Tờ trình số ' + d.letter_number + ')' if d.letter_number else ''} của {d.from_org.name}: "
                  f"{n_items} trường hợp đề nghị, trong đó {len(results)} trường hợp thuộc diện Hội đồng bỏ phiếu."),
            fact("Ý kiến thảo luận của các thành viên Hội đồng", None, "Bổ sung", prefix="2. "),
            plain("3. Hội đồng bỏ phiếu kín. Hệ thống chỉ ghi nhận thành viên đã bỏ phiếu (tại phiên họp hay bằng văn "
                  "bản) và tổng số phiếu của từng trường hợp; không lưu thành viên chọn gì."),
        ],
        "ballot_intro": (f"Số phiếu thu về: {len(participations)} ({len(in_person)} tại phiên họp, {len(written)} bằng "
                         f"văn bản). Tỷ lệ phiếu đồng ý tính trên tổng số thành viên Hội đồng ({s.member_count})."),
        "rows": rows,
        "conclusion": conclusion,
        "closing": _with(_with(plain("Cuộc họp kết thúc lúc "), todo("… giờ … phút")),
                         " cùng ngày. Biên bản đã được thông qua trước Hội đồng và các thành viên dự họp nhất trí./."),
        # A blank authority line on the left keeps both names on one level with "TM. HỘI ĐỒNG" on the right.
        "sign_left": {"authority": " ", "title": "THƯ KÝ HỘI ĐỒNG", "note": "(Ký, ghi rõ họ và tên)",
                      "name": secretary or "……………………………"},
        "sign_right": {"authority": "TM. HỘI ĐỒNG", "title": "CHỦ TỊCH", "note": "(Ký, ghi rõ họ và tên)",
                       "name": chair or "……………………………"},
    }
    for m in no_vote:
        context["absent"].append({"stt": len(context["absent"]) + 1, "name": _member_name(m),
                                  "reason": _with(todo("Bổ sung: lý do"), "; không gửi phiếu")})
    return render(template_path("nominations", "bien-ban-hop-hoi-dong.docx"), context)
