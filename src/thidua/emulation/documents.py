"""Documents of a cluster year: the emulation pact, the year-end report, the press release (Word/PDF,
Nghị định 30/2020 layout) and the Excel export of targets and results.

Every figure comes from `thidua.emulation.statistics.cluster_year_summary` (the one function behind
the dashboard and the API); this module only words and formats it. Templates:
src/thidua/emulation/docx/*.docx, built by `thidua.emulation.docx_templates`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import date

from django.utils import timezone

from thidua.emulation.models import (
    Aggregation,
    ClusterYear,
    Conference,
    ConferenceKind,
    Pact,
    VoteKind,
    VoteSession,
)
from thidua.emulation.scoring import TIE_BREAKS, score_sheet
from thidua.emulation.services import review_conference
from thidua.emulation.statistics import (
    ClusterYearSummary,
    IndicatorSummary,
    cluster_year_summary,
    exemplars_of,
)
from thidua.emulation.voting import tally
from thidua.lib import charts
from thidua.lib.documents import DocImage, DocumentHead, render, signature_block, template_path
from thidua.lib.exports import workbook
from thidua.lib.numbers import format_date, format_number, format_percent
from thidua.lib.text import fold

SYMBOL_REPORT = "BC-CTĐ"
SYMBOL_PACT = "GƯ-CTĐ"
SYMBOL_PRESS = "TCBC-CTĐ"
DASH = "—"


# --- wording helpers ----------------------------------------------------------------------------------------

def org_phrase(org) -> str:
    """"tỉnh Cao Bằng", "thành phố Hà Nội" for provinces (from the short name); the name otherwise."""
    short = org.short_name or ""
    for prefix in ("Tỉnh ", "Thành phố "):
        if short.startswith(prefix):
            return prefix.lower() + org.name
    return org.name


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _join(items: list[str], last: str = " và ") -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + last + items[-1]


def _num(value, decimals: int = 0) -> str:
    return format_number(value, decimals) if value is not None else DASH


def _pct(value, decimals: int = 1) -> str:
    return format_percent(value, decimals) if value is not None else DASH


def _members(cy: ClusterYear) -> list:
    return sorted(cy.members.all(), key=lambda o: fold(o.name))


def _head(cy: ClusterYear, *, symbol: str, doc_type: str, subject: str, on: date | None, place: str | None,
          recipients: list[str], signer=None, year: int | None = None) -> DocumentHead:
    """The ND30 head of a cluster document: issued by the cluster (its organiser above it), signed by the chair.
    `place` is the place line's locality (the conference host's province), never a venue's free text."""
    chair = signer or cy.chair
    return DocumentHead(
        issuing_body=cy.cluster.name, parent_body=cy.cluster.organised_by.name, symbol=symbol,
        place=place or chair.place_name, on=on, doc_type=doc_type, subject=subject,
        # The chair signs for the cluster (TM.), naming the province whose People's Committee holds the chair.
        signature=replace(signature_block("Cụm trưởng", body=cy.cluster.get_kind_display()),
                          subtitle=f"UBND {org_phrase(chair)}"),
        recipients=recipients, year=year or cy.year + 1,  # undated: a year-end document is dated the next year
    )


# --- indicators (figures from the summary, worded) --------------------------------------------------------

def indicator_sentence(s: IndicatorSummary) -> str:
    ind, n = s.indicator, len(s.members)
    unit = ind.unit_short or ind.unit
    if ind.aggregation == Aggregation.MEMBERS_MET:
        return (f"{s.members_met}/{n} tỉnh hoàn thành và hoàn thành vượt mức chỉ tiêu "
                f"“{ind.name}” ({s.members_reported}/{n} tỉnh đã báo cáo).")
    if ind.aggregation == Aggregation.CUMULATIVE:
        text = f"Trong năm có thêm {_num(s.actual, ind.value_decimals)} {unit} đạt chuẩn"
        if s.share_of_base is None:  # opening balances missing: state only what the records support
            return text + "."
        return (text + f", nâng tổng số lên {_num(s.cumulative)} {unit}, chiếm "
                f"{_pct(s.share_of_base, ind.percent_decimals)} {ind.base_label or 'tổng số'} của Cụm "
                f"({_num(s.base)}).")
    text = f"Toàn Cụm thực hiện {_num(s.actual, ind.value_decimals)} {unit}"
    if s.percent_of_plan is not None:
        text += f", bằng {_pct(s.percent_of_plan, ind.percent_decimals)} kế hoạch ({_num(s.planned, ind.value_decimals)} {unit})"
    return text + f"; {s.members_met}/{n} tỉnh đạt và vượt kế hoạch."


