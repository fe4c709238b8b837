"""Checks of a dossier's items at submission, appraisal and decision, computed in bulk.

For the whole dossier, whatever its number of items, a fixed number of queries: the eligibility engine
(thidua.eligibility.loader.evaluate_database, one run per distinct year), the registry and other open
dossiers for duplicates, initiatives and their use, discipline and open reviews, and the quotas of the
authority. Each item gets a list of checks: ok, info, warn (shown) or block (refuses submission,
appraisal and decision for that item until it is returned, rejected or corrected). A quota exceeded is a
warning while the dossier is appraised and refuses the decision.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q

from thidua.awards.models import Award, Discipline, Review
from thidua.eligibility.engine import Result
from thidua.eligibility.labels import award_vi
from thidua.eligibility.loader import evaluate_database
from thidua.eligibility.models import Quota
from thidua.nominations.models import ACTIVE_OUTCOMES, Dossier, DossierItem, DossierKind
from thidua.nominations.workflow import workflow
from thidua.orgs.models import Organization, Person

OK, INFO, WARN, BLOCK = "ok", "info", "warn", "block"
SEVERITY = {OK: 0, INFO: 1, WARN: 2, BLOCK: 3}


@dataclass
class ItemCheck:
    code: str  # eligibility | duplicate | initiative | discipline | review | quota
    label: str
    status: str
    message: str
    details: list[str] = field(default_factory=list)


@dataclass
class ItemReport:
    item: DossierItem
    checks: list[ItemCheck] = field(default_factory=list)
    result: Result | None = None

    @property
    def status(self) -> str:
        return max((c.status for c in self.checks), key=SEVERITY.__getitem__, default=OK)

    @property
    def blocking(self) -> list[ItemCheck]:
        return [c for c in self.checks if c.status == BLOCK]

    @property
    def eligible(self) -> bool | None:
        return None if self.result is None or self.result.rule is None else self.result.eligible


@dataclass
class QuotaLine:
    award_code: str
    year: int
    limit: int
    base: int | None  # the count the share is taken of (e.g. LĐTT awarded), when the quota is a share
    of_award_code: str
    awarded: int  # already in the registry for the year, in the authority's area
    other_dossiers: int  # active items of other open dossiers to the same authority
    this_dossier: int
    basis: str

    @property
    def remaining(self) -> int:
        return self.limit - self.awarded - self.other_dossiers - self.this_dossier

    @property
    def exceeded(self) -> bool:
        return self.remaining < 0

    @property
    def exceeded_by_decision(self) -> bool:
        """Deciding this dossier's items would go past the limit (other open dossiers are not decided yet)."""
        return self.limit - self.awarded - self.this_dossier < 0


@dataclass
class DossierReport:
    dossier: Dossier
    items: dict[int, ItemReport]
    quotas: list[QuotaLine]

    @property
    def blocking(self) -> list[tuple[DossierItem, ItemCheck]]:
        return [(r.item, c) for r in self.items.values() for c in r.blocking]

    def blocking_message(self) -> str:
        return "; ".join(f"{item.recipient_name} ({item.award_type.code}): {c.message}" for item, c in self.blocking)


def _key(item: DossierItem, code_id: int | None = None) -> tuple:
    return (item.person_id, item.organization_id, item.household_id, code_id or item.final_award_type.pk, item.year)


def _award_key(a: Award) -> tuple:
    return (a.recipient_person_id, a.recipient_org_id, a.recipient_household_id, a.award_type_id, a.year)


def _recipients_q(items, prefix: str = "") -> Q:
    def ids(attr):
        return {getattr(i, attr) for i in items if getattr(i, attr)}

    person, org, household = ("recipient_person_id", "recipient_org_id", "recipient_household_id") if prefix == "award" \
        else ("person_id", "organization_id", "household_id")
    return Q(**{f"{person}__in": ids("person_id")}) | Q(**{f"{org}__in": ids("organization_id")}) | \
        Q(**{f"{household}__in": ids("household_id")})


def area_q(authority: Organization, prefix: str = "") -> Q:
    """Awards "of" an authority: for an organisation with a subtree (province, department, commune…) the
    awards of its units; for the state and the central bodies, the awards it decided."""
    if authority.kind in ("state", "central"):
        return Q(**{f"{prefix}decision__authority": authority})
    return Q(**{f"{prefix}unit__path__startswith": authority.path})


