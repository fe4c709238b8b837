"""The reference scenario: the 2018 review of the cluster of 7 northern mountainous
border provinces (shared/domain/seed-scenario.md).

What the source says is stored as it says. What it does not say (per-province
figures, names of units and people, decision numbers) is ILLUSTRATIVE: invented
so that the records add up to the published cluster totals, and flagged
(`ClusterYear.is_illustrative`, `Decision.is_illustrative`). No total, share or
percentage is stored: the statistics module computes them from these rows.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from thidua.awards.models import Award, AwardType, Basis, Decision, RecipientClass
from thidua.awards.services import bulk_record_awards, load_catalogue
from thidua.demo import names
from thidua.demo.cluster_run import run_2018
from thidua.demo.exemplars import ExemplarHistory
from thidua.demo.generator import generate
from thidua.demo.movements import load_movements_demo  # launch data, cascade, registrations, a review
from thidua.demo.national import load_national_demo  # the other clusters and blocks (illustrative)
from thidua.demo.nominations import load_nominations_demo, password_hash  # dossiers, council, certificates
from thidua.eligibility.models import Quota
from thidua.emulation.models import (
    Aggregation,
    Cluster,
    ClusterKind,
    ClusterYear,
    Conference,
    ConferenceGuest,
    ConferenceKind,
    Exemplar,
    ExemplarHonour,
    Indicator,
    Movement,
    MovementKind,
    Target,
)
from thidua.orgs.models import EmulationBody, Gender, Organization, OrganizationKind, Person, Role, UserRole
from thidua.orgs.services import bulk_create_organizations, bulk_create_people, load_provinces
from thidua.orgs.validators import century_sex_digit

CLUSTER_NAME = "Cụm thi đua các tỉnh miền núi biên giới phía Bắc"
YEAR = 2018
THEME_2018 = "Đoàn kết, sáng tạo thi đua xây dựng và bảo vệ Tổ quốc"
# Pre-2025 codes of the seven members.
MEMBER_CODES = ["02", "04", "20", "10", "12", "11", "14"]
# Illustrative weights for splitting the published cluster totals between members.
WEIGHTS = {"02": 15, "04": 14, "20": 15, "10": 16, "12": 11, "11": 13, "14": 16}
REVIEW_DAY = date(2019, 3, 19)
DEMO_PASSWORD = "thidua2018"
PERSONAL_RECORD_PEOPLE = 1200

# Published cluster totals (seed-scenario.md); the records below add up to them.
STATE = {"collectives": 180, "individuals": 567, "priority": 392, "small_collectives": 95}
PROVINCIAL = {"collectives": 7521, "individuals": 11976, "priority": 9770, "small_collectives": 3600}

DIRECTIONS = """Rà soát, đánh giá các phong trào thi đua, duy trì và nhân rộng các phong trào có hiệu quả.
Gắn phong trào thi đua với thực hiện nhiệm vụ chính trị, những việc cấp bách của địa phương.
Phát hiện, bồi dưỡng, tuyên truyền và nhân rộng các điển hình tiên tiến.
Làm tốt công tác khen thưởng, kịp thời, chính xác, chú trọng người lao động trực tiếp và tập thể nhỏ.
Bồi dưỡng, tập huấn nghiệp vụ cho cán bộ làm công tác thi đua, khen thưởng.
Tăng cường liên kết, trao đổi kinh nghiệm giữa các tỉnh trong Cụm."""


def apportion(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Split an integer total by weights (largest remainder), so the parts add up exactly."""
    wsum = sum(weights.values())
    raw = {k: total * w / wsum for k, w in weights.items()}
    parts = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - parts[k], reverse=True)[: total - sum(parts.values())]:
        parts[k] += 1
    return parts