def _indicator_context(i: int, s: IndicatorSummary, *, with_chart: bool) -> dict:
    ind = s.indicator
    vd, pd = ind.value_decimals, ind.percent_decimals
    unit = ind.unit_short or ind.unit
    rows = []
    for k, m in enumerate(s.members, start=1):
        met = DASH if m.met is None else ("Đạt" if m.met else "Chưa đạt")
        rows.append({"stt": k, "member": m.member.name, "planned": _num(m.planned, vd), "actual": _num(m.actual, vd),
                     "percent": _pct(m.percent_of_plan, pd), "prior": _num(m.prior), "cumulative": _num(m.cumulative),
                     "base": _num(m.base), "share": _pct(m.share_of_base, pd), "met": met})
    total = {"planned": _num(s.planned, vd), "actual": _num(s.actual, vd), "percent": _pct(s.percent_of_plan, pd),
             "cumulative": _num(s.cumulative), "base": _num(s.base), "share": _pct(s.share_of_base, pd),
             "met": f"{s.members_met}/{len(s.members)} đạt"}
    chart = None
    if with_chart and s.percent_of_plan is not None:
        spec = charts.percent_bars_chart([(m.member.name, m.percent_of_plan) for m in s.members],
                                         title=f"{ind.name}: % kế hoạch theo tỉnh", decimals=pd)
        chart = DocImage(spec.png(), width_mm=150)
    if ind.aggregation == Aggregation.CUMULATIVE:
        planned, actual, percent = DASH, _num(s.cumulative), _pct(s.share_of_base, pd)
    elif ind.aggregation == Aggregation.MEMBERS_MET:
        planned, actual, percent = DASH, f"{s.members_met}/{len(s.members)} tỉnh đạt", DASH
    else:
        planned, actual, percent = total["planned"], total["actual"], total["percent"]
    return {"stt": i, "name": ind.name, "unit": unit, "kind": ind.aggregation, "base_label": (ind.base_label or "Tổng số").capitalize(),
            "sentence": indicator_sentence(s), "rows": rows, "total": total, "chart": chart,
            "planned": planned, "actual": actual, "percent": percent}


# --- commendations and conference outcomes ----------------------------------------------------------------

COMMENDATION_LEVELS = (
    ("state_awards", "Cấp Nhà nước (Chủ tịch nước, Thủ tướng Chính phủ)", "Chủ tịch nước, Thủ tướng Chính phủ"),
    ("provincial_awards", "Cấp tỉnh (Chủ tịch UBND tỉnh)", "UBND các tỉnh"),
)


def commendation_sentences(summary: ClusterYearSummary) -> list[str]:
    out = []
    for attr, _level, by in COMMENDATION_LEVELS:
        c = getattr(summary, attr)
        if not (c.collectives or c.individuals or c.households):
            out.append(f"{by} chưa có quyết định khen thưởng nào")
            continue
        out.append(f"{by} khen thưởng cho {format_number(c.collectives)} tập thể và {format_number(c.individuals)} cá nhân"
                   + (f", {format_number(c.households)} hộ gia đình" if c.households else "")
                   + (f"; tỷ lệ khen thưởng tập thể nhỏ, người lao động trực tiếp chiếm {_pct(c.priority_share, 2)}"
                      if c.priority_share is not None else ""))
    return out


@dataclass
class ConferenceOutcomes:
    """What the year-end review conference decided, read from its records (proposals, next year's chair and
    deputy, the flag handover, the pact signatures counted by the summary)."""

    proposals: list[tuple[str, str, list[str]]]  # (proposed to, award name, [recipients])
    next_year: int | None = None
    chair: str = ""
    deputy: str = ""
    handover: str = ""  # "Chủ tịch UBND tỉnh Cao Bằng trao Cờ luân lưu cho tỉnh Lai Châu"
    handover_on: date | None = None
    pact_signed: int | None = None
    pact_members: int | None = None


def conference_outcomes(summary: ClusterYearSummary) -> ConferenceOutcomes:
    grouped: dict[tuple[str, str], list[str]] = {}
    for p in summary.proposals:
        grouped.setdefault((p.proposed_to, p.award_type.name), []).append(org_phrase(p.organization))
    out = ConferenceOutcomes(proposals=[(to, award, orgs) for (to, award), orgs in grouped.items()])
    nxt = summary.next_year
    if nxt:
        out.next_year, out.chair = nxt.year, org_phrase(nxt.chair)
        out.deputy = org_phrase(nxt.deputy) if nxt.deputy else ""
        out.pact_signed, out.pact_members = summary.pact_signatures, nxt.members.count()
    h = summary.handover
    if h:
        out.handover = f"{h.handed_by or _upper_first(org_phrase(h.from_org))} trao Cờ luân lưu cho {org_phrase(h.to_org)}"
        out.handover_on = h.handed_on
    return out


def decision_lines(summary: ClusterYearSummary) -> list[str]:
    """The conference's decisions, one line each (year-end report)."""
    o = conference_outcomes(summary)
    lines = [f"Đề nghị {to} tặng {award} cho {_join(orgs)};" for to, award, orgs in o.proposals]
    if o.next_year:
        lines.append(f"Suy tôn {o.chair} là Cụm trưởng" + (f", {o.deputy} là Cụm phó" if o.deputy else "")
                     + f" năm {o.next_year};")
    if o.handover:
        lines.append(f"{o.handover} ngày {format_date(o.handover_on)};")
    if o.next_year:
        lines.append(f"{o.pact_signed}/{o.pact_members} tỉnh ký kết Giao ước thi đua năm {o.next_year};")
    if lines:
        lines[-1] = lines[-1].rstrip(";") + "."
    return lines


def decision_sentences(summary: ClusterYearSummary) -> str:
    """The same decisions as running text (press release)."""
    o = conference_outcomes(summary)
    parts = []
    by_to: dict[str, list[str]] = {}
    for to, award, orgs in o.proposals:
        by_to.setdefault(to, []).append(f"{award} cho {_join(orgs, ', ')}")
    if by_to:
        parts.append("Tại Hội nghị, Cụm thi đua đã thống nhất đề nghị "
                     + "; đề nghị ".join(f"{to} tặng {_join(items)}" for to, items in by_to.items()) + ".")
    if o.next_year:
        parts.append(f"Hội nghị suy tôn {o.chair} là Cụm trưởng" + (f" và {o.deputy} là Cụm phó" if o.deputy else "")
                     + f" năm {o.next_year}.")
    tail = []
    if o.handover:
        tail.append(o.handover)
    if o.next_year and o.pact_signed:
        tail.append(f"đại diện {o.pact_signed}/{o.pact_members} tỉnh đã ký kết Giao ước thi đua năm {o.next_year}")
    if tail:
        parts.append(_upper_first("; ".join(tail)) + ".")
    return " ".join(parts)


