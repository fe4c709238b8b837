"""Which nominees must be published for comments before the council meets, and the refusal when it has not run.

The law: Nghị định 91/2017/NĐ-CP, Điều 45.10 (to 31/12/2023: before proposing orders, a ministry takes the public's
comments on its media); Nghị định 98/2023/NĐ-CP, Điều 46.2 (1/1/2024–30/6/2025: whoever proposes orders and State
honorary titles — Luật TĐKT 2022, Điều 84.5 — publishes the list of individuals and collectives on the media of the
ministry or province at least 10 working days before the emulation council meets); Nghị định 152/2025/NĐ-CP,
Điều 60.3 (from 1/7/2025, the same duty; its wording not read: paraphrased). Each authority may widen the list
(e.g. Chiến sĩ thi đua toàn quốc, as Thông tư 12/2019/TT-BNV did) with a DisclosurePolicy row.

Models only (no services): nominations.services uses `session_refusal` when a council session opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from thidua.nominations.models import ACTIVE_OUTCOMES, Disclosure, DisclosurePolicy, Dossier, DossierItem

LAW_REPORT_GROUPS = ("order_medal", "honorary")  # huân chương, danh hiệu vinh dự nhà nước (Luật 2022 art. 84.5)
LAW_WORKING_DAYS = 10
LAW_BASIS = ("Nghị định 98/2023/NĐ-CP, Điều 46.2 (đến 30/6/2025); Nghị định 152/2025/NĐ-CP, Điều 60.3 (từ 01/7/2025): "
             "công khai ít nhất 10 ngày làm việc trước khi họp Hội đồng")


@dataclass(frozen=True)
class Policy:
    award_codes: frozenset[str] | None  # None: the law's report groups
    working_days: int
    basis: str

    def requires(self, item: DossierItem) -> bool:
        atype = item.final_award_type
        if self.award_codes is not None:
            return atype.code in self.award_codes
        return atype.report_group in LAW_REPORT_GROUPS


def policy_for(dossier: Dossier) -> Policy:
    """The handling office's policy (its own DisclosurePolicy row, else the law's)."""
    row = DisclosurePolicy.objects.filter(organization_id=dossier.handler_id).first()
    if row is None:
        return Policy(None, LAW_WORKING_DAYS, LAW_BASIS)
    return Policy(frozenset(row.award_codes), row.working_days, row.basis or LAW_BASIS)


def required_items(dossier: Dossier) -> list[DossierItem]:
    policy = policy_for(dossier)
    return [i for i in dossier.items.select_related("award_type", "lowered_to").order_by("position", "pk")
            if i.outcome in ACTIVE_OUTCOMES and policy.requires(i)]


def session_refusal(dossier: Dossier, held_on: date) -> str | None:
    """Why the council may not meet on this dossier on `held_on` (None: it may)."""
    needed = required_items(dossier)
    if not needed:
        return None
    names = ", ".join(f"{i.recipient_name} ({i.final_award_type.name})" for i in needed[:3])
    more = f" và {len(needed) - 3} người, tập thể khác" if len(needed) > 3 else ""
    disclosure = Disclosure.objects.filter(dossier=dossier).first()
    if disclosure is None:
        return (f"Mở phiên họp: chưa công khai danh sách đề nghị để lấy ý kiến ({names}{more}). "
                f"{policy_for(dossier).basis}.")
    if held_on <= disclosure.closes_on:
        return (f"Mở phiên họp: danh sách đề nghị đang công khai lấy ý kiến đến hết ngày "
                f"{disclosure.closes_on:%d/%m/%Y}; Hội đồng chỉ họp từ ngày sau đó ({names}{more}).")
    missing = {i.pk for i in needed} - set(disclosure.item_ids)
    if missing:
        return ("Mở phiên họp: có người, tập thể được thêm vào hồ sơ sau khi công khai danh sách; "
                "cần công khai lại trước khi họp.")
    return None
