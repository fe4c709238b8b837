"""Demo movements of the reference scenario (illustrative): the three movements the Prime Minister launched, which
the cluster year 2018 carries, get their launch data; every member province adopts "Cả nước chung sức xây dựng nông
thôn mới" as its own movement, Cao Bằng adopts all three and its Sở Nội vụ adopts Cao Bằng's in turn; Cao Bằng's
units, collectives and individuals register within the window; Cao Bằng holds one sơ kết with its participants'
reports. Cao Bằng also runs a movement of its own whose registration is open. Figures are illustrative.

Built in bulk (a few inserts whatever the number), so `thidua demo` stays fast."""

from __future__ import annotations

import random
from datetime import date, timedelta

from thidua.awards.models import AwardType
from thidua.emulation.models import (
    Movement,
    MovementKind,
    MovementRegistration,
    MovementReview,
    MovementReviewKind,
    MovementReviewReport,
    ParticipantKind,
)
from thidua.orgs.models import Organization, OrganizationKind, Person

NTM = "Cả nước chung sức xây dựng nông thôn mới"
ILLUSTRATIVE = " (minh họa)"

# Launch data of the national movements (QĐ 1620/QĐ-TTg ngày 20/9/2011 is the plan of the NTM movement; the others
# keep their directive only: their launching decisions are not in the reference scenario).
NATIONAL = {
    NTM: {"decision_number": "1620/QĐ-TTg", "decision_date": date(2011, 9, 20), "launched_on": date(2011, 9, 20),
          "ends_on": date(2020, 12, 31),
          "target_groups": "Các bộ, ngành, địa phương, doanh nghiệp, tổ chức và mọi người dân",
          "goals": "Huy động mọi nguồn lực xây dựng nông thôn mới\nNâng cao đời sống vật chất, tinh thần của người dân",
          "criteria": "Số xã đạt chuẩn nông thôn mới\nThu nhập bình quân đầu người khu vực nông thôn",
          "midterm_review_on": date(2015, 12, 31), "final_review_on": date(2020, 12, 31),
          "planned_commendations": "Bằng khen của Thủ tướng Chính phủ; Cờ thi đua của Chính phủ cho tỉnh dẫn đầu"},
}


def _plan(name: str, org: Organization, parent: Movement | None, *, opens: date, closes: date, **extra) -> Movement:
    return Movement(name=name, kind=parent.kind if parent else MovementKind.THEMATIC, launched_by=org, parent=parent,
                    launched_by_title=f"Chủ tịch UBND tỉnh {org.name}" if org.kind == OrganizationKind.PROVINCE else "",
                    launched_on=opens - timedelta(days=15), ends_on=date(2020, 12, 31), registration_opens=opens,
                    registration_closes=closes, midterm_review_on=date(2018, 12, 20), final_review_on=date(2020, 12, 20),
                    target_groups="Các sở, ban, ngành, xã, doanh nghiệp, tập thể và cá nhân trong tỉnh",
                    goals="Cụ thể hóa phong trào cấp trên phù hợp với địa phương" + ILLUSTRATIVE,
                    criteria="Hoàn thành chỉ tiêu kế hoạch năm\nCó mô hình, cách làm hay được nhân rộng",
                    planned_commendations="Bằng khen của Chủ tịch UBND tỉnh cho tập thể, cá nhân tiêu biểu", **extra)