def _celebrations(cy: ClusterYear) -> list[str]:
    """Titles of the national celebrations where the members' exemplars were honoured (wording only)."""
    exemplar_ids = exemplars_of(cy, national=True).values("pk")
    return list(Conference.objects.filter(kind=ConferenceKind.CELEBRATION, held_on__year=cy.year,
                                          honours__exemplar__in=exemplar_ids)
                .distinct().order_by("held_on").values_list("title", flat=True))


def exemplars_sentence(cy: ClusterYear, summary: ClusterYearSummary) -> str:
    where = _join(_celebrations(cy), ", ") or "các lễ kỷ niệm, đại hội thi đua toàn quốc"
    text = "Các tỉnh thực hiện cả 4 khâu phát hiện, bồi dưỡng, tổng kết và nhân rộng điển hình tiên tiến. "
    if summary.exemplars_honoured_nationally:
        text += (f"Năm {cy.year} có {format_number(summary.exemplars_honoured_nationally)} điển hình tiên tiến của "
                 f"các tỉnh trong Cụm được tuyên dương tại {where}")
    else:  # never "0 điển hình": say that none is recorded yet
        text += f"Năm {cy.year} chưa ghi nhận điển hình tiên tiến của các tỉnh trong Cụm được tuyên dương ở cấp toàn quốc"
    if summary.exemplars_honoured_at_review:
        text += (f"; {format_number(summary.exemplars_honoured_at_review)} tập thể, cá nhân điển hình tiêu biểu "
                 f"được khen thưởng tại Hội nghị tổng kết")
    return text + "."


# --- the year-end report ----------------------------------------------------------------------------------

def report_context(cy: ClusterYear, summary: ClusterYearSummary | None = None, *, charts_in: bool = True) -> dict:
    s = summary or cluster_year_summary(cy)
    conf = s.review_conference
    members = _members(cy)
    nxt_year = cy.year + 1
    head = _head(cy, symbol=SYMBOL_REPORT, doc_type="Báo cáo",
                 subject=f"Tổng kết công tác thi đua, khen thưởng năm {cy.year} và phương hướng, nhiệm vụ năm {nxt_year}",
                 on=conf.held_on if conf else None, place=conf.host.place_name if conf else None,
                 recipients=[f"{cy.cluster.organised_by.name}", "Ban Thi đua - Khen thưởng Trung ương",
                             f"UBND các tỉnh trong {cy.cluster.get_kind_display()}",
                             "Cơ quan thi đua, khen thưởng các tỉnh trong Cụm"])
    theme = f" với chủ đề “{cy.theme}”" if cy.theme else ""
    movements = [f"Phong trào “{m.name}” do {m.launched_by_title or m.launched_by.name} phát động"
                 + (f", gắn với {m.directive}" if m.directive else "") + ";"
                 for m in cy.movements.select_related("launched_by")]
    if movements:
        movements[-1] = movements[-1].rstrip(";") + "."
    commendations = []
    for attr, level, _by in COMMENDATION_LEVELS:
        c = getattr(s, attr)
        chart = None
        if charts_in:
            spec = charts.donut_chart([("Tập thể nhỏ, người lao động trực tiếp", c.priority),
                                       ("Đối tượng khác", c.total - c.priority)],
                                      center_label=_pct(c.priority_share, 2), legend_width=270)
            chart = DocImage(spec.png(), width_mm=105)
        commendations.append({"level": level, "collectives": format_number(c.collectives),
                              "individuals": format_number(c.individuals), "households": format_number(c.households),
                              "total": format_number(c.total), "priority": format_number(c.priority),
                              "share": _pct(c.priority_share, 2), "chart": chart,
                              "chart_title": f"Khen thưởng {level[0].lower() + level[1:]}: tỷ lệ tập thể nhỏ, "
                                             f"người lao động trực tiếp"})
    if conf:
        conference_intro = (f"{conf.title} được tổ chức ngày {format_date(conf.held_on)} tại {conf.place} "
                            f"({org_phrase(conf.host)} đăng cai). Hội nghị đã thống nhất:")
    else:
        conference_intro = f"Chưa tổ chức hội nghị tổng kết năm {cy.year}."
    return {
        "doc": head.as_context(),
        "year": cy.year,
        "next_year": nxt_year,
        "intro": (f"Năm {cy.year}, {len(members)} tỉnh thành viên {cy.cluster.name} ({', '.join(m.name for m in members)})"
                  f"{theme} đã triển khai các phong trào thi đua và công tác khen thưởng gắn với nhiệm vụ chính trị "
                  f"của từng địa phương. {cy.cluster.get_kind_display()} báo cáo kết quả như sau:"),
        "movements_intro": (f"Các tỉnh trong Cụm triển khai {len(movements)} phong trào thi đua trọng tâm:"
                            if movements else "Chưa ghi nhận phong trào thi đua nào của năm."),
        "movements": movements,
        "indicators_intro": (f"Kết quả thực hiện {len(s.indicators)} chỉ tiêu chủ yếu của Cụm "
                             f"(tổng hợp từ số liệu kế hoạch và thực hiện của từng tỉnh):"),
        "indicators": [_indicator_context(k, i, with_chart=charts_in) for k, i in enumerate(s.indicators, start=1)],
        "exemplars": exemplars_sentence(cy, s),
        "commendations_intro": "Năm " + str(cy.year) + ", " + "; ".join(commendation_sentences(s)) + ".",
        "commendations": commendations,
        "conference_intro": conference_intro,
        "decisions": decision_lines(s) if conf else [],
        "directions_intro": f"Năm {nxt_year}, các tỉnh trong Cụm thống nhất tập trung thực hiện các nhiệm vụ sau:",
        "directions": cy.direction_lines(),
        "illustrative_note": ("Ghi chú: số liệu tổng của Cụm theo nguồn đã công bố; số liệu từng tỉnh là minh họa."
                              if cy.is_illustrative else ""),
    }


