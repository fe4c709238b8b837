"""The history of the reference scenario's exemplary models through the four stages (illustrative).

Each of the cluster's honoured exemplars (42 at the national celebration of 11/6/2018, 14 at the 2018 review)
was discovered in 2014–2017 by a unit or the province, from one of the cluster's movements where its field fits,
nurtured with a plan and followed up, replicated in other units of its province with figures, then honoured.
A few more (discovered in 2019, marked illustrative) are still on their way, so the board shows every stage; some
honoured ones are on the public honours board, with the consent recorded. The dates, plans, places and figures
are invented (plausible, not from the source) and written in bulk: loading stays fast.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from thidua.emulation.models import (
    Exemplar,
    ExemplarEvent,
    ExemplarEventKind,
    ExemplarReplication,
    ExemplarStage,
    PublicHonour,
)
from thidua.lib.text import fold

MOVEMENT_OF_FIELD = {"Xây dựng nông thôn mới": "nông thôn mới", "Giảm nghèo bền vững": "người nghèo",
                     "Sản xuất, kinh doanh": "Doanh nghiệp"}
PLANS = {
    "Xây dựng nông thôn mới": "Hỗ trợ xi măng, tập huấn cách vận động nhân dân; giới thiệu tham quan các xã đã đạt chuẩn.",
    "Giảm nghèo bền vững": "Hỗ trợ vốn vay ưu đãi, giống cây con; cán bộ khuyến nông theo dõi hằng quý.",
    "Giáo dục": "Bồi dưỡng phương pháp dạy học bán trú; kết nghĩa với trường ở thành phố.",
    "Y tế cơ sở": "Tập huấn nghiệp vụ, bổ sung trang thiết bị; phối hợp với trung tâm y tế huyện.",
    "Bảo vệ biên giới": "Phối hợp với đồn biên phòng, tập huấn kỹ năng tuyên truyền pháp luật biên giới.",
    "Sản xuất, kinh doanh": "Hỗ trợ xây dựng nhãn hiệu, tham gia hội chợ; kết nối doanh nghiệp bao tiêu.",
    "Bảo tồn văn hóa dân tộc": "Hỗ trợ mở lớp truyền dạy; ghi âm, ghi hình tư liệu dân ca.",
}
IN_PROGRESS = [  # (field, stage) of the illustrative exemplars discovered in 2019, per member in turn
    ("Xây dựng nông thôn mới", ExemplarStage.DISCOVERED), ("Giáo dục", ExemplarStage.NURTURED),
    ("Y tế cơ sở", ExemplarStage.REPLICATED), ("Giảm nghèo bền vững", ExemplarStage.DISCOVERED),
    ("Bảo tồn văn hóa dân tộc", ExemplarStage.NURTURED), ("Sản xuất, kinh doanh", ExemplarStage.NURTURED),
    ("Bảo vệ biên giới", ExemplarStage.DISCOVERED),
]


def _at(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(9, 0)))


class ExemplarHistory:
    def __init__(self, cluster_year, seed: int = 2018_06_11):
        self.rng = random.Random(seed)
        self.movements = list(cluster_year.movements.all())
        self.events: list[ExemplarEvent] = []
        self.replications: list[ExemplarReplication] = []
        self.publications: list[PublicHonour] = []

    def _movement(self, field: str):
        word = MOVEMENT_OF_FIELD.get(field)
        return next((m for m in self.movements if word and word in m.name), None)

    def fields(self, field: str, province, unit, stage=ExemplarStage.HONOURED) -> dict:
        """What the exemplar carries of its discovery and nurturing (given at creation)."""
        proposer = unit.parent if unit is not None and unit.parent_id and unit.parent_id != province.pk else province
        return {"stage": stage, "proposed_by": proposer, "movement": self._movement(field),
                "nurture_plan": PLANS[field] if stage != ExemplarStage.DISCOVERED else ""}

    def _day(self, year: int, first_month: int = 1, last_month: int = 12) -> date:
        return date(year, self.rng.randint(first_month, last_month), self.rng.randint(1, 28))

    def _steps(self, ex: Exemplar, pool: dict, until: str, honoured_on: date | None, honour: str = "") -> None:
        rng, y = self.rng, ex.discovered_in
        found = self._day(y, 1, 4)
        self.events.append(ExemplarEvent(exemplar=ex, to_stage=ExemplarStage.DISCOVERED, happened_on=found,
                                         note=f"Phát hiện qua phong trào thi đua; {ex.proposed_by.name} đề xuất."
                                         if ex.proposed_by_id else "Phát hiện qua phong trào thi đua."))
        if until == ExemplarStage.DISCOVERED:
            return
        nurtured = found + timedelta(days=rng.randint(30, 120))
        self.events.append(ExemplarEvent(exemplar=ex, from_stage=ExemplarStage.DISCOVERED,
                                         to_stage=ExemplarStage.NURTURED, happened_on=nurtured, note=ex.nurture_plan))
        last = honoured_on - timedelta(days=40) if honoured_on else nurtured + timedelta(days=200)
        follow = min(nurtured + timedelta(days=rng.randint(120, 300)), last - timedelta(days=20))
        self.events.append(ExemplarEvent(exemplar=ex, kind=ExemplarEventKind.FOLLOW_UP, happened_on=follow,
                                         note="Kiểm tra tiến độ kế hoạch bồi dưỡng: các nội dung hỗ trợ đã thực hiện, "
                                              "mô hình duy trì tốt."))
        if until == ExemplarStage.NURTURED:
            return
        places = [o for o in pool["collective"] + pool["small"] if o.pk != ex.collective_id]
        for org in rng.sample(places, k=min(len(places), rng.randint(1, 3))):
            self.replications.append(ExemplarReplication(
                exemplar=ex, place=org.name, organization=org, year=min(follow.year + 1, last.year),
                units=rng.randint(2, 15), participants=rng.randint(40, 1200),
                note="Áp dụng cách làm của điển hình, được nhân dân đồng tình hưởng ứng."))
        summed = last if honoured_on else follow + timedelta(days=60)
        self.events.append(ExemplarEvent(exemplar=ex, from_stage=ExemplarStage.NURTURED,
                                         to_stage=ExemplarStage.REPLICATED, happened_on=summed,
                                         note="Hội nghị tổng kết điển hình; thống nhất nhân rộng ra các đơn vị."))
        if honoured_on:
            self.events.append(ExemplarEvent(exemplar=ex, from_stage=ExemplarStage.REPLICATED,
                                             to_stage=ExemplarStage.HONOURED, happened_on=honoured_on, note=honour))

    def add(self, ex: Exemplar, pool: dict, honoured_on: date, honour: str, *, publish: bool = False) -> None:
        self._steps(ex, pool, ExemplarStage.HONOURED, honoured_on, honour)
        if publish:
            unit = ex.person.organization.name if ex.person_id else (ex.collective.parent.name if ex.collective.parent_id else "")
            at = _at(honoured_on + timedelta(days=30))
            pub = PublicHonour(exemplar=ex, authority=ex.province, name=ex.name, unit=unit, achievement=ex.story,
                               honours=f"{honour} ({honoured_on:%d/%m/%Y})", province=ex.province,
                               province_name=ex.province.name, field=ex.field, year=honoured_on.year,
                               consent_given_on=honoured_on + timedelta(days=20), consent_recorded_at=at,
                               published_at=at, changed_at=at)
            pub.search_folded = fold(" ".join([pub.name, pub.unit, pub.achievement, pub.honours, pub.field,
                                               pub.province_name]))
            self.publications.append(pub)

    def in_progress(self, members, pools) -> None:
        """One illustrative exemplar discovered in 2019 per member, at an earlier stage."""
        for (field, stage), prov in zip(IN_PROGRESS, members, strict=False):
            pool = pools[prov.pk]
            org = self.rng.choice(pool["small"] or pool["collective"])
            ex = Exemplar.objects.create(collective=org, name=org.name, province=prov, field=field, discovered_in=2019,
                                         story=f"Mô hình mới phát hiện năm 2019 trong lĩnh vực {field.lower()}.",
                                         is_illustrative=True, **self.fields(field, prov, org, stage))
            self._steps(ex, pool, stage, None)

    def save(self) -> None:
        ExemplarEvent.objects.bulk_create(self.events, batch_size=500)
        ExemplarReplication.objects.bulk_create(self.replications, batch_size=500)
        PublicHonour.objects.bulk_create(self.publications)
