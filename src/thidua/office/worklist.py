""""Việc của tôi": what waits for a user, whatever their role — dossiers to handle or complete with their
working-day deadlines, ballots open for them, pact signatures and year-end results due, council sessions,
imports to finish, decisions issued for their unit.

One function (`work_list`) computes it for the home page, the menu counts and the API. Each section is one or two
set-based queries over the user's organisations (no query per row); deadlines are counted in working days with
the dossiers' calendar (nominations.workdays)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from thidua.awards.models import Award, Decision
from thidua.emulation.models import (
    ClusterYear,
    Indicator,
    Milestone,
    PactSignature,
    Step,
    Target,
    VoteKind,
    VoteParticipation,
    VoteSession,
)
from thidua.emulation.services import MEMBER_ROLES
from thidua.lib.import_views import url_for
from thidua.lib.imports import UploadStore, importers
from thidua.nominations import services as nominations
from thidua.nominations.models import CouncilSession, SessionStatus
from thidua.nominations.workdays import Calendar, DeadlineStatus, working_days_between
from thidua.orgs.scope import scope_for

# How many rows a section shows (its count is the full number).
SECTION_ROWS = 20
# Decisions signed in this many days are "new" for the units they name.
DECISION_DAYS = 60


@dataclass
class WorkItem:
    title: str
    url: str
    detail: str = ""
    deadline: DeadlineStatus | None = None
    action: str = ""

    def as_dict(self) -> dict:
        d = self.deadline
        return {"title": self.title, "url": self.url, "detail": self.detail, "action": self.action,
                "due": d.due.isoformat() if d else None, "days_left": d.days_left if d else None,
                "overdue": d.overdue if d else False}


@dataclass
class Section:
    code: str
    label: str
    items: list[WorkItem] = field(default_factory=list)
    count: int = 0
    more_url: str = ""

    def add(self, item: WorkItem) -> None:
        self.count += 1
        if len(self.items) < SECTION_ROWS:
            self.items.append(item)


@dataclass
class WorkList:
    sections: list[Section]

    @property
    def total(self) -> int:
        return sum(s.count for s in self.sections)

    def counts(self) -> dict[str, int]:
        return {s.code: s.count for s in self.sections}

    def as_dict(self) -> dict:
        return {"total": self.total,
                "sections": [{"code": s.code, "label": s.label, "count": s.count, "more_url": s.more_url,
                              "items": [i.as_dict() for i in s.items]} for s in self.sections]}


def due_status(label: str, basis: str, due: date, today: date, calendar: Calendar) -> DeadlineStatus:
    """A calendar due date (a step of the cluster year) told in working days, like a dossier's time limit."""
    left = working_days_between(today, due, calendar)
    if today > due:
        left = min(left, -1)
    return DeadlineStatus("milestone", label, basis, 0, today, due, today, left)


def _member_org_ids(user) -> set[int]:
    """The organisations the user acts for as the emulation office (what merged into them included): the members of
    cluster years they act for."""
    scope = scope_for(user)
    if scope.user_id is None or not scope.roles & MEMBER_ROLES:
        return set()
    return set(scope.lineage_ids)


def _dossiers(user, today, calendar) -> Section:
    section = Section("dossiers", "Hồ sơ chờ tôi", more_url=reverse("nominations:inbox"))
    for d, deadline, why in nominations.inbox(user, calendar=calendar, today=today):
        section.add(WorkItem(d.title, reverse("nominations:detail", args=[d.pk]),
                             f"{why} · {d.state_label} · từ {d.from_org.name}", deadline, why))
    return section


def _council(user, today, calendar) -> Section:
    section = Section("council", "Phiên họp Hội đồng")
    for s in nominations.open_sessions_for(user):
        section.add(WorkItem(f"{s.council.name} — phiên họp ngày {s.held_on:%d/%m/%Y}",
                             reverse("nominations:session", args=[s.pk]), f"Bỏ phiếu kín: {s.dossier.title}",
                             due_status("Ngày họp", "Phiên họp Hội đồng", s.held_on, today, calendar), "Bỏ phiếu"))
    handled = nominations.handled_by(user, "to_council")
    if handled:
        for s in (CouncilSession.objects.filter(status=SessionStatus.OPEN, dossier__handler_id__in=handled)
                  .select_related("council", "dossier").annotate(n=Count("participations"))
                  .order_by("held_on", "pk")):
            section.add(WorkItem(f"{s.council.name} — phiên họp ngày {s.held_on:%d/%m/%Y}",
                                 reverse("nominations:session", args=[s.pk]),
                                 f"{s.n}/{s.member_count} thành viên đã bỏ phiếu, cần {s.quorum} có mặt · "
                                 f"{s.dossier.title}",
                                 due_status("Ngày họp", "Phiên họp Hội đồng", s.held_on, today, calendar),
                                 "Kết thúc, hoãn hoặc hủy phiên"))
    return section