def report_docx(cy: ClusterYear) -> bytes:
    return render(template_path("emulation", "bao-cao-tong-ket.docx"), report_context(cy))


# --- the emulation pact -----------------------------------------------------------------------------------

def pact_context(cy: ClusterYear) -> dict:
    pact = Pact.objects.filter(cluster_year=cy).select_related("conference").first()
    members = _members(cy)
    signed = {}
    if pact:
        signed = {sig.member_id: sig for sig in pact.signatures.all()}
    conf = pact.conference if pact else None
    on = conf.held_on if conf else (min((sig.signed_on for sig in signed.values()), default=None))
    head = _head(cy, symbol=SYMBOL_PACT, doc_type=f"Giao ước thi đua năm {cy.year}", subject=cy.cluster.name,
                 on=on, place=conf.host.place_name if conf else None, year=on.year if on else cy.year,
                 recipients=["Ban Thi đua - Khen thưởng Trung ương", "Các tỉnh thành viên Cụm"])
    signatures = []
    for k, m in enumerate(members, start=1):
        sig = signed.get(m.pk)
        signatures.append({"stt": k, "member": m.name, "signatory": sig.signatory if sig else "",
                           "position": sig.position if sig else "",
                           "signed_on": format_date(sig.signed_on) if sig else "chưa ký"})
    targets = []
    for ind in cluster_year_summary(cy).indicators:
        planned = [m for m in ind.members if m.planned is not None]
        for k, m in enumerate(planned):  # the indicator's name on its first row only
            targets.append({"stt": len(targets) + 1, "indicator": ind.indicator.name if k == 0 else "",
                            "unit": (ind.indicator.unit_short or ind.indicator.unit) if k == 0 else "",
                            "member": m.member.name, "planned": _num(m.planned, ind.indicator.value_decimals)})
    theme = f", hưởng ứng chủ đề thi đua “{cy.theme}”" if cy.theme else ""
    title = f" ({pact.title})" if pact and pact.title else ""
    commitments = [line.strip(" -•") for line in (pact.commitments if pact else "").splitlines() if line.strip()]
    n_signed = sum(1 for m in members if m.pk in signed)
    return {
        "doc": head.as_context(),
        "intro": (f"Thực hiện kế hoạch tổ chức phong trào thi đua năm {cy.year} của {cy.cluster.name}{theme}, "
                  f"{len(members)} tỉnh thành viên Cụm ({', '.join(m.name for m in members)}) thống nhất ký kết "
                  f"Giao ước thi đua năm {cy.year}{title} với các nội dung sau:"),
        "commitments": commitments,
        "targets": targets,
        "signatures_heading": ("III." if targets else "II.") + " ĐẠI DIỆN CÁC TỈNH KÝ GIAO ƯỚC",
        "signatures_summary": (f"Đã ký: {n_signed}/{len(members)} tỉnh."
                               + ("" if n_signed == len(members) else " Các tỉnh “chưa ký” được ghi rõ trong bảng.")
                               if pact else f"Giao ước thi đua năm {cy.year} chưa được ký: {len(members)} tỉnh chưa ký."),
        "signatures": signatures,
        "implementation_heading": ("IV." if targets else "III.") + " TỔ CHỨC THỰC HIỆN",
        "implementation": (f"Giao ước có hiệu lực kể từ ngày ký. Các tỉnh thành viên tổ chức thực hiện; "
                           f"Cụm trưởng ({org_phrase(cy.chair)}) theo dõi, tổng hợp kết quả và báo cáo tại Hội nghị "
                           f"tổng kết năm {cy.year}."),
    }


def pact_docx(cy: ClusterYear) -> bytes:
    return render(template_path("emulation", "giao-uoc-thi-dua.docx"), pact_context(cy))


# --- the press release ------------------------------------------------------------------------------------