def check_dossier(dossier: Dossier, items: list[DossierItem] | None = None, today: date | None = None) -> DossierReport:
    """Every check for the dossier's active items (or the given ones)."""
    today = today or date.today()
    if items is None:
        items = list(dossier.items.select_related("award_type", "lowered_to", "person", "organization", "household"))
    active = [i for i in items if i.outcome in ACTIVE_OUTCOMES]
    reports = {i.pk: ItemReport(i) for i in items}
    if active:
        _eligibility(dossier, active, reports)
        _duplicates(dossier, active, reports)
        _initiatives(dossier, active, reports)
        _discipline_and_reviews(active, reports, today)
    quotas = _quotas(dossier, active, reports)
    for r in reports.values():
        if r.item.outcome not in ACTIVE_OUTCOMES:
            r.checks = [ItemCheck("outcome", "Kết quả", INFO, f"Mục đã {r.item.get_outcome_display().lower()}: "
                                                              f"{r.item.reason}".rstrip(": "))]
    return DossierReport(dossier, reports, quotas)


def eligibility_results(dossier: Dossier, wanted: list[tuple[int | None, int | None, str, int]]) -> dict[tuple, Result]:
    """The engine's result for each (person id, organisation id, award code, year) proposed in a merit dossier,
    under the rules of the dossier's authority: one evaluation per year for all its people and collectives.
    Used by the dossier's checks and by the import preview, so both say the same."""
    by_year: dict[int, list[tuple]] = defaultdict(list)
    for entry in wanted:
        by_year[entry[3]].append(entry)
    results: dict[tuple, Result] = {}
    for year, group in by_year.items():
        person_ids = {p for p, _o, _c, _y in group if p}
        org_ids = {o for p, o, _c, _y in group if o and not p}
        codes = sorted({c for _p, _o, c, _y in group})
        found = {(r.subject, r.award): r for r in evaluate_database(
            year, Person.objects.filter(pk__in=person_ids) if person_ids else None,
            Organization.objects.filter(pk__in=org_ids) if org_ids else None, codes, authority=dossier.authority)}
        for p, o, code, y in group:
            r = found.get((str(p) if p else f"org-{o}", code))
            if r is not None:
                results[(p, o, code, y)] = r
    return results


def missing_text(r: Result, year: int) -> str:
    """“Chưa đủ điều kiện … năm …: ” and what is missing, as the checks and the import preview say it."""
    return f"Chưa đủ điều kiện {award_vi(r.award)} năm {year}: " + " ".join(c.explanation for c in r.missing)


def _eligibility(dossier: Dossier, items: list[DossierItem], reports: dict[int, ItemReport]) -> None:
    label = "Điều kiện theo quy định"
    if dossier.kind != DossierKind.MERIT:
        for i in items:
            reports[i.pk].checks.append(ItemCheck(
                "eligibility", label, INFO,
                f"Khen thưởng {dossier.get_kind_display().lower()}: xét theo thành tích; điều kiện khen thường xuyên "
                f"(công trạng) không áp dụng, thành tích này cũng không được tính cho khen thường xuyên "
                f"(Nghị định 152/2025/NĐ-CP Điều 4)."))
        return

    def key(i: DossierItem) -> tuple:
        return (i.person_id, None if i.person_id else i.organization_id, i.final_award_type.code, i.year)

    results = eligibility_results(dossier, [key(i) for i in items if not i.household_id])
    for i in items:
        year = i.year
        r = results.get(key(i)) if not i.household_id else None
        rep = reports[i.pk]
        rep.result = r
        if r is None or r.rule is None:
            rep.checks.append(ItemCheck(
                "eligibility", label, INFO,
                f"Chưa có quy định để xét tự động {i.final_award_type.name} cho "
                f"{'hộ gia đình' if i.household_id else ('tập thể' if i.organization_id else 'cá nhân')} "
                f"năm {year}: cơ quan thẩm định xét theo hồ sơ."))
        elif r.eligible:
            rep.checks.append(ItemCheck("eligibility", label, OK, f"Đủ điều kiện {award_vi(r.award)} năm {year}.",
                                        [f"{c.label}: {c.explanation} ({c.basis})" for c in r.checks]))
        else:
            rep.checks.append(ItemCheck(
                "eligibility", label, WARN, missing_text(r, year),
                [f"{'✔' if c.met else '✘'} {c.label}: {c.explanation} ({c.basis})" for c in r.checks]))


