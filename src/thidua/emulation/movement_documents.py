"""The report of a movement's review (sơ kết / tổng kết) as Word, filled from the records through
movement_statistics (the figures of the movement's page); PDF through lib.documents (LibreOffice, a job)."""

from __future__ import annotations

from thidua.emulation.documents import org_phrase
from thidua.emulation.models import MovementReview
from thidua.emulation.movement_statistics import movement_summary, review_reports
from thidua.lib import charts
from thidua.lib.documents import DocImage, DocumentHead, render, signature_block, template_path
from thidua.lib.numbers import format_date, format_number


def _n(v) -> str:
    return format_number(v or 0)


def review_context(review: MovementReview) -> dict:
    m = review.movement
    s = movement_summary(m)
    launcher = m.launched_by
    kind = review.get_kind_display()
    if launcher.kind == "province":  # the provincial People's Committee issues and its chairman signs
        issuing, parent, symbol, signature = (f"Ủy ban nhân dân {org_phrase(launcher)}", "", "BC-UBND",
                                              signature_block("Chủ tịch", body="Ủy ban nhân dân"))
    else:
        issuing, parent, symbol, signature = (launcher.name, launcher.parent.name if launcher.parent_id else "", "BC",
                                              signature_block(m.launched_by_title or "Thủ trưởng đơn vị"))
    head = DocumentHead(
        issuing_body=issuing, parent_body=parent, symbol=symbol, place=launcher.place_name, on=review.held_on,
        doc_type="BÁO CÁO", subject=f"{kind} phong trào thi đua “{m.name}”", signature=signature,
        recipients=([m.parent.launched_by.name] if m.parent_id else []) + ["Các đơn vị tham gia phong trào"],
        year=review.held_on.year)
    decision = " ".join(x for x in (
        f"số {m.decision_number}" if m.decision_number else "",
        f"ngày {format_date(m.decision_date)}" if m.decision_date else "") if x)
    launch = [f"Phong trào do {m.launched_by_title or launcher.name} phát động"
              + (f" theo văn bản {decision}" if decision else "")
              + (f", từ ngày {format_date(m.launched_on)}" if m.launched_on else "")
              + (f" đến ngày {format_date(m.ends_on)}" if m.ends_on else "") + "."]
    if m.parent_id:
        launch.append(f"Hưởng ứng phong trào “{m.parent.name}” do {m.parent.launched_by.name} phát động.")
    if m.target_groups:
        launch.append(f"Đối tượng thi đua: {m.target_groups.strip()}.".replace("..", "."))
    launch += [f"Mục tiêu: {g}" for g in m.goal_lines()]
    launch += [f"Tiêu chí: {c}" for c in m.criteria_lines()]
    if s.adoptions:
        launch.append(f"{_n(s.adoptions)} cấp, đơn vị đã hưởng ứng thành phong trào của mình.")
    levels = [{"stt": i, "name": ("— " * r.depth) + r.organization, "units": _n(r.units),
               "collectives": _n(r.collectives), "individuals": _n(r.individuals), "titles": _n(r.titles)}
              for i, r in enumerate(s.levels, 1)]
    reports = list(review_reports(review))
    rows = [{"stt": i, "name": r.organization.name, "collectives": _n(r.collectives), "individuals": _n(r.individuals),
             "exemplars": _n(r.exemplars), "initiatives": _n(r.initiatives)} for i, r in enumerate(reports, 1)]
    figures = next((rf for rf in s.reviews if rf.review.pk == review.pk), None)
    reports_intro = (f"{_n(len(reports))} đơn vị gửi báo cáo: {_n(figures.collectives)} tập thể, "
                     f"{_n(figures.individuals)} cá nhân tham gia; {_n(figures.exemplars)} điển hình tiên tiến; "
                     f"{_n(figures.initiatives)} sáng kiến, mô hình." if reports and figures
                     else "Chưa có đơn vị nào gửi báo cáo.")
    commendations = [f"Hình thức khen thưởng dự kiến: {m.planned_commendations.strip()}"] if m.planned_commendations else []
    commendations.append(f"Đã lập {_n(s.dossiers)} hồ sơ đề nghị khen thưởng theo chuyên đề gắn với phong trào."
                         if s.dossiers else "Chưa lập hồ sơ đề nghị khen thưởng theo chuyên đề.")
    chart = None
    series = [(r.organization, r.total) for r in s.levels if r.total][:12]
    if series:
        chart = DocImage(charts.column_chart_spec(series, title="Người, đơn vị đăng ký theo cấp").png(), width_mm=150)
    return {
        "doc": head.as_context(),
        "intro": (f"Thực hiện kế hoạch phong trào thi đua “{m.name}”, {issuing} báo cáo "
                  f"{kind.lower()} phong trào (số liệu tính đến ngày {format_date(review.period_end)}) như sau:"),
        "launch": launch,
        "participation_intro": (f"Tổng số đăng ký: {_n(s.participants)} (đơn vị {_n(s.units)}, tập thể "
                                f"{_n(s.collectives)}, cá nhân {_n(s.individuals)}); {_n(s.titles)} đăng ký danh hiệu."),
        "levels": levels, "chart": chart, "reports_intro": reports_intro, "reports": rows,
        "highlights": [f"{r.organization.name}: {r.summary.strip()}" for r in reports if r.summary.strip()],
        "commendations": commendations,
        "conclusions": review.conclusions.strip() or "Bổ sung: đánh giá chung, phương hướng thời gian tới.",
    }


def review_docx(review: MovementReview) -> bytes:
    return render(template_path("emulation", "bao-cao-so-ket-phong-trao.docx"), review_context(review))


def filename(review: MovementReview) -> str:
    return f"Báo cáo {review.get_kind_display().lower()} phong trào - {review.movement.name[:80]}"