def _ballots(user, member_ids, now) -> Section:
    section = Section("ballots", "Phiếu bầu đang mở cho tôi")
    if not member_ids:
        return section
    pairs = list(VoteSession.objects.filter(closed_at__isnull=True, opens_at__lte=now, closes_at__gt=now,
                                            cluster_year__members__in=member_ids)
                 .values_list("pk", "cluster_year__members", "cluster_year_id", "cluster_year__cluster_id",
                              "kind", "round", "closes_at", "cluster_year__year", "cluster_year__cluster__name"))
    if not pairs:
        return section
    voted = set(VoteParticipation.objects.filter(session_id__in={p[0] for p in pairs}, member_id__in=member_ids)
                .values_list("session_id", "member_id"))
    labels = dict(VoteKind.choices)
    for pk, member, cy, _cluster_id, kind, rnd, closes, year, cluster in sorted(pairs, key=lambda p: p[6]):
        if (pk, member) in voted:
            continue
        title = f"{labels.get(kind, kind)}{f' (vòng {rnd})' if rnd > 1 else ''} — {cluster} năm {year}"
        section.add(WorkItem(title, reverse("emulation:year-vote", args=[cy, pk]),
                             f"Đóng phiếu lúc {timezone.localtime(closes):%H:%M %d/%m/%Y}", None, "Bỏ phiếu"))
    return section


def _cluster_steps(user, member_ids, today, calendar) -> tuple[Section, Section]:
    """Pact signatures and year-end results still missing from one of the user's member organisations, in cluster
    years that are open (run in the system) and not locked."""
    pact = Section("pact", "Giao ước chờ ký")
    results = Section("results", "Báo cáo kết quả đến hạn")
    if not member_ids:
        return pact, results
    through = ClusterYear.members.through
    rows = list(through.objects.filter(organization_id__in=member_ids, clusteryear__run__isnull=False,
                                       clusteryear__run__scores_locked_at__isnull=True)
                .values_list("clusteryear_id", "organization_id", "clusteryear__cluster_id", "clusteryear__year",
                             "clusteryear__cluster__name", "organization__name"))
    if not rows:
        return pact, results
    cy_ids = {r[0] for r in rows}
    has_pact = set(ClusterYear.objects.filter(pk__in=cy_ids, pact__isnull=False).values_list("pk", flat=True))
    signed = set(PactSignature.objects.filter(pact__cluster_year_id__in=cy_ids, member_id__in=member_ids)
                 .values_list("pact__cluster_year_id", "member_id"))
    n_ind = dict(Indicator.objects.filter(cluster_year_id__in=cy_ids).values("cluster_year_id")
                 .annotate(n=Count("pk")).values_list("cluster_year_id", "n"))
    reported = {(r["indicator__cluster_year_id"], r["member_id"]): r["n"] for r in
                Target.objects.filter(indicator__cluster_year_id__in=cy_ids, member_id__in=member_ids,
                                      actual__isnull=False)
                .values("indicator__cluster_year_id", "member_id").annotate(n=Count("indicator", distinct=True))}
    due = {(cy, step): d for cy, step, d in Milestone.objects.filter(
        cluster_year_id__in=cy_ids, step__in=[Step.PACT, Step.YEAR_END]).values_list("cluster_year_id", "step", "due_on")}
    for cy, member, _cluster_id, year, cluster, member_name in sorted(rows, key=lambda r: (r[3], r[4])):
        many = len(member_ids) > 1
        who = f" ({member_name})" if many else ""
        if cy in has_pact and (cy, member) not in signed:
            d = due.get((cy, Step.PACT))
            pact.add(WorkItem(f"Ký giao ước thi đua — {cluster} năm {year}{who}",
                              reverse("emulation:year-pact", args=[cy]), "",
                              due_status("Hạn ký giao ước", "Lịch năm thi đua", d, today, calendar) if d else None,
                              "Ký giao ước"))
        if n_ind.get(cy) and reported.get((cy, member), 0) < n_ind[cy]:
            d = due.get((cy, Step.YEAR_END))
            if d is None or d <= today + timedelta(days=45):  # the year-end report is due near the end of the year
                results.add(WorkItem(f"Báo cáo kết quả cả năm — {cluster} năm {year}{who}",
                                     reverse("emulation:year-results", args=[cy]),
                                     f"Đã báo cáo {reported.get((cy, member), 0)}/{n_ind[cy]} chỉ tiêu",
                                     due_status("Hạn báo cáo cả năm", "Lịch năm thi đua", d, today, calendar)
                                     if d else None, "Báo cáo kết quả"))
    return pact, results