def press_release_paragraphs(cy: ClusterYear, summary: ClusterYearSummary | None = None) -> list[str]:
    """A short press release in the style of the sector's news (shared/seed): 3–6 paragraphs with the key
    figures of the year, from the cluster-year summary."""
    s = summary or cluster_year_summary(cy)
    conf, members = s.review_conference, _members(cy)
    n = len(members)
    name = cy.cluster.name
    paras = []
    if conf:
        guests = "; ".join(", ".join(x for x in (g.name, g.title) if x) for g in conf.guests.all())
        first = f"Ngày {conf.held_on.day}/{conf.held_on.month}/{conf.held_on.year}, tại {conf.place}, {name} tổ chức {conf.title}."
        if guests:
            first += f" Tới dự có: {guests}."
        paras.append(first)
    movements = [f"“{m.name}”" for m in cy.movements.all()]
    second = f"Năm {cy.year}, {n} tỉnh trong Cụm"
    if cy.theme:
        second = f"Với chủ đề thi đua năm {cy.year} “{cy.theme}”, {n} tỉnh trong Cụm"
    second += " đã triển khai hiệu quả các phong trào thi đua và công tác khen thưởng, phù hợp với điều kiện của từng địa phương"
    if movements:
        second += f"; các phong trào {_join(movements)} được triển khai đồng bộ và trở thành các phong trào thi đua trọng tâm của Cụm"
    paras.append(second + ".")
    sums = [i for i in s.indicators if i.indicator.aggregation == Aggregation.SUM and i.actual is not None]
    others = [i for i in s.indicators if i.indicator.aggregation != Aggregation.SUM and i.actual is not None]
    if sums:
        parts = [f"chỉ tiêu “{i.indicator.name}” đạt {_num(i.actual, i.indicator.value_decimals)} "
                 f"{i.indicator.unit_short or i.indicator.unit}, bằng {_pct(i.percent_of_plan, i.indicator.percent_decimals)} kế hoạch"
                 for i in sums]
        third = f"Năm {cy.year}, toàn Cụm thực hiện " + "; ".join(parts) + "."
        for i in others:
            unit = i.indicator.unit_short or i.indicator.unit
            if i.indicator.aggregation == Aggregation.CUMULATIVE:
                third += f" Chỉ tiêu “{i.indicator.name}”: thêm {_num(i.actual, i.indicator.value_decimals)} {unit}"
                if i.share_of_base is None:
                    third += "."
                else:
                    third += (f", nâng tổng số lên {_num(i.cumulative)} {unit}, chiếm "
                              f"{_pct(i.share_of_base, i.indicator.percent_decimals)} "
                              f"{i.indicator.base_label or 'tổng số'} trong Cụm.")
            elif i.indicator.aggregation == Aggregation.MEMBERS_MET:
                third += f" {i.members_met}/{len(i.members)} tỉnh hoàn thành và hoàn thành vượt mức chỉ tiêu “{i.indicator.name}”."
        paras.append(third)
    fourth = exemplars_sentence(cy, s).replace(f"Năm {cy.year} có", "Năm qua có") + " " + \
        f"Năm {cy.year}, " + "; ".join(commendation_sentences(s)) + "."
    paras.append(fourth)
    if conf:
        decisions = decision_sentences(s)
        if decisions:
            paras.append(decisions)
    directions = cy.direction_lines()
    if directions:
        paras.append(f"Năm {cy.year + 1}, các tỉnh trong Cụm tập trung: "
                     + "; ".join(_lower_first(d.rstrip(".;")) for d in directions) + ".")
    return paras[:6]


def press_release_context(cy: ClusterYear) -> dict:
    s = cluster_year_summary(cy)
    conf = s.review_conference
    head = _head(cy, symbol=SYMBOL_PRESS, doc_type="Thông cáo báo chí",
                 subject=f"{cy.cluster.name}: tổng kết công tác thi đua, khen thưởng năm {cy.year}",
                 on=conf.held_on if conf else None, place=conf.host.place_name if conf else None,
                 recipients=["Các cơ quan báo chí", "Ban Thi đua - Khen thưởng Trung ương"])
    return {"doc": head.as_context(), "paragraphs": press_release_paragraphs(cy, s)}


def press_release_docx(cy: ClusterYear) -> bytes:
    return render(template_path("emulation", "thong-cao-bao-chi.docx"), press_release_context(cy))


# --- Excel: targets and results ---------------------------------------------------------------------------

TARGET_COLUMNS = [("STT", 6), ("Chỉ tiêu", 46), ("Đơn vị tính", 12), ("Thành viên", 18), ("Kế hoạch", 14),
                  ("Giữa năm", 14), ("Thực hiện", 14), ("% kế hoạch", 12), ("Lũy kế trước kỳ", 14), ("Lũy kế", 12),
                  ("Mẫu số", 12), ("Tỷ lệ trên mẫu số", 14), ("Đạt kế hoạch", 12)]