def load_movements_demo(government: Organization, members: list[Organization], cao_bang: Organization,
                        seed: int = 2018) -> None:
    if Movement.objects.filter(parent__isnull=False).exists():
        return
    rng = random.Random(seed)
    national = list(Movement.objects.filter(launched_by=government).order_by("pk"))
    for m in national:
        for k, v in NATIONAL.get(m.name, {"launched_on": date(2016, 5, 15), "ends_on": date(2020, 12, 31)}).items():
            setattr(m, k, v)
    Movement.objects.bulk_update(national, ["decision_number", "decision_date", "launched_on", "ends_on",
                                            "target_groups", "goals", "criteria", "midterm_review_on",
                                            "final_review_on", "planned_commendations"])
    ntm = next(m for m in national if m.name == NTM)
    window = {"opens": date(2018, 2, 1), "closes": date(2018, 3, 31)}
    children = [_plan(f"{NTM} tỉnh {p.name} năm 2018", p, ntm, **window) for p in members]
    children += [_plan(f"{m.name} — tỉnh Cao Bằng", cao_bang, m, **window) for m in national if m is not ntm]
    own = Movement(name="Cao Bằng chung tay chuyển đổi số giai đoạn 2025–2030" + ILLUSTRATIVE,
                   kind=MovementKind.PERIODIC, launched_by=cao_bang, launched_by_title="Chủ tịch UBND tỉnh Cao Bằng",
                   launched_on=date(2025, 6, 15), ends_on=date(2030, 12, 31), registration_opens=date(2025, 7, 1),
                   registration_closes=date(2030, 6, 30), midterm_review_on=date(2027, 12, 15),
                   final_review_on=date(2030, 12, 15), target_groups="Các sở, ban, ngành, xã, phường trong tỉnh",
                   goals="Mỗi cơ quan có ít nhất một dịch vụ công trực tuyến toàn trình",
                   criteria="Tỷ lệ hồ sơ trực tuyến\nSố mô hình chuyển đổi số được nhân rộng",
                   planned_commendations="Bằng khen của Chủ tịch UBND tỉnh")
    Movement.objects.bulk_create([*children, own])
    cb_ntm = next(c for c in children if c.launched_by_id == cao_bang.pk and c.parent_id == ntm.pk)
    depts = list(Organization.objects.filter(parent=cao_bang, kind=OrganizationKind.DEPARTMENT).order_by("pk"))
    communes = list(Organization.objects.filter(parent=cao_bang, kind=OrganizationKind.COMMUNE).order_by("pk"))
    home = next((d for d in depts if d.name.startswith("Sở Nội vụ")), depts[0])
    grandchild = _plan(f"{NTM} — {home.name}", home, cb_ntm, opens=date(2018, 2, 10), closes=date(2018, 3, 31))
    grandchild.launched_by_title = f"Giám đốc {home.name}"
    grandchild.save()

    titles = {a.code: a for a in AwardType.objects.filter(code__in=["CSTDCS", "LDTT", "TTLDTT", "TTLDXS"])}
    people = list(Person.objects.filter(organization__province=cao_bang).order_by("pk")[:40])
    regs = []

    def reg(movement, kind, org, person=None, title=None, day=0):
        regs.append(MovementRegistration(
            movement=movement, participant_kind=kind, organization=org, person=person, award_type=title,
            registered_on=movement.registration_opens + timedelta(days=day),
            commitment="Đăng ký hoàn thành vượt mức chỉ tiêu được giao" + ILLUSTRATIVE))

    for c in communes[:18]:
        reg(cb_ntm, ParticipantKind.UNIT, c, day=rng.randint(0, 50))
    for d in depts[:10]:
        reg(cb_ntm, ParticipantKind.COLLECTIVE, d, title=titles.get("TTLDTT"), day=rng.randint(0, 50))
    for p in people[:24]:
        reg(cb_ntm, ParticipantKind.INDIVIDUAL, p.organization, person=p, title=titles.get("CSTDCS"),
            day=rng.randint(0, 50))
    for p in Person.objects.filter(organization=home).order_by("pk")[:8]:
        reg(grandchild, ParticipantKind.INDIVIDUAL, p.organization, person=p, day=rng.randint(0, 40))
    for c in communes[:6]:
        reg(own, ParticipantKind.UNIT, c, day=rng.randint(0, 120))
    for other in [c for c in children if c.launched_by_id != cao_bang.pk]:
        provincial = list(Organization.objects.filter(parent_id=other.launched_by_id).order_by("pk")
                          .values_list("pk", flat=True)[:rng.randint(4, 12)])
        for pk in provincial:
            regs.append(MovementRegistration(movement=other, participant_kind=ParticipantKind.UNIT,
                                             organization_id=pk, registered_on=other.registration_opens
                                             + timedelta(days=rng.randint(0, 50))))
    MovementRegistration.objects.bulk_create(regs)

    review = MovementReview.objects.create(
        movement=cb_ntm, kind=MovementReviewKind.MIDTERM, held_on=date(2018, 12, 20), period_end=date(2018, 11, 30),
        conclusions="Phong trào được triển khai rộng khắp; nhiều xã về đích sớm. Năm 2019 tập trung các xã còn "
                    "dưới 10 tiêu chí." + ILLUSTRATIVE)
    reporters = communes[:10] + depts[:4]
    MovementReviewReport.objects.bulk_create([
        MovementReviewReport(review=review, organization=o, collectives=rng.randint(2, 12),
                             individuals=rng.randint(10, 80), exemplars=rng.randint(0, 4),
                             initiatives=rng.randint(0, 3), submitted_on=date(2018, 12, 5) + timedelta(days=i % 8),
                             summary="Hoàn thành thêm tiêu chí giao thông, thủy lợi" + ILLUSTRATIVE)
        for i, o in enumerate(reporters)])
