"""The 2018 cluster year of the reference scenario, run through the machinery.

The source reports the outcome (Cao Bằng proposed for the Government flag, Lai Châu and Lào Cai for the
Prime Minister's certificate, Lai Châu chair and Sơn La deputy for 2019, the flag handed to Lai Châu, the
2019 pact signed by the seven). Here the scoring framework, the scores and the ballots are stored
(ILLUSTRATIVE: the source gives no scores and no vote counts) and the services produce that outcome:
ranking, vote sessions, tallies, proposals, the 2019 cluster year, the handover and the pact.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from thidua.emulation import services
from thidua.emulation.models import ClusterYear, CriterionKind, ScoreRound, Step, VoteKind
from thidua.emulation.scoring import score_sheet

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# code, name, kind, max points, parent, indicator, bonus per % above plan, bonus cap
FRAMEWORK = [
    ("A", "Thực hiện các chỉ tiêu phát triển kinh tế - xã hội", CriterionKind.GROUP, 0, "", "", None, None),
    ("A1", "Thu ngân sách nhà nước trên địa bàn", CriterionKind.INDICATOR, 10, "A", "THU_NSNN", "0.2", "2"),
    ("A2", "Giải quyết việc làm mới", CriterionKind.INDICATOR, 10, "A", "VIEC_LAM", "0.2", "2"),
    ("A3", "Xã đạt Bộ tiêu chí quốc gia về y tế", CriterionKind.INDICATOR, 5, "A", "XA_Y_TE", None, None),
    ("A4", "Trường học đạt chuẩn quốc gia", CriterionKind.INDICATOR, 5, "A", "TRUONG_CHUAN", None, None),
    ("B", "Tổ chức phong trào thi đua và công tác khen thưởng", CriterionKind.GROUP, 0, "", "", None, None),
    ("B1", "Phát động, triển khai các phong trào thi đua", CriterionKind.MANUAL, 20, "B", "", None, None),
    ("B2", "Phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến", CriterionKind.MANUAL, 15, "B", "", None, None),
    ("B3", "Khen thưởng kịp thời, chú trọng tập thể nhỏ, người lao động trực tiếp", CriterionKind.MANUAL, 15, "B", "",
     None, None),
    ("B4", "Tham gia hoạt động chung của Cụm", CriterionKind.MANUAL, 20, "B", "", None, None),
    ("C", "Mô hình mới, cách làm sáng tạo được Trung ương ghi nhận", CriterionKind.BONUS, 5, "", "", None, None),
    ("D", "Chậm báo cáo, không tham gia hoạt động của Cụm", CriterionKind.PENALTY, 5, "", "", None, None),
]

# Illustrative level of each member's emulation work (share of the maximum of the hand-scored criteria).
QUALITY = {"04": Decimal("0.95"), "12": Decimal("0.91"), "10": Decimal("0.90"), "14": Decimal("0.85"),
           "02": Decimal("0.84"), "11": Decimal("0.83"), "20": Decimal("0.82")}
BONUS = {"04": 4, "12": 3, "10": 3, "14": 2, "02": 1, "11": 1, "20": 1}
PENALTY = {"11": 1}
USERS = {"02": "hagiang", "04": "caobang", "20": "langson", "10": "laocai", "12": "laichau", "11": "dienbien",
         "14": "sonla"}


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def run_2018(b) -> None:
    """`b` is the scenario builder after cluster(): b.cy (2018), b.by_code, b.review (the review conference)."""
    rng = random.Random(2018)
    User = get_user_model()
    users = {code: User.objects.get(username=name) for code, name in USERS.items()}
    cy: ClusterYear = b.cy
    chair = users["04"]
    org = b.by_code

    services.open_year(chair, cy, theme=cy.theme, opened_on=date(2018, 1, 15), movements=list(cy.movements.all()),
                       milestones={Step.PACT: date(2018, 3, 31), Step.MID_YEAR: date(2018, 7, 15),
                                   Step.YEAR_END: date(2019, 1, 15), Step.SELF_SCORE: date(2019, 1, 31),
                                   Step.CROSS_SCORE: date(2019, 2, 28), Step.LOCK: date(2019, 3, 10),
                                   Step.VOTE: date(2019, 3, 19), Step.HANDOVER: date(2019, 3, 19)})
    for i, (code, name, kind, pts, parent, ind, rate, cap) in enumerate(FRAMEWORK):
        services.save_criterion(chair, cy, code=code, name=name, kind=kind, max_points=pts, parent_code=parent,
                                indicator_code=ind, bonus_per_percent=rate, bonus_cap=cap, order=i)
    hand = list(cy.criteria.filter(kind__in=[CriterionKind.MANUAL, CriterionKind.BONUS, CriterionKind.PENALTY]))

    def points(code: str, crit, spread: int) -> Decimal:
        if crit.kind == CriterionKind.BONUS:
            base = Decimal(BONUS[code])
        elif crit.kind == CriterionKind.PENALTY:
            base = Decimal(PENALTY.get(code, 0))
        else:
            base = (crit.max_points * QUALITY[code]).quantize(Decimal("0.5"))
        jitter = Decimal(rng.randint(-spread, spread)) / 2 if crit.kind == CriterionKind.MANUAL else 0
        return max(Decimal(0), min(crit.max_points, base + jitter))

    for code, user in users.items():
        for crit in hand:
            services.score(user, cy, member=org[code], criterion=crit, round=ScoreRound.SELF,
                           points=min(crit.max_points, points(code, crit, 0) + (1 if crit.kind == "manual" else 0)),
                           comment="Tự chấm theo báo cáo tổng kết của tỉnh")
    services.assign_cross_scoring(chair, cy)
    for a in cy.cross_assignments.select_related("scorer", "member"):
        code = a.member.admin_code
        for crit in hand:
            services.score(users[a.scorer.admin_code], cy, member=a.member, criterion=crit, round=ScoreRound.CROSS,
                           points=points(code, crit, 1), scorer=a.scorer)
    # The chair keeps Điện Biên's penalty after checking the reporting dates (equal to the cross mean: no reason
    # needed) and raises its B4 after evidence arrived late (differs from the cross mean: reason required).
    b4 = cy.criteria.get(code="B4")
    services.score(chair, cy, member=org["11"], criterion=b4, round=ScoreRound.FINAL, points="17",
                   reason="Bổ sung minh chứng tham gia hội thảo chuyên đề của Cụm sau vòng chấm chéo")
    services.lock_scores(chair, cy, at=at(date(2019, 3, 10), 16))

    ranking = score_sheet(cy).rows
    opens, closes = at(b.review.held_on, 9), at(b.review.held_on, 10, 30)
    members = {o.pk: o for o in cy.members.all()}

    def vote(kind, candidates, ballots, seats=1):
        session = services.open_vote(chair, cy, kind=kind, candidates=candidates, seats=seats, opens_at=opens,
                                     closes_at=closes)
        for voter, choice in ballots:
            services.cast_ballot(users[voter], session, org[voter], [org[c] for c in choice], at=at(b.review.held_on, 9, 30))
        return services.close_vote(chair, session, at=closes)

    top = [r.member for r in ranking[:3]]
    # Flag: the leading unit. Six ballots for the first of the ranking, one for the second.
    first, second = top[0].admin_code, top[1].admin_code
    vote(VoteKind.FLAG, top, [(c, [first]) for c in USERS if c != first] + [(first, [second])])
    # Certificates: two seats among the next four of the ranking.
    cands = [r.member for r in ranking[1:5]]
    c = [m.admin_code for m in cands]
    vote(VoteKind.CERTIFICATE, cands, [("02", [c[0], c[1]]), ("04", [c[0], c[1]]), ("20", [c[0], c[1]]),
                                       ("10", [c[0], c[2]]), ("12", [c[1], c[2]]), ("11", [c[0], c[1]]),
                                       ("14", [c[0], c[3]])], seats=2)
    # Chair and deputy for 2019 (rotation: the 2018 chair is not a candidate).
    vote(VoteKind.CHAIR, [m for m in members.values() if m.pk != cy.chair_id],
         [(v, ["12"]) for v in ("02", "04", "20", "10", "11", "14")] + [("12", ["14"])])
    vote(VoteKind.DEPUTY, [org["14"], org["11"], org["02"]],
         [(v, ["14"]) for v in ("02", "04", "20", "10", "12")] + [("11", ["02"]), ("14", ["11"])])
    services.hand_over_flag(chair, cy, handed_on=b.review.held_on, handed_by="Chủ tịch UBND tỉnh Cao Bằng")

    # The seven sign the 2019 pact at the conference (prepared by the 2019 chair).
    nxt = services.next_year(cy)
    services.save_pact(users["12"], nxt, title="Giao ước thi đua năm 2019 của Cụm thi đua các tỉnh miền núi "
                                              "biên giới phía Bắc", commitments=cy.directions, conference=b.review)
    for code, user in users.items():
        services.sign_pact(user, nxt, org[code], signatory=f"Đại diện UBND tỉnh {org[code].name}",
                           position="Phó Chủ tịch UBND tỉnh (minh họa)", signed_on=b.review.held_on)