def targets_xlsx(cy: ClusterYear, summary: ClusterYearSummary | None = None) -> bytes:
    """Plan, mid-year (when recorded), actual and % of plan per indicator and member, with the cluster's
    row under each indicator; figures from the cluster-year summary."""
    s = summary or cluster_year_summary(cy)
    has_mid = any(m.mid_year is not None for i in s.indicators for m in i.members)
    columns = [c for c in TARGET_COLUMNS if has_mid or c[0] != "Giữa năm"]
    buf = io.BytesIO()
    wb = workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("Chỉ tiêu")
    title = wb.add_format({"bold": True, "font_size": 13})
    head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "vcenter",
                          "align": "center"})
    cell = wb.add_format({"border": 1, "valign": "top", "text_wrap": True})
    bold = wb.add_format({"border": 1, "bold": True, "bg_color": "#F2F2F2"})
    number_formats: dict[tuple[int, bool], object] = {}

    def numf(decimals: int, is_total: bool):
        key = (decimals, is_total)
        if key not in number_formats:
            fmt = "#,##0" + ("." + "0" * decimals if decimals else "")
            props = {"border": 1, "num_format": fmt}
            if is_total:
                props.update(bold=True, bg_color="#F2F2F2")
            number_formats[key] = wb.add_format(props)
        return number_formats[key]

    pct = {False: wb.add_format({"border": 1, "num_format": "0.0%"}),
           True: wb.add_format({"border": 1, "num_format": "0.0%", "bold": True, "bg_color": "#F2F2F2"})}
    ws.write(0, 0, f"{cy.cluster.name} — năm {cy.year}: chỉ tiêu kế hoạch và kết quả thực hiện", title)
    if cy.is_illustrative:
        ws.write(1, 0, "Số liệu từng tỉnh là minh họa; số tổng của Cụm theo nguồn đã công bố.")
    header_row = 3
    for col, (name, width) in enumerate(columns):
        ws.set_column(col, col, width)
        ws.write(header_row, col, name, head)
    names = [c[0] for c in columns]
    r = header_row
    stt = 0

    def put(row, name, value, *, kind="text", decimals=0, total=False):
        col = names.index(name)
        if value is None or value == "":
            ws.write_blank(row, col, None, bold if total else cell)
        elif kind == "number":
            ws.write_number(row, col, float(value), numf(decimals, total))
        elif kind == "percent":
            ws.write_number(row, col, float(value) / 100, pct[total])
        else:
            ws.write(row, col, value, bold if total else cell)

    for i in s.indicators:
        ind = i.indicator
        vd = ind.value_decimals
        unit = ind.unit_short or ind.unit
        cumulative = ind.aggregation == Aggregation.CUMULATIVE
        for m in i.members:
            r += 1
            stt += 1
            put(r, "STT", stt, kind="number")
            put(r, "Chỉ tiêu", ind.name)
            put(r, "Đơn vị tính", unit)
            put(r, "Thành viên", m.member.name)
            put(r, "Kế hoạch", m.planned, kind="number", decimals=vd)
            if has_mid:
                put(r, "Giữa năm", m.mid_year, kind="number", decimals=vd)
            put(r, "Thực hiện", m.actual, kind="number", decimals=vd)
            put(r, "% kế hoạch", m.percent_of_plan, kind="percent")
            put(r, "Lũy kế trước kỳ", m.prior, kind="number")
            put(r, "Lũy kế", m.cumulative if cumulative else None, kind="number")
            put(r, "Mẫu số", m.base, kind="number")
            put(r, "Tỷ lệ trên mẫu số", m.share_of_base, kind="percent")
            put(r, "Đạt kế hoạch", "" if m.met is None else ("Đạt" if m.met else "Chưa đạt"))
        r += 1
        put(r, "STT", "", total=True)
        put(r, "Chỉ tiêu", ind.name, total=True)
        put(r, "Đơn vị tính", unit, total=True)
        put(r, "Thành viên", "Toàn Cụm", total=True)
        put(r, "Kế hoạch", i.planned, kind="number", decimals=vd, total=True)
        if has_mid:
            put(r, "Giữa năm", i.mid_year, kind="number", decimals=vd, total=True)
        put(r, "Thực hiện", i.actual, kind="number", decimals=vd, total=True)
        put(r, "% kế hoạch", i.percent_of_plan, kind="percent", total=True)
        put(r, "Lũy kế trước kỳ", None, total=True)
        put(r, "Lũy kế", i.cumulative, kind="number", total=True)
        put(r, "Mẫu số", i.base, kind="number", total=True)
        put(r, "Tỷ lệ trên mẫu số", i.share_of_base, kind="percent", total=True)
        judged = any(m.met is not None for m in i.members)  # no plan (e.g. cumulative counts): nothing to meet
        put(r, "Đạt kế hoạch", f"{i.members_met}/{len(i.members)}" if judged else "", total=True)
    ws.freeze_panes(header_row + 1, 0)
    ws.autofilter(header_row, 0, max(r, header_row + 1), len(columns) - 1)
    wb.close()
    return buf.getvalue()


# --- the vote-count minutes (biên bản kiểm phiếu) ---------------------------------------------------------

SYMBOL_MINUTES = "BB-CTĐ"


def vote_subject(session: VoteSession) -> str:
    """"Bầu đơn vị đề nghị tặng Cờ thi đua của Chính phủ", "Bầu Cụm trưởng năm 2019"…"""
    year = session.cluster_year.year + 1
    if session.kind == VoteKind.CHAIR:
        return f"Bầu Cụm trưởng năm {year}"
    if session.kind == VoteKind.DEPUTY:
        return f"Bầu Cụm phó năm {year}"
    return f"Bầu đơn vị đề nghị tặng {session.award_type.name if session.award_type else 'khen thưởng'}"