class _Builder:
    def __init__(self, seed: int = 2018):
        self.rng = random.Random(seed)
        self.used_ids: set[str] = set()

    # ----- reference data -----
    def reference(self):
        self.provinces = load_provinces()
        self.catalogue = load_catalogue()
        get = Organization.objects.get_or_create
        self.president, _ = get(kind=OrganizationKind.STATE, name="Chủ tịch nước", defaults={"short_name": "CTN"})
        self.government, _ = get(kind=OrganizationKind.STATE, name="Thủ tướng Chính phủ", defaults={"short_name": "TTg"})
        self.council, _ = get(kind=OrganizationKind.CENTRAL, name="Hội đồng Thi đua - Khen thưởng Trung ương")
        self.board, _ = get(kind=OrganizationKind.CENTRAL, name="Ban Thi đua - Khen thưởng Trung ương",
                            defaults={"parent": None})
        self.members = [self.provinces[(code, None)] for code in MEMBER_CODES]
        self.by_code = {m.admin_code: m for m in self.members}

    # ----- each member's organisations (illustrative) -----
    def units(self):
        self.pool: dict[int, dict[str, list[Organization]]] = {}
        depts = []
        for prov in self.members:
            for dname, _ in names.DEPARTMENTS:
                full = f"{dname} {prov.name}" if dname.endswith("tỉnh") else f"{dname} tỉnh {prov.name}"
                depts.append(Organization(kind=OrganizationKind.DEPARTMENT, name=full, parent=prov))
            # Same draw as before (indices into a list of the same length), names from the province's own communes.
            own = names.COMMUNES_BY_PROVINCE[prov.admin_code]
            for cname in (own[i] for i in self.rng.sample(range(len(names.COMMUNE_NAMES)), 24)):
                depts.append(Organization(kind=OrganizationKind.COMMUNE, name=f"Xã {cname}, tỉnh {prov.name}", parent=prov))
            for ename in names.ENTERPRISES:
                depts.append(Organization(kind=OrganizationKind.ENTERPRISE, name=f"{ename} {prov.name}", parent=prov))
        depts = bulk_create_organizations(depts)
        units = []
        for d in depts:
            if d.kind != OrganizationKind.DEPARTMENT:
                continue
            base = next(sub for dn, sub in names.DEPARTMENTS if d.name.startswith(dn))
            prov_name = d.parent.name
            for sub in base:
                units.append(Organization(kind=OrganizationKind.UNIT, name=f"{sub} {prov_name}", parent=d))
        units = bulk_create_organizations(units)
        small = []
        for u in units + [d for d in depts if d.kind == OrganizationKind.COMMUNE]:
            for sname in self.rng.sample(names.SMALL_COLLECTIVES, 3):
                small.append(Organization(kind=OrganizationKind.UNIT, name=f"{sname}, {u.name}", parent=u,
                                          is_small_collective=True))
        small = bulk_create_organizations(small)
        # The emulation boards of the members' Home Affairs departments, and the Central Board (forms 0604).
        EmulationBody.objects.bulk_create(
            [EmulationBody(organization=u) for u in units if u.name.startswith("Ban Thi đua - Khen thưởng")]
            + [EmulationBody(organization=self.board)])
        for prov in self.members:
            self.pool[prov.pk] = {"collective": [], "enterprise": [], "small": []}
        for o in depts + units + small:
            key = "small" if o.is_small_collective else ("enterprise" if o.kind == OrganizationKind.ENTERPRISE else "collective")
            self.pool[o.province_id][key].append(o)

    # ----- people -----
    def person(self, prov: Organization, unit: Organization, position: str, direct: bool) -> Person:
        rng = self.rng
        gender = Gender.FEMALE if rng.random() < 0.45 else Gender.MALE
        female = gender == Gender.FEMALE
        full = " ".join([rng.choice(names.FAMILY), rng.choice(names.MIDDLE_F if female else names.MIDDLE_M),
                         rng.choice(names.GIVEN_F if female else names.GIVEN_M)])
        birth_year = rng.randint(1962, 1996)
        while True:
            cid = f"{int(prov.admin_code):03d}{century_sex_digit(birth_year, gender)}{birth_year % 100:02d}{rng.randint(0, 999999):06d}"
            if cid not in self.used_ids:
                self.used_ids.add(cid)
                break
        return Person(full_name=full, citizen_id=cid, gender=gender, birth_year=birth_year,
                      ethnicity=rng.choice(names.ETHNICITIES), organization=unit, position=position,
                      is_direct_worker=direct)

    # ----- award records -----
    def decisions(self, authority: Organization, symbol: str, count: int, year: int, signer_title: str, summary: str):
        rng = self.rng
        days = sorted(rng.sample(range(20, 350), count))
        numbers = sorted(rng.sample(range(100, 2900), count))
        return [
            Decision.objects.create(
                number=f"{n}/QĐ-{symbol}", signed_on=date(year, 1, 1) + timedelta(days=d), authority=authority,
                signer_title=signer_title, summary=summary, is_illustrative=True,
            )
            for n, d in zip(numbers, days, strict=True)
        ]

    def award_records(self):
        rng = self.rng
        state_dec_ttg = self.decisions(self.government, "TTg", 12, YEAR, "Thủ tướng Chính phủ",
                                       "Về việc tặng Bằng khen, Cờ thi đua của Chính phủ, danh hiệu Chiến sĩ thi đua toàn quốc")
        state_dec_ctn = self.decisions(self.president, "CTN", 6, YEAR, "Chủ tịch nước",
                                       "Về việc tặng thưởng Huân chương Lao động")
        # Split each published total between members by the illustrative weights.
        split = {k: apportion(v, WEIGHTS) for k, v in STATE.items()}
        psplit = {k: apportion(v, WEIGHTS) for k, v in PROVINCIAL.items()}
        awards, people = [], []
        for prov in self.members:
            c = prov.admin_code
            prov_decisions = self.decisions(prov, "UBND", 24, YEAR, f"Chủ tịch UBND tỉnh {prov.name}",
                                            "Về việc tặng Bằng khen, Cờ thi đua, danh hiệu thi đua")
            pool = self.pool[prov.pk]
            for level, sp, types_c, types_i in (
                ("state", split, [("BK_TTG", 78), ("HCLD3", 17), ("CO_CP", 5)],
                 [("BK_TTG", 84), ("HCLD3", 10), ("CSTDTQ", 3), ("HCLD2", 2), ("NGUT", 1)]),
                ("provincial", psplit, [("BK_TINH", 62), ("TTLDXS", 35), ("CO_TINH", 3)],
                 [("BK_TINH", 93), ("CSTD_TINH", 7)]),
            ):
                n_coll, n_ind = sp["collectives"][c], sp["individuals"][c]
                n_small = sp["small_collectives"][c]
                n_direct = sp["priority"][c] - n_small
                # Collectives: small collectives first, then enterprises and other collectives.
                for i in range(n_coll):
                    if i < n_small:
                        rclass, org = RecipientClass.SMALL_COLLECTIVE, rng.choice(pool["small"])
                    elif rng.random() < 0.08:
                        rclass, org = RecipientClass.ENTERPRISE, rng.choice(pool["enterprise"])
                    else:
                        rclass, org = RecipientClass.COLLECTIVE, rng.choice(pool["collective"])
                    code = rng.choices([t for t, _ in types_c], [w for _, w in types_c])[0]
                    code, org = self._flag_recipient(code, rclass, org, pool, i)
                    awards.append(self._award(level, prov, code, rclass, org=org, state_decisions=(state_dec_ttg, state_dec_ctn),
                                              prov_decisions=prov_decisions))
                for i in range(n_ind):
                    if i < n_direct:
                        rclass, position = RecipientClass.DIRECT_WORKER, rng.choice(
                            ["Giáo viên", "Bác sĩ", "Điều dưỡng", "Công nhân", "Nông dân", "Chiến sĩ", "Kiểm lâm viên", "Nhân viên"])
                    else:
                        rclass, position = rng.choices(
                            [(RecipientClass.LEADER_CENTRAL, "Phó Chủ tịch UBND tỉnh"), (RecipientClass.LEADER_DEPARTMENT, "Giám đốc Sở"),
                             (RecipientClass.BUSINESS_PERSON, "Giám đốc doanh nghiệp"), (RecipientClass.OTHER_LEADER, "Trưởng phòng"),
                             (RecipientClass.INDIVIDUAL_OTHER, "Chuyên viên")], [1, 6, 3, 30, 60])[0]
                    unit = rng.choice(pool["small"] + pool["collective"])
                    person = self.person(prov, unit, position, rclass == RecipientClass.DIRECT_WORKER)
                    people.append(person)
                    code = rng.choices([t for t, _ in types_i], [w for _, w in types_i])[0]
                    awards.append(self._award(level, prov, code, rclass, person=person, state_decisions=(state_dec_ttg, state_dec_ctn),
                                              prov_decisions=prov_decisions))
        bulk_create_people(people)
        for a in awards:  # re-point at the saved people (bulk_create filled their ids)
            if a.recipient_person is not None:
                a.recipient_person_id = a.recipient_person.pk
        bulk_record_awards(awards)

    @staticmethod
    def _flag_recipient(code, rclass, org, pool, i):
        """An emulation flag goes to a collective that leads a province's movement (a department, a provincial
        enterprise), never to a small team: a small collective drawn for a flag gets the certificate instead, and
        another collective gives way to a department. Deterministic, so the random draws (and totals) are unchanged."""
        flag_to_certificate = {"CO_CP": "BK_TTG", "CO_TINH": "BK_TINH"}
        if code not in flag_to_certificate or rclass == RecipientClass.ENTERPRISE:
            return code, org
        if rclass == RecipientClass.SMALL_COLLECTIVE:
            return flag_to_certificate[code], org
        departments = [o for o in pool["collective"] if o.kind == OrganizationKind.DEPARTMENT]
        return code, departments[i % len(departments)]

    def _award(self, level, prov, code, rclass, *, org=None, person=None, state_decisions, prov_decisions) -> Award:
        rng = self.rng
        atype: AwardType = self.catalogue[code]
        if level == "state":
            decision = rng.choice(state_decisions[1] if atype.granted_by == "president" else state_decisions[0])
        else:
            decision = rng.choice(prov_decisions)
        basis = rng.choices([Basis.MERIT, Basis.THEMATIC, Basis.ADHOC], [72, 20, 8])[0]
        if code in ("CO_CP", "CO_TINH", "TTLDXS", "CSTD_TINH", "CSTDTQ", "HCLD3", "HCLD2", "NGUT"):
            basis = Basis.MERIT
        unit = org if org is not None else person.organization
        return Award(decision=decision, award_type=atype, year=YEAR, basis=basis, recipient_class=rclass,
                     recipient_org=org, recipient_person=person,
                     recipient_name=org.name if org is not None else person.full_name, unit=unit, province=prov,
                     submitted_by=prov if level == "state" else None)

    # ----- the cluster and its year -----
    def cluster(self):
        self.cl = Cluster.objects.create(name=CLUSTER_NAME, kind=ClusterKind.CLUSTER, organised_by=self.council)
        cb = self.by_code["04"]
        cy = ClusterYear.objects.create(cluster=self.cl, year=YEAR, theme=THEME_2018, chair=cb, directions=DIRECTIONS,
                                        is_illustrative=True)
        cy.members.set(self.members)
        movements = [
            Movement.objects.create(name=n, kind=MovementKind.THEMATIC, launched_by=self.government,
                                    launched_by_title="Thủ tướng Chính phủ",
                                    directive="Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị")
            for n in ("Cả nước chung sức xây dựng nông thôn mới", "Doanh nghiệp Việt Nam hội nhập và phát triển",
                      "Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau")
        ]
        cy.movements.set(movements)
        self.cy = cy
        self.indicators(cy)
        # The review conference of 19/03/2019 in Cao Bằng.
        conf = Conference.objects.create(
            kind=ConferenceKind.YEAR_END, cluster_year=cy, held_on=REVIEW_DAY, place="Cao Bằng", host=cb,
            title="Hội nghị tổng kết công tác thi đua, khen thưởng năm 2018 và triển khai nhiệm vụ năm 2019",
        )
        for i, (name, title) in enumerate([
            ("Trần Thị Hà", "Phó Chủ tịch Thường trực Hội đồng Thi đua - Khen thưởng Trung ương, Thứ trưởng Bộ Nội vụ, "
                            "Trưởng Ban Thi đua - Khen thưởng Trung ương"),
            ("", "Phó Bí thư Thường trực Tỉnh ủy Cao Bằng"),
            ("", "Chủ tịch UBND tỉnh Cao Bằng"),
        ]):
            ConferenceGuest.objects.create(conference=conf, name=name, title=title, order=i)
        self.review = conf

    def indicators(self, cy: ClusterYear):
        rng = self.rng
        codes = MEMBER_CODES

        def split_sum(total, jitter=0.25):
            w = {c: max(1, int(WEIGHTS[c] * 100 * (1 + rng.uniform(-jitter, jitter)))) for c in codes}
            return apportion(total, w)

        def plans_for(actuals: dict[str, int], plan_total: int, spread=0.06):
            ratio = sum(actuals.values()) / plan_total
            plans = {c: max(1, round(actuals[c] / (ratio * (1 + rng.uniform(-spread, spread))))) for c in codes[:-1]}
            plans[codes[-1]] = plan_total - sum(plans.values())
            return plans

        specs = [
            # code, name, unit, short unit, aggregation, actual total, plan total, % decimals
            ("THU_NSNN", "Thu ngân sách nhà nước trên địa bàn", "tỷ đồng", "tỷ đồng", Aggregation.SUM, 26174, 25095, 1),
            ("VIEC_LAM", "Giải quyết việc làm mới", "lao động", "lao động", Aggregation.SUM, 99555, 92095, 1),
            ("XA_Y_TE", "Xã được công nhận mới đạt Bộ tiêu chí quốc gia về y tế", "xã", "xã", Aggregation.SUM, 59, 50, 0),
            ("TRUONG_CHUAN", "Trường học được công nhận mới đạt chuẩn quốc gia", "trường", "trường", Aggregation.SUM, 165, 136, 0),
        ]
        for order, (code, name, unit, short, agg, actual_total, plan_total, pdec) in enumerate(specs):
            ind = Indicator.objects.create(cluster_year=cy, code=code, name=name, unit=unit, unit_short=short,
                                           aggregation=agg, percent_decimals=pdec, order=order)
            actuals = split_sum(actual_total)
            plans = plans_for(actuals, plan_total)
            for c in codes:
                Target.objects.create(indicator=ind, member=self.by_code[c], planned=plans[c], actual=actuals[c])
        # New-rural communes: 66 new in the year, 219 cumulative over 1.147 communes of the cluster.
        ntm = Indicator.objects.create(cluster_year=cy, code="XA_NTM", name="Xã đạt chuẩn nông thôn mới", unit="xã",
                                       unit_short="xã", aggregation=Aggregation.CUMULATIVE, base_label="tổng số xã",
                                       percent_decimals=1, order=10)
        communes = {"02": 177, "04": 183, "20": 200, "10": 144, "12": 96, "11": 116, "14": 231}
        new = apportion(66, WEIGHTS)
        prior = apportion(153, {c: communes[c] for c in codes})
        for c in codes:
            Target.objects.create(indicator=ntm, member=self.by_code[c], actual=new[c], prior=prior[c], base=communes[c])
        # Poverty reduction (percentage points of households): every member met its target.
        pov = Indicator.objects.create(cluster_year=cy, code="GIAM_NGHEO", name="Giảm tỷ lệ hộ nghèo", unit="điểm %",
                                       unit_short="điểm %", aggregation=Aggregation.MEMBERS_MET, value_decimals=2, order=11)
        for c in codes:
            planned = Decimal(rng.choice([300, 350, 400, 450])) / 100
            actual = planned + Decimal(rng.randint(5, 90)) / 100
            Target.objects.create(indicator=pov, member=self.by_code[c], planned=planned, actual=actual)

    # ----- exemplary models -----
    def exemplars(self):
        rng = self.rng
        celebration = Conference.objects.create(
            kind=ConferenceKind.CELEBRATION, held_on=date(2018, 6, 11), place="Hà Nội", host=self.council,
            title="Lễ kỷ niệm 70 năm Ngày Chủ tịch Hồ Chí Minh ra Lời kêu gọi thi đua ái quốc (11/6/1948 - 11/6/2018)",
        )
        national = apportion(42, {c: 1 for c in MEMBER_CODES})
        fields = ["Xây dựng nông thôn mới", "Giảm nghèo bền vững", "Giáo dục", "Y tế cơ sở", "Bảo vệ biên giới",
                  "Sản xuất, kinh doanh", "Bảo tồn văn hóa dân tộc"]
        stories = {
            "Xây dựng nông thôn mới": "Vận động nhân dân hiến đất, góp công làm đường bê tông liên thôn.",
            "Giảm nghèo bền vững": "Hướng dẫn hộ nghèo phát triển chăn nuôi, trồng cây dược liệu, thoát nghèo bền vững.",
            "Giáo dục": "Duy trì sĩ số học sinh bán trú vùng cao, nâng tỷ lệ chuyên cần.",
            "Y tế cơ sở": "Đưa dịch vụ y tế về thôn bản, tăng tỷ lệ tiêm chủng đầy đủ.",
            "Bảo vệ biên giới": "Phối hợp tuần tra, giữ vững chủ quyền, an ninh biên giới.",
            "Sản xuất, kinh doanh": "Xây dựng chuỗi liên kết sản phẩm đặc sản địa phương.",
            "Bảo tồn văn hóa dân tộc": "Truyền dạy dân ca, nghề thủ công truyền thống cho thế hệ trẻ.",
        }
        cb_decision = Decision.objects.create(
            number="380/QĐ-UBND", signed_on=REVIEW_DAY, authority=self.by_code["04"],
            signer_title="Chủ tịch UBND tỉnh Cao Bằng", is_illustrative=True,
            summary="Về việc tặng Bằng khen cho các tập thể, cá nhân điển hình tiên tiến của Cụm thi đua 7 tỉnh miền núi biên giới phía Bắc",
        )
        at_review = apportion(14, {c: 1 for c in MEMBER_CODES})
        history = ExemplarHistory(self.cy)  # its own random numbers: the scenario's other figures do not move
        for prov in self.members:
            pool = self.pool[prov.pk]
            for i in range(national[prov.admin_code] + at_review[prov.admin_code]):
                f = rng.choice(fields)
                if i % 2 == 0:
                    org = rng.choice(pool["collective"] + pool["small"])
                    ex = Exemplar.objects.create(collective=org, name=org.name, province=prov, field=f,
                                                 story=stories[f], discovered_in=rng.randint(2014, 2017), **history.fields(f, prov, org))
                    recipient = {"recipient_org": org, "recipient_name": org.name, "unit": org,
                                 "recipient_class": RecipientClass.SMALL_COLLECTIVE if org.is_small_collective else RecipientClass.COLLECTIVE}
                else:
                    person = self.person(prov, rng.choice(pool["small"]), "Người lao động", True)
                    bulk_create_people([person])
                    ex = Exemplar.objects.create(person=person, name=person.full_name, province=prov, field=f,
                                                 story=stories[f], discovered_in=rng.randint(2014, 2017),
                                                 **history.fields(f, prov, person.organization))
                    recipient = {"recipient_person": person, "recipient_name": person.full_name, "unit": person.organization,
                                 "recipient_class": RecipientClass.DIRECT_WORKER}
                if i < national[prov.admin_code]:
                    ExemplarHonour.objects.create(exemplar=ex, conference=celebration, honoured_on=celebration.held_on,
                                                  description="Tuyên dương điển hình tiên tiến toàn quốc")
                    history.add(ex, pool, celebration.held_on, "Tuyên dương điển hình tiên tiến toàn quốc", publish=i < 2)
                else:
                    (award,) = bulk_record_awards([Award(decision=cb_decision, award_type=self.catalogue["BK_TINH"], year=YEAR,
                                                         basis=Basis.THEMATIC, province=prov, **recipient)])
                    ExemplarHonour.objects.create(exemplar=ex, conference=self.review, award=award, honoured_on=REVIEW_DAY,
                                                  description="Bằng khen của Chủ tịch UBND tỉnh Cao Bằng")
                    history.add(ex, pool, REVIEW_DAY, "Bằng khen của Chủ tịch UBND tỉnh Cao Bằng")
        history.in_progress(self.members, self.pool)
        history.save()

    # ----- personal records for eligibility (illustrative) -----
    def personal_records(self):
        """Six years (2019–2024) of ratings, titles, initiatives and discipline for staff of
        Cao Bằng, so "Xét điều kiện" has people to judge. Their decisions are signed from 2020 on,
        so none of the 2018 figures above changes. A sample quota shows the ranking."""
        generate(people=PERSONAL_RECORD_PEOPLE, years=6, seed=2019, province_code="04", last_year=2024)
        Quota.objects.get_or_create(
            authority=self.by_code["04"], year=2024, award_code="CSTDCS",
            defaults={"max_share": Decimal("0.15"), "of_award_code": "LDTT", "tie_breaks": ["female_first"],
                      "basis": "Ví dụ minh họa: CSTĐCS không quá 15% số LĐTT"})

    # ----- demo accounts, one per role -----
    def accounts(self) -> list[tuple[str, str, str]]:
        User = get_user_model()
        cb, lc = self.by_code["04"], self.by_code["12"]
        dept = Organization.objects.filter(parent=cb, name__startswith="Sở Nội vụ").first()
        rows = [
            ("admin", "Quản trị hệ thống", None, None),
            ("trunguong", "Ban TĐKT Trung ương", self.board, Role.CENTRAL_BOARD),
            ("caobang", "Sở Nội vụ Cao Bằng (cụm trưởng 2018)", cb, Role.EMULATION_OFFICE),
            ("laichau", "Sở Nội vụ Lai Châu (cụm trưởng 2019)", lc, Role.EMULATION_OFFICE),
            *[(username, f"Sở Nội vụ {self.by_code[code].name}", self.by_code[code], Role.EMULATION_OFFICE)
              for code, username in (("02", "hagiang"), ("20", "langson"), ("10", "laocai"), ("11", "dienbien"),
                                     ("14", "sonla"))],
            ("donvi", "Cán bộ đơn vị, Sở Nội vụ tỉnh Cao Bằng", dept, Role.UNIT_OFFICER),
            ("hoidong", "Thành viên Hội đồng TĐKT tỉnh Cao Bằng", cb, Role.COUNCIL_MEMBER),
            ("kiemtra", "Kiểm tra, giám sát (chỉ xem)", self.board, Role.AUDITOR),
        ]
        out = []
        for username, label, org, role in rows:
            user, _ = User.objects.get_or_create(username=username, defaults={"first_name": label})
            user.password = password_hash(DEMO_PASSWORD)
            user.email = user.email or f"{username}@thidua.local"  # notifications by e-mail (console in development)
            user.is_staff = user.is_superuser = username == "admin"
            user.save()
            if role:
                UserRole.objects.get_or_create(user=user, organization=org, role=role)
            out.append((username, DEMO_PASSWORD, label))
        return out


def scenario_loaded() -> bool:
    return Cluster.objects.filter(name=CLUSTER_NAME).exists()


@transaction.atomic
def load_reference_scenario(seed: int = 2018) -> list[tuple[str, str, str]]:
    """Load the reference scenario once (idempotent) and return the demo accounts."""
    b = _Builder(seed)
    b.reference()
    if not scenario_loaded():
        b.units()
        b.award_records()
        b.cluster()
        b.exemplars()
        b.personal_records()
        b.accounts()
        run_2018(b)  # scores, ballots and their outcomes, through the services
        load_national_demo(seed)
        load_movements_demo(b.government, b.members, b.by_code["04"])
    return load_nominations_demo(b.accounts())