def _duplicates(dossier: Dossier, items: list[DossierItem], reports: dict[int, ItemReport]) -> None:
    label = "Trùng khen thưởng"
    type_ids = {i.final_award_type.pk for i in items}
    years = {i.year for i in items}
    registry = defaultdict(list)
    for a in (Award.objects.in_force().filter(_recipients_q(items, "award"), award_type_id__in=type_ids, year__in=years)
              .exclude(nomination__dossier=dossier).select_related("decision")):
        registry[_award_key(a)].append(a)

    others = defaultdict(list)
    for o in (DossierItem.objects.filter(_recipients_q(items), year__in=years, outcome__in=ACTIVE_OUTCOMES)
              .filter(Q(award_type_id__in=type_ids) | Q(lowered_to_id__in=type_ids))
              .exclude(dossier=dossier).exclude(dossier__state__in=[*workflow().terminal_states, "draft", "decided"])
              .select_related("award_type", "lowered_to", "dossier")):
        others[_key(o)].append(o)
    seen = {}
    for i in items:
        key = _key(i)
        rep = reports[i.pk]
        found = False
        for a in registry.get(key, []):
            found = True
            rep.checks.append(ItemCheck("duplicate", label, BLOCK,
                                        f"Đã được khen {i.final_award_type.code} năm {i.year} theo QĐ {a.decision.number} "
                                        f"ngày {a.decision.signed_on:%d/%m/%Y} (Luật TĐKT Điều 5: một thành tích chỉ khen một lần)."))
        for o in others.get(key, []):
            found = True
            rep.checks.append(ItemCheck("duplicate", label, BLOCK,
                                        f"Đang được đề nghị {i.final_award_type.code} năm {i.year} trong hồ sơ #{o.dossier_id} "
                                        f"({o.dossier.title})."))
        if key in seen:
            found = True
            rep.checks.append(ItemCheck("duplicate", label, BLOCK,
                                        f"Trùng với mục số {seen[key]} của chính hồ sơ này."))
        seen.setdefault(key, i.position)
        if not found:
            rep.checks.append(ItemCheck("duplicate", label, OK,
                                        "Không trùng với sổ khen thưởng và các hồ sơ đang xét."))


def _initiatives(dossier: Dossier, items: list[DossierItem], reports: dict[int, ItemReport]) -> None:
    label = "Sáng kiến, đề tài"
    through = DossierItem.initiatives.through
    by_item = defaultdict(list)
    rows = list(through.objects.filter(dossieritem_id__in=[i.pk for i in items])
                .select_related("initiative__used_for__award_type", "initiative__used_for__decision"))
    for row in rows:
        by_item[row.dossieritem_id].append(row.initiative)

    cited_elsewhere = defaultdict(list)
    for row in (through.objects.filter(initiative_id__in={r.initiative_id for r in rows})
                .exclude(dossieritem__dossier=dossier)
                .filter(dossieritem__outcome__in=ACTIVE_OUTCOMES)
                .exclude(dossieritem__dossier__state__in=[*workflow().terminal_states, "draft", "decided"])
                .values_list("initiative_id", "dossieritem__dossier_id")):
        cited_elsewhere[row[0]].append(row[1])
    for i in items:
        rep = reports[i.pk]
        initiatives = by_item.get(i.pk, [])
        bad = False
        for ini in initiatives:
            used = ini.used_for
            if used is not None and used.pk != i.award_id:
                bad = True
                rep.checks.append(ItemCheck(
                    "initiative", label, BLOCK,
                    f"Sáng kiến “{ini.title}” đã được dùng cho {used.award_type.code} năm {used.year} "
                    f"(QĐ {used.decision.number}); mỗi sáng kiến chỉ dùng cho một lần khen thưởng (CV 5007/BNV-TĐKT)."))
            for other in cited_elsewhere.get(ini.pk, []):
                bad = True
                rep.checks.append(ItemCheck(
                    "initiative", label, BLOCK,
                    f"Sáng kiến “{ini.title}” đang được dùng làm căn cứ trong hồ sơ #{other}."))
        if initiatives and not bad:
            rep.checks.append(ItemCheck("initiative", label, OK,
                                        "Sáng kiến, đề tài chưa dùng cho khen thưởng nào: "
                                        + "; ".join(f"“{x.title}”" for x in initiatives) + "."))


