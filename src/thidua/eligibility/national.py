"""The Central Board's consolidation of the Government Emulation Flag proposals of every cluster and block
(issue 14 part 5), checked by the eligibility engine, and the national Word summary.

Each cluster's conference proposes its leading unit(s) for the Cờ thi đua của Chính phủ (`emulation.Proposal`);
each proposal is judged by the CO_CP rule in force for the year (`loader.check_proposals`, the same check as the
cluster's own page), then the eligible ones are ranked for the share limit among leading units — a `Quota` of the
Central Council for the year and CO_CP, its base the number of leading units proposed by all clusters and blocks
(`engine.rank_for_quota`). Without a quota for the year every eligible proposal is within.

Running the consolidation is the Central Board's act: `run_consolidation` records its outcome in the audit trail
(refused, with a denied row and nothing else, for any other role). Eligibility reads emulation; emulation never
imports this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from thidua.core import audit, refusals
from thidua.core.models import AuditEvent
from thidua.eligibility.engine import Result, rank_for_quota
from thidua.eligibility.loader import check_proposals
from thidua.eligibility.models import Quota
from thidua.emulation.documents import org_phrase
from thidua.emulation.models import Proposal
from thidua.emulation.national import FLAG_CODE, NationalYear, council, national_year
from thidua.lib.documents import DocumentHead, Signature, render, template_path
from thidua.lib.numbers import format_date, format_percent
from thidua.orgs.scope import scope_for

RUN_TYPE = "eligibility.national_flag_consolidation"
RUN_ROLES = {"central_board"}


@dataclass
class FlagRow:
    proposal: Proposal
    cluster_name: str
    kind: str
    illustrative: bool
    result: Result
    within: bool | None  # None: not eligible (outside the ranking)

    @property
    def status(self) -> str:
        if not self.result.eligible:
            return "Chưa đủ điều kiện"
        return "Trong tỷ lệ" if self.within else "Vượt tỷ lệ"

    @property
    def reasons(self) -> list[str]:
        return [c.explanation for c in self.result.checks if not c.met]


@dataclass
class Consolidation:
    year: int
    national: NationalYear
    rows: list[FlagRow]
    quota: Quota | None
    leading_units: int  # the quota's base: leading units proposed by all clusters and blocks

    @property
    def limit(self) -> int:
        return self.quota.limit(self.leading_units) if self.quota else self.leading_units

    @property
    def eligible(self) -> int:
        return sum(1 for r in self.rows if r.result.eligible)

    @property
    def within(self) -> int:
        return sum(1 for r in self.rows if r.within)

    @property
    def share_text(self) -> str:
        if self.quota is None:
            return "Chưa có tỷ lệ khống chế cho năm này: mọi đề nghị đủ điều kiện đều trong tỷ lệ."
        parts = []
        if self.quota.max_share is not None:
            parts.append(f"không quá {format_percent(self.quota.max_share * 100, 0)} số đơn vị dẫn đầu")
        if self.quota.max_count is not None:
            parts.append(f"không quá {self.quota.max_count} đơn vị")
        return (f"Tỷ lệ khống chế: {', '.join(parts)} ({self.leading_units} đơn vị dẫn đầu → tối đa {self.limit})"
                + (f"; căn cứ: {self.quota.basis}" if self.quota.basis else "") + ".")

    def as_dict(self) -> dict:
        return {"year": self.year, "leading_units": self.leading_units, "limit": self.limit,
                "eligible": self.eligible, "within": self.within, "quota": self.quota.pk if self.quota else None,
                "rows": [{"cluster": r.cluster_name, "organisation": r.proposal.organization.name,
                          "organisation_id": r.proposal.organization_id, "eligible": r.result.eligible,
                          "rule": r.result.rule, "within": r.within, "status": r.status,
                          "illustrative": r.illustrative} for r in self.rows]}


def flag_consolidation(user, year: int) -> Consolidation:
    """The flag proposals of every cluster and block of the year the user may see, each checked by the engine,
    ranked for the share limit. The one function behind the page, the API, the Word summary and the run."""
    national = national_year(user, year)
    rows: list[FlagRow] = []
    for row in national.rows:
        if row.cy is None or not row.leads:
            continue
        for proposal, result in check_proposals(row.cy):
            if proposal.award_type.code == FLAG_CODE:
                rows.append(FlagRow(proposal, row.cluster.name, row.cluster.get_kind_display(), row.illustrative,
                                    result, None))
    quota = Quota.objects.filter(authority=council(), year=year, award_code=FLAG_CODE).first()
    consolidation = Consolidation(year, national, rows, quota, len(rows))
    ranked = {id(r): within for r, within in rank_for_quota(
        [r.result for r in rows], consolidation.limit, (quota.tie_breaks if quota else None) or ["female_first"])}
    for r in rows:
        r.within = ranked.get(id(r.result)) if r.result.eligible else None
    rows.sort(key=lambda r: (not r.result.eligible, not r.within, r.cluster_name))
    return consolidation


def may_run(user) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.roles & RUN_ROLES)


@refusals.service
def run_consolidation(user, year: int) -> Consolidation:
    """The Central Board consolidates the year's flag proposals: the outcome is recorded (audit row). Any other
    role is refused (a denied row, nothing else)."""
    if not may_run(user):
        refusals.deny(user, council(), "Chỉ Ban Thi đua - Khen thưởng Trung ương tổng hợp đề nghị Cờ thi đua "
                                       "của Chính phủ của các cụm, khối.")
    consolidation = flag_consolidation(user, year)
    audit.record("create", object_type=RUN_TYPE, object_id=year,
                 object_repr=f"Tổng hợp đề nghị Cờ thi đua của Chính phủ năm {year}",
                 after=consolidation.as_dict(), user=user)
    return consolidation


def last_run(year: int) -> AuditEvent | None:
    return (AuditEvent.objects.filter(object_type=RUN_TYPE, object_id=str(year), action="create")
            .order_by("-pk").first())


# --------------------------------------------------------------------------------------------------------------
# The national Word summary
# --------------------------------------------------------------------------------------------------------------

SYMBOL_SUMMARY = "BC-BTĐKT"
ILLUSTRATIVE_NOTE = ("Thành phần cụm, khối hoặc số liệu đánh dấu (*) là minh họa: không tìm được quyết định phân chia "
                     "hoặc số liệu gốc; xem nguồn trong dữ liệu tham chiếu.")


def summary_context(user, year: int, on: date | None = None) -> dict:
    c = flag_consolidation(user, year)
    n = c.national
    head = DocumentHead(
        issuing_body="Ban Thi đua - Khen thưởng Trung ương", parent_body="Bộ Nội vụ", symbol=SYMBOL_SUMMARY,
        place="Hà Nội", on=on, doc_type="Báo cáo",
        subject=f"Tổng hợp kết quả thi đua của các cụm, khối thi đua do Hội đồng Thi đua - Khen thưởng Trung ương "
                f"tổ chức và đề nghị tặng Cờ thi đua của Chính phủ năm {year}",
        signature=Signature(title="Trưởng ban"), recipients=["Hội đồng Thi đua - Khen thưởng Trung ương",
                                                             "Các cụm, khối thi đua"], year=year + 1)
    clusters = [{"stt": i, "name": r.cluster.name + (" (*)" if r.illustrative else ""),
                 "kind": r.cluster.get_kind_display(), "members": r.members,
                 "chair": r.cy.chair.name if r.cy else "—",
                 "deputy": r.cy.deputy.name if r.cy and r.cy.deputy_id else "—",
                 "progress": f"{r.done}/{r.total_steps}" if r.cy else "Chưa mở năm",
                 "leads": ", ".join(p.organization.name for p in r.leads) or "—"}
                for i, r in enumerate(n.rows, start=1)]
    flags = [{"stt": i, "org": org_phrase(r.proposal.organization), "cluster": r.cluster_name,
              "status": r.status + (" (*)" if r.illustrative else "")} for i, r in enumerate(c.rows, start=1)]
    return {
        "doc": head.as_context(),
        "year": year,
        "intro": (f"Năm {year}, Hội đồng Thi đua - Khen thưởng Trung ương tổ chức {len(n.clusters)} cụm thi đua "
                  f"của các tỉnh, thành phố và {len(n.blocks)} khối thi đua của các bộ, ngành, cơ quan trung ương; "
                  f"{n.opened} cụm, khối đã mở năm thi đua trên hệ thống, {n.finished} cụm, khối đã hoàn thành "
                  f"đủ các bước."),
        "clusters": clusters,
        "flags_intro": (f"Các cụm, khối đề nghị {c.leading_units} đơn vị dẫn đầu tặng Cờ thi đua của Chính phủ; "
                        f"{c.eligible} đơn vị đủ điều kiện theo quy định, {c.within} đơn vị trong tỷ lệ. "
                        + c.share_text),
        "flags": flags,
        "illustrative_note": ILLUSTRATIVE_NOTE if n.any_illustrative else "",
        "generated": format_date(on) if on else "",
    }


def summary_docx(user, year: int) -> bytes:
    return render(template_path("eligibility", "tong-hop-cum-khoi-toan-quoc.docx"), summary_context(user, year))


def summary_filename(year: int) -> str:
    return f"Tổng hợp cụm, khối thi đua toàn quốc năm {year}"
