"""The other clusters and blocks of the Central Council in the demo (issue 14 part 5): the reference data of every
cluster and block (emulation.national), and for 2018 a cluster year of each one besides the reference cluster, at
various steps of the year. EVERY FIGURE HERE IS ILLUSTRATIVE (`ClusterYear.is_illustrative`, marked on the pages
and in the Word summary): the chairs, deputies, scores, ratings and proposals are invented so that the national page
and the flag consolidation have something to show. Bulk inserts only (the test suite loads the demo per worker)."""

from __future__ import annotations

import random
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from thidua.awards.models import AwardType, Evaluation, Rating
from thidua.eligibility.models import Quota
from thidua.emulation.models import (
    ClusterYear,
    Conference,
    ConferenceKind,
    Criterion,
    CriterionKind,
    Milestone,
    Proposal,
    Score,
    ScoreRound,
    Step,
    YearRun,
)
from thidua.emulation.national import council, load_national_clusters

YEAR = 2018
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
THEME = "Đoàn kết, sáng tạo thi đua hoàn thành thắng lợi nhiệm vụ năm 2018 (minh họa)"
# How far each cluster or block has gone (illustrative): 1 opened; 2 self-scored; 3 locked and proposed.
STAGE = {"C2-TDMN": 3, "C3-DBSH": 3, "C4-BTB": 3, "C5-DHMT": 2, "C6-TN": 3, "C7-DNB": 3, "C8-TNB": 1,
         "C9-5TP": 3, "K1-KTTH": 3, "K2-KGVX": 2, "K3-NC": 3}
# A leading unit left without its year rating: the consolidation shows it "not eligible".
NO_RATING = "C6-TN"
MILESTONES = {Step.PACT: date(2018, 3, 31), Step.MID_YEAR: date(2018, 7, 15), Step.YEAR_END: date(2019, 1, 15),
              Step.SELF_SCORE: date(2019, 1, 31), Step.CROSS_SCORE: date(2019, 2, 28), Step.LOCK: date(2019, 3, 10),
              Step.VOTE: date(2019, 3, 25), Step.HANDOVER: date(2019, 3, 25)}


def load_national_demo(seed: int = 2018) -> None:
    rng = random.Random(seed)
    clusters = load_national_clusters()
    awards = {a.code: a for a in AwardType.objects.filter(code__in=["CO_CP", "BK_TTG"])}
    plan = []  # (cluster, members, cluster year)
    for code, stage in STAGE.items():
        c = clusters[code]
        members = sorted(c.reference_members.all(), key=lambda o: o.admin_code or o.name)
        if ClusterYear.objects.filter(cluster=c, year=YEAR).exists() or len(members) < 2:
            continue
        i = rng.randrange(len(members))
        cy = ClusterYear(cluster=c, year=YEAR, theme=THEME, chair=members[i],
                         deputy=members[(i + 1) % len(members)], is_illustrative=True)
        plan.append((c, members, cy, stage))
    if not plan:
        return
    ClusterYear.objects.bulk_create([cy for _, _, cy, _ in plan])
    through = ClusterYear.members.through
    through.objects.bulk_create([through(clusteryear_id=cy.pk, organization_id=m.pk)
                                 for _, members, cy, _ in plan for m in members])
    YearRun.objects.bulk_create([
        YearRun(cluster_year=cy, opened_on=date(2018, 1, 20),
                scores_locked_at=datetime.combine(date(2019, 3, 8), time(16), tzinfo=TZ) if stage >= 3 else None)
        for _, _, cy, stage in plan])
    Milestone.objects.bulk_create([Milestone(cluster_year=cy, step=s, due_on=d)
                                   for _, _, cy, _ in plan for s, d in MILESTONES.items()])
    criteria = Criterion.objects.bulk_create([
        Criterion(cluster_year=cy, code="A", name="Tổng hợp điểm chấm theo khung tiêu chí của cụm (minh họa)",
                  kind=CriterionKind.MANUAL, max_points=100) for _, _, cy, _ in plan])
    scores, conferences, leads = [], [], []
    for (c, members, cy, stage), crit in zip(plan, criteria, strict=True):
        if stage < 2:
            continue
        points = {m.pk: Decimal(rng.randint(80, 96)) for m in members}
        lead = max(members, key=lambda m: (points[m.pk], -m.pk))
        scores += [Score(criterion=crit, member=m, scorer=m, round=ScoreRound.SELF, points=points[m.pk],
                         comment="Tự chấm (minh họa)") for m in members]
        if stage >= 3:
            scores += [Score(criterion=crit, member=m, scorer=cy.chair, round=ScoreRound.FINAL, points=points[m.pk],
                             comment="Cụm trưởng tổng hợp (minh họa)") for m in members]
            second = max((m for m in members if m.pk != lead.pk), key=lambda m: (points[m.pk], -m.pk))
            conferences.append(Conference(
                kind=ConferenceKind.YEAR_END, cluster_year=cy, held_on=date(2019, 3, rng.randint(12, 29)),
                place=cy.chair.place_name, host=cy.chair,
                title=f"Hội nghị tổng kết công tác thi đua, khen thưởng năm {YEAR} của {c.name} (minh họa)"))
            leads.append((cy, lead, second, c.code))
    Score.objects.bulk_create(scores)
    Conference.objects.bulk_create(conferences)
    proposals, ratings = [], []
    for conf, (cy, lead, second, code) in zip(conferences, leads, strict=True):
        proposals.append(Proposal(conference=conf, cluster_year=cy, organization=lead, award_type=awards["CO_CP"],
                                  order=0))
        if "BK_TTG" in awards:
            proposals.append(Proposal(conference=conf, cluster_year=cy, organization=second,
                                      award_type=awards["BK_TTG"], order=1))
        if code != NO_RATING:
            ratings.append(Evaluation(organization=lead, year=YEAR, rating=Rating.HTXS))
    Proposal.objects.bulk_create(proposals)
    Evaluation.objects.bulk_create(ratings, ignore_conflicts=True)
    Quota.objects.get_or_create(
        authority=council(), year=YEAR, award_code="CO_CP",
        defaults={"max_share": Decimal("0.6"), "tie_breaks": ["female_first"],
                  "basis": "Ví dụ minh họa: tỷ lệ giả định để thể hiện giới hạn, không phải quy định"})