def _discipline_and_reviews(items: list[DossierItem], reports: dict[int, ItemReport], today: date) -> None:
    person_ids = {i.person_id for i in items if i.person_id}
    org_ids = {i.organization_id for i in items if i.organization_id}
    min_year = min(i.year for i in items)
    disciplines = defaultdict(list)
    for d in Discipline.objects.filter(person_id__in=person_ids).filter(
            Q(ends_on__isnull=True) | Q(ends_on__year__gte=min_year)):
        disciplines[d.person_id].append(d)
    reviews = defaultdict(list)
    for r in Review.objects.filter(Q(person_id__in=person_ids) | Q(organization_id__in=org_ids)).filter(
            opened_on__lte=today).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=today)):
        reviews[("p", r.person_id) if r.person_id else ("o", r.organization_id)].append(r)
    for i in items:
        rep = reports[i.pk]
        if i.person_id:
            for d in disciplines.get(i.person_id, []):
                end = d.ends_on
                in_force = d.starts_on <= today and (end is None or end >= today)
                overlaps = d.starts_on.year <= i.year and (end is None or end.year >= i.year)
                if in_force or overlaps:
                    until = f" đến {end:%d/%m/%Y}" if end else ""
                    rep.checks.append(ItemCheck(
                        "discipline", "Kỷ luật", BLOCK,
                        f"Bị kỷ luật {d.get_level_display().lower()} từ {d.starts_on:%d/%m/%Y}{until}"
                        f"{' (QĐ ' + d.decision + ')' if d.decision else ''}: không khen thưởng; sau kỷ luật chỉ tính "
                        f"thành tích từ khi hết thời hạn (Nghị định 152/2025/NĐ-CP Điều 4)."))
        key = ("p", i.person_id) if i.person_id else ("o", i.organization_id)
        for r in reviews.get(key, []) if not i.household_id else []:
            rep.checks.append(ItemCheck(
                "review", "Đang xem xét", BLOCK,
                f"{r.get_kind_display()} (từ {r.opened_on:%d/%m/%Y}{', ' + r.note if r.note else ''}): chưa xét khen thưởng "
                f"(Nghị định 152/2025/NĐ-CP Điều 4)."))


def _quotas(dossier: Dossier, items: list[DossierItem], reports: dict[int, ItemReport]) -> list[QuotaLine]:
    wanted = defaultdict(int)
    for i in items:
        wanted[(i.final_award_type.code, i.year)] += 1
    if not wanted:
        return []
    quotas = list(Quota.objects.filter(authority=dossier.authority, award_code__in={c for c, _ in wanted},
                                       year__in={y for _, y in wanted}))
    quotas = [q for q in quotas if (q.award_code, q.year) in wanted]
    if not quotas:
        return []

    pending = defaultdict(int)
    for code, lowered, year in (DossierItem.objects
                                .filter(dossier__authority=dossier.authority, outcome__in=ACTIVE_OUTCOMES,
                                        year__in={q.year for q in quotas})
                                .exclude(dossier=dossier)
                                .exclude(dossier__state__in=[*workflow().terminal_states, "draft", "decided"])
                                .values_list("award_type__code", "lowered_to__code", "year")):
        pending[(lowered or code, year)] += 1
    lines = []
    for q in quotas:
        aggregates = {"awarded": Count("pk", filter=Q(award_type__code=q.award_code))}
        if q.of_award_code:
            aggregates["base"] = Count("pk", filter=Q(award_type__code=q.of_award_code))
        counts = Award.objects.in_force().filter(area_q(dossier.authority), year=q.year).aggregate(**aggregates)
        base = counts.get("base")
        if base is not None:
            limit = q.limit(base)
        elif q.max_count is not None:
            limit = q.max_count
        else:  # a share of nothing named: not applicable to a dossier
            continue
        lines.append(QuotaLine(q.award_code, q.year, limit, base, q.of_award_code, counts["awarded"],
                               pending[(q.award_code, q.year)], wanted[(q.award_code, q.year)], q.basis))
    for line in lines:
        # A warning while dossiers are proposed and appraised; record_decision refuses to go past the limit.
        status = WARN if line.exceeded else OK
        msg = (f"Chỉ tiêu {award_vi(line.award_code)} năm {line.year}: tối đa {line.limit}"
               + (f" (= tỷ lệ × {line.base} {award_vi(line.of_award_code)})" if line.base is not None else "")
               + f"; đã khen {line.awarded}, hồ sơ khác đang xét {line.other_dossiers}, hồ sơ này {line.this_dossier}; "
               + (f"còn lại {line.remaining}." if not line.exceeded else f"vượt {-line.remaining}."))
        for i in items:
            if (i.final_award_type.code, i.year) == (line.award_code, line.year):
                reports[i.pk].checks.append(ItemCheck("quota", "Chỉ tiêu số lượng", status, msg))
    return lines