def minutes_context(session: VoteSession) -> dict:
    """The minutes of one closed session, from its tally (the same function as the results page and API)."""
    cy, conf = session.cluster_year, session.conference
    t = tally(session)
    round_text = f" (vòng {session.round})" if session.round > 1 else ""
    subject = vote_subject(session) + round_text
    head = _head(cy, symbol=SYMBOL_MINUTES, doc_type="Biên bản kiểm phiếu", subject=subject,
                 on=conf.held_on, place=conf.host.place_name,
                 year=conf.held_on.year, recipients=["Các tỉnh thành viên Cụm", "Ban Thi đua - Khen thưởng Trung ương"])
    threshold = ("quá" if session.threshold_strict else "từ") + f" {format_number(session.threshold_percent, 0)}%"
    quorum = ("quá" if session.quorum_strict else "từ") + f" {format_number(session.quorum_percent, 0)}%"
    rows = []
    for k, c in enumerate(t.candidates, start=1):
        result = "Trúng" if c.elected else ("Bằng phiếu — bầu lại" if c.tied else "Không trúng")
        rows.append({"stt": k, "name": c.organization.name, "votes": c.votes, "share": _pct(c.share, 2),
                     "result": result})
    conclusion = []
    if not t.quorum_met:
        conclusion.append(f"Số phiếu thu về ({t.ballots_cast}) chưa đạt số tối thiểu ({t.quorum_votes}); "
                          "cuộc bỏ phiếu không có kết quả.")
    if t.elected:
        conclusion.append(f"Trúng: {_join([o.name for o in t.elected])} (đạt {threshold} tổng số thành viên, "
                          f"tức từ {t.threshold_votes} phiếu trở lên).")
    if t.tied:
        conclusion.append(f"{_join([o.name for o in t.tied])} bằng phiếu: bầu lại vòng {session.round + 1} "
                          f"cho {t.seats_open} vị trí còn lại.")
    if t.quorum_met and not t.elected and not t.tied:
        conclusion.append(f"Không ứng viên nào đạt {threshold} tổng số thành viên; không có kết quả.")
    closed = session.closed_at
    return {
        "doc": head.as_context(),
        "intro": (f"Tại {conf.title}, {conf.place}, ngày {format_date(conf.held_on)}, các tỉnh thành viên "
                  f"{cy.cluster.name} bỏ phiếu kín {_lower_first(subject)}. "
                  f"Phiếu mở từ {timezone.localtime(session.opens_at):%H:%M} đến "
                  f"{timezone.localtime(closed):%H:%M} ngày {format_date(timezone.localtime(closed).date())}; "
                  f"mỗi thành viên một phiếu, chọn không quá {session.seats} đơn vị."),
        "counts": [f"Tổng số thành viên có quyền bỏ phiếu: {t.electorate}.",
                   f"Số phiếu phát ra: {t.electorate}; số phiếu thu về: {t.ballots_cast} "
                   f"({_pct(t.participation, 2)}); số phiếu trống: {t.blank_ballots}.",
                   f"Số phiếu tối thiểu để cuộc bỏ phiếu có giá trị: {t.quorum_votes} ({quorum} tổng số thành viên); "
                   f"ngưỡng trúng: {t.threshold_votes} phiếu ({threshold} tổng số thành viên)."],
        "candidates": rows,
        "conclusion": conclusion,
        "secrecy": ("Phiếu bầu là phiếu kín: hệ thống chỉ ghi nhận thành viên đã bỏ phiếu, không lưu liên kết "
                    "giữa thành viên và lựa chọn."),
    }


def minutes_docx(session: VoteSession) -> bytes:
    return render(template_path("emulation", "bien-ban-kiem-phieu-cum.docx"), minutes_context(session))


# --- the chair's submission letter, with the ranking attached -----------------------------------------------

SYMBOL_SUBMISSION = "TTr-CTĐ"


def _points(value) -> str:
    return format_number(value, 2, strip_zeros=False)


def submission_context(cy: ClusterYear) -> dict:
    """The chair proposes the flag and the certificates voted at the review conference; the ranking of the
    locked scores is attached. Proposals, votes and ranking come from the records (tally, score_sheet)."""
    conf = review_conference(cy)
    proposals = list(cy.proposals.select_related("organization", "award_type", "vote_session"))
    sheet = score_sheet(cy)
    rank_of = {r.member.pk: r for r in sheet.rows}
    lines = []
    for p in proposals:
        line = f"Đề nghị {p.proposed_to} tặng {p.award_type.name} cho {org_phrase(p.organization)}"
        r = rank_of.get(p.organization_id)
        if r is not None and r.rank is not None:
            line += f" (xếp thứ {r.rank}/{len(sheet.rows)}, {_points(r.total)} điểm"
            if p.vote_session_id:
                votes = next((c.votes for c in tally(p.vote_session).candidates if c.organization.pk == p.organization_id), 0)
                line += f"; {votes}/{p.vote_session.electorate} phiếu tán thành"
            line += ")"
        lines.append(line + ".")
    awards = _join(sorted({p.award_type.name for p in proposals}))
    head = _head(cy, symbol=SYMBOL_SUBMISSION, doc_type="Tờ trình",
                 subject=f"Về việc đề nghị tặng {awards or 'khen thưởng'} năm {cy.year}",
                 on=conf.held_on if conf else None, place=conf.host.place_name if conf else None,
                 recipients=[cy.cluster.organised_by.name, "Ban Thi đua - Khen thưởng Trung ương", "Các tỉnh thành viên Cụm"])
    ranking = [{"rank": r.rank, "member": r.member.name, "indicator": _points(r.indicator_points),
                "manual": _points(r.manual_points), "bonus": _points(r.bonus), "penalty": _points(r.penalty),
                "total": _points(r.total)} for r in sheet.rows]
    locked = sheet.locked and cy.run.scores_locked_at
    return {
        "doc": head.as_context(),
        "year": cy.year,
        "addressee": f"Kính gửi: {cy.cluster.organised_by.name}.",
        "intro": (f"Căn cứ kết quả chấm điểm, xếp hạng và kết quả bỏ phiếu kín tại {conf.title if conf else 'Hội nghị tổng kết'}"
                  f"{f' ngày {format_date(conf.held_on)}' if conf else ''}, {cy.cluster.name} "
                  f"({len(sheet.rows)} tỉnh thành viên) đề nghị:") if proposals else
                 f"{cy.cluster.name} chưa có đề nghị khen thưởng nào được thông qua cho năm {cy.year}.",
        "proposals": lines,
        "closing": f"{cy.cluster.name} kính đề nghị {cy.cluster.organised_by.name} xem xét, trình cấp có thẩm quyền quyết định.",
        "ranking_intro": (f"Điểm đã khóa ngày {format_date(timezone.localtime(locked).date())}; tổng điểm tối đa "
                          f"{format_number(sheet.max_total, 0)} (chưa kể điểm thưởng)." if locked else
                          "Điểm chưa khóa: bảng xếp hạng tạm thời."),
        "ranking": ranking,
        "tie_breaks": "Thứ tự khi bằng tổng điểm: " + "; ".join(
            f"{i}. {_lower_first(str(t))}" for i, t in enumerate(TIE_BREAKS, start=1)) + ".",
    }