def _imports(user) -> Section:
    section = Section("imports", "Nhập Excel chưa hoàn tất", more_url=reverse("awards:imports"))
    kinds = {cls.kind: cls for cls in importers()}
    for stored in UploadStore.pending(user):
        importer = kinds.get(stored.kind)
        if importer is None:
            continue
        try:
            url = url_for(stored.kind, "preview", token=stored.token, **stored.params)
        except Exception:  # an import whose page no longer exists (its dossier was deleted): nothing to finish
            continue
        created = timezone.localtime(timezone.datetime.fromtimestamp(stored.meta.get("created", 0),
                                                                     tz=timezone.get_current_timezone()))
        section.add(WorkItem(f"{importer.title}: tệp “{stored.name}”", url,
                             f"Tải lên lúc {created:%H:%M %d/%m/%Y}; xem trước, sửa lỗi rồi ghi (hết hạn sau 24 giờ)",
                             None, "Xem trước, ghi"))
    return section


def _decisions(user, today) -> Section:
    """Decisions signed recently that award someone of the user's units (a unit's own view; global roles see
    everything, so nothing is "theirs")."""
    section = Section("decisions", "Quyết định khen thưởng cho đơn vị tôi",
                      more_url=reverse("awards:registry"))
    scope = scope_for(user)
    if scope.user_id is None or scope.is_global or not scope.org_ids:
        return section
    since = today - timedelta(days=DECISION_DAYS)
    # The recent decisions as a subquery rather than a join: the same rows, but SQLite then finds the awards through
    # the few recent decisions instead of reading every award of the user's units and joining each to its decision
    # (a province's whole history: ~10 ms a work list on the reference scenario, now ~3 ms).
    recent = Decision.objects.filter(signed_on__gte=since).values("pk")
    awards = Award.objects.filter(scope.units_q("unit"), decision__in=recent)
    qs = (Decision.objects.filter(signed_on__gte=since, pk__in=awards.values("decision_id"))
          .select_related("authority").annotate(n=Count("awards", filter=Q(awards__in=awards)))
          .order_by("-signed_on", "-pk"))
    for dec in qs[:SECTION_ROWS]:
        section.add(WorkItem(f"Quyết định số {dec.number} ngày {dec.signed_on:%d/%m/%Y} — {dec.authority.name}",
                             f"{reverse('awards:registry')}?q={dec.number}",
                             f"{dec.summary} · {dec.n} người, tập thể của đơn vị" if dec.summary
                             else f"{dec.n} người, tập thể của đơn vị", None, "Xem"))
    section.count = max(section.count, qs.count()) if len(section.items) >= SECTION_ROWS else section.count
    return section


def work_list(user, *, today: date | None = None, now=None) -> WorkList:
    """Every section, in the order of the home page (empty sections included: the page says "nothing")."""
    if not getattr(user, "is_authenticated", False):
        return WorkList([])
    today = today or timezone.localdate()
    now = now or timezone.now()
    calendar = Calendar.from_db()
    member_ids = _member_org_ids(user)
    pact, results = _cluster_steps(user, member_ids, today, calendar)
    return WorkList([_dossiers(user, today, calendar), _council(user, today, calendar),
                     _ballots(user, member_ids, now), pact, results, _imports(user), _decisions(user, today)])