def submission_docx(cy: ClusterYear) -> bytes:
    return render(template_path("emulation", "to-trinh-de-nghi-khen-thuong.docx"), submission_context(cy))


# --- Excel: scores and ranking ------------------------------------------------------------------------------

def scores_xlsx(cy: ClusterYear) -> bytes:
    """Sheet 1: the ranking; sheet 2: every member × criterion (self, cross mean, final); from score_sheet."""
    sheet = score_sheet(cy)
    buf = io.BytesIO()
    wb = workbook(buf, {"in_memory": True})
    title = wb.add_format({"bold": True, "font_size": 13})
    head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "align": "center",
                          "valign": "vcenter"})
    cell = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    num = wb.add_format({"border": 1, "num_format": "0.00"})
    ws = wb.add_worksheet("Xếp hạng")
    ws.write(0, 0, f"{cy.cluster.name} — năm {cy.year}: kết quả chấm điểm, xếp hạng"
                   + ("" if sheet.locked else " (điểm chưa khóa, tạm thời)"), title)
    cols = [("Hạng", 7), ("Thành viên", 20), ("Điểm chỉ tiêu", 13), ("Điểm chấm", 12), ("Điểm thưởng", 12),
            ("Điểm trừ", 10), ("Tổng điểm", 12), ("Tự chấm", 12), ("Xếp theo tiêu chí phụ", 18)]
    for c, (name, width) in enumerate(cols):
        ws.set_column(c, c, width)
        ws.write(2, c, name, head)
    for i, r in enumerate(sheet.rows, start=3):
        ws.write_number(i, 0, r.rank, cell)
        ws.write(i, 1, r.member.name, cell)
        for c, v in enumerate([r.indicator_points, r.manual_points, r.bonus, r.penalty, r.total, r.self_total], start=2):
            ws.write_number(i, c, float(v), num)
        ws.write(i, 8, "Có" if r.tie_broken else "", cell)
    last = 3 + len(sheet.rows)
    ws.write(last + 1, 0, "Thứ tự khi bằng tổng điểm: " + "; ".join(str(t) for t in TIE_BREAKS) + ".")
    ws.freeze_panes(3, 2)
    detail = wb.add_worksheet("Điểm chi tiết")
    for c, (name, width) in enumerate([("Thành viên", 20), ("Mã", 6), ("Tiêu chí", 48), ("Cách chấm", 18),
                                       ("Tối đa", 8), ("% kế hoạch", 11), ("Tự chấm", 9), ("Chấm chéo (bình quân)", 12),
                                       ("Số đơn vị chấm chéo", 10), ("Điểm cuối", 10), ("Lý do điều chỉnh", 40)]):
        detail.set_column(c, c, width)
        detail.write(0, c, name, head)
    row = 0
    for r in sheet.rows:
        for cell_ in r.cells.values():
            row += 1
            crit = cell_.criterion
            detail.write(row, 0, r.member.name, cell)
            detail.write(row, 1, crit.code, cell)
            detail.write(row, 2, crit.name, cell)
            detail.write(row, 3, crit.get_kind_display(), cell)
            detail.write_number(row, 4, float(crit.max_points), num)
            for c, v in ((5, cell_.percent_of_plan), (6, cell_.self_points), (7, cell_.cross_mean), (9, cell_.final)):
                if v is None:
                    detail.write_blank(row, c, None, cell)
                else:
                    detail.write_number(row, c, float(v), num)
            detail.write_number(row, 8, len(cell_.cross), cell)
            detail.write(row, 10, cell_.final_reason if cell_.differs_from_cross else "", cell)
    detail.autofilter(0, 0, max(row, 1), 10)
    detail.freeze_panes(1, 1)
    wb.close()
    return buf.getvalue()


# --- file names -------------------------------------------------------------------------------------------

def filename(kind: str, cy: ClusterYear) -> str:
    """Vietnamese download names, without extension."""
    names = {"pact": f"Giao ước thi đua năm {cy.year}", "report": f"Báo cáo tổng kết năm {cy.year}",
             "press": f"Thông cáo báo chí năm {cy.year}", "targets": f"Chỉ tiêu và kết quả năm {cy.year}",
             "submission": f"Tờ trình đề nghị khen thưởng năm {cy.year}", "scores": f"Chấm điểm, xếp hạng năm {cy.year}",
             "minutes": f"Biên bản kiểm phiếu năm {cy.year}"}
    return f"{names[kind]} - {cy.cluster.name}"
